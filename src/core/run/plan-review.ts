import { addSearch, editTask, removeTask, type TaskEdit } from '../plan-edit';
import { validatePlan, type Plan } from '../plan';
import type { ReplanRequest } from '../provider';
import { plannedSnapshots } from '../follow-up';

export interface PlanReviewDeps {
  /** The run's own limit on tasks. */
  maxTasks: number;
  /** Asks the run's planner again (the provider's replan, with nothing finished yet). */
  replan(request: ReplanRequest): Promise<unknown>;
  /** The draft changed: the views show it. */
  onChange(plan: Plan): void;
  /** The run was cancelled: the review ends as discarded. */
  signal: AbortSignal;
}

/**
 * A plan under review, before anything runs (research.reviewPlan, --review): the person edits it —
 * a task's words, a task removed, a search added, the planner asked again with an instruction, or the
 * whole plan as JSON — and then approves or discards it. Every edit is validated like any plan; an
 * invalid one throws, saying what is wrong, and changes nothing. `decision` settles once, with the
 * approved plan or undefined.
 */
export class PlanReview {
  readonly decision: Promise<Plan | undefined>;
  private draft: Plan;
  private settle!: (plan: Plan | undefined) => void;
  private outcome?: 'approved' | 'discarded';

  constructor(
    plan: Plan,
    private readonly deps: PlanReviewDeps,
  ) {
    this.draft = plan;
    this.decision = new Promise((resolve) => (this.settle = resolve));
    if (deps.signal.aborted) this.discard();
    else deps.signal.addEventListener('abort', () => this.discard(), { once: true });
  }

  get plan(): Plan {
    return this.draft;
  }

  get isOpen(): boolean {
    return this.outcome === undefined;
  }

  editTask(id: string, edit: TaskEdit): void {
    this.apply(editTask(this.open(), id, edit, this.limits()));
  }

  removeTask(id: string): void {
    this.apply(removeTask(this.open(), id, this.limits()));
  }

  /** Returns the new search's id. */
  addSearch(query: string, description?: string): string {
    const before = new Set(this.open().tasks.map((t) => t.id));
    this.apply(addSearch(this.draft, { query, description }, this.limits()));
    return this.draft.tasks.find((t) => !before.has(t.id))!.id;
  }

  /** The whole plan replaced, e.g. edited as JSON; validated first. */
  setPlan(input: unknown): void {
    this.open();
    this.apply(validatePlan(input, this.limits()));
  }

  /** Asks the planner again with the person's instruction ("also look at the tests"). */
  async replan(instruction: string): Promise<void> {
    const draft = this.open();
    const proposed = await this.deps.replan({ question: draft.question, tasks: plannedSnapshots(draft), instruction });
    this.open(); // approved or discarded while the planner thought
    this.apply(validatePlan(proposed, this.limits()));
  }

  approve(): void {
    if (!this.isOpen) return;
    this.outcome = 'approved';
    this.settle(this.draft);
  }

  discard(): void {
    if (!this.isOpen) return;
    this.outcome = 'discarded';
    this.settle(undefined);
  }

  private open(): Plan {
    if (this.outcome) throw new Error(`the plan was already ${this.outcome}`);
    return this.draft;
  }

  private apply(plan: Plan): void {
    this.draft = plan;
    this.deps.onChange(plan);
  }

  private limits() {
    return { maxTasks: this.deps.maxTasks };
  }
}
