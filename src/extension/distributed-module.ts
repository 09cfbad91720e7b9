import * as path from 'node:path';
import type * as Distributed from '../distributed/index';

export type DistributedModule = typeof Distributed;

let loaded: DistributedModule | undefined;

/**
 * Workers on Redis need bullmq and ioredis, which most people never use: they are bundled apart, in
 * dist/distributed.js beside dist/extension.js (see esbuild.js), and loaded on first use here, when
 * `research.redis.url` is set. The require is not a literal, so esbuild leaves it to run time; this
 * file imports only the module's types.
 */
export function loadDistributed(): DistributedModule {
  loaded ??= require(path.join(__dirname, 'distributed.js')) as DistributedModule;
  return loaded;
}
