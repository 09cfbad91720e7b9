import type * as vscode from 'vscode';
import type { OpenTransport } from '../core/executor';
import { loadDistributed } from './distributed-module';
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
  refusePasswordInSetting(redisUrl);
  const distributed = loadDistributed();
  // undefined (nothing stored) lets parseRedisUrl fall back to RESEARCH_REDIS_PASSWORD.
  const target = distributed.parseRedisUrl(redisUrl, await readRedisPassword(context));
  await distributed.checkRedisReachable(target);
  log.info(`tasks run on the workers of Redis at ${target.display}`);
  return distributed.redisTransport(target);
}
