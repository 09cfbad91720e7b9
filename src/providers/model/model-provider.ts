import { errorMessage, formatSeconds, PermanentError } from '../../core/errors';
import type { AttemptUsage, TaskExecutor } from '../../core/executor';
import type { Plan } from '../../core/plan';
import type { PlanningContext, ResearchProvider, UsageTotals } from '../../core/provider';
import { decideRetry, DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from '../../core/retry';
import { runModelAnalyze } from './analyze-task';
import { BudgetGuard, type Budget } from './budget-guard';
import type { ChatMessage } from './chat-model';
import { InvalidAnswerError } from './json-answer';
import type { ModelPrice } from './model-config';
import { completedIds, planWithModel } from './model-planner';
import type { CallPurpose } from './model-router';
import { planMessages, replanMessages } from './prompts';
import { runModelSearch } from './search-task';
import type { SourceLibrary } from './source-library';
import { runModelSynthesize } from './synthesize-task';
import { TaskMeter, type ModelChoice } from './task-meter';
import { estimateTokens } from './token-estimate';

export interface ModelProviderOptions {
  /** The model for a call: by role and task (see routeModel), from an endpoint pool or from vscode.lm. */
  chatModelFor(purpose: CallPurpose): ModelChoice;
  /** Where searches find what to read (the workspace index by default; web search with part B). */
  sources: SourceLibrary;
  prices?: Readonly<Record<string, ModelPrice>>;
  budget?: Budget;
  /** Shown in the report header, e.g. "OpenAI-compatible (local: llama3.1)". */
  label: string;
  /** The provider's id, e.g. "openai" or "vscode-lm" (run.json keeps it). Default "model". */
  id?: string;
  temperature?: number;
  /** Sources read by each search. Default 6. */
  sourcesPerSearch?: number;
  /**
   * Planning runs before the dispatcher exists, so it has its own copy of the retry policy: transient
   * errors while planning are retried the same way, rate limits without using up retries.
   */
  planningRetry?: Partial<RetryPolicy>;
  /** The least one task is expected to cost, for the budget's margin. Default 4,000 tokens in, 800 out. */
  taskEstimate?: UsageTotals;
}

export interface ModelProvider extends ResearchProvider {
  readonly budget: BudgetGuard;
}

/**
 * Research with language models: the planner model decomposes the question (validated with the plan's
 * schema, one repair request), searches read sources through the SourceLibrary and the researcher
 * model extracts quotes (each checked against its source), analyses compare them, and the writer model
 * writes the report, streamed. Tokens and cost are counted per task and per run; a budget stops new
 * research as it nears its cap.
 */
export function createModelProvider(options: ModelProviderOptions): ModelProvider {
  const prices = options.prices ?? {};
  const budget = new BudgetGuard(options.budget ?? {}, options.taskEstimate ?? { inputTokens: 4000, outputTokens: 800, costUsd: estimateCost(options, prices) });
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.planningRetry };
  const sourcesPerSearch = options.sourcesPerSearch ?? 6;

  const plan = async (messages: ChatMessage[], context: PlanningContext, question: string, external?: ReadonlySet<string>): Promise<Plan> => {
    const choice = options.chatModelFor({ kind: 'plan', inputTokens: estimateTokens(messages.map((m) => m.content).join('\n')) });
    return withPlanningRetries(policy, context, () => {
      const refusal = budget.refuse('search');
      if (refusal) throw new PermanentError(`cannot plan: ${refusal}`);
      return planWithModel(question, messages, {
        choice,
        meter: new TaskMeter(prices, budget),
        signal: context.signal,
        maxTasks: context.maxTasks,
        temperature: options.temperature,
      }, external);
    });
  };

  const execute: TaskExecutor = async (task, context) => {
    context.signal.throwIfAborted();
    const meter = new TaskMeter(prices, budget);
    const choose = (kind: CallPurpose['kind']) => (inputTokens: number) => options.chatModelFor({ kind, inputTokens });
    const common = { meter, temperature: options.temperature };
    let result;
    try {
      switch (task.kind) {
        case 'search':
          result = await runModelSearch(task, context, { ...common, sources: options.sources, sourcesPerSearch, choose: choose('search') });
          break;
        case 'analyze':
          result = await runModelAnalyze(task, context, { ...common, choose: choose('analyze') });
          break;
        case 'synthesize':
          result = await runModelSynthesize(task, context, { ...common, sources: options.sources, choose: choose('synthesize') });
          break;
        default:
          throw new PermanentError(`the model provider cannot run a task of kind "${String((task as { kind: unknown }).kind)}"`);
      }
    } catch (caught) {
      const error =
        caught instanceof InvalidAnswerError
          ? new PermanentError(`the model ${[...meter.models].join(', ')} answered twice without a usable answer: ${caught.problems.join('; ')}`)
          : caught;
      // What the attempt spent goes with its error, so a dispatcher elsewhere can count it too.
      if (error && typeof error === 'object' && meter.usage.inputTokens + meter.usage.outputTokens > 0) {
        (error as AttemptUsage).attemptUsage = { ...meter.usage };
      }
      throw error;
    }
    budget.taskFinished(meter.usage);
    return { ...result, usage: { ...meter.usage } };
  };

  return {
    id: options.id ?? 'model',
    label: options.label,
    budget,
    plan: (question, context) => plan(planMessages(question, context.maxTasks), context, question),
    replan: (request, context) => {
      const external = completedIds(request);
      return plan(replanMessages(request, context.maxTasks), context, request.question, external);
    },
    execute,
    shouldStart: (task) => budget.refuse(task.spec.kind),
    usage: () => budget.totals(),
    recordRemoteUsage: (usage, finished) => {
      budget.record(usage);
      if (finished) budget.taskFinished(usage);
    },
    dispose: () => options.sources.dispose?.(),
  };
}

/** One task's cost before any finished: 4,000 tokens in and 800 out at the researcher's price. */
function estimateCost(options: ModelProviderOptions, prices: Readonly<Record<string, ModelPrice>>): number {
  try {
    const { model } = options.chatModelFor({ kind: 'search', inputTokens: 4000 });
    const price = prices[model];
    return price ? (4000 * price.inputPerMillion + 800 * price.outputPerMillion) / 1_000_000 : 0;
  } catch {
    return 0;
  }
}

/** The dispatcher's retry decision, for the one call that happens before the dispatcher exists. */
async function withPlanningRetries<T>(policy: RetryPolicy, context: PlanningContext, attempt: () => Promise<T>): Promise<T> {
  const counts = { retries: 0, rateLimitRetries: 0 };
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      const decision = decideRetry(policy, error, counts);
      if (!decision.retry) throw decision.why ? new Error(`${errorMessage(error)}; ${decision.why}`, { cause: error }) : error;
      counts.retries++;
      if (decision.rateLimited) counts.rateLimitRetries++;
      context.log?.('warn', `planning: attempt ${n} failed: ${errorMessage(error)}; retrying in ${formatSeconds(decision.delayMs)}`);
      await sleep(decision.delayMs, context.signal);
    }
  }
}
