import type { ChatResponse } from './chat-model';
import type { ModelPrice } from './model-config';

/**
 * The price of one answer. Looked up by the model asked for, then by the model that answered (OpenAI
 * answers "gpt-4o-mini" with "gpt-4o-mini-2024-07-18"), then by the longest configured name the answer
 * starts with. Unknown models cost 0: prices are the person's to give.
 */
export function costOf(prices: Readonly<Record<string, ModelPrice>>, requested: string, response: ChatResponse): number {
  const price =
    prices[requested] ??
    prices[response.model] ??
    Object.entries(prices)
      .filter(([name]) => response.model.startsWith(name))
      .sort(([a], [b]) => b.length - a.length)[0]?.[1];
  if (!price) return 0;
  return (response.usage.inputTokens * price.inputPerMillion + response.usage.outputTokens * price.outputPerMillion) / 1_000_000;
}
