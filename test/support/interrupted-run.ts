import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes what a run killed after its first task leaves behind in `dir` (`<root>/<outputFolder>/<runId>`):
 * a journal with no end whose last line is torn, and a run.json saying "running" with the offline
 * provider. Its plan: "first" (completed before the crash), then "second" (running when it crashed;
 * it takes `secondTaskMs` when run again).
 */
export function plantInterruptedRun(root: string, dir: string, runId: string, question = 'What did the interrupted run find?', secondTaskMs = 1): void {
  fs.mkdirSync(dir, { recursive: true });
  const plan = {
    question,
    tasks: [
      { id: 'first', kind: 'search', description: 'finished before the crash', dependsOn: [], priority: 5, simulate: { ms: 1, failTimes: 0 } },
      { id: 'second', kind: 'synthesize', description: 'running when it crashed', dependsOn: ['first'], priority: 5, simulate: { ms: secondTaskMs, failTimes: 0 } },
    ],
  };
  const at = Date.now() - 60_000;
  const records = [
    { v: 1, type: 'run:start', runId, question: plan.question, plan, at },
    { v: 1, type: 'task:state', taskId: 'first', from: 'READY', to: 'RUNNING', attempt: 1, at },
    { v: 1, type: 'task:state', taskId: 'first', from: 'RUNNING', to: 'COMPLETED', attempt: 1, at },
    { v: 1, type: 'task:result', taskId: 'first', result: { summary: 'found before the crash' }, at },
    { v: 1, type: 'task:state', taskId: 'second', from: 'READY', to: 'RUNNING', attempt: 1, at },
  ];
  // The last line is torn, as a kill in the middle of a write leaves it.
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n{"v":1,"type":"task:sta`);
  fs.writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify({
      version: 1,
      runId,
      question: plan.question,
      root,
      reportPath: path.join(dir, 'report.md'),
      providerId: 'offline',
      providerLabel: 'offline (workspace files, extractive)',
      startedAt: at,
      options: {},
      status: 'running',
    }),
  );
}
