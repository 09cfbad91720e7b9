import { contributes } from '../../package.json';
import { DEFAULT_MAX_TASKS } from './plan';

/**
 * The defaults of a run's limits, read from the extension's settings in package.json (their one
 * source), so the CLI, the dispatcher and the editor's settings can never disagree.
 */
const settings = contributes.configuration.properties;

export const DEFAULT_LIMITS = {
  concurrency: settings['research.concurrency'].default,
  taskTimeoutSeconds: settings['research.taskTimeoutSeconds'].default,
  maxRetries: settings['research.maxRetries'].default,
  maxTasks: DEFAULT_MAX_TASKS,
} as const;
