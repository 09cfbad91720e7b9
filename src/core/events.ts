import type { TaskResult } from './executor';
import type { Plan } from './plan';
import type { SecretRedactor } from './secret-redactor';
import type { RunStatistics } from './stats';
import type { TaskState } from './task-state';

export type RunOutcome = 'completed' | 'partial' | 'failed' | 'cancelled';

/** Everything a run tells its front ends (CLI, tree view, webview, journal). Plain data throughout. */
export interface DispatcherEvents {
  'run:start': { runId: string; question: string; plan: Plan; at: number };
  'task:state': { runId: string; taskId: string; from: TaskState; to: TaskState; reason?: string; attempt: number; at: number };
  'task:retry': { runId: string; taskId: string; attempt: number; delayMs: number; error: string; at: number };
  'task:progress': { runId: string; taskId: string; message: string; fraction?: number; at: number };
  'task:result': { runId: string; taskId: string; result: TaskResult; at: number };
  /** `plan` is the whole plan after the replan (new tasks' specs, changed dependencies), for views. */
  'run:replan': { runId: string; added: string[]; dropped: string[]; kept: string[]; plan: Plan; at: number };
  'run:concurrency': { runId: string; concurrency: number; at: number };
  'run:end': { runId: string; outcome: RunOutcome; stats: RunStatistics; at: number };
  log: { runId: string; level: 'debug' | 'info' | 'warn' | 'error'; message: string; at: number };
}

export type EventName = keyof DispatcherEvents;
export type DispatcherEvent = { [K in EventName]: { type: K } & DispatcherEvents[K] }[EventName];
type Handler<K extends EventName> = (payload: DispatcherEvents[K]) => void;

export interface Disposable {
  dispose(): void;
}

/**
 * A typed, synchronous event bus. A handler that throws is reported to `onHandlerError` and does not
 * stop the others or the dispatcher: a broken view must never break a run.
 */
export class EventBus {
  private readonly handlers = new Map<EventName, Set<Handler<never>>>();
  private readonly anyHandlers = new Set<(event: DispatcherEvent) => void>();
  private redactor: SecretRedactor | undefined;

  constructor(private readonly onHandlerError: (error: unknown) => void = () => undefined) {}

  /**
   * From now on every handler receives each event with the run's keys removed (a redacted copy): the
   * one choke point for what is journalled, printed (`--json`, the progress line) and shown in VS Code.
   * research() sets it from its provider's redactor; a redactor with no key costs nothing.
   */
  redactWith(redactor: SecretRedactor | undefined): void {
    this.redactor = redactor?.active ? redactor : undefined;
  }

  on<K extends EventName>(name: K, handler: Handler<K>): Disposable {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as Handler<never>);
    return { dispose: () => set.delete(handler as Handler<never>) };
  }

  /** Receives every event with its `type`, e.g. to write JSON lines or a journal. */
  onAny(handler: (event: DispatcherEvent) => void): Disposable {
    this.anyHandlers.add(handler);
    return { dispose: () => this.anyHandlers.delete(handler) };
  }

  emit<K extends EventName>(name: K, event: DispatcherEvents[K]): void {
    const payload = this.redactor ? this.redactor.value(event) : event;
    const set = this.handlers.get(name);
    if (set) {
      for (const handler of [...set]) this.call(() => (handler as Handler<K>)(payload));
    }
    if (this.anyHandlers.size > 0) {
      const event = { type: name, ...payload } as DispatcherEvent;
      for (const handler of [...this.anyHandlers]) this.call(() => handler(event));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onHandlerError(error);
    }
  }
}
