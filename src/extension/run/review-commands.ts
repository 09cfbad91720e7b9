import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { TaskEdit } from '../../core/plan-edit';
import type { PlanReview } from '../../core/run/plan-review';
import { textFrom } from './ask-for-run';
import { pickTask, taskIdOf } from './task-pick';

/**
 * The commands of a plan under review (research.reviewPlan): from the Research view's title and its
 * tasks' inline actions, the palette, or tests (with arguments instead of input boxes). Every edit is
 * validated like a plan; an invalid one says what is wrong and changes nothing.
 */
export function registerReviewCommands(review: () => PlanReview | undefined): vscode.Disposable {
  /** The review in progress, or undefined after saying there is none. */
  const open = (): PlanReview | undefined => {
    const current = review();
    if (current?.isOpen) return current;
    void vscode.window.showInformationMessage('Research: no plan is waiting for review. With research.reviewPlan, a new run shows its plan here before it runs.');
    return undefined;
  };
  /** Runs an edit, saying plainly what was wrong with it. Returns whether it was applied. */
  const attempt = async (action: () => unknown): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
      return false;
    }
  };
  const choose = async (current: PlanReview, argument: unknown, title: string) =>
    taskIdOf(argument) ??
    (await pickTask(
      current.plan.tasks.map((spec) => ({ ...spec, state: 'PLANNED' as const, attempts: 0, retries: 0, spans: [] })),
      title,
      () => true,
      'the plan has no task.',
    ));

  return vscode.Disposable.from(
    vscode.commands.registerCommand('research.plan.run', () => open()?.approve()),
    vscode.commands.registerCommand('research.plan.discard', () => open()?.discard()),
    vscode.commands.registerCommand('research.plan.editTask', async (argument?: unknown, given?: TaskEdit) => {
      const current = open();
      const id = current && (await choose(current, argument, 'Research: Edit Task'));
      const task = id === undefined ? undefined : current!.plan.tasks.find((t) => t.id === id);
      if (!current || !task) return false;
      const edit = given ?? (await askForEdit(task));
      return edit ? attempt(() => current.editTask(task.id, edit)) : false;
    }),
    vscode.commands.registerCommand('research.plan.removeTask', async (argument?: unknown) => {
      const current = open();
      const id = current && (await choose(current, argument, 'Research: Remove Task'));
      return id === undefined ? false : attempt(() => current!.removeTask(id));
    }),
    vscode.commands.registerCommand('research.plan.addSearch', async (query?: unknown) => {
      const current = open();
      if (!current) return undefined;
      const words = await textFrom(query, { title: 'Research: Add Search', prompt: 'What should the new search look for?', placeHolder: 'e.g. retry backoff in the tests' });
      if (words === undefined) return undefined;
      let id: string | undefined;
      await attempt(() => (id = current.addSearch(words)));
      return id;
    }),
    vscode.commands.registerCommand('research.plan.replan', async (instruction?: unknown) => {
      const current = open();
      if (!current) return false;
      const text = await textFrom(instruction, {
        title: 'Research: Ask the Planner Again',
        prompt: 'What should the new plan do differently? (leave empty to broaden it)',
        placeHolder: 'e.g. also look at the tests',
      });
      if (text === undefined) return false;
      return vscode.window.withProgress({ location: { viewId: 'research.tasks' }, title: 'Planning again…' }, () => attempt(() => current.replan(text.trim())));
    }),
  );
}

/** A search's query, then any task's description, in input boxes prefilled with what they are now. */
async function askForEdit(task: PlanReview['plan']['tasks'][number]): Promise<TaskEdit | undefined> {
  const steps = task.kind === 'search' ? 2 : 1;
  let query: string | undefined;
  if (task.kind === 'search') {
    query = await vscode.window.showInputBox({
      title: `Edit ${task.id} (1/${steps})`,
      prompt: 'The words this search looks for',
      value: task.query ?? task.description,
      ignoreFocusOut: true,
    });
    if (query === undefined) return undefined;
  }
  const description = await vscode.window.showInputBox({
    title: `Edit ${task.id} (${steps}/${steps})`,
    prompt: 'What the task does, in a few words',
    value: task.description,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'A task needs a description.' : undefined),
  });
  if (description === undefined && query === undefined) return undefined;
  return { ...(query !== undefined ? { query } : {}), ...(description !== undefined ? { description } : {}) };
}
