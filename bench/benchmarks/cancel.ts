import type { BenchContext, BenchSection } from './types';
export async function benchCancel(_ctx: BenchContext): Promise<BenchSection> {
  return { title: 'cancel', markdown: 'todo', charts: [], headline: [] };
}
