import type {TaskStatus} from '../model/index.js';
import {mdBlock, mdCode, mdRow, mdText} from './escape.js';
import {formatCount, formatMs, formatOutcome, formatPercent, formatRatio, formatTime, formatUsd, lastLines} from './format.js';
import {mermaidGantt} from './gantt.js';
import type {Report, ReportComparison, ReportTask} from './report.js';
import {activeTimeText} from './runner-sessions.js';

/** How each task state is named in reports. Skipped, cancelled and not-run tasks are never called passed. */
export const STATUS_LABEL: Readonly<Record<TaskStatus, string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  upstream_failed: 'upstream_failed (not run: a dependency failed)',
  skipped: 'skipped',
  cancelled: 'cancelled',
  pending: 'pending',
  ready: 'ready',
  running: 'running',
  retry_wait: 'waiting to retry',
};

/** The order states are listed in: outcomes first, then what is not finished. */
export const STATUS_ORDER: readonly TaskStatus[] = ['succeeded', 'failed', 'upstream_failed', 'skipped', 'cancelled', 'pending', 'ready', 'running', 'retry_wait'];

/** Log lines shown per failure. */
const LOG_LINES = 20;

/** The report as GitHub-flavoured Markdown (the Gantt chart is a Mermaid block, which GitHub renders). */
export function reportMarkdown(r: Report): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`# Run report: ${mdText(r.run.planName)}`, '');
  out.push(
    `Run ${mdCode(r.run.id)}: **${r.run.status}**. Started ${formatTime(r.run.startedAt)}, ${r.run.finishedAt !== null ? `finished ${formatTime(r.run.finishedAt)}` : 'not finished'}; ${r.run.workers} worker${r.run.workers === 1 ? '' : 's'}${r.run.resumes ? `; resumed ${r.run.resumes} time${r.run.resumes === 1 ? '' : 's'}` : ''}.`,
  );
  if (r.run.only) out.push(`Only these tasks were selected: ${r.run.only.map(mdCode).join(', ')}.`);
  if (r.run.from) out.push(`Started from task ${mdCode(r.run.from)}.`);
  out.push('');
  out.push(`Plan file: ${r.plan.file ? mdCode(r.plan.file) : 'none'} (${planStatusText(r.plan.status)})`);
  for (const note of r.plan.notes) out.push(`- ${mdText(note)}`);
  out.push('');
  out.push('Every figure below is computed from the stored run. A task counts as passed only when it succeeded; one without verify commands is "completed, unverified".', '');

  out.push('## Summary', '');
  out.push(`- Status: **${r.run.status}**`);
  out.push(`- Wall time: ${wallText(r)}${wallNote(r)}`);
  out.push(
    `- Tasks: ${s.tasks}; succeeded ${s.succeeded.total} (verified ${s.succeeded.verified}, completed unverified ${s.succeeded.unverified}, gates ${s.succeeded.gates}); failed ${s.byStatus.failed}; upstream_failed (not run: a dependency failed) ${s.byStatus.upstream_failed}; skipped ${s.byStatus.skipped}; cancelled ${s.byStatus.cancelled}; not finished ${s.notFinished}`,
  );
  out.push(`- Attempts: ${s.attempts}${s.succeededAfterRetry.length ? `; succeeded after a retry: ${s.succeededAfterRetry.map(mdCode).join(', ')}` : ''}`);
  out.push(`- Cost: ${formatUsd(s.usage.costUsd)}; tokens in ${formatCount(s.usage.inputTokens)}, out ${formatCount(s.usage.outputTokens)} (${s.usage.attemptsWithUsage} attempt${s.usage.attemptsWithUsage === 1 ? '' : 's'} reported usage)`);
  if (s.changes.tasksWithChanges) {
    out.push(`- Changes: ${s.changes.commits} commit${s.changes.commits === 1 ? '' : 's'}, ${plural(s.changes.filesChanged, 'file')} changed, +${s.changes.insertions} −${s.changes.deletions} (${plural(s.changes.tasksWithChanges, 'task')})`);
  }
  out.push('');
  out.push('| State | Tasks |', '| --- | ---: |');
  for (const st of STATUS_ORDER) out.push(mdRow([STATUS_LABEL[st], String(s.byStatus[st])]));
  out.push(`| **total** | **${s.tasks}** |`, '');

  if (s.byPriority.length) {
    out.push('### Completion by priority', '');
    out.push('| Priority | Total | Succeeded | of which verified | Failed | Other | Succeeded % |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const p of s.byPriority) out.push(mdRow([p.priority, String(p.total), String(p.succeeded), String(p.verified), String(p.failed), String(p.other), formatPercent(p.succeededRatio)]));
    out.push('', '"Other" counts tasks not run because a dependency failed, skipped, cancelled and unfinished ones.', '');
  }

  if (s.failures.length) {
    out.push('### Failures', '');
    for (const f of s.failures) {
      out.push(`#### ${mdCode(f.task)}: ${mdText(f.title)}`, '');
      out.push(`- Outcome: ${formatOutcome(f.outcome, f.exitCode)}${f.attempt !== null ? ` (attempt ${f.attempt})` : ''}`);
      if (f.message) out.push(`- Message: ${mdText(f.message)}`);
      if (f.logPath) out.push(`- Log: ${mdCode(f.logPath)}`);
      out.push('');
      if (f.verify.length) out.push(...verifyTable(f.verify), '');
      if (f.logTail) out.push(`Last lines of output:`, '', mdBlock(lastLines(f.logTail, LOG_LINES)), '');
    }
  }

  out.push('## Time', '');
  out.push(...timeTable(r), '');
  out.push('### Gantt chart of the attempts', '');
  if (r.gantt.bars.length) out.push('```mermaid', mermaidGantt(r.gantt, `${r.run.planName} (${r.run.id})`), '```', '');
  else out.push('No attempt ran.', '');

  out.push('## Tasks', '');
  out.push('| Task | Title | Status | Attempts | Estimated | Actual | Actual / estimated | Executor |', '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const t of r.tasks) {
    out.push(
      mdRow([mdCode(t.id), mdText(t.title), mdText(t.statusText), String(t.attempts.length), t.estimateMs === null ? 'n/a' : formatMs(t.estimateMs), formatMs(t.actualMs), formatRatio(t.estimateRatio), mdText(t.executor)]),
    );
  }
  out.push('');
  for (const t of r.tasks) out.push(...taskSection(t));

  out.push('## Remaining work', '');
  if (r.remaining.notDone.length === 0) out.push('Every task is done.', '');
  else {
    out.push(`- Not done: ${r.remaining.notDone.length} (${r.remaining.notDone.map(mdCode).join(', ')})`);
    out.push(`- Ready to start next (every dependency done): ${r.remaining.ready.length ? r.remaining.ready.map(mdCode).join(', ') : 'none'}`);
    out.push('');
    if (r.remaining.blocked.length) {
      out.push('| Blocked task | Waiting on | Fix first |', '| --- | --- | --- |');
      for (const b of r.remaining.blocked) {
        out.push(mdRow([mdCode(b.task), b.by.map((d) => `${mdCode(d.task)}: ${STATUS_LABEL[d.status]}`).join('; '), b.rootCauses.map(mdCode).join(', ') || 'n/a']));
      }
      out.push('');
    }
  }

  out.push('## Compared with the previous run', '');
  if (r.comparison) out.push(...comparisonSection(r.comparison, r.run.id));
  else out.push('No earlier run of this plan file is stored.', '');

  out.push('---', '', `Generated by paraplan at ${formatTime(r.generatedAt)} from the run store (report schema ${r.schemaVersion}).`, '');
  return out.join('\n');
}

export function planStatusText(status: Report['plan']['status']): string {
  switch (status) {
    case 'matches':
      return 'matches the run';
    case 'changed':
      return 'changed since the run';
    case 'missing':
      return 'missing: no priorities, estimates or criteria';
    case 'invalid':
      return 'no longer valid: no priorities, estimates or criteria';
    case 'none':
      return 'not read';
  }
}

/** The wall time in words: `1.00 s`, or `1.00 s over 2 runner sessions; 19.0 s idle between them not counted`. */
export function wallText(r: Report): string {
  return activeTimeText({activeMs: r.time.wallMs, sessions: r.time.sessions, idleMs: r.time.idleMs});
}

/** How the wall time is computed, for the Time table. */
export function wallHow(r: Report): string {
  const n = r.time.sessions.length;
  const base = 'run finish − run start';
  if (n <= 1) return base;
  return `sum of the ${n} runner sessions' active time (each from its start to its finish or last event); ${formatMs(r.time.idleMs)} idle between them not counted (from the first start to the last end: ${formatMs(r.time.spanMs)})`;
}

/** `1 task`, `2 tasks`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

export function wallNote(r: Report): string {
  switch (r.time.wallEnd) {
    case 'finished':
      return '';
    case 'now':
      return ' (so far: the run is still going)';
    case 'last-event':
      return ' (to the last recorded event: the run did not finish)';
  }
}

/** The Time section's rows as [measure, value, how it is computed]. Shared by the Markdown and HTML renderers. */
export function timeRows(r: Report): [string, string, string][] {
  const t = r.time;
  const rows: [string, string, string][] = [
    ['Wall time', formatMs(t.wallMs), `${wallHow(r)}${wallNote(r)}`],
    ['Task time', formatMs(t.taskTimeMs), `sum of the times (finished − started) of ${r.summary.attempts === 1 ? 'the 1 attempt' : `all ${r.summary.attempts} attempts, retries included`}`],
    ['Measured speed-up', formatRatio(t.speedup), 'task time / wall time'],
    ['Parallel efficiency', formatPercent(t.parallelEfficiency), `speed-up / ${r.run.workers} worker${r.run.workers === 1 ? '' : 's'}`],
    ['Time saved by parallel work', formatMs(t.timeSavedMs), 'task time − wall time'],
  ];
  if (t.planned) {
    const defaults = t.planned.defaultEstimateTasks
      ? `; ${t.planned.defaultEstimateTasks} task${t.planned.defaultEstimateTasks === 1 ? ' has' : 's have'} no estimate and count${t.planned.defaultEstimateTasks === 1 ? 's' : ''} as ${formatMs(t.planned.defaultEstimateMs)}`
      : '';
    rows.push(['Planned wall time', formatMs(t.planned.makespanMs), `best schedule of the plan's estimates on ${plural(t.planned.workers, 'worker')} (sequential: ${formatMs(t.planned.sequentialMs)})${defaults}`]);
    rows.push(['Actual / planned wall time', formatRatio(t.planned.makespanMs > 0 ? t.wallMs / t.planned.makespanMs : null), 'wall time / planned wall time']);
    rows.push([
      'Planned critical path',
      `${formatMs(t.planned.criticalPathMs)} estimated, ${formatMs(t.plannedCriticalPathActualMs)} measured`,
      t.planned.criticalPath.join(' → ') || 'n/a',
    ]);
  } else {
    rows.push(['Planned wall time', 'n/a', 'the plan file could not be analysed']);
  }
  if (t.predictedMs !== null) rows.push(['Predicted at start', formatMs(t.predictedMs), 'the scheduler\'s prediction when the run started']);
  rows.push(['Measured critical path', formatMs(t.actualCriticalPath.ms), t.actualCriticalPath.path.join(' → ') || 'n/a']);
  rows.push([
    'Estimate accuracy',
    formatRatio(t.estimates.ratio),
    `actual / estimated over ${t.estimates.tasksCompared} task${t.estimates.tasksCompared === 1 ? '' : 's'} with an estimate and a finished attempt (${formatMs(t.estimates.actualMs)} / ${formatMs(t.estimates.estimatedMs)})`,
  ]);
  return rows;
}

function timeTable(r: Report): string[] {
  return ['| Measure | Value | How |', '| --- | ---: | --- |', ...timeRows(r).map(([m, v, h]) => mdRow([m, v, mdText(h)]))];
}

function verifyTable(verify: ReportTask['attempts'][number]['verify']): string[] {
  const out = ['| Verify | Command | Exit code | Duration | Output (last lines) |', '| --- | --- | ---: | ---: | --- |'];
  for (const v of verify) {
    const exit = v.timedOut ? 'timed out' : v.exitCode === null ? `signal ${v.signal ?? '?'}` : String(v.exitCode);
    const output = lastLines(v.outputTail, 3);
    out.push(mdRow([mdText(v.name), mdCode(v.command), exit, formatMs(v.durationMs), output ? mdCode(output) : '(no output)']));
  }
  return out;
}

function taskSection(t: ReportTask): string[] {
  const out: string[] = [`### ${mdCode(t.id)}: ${mdText(t.title)}`, ''];
  out.push(`- Status: **${mdText(t.statusText)}**`);
  if (t.message) out.push(`- Message: ${mdText(t.message)}`);
  out.push(`- Priority: ${t.priority ?? 'n/a'}; executor: ${mdText(t.executor)}; needs: ${t.needs.length ? t.needs.map(mdCode).join(', ') : 'none'}`);
  out.push(`- Estimated ${t.estimateMs === null ? 'n/a' : `${formatMs(t.estimateMs)}${t.estimateText ? ` (${mdText(t.estimateText)})` : ''}`}; actual ${formatMs(t.actualMs)} over ${t.attempts.length} attempt${t.attempts.length === 1 ? '' : 's'}; ratio ${formatRatio(t.estimateRatio)}`);
  if (t.branch) out.push(`- Branch: ${mdCode(t.branch)}`);
  if (t.changes) {
    out.push(`- Changes: ${plural(t.changes.filesChanged, 'file')} changed, +${t.changes.insertions} −${t.changes.deletions}; commits: ${t.changes.commits.length ? t.changes.commits.map(mdCode).join(', ') : 'none'}`);
  }
  if (t.usage.attemptsWithUsage) out.push(`- Usage: ${formatUsd(t.usage.costUsd)}; tokens in ${formatCount(t.usage.inputTokens)}, out ${formatCount(t.usage.outputTokens)}`);
  if (t.criteria.length) out.push(`- Success criteria (plan): ${t.criteria.map(mdText).join('; ')}`);
  if (t.verifyDefined.length) out.push(`- Verify commands (plan): ${t.verifyDefined.map(mdCode).join(', ')}`);
  out.push('');
  if (t.attempts.length) {
    out.push('| Attempt | Worker (from 1) | Started | Time (finished − started) | Outcome | Exit code |', '| ---: | ---: | --- | ---: | --- | ---: |');
    for (const a of t.attempts) {
      out.push(mdRow([String(a.attempt), String(a.worker + 1), formatTime(a.startedAt), formatMs(a.durationMs), formatOutcome(a.outcome, a.exitCode), a.exitCode !== null ? String(a.exitCode) : a.signal ? mdText(a.signal) : 'n/a']));
    }
    out.push('');
    const last = t.attempts[t.attempts.length - 1]!;
    if (last.verify.length) out.push('Verify results of the last attempt:', '', ...verifyTable(last.verify), '');
    else if (t.status === 'succeeded') out.push('No verify command ran: completed, unverified.', '');
    for (const a of t.attempts) {
      if (a.outcome !== null && a.outcome !== 'ok' && a.logTail && t.status !== 'failed') {
        out.push(`Output of attempt ${a.attempt} (${formatOutcome(a.outcome, a.exitCode)}):`, '', mdBlock(lastLines(a.logTail, 10)), '');
      }
    }
  }
  if (t.result) out.push(`Returned${t.returns ? ` (the plan asked for: ${mdText(t.returns)})` : ''}:`, '', mdBlock(t.result), '');
  return out;
}

function comparisonSection(c: ReportComparison, runId: string): string[] {
  const out = [`Previous run ${mdCode(c.previousRun)} (${c.previousStatus}, started ${formatTime(c.previousStartedAt)}).`, ''];
  out.push(`| Measure | Before (${c.previousRun}) | After (${runId}) |`, '| --- | ---: | ---: |');
  for (const row of c.rows) out.push(mdRow([row.metric, comparisonValue(row.unit, row.before), comparisonValue(row.unit, row.after)]));
  out.push('');
  if (c.changedTasks.length) {
    out.push('| Task | Before | After |', '| --- | --- | --- |');
    for (const t of c.changedTasks) out.push(mdRow([mdCode(t.task), t.before ? STATUS_LABEL[t.before] : 'not in the run', t.after ? STATUS_LABEL[t.after] : 'not in the run']));
  } else out.push('Every task ended the same way in both runs.');
  out.push('');
  return out;
}

export function comparisonValue(unit: ReportComparison['rows'][number]['unit'], v: number | null): string {
  switch (unit) {
    case 'count':
      return v === null ? 'n/a' : String(v);
    case 'ms':
      return formatMs(v);
    case 'ratio':
      return formatRatio(v);
    case 'usd':
      return formatUsd(v);
  }
}
