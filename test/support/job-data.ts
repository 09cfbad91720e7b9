import { JOB_VERSION, type JobData } from '../../src/distributed/job';

/** A job as a dispatcher would queue it: one search attempt over the folder "project"; `over` changes parts. */
export function jobData(over: Partial<JobData> = {}): JobData {
  return {
    v: JOB_VERSION,
    runId: 'r1',
    runKey: 'r1~test',
    task: { id: 'a', kind: 'search', description: 'a', dependsOn: [], priority: 5 },
    attempt: 1,
    question: 'q',
    inputs: [],
    provider: { id: 'offline' },
    workspace: { name: 'project' },
    enqueuedAt: Date.now(),
    ...over,
  };
}
