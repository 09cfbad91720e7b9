import * as vscode from 'vscode';
import type { RunMeta } from '../../core/journal/run-meta';
import type { ProviderSettings } from '../../providers/create-provider';
import { describeTarget, hostsOf, sameTarget, targetOfRecord, targetOfSettings } from '../../providers/resume-target';

/**
 * Whether a resume may go on. A run's folder comes with the workspace, so:
 * - in a workspace the person has not trusted, no run is resumed (its run.json and journal could have
 *   been planted by whoever wrote the folder);
 * - the run continues with the provider the person's settings choose now, never the one its run.json
 *   names; when the two differ, or when text will leave the machine, a modal says which provider and
 *   which hosts before anything is sent. `confirmed` is the target the person already accepted (the
 *   interrupted-run notification names it), so they are not asked twice.
 */
export async function consentToResume(recorded: RunMeta | undefined, settings: ProviderSettings, confirmed?: string): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showErrorMessage(
      "Research: resuming a run needs a trusted workspace, because the run's files come with this folder. Trust the folder, then resume.",
      manage,
    );
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return false;
  }
  const now = targetOfSettings(settings);
  const before = targetOfRecord(recorded);
  const differs = before !== undefined && !sameTarget(before, now);
  if (!differs && (now.provider === 'offline' || confirmed === describeTarget(now))) return true;
  const hosts = hostsOf(now);
  const sent = hosts.length > 0 ? ` Text from this folder will be sent to ${hosts.join(', ')}.` : '';
  const message = differs ? 'Resume this run with your current settings?' : `Resume this run with ${describeTarget(now)}?`;
  const detail = differs
    ? `It was started with ${describeTarget(before!)}. Your settings now use ${describeTarget(now)}.${sent} A run's files never choose where its text goes: to use what it was started with, change the research.* settings first.`
    : sent.trim();
  const resume = 'Resume';
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, resume)) === resume;
}
