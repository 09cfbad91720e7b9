import type * as vscode from 'vscode';
import type { EventBus } from '../../core/events';

/** Writes a run's events to the output channel, one line each, as a person reading the log wants them. */
export function logRunEvents(bus: EventBus, log: vscode.LogOutputChannel): void {
  bus.on('log', (e) => log[e.level](e.message));
  bus.on('task:state', (e) => log.info(`${e.taskId}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`));
  bus.on('task:retry', (e) => log.warn(`${e.taskId}: attempt ${e.attempt} failed (${e.error}); retrying in ${e.delayMs} ms`));
  bus.on('run:replan', (e) => log.info(`replan: added ${e.added.join(', ') || 'none'}; dropped ${e.dropped.join(', ') || 'none'}`));
  bus.on('run:concurrency', (e) => log.info(`concurrency is now ${e.concurrency}`));
  bus.on('run:end', (e) => log.info(`run ${e.runId} ended: ${e.outcome}`));
}
