import type {Location} from '../../model/index.js';
import {isTaskId} from '../../model/index.js';
import type {PlanSource} from '../source.js';
import {PlanDraft} from './draft.js';
import type {ImportInput} from './index.js';
import {parseJsonInput} from './json-input.js';
import {isWfCommons} from './sniff.js';

type Json = Record<string, unknown>;


/**
 * Imports a WfCommons WfFormat instance: `workflow.specification.tasks[]` (id, parents) with runtimes from
 * `workflow.execution.tasks[]` (schema 1.5), or `workflow.tasks[]`/`workflow.jobs[]` with `parents` and
 * `runtime` (older schemas).
 */
export function importWfCommons(input: ImportInput): PlanSource {
  const draft = new PlanDraft(input.file, 'wfcommons', new Map([[input.file, input.text]]));
  const parsed = parseJsonInput(draft, input);
  if (!parsed) return draft.finish();
  const {data, at} = parsed;
  if (!isWfCommons(data)) {
    draft.error('not-wfcommons', `${input.file} is not a WfFormat instance: expected workflow.specification.tasks or workflow.tasks`, at([]));
    return draft.finish();
  }
  const root = data as Json;
  const w = root['workflow'] as Json;
  if (typeof root['name'] === 'string') draft.name = root['name'];
  if (typeof root['description'] === 'string') draft.description = root['description'];
  const spec = isObject(w['specification']) ? (w['specification'] as Json) : undefined;
  const base = spec ? ['workflow', 'specification', 'tasks'] : Array.isArray(w['tasks']) ? ['workflow', 'tasks'] : ['workflow', 'jobs'];
  const tasks = ((spec ? spec['tasks'] : (w['tasks'] ?? w['jobs'])) as unknown[]) ?? [];
  const runtimes = new Map<string, number>();
  const exec = isObject(w['execution']) ? (w['execution'] as Json) : undefined;
  if (exec && Array.isArray(exec['tasks'])) {
    for (const t of exec['tasks']) {
      if (isObject(t) && typeof t['runtimeInSeconds'] === 'number') runtimes.set(String(t['id'] ?? t['name']), t['runtimeInSeconds']);
    }
  }
  const parentsOf = new Map<string, string[]>();
  const idOf = (t: Json, i: number): string => String(t['id'] ?? t['name'] ?? `task-${i + 1}`);
  tasks.forEach((t, i) => {
    if (!isObject(t)) return;
    const id = idOf(t, i);
    for (const c of Array.isArray(t['children']) ? t['children'] : []) {
      // Older instances sometimes list only children: derive the parents from them.
      if (typeof c === 'string' && !tasks.some((x) => isObject(x) && idOf(x, 0) === c && Array.isArray(x['parents']))) {
        const list = parentsOf.get(c) ?? [];
        list.push(id);
        parentsOf.set(c, list);
      }
    }
  });
  tasks.forEach((t, i) => {
    if (!isObject(t)) {
      draft.warn('not-a-task', `${base.join('.')}[${i}] is not an object; skipped`, at([...base, i]));
      return;
    }
    const rawId = idOf(t, i);
    const location = at([...base, i]);
    const valid = isTaskId(rawId);
    const task = draft.addTask({id: valid ? rawId : draft.slugId(rawId, `task-${i + 1}`), title: String(t['name'] ?? rawId), location, generatedId: !valid});
    if (!valid) task.extra['originalId'] = rawId;
    const runtime = runtimes.get(rawId) ?? (typeof t['runtimeInSeconds'] === 'number' ? t['runtimeInSeconds'] : typeof t['runtime'] === 'number' ? t['runtime'] : undefined);
    if (runtime !== undefined && Number.isFinite(runtime) && runtime >= 0) task.estimate = `${Math.round(runtime * 1000) / 1000}s`;
    const parents = [...(Array.isArray(t['parents']) ? t['parents'] : []), ...(parentsOf.get(rawId) ?? [])];
    for (const p of parents) {
      if (typeof p === 'string' || typeof p === 'number') task.deps.push({text: String(p), kind: 'explicit', location: at([...base, i, 'parents']), quote: `parents: ${String(p)}`, exact: true});
    }
    if (typeof t['category'] === 'string') task.tags.push(t['category']);
    const command = t['command'];
    if (isObject(command)) task.extra['command'] = command;
  });
  return draft.finish();
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export {isWfCommons};
