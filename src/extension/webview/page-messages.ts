import { errorMessage } from '../../core/errors';
import { classifyLink, hasSchemeOrHost } from '../../shared/link-target';
import { pageMessageSchema, type PageMessage } from '../../shared/protocol';
import type { RunManagerApi } from './run-source';
import { resolveSourceFile } from './source-link';

/** What answering the page takes from the editor; the panel passes VS Code's, tests pass fakes. */
export interface PanelEffects {
  /** The page (re)loaded and listens: send it the current run. */
  pageReady(restoredVersion: number | undefined): void;
  /** Asks the person how to replan; undefined when they cancel. */
  askReplanInstruction(): Promise<string | undefined>;
  /** Folders a citation may open files in (the workspace folders on disk). */
  workspaceRoots(): string[];
  openFile(file: string, startLine?: number, endLine?: number): Promise<void>;
  /** Opens a web page (VS Code confirms untrusted domains itself). */
  openExternal(url: string): Promise<void>;
  /** A refusal or failure the person should see. */
  showWarning(message: string): void;
  log: { warn(message: string): void; error(message: string): void };
}

/**
 * The host's side of the page → host protocol: every message is validated (an invalid one is ignored
 * and logged), task ids must exist in the current run, and links are re-checked here whatever the
 * page decided — a file only inside the workspace, a web page only over http(s).
 */
export class PageMessageHandler {
  constructor(
    private readonly runs: RunManagerApi,
    private readonly effects: PanelEffects,
  ) {}

  async receive(raw: unknown): Promise<void> {
    const parsed = pageMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
      this.effects.log.warn(`progress panel: ignored an invalid message (${problems})`);
      return;
    }
    try {
      await this.handle(parsed.data);
    } catch (error) {
      this.effects.log.error(`progress panel: ${parsed.data.type} failed: ${errorMessage(error)}`);
      this.effects.showWarning(`Research: ${errorMessage(error)}`);
    }
  }

  private async handle(message: PageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.effects.pageReady(message.restoredVersion);
        return;
      case 'cancelRun':
        this.runs.cancelRun();
        return;
      case 'cancelTask':
        if (this.knowsTask(message.taskId)) this.runs.cancelTask(message.taskId);
        return;
      case 'retryTask':
        if (this.knowsTask(message.taskId)) this.runs.retryTask(message.taskId);
        return;
      case 'replan': {
        const instruction = (await this.effects.askReplanInstruction())?.trim();
        if (instruction) await this.runs.replan(instruction);
        return;
      }
      case 'openReport':
        await this.runs.openReport();
        return;
      case 'openSource':
        await this.openSource(message.path, message.startLine, message.endLine);
        return;
      case 'openExternal':
        await this.openExternal(message.url);
        return;
    }
  }

  private knowsTask(taskId: string): boolean {
    const known = this.runs.snapshot?.tasks.some((task) => task.id === taskId) ?? false;
    if (!known) this.effects.log.warn(`progress panel: no task "${taskId}" in the current run`);
    return known;
  }

  /** Opens a cited file at its lines — only inside the workspace, resolved against the report. */
  private async openSource(linkPath: string, startLine?: number, endLine?: number): Promise<void> {
    const reportPath = this.runs.snapshot?.reportPath;
    if (!reportPath) {
      this.effects.log.warn(`progress panel: cannot open ${JSON.stringify(linkPath)}: the current run has no report to resolve it against`);
      return;
    }
    // The page already decoded the link; the host does not trust it and checks again.
    if (hasSchemeOrHost(linkPath)) {
      this.effects.log.warn(`progress panel: refused to open ${JSON.stringify(linkPath)}: not a relative path`);
      return;
    }
    const resolved = await resolveSourceFile(linkPath, reportPath, this.effects.workspaceRoots());
    if (!resolved.ok) {
      this.effects.log.warn(`progress panel: refused to open ${JSON.stringify(linkPath)}: ${resolved.why}`);
      this.effects.showWarning(`Research: not opened — ${resolved.why}.`);
      return;
    }
    await this.effects.openFile(resolved.file, startLine, endLine);
  }

  private async openExternal(url: string): Promise<void> {
    const target = classifyLink(url);
    if (target.kind !== 'external') {
      this.effects.log.warn(`progress panel: refused to open ${JSON.stringify(url)}: ${target.kind === 'none' ? target.why : 'not a web address'}`);
      return;
    }
    await this.effects.openExternal(target.url);
  }
}
