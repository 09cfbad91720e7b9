/** Research: Copy MCP Server Configuration, in the real VS Code. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api } from './support';

describe('Research: Copy MCP Server Configuration', function () {
  this.timeout(30_000);

  it('puts this installation’s server, researching the open folder, on the clipboard', async () => {
    await api();
    const text = await vscode.commands.executeCommand<string>('research.copyMcpConfiguration');
    assert.equal(await vscode.env.clipboard.readText(), text);
    const entry = JSON.parse(text).servers['research-dispatcher'];
    assert.equal(entry.type, 'stdio');
    assert.equal(entry.command, 'node');
    assert.match(entry.args[0], /[\\/]dist[\\/]mcp\.js$/);
    assert.ok(fs.existsSync(entry.args[0]), `${entry.args[0]} exists`);
    assert.deepEqual(entry.args.slice(1), ['--dir', vscode.workspace.workspaceFolders![0]!.uri.fsPath]);
  });
});
