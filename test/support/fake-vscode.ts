/**
 * Just enough of the `vscode` module, with real behaviour, to build a tree provider's items in plain
 * Node and assert on them: TreeItem, ThemeIcon, ThemeColor, MarkdownString (appendText escapes, as
 * VS Code's does), EventEmitter. test/support/vscode-stub.ts installs it as `vscode`; its own stubs
 * do nothing, which is right for timing activate() but leaves nothing to assert on.
 */
import { installVscodeStub } from './vscode-stub';

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  isTrusted = false;
  supportHtml = false;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendText(text: string): this {
    // VS Code escapes Markdown syntax (and, with theme icons on, `$(`) in appended text.
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&').replace(/\$\(/g, '\\$(');
    return this;
  }
  appendMarkdown(markdown: string): this {
    this.value += markdown;
    return this;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  accessibilityInformation?: { label: string };
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class EventEmitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Loads `modulePath` (an absolute path, e.g. from `require.resolve`, of a .ts file that imports `vscode`) with this fake as `vscode`. */
export function requireWithFakeVscode<T>(modulePath: string): T {
  const uninstall = installVscodeStub({ ThemeColor, ThemeIcon, MarkdownString, TreeItemCollapsibleState, TreeItem, EventEmitter });
  try {
    return require(modulePath) as T;
  } finally {
    uninstall();
  }
}
