import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { escapeInline } from '../../core/markdown';
import { describeTarget, hostsOf, targetOfSettings } from '../../providers/resume-target';
import { startWorkspaceRun, type WorkspaceRuns } from '../run/workspace-run';
import { readProviderSettings } from '../settings';

/** The tool's name in agent mode and `#research` in a prompt (package.json's languageModelTools). */
export const RESEARCH_TOOL = 'research_workspace';

export interface ResearchToolInput {
  question: string;
  /** A workspace folder, by name or absolute path; default the first. */
  folder?: string;
  /** At most this many subtasks. */
  maxTasks?: number;
}

/** How much of the report an agent gets back: the answer and evidence, short enough for its context. */
export const TOOL_RESULT_MAX_CHARS = 8000;

/**
 * Research for Copilot's agent mode (and `#research` in a chat prompt): the same run service as
 * Research: Start — parallel subtasks, verified citations, the report written to the run's folder —
 * with the provider the research.* settings choose. Before it runs, VS Code shows a confirmation that
 * names the folder and the provider, and the hosts text will be sent to when a model does the work.
 * The chat's cancellation cancels the run; the partial report is still written.
 */
export class ResearchTool implements vscode.LanguageModelTool<ResearchToolInput> {
  constructor(private readonly runs: WorkspaceRuns) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ResearchToolInput>): vscode.PreparedToolInvocation {
    const folder = folderFor(options.input.folder);
    if (!folder) return { invocationMessage: 'Research needs an open folder' };
    let target = 'the provider of the research.* settings';
    let hosts: string[] = [];
    try {
      const settings = targetOfSettings(readProviderSettings(folder.uri));
      target = describeTarget(settings);
      hosts = hostsOf(settings);
    } catch {
      // A setting that is not one is said when the run starts.
    }
    const sent = hosts.length > 0 ? ` Text from this folder will be sent to ${hosts.join(', ')}.` : ' Nothing leaves this machine.';
    return {
      invocationMessage: `Researching “${options.input.question}” in ${folder.name}`,
      confirmationMessages: {
        title: 'Research the workspace?',
        message: new vscode.MarkdownString(`Research **${escapeInline(options.input.question)}** over the folder **${escapeInline(folder.name)}** with ${escapeInline(target)}.${sent}`),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ResearchToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const text = await this.research(options.input, token);
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }

  private async research(input: ResearchToolInput, token: vscode.CancellationToken): Promise<string> {
    const folder = folderFor(input.folder);
    if (!folder) return 'Research needs a folder: open one in VS Code first.';
    if (typeof input.question !== 'string' || input.question.trim() === '') return 'The question is empty: say what to find out.';
    const handle = startWorkspaceRun(this.runs, folder, input.question, { maxTasks: boundedTasks(input.maxTasks) });
    const cancel = token.onCancellationRequested(() => handle.cancel());
    try {
      const done = await handle.done;
      if (done.kind === 'discarded') return 'The plan was discarded; nothing ran.';
      const markdown = done.kind === 'finished' ? done.reportMarkdown : undefined;
      const outcome = done.kind === 'finished' ? done.outcome : 'completed';
      return forAgent(markdown ?? (await readFile(done.reportPath, 'utf8')), done.reportPath, outcome);
    } catch (error) {
      if (handle.cancelRequested) return 'The research was cancelled before its plan was made: no task ran and no report was written.';
      return `The research could not run: ${handle.redact(errorMessage(error))}`;
    } finally {
      cancel.dispose();
    }
  }
}

/** The report for an agent's context: whole when it fits, else cut at a section, with where the rest is. */
export function forAgent(markdown: string, reportPath: string, outcome: string): string {
  const footer = `\n\n(Research ${outcome}. The full report, with every citation: ${reportPath})`;
  if (markdown.length + footer.length <= TOOL_RESULT_MAX_CHARS) return `${markdown.trimEnd()}${footer}`;
  const room = TOOL_RESULT_MAX_CHARS - footer.length - 40;
  const cut = markdown.lastIndexOf('\n## ', room);
  return `${markdown.slice(0, cut > 0 ? cut : room).trimEnd()}\n\n[… the rest of the report is in the file]${footer}`;
}

function folderFor(name: string | undefined): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!name) return folders[0];
  return folders.find((f) => f.name === name || path.resolve(f.uri.fsPath) === path.resolve(name)) ?? folders[0];
}

function boundedTasks(maxTasks: unknown): number | undefined {
  return typeof maxTasks === 'number' && Number.isInteger(maxTasks) && maxTasks >= 3 ? Math.min(maxTasks, 200) : undefined;
}
