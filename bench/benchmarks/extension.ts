import type { BenchContext, BenchSection } from './types';
export async function benchExtension(_ctx: BenchContext): Promise<BenchSection> {
  return { title: 'extension', markdown: 'todo', charts: [], headline: [] };
}
