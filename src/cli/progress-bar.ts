import { printableLine } from '../core/control-chars';
import { formatSeconds } from '../core/errors';
import type { EventBus } from '../core/events';
import { formatUsd } from '../core/format';
import { settledCount, type RunViewModel } from '../core/run-view-model';
import type { TaskState } from '../core/task-state';

/**
 * Live progress on stderr. On a terminal: one bar redrawn in place (at most ten times a second) from
 * the run's RunViewModel, the picture every front end reads, with each finished task printed above
 * it as its event arrives. Elsewhere (a pipe, CI logs): one plain line per finished task.
 * Questions, task ids, summaries and messages come from the folder, the plan and servers: each is
 * printed with its control characters and newlines escaped, so none can move the cursor or forge a line.
 */
export class ProgressBar {
  private timer?: NodeJS.Timeout;
  private clock?: NodeJS.Timeout;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    bus: EventBus,
    private readonly view: RunViewModel,
    private readonly interactive = Boolean(stream.isTTY),
    private readonly colour = interactive && !process.env.NO_COLOR,
  ) {
    view.onChange(() => this.schedule());
    bus.on('run:start', (e) => {
      // Redraw on a clock too, so the elapsed time moves while a long task runs without events.
      if (this.interactive) this.clock = setInterval(() => this.draw(), 250).unref();
      this.line(`Researching: ${printableLine(e.question)} (${e.plan.tasks.length} tasks)`);
    });
    bus.on('task:state', (e) => {
      // A completion is printed with its result's summary, which the next event brings.
      if (e.to === 'FAILED' || e.to === 'CANCELLED' || e.to === 'RETRYING') this.line(this.describe(e.taskId, e.to, e.at, e.reason));
    });
    bus.on('task:result', (e) => {
      const u = e.result.usage;
      const tokens = u ? u.inputTokens + u.outputTokens : 0;
      const spent = tokens > 0 ? ` · ${tokens} tokens${u?.costUsd ? `, ${formatUsd(u.costUsd)}` : ''}` : '';
      this.line(this.describe(e.taskId, 'COMPLETED', e.at, `${e.result.summary}${spent}`));
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
    const started = this.view.taskView(id)?.startedAt;
    const took = started !== undefined && state !== 'RETRYING' ? ` (${formatSeconds(at - started)})` : '';
    return `${mark} ${printableLine(id)}${took}${detail ? ` — ${printableLine(detail)}` : ''}`;
  }

  /** Prints a line above the bar (or on its own when not interactive). */
  private line(text: string): void {
    if (this.interactive && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    this.drawn = false;
    this.schedule();
  }

  private schedule(): void {
    if (!this.interactive || this.timer || this.view.status === 'planning' || this.view.status === 'reviewing') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 100);
  }

  private draw(): void {
    const run = this.view.snapshot();
    const { counts, usage } = run;
    const total = run.tasks.length || 1;
    const settled = settledCount(counts);
    const width = 24;
    const filled = Math.round((settled / total) * width);
    const bar = this.paint('36', '█'.repeat(filled)) + '░'.repeat(width - filled);
    const parts = [`${settled}/${total}`, `${counts.RUNNING} running`];
    if (counts.RETRYING) parts.push(`${counts.RETRYING} retrying`);
    if (counts.FAILED) parts.push(`${counts.FAILED} failed`);
    if (counts.CANCELLED) parts.push(`${counts.CANCELLED} cancelled`);
    const tokens = usage.inputTokens + usage.outputTokens;
    if (tokens > 0) parts.push(`${tokens} tokens${usage.costUsd > 0 ? ` ${formatUsd(usage.costUsd)}` : ''}`);
    parts.push(formatSeconds((run.endedAt ?? Date.now()) - run.startedAt));
    // What is running now: task ids, with the latest progress message of the first one that has one.
    const running = run.tasks.filter((t) => t.state === 'RUNNING');
    const talking = running.find((t) => t.progress?.message);
    const now = running.length === 0 ? '' : talking ? ` · ${printableLine(talking.id)}: ${progressText(talking.progress!)}` : ` · ${running.map((t) => printableLine(t.id)).join(', ')}`;
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

function progressText(progress: { message: string; fraction?: number }): string {
  const percent = progress.fraction === undefined ? '' : ` (${Math.round(Math.min(1, Math.max(0, progress.fraction)) * 100)}%)`;
  return `${printableLine(progress.message)}${percent}`;
}
