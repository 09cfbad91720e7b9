import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFaultServer, type FaultServer, type Responder } from './fault-server';
import { repo } from './run-cli';

/**
 * Mocha hooks for a test of the built CLI against a model server on 127.0.0.1: builds the CLI once,
 * and before each test starts the server with `model()` and writes `files` into a new folder.
 * Read `server` and `dir` inside the tests (they change for each one).
 */
export function useModelCli(prefix: string, model: () => Responder, files: Record<string, string>): { readonly server: FaultServer; readonly dir: string } {
  const state = {} as { server: FaultServer; dir: string };
  before(() => {
    execFileSync(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo });
  });
  beforeEach(async () => {
    state.server = await startFaultServer(model());
    state.dir = mkdtempSync(path.join(tmpdir(), prefix));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(state.dir, name), text);
  });
  afterEach(() => state.server.close());
  return state;
}
