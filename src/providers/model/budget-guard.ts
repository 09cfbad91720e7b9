import type { TaskKind } from '../../core/plan';
import type { UsageTotals } from '../../core/provider';
import { formatUsd } from '../../core/format';
import { addUsage } from '../../core/usage';

export interface Budget {
  usd?: number;
  tokens?: number;
}

/**
 * Watches spending against a budget. As the run nears its cap — when one more task would probably
 * reach it — no new search or analysis starts (they end cancelled with the reason), while the
 * synthesis still runs until the cap itself is reached, so the report is written from what was found.
 * "One more task" is the larger of `taskEstimate` and the average a finished task cost so far: it errs
 * on the side of stopping early, since an overrun budget is what people complain about.
 */
export class BudgetGuard {
  private spent: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private tasks = 0;
  private taskTotals: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

  constructor(
    readonly budget: Budget,
    private readonly taskEstimate: UsageTotals,
  ) {}

  get limited(): boolean {
    return this.budget.usd !== undefined || this.budget.tokens !== undefined;
  }

  /** Every request's usage, as soon as it is known (failed attempts and planning included). */
  record(usage: UsageTotals): void {
    this.spent = addUsage(this.spent, usage);
  }

  /** A finished task's total, to estimate the next. */
  taskFinished(usage: UsageTotals): void {
    this.tasks++;
    this.taskTotals = addUsage(this.taskTotals, usage);
  }

  totals(): UsageTotals {
    return { ...this.spent };
  }

  /** Why a task of this kind must not start now, or undefined. */
  refuse(kind: TaskKind): string | undefined {
    if (!this.limited) return undefined;
    const average = this.tasks > 0 ? scale(this.taskTotals, 1 / this.tasks) : this.taskEstimate;
    const next = {
      inputTokens: Math.max(average.inputTokens, this.taskEstimate.inputTokens),
      outputTokens: Math.max(average.outputTokens, this.taskEstimate.outputTokens),
      costUsd: Math.max(average.costUsd, this.taskEstimate.costUsd),
    };
    const margin = kind === 'synthesize' ? { inputTokens: 0, outputTokens: 0, costUsd: 0 } : next;
    const { usd, tokens } = this.budget;
    const spentTokens = this.spent.inputTokens + this.spent.outputTokens;
    const overUsd = usd !== undefined && this.spent.costUsd + margin.costUsd >= usd;
    const overTokens = tokens !== undefined && spentTokens + margin.inputTokens + margin.outputTokens >= tokens;
    if (!overUsd && !overTokens) return undefined;
    const what = overUsd ? `${formatUsd(this.spent.costUsd)} of ${formatUsd(usd!)} spent` : `${spentTokens} of ${tokens} tokens used`;
    return kind === 'synthesize'
      ? `budget reached (${what}): the report is written from what was found`
      : `budget reached (${what}): no new research starts; the report is written from what was found`;
  }
}

function scale(a: UsageTotals, k: number): UsageTotals {
  return { inputTokens: a.inputTokens * k, outputTokens: a.outputTokens * k, costUsd: a.costUsd * k };
}
