import { PROMPT_OPENINGS } from '../../src/providers/model/prompts';
import type { ChatBody } from './fault-server';

/** Which kind of call a request is, by the fixed opening of its system prompt. */
export function callKind(body: ChatBody): keyof typeof PROMPT_OPENINGS | undefined {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return (Object.keys(PROMPT_OPENINGS) as (keyof typeof PROMPT_OPENINGS)[]).find((k) => system.startsWith(PROMPT_OPENINGS[k]));
}

export const isCall = (kind: keyof typeof PROMPT_OPENINGS) => (body: ChatBody) => callKind(body) === kind;

export function validPlan(searches = 2): string {
  const ids = Array.from({ length: searches }, (_, i) => `search-${i + 1}`);
  return JSON.stringify({
    tasks: [
      ...ids.map((id, i) => ({ id, kind: 'search', description: `Find facet ${i + 1}`, query: i % 2 === 0 ? 'kettle boils water' : 'copper base kettle', facet: `Facet ${i + 1}` })),
      { id: 'analyze', kind: 'analyze', description: 'Compare', dependsOn: ids },
      { id: 'synthesize', kind: 'synthesize', description: 'Write', dependsOn: ['analyze'] },
    ],
  });
}

/** The fenced data blocks of a prompt: id and text. */
export function fencedBlocks(text: string): { id: string; text: string }[] {
  const blocks: { id: string; text: string }[] = [];
  // See src/providers/fence.ts: a SOURCE header, Title/URL lines, a backtick fence, END OF SOURCE.
  const re = /^SOURCE (\S+) — [^\n]*\n(?:(?:Title|URL): [^\n]*\n)*(`{3,})text\n([\s\S]*?)\n\2\nEND OF SOURCE \1$/gm;
  for (const m of text.matchAll(re)) blocks.push({ id: m[1], text: m[3] });
  return blocks;
}

/**
 * A deterministic "model" for end-to-end tests: plans two searches, quotes the first line of each
 * source (verbatim), claims one point per piece of evidence, and writes a report citing them.
 */
export function scriptedModel(options: { plan?: string; inventQuote?: boolean } = {}) {
  return (body: ChatBody): string => {
    const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    switch (callKind(body)) {
      case 'plan':
      case 'replan':
        return options.plan ?? validPlan();
      case 'extract': {
        const findings = fencedBlocks(user).map((b) => ({ source: b.id, quote: b.text.split('\n').find((l) => l.trim().length >= 12) ?? b.text, note: 'relevant' }));
        if (options.inventQuote) findings.push({ source: 's1', quote: 'The kettle was invented on the moon by penguins.', note: 'made up' });
        return JSON.stringify({ findings });
      }
      case 'analyze': {
        const blocks = fencedBlocks(user);
        return JSON.stringify({ points: blocks.map((b) => ({ claim: `Evidence ${b.id} matters.`, evidence: [b.id] })), gaps: [] });
      }
      case 'synthesize': {
        const ids = fencedBlocks(user).map((b) => b.id);
        return `The evidence answers the question [${ids[0] ?? 'E1'}].\n\n## Details\n\n${ids.map((id) => `- Point from ${id} [${id}]`).join('\n')}\n`;
      }
      default:
        return '{}';
    }
  };
}
