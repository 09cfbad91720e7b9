import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostMessageSchema, pageMessageSchema, pageStateSchema } from '../../../src/shared/protocol';
import { runSimulated } from '../../support/scenarios';
import { researchShaped, snapshotOf, taskView } from './fixtures';

describe('progress panel protocol', () => {
  describe('page → host', () => {
    const valid: unknown[] = [
      { type: 'ready' },
      { type: 'cancelRun' },
      { type: 'cancelTask', taskId: 'search-1' },
      { type: 'retryTask', taskId: 'search-1' },
      { type: 'replan' },
      { type: 'openReport' },
      { type: 'openSource', path: '../../src/core/retry.ts', startLine: 3, endLine: 5 },
      { type: 'openSource', path: 'README.md' },
      { type: 'openExternal', url: 'https://example.com/a' },
    ];
    for (const message of valid) {
      it(`accepts ${JSON.stringify(message)}`, () => {
        assert.ok(pageMessageSchema.safeParse(message).success);
      });
    }

    const invalid: [string, unknown][] = [
      ['no type', {}],
      ['an unknown type', { type: 'runCommand', command: 'workbench.action.quit' }],
      ['a string', 'cancelRun'],
      ['null', null],
      ['an extra field', { type: 'cancelRun', force: true }],
      ['cancelTask without an id', { type: 'cancelTask' }],
      ['cancelTask with an empty id', { type: 'cancelTask', taskId: '' }],
      ['retryTask with a numeric id', { type: 'retryTask', taskId: 7 }],
      ['openSource with line 0', { type: 'openSource', path: 'a.ts', startLine: 0 }],
      ['openSource with a fractional line', { type: 'openSource', path: 'a.ts', startLine: 1.5 }],
      ['openSource ending before it starts', { type: 'openSource', path: 'a.ts', startLine: 9, endLine: 3 }],
      ['openSource with an empty path', { type: 'openSource', path: '' }],
      ['openExternal without a url', { type: 'openExternal' }],
    ];
    for (const [what, message] of invalid) {
      it(`refuses ${what}`, () => {
        assert.equal(pageMessageSchema.safeParse(message).success, false);
      });
    }
  });

  describe('host → page', () => {
    it('accepts a snapshot of the contract type and idle', () => {
      assert.ok(hostMessageSchema.safeParse({ type: 'snapshot', snapshot: snapshotOf(researchShaped(3)) }).success);
      assert.ok(hostMessageSchema.safeParse({ type: 'idle' }).success);
    });

    it('accepts every snapshot of a real (simulated) run, from planning to the written report', async function () {
      this.timeout(30_000);
      const dir = mkdtempSync(join(tmpdir(), 'protocol-'));
      try {
        writeFileSync(join(dir, 'notes.md'), 'nothing much\n');
        const run = await runSimulated(dir, join(dir, 'out/report.md'), 30);
        assert.ok(run.snapshots.length > 1);
        for (const snapshot of run.snapshots) {
          const parsed = hostMessageSchema.safeParse({ type: 'snapshot', snapshot });
          assert.ok(parsed.success, `version ${snapshot.version}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 2))}`);
        }
        assert.ok(run.final.reportMarkdown && run.final.reportMarkdown.length > 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const broken: [string, (s: ReturnType<typeof snapshotOf>) => unknown][] = [
      ['an unknown task state', (s) => ({ ...s, tasks: [{ ...s.tasks[0], state: 'EXPLODED' }] })],
      ['an unknown kind', (s) => ({ ...s, tasks: [{ ...s.tasks[0], kind: 'execute' }] })],
      ['a negative count', (s) => ({ ...s, retries: -1 })],
      ['a task without spans', (s) => ({ ...s, tasks: [{ ...s.tasks[0], spans: undefined }] })],
      ['an unknown status', (s) => ({ ...s, status: 'paused' })],
      ['a report that is not text', (s) => ({ ...s, reportMarkdown: { html: '<script>' } })],
    ];
    for (const [what, breakIt] of broken) {
      it(`refuses a snapshot with ${what}`, () => {
        const snapshot = breakIt(snapshotOf([taskView('a')]));
        assert.equal(hostMessageSchema.safeParse({ type: 'snapshot', snapshot }).success, false);
      });
    }

    it('refuses a message with an extra field or an unknown type', () => {
      assert.equal(hostMessageSchema.safeParse({ type: 'idle', html: '<b>' }).success, false);
      assert.equal(hostMessageSchema.safeParse({ type: 'eval', code: '1' }).success, false);
    });
  });

  it('restores a saved page state, and an empty one', () => {
    const state = { snapshot: snapshotOf(researchShaped(2)), selectedTaskId: 'search-1', savedAt: 5 };
    const parsed = pageStateSchema.safeParse(JSON.parse(JSON.stringify(state)));
    assert.ok(parsed.success);
    assert.equal(parsed.data.snapshot?.tasks.length, 4);
    assert.ok(pageStateSchema.safeParse({}).success);
    assert.equal(pageStateSchema.safeParse({ snapshot: { version: 'x' } }).success, false);
  });
});
