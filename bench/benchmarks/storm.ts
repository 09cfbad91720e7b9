import type { BenchContext, BenchSection } from './types';
export async function benchStorm(_ctx: BenchContext): Promise<BenchSection> {
  return { title: 'storm', markdown: 'todo', charts: [], headline: [] };
}
