import {escapeHtml} from './escape.js';
import {formatCount, formatMs, formatOutcome, formatPercent, formatRatio, formatTime, formatUsd, lastLines} from './format.js';
import {GANTT_LEGEND, outcomeColor, svgGantt} from './gantt.js';
import {comparisonValue, planStatusText, plural, STATUS_LABEL, STATUS_ORDER, timeRows, wallNote, wallText} from './markdown.js';
import type {Report, ReportAttempt, ReportTask} from './report.js';

/** Markup that is already safe (built by {@link html}). */
interface SafeHtml {
  readonly __html: string;
}

type Value = SafeHtml | string | number | null | undefined | false | readonly Value[];

function raw(text: string): SafeHtml {
  return {__html: text};
}

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (typeof v === 'object') return (v as SafeHtml).__html;
  return escapeHtml(String(v));
}

/**
 * The only way markup is made here: every interpolated value is escaped unless it is itself the result of `html`
 * (or `raw`, used once for the SVG chart, which escapes its own texts). Titles, logs and results come from tasks
 * and may hold anything, `<script>` included.
 */
function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return raw(out);
}

const LEGEND_LABEL: Readonly<Record<(typeof GANTT_LEGEND)[number], string>> = {
  ok: 'ok',
  exit_nonzero: 'command failed',
  verify_failed: 'verification failed',
  timeout: 'timed out',
  cancelled: 'cancelled',
  lost: 'lost',
  spawn_error: 'could not start',
  running: 'still running',
};

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f5f5f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-word}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:20px}.card span{color:#555;font-size:12px}
.s-succeeded{color:#2e7d32}.s-failed,.s-upstream_failed{color:#c62828}.s-skipped,.s-cancelled{color:#757575}.s-running,.s-pending,.s-ready,.s-retry_wait{color:#1565c0}
.status{font-weight:600}.note{color:#555}.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
details{margin:4px 0 10px}summary{cursor:pointer}
`;

/**
 * The report as one self-contained HTML file: inline CSS and an inline SVG Gantt chart, no script, no external
 * resource (a Content-Security-Policy forbids them), so it opens offline and anything in a task's title or log
 * shows as text.
 */
export function reportHtml(r: Report): string {
  const s = r.summary;
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Run report: ${r.run.planName} (${r.run.id})</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
<h1>Run report: ${r.run.planName}</h1>
<p>Run <code>${r.run.id}</code>: <span class="status s-${r.run.status === 'succeeded' ? 'succeeded' : r.run.status === 'failed' ? 'failed' : 'running'}">${r.run.status}</span>.
Started ${formatTime(r.run.startedAt)}, ${r.run.finishedAt !== null ? `finished ${formatTime(r.run.finishedAt)}` : 'not finished'}; ${r.run.workers} worker${r.run.workers === 1 ? '' : 's'}${r.run.resumes ? `; resumed ${r.run.resumes} time${r.run.resumes === 1 ? '' : 's'}` : ''}.
${r.run.only ? html`Only these tasks were selected: ${r.run.only.join(', ')}.` : ''}</p>
<p>Plan file: ${r.plan.file ? html`<code>${r.plan.file}</code>` : 'none'} (${planStatusText(r.plan.status)})</p>
${r.plan.notes.length ? html`<ul class="note">${r.plan.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<p class="note">Every figure is computed from the stored run. A task counts as passed only when it succeeded; one without verify commands is "completed, unverified".</p>

<section id="summary">
<h2>Summary</h2>
<div class="cards">
<div class="card"><b class="s-${r.run.status === 'succeeded' ? 'succeeded' : 'failed'}">${r.run.status}</b><span>run status</span></div>
<div class="card"><b>${formatMs(r.time.wallMs)}</b><span>wall time${r.time.sessions.length > 1 ? ` (${wallText(r)})` : ''}${wallNote(r)}</span></div>
<div class="card"><b>${s.succeeded.total} / ${s.tasks}</b><span>tasks succeeded (${s.succeeded.verified} verified, ${s.succeeded.unverified} unverified, ${plural(s.succeeded.gates, 'gate')})</span></div>
<div class="card"><b class="s-failed">${s.byStatus.failed}</b><span>failed</span></div>
<div class="card"><b>${formatRatio(r.time.speedup)}</b><span>measured speed-up</span></div>
<div class="card"><b>${formatUsd(s.usage.costUsd)}</b><span>cost (${plural(s.usage.attemptsWithUsage, 'attempt')} reported usage)</span></div>
</div>
<table id="states"><thead><tr><th>State</th><th>Tasks</th></tr></thead><tbody>
${STATUS_ORDER.map((st) => html`<tr data-status="${st}"><td class="s-${st}">${STATUS_LABEL[st]}</td><td class="n">${s.byStatus[st]}</td></tr>`)}
<tr><th>total</th><th class="n">${s.tasks}</th></tr>
</tbody></table>
<p>Attempts: ${s.attempts}${s.succeededAfterRetry.length ? html`; succeeded after a retry: ${s.succeededAfterRetry.join(', ')}` : ''}.
Tokens in ${formatCount(s.usage.inputTokens)}, out ${formatCount(s.usage.outputTokens)}.
${s.changes.tasksWithChanges ? `Changes: ${plural(s.changes.commits, 'commit')}, ${plural(s.changes.filesChanged, 'file')} changed, +${s.changes.insertions} −${s.changes.deletions}.` : ''}</p>
${
  s.byPriority.length
    ? html`<h3>Completion by priority</h3>
<table id="priorities"><thead><tr><th>Priority</th><th>Total</th><th>Succeeded</th><th>of which verified</th><th>Failed</th><th>Other</th><th>Succeeded %</th></tr></thead><tbody>
${s.byPriority.map((p) => html`<tr><td>${p.priority}</td><td class="n">${p.total}</td><td class="n">${p.succeeded}</td><td class="n">${p.verified}</td><td class="n">${p.failed}</td><td class="n">${p.other}</td><td class="n">${formatPercent(p.succeededRatio)}</td></tr>`)}
</tbody></table>
<p class="note">"Other" counts tasks not run because a dependency failed, skipped, cancelled and unfinished ones.</p>`
    : ''
}
</section>

${
  s.failures.length
    ? html`<section id="failures">
<h2>Failures</h2>
${s.failures.map(
  (f) => html`<div class="failure" data-task="${f.task}">
<h3><code>${f.task}</code>: ${f.title}</h3>
<p>Outcome: <b class="s-failed">${formatOutcome(f.outcome, f.exitCode)}</b>${f.attempt !== null ? ` (attempt ${f.attempt})` : ''}${f.message ? html`. ${f.message}` : ''}${f.logPath ? html`. Log: <code>${f.logPath}</code>` : ''}</p>
${f.verify.length ? verifyTable(f.verify) : ''}
${f.logTail ? html`<p>Last lines of output:</p><pre class="log">${lastLines(f.logTail, 20)}</pre>` : ''}
</div>`,
)}
</section>`
    : ''
}

<section id="time">
<h2>Time</h2>
<table><thead><tr><th>Measure</th><th>Value</th><th>How</th></tr></thead><tbody>
${timeRows(r).map(([m, v, h]) => html`<tr><td>${m}</td><td class="n">${v}</td><td>${h}</td></tr>`)}
</tbody></table>
</section>

<section id="gantt">
<h2>Gantt chart of the attempts</h2>
${r.gantt.bars.length ? raw(svgGantt(r.gantt)) : html`<p>No attempt ran.</p>`}
<p class="legend">${GANTT_LEGEND.map((o) => html`<span><i style="background:${outcomeColor(o)}"></i>${LEGEND_LABEL[o]}</span>`)}</p>
</section>

<section id="tasks">
<h2>Tasks</h2>
<table><thead><tr><th>Task</th><th>Title</th><th>Status</th><th>Attempts</th><th>Estimated</th><th>Actual</th><th>Actual / estimated</th><th>Executor</th></tr></thead><tbody>
${r.tasks.map(
  (t) =>
    html`<tr data-task="${t.id}"><td><code>${t.id}</code></td><td>${t.title}</td><td class="s-${t.status}">${t.statusText}</td><td class="n">${t.attempts.length}</td><td class="n">${t.estimateMs === null ? 'n/a' : formatMs(t.estimateMs)}</td><td class="n">${formatMs(t.actualMs)}</td><td class="n">${formatRatio(t.estimateRatio)}</td><td>${t.executor}</td></tr>`,
)}
</tbody></table>
${r.tasks.map(taskDetails)}
</section>

<section id="remaining">
<h2>Remaining work</h2>
${
  r.remaining.notDone.length === 0
    ? html`<p>Every task is done.</p>`
    : html`<p>Not done: ${r.remaining.notDone.length} (${r.remaining.notDone.join(', ')}).</p>
<p>Ready to start next (every dependency done): ${r.remaining.ready.length ? r.remaining.ready.join(', ') : 'none'}.</p>
${
  r.remaining.blocked.length
    ? html`<table><thead><tr><th>Blocked task</th><th>Waiting on</th><th>Fix first</th></tr></thead><tbody>
${r.remaining.blocked.map((b) => html`<tr><td><code>${b.task}</code></td><td>${b.by.map((d) => `${d.task}: ${STATUS_LABEL[d.status]}`).join('; ')}</td><td>${b.rootCauses.join(', ') || 'n/a'}</td></tr>`)}
</tbody></table>`
    : ''
}`
}
</section>

<section id="comparison">
<h2>Compared with the previous run</h2>
${
  r.comparison
    ? html`<p>Previous run <code>${r.comparison.previousRun}</code> (${r.comparison.previousStatus}, started ${formatTime(r.comparison.previousStartedAt)}).</p>
<table><thead><tr><th>Measure</th><th>Before</th><th>After</th></tr></thead><tbody>
${r.comparison.rows.map((row) => html`<tr><td>${row.metric}</td><td class="n">${comparisonValue(row.unit, row.before)}</td><td class="n">${comparisonValue(row.unit, row.after)}</td></tr>`)}
</tbody></table>
${
  r.comparison.changedTasks.length
    ? html`<table><thead><tr><th>Task</th><th>Before</th><th>After</th></tr></thead><tbody>
${r.comparison.changedTasks.map((t) => html`<tr><td><code>${t.task}</code></td><td>${t.before ? STATUS_LABEL[t.before] : 'not in the run'}</td><td>${t.after ? STATUS_LABEL[t.after] : 'not in the run'}</td></tr>`)}
</tbody></table>`
    : html`<p>Every task ended the same way in both runs.</p>`
}`
    : html`<p>No earlier run of this plan file is stored.</p>`
}
</section>

<footer><p class="note">Generated by paraplan at ${formatTime(r.generatedAt)} from the run store (report schema ${r.schemaVersion}).</p></footer>
</main>
</body>
</html>
`;
  return doc.__html;
}

function verifyTable(verify: ReportAttempt['verify']): SafeHtml {
  return html`<table class="verify"><thead><tr><th>Verify</th><th>Command</th><th>Exit code</th><th>Duration</th><th>Output (last lines)</th></tr></thead><tbody>
${verify.map((v) => {
  const exit = v.timedOut ? 'timed out' : v.exitCode === null ? `signal ${v.signal ?? '?'}` : String(v.exitCode);
  return html`<tr><td>${v.name}</td><td><code>${v.command}</code></td><td class="n ${v.exitCode === 0 && !v.timedOut ? 's-succeeded' : 's-failed'}">${exit}</td><td class="n">${formatMs(v.durationMs)}</td><td>${v.outputTail ? html`<pre>${lastLines(v.outputTail, 5)}</pre>` : ''}</td></tr>`;
})}
</tbody></table>`;
}

function taskDetails(t: ReportTask): SafeHtml {
  const last = t.attempts[t.attempts.length - 1];
  return html`<details class="task" data-task="${t.id}"${t.status === 'failed' ? raw(' open') : ''}>
<summary><code>${t.id}</code>: ${t.title}: <span class="s-${t.status}">${t.statusText}</span></summary>
<ul>
<li>Status: ${t.statusText}</li>
${t.message ? html`<li>Message: ${t.message}</li>` : ''}
<li>Priority: ${t.priority ?? 'n/a'}; executor: ${t.executor}; needs: ${t.needs.length ? t.needs.join(', ') : 'none'}</li>
<li>Estimated ${t.estimateMs === null ? 'n/a' : `${formatMs(t.estimateMs)}${t.estimateText ? ` (${t.estimateText})` : ''}`}; actual ${formatMs(t.actualMs)} over ${t.attempts.length} attempt${t.attempts.length === 1 ? '' : 's'}; ratio ${formatRatio(t.estimateRatio)}</li>
${t.branch ? html`<li>Branch: <code>${t.branch}</code></li>` : ''}
${t.changes ? html`<li>Changes: ${plural(t.changes.filesChanged, 'file')} changed, +${t.changes.insertions} −${t.changes.deletions}; commits: ${t.changes.commits.length ? t.changes.commits.join(', ') : 'none'}</li>` : ''}
${t.usage.attemptsWithUsage ? html`<li>Usage: ${formatUsd(t.usage.costUsd)}; tokens in ${formatCount(t.usage.inputTokens)}, out ${formatCount(t.usage.outputTokens)}</li>` : ''}
${t.criteria.length ? html`<li>Success criteria (plan): ${t.criteria.join('; ')}</li>` : ''}
${t.verifyDefined.length ? html`<li>Verify commands (plan): ${t.verifyDefined.map((v) => html`<code>${v}</code> `)}</li>` : ''}
</ul>
${
  t.attempts.length
    ? html`<table><thead><tr><th>Attempt</th><th>Worker (from 1)</th><th>Started</th><th>Time (finished − started)</th><th>Outcome</th><th>Exit code</th></tr></thead><tbody>
${t.attempts.map((a) => html`<tr><td class="n">${a.attempt}</td><td class="n">${a.worker + 1}</td><td>${formatTime(a.startedAt)}</td><td class="n">${formatMs(a.durationMs)}</td><td>${formatOutcome(a.outcome, a.exitCode)}</td><td class="n">${a.exitCode ?? a.signal ?? 'n/a'}</td></tr>`)}
</tbody></table>`
    : ''
}
${last && last.verify.length ? html`<p>Verify results of the last attempt:</p>${verifyTable(last.verify)}` : t.status === 'succeeded' && last ? html`<p>No verify command ran: completed, unverified.</p>` : ''}
${t.attempts.filter((a) => a.outcome !== null && a.outcome !== 'ok' && a.logTail).map((a) => html`<p>Output of attempt ${a.attempt} (${formatOutcome(a.outcome, a.exitCode)}):</p><pre class="log">${lastLines(a.logTail!, 10)}</pre>`)}
${t.result ? html`<p>Returned${t.returns ? html` (the plan asked for: ${t.returns})` : ''}:</p><pre>${t.result}</pre>` : ''}
</details>`;
}
