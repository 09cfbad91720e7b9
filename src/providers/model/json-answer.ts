import type * as z from 'zod';
import type { ChatMessage, ChatResponse } from './chat-model';

/** A model's answer that stayed invalid after the one repair request. */
export class InvalidAnswerError extends Error {
  constructor(
    readonly problems: string[],
    readonly attempts: number,
  ) {
    super(problems.join('; '));
    this.name = 'InvalidAnswerError';
  }
}

/** Reads a JSON object from a model's text: bare, or inside a ```json fence, or amid prose. */
export function parseJsonObject(text: string): { value?: unknown; problem?: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const candidates = [text.trim(), fenced?.trim(), sliceObject(text)].filter((c): c is string => !!c);
  let problem = 'the answer is empty';
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) return { value };
      problem = 'the answer is JSON but not an object';
    } catch (error) {
      problem = `the answer is not valid JSON (${(error as Error).message})`;
    }
  }
  return { problem };
}

function sliceObject(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : undefined;
}

export interface JsonAsk<T> {
  messages: ChatMessage[];
  schema: z.ZodType<T>;
  /** Further checks on a value the schema accepted; returns problems (empty when fine). */
  check?: (value: T) => string[];
  /** Sends one request (the caller meters it). */
  send(messages: ChatMessage[]): Promise<ChatResponse>;
}

/**
 * Asks for a JSON answer, validates it with the zod schema, and on an invalid answer sends ONE repair
 * request naming the problems. A second invalid answer throws InvalidAnswerError; the caller turns it
 * into a clear failure of its task.
 */
export async function askForJson<T>(ask: JsonAsk<T>): Promise<T> {
  let messages = ask.messages;
  let problems: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const response = await ask.send(messages);
    const result = validate(response.text, ask);
    if (result.ok) return result.value;
    problems = result.problems;
    messages = [
      ...ask.messages,
      { role: 'assistant', content: response.text.slice(0, 20_000) },
      {
        role: 'user',
        content:
          `That answer cannot be used: ${problems.join('; ')}.\n` +
          'Answer again with only the corrected JSON object, following the format asked for above.',
      },
    ];
  }
  throw new InvalidAnswerError(problems, 2);
}

function validate<T>(text: string, ask: JsonAsk<T>): { ok: true; value: T } | { ok: false; problems: string[] } {
  const parsed = parseJsonObject(text);
  if (parsed.problem) return { ok: false, problems: [parsed.problem] };
  const result = ask.schema.safeParse(parsed.value);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.slice(0, 10).map((issue) => `${issue.path.map(String).join('.') || 'answer'}: ${issue.message}`),
    };
  }
  const problems = ask.check?.(result.data) ?? [];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: result.data };
}
