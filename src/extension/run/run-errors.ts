import * as vscode from 'vscode';
import { errorMessage, UsageError } from '../../core/errors';
import { PlanValidationError } from '../../core/plan';

/**
 * By name as well as by class: errors of the transport come from dist/distributed.js, which bundles
 * its own copy of the error classes.
 */
export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof PlanValidationError || (error instanceof Error && error.name === 'UsageError');
}

/**
 * Says why a run stopped or could not start: a usage error says what to fix ("Research: …"), anything
 * else is a failure ("Research failed: …"). `redact` removes the run's keys (a server may echo one).
 * Returns the message shown.
 */
export function showRunError(error: unknown, log: vscode.LogOutputChannel, redact: (text: string) => string = (t) => t): string {
  const message = redact(errorMessage(error));
  log.error(`research failed: ${message}`);
  const shown = `${isUsageError(error) ? 'Research' : 'Research failed'}: ${message}`;
  void vscode.window.showErrorMessage(shown);
  return shown;
}
