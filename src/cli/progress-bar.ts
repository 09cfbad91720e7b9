import { printableLine } from '../core/control-chars';
import { formatSeconds } from '../core/errors';
import type { EventBus } from '../core/events';
import { formatUsd } from '../core/format';
import type { TaskState } from '../core/task-state';

/**
 * Live progress on stderr. On a terminal: one bar redrawn in place (at most ten times a second), with
 * each finished task printed above it. Elsewhere (a pipe, CI logs): one plain line per finished task.
 * Questions, task ids, summaries and messages come from the folder, the plan and servers: each is
 * printed with its control characters and newlines escaped, so none can move the cursor or forge a line.
 */
export class ProgressBar {
  private readonly states = new Map<string, TaskState>();
  private readonly activity = new Map<string, string>();
  private readonly startedTasks = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private clock?: NodeJS.Timeout;
  private startedAt = Date.now();
  private drawn = false;
  /** Tokens and cost of the tasks finished so far (the run's total, planning included, is printed at the end). */
  private readonly usage = { tokens: 0, costUsd: 0 };

  constructor(
    private readonly stream: NodeJS.WriteStream,
    bus: EventBus,
    private readonly interactive = Boolean(stream.isTTY),
    private readonly colour = interactive && !process.env.NO_COLOR,
  ) {
    bus.on('run:start', (e) => {
      this.startedAt = e.at;
      // Redraw on a clock too, so the elapsed time moves while a long task runs without events.
      if (this.interactive) this.clock = setInterval(() => this.draw(), 250).unref();
      for (const task of e.plan.tasks) this.states.set(task.id, 'PENDING');
      this.line(`Researching: ${printableLine(e.question)} (${e.plan.tasks.length} tasks)`);
    });
    bus.on('task:state', (e) => {
      this.states.set(e.taskId, e.to);
      if (e.to === 'RUNNING') {
        this.activity.set(e.taskId, '');
        if (!this.startedTasks.has(e.taskId)) this.startedTasks.set(e.taskId, e.at);
      }
      if (e.to === 'COMPLETED' || e.to === 'FAILED' || e.to === 'CANCELLED' || e.to === 'RETRYING') {
        this.activity.delete(e.taskId);
        // A completion is printed with its result's summary, which the next event brings.
        if (e.to !== 'COMPLETED') this.line(this.describe(e.taskId, e.to, e.at, e.reason));
      }
      this.schedule();
    });
    bus.on('task:result', (e) => {
      const u = e.result.usage;
      let spent = '';
      if (u && u.inputTokens + u.outputTokens > 0) {
        this.usage.tokens += u.inputTokens + u.outputTokens;
        this.usage.costUsd += u.costUsd ?? 0;
        spent = ` · ${u.inputTokens + u.outputTokens} tokens${u.costUsd ? `, ${formatUsd(u.costUsd)}` : ''}`;
      }
      this.line(this.describe(e.taskId, 'COMPLETED', e.at, `${e.result.summary}${spent}`));
    });
    bus.on('task:progress', (e) => {
      const percent = e.fraction === undefined ? '' : ` (${Math.round(Math.min(1, Math.max(0, e.fraction)) * 100)}%)`;
      this.activity.set(e.taskId, `${printableLine(e.message)}${percent}`);
      this.schedule();
    });
    bus.on('log', (e) => {
      if (e.level === 'warn' || e.level === 'error') this.line(`${e.level}: ${printableLine(e.message)}`);
    });
    bus.on('run:end', () => this.stop());
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.clock) clearInterval(this.clock);
    this.timer = this.clock = undefined;
    if (this.interactive) this.draw();
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private describe(id: string, state: TaskState, at: number, detail?: string): string {
    const mark = { COMPLETED: this.paint('32', '✔'), FAILED: this.paint('31', '✖'), CANCELLED: this.paint('33', '–'), RETRYING: this.paint('33', '↻') }[
      state as 'COMPLETED'
    ];
    const started = this.startedTasks.get(id);
    const took = started !== undefined && state !== 'RETRYING' ? ` (${formatSeconds(at - started)})` : '';
    return `${mark} ${printableLine(id)}${took}${detail ? ` — ${printableLine(detail)}` : ''}`;
  }

  /** Prints a line above the bar (or on its own when not interactive). */
  private line(text: string): void {
    if (this.interactive && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    this.drawn = false;
    if (this.interactive) this.schedule();
  }

  private schedule(): void {
    if (!this.interactive || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 100);
  }

  private draw(): void {
    const counts = { done: 0, running: 0, retrying: 0, failed: 0, cancelled: 0 };
    for (const state of this.states.values()) {
      if (state === 'COMPLETED') counts.done++;
      else if (state === 'RUNNING') counts.running++;
      else if (state === 'RETRYING') counts.retrying++;
      else if (state === 'FAILED') counts.failed++;
      else if (state === 'CANCELLED') counts.cancelled++;
    }
    const total = this.states.size || 1;
    const settled = counts.done + counts.failed + counts.cancelled;
    const width = 24;
    const filled = Math.round((settled / total) * width);
    const bar = this.paint('36', '█'.repeat(filled)) + '░'.repeat(width - filled);
    const parts = [`${settled}/${total}`, `${counts.running} running`];
    if (counts.retrying) parts.push(`${counts.retrying} retrying`);
    if (counts.failed) parts.push(`${counts.failed} failed`);
    if (counts.cancelled) parts.push(`${counts.cancelled} cancelled`);
    if (this.usage.tokens > 0) parts.push(`${this.usage.tokens} tokens${this.usage.costUsd > 0 ? ` ${formatUsd(this.usage.costUsd)}` : ''}`);
    parts.push(formatSeconds(Date.now() - this.startedAt));
    // What is running now: task ids, with the latest progress message of the first one that has one.
    const running = [...this.activity.keys()];
    const [talking, message] = [...this.activity].find(([, m]) => m !== '') ?? [];
    const now = running.length === 0 ? '' : talking ? ` · ${printableLine(talking)}: ${message}` : ` · ${running.map(printableLine).join(', ')}`;
    const columns = this.stream.columns || 100;
    // Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn in place).
    const rest = ` ${parts.join(' · ')}${now}`.slice(0, Math.max(0, columns - 1 - width));
    this.stream.write(`\r\x1b[K${bar}${rest}`);
    this.drawn = true;
  }

  private paint(code: string, text: string): string {
    return this.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}
