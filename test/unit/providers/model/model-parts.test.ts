import assert from 'node:assert/strict';
import { UsageError } from '../../../../src/core/errors';
import type { Finding } from '../../../../src/core/sources';
import { BudgetGuard } from '../../../../src/providers/model/budget-guard';
import { parseJsonObject } from '../../../../src/providers/model/json-answer';
import { parseModelConfig } from '../../../../src/providers/model/model-config';
import { routeModel } from '../../../../src/providers/model/model-router';
import { costOf } from '../../../../src/providers/model/pricing';
import { locateQuote } from '../../../../src/providers/quote-match';
import { redact } from '../../../../src/providers/redact';
import { modelConfigFromSettings } from '../../../../src/providers/model/settings-config';
import { parseWrittenReport } from '../../../../src/providers/model/written-report';

describe('model provider parts', () => {
  describe('configuration', () => {
    it('fills defaults and roles from "model"', () => {
      const config = parseModelConfig({ endpoints: [{ baseUrl: 'http://127.0.0.1:11434/v1' }], model: 'llama3.1' });
      assert.equal(config.endpoints[0].concurrency, 4);
      assert.deepEqual(routeModel(config, { kind: 'plan', inputTokens: 0 }), { role: 'planner', model: 'llama3.1' });
    });

    it('refuses keys anywhere in it, naming where keys belong', () => {
      assert.throws(
        () => parseModelConfig({ endpoints: [{ baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-SECRET-1234' }], model: 'm' }),
        (e: Error) => e instanceof UsageError && /endpoints\[0\]\.apiKey: API keys never go in configuration/.test(e.message) && !e.message.includes('SECRET'),
      );
    });

    it('says what is missing or wrong', () => {
      assert.throws(() => parseModelConfig({ endpoints: [{ baseUrl: 'http://x/v1' }] }), /no model for planner, researcher, writer/);
      assert.throws(() => parseModelConfig({ endpoints: [{ baseUrl: 'ftp://x' }], model: 'm' }), /http:\/\/ or https:\/\//);
      assert.throws(() => parseModelConfig({ endpoints: [{ baseUrl: 'http://x/v1' }], model: 'm', budget: { usd: 1 } }), /needs prices for "m"/);
      assert.throws(() => parseModelConfig({ endpoints: [{ baseUrl: 'http://x/v1' }, { baseUrl: 'http://x/v1' }], model: 'm' }), /two endpoints are named "x"/);
    });

    it('routes by role and by task size, and by the first matching rule', () => {
      const config = parseModelConfig({
        endpoints: [{ baseUrl: 'http://x/v1' }],
        roles: { planner: 'p', researcher: 'r', writer: 'w' },
        largeInputTokens: 1000,
        routes: [{ kind: 'search', minInputTokens: 5000, model: 'long-context' }],
      });
      assert.equal(routeModel(config, { kind: 'search', inputTokens: 10 }).model, 'r');
      assert.equal(routeModel(config, { kind: 'search', inputTokens: 6000 }).model, 'long-context');
      assert.equal(routeModel(config, { kind: 'analyze', inputTokens: 10 }).model, 'r');
      assert.equal(routeModel(config, { kind: 'analyze', inputTokens: 2000 }).model, 'w');
      assert.equal(routeModel(config, { kind: 'synthesize', inputTokens: 10 }).model, 'w');
    });

    it('turns the extension settings into the same configuration; empty roles take the first set', () => {
      const config = modelConfigFromSettings({ openaiBaseUrl: 'http://127.0.0.1:1234/v1', models: { researcher: 'small', writer: '' }, budgetUsd: null });
      assert.deepEqual(config.roles, { planner: 'small', researcher: 'small', writer: 'small' });
      assert.equal(config.endpoints[0].baseUrl, 'http://127.0.0.1:1234/v1');
      assert.deepEqual(config.budget, {});
      assert.throws(() => modelConfigFromSettings({}), /research\.models\.planner/);
    });
  });

  it('prices: per million tokens, by requested model, answered model or its prefix; unknown costs 0', () => {
    const prices = { 'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 } };
    const response = { text: '', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 }, model: 'gpt-4o-mini-2024-07-18', endpoint: 'e' };
    assert.equal(costOf(prices, 'gpt-4o-mini', response), 0.75);
    assert.equal(costOf(prices, 'alias', response), 0.75);
    assert.equal(costOf(prices, 'other', { ...response, model: 'other' }), 0);
  });

  it('budget: stops research one estimated task before the cap, the synthesis only at the cap', () => {
    const guard = new BudgetGuard({ usd: 1 }, { inputTokens: 0, outputTokens: 0, costUsd: 0.2 });
    assert.equal(guard.refuse('search'), undefined);
    guard.record({ inputTokens: 10, outputTokens: 10, costUsd: 0.5 });
    guard.taskFinished({ inputTokens: 10, outputTokens: 10, costUsd: 0.5 });
    assert.match(guard.refuse('search')!, /budget reached \(\$0\.50 of \$1\.00 spent\): no new research starts/);
    assert.equal(guard.refuse('synthesize'), undefined);
    guard.record({ inputTokens: 10, outputTokens: 10, costUsd: 0.5 });
    assert.match(guard.refuse('synthesize')!, /budget reached/);
    assert.equal(new BudgetGuard({}, { inputTokens: 0, outputTokens: 0, costUsd: 9 }).refuse('search'), undefined);
  });

  describe('quotes', () => {
    const source = { ref: { path: 'a.md', startLine: 10, endLine: 13 }, text: 'First line here.\nThe kettle boils water\n  in ninety seconds.\nLast line.' };

    it('finds a quote across re-flowed whitespace and returns the source’s own text and lines', () => {
      const found = locateQuote(source, '“The kettle boils water in ninety seconds.”');
      assert.deepEqual(found, { ref: { path: 'a.md', startLine: 11, endLine: 12 }, quote: 'The kettle boils water\n  in ninety seconds.' });
    });

    it('rejects paraphrases and quotes too short to prove anything', () => {
      assert.equal(locateQuote(source, 'The kettle heats water in ninety seconds.'), undefined);
      assert.equal(locateQuote(source, 'kettle'), undefined);
    });

    it('forgives what the web check forgives (case, curly quotes, dashes), keeps a web ref, and spans an elided quote in the source’s words', () => {
      const page = { ref: { path: '.research/r/sources/s1.txt', startLine: 1, endLine: 3, url: 'https://example.org/k', title: 'Kettles' }, text: 'It’s fast — the kettle boils water.\nNothing else.\nIt keeps tea warm for an hour.' };
      assert.deepEqual(locateQuote(page, "it's fast - THE KETTLE boils water."), {
        ref: { ...page.ref, startLine: 1, endLine: 1 },
        quote: 'It’s fast — the kettle boils water.',
      });
      const elided = locateQuote(page, 'the kettle boils water ... keeps tea warm for an hour');
      assert.deepEqual(elided?.ref, { ...page.ref, startLine: 1, endLine: 3 });
      assert.equal(elided?.quote, 'the kettle boils water.\nNothing else.\nIt keeps tea warm for an hour');
      assert.equal(locateQuote(page, 'the kettle boils water ... tea'), undefined, 'each elided part must prove something');
    });
  });

  it('reads JSON bare, fenced or amid prose, and says why not', () => {
    assert.deepEqual(parseJsonObject('{"a":1}').value, { a: 1 });
    assert.deepEqual(parseJsonObject('Here:\n```json\n{"a":2}\n```').value, { a: 2 });
    assert.deepEqual(parseJsonObject('Sure! {"a":3} Hope it helps').value, { a: 3 });
    assert.match(parseJsonObject('no json').problem!, /not valid JSON/);
    assert.match(parseJsonObject('[1]').problem!, /not an object/);
  });

  it('redacts keys, key-like tokens and credentials in URLs', () => {
    assert.equal(redact('key sk-test-SECRET-1234 and my-own-secret at http://u:p@host/v1', ['my-own-secret']), 'key [redacted] and [redacted] at http://[redacted]@host/v1');
  });

  describe('written report', () => {
    const evidence: Finding[] = [
      { source: { path: 'a.md', startLine: 3, endLine: 3 }, quote: 'The kettle boils water in ninety seconds.', score: 1 },
      { source: { path: 'src/b.ts', startLine: 1, endLine: 2 }, quote: 'const base = "copper";', score: 1 },
    ];

    it('turns citations into links, lists the cited quotes verbatim, and drops citations of unknown evidence', () => {
      const parsed = parseWrittenReport('It is fast [E1].\n\n## Materials\n\n- Copper [E2][E9]\n- Fast again [E1, E2]', evidence);
      assert.deepEqual(parsed.sections.map((s) => s.heading), ['Summary', 'Materials', 'Evidence']);
      assert.deepEqual(parsed.sections[0].blocks, [{ kind: 'text', text: 'It is fast.', citations: [evidence[0].source] }]);
      assert.equal(parsed.sections[1].blocks.length, 2);
      assert.equal(parsed.unknownCitations, 1);
      assert.deepEqual(parsed.sections[2].blocks.map((b) => b.kind === 'quote' && b.text), [evidence[0].quote, evidence[1].quote]);
      assert.equal((parsed.sections[2].blocks[1] as { language?: string }).language, 'typescript');
    });

    it('marks a quotation that the cited evidence does not contain', () => {
      const parsed = parseWrittenReport('The maker says "it boils water faster than any other kettle" [E1]. It says "The kettle boils water in ninety seconds." [E1]', evidence);
      const text = (parsed.sections[0].blocks[0] as { text: string }).text;
      assert.match(text, /any other kettle" \[quotation not found in the cited sources\]/);
      assert.equal(parsed.unverifiedQuotations, 1);
    });

    const textOf = (parsed: ReturnType<typeof parseWrittenReport>) => (parsed.sections[0].blocks[0] as { text: string }).text;

    it('checks quotations in single, curly single, guillemet and corner-bracket marks', () => {
      for (const [open, close] of [["'", "'"], ['\u2018', '\u2019'], ['\u00ab', '\u00bb'], ['\u300c', '\u300d'], ['\u201e', '\u201c']]) {
        const invented = parseWrittenReport(`The maker writes ${open}it boils water faster than any kettle${close} [E1].`, evidence);
        assert.equal(invented.unverifiedQuotations, 1, `${open}…${close} invented`);
        assert.ok(textOf(invented).includes(`${close} [quotation not found in the cited sources]`), textOf(invented));
        const real = parseWrittenReport(`The maker writes ${open}the kettle boils water in ninety seconds${close} [E1].`, evidence);
        assert.equal(real.unverifiedQuotations, 0, `${open}…${close} real`);
      }
    });

    it('does not take apostrophes for quotation marks', () => {
      const parsed = parseWrittenReport("The kettle's maker doesn't say it's the fastest one they've built [E1].", evidence);
      assert.equal(parsed.unverifiedQuotations, 0);
    });

    it('checks code spans of a cited paragraph, and not those of a paragraph that cites nothing', () => {
      const invented = parseWrittenReport('The base is set by `const base = "brass";` [E2].\n\nRun `npm test` to check.', evidence);
      assert.equal(invented.unverifiedQuotations, 1);
      assert.match(textOf(invented), /`const base = "brass";` \[quotation not found in the cited sources\]/);
      const real = parseWrittenReport('The base is set by `const base = "copper";` [E2].', evidence);
      assert.equal(real.unverifiedQuotations, 0);
    });

    it('checks a quotation inside a code span once, as the code span', () => {
      const parsed = parseWrittenReport("It says `'invented words of a kettle'` [E1].", evidence);
      assert.equal(parsed.unverifiedQuotations, 1);
      assert.equal(textOf(parsed).split('[quotation not found').length, 2);
    });

    it('turns a block quote into the source\'s own words, or a marked sentence with no link', () => {
      const real = parseWrittenReport('The maker is plain about it [E1]:\n\n> the kettle boils water\n> in ninety seconds', evidence);
      const quote = real.sections[0].blocks[1];
      assert.equal(quote.kind, 'quote');
      assert.equal(quote.kind === 'quote' && quote.text, 'The kettle boils water in ninety seconds');
      assert.deepEqual(quote.kind === 'quote' && quote.source, evidence[0].source);
      assert.equal(real.unverifiedQuotations, 0);

      const invented = parseWrittenReport('> The kettle boils water in nine seconds flat.\n> \u2014 [E1]', evidence);
      const block = invented.sections[0].blocks[0];
      assert.equal(block.kind, 'text');
      assert.deepEqual(block.kind === 'text' && block.citations, []);
      assert.match(block.kind === 'text' ? block.text : '', /^\[quotation not found in the cited sources\] "The kettle boils water in nine seconds flat\."$/);
      assert.equal(invented.unverifiedQuotations, 1);
    });
  });
});
