import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { exportReportHtml } from '../report-export';

/**
 * "Research: Export Report…": writes the report as a self-contained HTML file beside its Markdown
 * (report.html next to report.md), for people who read it outside the editor or send it on. Which
 * report: the one given (a Uri, from the explorer or a test), else the Markdown report in the active
 * editor, else the last run's. Resolves to the HTML file's Uri, or undefined.
 */
export async function exportReport(lastReportPath: string | undefined, argument?: unknown): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const source =
    argument instanceof vscode.Uri
      ? argument
      : active?.languageId === 'markdown' && active.uri.scheme === 'file' && /report\.md$/i.test(active.uri.fsPath)
        ? active.uri
        : lastReportPath !== undefined
          ? vscode.Uri.file(lastReportPath)
          : undefined;
  if (!source) {
    void vscode.window.showInformationMessage('Research: there is no report to export yet. Open a report.md, or run research first.');
    return undefined;
  }
  let html: vscode.Uri;
  try {
    html = vscode.Uri.file(await exportReportHtml(source.fsPath));
  } catch (error) {
    void vscode.window.showErrorMessage(`Research: the report could not be exported: ${errorMessage(error)}`);
    return undefined;
  }
  const open = 'Open in Browser';
  void vscode.window.showInformationMessage(`Research: exported ${vscode.workspace.asRelativePath(html)}.`, open).then((choice) => {
    if (choice === open) void vscode.env.openExternal(html);
  });
  return html;
}
