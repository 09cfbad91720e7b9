/**
 * Graph algorithms the dispatcher needs, written without recursion: graphlib's own `topsort` and
 * `findCycles` recurse, and a 10,000-task chain would overflow the stack. All are O(n + e).
 * `dependenciesOf(id)` lists the tasks `id` depends on (its predecessors).
 */

type Neighbours = (id: string) => readonly string[];

/**
 * Returns one cycle as the ids on it in dependency order (each depends on the next, the last on the
 * first), or undefined when the graph is acyclic. Iterative three-colour depth-first search.
 */
export function findCycle(ids: readonly string[], dependenciesOf: Neighbours): string[] | undefined {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  for (const start of ids) {
    if ((colour.get(start) ?? WHITE) !== WHITE) continue;
    // Each frame: a node and the index of the next neighbour to visit.
    const stack: { id: string; next: number; neighbours: readonly string[] }[] = [
      { id: start, next: 0, neighbours: dependenciesOf(start) },
    ];
    colour.set(start, GREY);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.neighbours.length) {
        colour.set(frame.id, BLACK);
        stack.pop();
        continue;
      }
      const neighbour = frame.neighbours[frame.next++]!;
      const state = colour.get(neighbour) ?? WHITE;
      if (state === GREY) {
        const from = stack.findIndex((f) => f.id === neighbour);
        return stack.slice(from).map((f) => f.id);
      }
      if (state === WHITE) {
        colour.set(neighbour, GREY);
        stack.push({ id: neighbour, next: 0, neighbours: dependenciesOf(neighbour) });
      }
    }
  }
  return undefined;
}

/**
 * Kahn's algorithm: every task after all of its dependencies. Throws on a cycle (validation reports
 * cycles with names first; this is the last line of defence).
 */
export function topologicalOrder(
  ids: readonly string[],
  dependenciesOf: Neighbours,
  dependentsOf: Neighbours,
): string[] {
  const inDegree = new Map<string, number>();
  for (const id of ids) inDegree.set(id, dependenciesOf(id).length);
  const queue: string[] = ids.filter((id) => inDegree.get(id) === 0);
  // A read index instead of shift(): shift is O(n) per call on large arrays.
  for (let head = 0; head < queue.length; head++) {
    for (const dependent of dependentsOf(queue[head]!)) {
      const remaining = inDegree.get(dependent)! - 1;
      inDegree.set(dependent, remaining);
      if (remaining === 0) queue.push(dependent);
    }
  }
  if (queue.length !== ids.length) throw new Error('the task graph has a cycle');
  return queue;
}

/**
 * Upward rank: the length of the longest path from a task to the end of the graph, the task's own
 * cost included. Scheduling the highest rank first keeps the critical path moving (HEFT's rule).
 */
export function upwardRanks(
  order: readonly string[],
  dependentsOf: Neighbours,
  cost: (id: string) => number,
): Map<string, number> {
  const rank = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i]!;
    let longestAfter = 0;
    for (const dependent of dependentsOf(id)) longestAfter = Math.max(longestAfter, rank.get(dependent) ?? 0);
    rank.set(id, cost(id) + longestAfter);
  }
  return rank;
}

/**
 * The heaviest path through the graph by the given cost, as ids from first to last, and its length.
 * Used after a run with measured durations. Ties (common with near-zero durations) go to the path
 * with more tasks, so a chain of instant tasks still shows as the chain it is.
 */
export function criticalPath(
  order: readonly string[],
  dependenciesOf: Neighbours,
  cost: (id: string) => number,
): { path: string[]; length: number } {
  const finish = new Map<string, { time: number; hops: number }>();
  const via = new Map<string, string>();
  const longer = (a: { time: number; hops: number }, b: { time: number; hops: number }) =>
    a.time > b.time || (a.time === b.time && a.hops > b.hops);
  let end: string | undefined;
  for (const id of order) {
    let start = { time: 0, hops: 0 };
    for (const dep of dependenciesOf(id)) {
      const f = finish.get(dep);
      if (f && longer(f, start)) {
        start = f;
        via.set(id, dep);
      }
    }
    const f = { time: start.time + cost(id), hops: start.hops + 1 };
    finish.set(id, f);
    if (end === undefined || longer(f, finish.get(end)!)) end = id;
  }
  const path: string[] = [];
  for (let id = end; id !== undefined; id = via.get(id)) path.push(id);
  path.reverse();
  return { path, length: end === undefined ? 0 : finish.get(end)!.time };
}

/** Every id reachable from `start` through `next` (not `start` itself), in discovery order; iterative. */
export function reachable(start: string, next: Neighbours): string[] {
  const seen = new Set<string>([start]);
  const stack = [start];
  const found: string[] = [];
  while (stack.length > 0) {
    for (const id of next(stack.pop()!)) {
      if (seen.has(id)) continue;
      seen.add(id);
      found.push(id);
      stack.push(id);
    }
  }
  return found;
}
