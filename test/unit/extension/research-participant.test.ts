import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { listRuns } from '../../../src/core/journal/history';
import { resumeRun, startRun } from '../../../src/core/run/run-service';
import { createResearchHandler, PARTICIPANT_ID, type ParticipantDeps } from '../../../src/extension/chat/research-participant';
import { createOfflineProvider } from '../../../src/providers/offline';
import { makeWorkspace, removeWorkspace } from '../../support/workspace-fixture';

/**
 * The chat participant's handler driven with fakes of the documented shapes of vscode.d.ts 1.99:
 * ChatRequest (prompt, command, model), ChatContext (history of turns with participant and result),
 * ChatResponseStream (markdown, progress, anchor, button) and CancellationToken.
 */
type Streamed = { kind: 'markdown' | 'progress' | 'anchor' | 'button'; value: unknown; title?: string };

function fakeStream(): { stream: vscode.ChatResponseStream; parts: Streamed[]; text: () => string } {
  const parts: Streamed[] = [];
  const stream = {
    markdown: (value: string) => parts.push({ kind: 'markdown', value }),
    progress: (value: string) => parts.push({ kind: 'progress', value }),
    anchor: (value: unknown, title?: string) => parts.push({ kind: 'anchor', value, title }),
    button: (value: unknown) => parts.push({ kind: 'button', value }),
  } as unknown as vscode.ChatResponseStream;
  return { stream, parts, text: () => parts.filter((p) => p.kind === 'markdown').map((p) => p.value).join('') };
}

function fakeToken(): { token: vscode.CancellationToken; cancel(): void } {
  const listeners: (() => void)[] = [];
  const token = { isCancellationRequested: false, onCancellationRequested: (fn: () => void) => (listeners.push(fn), { dispose: () => undefined }) };
  return { token: token as unknown as vscode.CancellationToken, cancel: () => ((token.isCancellationRequested = true), listeners.forEach((fn) => fn())) };
}

const request = (prompt: string, command?: string) => ({ prompt, command, model: undefined, references: [], toolReferences: [] }) as unknown as vscode.ChatRequest;
const context = (history: unknown[] = []) => ({ history }) as unknown as vscode.ChatContext;
const answered = (runId: string) => ({ participant: PARTICIPANT_ID, result: { metadata: { runId } }, response: [] });

const FILES = {
  'notes/tides.md': '# Tides\n\nThe spring tide tables are pinned above the chart table in the harbour office.\n',
  'notes/ferry.md': '# Ferry\n\nThe quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing.\n\n## Checks\n\nThe lantern count is checked by the harbour tests every Monday.\n',
};

describe('@research chat participant (handler with fakes of the chat API)', function () {
  this.timeout(30_000);
  let root: string;
  let deps: ParticipantDeps;
  const calls: string[] = [];

  beforeEach(async () => {
    root = await makeWorkspace(FILES);
    calls.length = 0;
    deps = {
      folder: () => ({ name: 'ws', fsPath: root }),
      start: (question, { onReview }) => (calls.push(`start ${question}`), startRun({ root, question, onReview, createProvider: async () => createOfflineProvider({ root }) })),
      followUp: (runId, text) => (calls.push(`followUp ${runId} ${text}`), resumeRun({ root, runId, followUp: text, createProvider: async () => createOfflineProvider({ root }) })),
      history: () => listRuns(root, '.research'),
      location: (file, startLine, endLine) => ({ file, startLine, endLine }) as unknown as vscode.Location,
      openReport: (reportPath) => ({ command: 'vscode.open', title: 'Open the Full Report', arguments: [reportPath] }),
      readReport: (reportPath) => readFile(reportPath, 'utf8'),
    };
  });
  afterEach(() => removeWorkspace(root));

  it('streams the plan, each subtask’s progress, then the answer with citations as anchors to the cited lines, and a button for the report', async () => {
    const handler = createResearchHandler(deps);
    const out = fakeStream();
    const result = (await handler(request('How many brass lanterns does the quokka ferry protocol require?'), context(), out.stream, fakeToken().token)) as vscode.ChatResult;
    assert.match(out.text(), /The plan: \d+ tasks/);
    assert.match(out.text(), /## Answer/);
    assert.match(out.text(), /seventeen brass lanterns/);
    assert.ok(out.parts.some((p) => p.kind === 'progress' && /^\d+\/\d+ · search-1 completed$/.test(String(p.value))));
    assert.match(String(out.parts.filter((p) => p.kind === 'progress').at(-1)!.value), /^(\d+)\/\1 · synthesize completed$/, 'the last task settles the run: its count is the total');
    const anchors = out.parts.filter((p) => p.kind === 'anchor');
    assert.ok(anchors.length > 0);
    for (const anchor of anchors) {
      const { file, startLine } = anchor.value as { file: string; startLine: number };
      assert.equal(file, join(root, 'notes/ferry.md'));
      assert.ok(startLine >= 1);
      assert.match(anchor.title!, /^notes\/ferry\.md#L\d+/);
    }
    assert.doesNotMatch(out.text(), /\]\(\.\.\//, 'no raw relative link is left in the chat');
    const button = out.parts.find((p) => p.kind === 'button')!.value as vscode.Command;
    assert.equal(button.title, 'Open the Full Report');
    assert.ok(existsSync(String(button.arguments![0])));
    assert.match(String(result.metadata?.runId), /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  });

  it('a later message in the conversation is a follow-up on that run: its evidence kept, the follow-up’s answer shown', async () => {
    const handler = createResearchHandler(deps);
    const first = (await handler(request('Where are the spring tide tables pinned?'), context(), fakeStream().stream, fakeToken().token)) as vscode.ChatResult;
    const runId = String(first.metadata!.runId);
    const out = fakeStream();
    const again = (await handler(request('When are the lanterns checked?'), context([answered(runId)]), out.stream, fakeToken().token)) as vscode.ChatResult;
    assert.deepEqual(calls, ['start Where are the spring tide tables pinned?', `followUp ${runId} When are the lanterns checked?`]);
    assert.equal(again.metadata!.runId, runId, 'the same run');
    assert.match(out.text(), /The follow-up adds: \d+ tasks/);
    assert.match(out.text(), /checked by the harbour tests every Monday/);
    assert.doesNotMatch(out.text(), /pinned above the chart table/, 'the answer is the follow-up’s');
  });

  it('/plan shows the plan and runs nothing', async () => {
    const out = fakeStream();
    await createResearchHandler(deps)(request('Where are the tide tables?', 'plan'), context(), out.stream, fakeToken().token);
    assert.match(out.text(), /The plan: \d+ tasks[\s\S]*search-1[\s\S]*Nothing ran/);
    assert.equal(existsSync(join(root, '.research')) && readdirSync(join(root, '.research')).length > 0, false);
  });

  it('/history lists the folder’s runs; /cancel with no run says so', async () => {
    const handler = createResearchHandler(deps);
    await handler(request('Where are the tide tables?'), context(), fakeStream().stream, fakeToken().token);
    const history = fakeStream();
    await handler(request('', 'history'), context(), history.stream, fakeToken().token);
    assert.match(history.text(), /completed · Where are the tide tables\? · `\d{8}-\d{6}-[0-9a-f]{4}`/);
    const cancel = fakeStream();
    await handler(request('', 'cancel'), context(), cancel.stream, fakeToken().token);
    assert.match(cancel.text(), /No research run is going on/);
  });

  it('the chat’s cancellation cancels the run; the partial report is still written', async () => {
    const slow: ParticipantDeps = {
      ...deps,
      start: (question) =>
        startRun({
          root,
          question,
          plan: { question, tasks: [{ id: 'slow', kind: 'search', description: 'slow', simulate: { ms: 20_000 } }, { id: 'synthesize', kind: 'synthesize', description: 'write', dependsOn: ['slow'] }] },
          createProvider: async () => createOfflineProvider({ root }),
        }),
    };
    const out = fakeStream();
    const { token, cancel } = fakeToken();
    const pending = createResearchHandler(slow)(request('Anything?'), context(), out.stream, token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    cancel();
    await pending;
    assert.match(out.text(), /The run was cancelled/);
    assert.ok(out.parts.some((p) => p.kind === 'button'), 'the partial report can be opened');
  });

  it('hands the model picked in the chat to the run (used when research.provider is vscode-lm)', async () => {
    const model = { id: 'picked-model', vendor: 'test', family: 'f' } as unknown as vscode.LanguageModelChat;
    let given: unknown;
    const handler = createResearchHandler({ ...deps, start: (question, options) => ((given = options.model), deps.start(question, options)) });
    await handler({ ...request('Where are the tide tables?'), model } as vscode.ChatRequest, context(), fakeStream().stream, fakeToken().token);
    assert.equal(given, model);
  });
});
