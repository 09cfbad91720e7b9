/** The language model tool (agent mode, #research), called as VS Code calls it: vscode.lm.invokeTool. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { eventually } from '../support/eventually';
import { api, EXTENSION_ID } from './support';

const TOOL = 'research_workspace';

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('The research tool for agent mode', function () {
  this.timeout(60_000);
  before(async () => {
    await api();
  });

  it('is contributed with a reference name for #research and registered', async () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.languageModelTools as { name: string; toolReferenceName: string; canBeReferencedInPrompt: boolean }[];
    assert.deepEqual(contributed.map((t) => [t.name, t.toolReferenceName, t.canBeReferencedInPrompt]), [[TOOL, 'research', true]]);
    await eventually('the tool to be registered', () => vscode.lm.tools.some((t) => t.name === TOOL));
  });

  it('asks for confirmation, naming the folder and the provider, and says whether text leaves the machine', async () => {
    const research = await api();
    const prepared = research.tool.prepareInvocation({ input: { question: 'Where are the tide tables?' } } as vscode.LanguageModelToolInvocationPrepareOptions<{ question: string }>) as vscode.PreparedToolInvocation;
    const folder = vscode.workspace.workspaceFolders![0]!.name;
    assert.equal(prepared.confirmationMessages?.title, 'Research the workspace?');
    const message = prepared.confirmationMessages!.message as vscode.MarkdownString;
    assert.match(message.value, new RegExp(`over the folder \\*\\*${folder}\\*\\* with offline`));
    assert.match(message.value, /Nothing leaves this machine/);
    assert.match(String(prepared.invocationMessage), /Researching “Where are the tide tables\?”/);
  });

  it('returns the report’s answer with cited paths and lines, and where the full report is', async () => {
    const result = await vscode.lm.invokeTool(TOOL, { input: { question: 'How many brass lanterns does the quokka ferry protocol require?' }, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
    const text = textOf(result);
    assert.match(text, /## Answer/);
    assert.match(text, /seventeen brass lanterns/);
    assert.match(text, /\[notes\/[^\]]+#L\d+/, 'citations name the file and lines');
    const reportPath = /The full report, with every citation: (.+report\.md)\)/.exec(text)?.[1];
    assert.ok(reportPath && fs.existsSync(reportPath), text.slice(-300));
    assert.ok(text.length <= 8000);
  });

  it('its cancellation cancels the run', async () => {
    const source = new vscode.CancellationTokenSource();
    const pending = vscode.lm.invokeTool(TOOL, { input: { question: 'Where are the spring tide tables pinned?' }, toolInvocationToken: undefined }, source.token);
    source.cancel();
    const text = await pending.then(textOf, (error: unknown) => String(error));
    assert.match(text, /cancel/i);
  });

  it('the @research chat participant is contributed with /plan, /cancel and /history, and registered', async () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.chatParticipants as { id: string; name: string; commands: { name: string }[] }[];
    assert.deepEqual(contributed.map((p) => [p.id, p.name, p.commands.map((c) => c.name)]), [['research-dispatcher.research', 'research', ['plan', 'cancel', 'history']]]);
    const research = await api();
    assert.equal(research.chat.id, 'research-dispatcher.research');
  });
});
