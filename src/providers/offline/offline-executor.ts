import type { TaskContext, TaskExecutor } from '../../core/executor';
import { PermanentError } from '../../core/errors';
import { runAnalyze } from './analyze-task';
import { runSearch } from './search-task';
import { runSynthesize } from './synthesize-task';
import type { Corpus } from './workspace-corpus';

export interface OfflineExecutorDeps {
  root: string;
  /** The workspace index, built once and shared by all tasks (see SharedBuild). */
  loadCorpus(context: TaskContext): Promise<Corpus>;
}

/** Runs the three kinds of offline task. Only searches need the index; the others work on inputs. */
export function createOfflineExecutor(deps: OfflineExecutorDeps): TaskExecutor {
  return async (task, context) => {
    context.signal.throwIfAborted();
    switch (task.kind) {
      case 'search':
        return runSearch(task, context, await deps.loadCorpus(context));
      case 'analyze':
        return runAnalyze(task, context);
      case 'synthesize':
        return runSynthesize(task, context, deps.root);
      default:
        throw new PermanentError(`the offline provider cannot run a task of kind "${String((task as { kind: unknown }).kind)}"`);
    }
  };
}
