import type {Plan, TaskId} from '../model/index.js';
import {globsOverlap} from '../model/index.js';
import {workspaceSettings} from './settings.js';

/**
 * For dispatch: the tasks each task must not run at the same time as, because their `files` globs overlap.
 * Pairs ordered by dependencies (one reaches the other) never run together anyway and are left out; tasks without
 * `files` are never in the map. Empty when the plan sets `workspace.allowFileOverlap: true`.
 *
 * Symmetric: `b ∈ map.get(a)` exactly when `a ∈ map.get(b)`.
 */
export function conflictingTasks(plan: Plan): Map<TaskId, Set<TaskId>> {
  const out = new Map<TaskId, Set<TaskId>>();
  if (workspaceSettings(plan).settings.allowFileOverlap) return out;
  const withFiles = [...plan.tasks.values()].filter((t) => t.files.length > 0);
  if (withFiles.length < 2) return out;
  const ancestors = new Map<TaskId, Set<TaskId>>();
  const ancestorsOf = (id: TaskId, path: Set<TaskId> = new Set()): Set<TaskId> => {
    const known = ancestors.get(id);
    if (known) return known;
    const set = new Set<TaskId>();
    path.add(id);
    for (const d of plan.tasks.get(id)?.needs ?? []) {
      set.add(d.task);
      // A normalized plan has no cycles; the path check keeps a bad one from recursing forever.
      if (!path.has(d.task)) for (const a of ancestorsOf(d.task, path)) set.add(a);
    }
    path.delete(id);
    ancestors.set(id, set);
    return set;
  };
  for (let i = 0; i < withFiles.length; i++) {
    for (let j = i + 1; j < withFiles.length; j++) {
      const a = withFiles[i]!;
      const b = withFiles[j]!;
      if (ancestorsOf(a.id).has(b.id) || ancestorsOf(b.id).has(a.id)) continue;
      if (!a.files.some((x) => b.files.some((y) => globsOverlap(x, y)))) continue;
      if (!out.has(a.id)) out.set(a.id, new Set());
      if (!out.has(b.id)) out.set(b.id, new Set());
      out.get(a.id)!.add(b.id);
      out.get(b.id)!.add(a.id);
    }
  }
  return out;
}
