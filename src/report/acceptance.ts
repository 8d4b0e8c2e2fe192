import {mdBlock, mdCode, mdText} from './escape.js';
import {formatMs, formatTime, lastLines} from './format.js';
import type {Report, ReportTask} from './report.js';

/** One acceptance record: a file name (no folder) and its Markdown. */
export interface AcceptanceRecord {
  readonly task: ReportTask['id'];
  readonly fileName: string;
  readonly text: string;
}

/**
 * `ACCEPTANCE_<ID>.md` with the id made safe for any file system: characters other than letters, digits, `.`, `_`
 * and `-` become `_` (ids may hold `/`, `:`, `@`, `+`). Two ids that map to the same name get `-2`, `-3`...
 * in plan order, so no record overwrites another.
 */
export function acceptanceFileNames(ids: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    const base = `ACCEPTANCE_${id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    let name = `${base}.md`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}.md`;
    // Compared without case: macOS and Windows file systems are case-insensitive.
    used.add(name.toLowerCase());
    out.set(id, name);
  }
  return out;
}

/**
 * One acceptance record per succeeded task (the seed's `docs/ACCEPTANCE_<ID>.md` practice): its success criteria,
 * the verify commands with their exit codes and output, the commits, and what it returned. A task without verify
 * commands gets a record too, which says plainly that it is completed, unverified.
 */
export function acceptanceRecords(r: Report): AcceptanceRecord[] {
  const succeeded = r.tasks.filter((t) => t.status === 'succeeded');
  const names = acceptanceFileNames(succeeded.map((t) => t.id));
  return succeeded.map((t) => ({task: t.id, fileName: names.get(t.id)!, text: acceptanceText(r, t)}));
}

function acceptanceText(r: Report, t: ReportTask): string {
  const out: string[] = [];
  const last = t.attempts[t.attempts.length - 1];
  out.push(`# Acceptance: ${mdCode(t.id)}: ${mdText(t.title)}`, '');
  out.push(`- Plan: ${mdText(r.run.planName)}; run ${mdCode(r.run.id)}`);
  out.push(`- Status: **${mdText(t.statusText)}**`);
  out.push(`- Finished: ${formatTime(t.finishedAt)}; attempts: ${t.attempts.length}; time: ${formatMs(t.actualMs)}${t.estimateMs !== null ? ` (estimated ${formatMs(t.estimateMs)})` : ''}`);
  out.push(`- Executor: ${mdText(t.executor)}${t.branch ? `; branch ${mdCode(t.branch)}` : ''}`);
  out.push('');
  out.push('## Success criteria', '');
  if (t.criteria.length) for (const c of t.criteria) out.push(`- ${mdText(c)}`);
  else out.push(r.plan.status === 'matches' || r.plan.status === 'changed' ? 'The plan states no success criteria in prose.' : 'Unknown: the plan file could not be read.');
  out.push('');
  out.push('## Verification', '');
  if (t.evidence === 'gate') out.push('A gate: nothing ran; it passed because its dependencies allowed it.', '');
  else if (!last || last.verify.length === 0) out.push('No verify command ran: this task is **completed, unverified**. Its command exited 0; nothing else was checked.', '');
  else {
    for (const v of last.verify) {
      const exit = v.timedOut ? 'timed out' : v.exitCode === null ? `killed by ${v.signal ?? 'a signal'}` : `exit code ${v.exitCode}`;
      out.push(`### ${mdText(v.name)}`, '', `- Command: ${mdCode(v.command)}`, `- Result: ${exit} after ${formatMs(v.durationMs)}`, '');
      if (v.outputTail) out.push(mdBlock(lastLines(v.outputTail, 40)), '');
    }
  }
  out.push('## Changes', '');
  if (t.changes) {
    out.push(`${t.changes.filesChanged} file${t.changes.filesChanged === 1 ? '' : 's'} changed, +${t.changes.insertions} −${t.changes.deletions}.`, '');
    if (t.changes.commits.length) for (const c of t.changes.commits) out.push(`- ${mdCode(c)}`);
    else out.push('No commit.');
  } else out.push('No changes were recorded for this task.');
  out.push('');
  if (t.result) out.push('## Returned', '', mdBlock(t.result), '');
  out.push('---', '', `Written by paraplan at ${formatTime(r.generatedAt)} from the run store.`, '');
  return out.join('\n');
}
