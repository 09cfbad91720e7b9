import { findCycle } from './graph-algorithms';
import { describeCycle, PlanValidationError, validatePlan, type Plan, type TaskSpec } from './plan';
import { isActive, isTerminal, type TaskState } from './task-state';

/** What a merge needs to know of a task already in the run. */
export interface RunTaskState {
  readonly spec: TaskSpec;
  readonly state: TaskState;
}

/** One change to the run, in the proposed plan's order. */
export type PlanChange =
  | { kind: 'add'; spec: TaskSpec }
  /** A task not yet finished or in flight takes the new spec; a failed or cancelled one is queued again. */
  | { kind: 'update'; spec: TaskSpec; requeue: boolean };

export interface PlanMerge {
  question: string;
  changes: PlanChange[];
  added: string[];
  /** Tasks the new plan lists that were already in the run. */
  kept: string[];
  /** Unfinished tasks the new plan leaves out: the run cancels them. */
  dropped: string[];
}

/**
 * Merges a proposed plan into a running one without losing finished work (a replan). Pure: it only
 * decides. Completed tasks are kept even when the new plan leaves them out (new tasks may depend on
 * them), and tasks finished or in flight keep their specs. Throws a PlanValidationError, and so
 * changes nothing, when the proposed plan is invalid, would exceed `maxTasks`, or would form a cycle
 * with the tasks it cannot change.
 */
export function mergePlan(current: readonly RunTaskState[], proposed: Plan, maxTasks: number): PlanMerge {
  const byId = new Map(current.map((task) => [task.spec.id, task]));
  const proposedIds = new Set(proposed.tasks?.map((t) => t.id));
  const completedOutsidePlan = new Set(
    current.filter((t) => t.state === 'COMPLETED' && !proposedIds.has(t.spec.id)).map((t) => t.spec.id),
  );
  const plan = validatePlan(proposed, { maxTasks, externalIds: completedOutsidePlan });
  const total = current.length + plan.tasks.filter((t) => !byId.has(t.id)).length;
  if (total > maxTasks) {
    throw new PlanValidationError([`the replan would bring the run to ${total} tasks, more than the maximum of ${maxTasks}`]);
  }

  const frozen = (task: RunTaskState | undefined): boolean => !!task && (task.state === 'COMPLETED' || isActive(task.state));
  const merged = new Map(current.map((task) => [task.spec.id, task.spec]));
  for (const spec of plan.tasks) if (!frozen(byId.get(spec.id))) merged.set(spec.id, spec);
  const cycle = findCycle([...merged.keys()], (id) => merged.get(id)!.dependsOn.filter((d) => merged.has(d)));
  if (cycle) {
    throw new PlanValidationError([`with the tasks already finished or running, ${describeCycle(cycle)} would form a cycle`]);
  }

  const merge: PlanMerge = { question: plan.question, changes: [], added: [], kept: [], dropped: [] };
  for (const spec of plan.tasks) {
    const existing = byId.get(spec.id);
    if (!existing) {
      merge.changes.push({ kind: 'add', spec });
      merge.added.push(spec.id);
      continue;
    }
    merge.kept.push(spec.id);
    if (frozen(existing)) continue;
    merge.changes.push({ kind: 'update', spec, requeue: existing.state === 'FAILED' || existing.state === 'CANCELLED' });
  }
  for (const task of current) {
    if (!proposedIds.has(task.spec.id) && !isTerminal(task.state)) merge.dropped.push(task.spec.id);
  }
  return merge;
}
