import { PlanValidationError, validatePlan, type Plan, type TaskSpec, type ValidateOptions } from './plan';

/**
 * Edits of a plan under review (before anything runs), as pure functions: each returns a new plan,
 * validated like any plan, and throws a PlanValidationError that says what is wrong — changing
 * nothing — when the edit would make it invalid.
 */

/** What a person may change of a task in review: its words. Structure changes are removeTask and addSearch. */
export interface TaskEdit {
  description?: string;
  /** A search's query; an empty query searches the description. */
  query?: string;
}

export function editTask(plan: Plan, id: string, edit: TaskEdit, options: ValidateOptions = {}): Plan {
  const task = requireTask(plan, id);
  const next: TaskSpec = { ...task };
  if (edit.description !== undefined) next.description = edit.description.trim();
  if (edit.query !== undefined) {
    if (task.kind !== 'search') throw new Error(`task "${id}" is an ${task.kind} task: only a search has a query`);
    const query = edit.query.trim();
    if (query === '') delete next.query;
    else next.query = query;
  }
  return validatePlan({ ...plan, tasks: plan.tasks.map((t) => (t.id === id ? next : t)) }, options);
}

/**
 * Removes a task. Tasks that depended on it no longer do (a synthesis goes on with the rest of the
 * evidence); its subtasks lose their parent. A plan needs at least one task.
 */
export function removeTask(plan: Plan, id: string, options: ValidateOptions = {}): Plan {
  requireTask(plan, id);
  const tasks = plan.tasks
    .filter((t) => t.id !== id)
    .map((t) => {
      const dependsOn = t.dependsOn.filter((d) => d !== id);
      const next: TaskSpec = dependsOn.length === t.dependsOn.length ? t : { ...t, dependsOn };
      if (next.parent === id) {
        const { parent: _dropped, ...rest } = next;
        return rest;
      }
      return next;
    });
  return validatePlan({ ...plan, tasks }, options);
}

/**
 * Adds a search for `query`, feeding whatever weighs the searches: every analyze task, or, when the
 * plan has none, every synthesize task. Its id is the next free `search-N`.
 */
export function addSearch(plan: Plan, search: { query: string; description?: string }, options: ValidateOptions = {}): Plan {
  const query = search.query.trim();
  if (query === '') throw new PlanValidationError(['a new search needs words to search for']);
  const ids = new Set(plan.tasks.map((t) => t.id));
  let n = 1 + Math.max(0, ...plan.tasks.map((t) => Number(/^search-(\d+)$/.exec(t.id)?.[1] ?? 0)));
  while (ids.has(`search-${n}`)) n++;
  const id = `search-${n}`;
  const added: TaskSpec = {
    id,
    kind: 'search',
    description: search.description?.trim() || `Find passages about “${query}”`,
    dependsOn: [],
    priority: 5,
    query,
    facet: query,
  };
  const feeds = plan.tasks.some((t) => t.kind === 'analyze') ? 'analyze' : 'synthesize';
  const tasks = plan.tasks.map((t) => (t.kind === feeds ? { ...t, dependsOn: [...t.dependsOn, id] } : t));
  // Before the tasks it feeds, so the plan reads in the order it runs.
  const at = tasks.findIndex((t) => t.kind !== 'search');
  tasks.splice(at < 0 ? tasks.length : at, 0, added);
  return validatePlan({ ...plan, tasks }, options);
}

function requireTask(plan: Plan, id: string): TaskSpec {
  const task = plan.tasks.find((t) => t.id === id);
  if (!task) throw new Error(`there is no task "${id}" in this plan`);
  return task;
}
