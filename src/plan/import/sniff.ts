/**
 * Recognising JSON formats without loading the importers: `load.ts` uses this on every JSON plan, and the
 * Markdown importer (remark and friends) costs more to load than a 100,000-task plan takes to validate.
 */
type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON value is a Task Master tasks.json (plain `{tasks}` or tagged `{master: {tasks}}`). */
export function isTaskMaster(data: unknown): boolean {
  if (!isObject(data)) return false;
  const looksLikeTasks = (v: unknown): boolean =>
    Array.isArray(v) && v.length > 0 && v.every((t) => isObject(t) && 'id' in t && 'title' in t) && v.some((t) => isObject(t) && ('status' in t || 'dependencies' in t || 'subtasks' in t || 'details' in t || 'testStrategy' in t));
  if (looksLikeTasks(data['tasks']) && !('name' in data && 'groups' in data)) return true;
  const tags = Object.values(data).filter((v) => isObject(v) && Array.isArray(v['tasks']));
  return tags.length > 0 && tags.length === Object.keys(data).length && tags.some((v) => looksLikeTasks((v as Json)['tasks']));
}

/** True when a parsed JSON value is a WfCommons WfFormat instance. */
export function isWfCommons(data: unknown): boolean {
  if (!isObject(data) || !isObject(data['workflow'])) return false;
  const w = data['workflow'];
  return Array.isArray(w['tasks']) || Array.isArray(w['jobs']) || (isObject(w['specification']) && Array.isArray(w['specification']['tasks']));
}

/** Which format a JSON document is in: paraplan's own, Task Master's tasks.json, or WfCommons WfFormat. */
export function sniffJsonFormat(data: unknown): 'json' | 'task-master' | 'wfcommons' {
  if (isWfCommons(data)) return 'wfcommons';
  if (isTaskMaster(data)) return 'task-master';
  return 'json';
}

/**
 * True when JSON text might be in a foreign format (a superset of what {@link sniffJsonFormat} recognises, read
 * from the text alone): only then must the importers be loaded.
 */
export function mayBeForeignJson(text: string): boolean {
  return /"(workflow|status|dependencies|subtasks|details|testStrategy)"\s*:/.test(text);
}
