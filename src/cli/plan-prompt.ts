import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { printableLine } from '../core/control-chars';
import { errorMessage } from '../core/errors';
import type { Plan } from '../core/plan';
import type { PlanReview } from '../core/run/plan-review';

/** A plan as the person reads it before saying yes: one numbered line per task, with what it waits for. */
export function formatPlan(plan: Plan): string {
  const lines = [`Plan for: ${printableLine(plan.question)} (${plan.tasks.length} tasks)`];
  plan.tasks.forEach((task, i) => {
    const query = task.kind === 'search' && task.query ? ` — “${printableLine(task.query)}”` : '';
    const after = task.dependsOn.length > 0 ? ` (after ${task.dependsOn.map(printableLine).join(', ')})` : '';
    lines.push(`  ${String(i + 1).padStart(2)}. ${task.kind.padEnd(10)} ${printableLine(task.id)}: ${printableLine(task.description)}${query}${after}`);
  });
  return lines.join('\n');
}

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Opens `file` in the person's editor and returns once it is closed ($VISUAL, $EDITOR, else vi). */
  edit?: (file: string) => void;
}

/**
 * `--review` on a terminal: prints the plan and asks `Run this plan? [Y/n/e]`. `e` opens the plan as
 * JSON in $EDITOR; what is saved is validated like any plan, and an invalid edit says what is wrong and
 * keeps the plan as it was. Approves or discards the review.
 */
export async function promptForPlan(review: PlanReview, streams: PromptStreams): Promise<void> {
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: false });
  const say = (text: string) => streams.output.write(`${text}\n`);
  // A pending question never settles when the input ends (Ctrl-D, a closed pipe): end it ourselves.
  const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new Error('the input closed'))));
  closed.catch(() => undefined);
  try {
    for (;;) {
      say(formatPlan(review.plan));
      const answer = (await Promise.race([rl.question('Run this plan? [Y/n/e] '), closed])).trim().toLowerCase();
      if (answer === '' || answer === 'y' || answer === 'yes') return review.approve();
      if (answer === 'n' || answer === 'no') return review.discard();
      if (answer !== 'e' && answer !== 'edit') {
        say('Answer y to run the plan, n to discard it, or e to edit it as JSON.');
        continue;
      }
      const problem = editAsJson(review, streams.edit ?? openInEditor);
      say(problem ? `The edited plan was not used: ${problem}` : 'The edited plan is valid.');
    }
  } catch (error) {
    // The input closed (Ctrl-D) or failed: nothing was approved, so nothing runs.
    say(`No answer (${errorMessage(error)}): the plan is discarded.`);
    review.discard();
  } finally {
    rl.close();
  }
}

/** Writes the plan to a private temporary file, lets the person edit it, and applies it; returns what is wrong, if anything. */
function editAsJson(review: PlanReview, edit: (file: string) => void): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'research-plan-'));
  const file = path.join(dir, 'plan.json');
  try {
    writeFileSync(file, `${JSON.stringify(review.plan, null, 2)}\n`, { mode: 0o600 });
    edit(file);
    let edited: unknown;
    try {
      edited = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return `it is not JSON (${errorMessage(error)})`;
    }
    review.setPlan(edited);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The person's editor, as git and crontab choose it: $VISUAL, then $EDITOR (a command line), then vi. */
function openInEditor(file: string): void {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true });
  if (result.error) throw new Error(`the editor "${editor}" could not be started (${result.error.message}): set $EDITOR`);
}
