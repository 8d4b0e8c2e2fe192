import {parse} from 'csv-parse/sync';
import type {Location} from '../../model/index.js';
import {isTaskId} from '../../model/index.js';
import type {WrittenPlan} from '../schema.js';
import type {PlanSource} from '../source.js';
import {PlanDraft, type DraftGroup} from './draft.js';
import type {ImportInput} from './index.js';
import {fieldOfLabel, fold, isNoneWord, parseDone, parseEstimateText, parseLevel, parsePriority, plain, type FieldName} from './vocabulary.js';

/** The columns `toCsv` writes, in order (and `paraplan plan --format csv`). */
export const CSV_COLUMNS = ['id', 'title', 'group', 'priority', 'impact', 'risk', 'estimate', 'needs', 'owner', 'executor', 'status', 'size', 'files', 'tags', 'description'] as const;

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
 */
export function importCsv(input: ImportInput): PlanSource {
  const draft = new PlanDraft(input.file, 'csv', new Map([[input.file, input.text]]));
  draft.name = input.file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const firstLine = input.text.split('\n', 1)[0] ?? '';
  const delimiter = input.file.toLowerCase().endsWith('.tsv') || count(firstLine, '\t') > count(firstLine, ',') ? '\t' : count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  let rows: {record: string[]; info: {lines: number}}[];
  try {
    rows = parse(input.text, {delimiter, bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true}) as unknown as {record: string[]; info: {lines: number}}[];
  } catch (e) {
    const m = /line (\d+)/i.exec(String((e as Error).message));
    draft.error('csv-syntax', `invalid CSV: ${(e as Error).message.split('\n')[0]}`, {file: input.file, line: m ? Number(m[1]) : 1, column: 1});
    return draft.finish();
  }
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
            task.estimate = Number(value);
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

/**
 * Writes a plan as CSV with the columns of `CSV_COLUMNS` (RFC 4180 quoting; lists joined with `;`).
 * `importCsv` reads the result back to the same tasks.
 */
export function toCsv(plan: WrittenPlan): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of plan.tasks) {
    const needs = (t.needs ?? []).map((n) => (typeof n === 'string' ? n : n.id));
    const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
      id: String(t.id),
      title: t.title ?? '',
      group: t.group ?? '',
      priority: t.priority ?? '',
      impact: t.impact ?? '',
      risk: t.risk ?? '',
      estimate: t.estimate === undefined ? '' : String(t.estimate),
      needs: needs.join(';'),
      owner: t.owner ?? '',
      executor: t.executor ?? t.agent ?? '',
      status: t.done === true ? 'done' : '',
      size: t.size === undefined ? '' : String(t.size),
      files: (t.files ?? []).join(';'),
      tags: (t.tags ?? []).join(';'),
      description: t.description ?? '',
    };
    lines.push(CSV_COLUMNS.map((c) => quote(cells[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function quote(cell: string): string {
  return /[",\n\r;]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
