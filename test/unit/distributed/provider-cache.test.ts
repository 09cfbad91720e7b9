import assert from 'node:assert/strict';
import type { ResearchProvider } from '../../../src/core/provider';
import { SecretRedactor } from '../../../src/core/secret-redactor';
import { ProviderCache } from '../../../src/distributed/provider-cache';
import type { JobData } from '../../../src/distributed/job';

describe("a worker's provider cache", () => {
  it("redacts the keys of the providers it holds, for the worker's log, and forgets an evicted one's", async () => {
    const keyOf = (runId: string) => `key-of-${runId}-0123456789`;
    const build = async (job: JobData): Promise<ResearchProvider> => ({ redactor: SecretRedactor.of([keyOf(job.runId)]) }) as unknown as ResearchProvider;
    const cache = new ProviderCache(build, '/ws', 1);
    const job = (runId: string) => ({ runId, provider: { id: 'openai', settings: {} } }) as unknown as JobData;
    await cache.get(job('a'));
    assert.equal(cache.redact(`server said ${keyOf('a')}`), 'server said [redacted]');
    await cache.get(job('b'));
    assert.equal(cache.redact(`${keyOf('a')} ${keyOf('b')}`), `${keyOf('a')} [redacted]`, 'only the cached providers\' keys');
  });
});
