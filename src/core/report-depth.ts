import type { Plan, TaskSpec } from './plan';

/**
 * How long a report is: `brief` is the answer with its citations only (a few hundred words at most);
 * `standard` the answer, the evidence by facet, sources and statistics; `detailed` adds every facet's
 * evidence, more of it, and how it was weighed. Set per run (research.reportDepth, --depth).
 */
export const REPORT_DEPTHS = ['brief', 'standard', 'detailed'] as const;
export type ReportDepth = (typeof REPORT_DEPTHS)[number];
export const DEFAULT_REPORT_DEPTH: ReportDepth = 'standard';

/**
 * The plan with the run's depth on its analyze and synthesize tasks, the ones that choose and write
 * what the report holds. Carried by the tasks, so the journal, a resume and workers keep it; a task
 * that names its own depth keeps it. A replan's new tasks take the run's depth the same way.
 */
export function withReportDepth(plan: Plan, depth: ReportDepth | undefined): Plan {
  // A model's plan is checked after this (validatePlan): leave a malformed one for it to describe.
  if (depth === undefined || !Array.isArray(plan.tasks)) return plan;
  return { ...plan, tasks: plan.tasks.map((task) => (task.kind === 'search' || task.depth !== undefined ? task : { ...task, depth })) };
}

/** The depth a task works to. */
export function depthOf(task: Pick<TaskSpec, 'depth'>): ReportDepth {
  return task.depth ?? DEFAULT_REPORT_DEPTH;
}

/** The depth of a run's report: that of its last synthesize task. */
export function reportDepthOf(tasks: readonly { spec: TaskSpec }[]): ReportDepth {
  let depth: ReportDepth = DEFAULT_REPORT_DEPTH;
  for (const task of tasks) if (task.spec.kind === 'synthesize') depth = depthOf(task.spec);
  return depth;
}
