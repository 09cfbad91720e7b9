import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const repo = path.resolve(__dirname, '../..');
export const builtCli = path.join(repo, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (dist/cli.js) in a clean environment: OPENAI_API_KEY from the developer's shell is
 * dropped, so a test's key is the only one. Killed after 30 s, so a hang fails the test instead of the suite.
 */
export function runModelCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const { OPENAI_API_KEY: _drop, ...rest } = process.env;
    const child = spawn(process.execPath, [builtCli, ...args], { cwd: repo, env: { ...rest, INIT_CWD: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
