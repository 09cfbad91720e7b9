import dagre from '@dagrejs/dagre';

/** Where each task's box and each dependency's arrow go; computed once per task set, not per update. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  /** `from` is the dependency, `to` the task that needs it; points run from → to. */
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

export interface LayoutTask {
  id: string;
  dependsOn: readonly string[];
}

export const NODE_WIDTH = 156;
export const NODE_HEIGHT = 30;
const MARGIN = 8;

/**
 * Changes only when a task or a dependency is added or removed (a replan), so a state change — by far
 * the most frequent update — never lays the graph out again.
 */
export function layoutKey(tasks: readonly LayoutTask[]): string {
  let key = '';
  for (const task of tasks) key += `${task.id}\u0000${task.dependsOn.join('\u0001')}\u0002`;
  return key;
}

/** Layered left-to-right layout (dagre): dependencies to the left of the tasks that need them. */
export function layoutGraph(tasks: readonly LayoutTask[]): GraphLayout {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 36, edgesep: 6, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  // dagre keeps nodes in plain objects keyed by name, where an id such as `__proto__` or
  // `constructor` would collide with Object.prototype: nodes are named by the task's position.
  const keyById = new Map(tasks.map((task, index) => [task.id, `n${index}`]));
  const idByKey = new Map([...keyById].map(([id, key]) => [key, id]));
  // dagre orders each rank opposite to the order nodes and edges were added: adding them in reverse
  // draws the plan's order top-down (search-1 above search-2).
  for (const task of [...tasks].reverse()) graph.setNode(keyById.get(task.id)!, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const task of [...tasks].reverse()) {
    for (const dependency of [...task.dependsOn].reverse()) {
      const from = keyById.get(dependency);
      if (from !== undefined && dependency !== task.id) graph.setEdge(from, keyById.get(task.id)!);
    }
  }
  dagre.layout(graph);

  const nodes: GraphLayout['nodes'] = new Map();
  for (const key of graph.nodes()) {
    const node = graph.node(key);
    nodes.set(idByKey.get(key)!, { x: node.x ?? 0, y: node.y ?? 0, width: node.width, height: node.height });
  }
  const edges = graph.edges().map((edge) => ({
    from: idByKey.get(edge.v)!,
    to: idByKey.get(edge.w)!,
    points: ((graph.edge(edge) as { points?: { x: number; y: number }[] }).points ?? []).map((p) => ({ x: p.x, y: p.y })),
  }));
  const label = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(label.width ?? 0), height: Math.ceil(label.height ?? 0), nodes, edges };
}
