import type { UsageTotals } from '../../core/provider';
import type { BudgetGuard } from './budget-guard';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model';
import type { ModelPrice } from './model-config';
import { costOf } from './pricing';

/** The model chosen for a call: the ChatModel to send it to, and its name (for prices and the report). */
export interface ModelChoice {
  chatModel: ChatModel;
  model: string;
}

/**
 * Counts the tokens and cost of the requests one task attempt sends, and tells the budget at once, so
 * that spending is known while the run goes on (planning and failed attempts included).
 */
export class TaskMeter {
  readonly usage: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  /** Models that answered, for the report. */
  readonly models = new Set<string>();

  constructor(
    private readonly prices: Readonly<Record<string, ModelPrice>>,
    private readonly budget: BudgetGuard,
  ) {}

  async send(choice: ModelChoice, request: ChatRequest): Promise<ChatResponse> {
    const response = await choice.chatModel.complete(request);
    const spent = {
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      costUsd: costOf(this.prices, choice.model, response),
    };
    this.usage.inputTokens += spent.inputTokens;
    this.usage.outputTokens += spent.outputTokens;
    this.usage.costUsd += spent.costUsd;
    this.models.add(choice.model);
    this.budget.record(spent);
    return response;
  }
}
