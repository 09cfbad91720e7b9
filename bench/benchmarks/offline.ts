import type { BenchContext, BenchSection } from './types';
export async function benchOffline(_ctx: BenchContext): Promise<BenchSection> {
  return { title: 'offline', markdown: 'todo', charts: [], headline: [] };
}
