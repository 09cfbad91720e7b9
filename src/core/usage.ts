import type { UsageTotals } from './provider';

/**
 * Tokens and cost, added and subtracted in one place: a run's sessions, its rounds (follow-ups), the
 * budget, and what a provider spent since a moment (its count before and after) all use these.
 */
export function noUsage(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

export function addUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, costUsd: a.costUsd + b.costUsd };
}

export function usageSince(before: UsageTotals, after: UsageTotals): UsageTotals {
  return { inputTokens: after.inputTokens - before.inputTokens, outputTokens: after.outputTokens - before.outputTokens, costUsd: after.costUsd - before.costUsd };
}

export function sumUsage(all: Iterable<UsageTotals>): UsageTotals {
  let total = noUsage();
  for (const usage of all) total = addUsage(total, usage);
  return total;
}

export function tokensOf(usage: UsageTotals): number {
  return usage.inputTokens + usage.outputTokens;
}
