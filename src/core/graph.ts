import { Graph } from '@dagrejs/graphlib';
import { reachable, topologicalOrder, upwardRanks } from './graph-algorithms';
import type { TaskSpec } from './plan';

/**
 * graphlib keeps its nodes and adjacency in plain objects keyed by node name, so a task id such as
 * `__proto__`, `constructor` or `toString` would collide with Object.prototype (a crash, a cycle that
 * is not there, a dependency ignored). Inside the graph every id carries this prefix, which no
 * prototype property starts with and which keeps numeric-looking ids from being reordered; the
 * public API speaks real ids only.
 */
const KEY_PREFIX = '#';
const keyOf = (id: string): string => KEY_PREFIX + id;
const idOf = (key: string): string => key.slice(KEY_PREFIX.length);

/**
 * The plan as a directed acyclic graph on graphlib: an edge runs from a dependency to its dependent.
 * graphlib stores adjacency per node, so neighbours cost O(degree); orderings use our iterative
 * algorithms rather than graphlib's recursive ones. Any string is a valid task id.
 */
export class TaskGraph {
  private readonly graph = new Graph<unknown, TaskSpec>({ directed: true });

  constructor(tasks: Iterable<TaskSpec>) {
    const list = [...tasks];
    for (const task of list) this.graph.setNode(keyOf(task.id), task);
    for (const task of list) {
      for (const dep of task.dependsOn) if (this.has(dep)) this.graph.setEdge(keyOf(dep), keyOf(task.id));
    }
  }

  get size(): number {
    return this.graph.nodeCount();
  }

  ids(): string[] {
    return this.graph.nodes().map(idOf);
  }

  has(id: string): boolean {
    return this.graph.hasNode(keyOf(id));
  }

  spec(id: string): TaskSpec {
    return this.graph.node(keyOf(id));
  }

  dependenciesOf(id: string): string[] {
    return (this.graph.predecessors(keyOf(id)) ?? []).map(idOf);
  }

  dependentsOf(id: string): string[] {
    return (this.graph.successors(keyOf(id)) ?? []).map(idOf);
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
    return reachable(id, (current) => this.dependentsOf(current));
  }
}

/** A task's expected cost in abstract units: its simulated duration when known, else 1. */
export function estimatedCost(spec: TaskSpec): number {
  return spec.simulate ? Math.max(spec.simulate.ms, 1) : 1;
}
