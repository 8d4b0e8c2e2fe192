import {parse} from 'csv-parse/sync';
import type {Command, Location, Plan} from '../../model/index.js';
import {DEFAULT_RETRY_ON, isTaskId} from '../../model/index.js';
import {DEFAULT_CONCURRENCY, DEFAULT_ESTIMATE_MS} from '../normalize.js';
import type {WrittenCommand, WrittenPlan, WrittenTask} from '../schema.js';
import type {PlanSource} from '../source.js';
import {PlanDraft, type DraftGroup} from './draft.js';
import type {ImportInput} from './index.js';
import {fieldOfLabel, fold, isCancelledStatus, isNoneWord, parseDone, parseEstimateText, parseLevel, parsePriority, plain, type FieldName} from './vocabulary.js';

/**
 * The columns `toCsv` writes, in order (and `paraplan plan --format csv`). The first fifteen are those of
 * hand-made backlogs; the rest carry what a run needs, so that the CSV imports back to the same plan.
 */
export const CSV_COLUMNS = [
  'id',
  'title',
  'group',
  'priority',
  'impact',
  'risk',
  'estimate',
  'needs',
  'owner',
  'executor',
  'status',
  'size',
  'files',
  'tags',
  'description',
  'instructions',
  'run',
  'verify',
  'criteria',
  'returns',
  'deliverables',
  'testStrategy',
  'gate',
  'trigger',
  'timeout',
  'retries',
  'retryOn',
  'cwd',
  'env',
  'pool',
  'workspace',
  'extra',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The first cell of paraplan's own CSV: `# plan: <name>`. It marks the file as one `toCsv` wrote. */
const PLAN_MARK = /^#\s*plan\s*:\s*/;

/** Plan-level rows paraplan's CSV may carry above the header, as `# <key>: <value>`. */
const META_KEYS = ['plan', 'description', 'concurrency', 'defaults', 'pools', 'executors'] as const;

type CsvField = FieldName | 'executor';

/** The field a CSV header names; `executor` is its own column in paraplan's CSV. */
function columnField(header: string): CsvField | undefined {
  if (fold(header) === 'executor') return 'executor';
  return fieldOfLabel(header);
}

/**
 * Imports a CSV file with a header row. Columns are matched by name, case-insensitively and in several
 * languages (id, title/name/task, depends on/needs/afhankelijkheden, estimate/duration, priority...);
 * unknown columns are kept in each task's `extra`. Lists (needs, files, tags) are split on `;` or `,`.
 * A file whose first row is `# plan: <name>` is paraplan's own (see `toCsv`) and is read as written.
 */
export function importCsv(input: ImportInput): PlanSource {
  const draft = new PlanDraft(input.file, 'csv', new Map([[input.file, input.text]]));
  draft.name = input.file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  // Sniff the delimiter on the header: paraplan's own CSV has `# key: value` rows above it.
  const firstLine = input.text.split('\n').find((l) => !/^"?#/.test(l)) ?? '';
  const delimiter = input.file.toLowerCase().endsWith('.tsv') || count(firstLine, '\t') > count(firstLine, ',') ? '\t' : count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  let rows: {record: string[]; info: {lines: number}}[];
  try {
    rows = parse(input.text, {delimiter, bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true}) as unknown as {record: string[]; info: {lines: number}}[];
  } catch (e) {
    const m = /line (\d+)/i.exec(String((e as Error).message));
    draft.error('csv-syntax', `invalid CSV: ${(e as Error).message.split('\n')[0]}`, {file: input.file, line: m ? Number(m[1]) : 1, column: 1});
    return draft.finish();
  }
  if (PLAN_MARK.test(rows[0]?.record[0] ?? '')) return importOwnCsv(draft, input.file, rows);
  const header = rows[0]?.record ?? [];
  const fields = header.map(columnField);
  let idCol = fields.indexOf('id');
  let titleCol = fields.indexOf('title');
  if (idCol === -1 && titleCol === -1) {
    draft.error('csv-no-task-column', `the header row of ${input.file} has no id or title column (id, title, name, task...); columns: ${header.join(', ')}`, {file: input.file, line: 1, column: 1});
    return draft.finish();
  }
  if (idCol === -1) idCol = titleCol;
  if (titleCol === -1) titleCol = idCol;
  const groups = new Map<string, DraftGroup>();
  for (const {record, info} of rows.slice(1)) {
    // csv-parse counts the lines read so far: a record spanning lines ends on info.lines.
    const location: Location = {file: input.file, line: info.lines, column: 1};
    if (record.every((c) => /^[\s.…]*$/.test(c))) {
      if (record.some((c) => c.includes('.') || c.includes('…'))) draft.warn('elided-row', 'row of "..." stands for rows left out; no task was made for it', location);
      continue;
    }
    const rawId = (record[idCol] ?? '').trim();
    const title = plain(record[titleCol] ?? '') || rawId;
    const valid = rawId !== '' && isTaskId(rawId) && idCol !== titleCol;
    const id = valid ? rawId : draft.slugId(title, `row-${info.lines}`);
    const task = draft.addTask({id, title, location, generatedId: !valid});
    if (rawId !== '' && !valid && idCol !== titleCol) task.extra['originalId'] = rawId;
    record.forEach((raw, k) => {
      if (k === idCol || k === titleCol) return;
      const value = raw.trim();
      const name = header[k] ?? `column${k + 1}`;
      if (value === '') return;
      const field = fields[k];
      switch (field) {
        case 'needs':
          if (isNoneWord(value)) return;
          for (const part of value.split(/\s*[;,]\s*/).filter((p) => p !== '' && !isNoneWord(p))) {
            task.deps.push({text: part, kind: 'explicit', location, quote: `${name}: ${value}`, ...(isTaskId(part) && !/\.\./.test(part) ? {exact: true} : {})});
          }
          return;
        case 'blocks':
          if (!isNoneWord(value)) task.blocks.push({text: value, kind: 'blocks', location, quote: `${name}: ${value}`});
          return;
        case 'group': {
          let g = groups.get(value);
          if (!g) {
            g = draft.addGroup({id: isTaskId(value) ? value : (draft.slugId(value, 'group') ?? 'group'), title: value, location});
            groups.set(value, g);
          }
          draft.setGroup(task, g);
          return;
        }
        case 'priority': {
          const p = parsePriority(value);
          if (p) task.priority = p;
          else task.extra[name] = value;
          return;
        }
        case 'impact':
        case 'risk': {
          const l = parseLevel(value);
          if (l) task[field] = l;
          else task.extra[name] = value;
          return;
        }
        case 'estimate': {
          if (/^\d+(\.\d+)?$/.test(value)) {
            // A bare number is minutes, except in Jira's time columns, which it exports in seconds.
            task.estimate = /^(original|remaining) estimate$/.test(fold(name)) ? Number(value) / 60 : Number(value);
            return;
          }
          const e = parseEstimateText(value);
          if (e?.kind === 'estimate') task.estimate = /^\d+(\.\d+)?\s*[a-z]+$/i.test(value) || /^\d/.test(value) ? normaliseEstimate(value, e.value) : e.value;
          else if (e?.kind === 'story-points') task.extra['storyPoints'] = e.points;
          else {
            draft.warn('unrecognised-value', `task ${task.id}: could not read "${value}" as an estimate; kept in extra`, location);
            task.extra[name] = value;
          }
          return;
        }
        case 'storyPoints':
          task.extra['storyPoints'] = Number.isFinite(Number(value)) ? Number(value) : value;
          return;
        case 'owner':
          task.owner = value;
          return;
        case 'agent':
          task.agent = value;
          return;
        case 'executor':
          task.extra['executor'] = value;
          return;
        case 'status': {
          if (isCancelledStatus(value)) {
            draft.cancelled(task, value, location);
            return;
          }
          const done = parseDone(value);
          if (done !== undefined) task.done = done;
          if (!(done === true && /^done$/i.test(value))) task.extra['status'] = value;
          return;
        }
        case 'description':
          task.description = value;
          return;
        case 'instructions':
          task.instructions = value;
          return;
        case 'criteria':
          task.criteria.push(...splitList(value));
          return;
        case 'returns':
          task.returns = value;
          return;
        case 'deliverables':
          task.deliverables.push(...splitList(value));
          return;
        case 'testStrategy':
          task.testStrategy = value;
          return;
        case 'size': {
          const n = Number(value.replace(/[,_\s]/g, ''));
          if (Number.isInteger(n) && n >= 0) task.size = n;
          else task.extra[name] = value;
          return;
        }
        case 'files':
          task.files.push(...splitList(value));
          return;
        case 'tags':
          task.tags.push(...splitList(value));
          return;
        default:
          task.extra[name] = value;
      }
    });
  }
  const source = draft.finish();
  // `executor` has its own field in paraplan's plan; the draft keeps it in extra until here.
  const data = source.data as {tasks: Record<string, unknown>[]};
  for (const t of data.tasks) {
    const extra = t['extra'] as Record<string, unknown> | undefined;
    if (extra && typeof extra['executor'] === 'string') {
      t['executor'] = extra['executor'];
      delete extra['executor'];
      if (Object.keys(extra).length === 0) delete t['extra'];
    }
  }
  return source;
}

function normaliseEstimate(written: string, parsed: string): string {
  // Keep the author's compact form ("15m", "2h") when the schema reads it as it is.
  return /^\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?\s*(?:ms|s|m|min|h|d|w)$/i.test(written) ? written : parsed;
}

function splitList(value: string): string[] {
  return value
    .split(/\s*[;\n]\s*|\s*,\s*(?=\S)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

type Row = {record: string[]; info: {lines: number}};

/**
 * Reads paraplan's own CSV (`toCsv`, `plan --format csv`): columns by their exact names, cells as written
 * (titles keep their backticks), structured cells as JSON. Nothing is inferred, so the plan comes back as it
 * was written; any other column is kept in the task's `extra`, as for other CSVs.
 */
function importOwnCsv(draft: PlanDraft, file: string, rows: readonly Row[]): PlanSource {
  const plan: Record<string, unknown> = {};
  let k = 0;
  for (; k < rows.length; k++) {
    const {record, info} = rows[k]!;
    const first = record[0] ?? '';
    if (!first.startsWith('#') || record.slice(1).some((c) => c !== '')) break;
    const m = /^#\s*([\w.-]+)\s*:\s*([\s\S]*)$/.exec(first);
    const key = m?.[1] as (typeof META_KEYS)[number] | undefined;
    const location: Location = {file, line: info.lines, column: 1};
    if (!m || !key || !META_KEYS.includes(key)) {
      draft.warn('csv-unknown-setting', `"${first.slice(0, 40)}" is not a plan setting paraplan's CSV has (${META_KEYS.join(', ')}); ignored`, location);
      continue;
    }
    const text = m[2]!;
    if (key === 'plan' || key === 'description') {
      const value = text.startsWith('"') ? jsonCell(draft, text, `# ${key}`, location) : text;
      if (typeof value === 'string' && value !== '') plan[key === 'plan' ? 'name' : key] = value;
    } else if (text !== '') plan[key] = jsonCell(draft, text, `# ${key}`, location);
  }
  const header = rows[k]?.record ?? [];
  const col = new Map(header.map((h, i) => [h, i]));
  if (!col.has('id')) {
    draft.error('csv-no-task-column', `the header row of ${file} has no id column; paraplan's CSV (a "# plan:" row first) names its columns ${CSV_COLUMNS.join(', ')}`, {file, line: rows[k]?.info.lines ?? 1, column: 1});
    return draft.finish();
  }
  const known = new Set<string>(CSV_COLUMNS);
  const groups = new Map<string, DraftGroup>();
  const written: Record<string, unknown>[] = [];
  for (const {record, info} of rows.slice(k + 1)) {
    const location: Location = {file, line: info.lines, column: 1};
    if (record.every((c) => c === '')) continue;
    const cell = (c: CsvColumn): string => {
      const i = col.get(c);
      return i === undefined ? '' : (record[i] ?? '');
    };
    const id = cell('id');
    const task = draft.addTask({id, title: cell('title') || id, location, generatedId: false});
    const w: Record<string, unknown> = {};
    const what = (c: string): string => `task ${id || `on line ${info.lines}`}, column ${c}`;
    const group = cell('group');
    if (group !== '') {
      let g = groups.get(group);
      if (!g) {
        g = draft.addGroup({id: group, title: group, location});
        groups.set(group, g);
      }
      draft.setGroup(task, g);
    }
    for (const c of ['priority', 'impact', 'risk', 'owner', 'executor', 'description', 'instructions', 'returns', 'testStrategy', 'trigger', 'cwd', 'pool', 'workspace'] as const) {
      if (cell(c) !== '') w[c] = cell(c);
    }
    for (const c of ['estimate', 'timeout'] as const) {
      const v = cell(c);
      // A bare number means minutes, as in YAML.
      if (v !== '') w[c] = /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    }
    for (const c of ['size', 'retries'] as const) {
      const v = cell(c);
      if (v !== '') w[c] = /^\d+$/.test(v) ? Number(v) : v;
    }
    for (const c of ['needs', 'files', 'tags', 'criteria', 'deliverables', 'retryOn'] as const) {
      const v = cell(c);
      if (v !== '') w[c] = v.startsWith('[') ? jsonCell(draft, v, what(c), location) : v.split(';').map((x) => x.trim()).filter((x) => x !== '');
    }
    for (const c of ['env', 'extra'] as const) {
      const v = cell(c);
      if (v !== '') w[c] = jsonCell(draft, v, what(c), location);
    }
    const run = cell('run');
    if (run !== '') w['run'] = /^[[{"]/.test(run) ? jsonCell(draft, run, what('run'), location) : run;
    const verify = cell('verify');
    if (verify !== '') w['verify'] = verify.startsWith('[') ? jsonCell(draft, verify, what('verify'), location) : [verify];
    const gate = cell('gate');
    if (gate !== '') w['gate'] = gate === 'true' ? true : gate === 'false' ? false : gate;
    const status = cell('status');
    if (status === 'done' || status === 'todo') w['done'] = status === 'done';
    else if (status !== '') {
      const done = parseDone(status);
      if (done !== undefined) w['done'] = done;
      task.extra['status'] = status;
    }
    header.forEach((h, i) => {
      if (!known.has(h) && (record[i] ?? '') !== '') task.extra[h] = record[i];
    });
    written.push(w);
  }
  const source = draft.finish();
  const data = source.data as Record<string, unknown> & {tasks: Record<string, unknown>[]};
  Object.assign(data, plan);
  data.tasks.forEach((t, i) => {
    const {extra, ...fields} = written[i] ?? {};
    Object.assign(t, fields);
    // Columns the header does not name and the `extra` column, together.
    if (extra !== undefined || t['extra'] !== undefined) {
      t['extra'] = typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? {...(extra as Record<string, unknown>), ...(t['extra'] as object | undefined)} : (extra ?? t['extra']);
    }
  });
  return source;
}

/** A JSON cell; a diagnostic (and the text as it is) when it is not JSON. */
function jsonCell(draft: PlanDraft, text: string, what: string, location: Location): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    draft.error('csv-json', `${what}: "${text.slice(0, 60)}" is not valid JSON (${(e as Error).message})`, location);
    return text;
  }
}

/**
 * A normalized plan in the written form, with what paraplan's CSV holds: every task field (defaults filled
 * in), every dependency as an explicit edge (group barriers and sequential order expanded), group membership,
 * the name, description, concurrency, default estimate, pools and executor profiles. Group titles, modes and
 * needs, plan-level verify, rollback and settings are not kept: the expanded edges stand for the group rules.
 */
export function csvPlanOf(plan: Plan): WrittenPlan {
  const tasks = [...plan.tasks.values()].map((t): WrittenTask => {
    const profile = plan.executors.get(t.executor);
    const w: WrittenTask = {id: t.id, title: t.title};
    if (t.description !== undefined) w.description = t.description;
    if (t.instructions !== undefined) w.instructions = t.instructions;
    w.priority = t.priority;
    if (t.impact !== undefined) w.impact = t.impact;
    if (t.risk !== undefined) w.risk = t.risk;
    if (t.estimate) w.estimate = t.estimate.text;
    if (t.timeoutMs !== undefined) w.timeout = durationText(t.timeoutMs);
    if (t.retries !== 0) w.retries = t.retries;
    if (t.retryOn.join() !== DEFAULT_RETRY_ON.join()) w.retryOn = [...t.retryOn];
    const needs = [...new Set(t.needs.map((d) => d.task))];
    if (needs.length > 0) w.needs = needs;
    if (t.group !== undefined) w.group = t.group;
    if (t.owner !== undefined) w.owner = t.owner;
    w.executor = t.executor;
    if (t.run) w.run = writtenCommand(t.run);
    if (t.verify.length > 0) w.verify = t.verify.map((v) => (v.name !== undefined ? {name: v.name, run: writtenCommand(v.command)} : writtenCommand(v.command)));
    if (t.criteria.length > 0) w.criteria = [...t.criteria];
    if (t.returns !== undefined) w.returns = t.returns;
    if (t.deliverables.length > 0) w.deliverables = [...t.deliverables];
    if (t.testStrategy !== undefined) w.testStrategy = t.testStrategy;
    if (t.size !== undefined) w.size = t.size;
    if (t.files.length > 0) w.files = [...t.files];
    if (t.tags.length > 0) w.tags = [...t.tags];
    if (t.trigger !== 'all_success') w.trigger = t.trigger;
    if (t.gate) w.gate = true;
    if (t.done) w.done = true;
    if (t.cwd !== undefined) w.cwd = t.cwd;
    if (Object.keys(t.env).length > 0) w.env = {...t.env};
    if (t.pool !== undefined && t.pool !== profile?.pool) w.pool = t.pool;
    if (t.workspace !== ((profile?.kind ?? 'shell') === 'shell' ? 'none' : 'worktree')) w.workspace = t.workspace;
    if (Object.keys(t.extra).length > 0) w.extra = {...t.extra};
    return w;
  });
  const written: WrittenPlan = {name: plan.name, tasks};
  if (plan.description !== undefined) written.description = plan.description;
  if (plan.concurrency !== DEFAULT_CONCURRENCY) written.concurrency = plan.concurrency;
  if (plan.defaultEstimateMs !== DEFAULT_ESTIMATE_MS) written.defaults = {estimate: durationText(plan.defaultEstimateMs)};
  if (plan.pools.size > 0) written.pools = Object.fromEntries(plan.pools);
  const executors = [...plan.executors.values()].filter((e) => !e.builtin);
  if (executors.length > 0) written.executors = Object.fromEntries(executors.map((e) => [e.name, {kind: e.kind, ...(e.pool !== undefined ? {pool: e.pool} : {}), ...e.options}]));
  return written;
}

function writtenCommand(command: Command): WrittenCommand {
  return command.kind === 'argv' ? [...command.argv] : {shell: command.script};
}

/** Milliseconds as a duration paraplan reads back exactly (no days: a plan's day is 8 hours). */
function durationText(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * Writes a plan as CSV with the columns of `CSV_COLUMNS`, one row per task under a header row (RFC 4180
 * quoting). Above the header, `# plan: <name>` marks the file as paraplan's own, and `# key: <JSON>` rows
 * keep the plan-level settings (description, concurrency, defaults, pools, executors) that the plan has.
 * Cells: text as written; lists joined with `;` when no item holds `;`, a line break or edge spaces (else a
 * JSON array); `run` as a JSON argv list (`["make","test"]`), `{"shell":"..."}` or a plain string;
 * `verify` as a JSON array of those or of `{"name":...,"run":...}`; `env` and `extra` as JSON objects.
 * `importCsv` reads the result back to the same plan. Group titles, modes and needs are not written: give
 * `csvPlanOf(plan)` to write the edges they make.
 */
export function toCsv(plan: WrittenPlan): string {
  const lines = [quote(`# plan: ${metaText(plan.name ?? '')}`)];
  if (plan.description !== undefined) lines.push(quote(`# description: ${metaText(plan.description)}`));
  for (const key of ['concurrency', 'defaults', 'pools', 'executors'] as const) {
    if (plan[key] !== undefined) lines.push(quote(`# ${key}: ${JSON.stringify(plan[key])}`));
  }
  lines.push(CSV_COLUMNS.join(','));
  for (const t of plan.tasks) {
    const needs = (t.needs ?? []).map((n) => (typeof n === 'string' ? n : n.id));
    const text = (v: string | undefined): string => v ?? '';
    const number = (v: string | number | undefined): string => (v === undefined ? '' : String(v));
    const cells: Record<CsvColumn, string> = {
      id: String(t.id),
      title: text(t.title),
      group: text(t.group),
      priority: text(t.priority),
      impact: text(t.impact),
      risk: text(t.risk),
      estimate: number(t.estimate),
      needs: listCell(needs),
      owner: text(t.owner),
      executor: t.executor ?? t.agent ?? '',
      status: t.done === true ? 'done' : t.done === false ? 'todo' : '',
      size: number(t.size),
      files: listCell(t.files),
      tags: listCell(t.tags),
      description: text(t.description),
      instructions: text(t.instructions),
      run: t.run === undefined ? '' : commandCell(t.run),
      verify: t.verify === undefined ? '' : JSON.stringify(t.verify),
      criteria: listCell(typeof t.criteria === 'string' ? [t.criteria] : t.criteria),
      returns: text(t.returns),
      deliverables: listCell(t.deliverables),
      testStrategy: text(t.testStrategy),
      gate: t.gate === undefined ? '' : String(t.gate),
      trigger: text(t.trigger),
      timeout: number(t.timeout),
      retries: number(t.retries),
      retryOn: listCell(t.retryOn),
      cwd: text(t.cwd),
      env: t.env === undefined ? '' : JSON.stringify(t.env),
      pool: text(t.pool),
      workspace: text(t.workspace),
      extra: t.extra === undefined ? '' : JSON.stringify(t.extra),
    };
    lines.push(CSV_COLUMNS.map((c) => quote(cells[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A plan-level text after `# key: `, as JSON when it would not read back as it is. */
function metaText(text: string): string {
  return /[\r\n]|^\s|\s$|^"/.test(text) ? JSON.stringify(text) : text;
}

/** `a;b;c` when that reads back to the same items, else a JSON array; empty for no list or an empty one. */
function listCell(items: readonly string[] | undefined): string {
  if (items === undefined || items.length === 0) return '';
  const plainItems = items.every((x) => x !== '' && !/[;\r\n]|^\s|\s$/.test(x)) && !items[0]!.startsWith('[');
  return plainItems ? items.join(';') : JSON.stringify(items);
}

function commandCell(command: WrittenCommand): string {
  return typeof command === 'string' && !/^[[{"]|^\s|\s$/.test(command) ? command : JSON.stringify(command);
}

function quote(cell: string): string {
  return /[",\n\r;\t]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
