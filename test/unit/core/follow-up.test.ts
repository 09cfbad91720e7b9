import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../../../src/core/events';
import { followUpPlan } from '../../../src/core/follow-up';
import { listRuns } from '../../../src/core/journal/history';
import { PlanValidationError, validatePlan } from '../../../src/core/plan';
import { research } from '../../../src/core/research';
import { resumeResearch } from '../../../src/core/resume';
import { createOfflineProvider } from '../../../src/providers/offline';
import { makeWorkspace, removeWorkspace } from '../../support/workspace-fixture';

const FILES = {
  'tides.md': '# Tides\n\nThe spring tide tables are pinned above the chart table in the harbour office.\n',
  'ferry.md': '# Ferry\n\nThe quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing.\n\n## Checks\n\nThe lantern count is checked by the harbour tests every Monday.\n',
};

describe('follow-ups on a finished run', () => {
  describe('followUpPlan', () => {
    const current = validatePlan({ question: 'q', tasks: [{ id: 'search-1', kind: 'search', description: 'a' }, { id: 'synthesize', kind: 'synthesize', description: 'w', dependsOn: ['search-1'] }] });

    it('keeps every task of the run and stamps the follow-up on the tasks the planner added', () => {
      const proposed = { question: 'q', tasks: [{ id: 'search-1', kind: 'search', description: 'changed' }, { id: 'search-2', kind: 'search', description: 'more' }, { id: 'synthesize-2', kind: 'synthesize', description: 'w2', dependsOn: ['search-1', 'search-2'] }] };
      const plan = followUpPlan(current, proposed, 'and the moon?', 50);
      assert.deepEqual(plan.tasks.map((t) => [t.id, t.question]), [['search-1', undefined], ['synthesize', undefined], ['search-2', 'and the moon?'], ['synthesize-2', 'and the moon?']]);
      assert.equal(plan.tasks[0]!.description, 'a', 'the run’s tasks are kept as they were');
    });

    it('refuses a round that adds nothing, and an invalid one', () => {
      assert.throws(() => followUpPlan(current, current, 'x', 50), (e: unknown) => e instanceof PlanValidationError && /added no task for the follow-up/.test(e.message));
      assert.throws(() => followUpPlan(current, { question: 'q', tasks: [{ id: 'z', kind: 'search', description: 'z', dependsOn: ['nowhere'] }] }, 'x', 50), PlanValidationError);
    });
  });

  describe('offline', () => {
    let root: string;
    beforeEach(async () => (root = await makeWorkspace(FILES)));
    afterEach(() => removeWorkspace(root));

    it('keeps the run’s tasks and evidence, runs only the new round, and writes the report again with the follow-up’s answer first', async () => {
      const first = await research({ question: 'Where are the spring tide tables pinned?', root, provider: createOfflineProvider({ root }) });
      const ran: string[] = [];
      const bus = new EventBus();
      bus.on('task:state', (e) => e.to === 'RUNNING' && ran.push(e.taskId));
      const again = await resumeResearch({ runId: first.runId, root, provider: createOfflineProvider({ root }), followUp: 'When are the lanterns checked?', bus });
      assert.equal(again.outcome, 'completed');
      const before = new Set(first.tasks.map((t) => t.spec.id));
      assert.ok(ran.length > 0);
      assert.ok(ran.every((id) => !before.has(id)), `ran again: ${ran.filter((id) => before.has(id)).join(', ')}`);
      assert.ok(again.tasks.filter((t) => !before.has(t.spec.id)).every((t) => t.spec.question === 'When are the lanterns checked?'));

      const report = readFileSync(again.reportPath, 'utf8');
      const headings = [...report.matchAll(/^(#{2,3}) (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
      const at = headings.indexOf('## Follow-up: When are the lanterns checked?');
      assert.ok(at > 0, headings.join(' | '));
      assert.equal(headings[0], '## Answer', 'the run’s own answer stays first');
      assert.equal(headings[at + 1], '### Answer', 'the follow-up’s answer opens its section');
      assert.match(report.slice(report.indexOf('## Follow-up')), /checked by the harbour tests every Monday/);
      assert.match(report, /pinned above the chart table/, 'the first round’s evidence is still there');
      assert.match(report, /\| Rounds \| 2: the question and 1 follow-up \|/);

      const journal = readFileSync(join(root, '.research', first.runId, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(journal.some((r) => r.type === 'resume' && r.followUp === 'When are the lanterns checked?'));
      const [info] = listRuns(root, '.research');
      assert.deepEqual(info!.followUps, ['When are the lanterns checked?']);
      assert.equal(info!.status, 'completed');
    });

    it('refuses an empty follow-up and leaves the run as it was', async () => {
      const first = await research({ question: 'Where are the tide tables?', root, provider: createOfflineProvider({ root }) });
      await assert.rejects(resumeResearch({ runId: first.runId, root, provider: createOfflineProvider({ root }), followUp: '  ' }), /the follow-up is empty/);
      assert.equal(listRuns(root, '.research')[0]!.status, 'completed');
    });

    it('on a cancelled run, first finishes what was unfinished', async () => {
      const controller = new AbortController();
      const bus = new EventBus();
      bus.on('task:state', (e) => e.taskId === 'slow' && e.to === 'RUNNING' && controller.abort());
      const plan = {
        question: 'Where are the tide tables?',
        tasks: [
          { id: 'search-1', kind: 'search', description: 'tide tables', query: 'tide tables' },
          { id: 'slow', kind: 'search', description: 'slow', simulate: { ms: 1500 } },
          { id: 'synthesize', kind: 'synthesize', description: 'write', dependsOn: ['search-1', 'slow'] },
        ],
      };
      const first = await research({ question: plan.question, plan, root, provider: createOfflineProvider({ root }), bus, signal: controller.signal, concurrency: 1 });
      assert.equal(first.outcome, 'cancelled');
      const again = await resumeResearch({ runId: first.runId, root, provider: createOfflineProvider({ root }), followUp: 'How many brass lanterns?' }).catch((e) => e);
      assert.ok(!(again instanceof Error), String(again));
      const byId = new Map(again.tasks.map((t: { spec: { id: string }; state: string }) => [t.spec.id, t.state]));
      assert.equal(byId.get('synthesize'), 'COMPLETED', 'the run’s own synthesis, unfinished before, ran');
      assert.equal(byId.get('slow'), 'COMPLETED');
    });
  });
});
