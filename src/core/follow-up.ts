import { PlanValidationError, validatePlan, type Plan } from './plan';
import type { TaskSnapshot } from './task';

/**
 * A follow-up on a run ("also compare with the tests"): a new round of tasks for the follow-up,
 * added to the run's plan, which keeps every task it had — completed ones with their evidence, and
 * unfinished ones, which run again (a follow-up on a cancelled or failed run first finishes it).
 * The planner proposes the round (the offline planner: facets from the follow-up's words; a model: a
 * replan that sees the run's findings); the tasks it adds carry the follow-up as their question, so
 * they search, weigh and write for it, and the report gives the round a section of its own.
 */
export function followUpPlan(current: Plan, proposed: unknown, followUp: string, maxTasks: number): Plan {
  const known = new Set(current.tasks.map((t) => t.id));
  const checked = validatePlan(proposed, { maxTasks, externalIds: known });
  const added = checked.tasks.filter((t) => !known.has(t.id)).map((t) => ({ ...t, question: followUp }));
  if (added.length === 0) throw new PlanValidationError(['the planner added no task for the follow-up: say what else to look for']);
  return validatePlan({ question: current.question, tasks: [...current.tasks, ...added] }, { maxTasks });
}

/**
 * A plan's tasks as a planner sees them when it is asked again (a follow-up, a plan under review):
 * those with a result completed, the rest still to do.
 */
export function plannedSnapshots(plan: Plan, results: ReadonlyMap<string, TaskSnapshot['result']> = new Map()): TaskSnapshot[] {
  return plan.tasks.map((spec) => {
    const result = results.get(spec.id);
    return result ? { spec, state: 'COMPLETED', result, attempts: 1, retries: 0, busyMs: 0 } : { spec, state: 'PENDING', attempts: 0, retries: 0, busyMs: 0 };
  });
}
