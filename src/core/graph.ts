import { Graph } from '@dagrejs/graphlib';
import { topologicalOrder, upwardRanks } from './graph-algorithms';
import type { TaskSpec } from './plan';

/**
 * The plan as a directed acyclic graph on graphlib: an edge runs from a dependency to its dependent.
 * graphlib stores adjacency per node, so neighbours cost O(degree); orderings use our iterative
 * algorithms rather than graphlib's recursive ones.
 */
export class TaskGraph {
  private readonly graph = new Graph<unknown, TaskSpec>({ directed: true });

  constructor(tasks: Iterable<TaskSpec>) {
    const list = [...tasks];
    for (const task of list) this.graph.setNode(task.id, task);
    for (const task of list) {
      for (const dep of task.dependsOn) if (this.graph.hasNode(dep)) this.graph.setEdge(dep, task.id);
    }
  }

  get size(): number {
    return this.graph.nodeCount();
  }

  ids(): string[] {
    return this.graph.nodes();
  }

  has(id: string): boolean {
    return this.graph.hasNode(id);
  }

  spec(id: string): TaskSpec {
    return this.graph.node(id);
  }

  dependenciesOf(id: string): string[] {
    return this.graph.predecessors(id) ?? [];
  }

  dependentsOf(id: string): string[] {
    return this.graph.successors(id) ?? [];
  }

  /** Dependencies first. */
  topologicalOrder(): string[] {
    return topologicalOrder(
      this.ids(),
      (id) => this.dependenciesOf(id),
      (id) => this.dependentsOf(id),
    );
  }

  /** Remaining critical path from each task, by estimated cost (1 per task unless it simulates a duration). */
  upwardRanks(cost: (spec: TaskSpec) => number = estimatedCost): Map<string, number> {
    return upwardRanks(this.topologicalOrder(), (id) => this.dependentsOf(id), (id) => cost(this.spec(id)));
  }

  /** Every task reachable from `id` through dependents (not including `id`), iteratively. */
  transitiveDependents(id: string): string[] {
    const seen = new Set<string>([id]);
    const stack = [id];
    const found: string[] = [];
    while (stack.length > 0) {
      for (const next of this.dependentsOf(stack.pop()!)) {
        if (seen.has(next)) continue;
        seen.add(next);
        found.push(next);
        stack.push(next);
      }
    }
    return found;
  }
}

/** A task's expected cost in abstract units: its simulated duration when known, else 1. */
export function estimatedCost(spec: TaskSpec): number {
  return spec.simulate ? Math.max(spec.simulate.ms, 1) : 1;
}
