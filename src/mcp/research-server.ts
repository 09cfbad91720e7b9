import { readFile } from 'node:fs/promises';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { errorMessage } from '../core/errors';
import { findRunDir, listRuns, runInfo } from '../core/journal/history';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import type { RunDone, RunHandle } from '../core/run/run-handle';
import { resumeRun, startRun, type ProviderFactory } from '../core/run/run-service';
import { isTerminal } from '../core/task-state';
import { createProviderFromSettings, type ProviderSettings } from '../providers/create-provider';
import { parseModelConfig } from '../providers/model/model-config';
import { DEFAULT_OPENAI_BASE_URL } from '../providers/model/settings-config';
import { indexCacheDir } from '../providers/offline';
import { SEARCH_BACKENDS } from '../providers/provider-names';
import type { AllowedRoots } from './allowed-roots';

export interface ResearchServerOptions {
  roots: AllowedRoots;
  /** Where keys come from: the server's environment, never a tool's input. */
  env: NodeJS.ProcessEnv;
  version: string;
  /** Diagnostics (stderr: stdout is the protocol's). */
  log: (message: string) => void;
}

const providerInput = z
  .object({
    provider: z.enum(['offline', 'openai']).describe('who does the work; offline needs no key and no network'),
    baseUrl: z.string().url().optional().describe('an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1'),
    model: z.string().min(1).optional().describe('the model of every role (planner, researcher, writer)'),
    search: z.enum(SEARCH_BACKENDS).optional().describe('where a model searches: the workspace (default), searxng or brave'),
    searxngUrl: z.string().url().optional(),
  })
  .describe('the provider, as the command line takes it; keys come from the server’s environment only');

type ProviderInput = z.infer<typeof providerInput>;
type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean; structuredContent?: Record<string, unknown> };

/**
 * Research as a Model Context Protocol server: the same run service as the CLI and VS Code, over the
 * folders the server may read (AllowedRoots). Tools: research, list_runs, get_report, resume_run,
 * cancel_run; each report is a resource `research://runs/<id>/report`. A client's progress token gets
 * `notifications/progress` per finished task; its cancellation (or a closed connection) cancels the run,
 * and the partial report is written. Bad input is a tool error that says what to fix, never a crash.
 */
export function createResearchServer(options: ResearchServerOptions): { server: McpServer; cancelAll(): Promise<void> } {
  const server = new McpServer({ name: 'research-dispatcher', version: options.version }, { capabilities: { logging: {} } });
  const live = new Map<string, RunHandle>();

  const follow = async (handle: RunHandle, extra: ToolExtra): Promise<ToolResult> => {
    live.set(handle.runId, handle);
    const stop = () => handle.cancel();
    extra.signal.addEventListener('abort', stop, { once: true });
    const progressToken = extra._meta?.progressToken;
    let sent = 0;
    // One notification per task that settles, named in it; the counts are read, not a copy of the picture.
    // onAny, as the view listens: it runs after the view has counted the event.
    const listener =
      progressToken === undefined
        ? undefined
        : handle.bus.onAny((event) => {
            if (event.type !== 'task:state' || !isTerminal(event.to)) return;
            const { settled, total } = handle.view.progress();
            if (settled <= sent) return;
            sent = settled;
            void extra
              .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: settled, total, message: `${event.taskId}: ${event.to.toLowerCase()}` } })
              .catch(() => undefined);
          });
    try {
      return await describeDone(await handle.done);
    } finally {
      listener?.dispose();
      extra.signal.removeEventListener('abort', stop);
      live.delete(handle.runId);
    }
  };

  server.registerTool(
    'research',
    {
      title: 'Research a question over a folder',
      description:
        'Researches a question over the files of a folder (subtasks in parallel, every quote cited with its file and lines) and returns the cited Markdown report and its path. Offline by default: no key, no network.',
      inputSchema: {
        question: z.string().describe('the question to research'),
        folder: z.string().optional().describe('an absolute path under the server’s roots; default the first root'),
        provider: providerInput.optional(),
      },
    },
    async ({ question, folder, provider }, extra) =>
      toolErrors(async () => {
        if (question.trim() === '') throw new Error('the question is empty: say what you want to find out');
        const root = options.roots.resolve(folder);
        const settings = providerSettings(provider);
        return follow(startRun({ root, question, createProvider: factory(settings, options.env) }), extra);
      }),
  );

  server.registerTool(
    'list_runs',
    { title: 'List research runs', description: 'The runs of a folder, newest first: id, question, status, tasks, cost.', inputSchema: { folder: z.string().optional() } },
    async ({ folder }) =>
      toolErrors(async () => {
        const runs = listRuns(options.roots.resolve(folder), DEFAULT_OUTPUT_FOLDER).map((run) => ({
          runId: run.runId,
          question: run.question,
          status: run.status,
          startedAt: run.startedAt,
          tasks: run.tasks,
          usage: run.usage,
          hasReport: run.hasReport,
          resumable: run.resumable,
          ...(run.followUps ? { followUps: run.followUps } : {}),
        }));
        return { content: [{ type: 'text', text: JSON.stringify(runs, null, 2) }], structuredContent: { runs } };
      }),
  );

  server.registerTool(
    'get_report',
    { title: 'Get a run’s report', description: 'The Markdown report of a run, by its id.', inputSchema: { runId: z.string(), folder: z.string().optional() } },
    async ({ runId, folder }) => toolErrors(async () => readReport(options.roots.resolve(folder), runId)),
  );

  server.registerTool(
    'resume_run',
    {
      title: 'Resume a run',
      description: 'Continues an interrupted, cancelled or failed run without redoing its finished tasks, with the provider given now (default offline).',
      inputSchema: { runId: z.string(), folder: z.string().optional(), provider: providerInput.optional() },
    },
    async ({ runId, folder, provider }, extra) =>
      toolErrors(async () => {
        const root = options.roots.resolve(folder);
        return follow(resumeRun({ root, runId, createProvider: factory(providerSettings(provider), options.env), onNotice: options.log }), extra);
      }),
  );

  server.registerTool(
    'cancel_run',
    { title: 'Cancel a run', description: 'Cancels a run this server is running; its partial report is still written.', inputSchema: { runId: z.string() } },
    async ({ runId }) =>
      toolErrors(async () => {
        const handle = live.get(runId);
        if (!handle) throw new Error(`no run ${runId} is going on in this server (list_runs shows the folder’s runs)`);
        handle.cancel();
        return { content: [{ type: 'text', text: `cancelling run ${runId}; its partial report will be written` }] };
      }),
  );

  server.registerResource(
    'report',
    new ResourceTemplate('research://runs/{runId}/report', {
      list: async () => ({
        resources: options.roots.list.flatMap((root) =>
          listRuns(root, DEFAULT_OUTPUT_FOLDER)
            .filter((run) => run.hasReport)
            .map((run) => ({ uri: `research://runs/${run.runId}/report`, name: run.question.slice(0, 200), mimeType: 'text/markdown' })),
        ),
      }),
    }),
    { title: 'Research report', description: 'The cited Markdown report of a run', mimeType: 'text/markdown' },
    async (uri, { runId }) => {
      const id = String(runId);
      for (const root of options.roots.list) {
        try {
          const result = await readReport(root, id);
          return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: result.content[0]!.text }] };
        } catch {
          // not in this root
        }
      }
      throw new Error(`no report of run ${id} under ${options.roots.list.join(', ')}`);
    },
  );

  return {
    server,
    async cancelAll() {
      const runs = [...live.values()];
      for (const handle of runs) handle.cancel();
      await Promise.allSettled(runs.map((handle) => handle.done));
    },
  };
}

type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A thrown error becomes a tool error with its message: the client's model reads it and can act on it. */
async function toolErrors(work: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await work();
  } catch (error) {
    return { content: [{ type: 'text', text: `research: ${errorMessage(error)}` }], isError: true };
  }
}

async function describeDone(done: RunDone): Promise<ToolResult> {
  if (done.kind === 'discarded') return { content: [{ type: 'text', text: `run ${done.runId}: the plan was discarded; nothing ran` }] };
  const markdown = (done.kind === 'finished' ? done.reportMarkdown : undefined) ?? (await readFile(done.reportPath, 'utf8').catch(() => ''));
  const outcome = done.kind === 'already-completed' ? 'completed' : done.outcome;
  return {
    content: [{ type: 'text', text: markdown || `the report is at ${done.reportPath}` }],
    structuredContent: { runId: done.runId, reportPath: done.reportPath, outcome, ...(done.kind === 'already-completed' ? { alreadyCompleted: true } : {}) },
  };
}

async function readReport(root: string, runId: string): Promise<ToolResult> {
  const info = runInfo(findRunDir(root, DEFAULT_OUTPUT_FOLDER, runId));
  if (!info.hasReport || !info.reportPath) throw new Error(`run ${runId} has no report yet (${info.status})`);
  const text = await readFile(info.reportPath, 'utf8');
  return { content: [{ type: 'text', text }], structuredContent: { runId, reportPath: info.reportPath, status: info.status } };
}

function providerSettings(input: ProviderInput | undefined): ProviderSettings {
  if (!input || input.provider === 'offline') {
    if (input?.search && input.search !== 'workspace') throw new Error(`search ${input.search} needs a model to read the pages: use provider "openai"`);
    return { provider: 'offline' };
  }
  if (!input.model) throw new Error('provider "openai" needs a model: add "model", e.g. "gpt-4o-mini" (or "llama3.1" with an Ollama baseUrl)');
  return {
    provider: 'openai',
    modelConfig: parseModelConfig({ endpoints: [{ baseUrl: input.baseUrl ?? DEFAULT_OPENAI_BASE_URL }], model: input.model }, 'the provider input'),
    search: { backend: input.search ?? 'workspace', searxngUrl: input.searxngUrl },
  };
}

function factory(settings: ProviderSettings, env: NodeJS.ProcessEnv): ProviderFactory {
  return ({ root, runDir }) => createProviderFromSettings({ settings, root, runDir, keys: { env }, indexCacheDir: indexCacheDir(env) });
}
