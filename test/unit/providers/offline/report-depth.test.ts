import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validatePlan } from '../../../../src/core/plan';
import { reportDepthOf, withReportDepth, type ReportDepth } from '../../../../src/core/report-depth';
import { research } from '../../../../src/core/research';
import { createOfflineProvider } from '../../../../src/providers/offline';
import { makeWorkspace, removeWorkspace } from '../../../support/workspace-fixture';

const FILES = {
  'README.md': '# Zephyr kettle\n\nThe Zephyr kettle firmware boils water and keeps it warm.\n\n## Thermostat\n\nThe thermostat reads the plate sensor every 200 ms and cuts power at 100 °C.\n\n## Descaling\n\nThe descaling schedule reminds you every 30 boils to descale the kettle.\n',
  'src/thermostat.ts': 'export const CUT_OFF_CELSIUS = 100;\n\n/** Reads the plate sensor and decides whether the thermostat keeps the heater on. */\nexport function thermostatTick(sensorCelsius: number): boolean {\n  return sensorCelsius < CUT_OFF_CELSIUS;\n}\n',
  'docs/care.md': '# Care\n\nDescale the kettle with citric acid. The thermostat needs no care.\n',
};
const QUESTION = 'How does the kettle thermostat work?';

describe('report depth', () => {
  it('is stamped on analyze and synthesize tasks, never on searches, and a task keeps its own', () => {
    const plan = validatePlan({
      question: 'q',
      tasks: [
        { id: 's', kind: 'search', description: 'find' },
        { id: 'a', kind: 'analyze', description: 'weigh', dependsOn: ['s'], depth: 'detailed' },
        { id: 'w', kind: 'synthesize', description: 'write', dependsOn: ['a'] },
      ],
    });
    const stamped = withReportDepth(plan, 'brief');
    assert.deepEqual(stamped.tasks.map((t) => t.depth), [undefined, 'detailed', 'brief']);
    assert.equal(reportDepthOf(stamped.tasks.map((spec) => ({ spec }))), 'brief');
    assert.equal(reportDepthOf(plan.tasks.map((spec) => ({ spec }))), 'standard', 'no depth: standard');
    assert.equal(withReportDepth(plan, undefined), plan);
  });

  it('refuses a depth that is not one, naming the task', () => {
    assert.throws(() => validatePlan({ question: 'q', tasks: [{ id: 'w', kind: 'synthesize', description: 'write', depth: 'huge' }] }), /tasks\[0\] \("w"\)\.depth/);
  });

  describe('offline reports at each depth', () => {
    let root: string;
    const reports = new Map<ReportDepth, string>();
    before(async () => {
      root = await makeWorkspace(FILES);
      for (const depth of ['brief', 'standard', 'detailed'] as const) {
        const result = await research({ question: QUESTION, root, provider: createOfflineProvider({ root }), reportDepth: depth, journal: false, outFile: join(root, `${depth}.md`) });
        reports.set(depth, await readFile(result.reportPath, 'utf8'));
      }
    });
    after(() => removeWorkspace(root));

    const headings = (depth: ReportDepth) => [...reports.get(depth)!.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

    it('brief: the answer and its sources only, a few hundred words at most, statistics in one line', () => {
      const brief = reports.get('brief')!;
      assert.deepEqual(headings('brief'), ['Answer', 'Sources']);
      assert.match(brief, /thermostat reads the plate sensor/);
      assert.ok(brief.split(/\s+/).length < 300, `${brief.split(/\s+/).length} words`);
      assert.match(brief, /^\*\d+ tasks · \d+\.\d s\*$/m);
      assert.doesNotMatch(brief, /## Run statistics/);
    });

    it('standard: the answer first, then the evidence by facet, sources and statistics', () => {
      const names = headings('standard');
      assert.equal(names[0], 'Answer');
      assert.ok(names.length > 3, names.join(', '));
      assert.equal(names.at(-1), 'Run statistics');
      assert.ok(!names.includes('How the evidence was weighed'));
    });

    it('detailed: the standard report, more evidence, and how it was weighed', () => {
      const names = headings('detailed');
      assert.ok(names.includes('How the evidence was weighed'), names.join(', '));
      assert.match(reports.get('detailed')!, /“How does the kettle thermostat work” \(searched “[^”]+”\): \d+ passages? found, \d+ quoted\./);
      const quotes = (depth: ReportDepth) => (reports.get(depth)!.match(/^— .*\]\(/gm) ?? []).length;
      assert.ok(quotes('detailed') >= quotes('standard'), `${quotes('detailed')} quotes vs ${quotes('standard')}`);
    });
  });
});
