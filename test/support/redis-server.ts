import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';

/** Whether Debian's redis-server is installed (.ci/run installs it). */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Skips the suite when redis-server is missing on a developer's machine, saying how to get it; in CI
 * (CI=true, where .ci/run installs it) a missing server fails instead, so the tests can never vanish.
 */
export function requireRedisServer(context: Mocha.Context): void {
  if (redisServerInstalled()) return;
  if (process.env.CI) throw new Error('redis-server is not installed: .ci/run should have installed it (apt-get install redis-server)');
  context.skip(); // reason: these tests need a real Redis; install it with `apt-get install redis-server`
}

/** A free loopback port (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real redis-server of the test's own, on a loopback port, without persistence unless asked:
 * `stop()` kills it (SIGKILL, as a crash would), `start()` brings it back on the same port — with its
 * data only when `persist` (an append-only file with fsync on every write).
 */
export class RedisServer {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'research-redis-'));

  private constructor(
    readonly port: number,
    private readonly persist: boolean,
  ) {}

  static async start(options: { persist?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options.persist ?? false);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--protected-mode', 'no'];
    args.push('--appendonly', this.persist ? 'yes' : 'no', '--appendfsync', 'always');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    client.on('error', () => undefined);
    try {
      for (let i = 0; i < 200; i++) {
        try {
          if (client.status !== 'ready') await client.connect();
          if ((await client.ping()) === 'PONG') return;
        } catch {
          client.disconnect();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      throw new Error(`redis-server did not answer on port ${this.port}`);
    } finally {
      client.disconnect();
    }
  }

  /** Kills the server at once, as a crash or an unplugged machine would. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
