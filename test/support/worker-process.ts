import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { repo } from './run-cli';

export const builtWorker = path.join(repo, 'dist', 'worker.js');

/**
 * A worker process (`dist/worker.js`) for tests: started with the given arguments, ready once it says
 * which tasks it takes, and stoppable as a person would (Ctrl-C) or as a crash would (SIGKILL).
 */
export class WorkerProcess {
  log = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  private constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [builtWorker, ...args], { env: { ...process.env, INIT_CWD: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  static async start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
    const worker = new WorkerProcess(args, env);
    for (let i = 0; i < 300 && !/ takes .* tasks/.test(worker.log); i++) {
      if (worker.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!/ takes .* tasks/.test(worker.log)) {
      worker.kill();
      throw new Error(`the worker did not start:\n${worker.log}`);
    }
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Ctrl-C, then waits for it to finish its tasks and leave. */
  async stop(): Promise<void> {
    this.kill('SIGINT');
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.kill();
  }
}
