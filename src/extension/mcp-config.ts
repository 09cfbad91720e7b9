import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * "Research: Copy MCP Server Configuration": the server entry of this installation (its own
 * dist/mcp.js, run by VS Code's Node, or `node` elsewhere), researching the open folders, ready to
 * paste into `.vscode/mcp.json`, Claude Desktop's or Cursor's configuration. Resolves to the text copied.
 */
export async function copyMcpConfiguration(context: vscode.ExtensionContext): Promise<string> {
  const server = path.join(context.extensionPath, 'dist', 'mcp.js');
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const args = [server, ...folders.flatMap((folder) => ['--dir', folder])];
  const text = JSON.stringify({ servers: { 'research-dispatcher': { type: 'stdio', command: 'node', args } } }, null, 2);
  await vscode.env.clipboard.writeText(text);
  const how = 'How to Use It';
  void vscode.window
    .showInformationMessage(
      `Research: the MCP server configuration is on the clipboard${folders.length ? ` (researching ${folders.length === 1 ? 'the open folder' : `${folders.length} folders`})` : ''}. Paste it into .vscode/mcp.json; for Claude Desktop or Cursor, rename "servers" to "mcpServers".`,
      how,
    )
    .then((choice) => {
      if (choice === how) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(context.extensionPath, 'README.md')));
    });
  return text;
}
