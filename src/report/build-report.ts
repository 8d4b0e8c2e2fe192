import type {AttemptOutcome, Plan, Priority, StoredEvent, Task, TaskId, TaskStatus, VerifyResult} from '../model/index.js';
import {ATTEMPT_OUTCOMES, commandText, PRIORITIES, TASK_STATUSES} from '../model/index.js';
import type {AttemptRecord, RunRecord, TaskRecord} from '../store/store.js';
import {formatOutcome} from './format.js';
import {runActiveTime} from './runner-sessions.js';
import type {
  BlockedTask,
  Evidence,
  GanttBar,
  PlannedTime,
  PlanStatus,
  PriorityRow,
  Report,
  ReportAttempt,
  ReportComparison,
  ReportFailure,
  ReportPlan,
  ReportRemaining,
  ReportTask,
  ReportTime,
  UsageTotals,
} from './report.js';
import {REPORT_SCHEMA_VERSION} from './report.js';

/** One stored run, as read from the store (`getRun`, `tasks`, `attempts`, `events`). */
export interface RunRecords {
  readonly run: RunRecord;
  readonly tasks: readonly TaskRecord[];
  readonly attempts: readonly AttemptRecord[];
  /** The run's events; only used for resumes and the predicted time. May be empty. */
  readonly events: readonly StoredEvent[];
}

/**
 * The plan file as it is now, read by the caller (the report builder does no I/O).
 * - `loaded`: `plan` is the normalized plan; `modifiedAt` its file's mtime, to tell a run that predates an edit.
 * - `missing` / `invalid`: the file is gone or no longer loads; `message` says why.
 */
export type ReportPlanInput =
  | {readonly status: 'loaded'; readonly plan: Plan; readonly modifiedAt?: number}
  | {readonly status: 'missing' | 'invalid'; readonly message: string};

export interface ReportInput extends RunRecords {
  /** The previous run of the same plan file, for the before/after table. */
  readonly previous?: RunRecords;
  /** Undefined when the run has no plan file (or the caller did not read it). */
  readonly plan?: ReportPlanInput;
  /** The plan analysis on the run's workers (the caller runs the scheduler: `report/` does not import it). */
  readonly planned?: PlannedTime;
  /** The last lines of attempt log files, by `AttemptRecord.logPath`; the stored output tail is used otherwise. */
  readonly logTails?: ReadonlyMap<string, string>;
  /** The clock: `generatedAt`, and the end of a run still going. */
  readonly now: number;
}

/**
 * Builds the report of a run. Pure: every figure comes from the records passed in, so a test can recompute each
 * one from the database.
 */
export function buildReport(input: ReportInput): Report {
  const {run, tasks, attempts, events, now} = input;
  const plan = input.plan?.status === 'loaded' ? input.plan.plan : undefined;
  const byTask = groupAttempts(attempts);
  const reportTasks = tasks.map((t) => reportTask(t, byTask.get(t.task) ?? [], plan?.tasks.get(t.task), input.logTails));
  const time = reportTime(input, reportTasks);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: now,
    run: {
      id: run.id,
      planName: run.planName,
      planFile: run.planFile ?? null,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt ?? null,
      workers: run.workers,
      resumes: events.filter((e) => e.type === 'run' && e.reason === 'started' && e.resumed).length,
      only: run.options.only ?? null,
      from: run.options.from ?? null,
    },
    plan: reportPlan(input),
    summary: summary(reportTasks, attempts, plan !== undefined),
    time,
    tasks: reportTasks,
    remaining: remaining(tasks),
    comparison: input.previous ? comparison(input) : null,
    gantt: gantt(input),
  };
}

function groupAttempts(attempts: readonly AttemptRecord[]): Map<TaskId, AttemptRecord[]> {
  const out = new Map<TaskId, AttemptRecord[]>();
  for (const a of attempts) {
    const list = out.get(a.task) ?? [];
    list.push(a);
    out.set(a.task, list);
  }
  for (const list of out.values()) list.sort((x, y) => x.attempt - y.attempt);
  return out;
}

function reportTask(t: TaskRecord, records: readonly AttemptRecord[], planTask: Task | undefined, logTails: ReadonlyMap<string, string> | undefined): ReportTask {
  const attempts = records.map((a) => reportAttempt(a, logTails));
  const last = attempts[attempts.length - 1];
  const evidence = evidenceOf(t, records);
  const actualMs = sum(records.map((a) => attemptMs(a) ?? 0));
  const finishedAttempts = records.filter((a) => attemptMs(a) !== undefined).length;
  const estimateMs = planTask?.estimate ? (planTask.estimate.low + planTask.estimate.high) / 2 : null;
  const withChanges = [...records].reverse().find((a) => a.changes !== undefined);
  const withBranch = [...records].reverse().find((a) => a.worktree !== undefined);
  return {
    id: t.task,
    title: t.title,
    position: t.position,
    status: t.status,
    statusText: statusText(t, records, evidence),
    evidence,
    reason: t.reason ?? null,
    message: t.message ?? null,
    needs: t.needs,
    executor: t.executor,
    priority: planTask?.priority ?? null,
    estimateMs,
    estimateText: planTask?.estimate?.text ?? null,
    actualMs,
    estimateRatio: estimateMs !== null && estimateMs > 0 && finishedAttempts > 0 ? actualMs / estimateMs : null,
    criteria: planTask?.criteria ?? [],
    verifyDefined: planTask ? planTask.verify.map((v) => v.name ?? commandText(v.command)) : [],
    returns: planTask?.returns ?? null,
    attempts,
    branch: withBranch?.worktree?.branch ?? null,
    changes: withChanges?.changes ?? null,
    usage: usageTotals(records),
    result: last?.result ?? null,
    startedAt: t.startedAt ?? null,
    finishedAt: t.finishedAt ?? null,
  };
}

function reportAttempt(a: AttemptRecord, logTails: ReadonlyMap<string, string> | undefined): ReportAttempt {
  const fromLog = logTails?.get(a.logPath);
  return {
    attempt: a.attempt,
    worker: a.worker,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt ?? null,
    durationMs: attemptMs(a) ?? null,
    executionMs: a.durationMs ?? null,
    outcome: a.outcome ?? null,
    exitCode: a.exitCode ?? null,
    signal: a.signal ?? null,
    message: a.message ?? null,
    logPath: a.logPath,
    logTail: fromLog ?? a.outputTail ?? null,
    logTailSource: fromLog !== undefined ? 'log-file' : a.outputTail !== undefined ? 'output-tail' : 'none',
    verify: a.verify.map(withoutVerifyHeader),
    result: a.result ?? null,
    usage: a.usage ?? null,
    branch: a.worktree?.branch ?? null,
    changes: a.changes ?? null,
  };
}

/** What stands behind the status: only a succeeded task whose verify commands all exited 0 is `verified`. */
function evidenceOf(t: TaskRecord, records: readonly AttemptRecord[]): Evidence {
  const last = records[records.length - 1];
  if (t.status === 'succeeded') {
    if (!last) return 'gate';
    if (last.outcome !== 'ok') return 'unverified';
    if (last.verify.length === 0) return 'unverified';
    return last.verify.every((v) => v.exitCode === 0 && !v.timedOut) ? 'verified' : 'unverified';
  }
  if (t.status === 'failed' && last?.outcome === 'verify_failed') return 'failed-verification';
  return 'none';
}

function statusText(t: TaskRecord, records: readonly AttemptRecord[], evidence: Evidence): string {
  const last = records[records.length - 1];
  const retried = records.length > 1 ? ` after ${records.length} attempts` : '';
  switch (t.status) {
    case 'succeeded':
      if (evidence === 'gate') return 'gate passed';
      if (evidence === 'verified') {
        const n = last?.verify.length ?? 0;
        return `succeeded, verified (${n} check${n === 1 ? '' : 's'} passed)${retried}`;
      }
      return `completed, unverified${retried}`;
    case 'failed':
      return last?.outcome ? `failed: ${formatOutcome(last.outcome, last.exitCode ?? null)}${retried}` : `failed: ${t.reason ?? 'no attempt ran'}`;
    case 'upstream_failed':
      return 'not run: a dependency failed';
    case 'skipped':
      return `skipped: ${SKIP_REASON[t.reason ?? ''] ?? t.reason ?? 'no reason recorded'}`;
    case 'cancelled':
      return 'cancelled';
    case 'pending':
    case 'ready':
    case 'running':
    case 'retry_wait':
      return `not finished (${t.status})`;
  }
}

const SKIP_REASON: Readonly<Record<string, string>> = {
  'done-in-plan': 'done in the plan',
  'not-selected': 'not selected (--only/--from)',
  'trigger-rule': 'its trigger rule was not met',
};

function usageTotals(records: readonly AttemptRecord[]): UsageTotals {
  const used = records.filter((a) => a.usage !== undefined).map((a) => a.usage!);
  const total = (pick: (u: NonNullable<AttemptRecord['usage']>) => number | undefined): number | null => {
    const values = used.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? sum(values) : null;
  };
  return {costUsd: total((u) => u.costUsd), inputTokens: total((u) => u.inputTokens), outputTokens: total((u) => u.outputTokens), attemptsWithUsage: used.length};
}

function addUsage(parts: readonly UsageTotals[]): UsageTotals {
  const total = (pick: (u: UsageTotals) => number | null): number | null => {
    const values = parts.map(pick).filter((v): v is number => v !== null);
    return values.length ? sum(values) : null;
  };
  return {costUsd: total((u) => u.costUsd), inputTokens: total((u) => u.inputTokens), outputTokens: total((u) => u.outputTokens), attemptsWithUsage: sum(parts.map((u) => u.attemptsWithUsage))};
}

function summary(tasks: readonly ReportTask[], attempts: readonly AttemptRecord[], havePlan: boolean): Report['summary'] {
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const t of tasks) byStatus[t.status]++;
  const attemptsByOutcome = Object.fromEntries([...ATTEMPT_OUTCOMES, 'running'].map((o) => [o, 0])) as Record<AttemptOutcome | 'running', number>;
  for (const a of attempts) attemptsByOutcome[a.outcome ?? 'running']++;
  const ofEvidence = (e: Evidence): number => tasks.filter((t) => t.status === 'succeeded' && t.evidence === e).length;
  const failures: ReportFailure[] = tasks
    .filter((t) => t.status === 'failed')
    .map((t) => {
      const last = t.attempts[t.attempts.length - 1];
      return {
        task: t.id,
        title: t.title,
        message: t.message,
        outcome: last?.outcome ?? null,
        attempt: last?.attempt ?? null,
        exitCode: last?.exitCode ?? null,
        verify: last?.verify ?? [],
        logTail: last?.logTail ?? null,
        logPath: last?.logPath ?? null,
      };
    });
  const withChanges = tasks.filter((t) => t.changes !== null);
  return {
    tasks: tasks.length,
    byStatus,
    succeeded: {total: byStatus.succeeded, verified: ofEvidence('verified'), unverified: ofEvidence('unverified'), gates: ofEvidence('gate')},
    notFinished: byStatus.pending + byStatus.ready + byStatus.running + byStatus.retry_wait,
    attempts: attempts.length,
    attemptsByOutcome,
    succeededAfterRetry: tasks.filter((t) => t.status === 'succeeded' && t.attempts.length > 1).map((t) => t.id),
    byPriority: byPriority(tasks, havePlan),
    failures,
    usage: addUsage(tasks.map((t) => t.usage)),
    changes: {
      commits: sum(withChanges.map((t) => t.changes!.commits.length)),
      filesChanged: sum(withChanges.map((t) => t.changes!.filesChanged)),
      insertions: sum(withChanges.map((t) => t.changes!.insertions)),
      deletions: sum(withChanges.map((t) => t.changes!.deletions)),
      tasksWithChanges: withChanges.length,
    },
  };
}

function byPriority(tasks: readonly ReportTask[], havePlan: boolean): PriorityRow[] {
  const keys: (Priority | 'unknown')[] = [...PRIORITIES, 'unknown'];
  const rows: PriorityRow[] = [];
  for (const key of keys) {
    const of = tasks.filter((t) => (t.priority ?? 'unknown') === key);
    if (of.length === 0 && (key === 'unknown' || !havePlan)) continue;
    const succeeded = of.filter((t) => t.status === 'succeeded').length;
    const failed = of.filter((t) => t.status === 'failed').length;
    rows.push({
      priority: key,
      total: of.length,
      succeeded,
      verified: of.filter((t) => t.status === 'succeeded' && t.evidence === 'verified').length,
      failed,
      other: of.length - succeeded - failed,
      succeededRatio: of.length ? succeeded / of.length : null,
    });
  }
  return rows;
}

function reportTime(input: ReportInput, tasks: readonly ReportTask[]): ReportTime {
  const {run, attempts, events, now} = input;
  const lastEventAt = maxOf(events.map((e) => e.at));
  const wallEnd: ReportTime['wallEnd'] = run.finishedAt !== undefined ? 'finished' : run.status === 'running' ? 'now' : 'last-event';
  const endAt = run.finishedAt ?? (run.status === 'running' ? now : (lastEventAt ?? lastAttemptEnd(attempts) ?? run.startedAt));
  const active = runActiveTime(run, events, now);
  // Without events (older callers), the attempts may outlast the run record: keep the old end then.
  const wallMs = events.length ? active.activeMs : Math.max(0, endAt - run.startedAt);
  const taskTimeMs = sum(attempts.map((a) => attemptMs(a) ?? 0));
  const speedup = wallMs > 0 ? taskTimeMs / wallMs : null;
  const started = events.find((e) => e.type === 'run' && e.reason === 'started');
  const predictedMs = started && started.type === 'run' && started.reason === 'started' ? (started.predictedMs ?? null) : null;
  const actualById = new Map(tasks.map((t) => [t.id, t.actualMs]));
  const compared = tasks.filter((t) => t.estimateRatio !== null);
  const estimatedMs = sum(compared.map((t) => t.estimateMs!));
  const actualMs = sum(compared.map((t) => t.actualMs));
  return {
    wallMs,
    wallEnd,
    spanMs: Math.max(0, endAt - run.startedAt),
    idleMs: events.length ? active.idleMs : 0,
    sessions: events.length ? active.sessions : [{startedAt: run.startedAt, endedAt: run.startedAt + wallMs, end: wallEnd, ms: wallMs}],
    taskTimeMs,
    speedup,
    parallelEfficiency: speedup !== null && run.workers > 0 ? speedup / run.workers : null,
    timeSavedMs: taskTimeMs - wallMs,
    planned: input.planned ?? null,
    predictedMs,
    actualCriticalPath: longestPath(tasks, actualById),
    plannedCriticalPathActualMs: input.planned ? sum(input.planned.criticalPath.map((id) => actualById.get(id) ?? 0)) : null,
    estimates: {tasksCompared: compared.length, estimatedMs, actualMs, ratio: estimatedMs > 0 ? actualMs / estimatedMs : null},
  };
}

/**
 * An attempt's time as the user sees it: from its `attempt started` event to its `attempt finished` event, so the
 * command, its verify commands and the worktree set-up and release all count. The executor's own measure
 * (`AttemptRecord.durationMs`) is used only for an attempt recorded without a finish time; undefined while it runs.
 */
export function attemptMs(a: Pick<AttemptRecord, 'startedAt' | 'finishedAt' | 'durationMs'>): number | undefined {
  if (a.finishedAt !== undefined) return Math.max(0, a.finishedAt - a.startedAt);
  return a.durationMs;
}

/** A verify result's output without the `--- verify: NAME ---` line the runner writes to the log before it. */
function withoutVerifyHeader(v: VerifyResult): VerifyResult {
  const header = /^--- verify: .* ---\r?\n?/;
  return header.test(v.outputTail) ? {...v, outputTail: v.outputTail.replace(header, '')} : v;
}

function lastAttemptEnd(attempts: readonly AttemptRecord[]): number | undefined {
  return maxOf(attempts.map((a) => a.finishedAt ?? (a.durationMs !== undefined ? a.startedAt + a.durationMs : a.startedAt)));
}

/**
 * Task ids so that each comes after its dependencies (Kahn's algorithm, ties in the given order). Dependencies
 * outside the list are ignored; tasks on a cycle (impossible for a valid plan) are left out.
 */
function dependencyOrder(tasks: readonly {readonly id: TaskId; readonly needs: readonly TaskId[]}[]): TaskId[] {
  const ids = new Set(tasks.map((t) => t.id));
  const indegree = new Map<TaskId, number>();
  const dependants = new Map<TaskId, TaskId[]>();
  for (const t of tasks) {
    const needs = t.needs.filter((d) => ids.has(d));
    indegree.set(t.id, needs.length);
    for (const d of needs) {
      const list = dependants.get(d);
      if (list) list.push(t.id);
      else dependants.set(d, [t.id]);
    }
  }
  const order = tasks.filter((t) => indegree.get(t.id) === 0).map((t) => t.id);
  for (let i = 0; i < order.length; i++) {
    for (const next of dependants.get(order[i]!) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  return order;
}

/** The heaviest dependency chain, each task weighted by its measured time. */
function longestPath(tasks: readonly ReportTask[], weight: ReadonlyMap<TaskId, number>): {path: TaskId[]; ms: number} {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map<TaskId, number>();
  const prev = new Map<TaskId, TaskId>();
  let end: TaskId | undefined;
  for (const id of dependencyOrder(tasks)) {
    let start = 0;
    let from: TaskId | undefined;
    for (const d of byId.get(id)!.needs) {
      const f = finish.get(d);
      if (f !== undefined && (from === undefined || f > start)) {
        start = f;
        from = d;
      }
    }
    if (from !== undefined) prev.set(id, from);
    const f = start + (weight.get(id) ?? 0);
    finish.set(id, f);
    if (end === undefined || f > finish.get(end)!) end = id;
  }
  if (end === undefined) return {path: [], ms: 0};
  const path: TaskId[] = [];
  for (let at: TaskId | undefined = end; at !== undefined; at = prev.get(at)) path.unshift(at);
  return {path, ms: finish.get(end)!};
}

/** Done for dependants: succeeded, or skipped as satisfied (done in the plan, or in an earlier run). */
function isDone(t: TaskRecord): boolean {
  return t.status === 'succeeded' || (t.status === 'skipped' && t.satisfied === true);
}

function remaining(tasks: readonly TaskRecord[]): ReportRemaining {
  const byId = new Map(tasks.map((t) => [t.task, t]));
  const notDone = tasks.filter((t) => !isDone(t));
  const unmet = (t: TaskRecord): TaskRecord[] => t.needs.map((d) => byId.get(d)).filter((d): d is TaskRecord => d !== undefined && !isDone(d));
  const ready = notDone.filter((t) => unmet(t).length === 0).map((t) => t.task);
  const readySet = new Set(ready);
  // The not-done ancestors that are not blocked themselves, computed once per task in dependency order (no
  // recursion: blocked chains can be thousands of tasks long).
  const roots = new Map<TaskId, Set<TaskId>>();
  for (const id of dependencyOrder(tasks.map((t) => ({id: t.task, needs: t.needs})))) {
    const t = byId.get(id)!;
    if (isDone(t)) continue;
    const out = new Set<TaskId>();
    for (const d of unmet(t)) {
      if (readySet.has(d.task)) out.add(d.task);
      else for (const r of roots.get(d.task) ?? []) out.add(r);
    }
    roots.set(id, out);
  }
  const rootsOf = (t: TaskRecord): Set<TaskId> => roots.get(t.task) ?? new Set();
  const position = new Map(tasks.map((t, i) => [t.task, i]));
  const blocked: BlockedTask[] = notDone
    .filter((t) => !readySet.has(t.task))
    .map((t) => ({
      task: t.task,
      by: unmet(t).map((d) => ({task: d.task, status: d.status})),
      rootCauses: [...rootsOf(t)].sort((a, b) => position.get(a)! - position.get(b)!),
    }));
  return {notDone: notDone.map((t) => t.task), ready, blocked};
}

function reportPlan(input: ReportInput): ReportPlan {
  const file = input.run.planFile ?? null;
  const p = input.plan;
  if (!p) return {status: 'none', file, notes: file ? ['the plan file was not read: no priorities, estimates or criteria'] : ['the run did not come from a plan file']};
  if (p.status !== 'loaded') return {status: p.status, file, notes: [p.message]};
  const notes: string[] = [];
  const planIds = new Set(p.plan.tasks.keys());
  const runIds = new Set(input.tasks.map((t) => t.task));
  const removed = input.tasks.filter((t) => !planIds.has(t.task)).map((t) => t.task);
  const added = [...planIds].filter((id) => !runIds.has(id));
  if (removed.length) notes.push(`tasks in the run but no longer in the plan: ${removed.join(', ')}`);
  if (added.length) notes.push(`tasks added to the plan since the run: ${added.join(', ')}`);
  for (const t of input.tasks) {
    const now = p.plan.tasks.get(t.task);
    if (!now) continue;
    if (now.title !== t.title) notes.push(`task ${t.task}: title changed from ${JSON.stringify(t.title)} to ${JSON.stringify(now.title)}`);
    const before = [...t.needs].sort().join(',');
    const after = now.needs.map((d) => d.task).sort().join(',');
    if (before !== after) notes.push(`task ${t.task}: dependencies changed from [${before}] to [${after}]`);
  }
  if (p.modifiedAt !== undefined && p.modifiedAt > input.run.startedAt) {
    notes.push('the plan file was modified after the run started: priorities, estimates and criteria shown are the current ones');
  }
  const status: PlanStatus = notes.length ? 'changed' : 'matches';
  return {status, file, notes};
}

function comparison(input: ReportInput): ReportComparison {
  const prev = input.previous!;
  // The previous run is measured the same way, without plan data (its estimates are not compared).
  const before = buildReport({...prev, now: input.now});
  const after = buildReport({run: input.run, tasks: input.tasks, attempts: input.attempts, events: input.events, now: input.now});
  const rows: ReportComparison['rows'] = [
    {metric: 'tasks', unit: 'count', before: before.summary.tasks, after: after.summary.tasks},
    {metric: 'succeeded', unit: 'count', before: before.summary.byStatus.succeeded, after: after.summary.byStatus.succeeded},
    {metric: 'succeeded, verified', unit: 'count', before: before.summary.succeeded.verified, after: after.summary.succeeded.verified},
    {metric: 'failed', unit: 'count', before: before.summary.byStatus.failed, after: after.summary.byStatus.failed},
    {metric: 'upstream_failed (not run: a dependency failed)', unit: 'count', before: before.summary.byStatus.upstream_failed, after: after.summary.byStatus.upstream_failed},
    {metric: 'skipped', unit: 'count', before: before.summary.byStatus.skipped, after: after.summary.byStatus.skipped},
    {metric: 'cancelled', unit: 'count', before: before.summary.byStatus.cancelled, after: after.summary.byStatus.cancelled},
    {metric: 'attempts', unit: 'count', before: before.summary.attempts, after: after.summary.attempts},
    {metric: 'wall time', unit: 'ms', before: before.time.wallMs, after: after.time.wallMs},
    {metric: 'task time (sum of attempts)', unit: 'ms', before: before.time.taskTimeMs, after: after.time.taskTimeMs},
    {metric: 'measured speed-up', unit: 'ratio', before: before.time.speedup, after: after.time.speedup},
    {metric: 'cost', unit: 'usd', before: before.summary.usage.costUsd, after: after.summary.usage.costUsd},
  ];
  const prevStatus = new Map(prev.tasks.map((t) => [t.task, t.status]));
  const nowStatus = new Map(input.tasks.map((t) => [t.task, t.status]));
  const ids = [...new Set([...input.tasks.map((t) => t.task), ...prev.tasks.map((t) => t.task)])];
  const changedTasks = ids
    .map((task) => ({task, before: prevStatus.get(task) ?? null, after: nowStatus.get(task) ?? null}))
    .filter((r) => r.before !== r.after);
  return {previousRun: prev.run.id, previousStatus: prev.run.status, previousStartedAt: prev.run.startedAt, rows, changedTasks};
}

function gantt(input: ReportInput): Report['gantt'] {
  const origin = input.run.startedAt;
  const running = input.run.status === 'running';
  const lastEventAt = maxOf(input.events.map((e) => e.at)) ?? origin;
  const bars: GanttBar[] = input.attempts.map((a) => {
    const end = a.finishedAt ?? (a.durationMs !== undefined ? a.startedAt + a.durationMs : running ? input.now : Math.max(lastEventAt, a.startedAt));
    return {task: a.task, attempt: a.attempt, worker: a.worker, startMs: Math.max(0, a.startedAt - origin), endMs: Math.max(0, end - origin), outcome: a.outcome ?? 'running', exitCode: a.exitCode ?? null};
  });
  bars.sort((x, y) => x.startMs - y.startMs || x.worker - y.worker);
  const endMs = maxOf(bars.map((b) => b.endMs)) ?? 0;
  const lanes = Math.max(input.run.workers, maxOf(bars.map((b) => b.worker + 1)) ?? 0);
  return {originAt: origin, endMs, lanes, bars};
}

/** The largest value, or undefined for none (no spread: runs may have 100k events, beyond the argument limit). */
function maxOf(values: Iterable<number>): number | undefined {
  let m: number | undefined;
  for (const v of values) if (m === undefined || v > m) m = v;
  return m;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
