import type { BenchContext, BenchSection } from './types';
export async function benchMakespan(_ctx: BenchContext): Promise<BenchSection> {
  return { title: 'makespan', markdown: 'todo', charts: [], headline: [] };
}
