import type {Dependency, Diagnostic, Location, Task} from '../model/index.js';
import {globsOverlap} from '../model/index.js';

/** Most tasks with `files` compared pairwise for overlaps; beyond it the check is skipped with a note. */
const MAX_FILE_TASKS = 2000;

/**
 * Rules over the dependency graph: cycles (every strongly connected component, with its path), tasks a cycle
 * keeps from ever running, and `files` globs that overlap between tasks that may run at the same time.
 */
export function checkGraph(
  tasks: readonly Task[],
  locateNeed: (task: Task, dep: Dependency) => Location | undefined = (t, d) => d.location ?? t.location,
  known: {readonly acyclic?: boolean} = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const n = tasks.length;
  let index: Map<string, number> | undefined;
  const indexOf = (): Map<string, number> => {
    if (index) return index;
    index = new Map();
    for (let i = 0; i < n; i++) index.set(tasks[i]!.id, i);
    return index;
  };
  // A plan without cycles (nearly every plan) needs neither the components nor the lists below; a caller that
  // saw every dependency point to an earlier task knows there are none.
  if (known.acyclic === true || acyclic(tasks, indexOf())) {
    diagnostics.push(...fileOverlaps(tasks, () => dependencyLists(tasks, indexOf())));
    return diagnostics;
  }
  const deps = dependencyLists(tasks, indexOf());
  const sccs = stronglyConnected(n, deps);
  const inCycle = new Uint8Array(n);
  for (const scc of sccs) {
    if (scc.length < 2) continue;
    for (const v of scc) inCycle[v] = 1;
    const path = cyclePath(scc, deps);
    const names = path.map((v) => tasks[v]!.id);
    const related: {message: string; location?: Location}[] = [];
    for (let k = 0; k + 1 < path.length; k++) {
      const from = tasks[path[k]!]!;
      const dep = from.needs.find((d) => d.task === tasks[path[k + 1]!]!.id);
      const location = dep ? locateNeed(from, dep) : from.location;
      related.push({message: `"${from.id}" needs "${dep?.task}"${dep && dep.kind !== 'explicit' ? ` (${dep.kind})` : ''}`, ...(location ? {location} : {})});
    }
    const members = scc.length > path.length - 1 ? ` (the cycle's component has ${scc.length} tasks: ${scc.slice(0, 10).map((v) => tasks[v]!.id).join(', ')}${scc.length > 10 ? ', ...' : ''})` : '';
    const first = tasks[path[0]!]!;
    diagnostics.push({
      severity: 'error',
      code: 'cycle',
      message: `dependency cycle: ${names.join(' -> ')}${members}; remove one of these dependencies`,
      ...(related[0]?.location ? {location: related[0].location} : first.location ? {location: first.location} : {}),
      related,
    });
  }
  if (sccs.some((s) => s.length > 1)) diagnostics.push(...neverRun(tasks, deps, inCycle));
  diagnostics.push(...fileOverlaps(tasks, () => deps));
  return diagnostics;
}

/** `deps[i]`: the indices of the tasks task `i` needs. */
function dependencyLists(tasks: readonly Task[], index: ReadonlyMap<string, number>): number[][] {
  return tasks.map((t) => t.needs.map((d) => index.get(d.task)).filter((x): x is number => x !== undefined));
}

/**
 * True when the dependencies have no cycle (Kahn's algorithm on flat arrays). A task
 * needing itself counts as a cycle here, so such plans take the full check, which
 * decides as it always has.
 */
function acyclic(tasks: readonly Task[], index: ReadonlyMap<string, number>): boolean {
  const n = tasks.length;
  let m = 0;
  for (const t of tasks) m += t.needs.length;
  // Edges from each needed task to the task that needs it, in CSR form.
  const from = new Int32Array(m);
  const waiting = new Int32Array(n);
  const succStart = new Int32Array(n + 1);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (const d of tasks[i]!.needs) {
      const j = index.get(d.task);
      if (j === undefined) continue;
      from[e++] = j;
      waiting[i]!++;
      succStart[j + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const fill = succStart.slice(0, n);
  const succ = new Int32Array(e);
  e = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < waiting[i]!; k++) succ[fill[from[e++]!]!++] = i;
  }
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (waiting[i] === 0) queue[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    for (let x = succStart[v]!; x < succStart[v + 1]!; x++) {
      const w = succ[x]!;
      if (--waiting[w]! === 0) queue[tail++] = w;
    }
  }
  return tail === n;
}

/** Tarjan's algorithm without recursion (plans can be 100,000 tasks deep). Components in reverse topological order. */
export function stronglyConnected(n: number, adj: readonly (readonly number[])[]): number[][] {
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: number[][] = [];
  const work: [number, number][] = [];
  let counter = 0;
  for (let s = 0; s < n; s++) {
    if (idx[s] !== -1) continue;
    work.push([s, 0]);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      if (i === 0) {
        idx[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      const edges = adj[v]!;
      if (i < edges.length) {
        top[1] = i + 1;
        const w = edges[i]!;
        if (idx[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, idx[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === idx[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        out.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return out;
}

/** A shortest cycle through the first task of the component (breadth-first inside it), closed: `[a, b, a]`. */
function cyclePath(scc: readonly number[], deps: readonly (readonly number[])[]): number[] {
  const members = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<number, number>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const w of deps[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.push(x);
        path.push(start);
        // path is start <- ... reversed; rebuild in "needs" order: start needs path[...]
        const middle = path.slice(1, -1).reverse();
        return [start, ...middle, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function neverRun(tasks: readonly Task[], deps: readonly (readonly number[])[], inCycle: Uint8Array): Diagnostic[] {
  const n = tasks.length;
  const succ: number[][] = Array.from({length: n}, () => []);
  deps.forEach((ds, v) => ds.forEach((d) => succ[d]!.push(v)));
  const blocked = new Uint8Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (inCycle[v]) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    for (const w of succ[queue[q]!]!) {
      if (!inCycle[w] && !blocked[w]) {
        blocked[w] = 1;
        queue.push(w);
      }
    }
  }
  const list = tasks.filter((_, v) => blocked[v]);
  if (list.length === 0) return [];
  const first = list[0]!;
  return [
    {
      severity: 'error',
      code: 'never-runs',
      message: `${list.length} task${list.length > 1 ? 's' : ''} can never run because ${list.length > 1 ? 'they depend' : 'it depends'} on a cycle: ${list
        .slice(0, 10)
        .map((t) => t.id)
        .join(', ')}${list.length > 10 ? ', ...' : ''}`,
      ...(first.location ? {location: first.location} : {}),
    },
  ];
}

/** Warns when two tasks that may run at the same time (neither depends on the other) have overlapping `files`. */
function fileOverlaps(tasks: readonly Task[], dependencies: () => readonly (readonly number[])[]): Diagnostic[] {
  const withFiles: number[] = [];
  for (let i = 0; i < tasks.length; i++) if (tasks[i]!.files.length > 0) withFiles.push(i);
  if (withFiles.length < 2) return [];
  if (withFiles.length > MAX_FILE_TASKS) {
    return [{severity: 'info', code: 'files-check-skipped', message: `${withFiles.length} tasks list files; the overlap check runs for at most ${MAX_FILE_TASKS}`}];
  }
  const deps = dependencies();
  // ancestors[k]: which of the file-tasks each file-task depends on, transitively.
  const pos = new Map(withFiles.map((v, k) => [v, k]));
  const reach: Set<number>[] = withFiles.map((v) => {
    const seen = new Set<number>();
    const found = new Set<number>();
    const stack = [...deps[v]!];
    while (stack.length > 0) {
      const w = stack.pop()!;
      if (seen.has(w)) continue;
      seen.add(w);
      const k = pos.get(w);
      if (k !== undefined) found.add(k);
      stack.push(...deps[w]!);
    }
    return found;
  });
  const out: Diagnostic[] = [];
  for (let a = 0; a < withFiles.length; a++) {
    for (let b = a + 1; b < withFiles.length; b++) {
      if (reach[a]!.has(b) || reach[b]!.has(a)) continue;
      const ta = tasks[withFiles[a]!]!;
      const tb = tasks[withFiles[b]!]!;
      const pair = overlappingGlobs(ta.files, tb.files);
      if (!pair) continue;
      out.push({
        severity: 'warning',
        code: 'files-overlap',
        message: `tasks "${ta.id}" and "${tb.id}" may run at the same time and both touch ${pair[0] === pair[1] ? `"${pair[0]}"` : `"${pair[0]}" / "${pair[1]}"`}; add a dependency between them or expect merge conflicts`,
        ...(tb.location ? {location: tb.location} : {}),
        related: ta.location ? [{message: `"${ta.id}" is defined here`, location: ta.location}] : [],
      });
    }
  }
  return out;
}

function overlappingGlobs(a: readonly string[], b: readonly string[]): [string, string] | undefined {
  for (const x of a) for (const y of b) if (globsOverlap(x, y)) return [x, y];
  return undefined;
}
