import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TaskExecutor } from '../../../../src/core/executor';
import type { Plan } from '../../../../src/core/plan';
import type { ResearchProvider } from '../../../../src/core/provider';

export function tempRoot(prefix = 'rd-journal-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A provider that runs whatever plan it is given with `execute`, and counts attempts per task. */
export function countingProvider(execute?: TaskExecutor): ResearchProvider & { runs: Map<string, number> } {
  const runs = new Map<string, number>();
  return {
    id: 'test',
    label: 'test provider',
    runs,
    plan: async () => {
      throw new Error('tests pass plans');
    },
    replan: async () => {
      throw new Error('not used');
    },
    execute: async (task, context) => {
      runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
      if (execute) return execute(task, context);
      return { summary: `done ${task.id}`, data: { from: task.id, inputs: [...context.inputs.keys()].sort() } };
    },
  };
}

export function chainPlan(ids: string[], question = 'what survives a crash?'): Plan {
  return {
    question,
    tasks: ids.map((id, i) => ({ id, kind: 'search' as const, description: `task ${id}`, dependsOn: i === 0 ? [] : [ids[i - 1]!], priority: 5 })),
  };
}
