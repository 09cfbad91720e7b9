import * as path from 'node:path';
import type { ResearchProvider } from '../core/provider';
import type { SecretRedactor } from '../core/secret-redactor';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import { createProviderFromSettings, recordedProviderSettings, type CreateProviderOptions } from '../providers/create-provider';
import type { JobData } from './job';

/** Builds the provider a job names, here, with this worker's keys and folder. */
export type ProviderBuilder = (job: JobData, root: string) => Promise<ResearchProvider>;

/**
 * The worker's own provider for a job: the run's provider settings (never a key) rebuilt as a resume
 * would, with keys from this worker's environment. Web pages a task reads are stored under this
 * worker's copy of the run folder.
 */
export function defaultProviderBuilder(extra: Partial<CreateProviderOptions> = {}): ProviderBuilder {
  return (job, root) => {
    const recorded = recordedProviderSettings({ ...job.provider.settings, provider: job.provider.id });
    return createProviderFromSettings({
      ...extra,
      settings: { provider: recorded.provider ?? 'offline', ...recorded },
      root,
      runDir: path.join(root, DEFAULT_OUTPUT_FOLDER, job.runId),
      keys: { env: process.env },
    });
  };
}

/**
 * Providers by run and settings, so a run's tasks share one provider (its endpoint limits, its
 * workspace index) and a worker serving many runs keeps only the latest few.
 */
export class ProviderCache {
  private readonly providers = new Map<string, Promise<ResearchProvider>>();
  /** The keys of the cached providers, for the worker's log (see redact). */
  private readonly redactors = new Map<string, SecretRedactor>();

  constructor(
    private readonly build: ProviderBuilder,
    private readonly root: string,
    private readonly keep = 8,
  ) {}

  get(job: JobData): Promise<ResearchProvider> {
    const key = `${job.runId}\n${JSON.stringify(job.provider)}`;
    let provider = this.providers.get(key);
    if (provider) {
      this.providers.delete(key); // re-inserted below: most recently used last
    } else {
      provider = this.build(job, this.root);
      provider.then(
        (built) => built.redactor && this.providers.has(key) && this.redactors.set(key, built.redactor),
        () => this.providers.delete(key), // a failed build is tried again by the next job
      );
    }
    this.providers.set(key, provider);
    while (this.providers.size > this.keep) {
      const [oldest, evicted] = this.providers.entries().next().value!;
      this.providers.delete(oldest);
      this.redactors.delete(oldest);
      void evicted.then((p) => p.dispose?.(), () => undefined);
    }
    return provider;
  }

  /** `text` with the keys of every cached provider redacted: the worker's log lines quote servers' words. */
  redact(text: string): string {
    let out = text;
    for (const redactor of this.redactors.values()) out = redactor.text(out);
    return out;
  }

  dispose(): void {
    this.redactors.clear();
    for (const provider of this.providers.values()) void provider.then((p) => p.dispose?.(), () => undefined);
    this.providers.clear();
  }
}
