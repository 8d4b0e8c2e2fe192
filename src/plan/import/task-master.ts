import type {Location} from '../../model/index.js';
import {isTaskId} from '../../model/index.js';
import type {PlanSource} from '../source.js';
import {PlanDraft, type DraftTask} from './draft.js';
import type {ImportInput} from './index.js';
import {parseJsonInput} from './json-input.js';
import {isTaskMaster} from './sniff.js';
import {parseDone, parsePriority} from './vocabulary.js';

/** Options for the Task Master importer. */
export interface TaskMasterOptions {
  /** Import only this tag of a tagged tasks.json. @default every tag */
  readonly tag?: string;
}

type Json = Record<string, unknown>;


/**
 * Imports Task Master's tasks.json. Subtasks become tasks with ids `parent.sub`, and the parent needs its
 * subtasks: in Task Master a parent is the sum of its subtasks, so it finishes after them.
 */
export function importTaskMaster(input: ImportInput, options: TaskMasterOptions = {}): PlanSource {
  const draft = new PlanDraft(input.file, 'task-master', new Map([[input.file, input.text]]));
  const parsed = parseJsonInput(draft, input);
  if (!parsed) return draft.finish();
  const {data, at} = parsed;
  const tagged: [string | undefined, unknown[], (string | number)[]][] = [];
  if (isObject(data) && Array.isArray(data['tasks'])) tagged.push([undefined, data['tasks'], ['tasks']]);
  else if (isObject(data)) {
    for (const [tag, v] of Object.entries(data)) {
      if (isObject(v) && Array.isArray(v['tasks']) && (options.tag === undefined || options.tag === tag)) tagged.push([tag, v['tasks'], [tag, 'tasks']]);
    }
    if (options.tag !== undefined && tagged.length === 0) draft.error('unknown-tag', `tag "${options.tag}" is not in ${input.file}; tags: ${Object.keys(data).join(', ')}`, at([]));
  }
  if (tagged.length === 0 && draft.diagnostics.length === 0) draft.error('not-task-master', `${input.file} has no "tasks" list (Task Master format)`, at([]));
  const prefixed = tagged.length > 1;
  draft.name = tagged.length === 1 && tagged[0]![0] ? tagged[0]![0] : input.file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  for (const [tag, tasks, base] of tagged) {
    const prefix = prefixed && tag !== undefined ? `${tag}/` : '';
    const group = prefixed && tag !== undefined ? draft.addGroup({id: tag, title: tag, location: at(base.slice(0, 1))}) : undefined;
    const topIds = new Set(tasks.filter(isObject).map((t) => String(t['id'])));
    tasks.forEach((raw, i) => {
      if (!isObject(raw)) {
        draft.warn('not-a-task', `${base.join('.')}[${i}] is not an object; skipped`, at([...base, i]));
        return;
      }
      const parent = readTask(draft, raw, `${prefix}${String(raw['id'] ?? i + 1)}`, at([...base, i]), group?.id);
      const localDeps = (raw['dependencies'] as unknown[] | undefined) ?? [];
      addDeps(draft, parent, localDeps, (d) => `${prefix}${d}`, at([...base, i, 'dependencies']));
      const subtasks = Array.isArray(raw['subtasks']) ? raw['subtasks'] : [];
      const subIds = new Set(subtasks.filter(isObject).map((s) => String(s['id'])));
      subtasks.forEach((s, j) => {
        if (!isObject(s)) return;
        const localId = String(s['id'] ?? j + 1);
        const id = localId.includes('.') ? `${prefix}${localId}` : `${prefix}${String(raw['id'])}.${localId}`;
        const sub = readTask(draft, s, id, at([...base, i, 'subtasks', j]), group?.id);
        sub.extra['parent'] = parent.id;
        const deps = Array.isArray(s['dependencies']) ? s['dependencies'] : [];
        addDeps(
          draft,
          sub,
          deps,
          (d) => {
            // A number names a sibling subtask when one has that id, else a top-level task.
            if (/^\d+$/.test(d) && subIds.has(d)) return `${prefix}${String(raw['id'])}.${d}`;
            if (topIds.has(d) || d.includes('.')) return `${prefix}${d}`;
            return `${prefix}${String(raw['id'])}.${d}`;
          },
          at([...base, i, 'subtasks', j, 'dependencies']),
        );
        parent.deps.push({text: sub.id, kind: 'explicit', location: sub.location, quote: `subtask ${sub.id} of ${parent.id}`, exact: true});
      });
    });
  }
  return draft.finish();
}

function readTask(draft: PlanDraft, raw: Json, id: string, location: Location, group: string | undefined): DraftTask {
  const title = typeof raw['title'] === 'string' && raw['title'].trim() !== '' ? raw['title'].trim() : id;
  const valid = isTaskId(id);
  const task = draft.addTask({id: valid ? id : draft.slugId(title, `task-${location.line}`), title, location, generatedId: !valid, ...(group ? {group} : {})});
  if (!valid) task.extra['originalId'] = id;
  draft.infer('task', `task ${task.id} ("${title}")`, location, task.id);
  const str = (k: string): string | undefined => (typeof raw[k] === 'string' && (raw[k] as string).trim() !== '' ? (raw[k] as string) : undefined);
  const description = str('description');
  const details = str('details');
  const testStrategy = str('testStrategy') ?? str('test_strategy');
  if (description !== undefined) task.description = description;
  if (details !== undefined) task.instructions = details;
  if (testStrategy !== undefined) task.testStrategy = testStrategy;
  const status = str('status');
  if (status !== undefined) {
    task.extra['status'] = status;
    // Only "done" is done: review, deferred or cancelled work has not been carried out.
    task.done = status.toLowerCase() === 'done' || (parseDone(status) === true && !/review|cancel/i.test(status));
    if (task.done) draft.infer('status', `task ${task.id} is done (status: ${status})`, location, task.id);
  }
  const priority = str('priority');
  if (priority !== undefined) {
    const p = parsePriority(priority);
    if (p) task.priority = p;
    else task.extra['priority'] = priority;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (['id', 'title', 'description', 'details', 'testStrategy', 'test_strategy', 'status', 'priority', 'dependencies', 'subtasks'].includes(k)) continue;
    task.extra[k] = v;
  }
  return task;
}

function addDeps(draft: PlanDraft, task: DraftTask, deps: readonly unknown[], map: (d: string) => string, location: Location): void {
  for (const d of deps) {
    if (typeof d !== 'string' && typeof d !== 'number') {
      draft.warn('bad-dependency', `task ${task.id}: dependency ${JSON.stringify(d)} is not an id; ignored`, location);
      continue;
    }
    const id = map(String(d));
    task.deps.push({text: id, kind: 'explicit', location, quote: `dependencies: ${String(d)}`, exact: true});
  }
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export {isTaskMaster};
