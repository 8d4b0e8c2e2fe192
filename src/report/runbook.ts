import type {Plan, RunId, RunStatus, Task, TaskId} from '../model/index.js';
import {commandText} from '../model/index.js';
import {mdBlock, mdCode, mdRow, mdText} from './escape.js';
import {formatMs, formatTime} from './format.js';

/** One past run of the plan, for the runbook's history. */
export interface RunbookHistoryRow {
  readonly run: RunId;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  /**
   * Its wall time: the sum of its runner sessions' active time (idle gaps between `--resume`s left out), from
   * `runActiveTime`. When absent, finish − start is shown for a finished run.
   */
  readonly wallMs?: number;
  /** Its runner sessions (1 + resumes), when known. */
  readonly sessions?: number;
  readonly workers: number;
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Path of its saved report, relative to the runbook, when there is one. */
  readonly reportPath?: string;
}

export interface RunbookInput {
  readonly plan: Plan;
  /** How the plan file is named in commands (as the user typed it). */
  readonly planPath: string;
  readonly workers: number;
  /** Tasks in schedule order: by planned start, then worker (the scheduler's slots). */
  readonly sequence: readonly {readonly task: TaskId; readonly worker: number; readonly startMs: number; readonly endMs: number}[];
  readonly makespanMs: number;
  /** Past runs of this plan file, newest first. */
  readonly history: readonly RunbookHistoryRow[];
  readonly generatedAt: number;
}

function taskCommand(plan: Plan, t: Task): string {
  if (t.gate) return '(gate: nothing to run)';
  if (t.run) return commandText(t.run);
  const profile = plan.executors.get(t.executor);
  if (profile && profile.kind !== 'shell') return `(${profile.kind} "${t.executor}" with the task's instructions)`;
  return '(no command)';
}

/**
 * The runbook of a plan (the seed's RUNBOOK shape): how to start it, the commands in schedule order, each task's
 * commands and verify commands, the smoke tests (plan-level verify), the rollback notes and the history of past
 * runs. Built from the plan and its schedule only: nothing in it is asserted, only copied or computed.
 */
export function runbookMarkdown(input: RunbookInput): string {
  const {plan} = input;
  const out: string[] = [];
  out.push(`# ${mdText(plan.name)}: runbook`, '');
  if (plan.description) out.push(mdText(plan.description), '');
  out.push('## Scope', '');
  out.push(`- ${plan.tasks.size} task${plan.tasks.size === 1 ? '' : 's'}${plan.groups.size ? ` in ${plan.groups.size} group${plan.groups.size === 1 ? '' : 's'}` : ''}; planned wall time ${formatMs(input.makespanMs)} on ${input.workers} worker${input.workers === 1 ? '' : 's'} (from the plan's estimates)`);
  const kinds = new Map<string, number>();
  for (const t of plan.tasks.values()) kinds.set(t.executor, (kinds.get(t.executor) ?? 0) + 1);
  out.push(`- Executors: ${[...kinds].map(([name, n]) => `${mdText(name)} (${n})`).join(', ')}`);
  const envNames = [...new Set([...plan.tasks.values()].flatMap((t) => Object.keys(t.env)))].sort();
  if (envNames.length) out.push(`- Environment variables set by tasks: ${envNames.map(mdCode).join(', ')}`);
  out.push('');

  out.push('## Start sequence', '');
  out.push('All at once, with paraplan (runs what the dependencies allow in parallel, records everything):', '');
  out.push(mdBlock(`paraplan check ${input.planPath}\nparaplan run ${input.planPath} -j ${input.workers}\nparaplan report --format html -o report.html`, 'sh'), '');
  out.push('By hand, in schedule order (a step may start once the steps it needs are done):', '');
  input.sequence.forEach((slot, i) => {
    const t = plan.tasks.get(slot.task);
    if (!t) return;
    const needs = t.needs.length ? `; after ${t.needs.map((d) => mdCode(d.task)).join(', ')}` : '';
    const cwd = t.cwd ? ` (in ${mdCode(t.cwd)})` : '';
    out.push(`${i + 1}. ${mdCode(t.id)} ${mdText(t.title)}: ${mdCode(taskCommand(plan, t))}${cwd}; planned at ${formatMs(slot.startMs)} on worker ${slot.worker + 1}${needs}`);
  });
  out.push('');

  out.push('## Tasks', '');
  for (const slot of input.sequence) {
    const t = plan.tasks.get(slot.task);
    if (!t) continue;
    out.push(`### ${mdCode(t.id)}: ${mdText(t.title)}`, '');
    out.push(`- Command: ${mdCode(taskCommand(plan, t))}${t.cwd ? ` in ${mdCode(t.cwd)}` : ''}`);
    out.push(`- Executor: ${mdText(t.executor)}; priority ${t.priority}${t.estimate ? `; estimate ${mdText(t.estimate.text)}` : ''}${t.timeoutMs !== undefined ? `; timeout ${formatMs(t.timeoutMs)}` : ''}${t.retries ? `; ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'}` : ''}`);
    if (t.needs.length) out.push(`- Needs: ${t.needs.map((d) => mdCode(d.task)).join(', ')}`);
    if (t.verify.length) {
      out.push('- Verify (every one must exit 0):');
      for (const v of t.verify) out.push(`  - ${v.name ? `${mdText(v.name)}: ` : ''}${mdCode(commandText(v.command))}`);
    } else out.push('- Verify: none (a run will report it "completed, unverified")');
    if (t.criteria.length) out.push(`- Success criteria: ${t.criteria.map(mdText).join('; ')}`);
    if (t.deliverables.length) out.push(`- Deliverables: ${t.deliverables.map(mdText).join('; ')}`);
    if (t.instructions && !t.run) out.push('', mdBlock(t.instructions));
    out.push('');
  }

  out.push('## Smoke tests', '');
  if (plan.verify.length) {
    out.push('Plan-level checks, run after the tasks (expected exit code 0):', '');
    for (const v of plan.verify) out.push(`- ${v.name ? `${mdText(v.name)}: ` : ''}${mdCode(commandText(v.command))}`);
  } else out.push('The plan defines no plan-level verify commands (add `verify:` at the top level of the plan).');
  out.push('');

  out.push('## Rollback', '');
  out.push(plan.rollback ? plan.rollback.trim() : 'The plan has no rollback notes (add `rollback:` to the plan).', '');

  out.push('## Acceptance', '');
  out.push(`\`paraplan report --acceptance-dir docs/\` writes one \`ACCEPTANCE_<ID>.md\` per succeeded task of the latest run: its success criteria, verify commands with their output, and commits.`, '');

  out.push('## History', '');
  if (input.history.length === 0) out.push('No run of this plan is stored yet.', '');
  else {
    out.push('| Run | Started | Status | Succeeded | Failed | Tasks | Wall time | Workers | Report |', '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const h of input.history) {
      const sessions = h.sessions !== undefined && h.sessions > 1 ? ` (${h.sessions} runner sessions)` : '';
      const wall = h.wallMs !== undefined ? `${formatMs(h.wallMs)}${sessions}${h.finishedAt === null ? ', not finished' : ''}` : h.finishedAt !== null ? formatMs(h.finishedAt - h.startedAt) : 'not finished';
      out.push(mdRow([mdCode(h.run), formatTime(h.startedAt), h.status, String(h.succeeded), String(h.failed), String(h.tasks), wall, String(h.workers), h.reportPath ? `[report](${h.reportPath})` : '']));
    }
    out.push('');
  }
  out.push('---', '', `Generated by paraplan at ${formatTime(input.generatedAt)} from the plan and the run store.`, '');
  return out.join('\n');
}
