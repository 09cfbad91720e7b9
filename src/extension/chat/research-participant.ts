import * as path from 'node:path';
import type * as vscode from 'vscode';
import { printableLine } from '../../core/control-chars';
import { errorMessage } from '../../core/errors';
import type { RunInfo } from '../../core/journal/history';
import type { Plan } from '../../core/plan';
import type { PlanReview } from '../../core/run/plan-review';
import type { RunDone, RunHandle } from '../../core/run/run-handle';
import { escapeInline } from '../../core/markdown';
import { isTerminal } from '../../core/task-state';

/** The participant's id in package.json's chatParticipants. */
export const PARTICIPANT_ID = 'research-dispatcher.research';

/** What the handler needs of VS Code and the run service; the extension gives the real ones, tests fakes. */
export interface ParticipantDeps {
  /** The folder researched: the first workspace folder. */
  folder(): { name: string; fsPath: string } | undefined;
  /** A new run over the folder with the configured provider; `model` is the one picked in the chat. */
  start(question: string, options: { model?: vscode.LanguageModelChat; onReview?: (review: PlanReview) => void }): RunHandle;
  /** A follow-up round on a finished run of the folder (its evidence kept). */
  followUp(runId: string, text: string, model?: vscode.LanguageModelChat): RunHandle;
  history(): RunInfo[];
  /** Where a citation points (a file of the folder, its lines), as the chat's anchors take it. */
  location(file: string, startLine: number, endLine: number): vscode.Location | vscode.Uri;
  /** The command that opens the full report. */
  openReport(reportPath: string): vscode.Command;
  readReport(reportPath: string): Promise<string>;
}

/**
 * `@research <question>` in VS Code Chat: starts a run over the workspace and streams it — the plan as
 * it is made, each subtask's progress, then the report's answer with its citations as anchors that
 * open the cited lines, and a button for the full report. A later message in the same conversation
 * continues the last run (a replan while it goes on, else a follow-up round that keeps its evidence).
 * `/plan` shows the plan and runs nothing, `/cancel` cancels the run, `/history` lists the folder's
 * runs. The chat's cancellation cancels the run; the partial report is still written.
 */
export function createResearchHandler(deps: ParticipantDeps): vscode.ChatRequestHandler {
  let live: RunHandle | undefined;
  return async (request, context, stream, token) => {
    const folder = deps.folder();
    if (!folder) {
      stream.markdown('Research reads the files of a folder: open one first.');
      return {};
    }
    if (request.command === 'history') return showHistory(deps.history(), stream);
    if (request.command === 'cancel') {
      if (live && !live.ended) {
        live.cancel();
        stream.markdown('Cancelling the run; its partial report will be written.');
      } else stream.markdown('No research run is going on.');
      return {};
    }
    const prompt = request.prompt.trim();
    if (prompt === '') {
      stream.markdown('Ask a question, e.g. `@research How are retries handled?`');
      return {};
    }
    const previous = request.command === 'plan' ? undefined : lastRunId(context.history);
    try {
      if (previous && live && !live.ended && live.runId === previous) {
        stream.progress('Replanning the run in progress…');
        const change = await live.replan(prompt);
        stream.markdown(`Replanned: ${change.added.length} added, ${change.dropped.length} dropped, ${change.kept.length} kept. The answer follows when the run ends.`);
        return { metadata: { runId: previous } };
      }
      const planOnly = request.command === 'plan';
      const handle = previous
        ? deps.followUp(previous, prompt, request.model)
        : deps.start(prompt, { model: request.model, ...(planOnly ? { onReview: (review) => showPlanOnly(review, stream) } : {}) });
      live = handle;
      return await follow(handle, stream, token, deps, previous ? prompt : undefined);
    } catch (error) {
      stream.markdown(`The research could not run: ${errorMessage(error)}`);
      return { errorDetails: { message: errorMessage(error) } };
    }
  };
}

async function follow(handle: RunHandle, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, deps: ParticipantDeps, followUp: string | undefined): Promise<vscode.ChatResult> {
  const cancel = token.onCancellationRequested(() => handle.cancel());
  stream.progress(followUp ? 'Planning the follow-up…' : 'Planning…');
  const subscriptions = [
    handle.bus.on('run:start', (event) => stream.markdown(planMarkdown(event.plan, followUp))),
    // onAny, as the view listens: it runs after the view has counted the event.
    handle.bus.onAny((event) => {
      if (event.type !== 'task:state' || !isTerminal(event.to)) return;
      const { settled, total } = handle.view.progress();
      stream.progress(`${settled}/${total} · ${printableLine(event.taskId)} ${event.to.toLowerCase()}`);
    }),
  ];
  try {
    return await present(await handle.done, stream, deps, followUp);
  } catch (error) {
    if (handle.cancelRequested) stream.markdown('Cancelled before the plan was made: no task ran, so there is no report.');
    else stream.markdown(`The research could not run: ${handle.redact(errorMessage(error))}`);
    return { metadata: { runId: handle.runId } };
  } finally {
    for (const subscription of subscriptions) subscription.dispose();
    cancel.dispose();
  }
}

async function present(done: RunDone, stream: vscode.ChatResponseStream, deps: ParticipantDeps, followUp: string | undefined): Promise<vscode.ChatResult> {
  if (done.kind === 'discarded') return { metadata: { planOnly: true } };
  const markdown = (done.kind === 'finished' ? done.reportMarkdown : undefined) ?? (await deps.readReport(done.reportPath));
  const outcome = done.kind === 'finished' ? done.outcome : 'completed';
  if (outcome !== 'completed') stream.markdown(`**The run ${outcome === 'cancelled' ? 'was cancelled' : `is ${outcome}`}**: the report says what is missing.\n\n`);
  streamWithAnchors(answerOf(markdown, followUp), path.dirname(done.reportPath), stream, deps);
  stream.button(deps.openReport(done.reportPath));
  return { metadata: { runId: done.runId } };
}

/** The answer of the report (or of the follow-up's section), which the chat shows; the rest is in the file. */
export function answerOf(markdown: string, followUp?: string): string {
  let text = markdown;
  if (followUp !== undefined) {
    const at = markdown.lastIndexOf('\n## Follow-up: ');
    if (at >= 0) text = markdown.slice(at + 1).replace(/^## .*\n/, '').replace(/^### /gm, '## ');
  }
  const start = text.indexOf('## Answer\n');
  if (start < 0) return text.slice(0, 4000);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

const CITATION = /\[([^\]\n]+)\]\(((?:\.\.\/|\.\/)[^)\s#]*)#L(\d+)(?:-L(\d+))?\)/g;

/** Markdown with each citation link turned into an anchor that opens the cited lines. */
function streamWithAnchors(markdown: string, reportDir: string, stream: vscode.ChatResponseStream, deps: ParticipantDeps): void {
  let at = 0;
  for (const match of markdown.matchAll(CITATION)) {
    const [whole, label, href, start, end] = match;
    stream.markdown(markdown.slice(at, match.index));
    const file = path.resolve(reportDir, decodeURI(href!));
    stream.anchor(deps.location(file, Number(start), Number(end ?? start)), label!.replace(/\\(.)/g, '$1'));
    at = match.index! + whole.length;
  }
  stream.markdown(markdown.slice(at));
}

function planMarkdown(plan: Plan, followUp: string | undefined): string {
  const tasks = followUp ? plan.tasks.filter((t) => t.question === followUp) : plan.tasks;
  const lines = tasks.map((t) => `${t.kind === 'search' ? '- 🔎' : '-'} **${escapeText(t.id)}** — ${escapeText(t.description)}${t.kind === 'search' && t.query ? ` (“${escapeText(t.query)}”)` : ''}`);
  return `${followUp ? 'The follow-up adds' : 'The plan'}: ${tasks.length} tasks\n\n${lines.join('\n')}\n\n`;
}

function showPlanOnly(review: PlanReview, stream: vscode.ChatResponseStream): void {
  stream.markdown(`${planMarkdown(review.plan, undefined)}Nothing ran (\`/plan\`). Ask without \`/plan\` to run it.`);
  review.discard();
}

function showHistory(runs: readonly RunInfo[], stream: vscode.ChatResponseStream): vscode.ChatResult {
  if (runs.length === 0) {
    stream.markdown('No research run in this folder yet.');
    return {};
  }
  const rows = runs.slice(0, 20).map((run) => {
    const when = run.startedAt !== undefined ? new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' ') : '—';
    const rounds = run.followUps?.length ? ` (+${run.followUps.length} follow-up${run.followUps.length === 1 ? '' : 's'})` : '';
    return `- ${when} · ${run.status} · ${escapeText(run.question.replace(/\s+/g, ' ').slice(0, 100))}${rounds} · \`${printableLine(run.runId)}\``;
  });
  stream.markdown(`${rows.join('\n')}\n`);
  return {};
}

/** The run this participant answered last in the conversation, if any. */
function lastRunId(history: vscode.ChatContext['history']): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i] as { participant?: string; result?: vscode.ChatResult };
    const runId = turn.result?.metadata?.runId;
    if (turn.participant === PARTICIPANT_ID && typeof runId === 'string') return runId;
  }
  return undefined;
}

/** Text from a run (ids, questions, descriptions) shown as text, never as markup. */
function escapeText(text: string): string {
  return escapeInline(printableLine(text));
}
