import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../package.json';
import { errorMessage } from '../core/errors';
import { AllowedRoots } from './allowed-roots';
import { createResearchServer } from './research-server';

export const MCP_USAGE = `Usage: npm run -s mcp -- [--dir <folder>]...

A Model Context Protocol server over stdio: research, list_runs, get_report, resume_run and cancel_run,
and each report as a resource research://runs/<id>/report. It researches only folders under its roots:
the --dir folders (repeat it), else the client's roots, else the folder it was started in. Keys come
from its environment (OPENAI_API_KEY, BRAVE_API_KEY). Logs go to stderr; stdout is the protocol's.`;

/** Starts the server on stdio; resolves when the client goes away, after cancelling what still runs. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { dir: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stderr.write(`${MCP_USAGE}\n`);
    return 0;
  }
  const log = (message: string) => process.stderr.write(`research-mcp: ${message}\n`);
  const roots = new AllowedRoots(values.dir ?? [], process.env.INIT_CWD || process.cwd());
  const { server, cancelAll } = createResearchServer({ roots, env: process.env, version, log });
  server.server.oninitialized = () => {
    if (!server.server.getClientCapabilities()?.roots) return;
    server.server
      .listRoots()
      .then((answer) => roots.useClientRoots(answer.roots.map((root) => root.uri)))
      .catch((error) => log(`the client's roots could not be read (${errorMessage(error)}); researching ${roots.list.join(', ')}`));
  };
  // The client goes away by closing our stdin (then SIGTERM, as the SDK's client does) or by closing
  // the protocol: whichever comes first, what still runs is cancelled, so each partial report is written.
  const gone = new Promise<string>((resolve) => {
    server.server.onclose = () => resolve('the connection closed');
    process.stdin.once('end', () => resolve('the client closed the connection'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await server.connect(new StdioServerTransport());
  log(`ready; researching under ${roots.list.join(', ')}`);
  log(`${await gone}: cancelling what still runs`);
  await cancelAll();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`research-mcp: ${errorMessage(error)}\n`);
      process.exit(2);
    },
  );
}
