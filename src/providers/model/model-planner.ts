import * as z from 'zod';
import { PlanValidationError, validatePlan, type Plan, type TaskSpec } from '../../core/plan';
import type { ReplanRequest } from '../../core/provider';
import type { ChatMessage } from './chat-model';
import { askForJson, InvalidAnswerError } from './json-answer';
import type { ModelChoice, TaskMeter } from './task-meter';

/** Loose on purpose: the plan's own schema (core/plan.ts) does the real checking, with its messages. */
const plannerAnswerSchema = z.object({
  tasks: z.array(z.looseObject({ id: z.unknown(), kind: z.unknown() })).min(1, 'the plan has no tasks'),
});

/** Fields a model may set; anything else (e.g. `simulate`, `timeoutSeconds`) is the person's to set. */
const MODEL_FIELDS = ['id', 'kind', 'description', 'dependsOn', 'priority', 'parent', 'query', 'facet'] as const;

export interface PlannerCall {
  choice: ModelChoice;
  meter: TaskMeter;
  signal: AbortSignal;
  maxTasks: number;
  temperature?: number;
}

/**
 * Asks the planner model for a plan and validates it with the plan's zod schema and graph checks.
 * An invalid plan gets one repair request naming every problem; a second invalid one is a
 * PlanValidationError that says the model could not produce a plan.
 */
export async function planWithModel(question: string, messages: ChatMessage[], call: PlannerCall, externalIds?: ReadonlySet<string>): Promise<Plan> {
  let plan: Plan | undefined;
  try {
    await askForJson({
      messages,
      schema: plannerAnswerSchema,
      send: (m) => call.meter.send(call.choice, { messages: m, signal: call.signal, json: true, temperature: call.temperature }),
      check: (answer) => {
        try {
          plan = shapePlan(question, answer.tasks, call.maxTasks, externalIds);
          return [];
        } catch (error) {
          if (error instanceof PlanValidationError) return error.problems;
          throw error;
        }
      },
    });
  } catch (error) {
    if (error instanceof InvalidAnswerError) {
      throw new PlanValidationError([
        `the planner model "${call.choice.model}" answered twice without a valid plan (${error.problems.join('; ')}); try again, choose a stronger planner model, or give a plan with --plan`,
      ]);
    }
    throw error;
  }
  return plan!;
}

/** Completed tasks of a running plan: a replan may depend on them without listing them. */
export function completedIds(request: ReplanRequest): ReadonlySet<string> {
  return new Set(request.tasks.filter((t) => t.state === 'COMPLETED').map((t) => t.spec.id));
}

/**
 * Turns the model's tasks into a valid plan: only the fields a model may set, the run's own question,
 * checks beyond the schema (one synthesis, at least one search), and the synthesis made to depend on
 * everything before it directly, so that it can still write from the searches when an analysis is
 * skipped (a budget) or fails.
 */
function shapePlan(question: string, tasks: readonly Record<string, unknown>[], maxTasks: number, externalIds?: ReadonlySet<string>): Plan {
  const picked = tasks.map((task) => Object.fromEntries(MODEL_FIELDS.filter((f) => task[f] !== undefined).map((f) => [f, task[f]])));
  const plan = validatePlan({ question, tasks: picked }, { maxTasks, externalIds });
  const problems: string[] = [];
  const synth = plan.tasks.filter((t) => t.kind === 'synthesize');
  if (synth.length !== 1) problems.push(`the plan must have exactly one task of kind "synthesize", not ${synth.length}`);
  if (!plan.tasks.some((t) => t.kind === 'search') && !externalIds?.size) problems.push('the plan has no search task');
  if (synth.length === 1 && plan.tasks.some((t) => t.dependsOn.includes(synth[0].id))) {
    problems.push(`task "${synth[0].id}" (the synthesis) must come last: no task may depend on it`);
  }
  if (problems.length > 0) throw new PlanValidationError(problems);
  if (synth.length === 1) synth[0].dependsOn = ancestorsOf(synth[0], plan.tasks);
  return plan;
}

/** Every task the given one depends on, directly or not, in plan order. */
function ancestorsOf(task: TaskSpec, tasks: readonly TaskSpec[]): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const seen = new Set<string>();
  const stack = [...task.dependsOn];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  const inPlan = tasks.filter((t) => seen.has(t.id)).map((t) => t.id);
  return [...inPlan, ...[...seen].filter((id) => !byId.has(id))];
}
