import type {Plan, Task, TaskId} from '../model/index.js';
import {commandText, formatDuration, formatMinutes, taskDurationMs} from '../model/index.js';
import {csvPlanOf, toCsv} from '../plan/import/csv.js';
import type {PlanAnalysis} from '../schedule/index.js';

/** Minutes as the seeds write them: `150 min`. */
function min(ms: number): string {
  return `${formatMinutes(Math.round(ms / 6000) * 6000)} min`;
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

function speedup(seq: number, makespan: number): string {
  return makespan > 0 ? `${(seq / makespan).toFixed(2)}x` : '-';
}

function groupLabel(plan: Plan, id: string): string {
  const g = plan.groups.get(id);
  if (!g) return id;
  const mode = g.mode === 'unspecified' ? '' : ` (${g.mode})`;
  return `${g.title}${mode}`;
}

/** The terminal view of a plan analysis. */
export function planText(plan: Plan, a: PlanAnalysis): string {
  const lines: string[] = [];
  const n = plan.tasks.size;
  const s = a.schedule;
  lines.push(`Plan "${plan.name}": ${n} task${n === 1 ? '' : 's'}${plan.groups.size ? ` in ${plan.groups.size} group${plan.groups.size === 1 ? '' : 's'}` : ''}, ${s.workers} worker${s.workers === 1 ? '' : 's'}`);
  if (a.defaultEstimateTasks.length > 0) {
    lines.push(
      `Note: ${a.defaultEstimateTasks.length} task${a.defaultEstimateTasks.length === 1 ? ' has' : 's have'} no estimate and count${a.defaultEstimateTasks.length === 1 ? 's' : ''} as ${formatDuration(plan.defaultEstimateMs)} each (defaults.estimate): ${list(a.defaultEstimateTasks)}`,
    );
  }
  const done = [...plan.tasks.values()].filter((t) => t.done);
  if (done.length > 0) {
    const doneMs = done.reduce((sum, t) => sum + taskDurationMs(plan, t), 0);
    lines.push(
      `Note: ${done.length === n ? `all ${n} tasks are` : `${done.length} of ${n} tasks are`} marked done (${min(doneMs)} of the ${min(a.sequentialMs)} of work); the schedule below is of the whole plan, and \`run\` skips them: ${list(done.map((t) => t.id))}`,
    );
  }
  lines.push('');
  lines.push(`Critical path (${min(a.critical.length)}): ${a.critical.path.join(' -> ')}`);
  lines.push('');
  lines.push('Waves (tasks that can start together once the waves before are done):');
  for (const w of a.waves) {
    const longest = w.tasks.reduce((m, id) => Math.max(m, taskDurationMs(plan, plan.tasks.get(id)!)), 0);
    lines.push(`  ${String(w.index + 1).padStart(3)}  ${pad(list(w.tasks, 12), 60)} ${w.tasks.length} task${w.tasks.length === 1 ? '' : 's'}, longest ${min(longest)}`);
  }
  lines.push('');
  lines.push(`Timeline on ${s.workers} worker${s.workers === 1 ? '' : 's'}: makespan ${min(s.makespan)}, lower bound ${min(s.lowerBound)}, ${s.optimal ? 'proven optimal' : `not proven optimal (at most ${pct(s.makespan - s.lowerBound, s.lowerBound)} above the best possible)`} [${s.method}]`);
  lines.push(...gantt(a, 64));
  lines.push('');
  lines.push('Totals:');
  const rows: string[][] = [['', 'makespan', 'saved vs sequential', 'speed-up']];
  rows.push(['sequential (one worker)', min(a.sequentialMs), '-', '1.00x']);
  rows.push([`${s.workers} worker${s.workers === 1 ? '' : 's'}${a.withoutBarriers ? ', barriers as written' : ''}`, min(s.makespan), `${min(a.sequentialMs - s.makespan)} (${pct(a.sequentialMs - s.makespan, a.sequentialMs)})`, speedup(a.sequentialMs, s.makespan)]);
  rows.push([`unlimited workers${a.withoutBarriers ? ', barriers as written' : ''}`, min(a.unlimitedMs), `${min(a.sequentialMs - a.unlimitedMs)} (${pct(a.sequentialMs - a.unlimitedMs, a.sequentialMs)})`, speedup(a.sequentialMs, a.unlimitedMs)]);
  if (a.withoutBarriers) {
    const w = a.withoutBarriers;
    rows.push([`${s.workers} worker${s.workers === 1 ? '' : 's'}, task dependencies only`, min(w.schedule.makespan), `${min(a.sequentialMs - w.schedule.makespan)} (${pct(a.sequentialMs - w.schedule.makespan, a.sequentialMs)})`, speedup(a.sequentialMs, w.schedule.makespan)]);
    rows.push(['unlimited, task dependencies only', min(w.unlimitedMs), `${min(a.sequentialMs - w.unlimitedMs)} (${pct(a.sequentialMs - w.unlimitedMs, a.sequentialMs)})`, speedup(a.sequentialMs, w.unlimitedMs)]);
  }
  lines.push(...table(rows).map((l) => `  ${l}`));
  if (a.withoutBarriers) {
    const cost = s.makespan - a.withoutBarriers.schedule.makespan;
    lines.push(
      cost > 0
        ? `  Group barriers cost ${min(cost)} on ${s.workers} worker${s.workers === 1 ? '' : 's'}: dropping the barriers the document wrote (keeping only task dependencies) would finish ${pct(cost, s.makespan)} sooner.`
        : `  Group barriers cost nothing on ${s.workers} worker${s.workers === 1 ? '' : 's'}.`,
    );
  }
  lines.push('');
  lines.push('What more workers would change:');
  const what: string[][] = [['workers', 'makespan', 'speed-up', '']];
  for (const r of a.whatIf) what.push([String(r.workers), min(r.makespan), speedup(a.sequentialMs, r.makespan), r.optimal ? '' : '(best found)']);
  lines.push(...table(what).map((l) => `  ${l}`));
  const last = a.whatIf[a.whatIf.length - 1];
  if (last) lines.push(`  More than ${last.workers} worker${last.workers === 1 ? '' : 's'} cannot help: the critical path (${min(a.unlimitedMs)}) is the limit.`);
  return lines.join('\n') + '\n';
}

function list(ids: readonly string[], max = 20): string {
  return ids.length <= max ? ids.join(' ') : `${ids.slice(0, max).join(' ')} ... (+${ids.length - max})`;
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => pad(cell, widths[c]!)).join('  ').trimEnd());
}

/** One line per worker: each task as a bar labelled with its id, on a common time scale. */
function gantt(a: PlanAnalysis, width: number): string[] {
  const s = a.schedule;
  if (s.makespan <= 0) return [];
  if (s.workers > 32) return [`  (${s.workers} workers: timeline omitted; use --format json)`];
  const scale = width / s.makespan;
  const rows = Array.from({length: s.workers}, () => Array.from({length: width}, () => ' '));
  const used = new Uint8Array(s.workers);
  for (const slot of s.slots) {
    const row = rows[slot.worker]!;
    used[slot.worker] = 1;
    const from = Math.min(width - 1, Math.floor(slot.start * scale));
    const to = Math.max(from + 1, Math.min(width, Math.round(slot.end * scale)));
    for (let i = from; i < to; i++) row[i] = '=';
    row[from] = '[';
    const label = String(slot.task).slice(0, Math.max(0, to - from - 1));
    for (let i = 0; i < label.length; i++) row[from + 1 + i] = label[i]!;
  }
  const out: string[] = [];
  for (let w = 0; w < s.workers; w++) if (used[w]) out.push(`  w${String(w + 1).padEnd(3)} |${rows[w]!.join('')}|`);
  out.push(`        0${' '.repeat(Math.max(0, width - min(s.makespan).length))}${min(s.makespan)}`);
  return out;
}

/** The plan analysis as JSON (documented shape: see README "plan --format json"). */
export function planJson(plan: Plan, a: PlanAnalysis): string {
  return jsonLines(planJsonValue(plan, a));
}

/**
 * JSON with one line per top-level field and one line per item of a list of maps or lists (a task, a wave):
 * as easy to read and to grep as indented JSON, and several times faster to write for 100,000 tasks, whose
 * indented form runs to millions of lines.
 */
export function jsonLines(value: Record<string, unknown>): string {
  const fields: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const name = JSON.stringify(key);
    if (Array.isArray(v) && v.length > 0 && v.some((x) => x !== null && typeof x === 'object')) {
      fields.push(`  ${name}: [\n${v.map((x) => `    ${JSON.stringify(x) ?? 'null'}`).join(',\n')}\n  ]`);
    } else fields.push(`  ${name}: ${JSON.stringify(v)}`);
  }
  return fields.length ? `{\n${fields.join(',\n')}\n}\n` : '{}\n';
}

/** The value {@link planJson} prints, for callers that add to it before printing. */
export function planJsonValue(plan: Plan, a: PlanAnalysis): Record<string, unknown> {
  const slots = new Map<TaskId, (typeof a.schedule.slots)[number]>();
  for (const x of a.schedule.slots) slots.set(x.task, x);
  const critical = new Set(a.critical.path);
  const tasks = [...plan.tasks.values()].map((t) => {
    const timing = a.critical.timing.get(t.id);
    const slot = slots.get(t.id);
    return {
      id: t.id,
      title: t.title,
      group: t.group ?? null,
      priority: t.priority,
      estimateMs: taskDurationMs(plan, t),
      estimateText: t.estimate?.text ?? null,
      needs: t.needs.map((d) => ({id: d.task, kind: d.kind})),
      executor: t.executor,
      gate: t.gate,
      done: t.done,
      earliestStartMs: timing?.es,
      latestStartMs: timing?.ls,
      slackMs: timing?.slack,
      critical: critical.has(t.id),
      worker: slot?.worker,
      startMs: slot?.start,
      endMs: slot?.end,
    };
  });
  return {
    plan: plan.name,
    file: plan.file,
    workers: a.schedule.workers,
    defaultEstimateMs: plan.defaultEstimateMs,
    defaultEstimateTasks: a.defaultEstimateTasks,
    sequentialMs: a.sequentialMs,
    unlimitedMs: a.unlimitedMs,
    makespanMs: a.schedule.makespan,
    lowerBoundMs: a.schedule.lowerBound,
    optimal: a.schedule.optimal,
    method: a.schedule.method,
    timeSavedMs: a.sequentialMs - a.schedule.makespan,
    speedup: a.schedule.makespan > 0 ? a.sequentialMs / a.schedule.makespan : null,
    withoutBarriers: a.withoutBarriers ? {unlimitedMs: a.withoutBarriers.unlimitedMs, makespanMs: a.withoutBarriers.schedule.makespan} : null,
    criticalPath: a.critical.path,
    waves: a.waves.map((w) => w.tasks),
    order: a.order,
    whatIf: a.whatIf,
    groups: [...plan.groups.values()].map((g) => ({id: g.id, title: g.title, mode: g.mode, needs: g.needs, tasks: g.tasks})),
    tasks,
  };
}

/** Mermaid node ids must be simple; labels are quoted with entities for quotes. */
function mermaidId(i: number): string {
  return `t${i}`;
}

function mermaidLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;')).replace(/\n/g, ' ');
}

/** A Mermaid flowchart: groups as subgraphs, edges from a dependency to its dependent, the critical path marked. */
export function planMermaid(plan: Plan, a: PlanAnalysis): string {
  const index = new Map([...plan.tasks.keys()].map((id, i) => [id, i]));
  const critical = new Set(a.critical.path);
  const lines = ['flowchart TD'];
  const node = (t: Task): string => `${mermaidId(index.get(t.id)!)}["${mermaidLabel(`${t.id}: ${t.title}`)}<br/>${mermaidLabel(formatDuration(taskDurationMs(plan, t)))}"]`;
  const inGroup = new Set<TaskId>();
  let g = 0;
  for (const group of plan.groups.values()) {
    lines.push(`  subgraph g${g++}["${mermaidLabel(groupLabel(plan, group.id))}"]`);
    for (const id of group.tasks) {
      inGroup.add(id);
      lines.push(`    ${node(plan.tasks.get(id)!)}`);
    }
    lines.push('  end');
  }
  for (const t of plan.tasks.values()) if (!inGroup.has(t.id)) lines.push(`  ${node(t)}`);
  for (const t of plan.tasks.values()) {
    for (const d of t.needs) {
      const arrow = d.kind === 'explicit' ? '-->' : '-.->';
      lines.push(`  ${mermaidId(index.get(d.task)!)} ${arrow} ${mermaidId(index.get(t.id)!)}`);
    }
  }
  if (critical.size > 0) {
    lines.push('  classDef critical stroke:#d33,stroke-width:3px');
    lines.push(`  class ${[...critical].map((id) => mermaidId(index.get(id)!)).join(',')} critical`);
  }
  return lines.join('\n') + '\n';
}

/** The execution plan document a person can follow (the shape of the seeds' "Parallel Execution Plan"). */
export function planMarkdown(plan: Plan, a: PlanAnalysis, options: {reportLink?: string} = {}): string {
  const out: string[] = [];
  const s = a.schedule;
  out.push(`# ${plan.name}: execution plan`, '');
  if (plan.description) out.push(plan.description, '');
  if (options.reportLink) out.push(`Latest run report: [${options.reportLink}](${options.reportLink})`, '');
  out.push('## Summary', '');
  out.push(`- Tasks: ${plan.tasks.size}${plan.groups.size ? ` in ${plan.groups.size} group${plan.groups.size === 1 ? '' : 's'}` : ''}`);
  out.push(`- Workers: ${s.workers}`);
  out.push(`- Sequential time (sum of estimates): ${min(a.sequentialMs)}`);
  out.push(`- Wall time on ${s.workers} worker${s.workers === 1 ? '' : 's'}: ${min(s.makespan)} (${s.optimal ? 'proven optimal' : `lower bound ${min(s.lowerBound)}`})`);
  out.push(`- Critical path (unlimited workers): ${min(a.unlimitedMs)}: ${a.critical.path.join(' → ')}`);
  out.push(`- Time saved by parallel work: ${min(a.sequentialMs - s.makespan)} (${pct(a.sequentialMs - s.makespan, a.sequentialMs)}), speed-up ${speedup(a.sequentialMs, s.makespan)}`);
  if (a.withoutBarriers) out.push(`- Without group barriers (task dependencies only): ${min(a.withoutBarriers.schedule.makespan)} on ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${min(a.withoutBarriers.unlimitedMs)} unlimited`);
  if (a.defaultEstimateTasks.length) out.push(`- ${a.defaultEstimateTasks.length} task${a.defaultEstimateTasks.length === 1 ? ' has' : 's have'} no estimate and count as ${formatDuration(plan.defaultEstimateMs)}: ${a.defaultEstimateTasks.join(', ')}`);
  out.push('', 'These figures are computed from the estimates in the plan; a run report measures the real ones.', '');
  out.push('## Dependency graph', '', '```mermaid', planMermaid(plan, a).trimEnd(), '```', '');
  const section = (heading: string, ids: readonly TaskId[], intro: string[]): void => {
    out.push(heading, '', ...intro);
    for (const id of ids) out.push(...taskSection(plan, plan.tasks.get(id)!));
  };
  const grouped = new Set<TaskId>();
  for (const g of plan.groups.values()) {
    g.tasks.forEach((id) => grouped.add(id));
    const mode = g.mode === 'parallel' ? 'PARALLEL' : g.mode === 'sequential' ? 'SEQUENTIAL' : 'order by dependencies';
    const intro = [`**Mode:** ${mode}${g.mode === 'parallel' ? ` (${g.tasks.length} task${g.tasks.length === 1 ? '' : 's'})` : ''}  `, `**Dependencies:** ${g.needs.length ? g.needs.map((n) => `${groupLabel(plan, n)} complete`).join(', ') : 'none'}`, ''];
    section(`## ${g.title} (${mode})`, g.tasks, intro);
  }
  const rest = a.order.filter((id) => !grouped.has(id));
  if (rest.length) section(plan.groups.size ? '## Other tasks' : '## Tasks', rest, []);
  out.push('## Execution tracking', '');
  for (const id of a.order) {
    const t = plan.tasks.get(id)!;
    out.push(`- [${t.done ? 'x' : ' '}] ${t.id}: ${t.title} (${formatDuration(taskDurationMs(plan, t))})`);
  }
  out.push('', '## Schedule', '', `| Task | Worker | Start | End |`, `| --- | --- | --- | --- |`);
  for (const slot of s.slots) out.push(`| ${slot.task} | ${slot.worker + 1} | ${min(slot.start)} | ${min(slot.end)} |`);
  out.push('', '## What more workers would change', '', '| Workers | Wall time | Speed-up |', '| --- | --- | --- |');
  for (const r of a.whatIf) out.push(`| ${r.workers} | ${min(r.makespan)}${r.optimal ? '' : ' (best found)'} | ${speedup(a.sequentialMs, r.makespan)} |`);
  out.push('');
  return out.join('\n');
}

function fence(text: string): string[] {
  const ticks = text.includes('```') ? '~~~~' : '```';
  return [ticks, text.trimEnd(), ticks];
}

function taskSection(plan: Plan, t: Task): string[] {
  const out: string[] = [`### ${t.id}: ${t.title}`, ''];
  const fields: [string, string | undefined][] = [
    ['Priority', t.priority.toUpperCase()],
    ['Estimated time', t.estimate ? `${t.estimate.text} (${formatDuration(taskDurationMs(plan, t))})` : `none (counted as ${formatDuration(plan.defaultEstimateMs)})`],
    ['Depends on', t.needs.length ? t.needs.map((d) => (d.kind === 'explicit' ? d.task : `${d.task} (${d.kind})`)).join(', ') : 'nothing'],
    ['Executor', t.gate ? 'gate (nothing to run)' : t.executor],
    ['Owner', t.owner],
    ['Impact', t.impact],
    ['Risk', t.risk],
    ['Files', t.files.length ? t.files.join(', ') : undefined],
  ];
  for (const [k, v] of fields) if (v !== undefined) out.push(`**${k}:** ${v}  `);
  out.push('');
  if (t.description) out.push(t.description, '');
  if (t.instructions) out.push('**Instructions:**', '', ...fence(t.instructions), '');
  if (t.run) out.push('**Command:**', '', ...fence(commandText(t.run)), '');
  if (t.verify.length || t.criteria.length) {
    out.push('**Success criteria:**', '');
    for (const v of t.verify) out.push(`- \`${commandText(v.command).replace(/`/g, "'")}\` exits 0${v.name ? ` (${v.name})` : ''}`);
    for (const c of t.criteria) out.push(`- ${c}`);
    out.push('');
  }
  if (t.returns) out.push(`**Returns:** ${t.returns}`, '');
  if (t.deliverables.length) out.push('**Deliverables:**', '', ...t.deliverables.map((d) => `- [ ] ${d}`), '');
  return out;
}

/** The CSV columns of `plan --format csv` (the CSV importer reads them back). */
export {CSV_COLUMNS} from '../plan/import/csv.js';

/**
 * One row per task, in file order, every dependency (barriers expanded) in `needs`: the CSV importer's own
 * writer, so that `paraplan plan plan.csv` reads the same plan back (see `toCsv`).
 */
export function planCsv(plan: Plan): string {
  return toCsv(csvPlanOf(plan));
}
