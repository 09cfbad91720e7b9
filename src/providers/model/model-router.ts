import type { TaskKind } from '../../core/plan';
import type { ModelRole } from './chat-model';
import { rolesOf, type ModelConfig } from './model-config';

/** What a call is for: planning, or a task of some kind with an estimated input size. */
export interface CallPurpose {
  kind: TaskKind | 'plan';
  inputTokens: number;
}

/**
 * Picks the model for a call (seed 004's TaskScheduler, complexity → model): the first matching route
 * of the configuration; otherwise the planner plans, the researcher searches and analyses, the writer
 * synthesises — and an analysis too large for a small model goes to the writer.
 */
export function routeModel(config: ModelConfig, purpose: CallPurpose): { role: ModelRole; model: string } {
  const roles = rolesOf(config);
  if (purpose.kind !== 'plan') {
    for (const route of config.routes) {
      if (route.kind !== undefined && route.kind !== purpose.kind) continue;
      if (route.minInputTokens !== undefined && purpose.inputTokens < route.minInputTokens) continue;
      return { role: roleOf(purpose.kind, purpose.inputTokens, config), model: route.model };
    }
  }
  const role = roleOf(purpose.kind, purpose.inputTokens, config);
  return { role, model: roles[role] };
}

function roleOf(kind: CallPurpose['kind'], inputTokens: number, config: ModelConfig): ModelRole {
  if (kind === 'plan') return 'planner';
  if (kind === 'synthesize') return 'writer';
  if (kind === 'analyze' && inputTokens > config.largeInputTokens) return 'writer';
  return 'researcher';
}
