import { UsageError } from '../core/errors';
import type { RunMeta } from '../core/journal/run-meta';
import type { ProviderSettings } from '../providers/create-provider';
import { describeTarget, resumeCommandFor, sameTarget, targetOfRecord, targetOfSettings } from '../providers/resume-target';

/**
 * `--resume`: the run continues with what this command line configures, never with what its run.json
 * names (a planted run.json could name any endpoint). When the two differ and nothing that chooses the
 * target was typed, stop before anything is sent and say how to resume with the recorded target on
 * purpose; when it was typed, that is the choice, said once.
 */
export function checkResumeTarget(
  runId: string,
  recorded: RunMeta | undefined,
  settings: ProviderSettings,
  typedOnPurpose: boolean,
  notice: (message: string) => void,
): void {
  const before = targetOfRecord(recorded);
  if (!before) return;
  const now = targetOfSettings(settings);
  if (sameTarget(before, now)) return;
  if (typedOnPurpose) {
    notice(`run ${runId} was started with ${describeTarget(before)}; it continues with ${describeTarget(now)}, as typed`);
    return;
  }
  const command = resumeCommandFor(runId, before);
  throw new UsageError(
    `run ${runId} was started with ${describeTarget(before)}, but this command would resume it with ${describeTarget(now)}. ` +
      `Nothing was sent. A run's files never choose where its text goes: to resume it with what it was started with, type it again` +
      (command ? ` (only if you trust that endpoint): ${command}` : ' (--provider, --base-url or --models-config, --model), only if you trust that endpoint') +
      '; or type the provider you want.',
  );
}
