// Checks a schedule against its graph, for tests and bench/stg.js. Not exported from index.ts.
import type {TaskGraph} from './task-graph.js';
import type {WorkerSchedule} from './worker-schedule.js';

/** Every problem with a schedule: missing tasks, broken precedence, overlaps, wrong makespan. */
export function scheduleProblems(graph: TaskGraph, schedule: WorkerSchedule): string[] {
  const problems: string[] = [];
  const slot = new Map(schedule.slots.map((s) => [s.task, s]));
  if (slot.size !== graph.n || schedule.slots.length !== graph.n) problems.push(`${schedule.slots.length} slots for ${graph.n} tasks`);
  let makespan = 0;
  for (const s of schedule.slots) {
    makespan = Math.max(makespan, s.end);
    if (s.start < 0) problems.push(`task ${s.task} starts before 0`);
    if (Math.abs(s.end - s.start - graph.durations[s.task]!) > 1e-9) problems.push(`task ${s.task} has the wrong length`);
    if (s.worker < 0 || s.worker >= schedule.workers) problems.push(`task ${s.task} on worker ${s.worker}`);
  }
  for (let t = 0; t < graph.n; t++) {
    for (let x = graph.predStart[t]!; x < graph.predStart[t + 1]!; x++) {
      const p = graph.predList[x]!;
      if (slot.get(t)!.start < slot.get(p)!.end - 1e-9) problems.push(`task ${t} starts before ${p} ends`);
    }
  }
  const byWorker = new Map<number, {start: number; end: number; task: number}[]>();
  for (const s of schedule.slots) byWorker.set(s.worker, [...(byWorker.get(s.worker) ?? []), s]);
  for (const [w, list] of byWorker) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let k = 1; k < list.length; k++) {
      if (list[k]!.start < list[k - 1]!.end - 1e-9) problems.push(`tasks ${list[k - 1]!.task} and ${list[k]!.task} overlap on worker ${w}`);
    }
  }
  if (Math.abs(makespan - schedule.makespan) > 1e-9) problems.push(`makespan ${schedule.makespan}, slots end at ${makespan}`);
  return problems;
}

/**
 * The optimal makespan by brute force, for tiny graphs: every topological order, each
 * task placed at its earliest start on the worker free first. Some order yields an
 * optimal schedule (take the tasks in order of their start in one).
 */
export function bruteForceOptimum(graph: TaskGraph, workers: number): number {
  const {n, durations, predStart, predList} = graph;
  let best = Infinity;
  const placed = new Array<boolean>(n).fill(false);
  const finish = new Array<number>(n).fill(0);
  const free = new Array<number>(Math.min(workers, Math.max(n, 1))).fill(0);
  const visit = (count: number, makespan: number): void => {
    if (makespan >= best) return;
    if (count === n) {
      best = makespan;
      return;
    }
    for (let t = 0; t < n; t++) {
      if (placed[t]) continue;
      let ready = 0;
      let ok = true;
      for (let x = predStart[t]!; x < predStart[t + 1]!; x++) {
        if (!placed[predList[x]!]) ok = false;
        else ready = Math.max(ready, finish[predList[x]!]!);
      }
      if (!ok) continue;
      let m = 0;
      for (let k = 1; k < free.length; k++) if (free[k]! < free[m]!) m = k;
      const saved = free[m]!;
      const start = Math.max(ready, saved);
      placed[t] = true;
      finish[t] = start + durations[t]!;
      free[m] = finish[t]!;
      visit(count + 1, Math.max(makespan, finish[t]!));
      free[m] = saved;
      placed[t] = false;
    }
  };
  visit(0, 0);
  return best;
}
