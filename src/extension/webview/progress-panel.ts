import * as vscode from 'vscode';
import type { RunViewSnapshot } from '../../core/run-view';
import { buildPanelHtml, createNonce, PANEL_TITLE } from './html';
import { PageMessageHandler, type PanelEffects } from './page-messages';
import type { HostMessage } from '../../shared/protocol';
import type { RunManagerApi } from './run-source';

export const PROGRESS_VIEW_TYPE = 'research.progress';
export const SHOW_PROGRESS_COMMAND = 'research.showProgress';

/**
 * What "Research: Show Progress" resolves to, once the panel's page has loaded and been sent the
 * current run (or after a few seconds without that): lets tests and other extensions wait for it.
 */
export interface ShowProgressResult {
  /** The page loaded (its script ran under the CSP) and said it is listening. */
  ready: boolean;
  /** The snapshot version the page drew from its saved state before the host said anything. */
  restoredVersion?: number;
}

const READY_TIMEOUT_MS = 15_000;

/** Where the page's script and styles live; the webview may load nothing else. */
function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media', 'webview')];
}

function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  // No retainContextWhenHidden: a hidden panel is torn down and rebuilt from its saved state, which
  // costs nothing while hidden; the host posts the latest snapshot when it is shown again.
  return { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
}

/**
 * "Research: Show Progress": one panel that follows the current run — counts, graph, timeline and,
 * at the end, the rendered report — and comes back after the window reloads.
 */
export function registerProgressPanel(context: vscode.ExtensionContext, runs: RunManagerApi, log?: vscode.LogOutputChannel): vscode.Disposable {
  let current: ProgressPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel): ProgressPanel => {
    current?.dispose();
    const created = new ProgressPanel(panel, context.extensionUri, runs, log);
    created.onDidDispose(() => {
      if (current === created) current = undefined;
    });
    current = created;
    return created;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SHOW_PROGRESS_COMMAND, (): Promise<ShowProgressResult> => {
      const panel = current ?? adopt(vscode.window.createWebviewPanel(PROGRESS_VIEW_TYPE, PANEL_TITLE, vscode.ViewColumn.Active, panelOptions(context.extensionUri)));
      panel.reveal();
      return panel.whenReady(READY_TIMEOUT_MS);
    }),
    vscode.window.registerWebviewPanelSerializer(PROGRESS_VIEW_TYPE, {
      // The page restores its own picture from getState; the host only wires it up again.
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        panel.webview.options = panelOptions(context.extensionUri);
        adopt(panel);
      },
    }),
    { dispose: () => current?.dispose() },
  );
}

/** One open panel: its HTML, the messages both ways, and what the person asks for. */
export class ProgressPanel {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** Version last posted to the page that is loaded now; reset when the page reloads. */
  private postedVersion: number | undefined;
  private isDisposed = false;
  /** Set by the page's `ready`, cleared when the panel is hidden (which tears the page down). */
  private pageStatus: ShowProgressResult | undefined;
  private readonly readyWaiters = new Set<(status: ShowProgressResult) => void>();
  private readonly messages: PageMessageHandler;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly runs: RunManagerApi,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.messages = new PageMessageHandler(runs, this.effects());
    panel.title = PANEL_TITLE;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'research.svg');
    panel.webview.html = this.html();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.messages.receive(message)),
      runs.onDidChange((snapshot) => this.post(snapshot)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pageStatus = undefined;
        else if (this.runs.snapshot) this.post(this.runs.snapshot);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Resolves once the page has loaded and been sent the current run, or `{ ready: false }` after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<ShowProgressResult> {
    if (this.pageStatus && this.panel.visible) return Promise.resolve(this.pageStatus);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ ready: false }), timeoutMs);
      const done = (status: ShowProgressResult) => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(status);
      };
      this.readyWaiters.add(done);
    });
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const waiter of [...this.readyWaiters]) waiter({ ready: false });
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }

  private effects(): PanelEffects {
    const log = this.log;
    return {
      pageReady: (restoredVersion) => {
        // A freshly loaded page (first open, shown again, reloaded) has seen nothing from this host.
        this.postedVersion = undefined;
        const snapshot = this.runs.snapshot;
        if (snapshot) this.post(snapshot);
        else this.send({ type: 'idle' });
        this.pageStatus = { ready: true, restoredVersion };
        for (const waiter of [...this.readyWaiters]) waiter(this.pageStatus);
      },
      askReplanInstruction: async () =>
        vscode.window.showInputBox({
          title: 'Research: Replan',
          prompt: 'What should the rest of the run do differently? Finished tasks are kept.',
          placeHolder: 'e.g. also look at how timeouts are configured',
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() === '' ? 'Say what to change.' : undefined),
        }),
      workspaceRoots: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      openFile: async (file, startLine, endLine) => {
        const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
        let selection: vscode.Range | undefined;
        if (startLine !== undefined) {
          const last = Math.max(0, document.lineCount - 1);
          const from = Math.min(startLine - 1, last);
          const to = Math.min((endLine ?? startLine) - 1, last);
          selection = new vscode.Range(from, 0, to, document.lineAt(to).text.length);
        }
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, selection });
      },
      openExternal: async (url) => {
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
      },
      showWarning: (message) => void vscode.window.showWarningMessage(message),
      log: { warn: (message) => log?.warn(message), error: (message) => log?.error(message) },
    };
  }

  private html(): string {
    const webview = this.panel.webview;
    return buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'progress.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'progress.css')).toString(),
    });
  }

  /** Posts the snapshot if the page can receive it and has not seen this version. */
  private post(snapshot: RunViewSnapshot): void {
    // A hidden page is torn down; it asks again with `ready` when it comes back.
    if (this.isDisposed || !this.panel.visible || snapshot.version === this.postedVersion) return;
    this.postedVersion = snapshot.version;
    this.send({ type: 'snapshot', snapshot });
  }

  private send(message: HostMessage): void {
    this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered && message.type === 'snapshot') this.postedVersion = undefined;
      },
      () => undefined,
    );
  }
}
