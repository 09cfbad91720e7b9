import type * as vscode from 'vscode';
import type { OpenTransport } from '../core/executor';
import type { RedisTarget } from '../distributed/index';
import { loadDistributed, type DistributedModule } from './distributed-module';
import { refusePasswordInSetting } from './redis-setting';
import { readRedisPassword } from './secrets';

/**
 * Where a run's tasks go: with `research.redis.url` empty, nowhere special (undefined: in this
 * process, as always); otherwise to the workers on that Redis. Checked before anything starts, so a
 * password in the setting, a bad URL or a Redis that does not answer is one clear error at once, not
 * a run that hangs. The password comes from SecretStorage, else RESEARCH_REDIS_PASSWORD.
 */
export async function transportForRun(context: vscode.ExtensionContext, redisUrl: string, log: vscode.LogOutputChannel): Promise<OpenTransport | undefined> {
  if (!redisUrl) return undefined;
  const { distributed, target } = await redisFromSetting(context, redisUrl);
  await distributed.checkRedisReachable(target);
  log.info(`tasks run on the workers of Redis at ${target.display}`);
  return distributed.redisTransport(target);
}

/**
 * The Redis that `research.redis.url` names, with the password from SecretStorage (else
 * RESEARCH_REDIS_PASSWORD), and the lazily loaded module that talks to it. Throws a UsageError for a
 * password in the setting or a URL that is not a Redis URL. Runs and the Workers view both start here.
 */
export async function redisFromSetting(context: vscode.ExtensionContext, url: string): Promise<{ distributed: DistributedModule; target: RedisTarget }> {
  refusePasswordInSetting(url);
  const distributed = loadDistributed();
  // undefined (nothing stored) lets parseRedisUrl fall back to RESEARCH_REDIS_PASSWORD.
  const target = distributed.parseRedisUrl(url, await readRedisPassword(context));
  return { distributed, target };
}
