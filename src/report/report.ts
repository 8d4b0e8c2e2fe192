import type {AttemptOutcome, Priority, RunId, RunStatus, TaskId, TaskStatus, Usage, VerifyResult} from '../model/index.js';
import type {RunnerSession} from './runner-sessions.js';

/**
 * The version of the {@link Report} shape (`paraplan report --format json`). Bumped on any change that removes or
 * renames a field or changes its meaning; adding a field does not bump it.
 */
export const REPORT_SCHEMA_VERSION = 2;
// Version 2: `time.wallMs` is the runner sessions' active time (idle gaps between `--resume`s left out; the old
// figure is `time.spanMs`), and `attempts[].durationMs` is finished − started (the executor's figure is
// `executionMs`). Added: `time.spanMs`, `time.idleMs`, `time.sessions`, `attempts[].executionMs`.

/**
 * A run report: every figure is computed from the stored run (runs, tasks, attempts, events) and, where said, from
 * the plan file as it is now. It is plain JSON data: `paraplan report --format json` prints it as it is, and the
 * Markdown and HTML renderers only format it, so the three formats cannot disagree.
 *
 * Conventions: times are ms since the epoch (`...At`) or ms durations (`...Ms`); ratios are plain numbers (1.5 =
 * 150 %); `null` means "cannot be computed" (no data, or a division by zero), never 0.
 */
export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** When the report was made (the run may still be going). */
  readonly generatedAt: number;
  readonly run: ReportRun;
  readonly plan: ReportPlan;
  readonly summary: ReportSummary;
  readonly time: ReportTime;
  /** Every task of the run, in plan order. */
  readonly tasks: readonly ReportTask[];
  readonly remaining: ReportRemaining;
  /** Against the previous run of the same plan file; null when there is none. */
  readonly comparison: ReportComparison | null;
  readonly gantt: ReportGantt;
}

export interface ReportRun {
  readonly id: RunId;
  readonly planName: string;
  /** Absolute plan file, when the run came from one. */
  readonly planFile: string | null;
  readonly status: RunStatus;
  readonly startedAt: number;
  /** Null while it runs or when it was interrupted. */
  readonly finishedAt: number | null;
  /** Global concurrency (`-j`). */
  readonly workers: number;
  /** How many times it was continued with `--resume` (from the `run started` events). */
  readonly resumes: number;
  /** `--only` / `--from` of the run, when given. */
  readonly only: readonly string[] | null;
  readonly from: string | null;
}

/**
 * How the plan file compares with the run (priorities, estimates, criteria and verify definitions come from it).
 * - `matches`: it has the same tasks, titles and dependencies as the run recorded.
 * - `changed`: it differs (see `notes`); plan-level data is used for the tasks that still exist.
 * - `missing`: the file is gone: no priorities or estimates.
 * - `invalid`: it no longer loads (see `notes`).
 * - `none`: the run did not come from a file, or the caller gave no plan.
 */
export type PlanStatus = 'matches' | 'changed' | 'missing' | 'invalid' | 'none';

export interface ReportPlan {
  readonly status: PlanStatus;
  readonly file: string | null;
  /** Human sentences: what changed, why it could not be read. */
  readonly notes: readonly string[];
}

/** Counts of tasks in each state; every `TaskStatus` is present. */
export type StatusCounts = Readonly<Record<TaskStatus, number>>;

export interface ReportSummary {
  readonly tasks: number;
  readonly byStatus: StatusCounts;
  /**
   * Succeeded tasks split by their evidence: `verified` (every verify command ran and exited 0), `unverified`
   * (the command exited 0 and there was no verify command: "completed, unverified"), `gates` (coordination
   * points with nothing to run). `verified + unverified + gates = byStatus.succeeded`.
   */
  readonly succeeded: {readonly total: number; readonly verified: number; readonly unverified: number; readonly gates: number};
  /** Tasks in `pending`, `ready`, `running` or `retry_wait`. */
  readonly notFinished: number;
  /** Attempts, and how they ended (`running` for those without an outcome yet). */
  readonly attempts: number;
  readonly attemptsByOutcome: Readonly<Record<AttemptOutcome | 'running', number>>;
  /** Tasks that needed more than one attempt and then succeeded. */
  readonly succeededAfterRetry: readonly TaskId[];
  /** Completion per priority (from the plan; `unknown` when the plan could not be read). */
  readonly byPriority: readonly PriorityRow[];
  /** `failed` tasks first, with the evidence of their last attempt. */
  readonly failures: readonly ReportFailure[];
  readonly usage: UsageTotals;
  /** Sum over tasks of their last recorded changes. */
  readonly changes: {readonly commits: number; readonly filesChanged: number; readonly insertions: number; readonly deletions: number; readonly tasksWithChanges: number};
}

export interface PriorityRow {
  readonly priority: Priority | 'unknown';
  readonly total: number;
  readonly succeeded: number;
  readonly verified: number;
  readonly failed: number;
  /** `upstream_failed`, `skipped`, `cancelled` and not finished, together. */
  readonly other: number;
  /** succeeded / total, null for an empty row. */
  readonly succeededRatio: number | null;
}

export interface ReportFailure {
  readonly task: TaskId;
  readonly title: string;
  /** The task's message: `exit code 2: make test`. */
  readonly message: string | null;
  /** The last attempt's outcome. */
  readonly outcome: AttemptOutcome | null;
  readonly attempt: number | null;
  readonly exitCode: number | null;
  readonly verify: readonly VerifyResult[];
  /** The last lines of its log. */
  readonly logTail: string | null;
  readonly logPath: string | null;
}

export interface UsageTotals {
  /** Null when no attempt reported a cost. */
  readonly costUsd: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Attempts that reported usage at all. */
  readonly attemptsWithUsage: number;
}

export interface ReportTime {
  /**
   * Wall time of the run: the sum of its runner sessions' active time (`sessions`), each from its `run started`
   * event to its `finished` / `interrupted` / last event (or `generatedAt` while it runs). The idle time between
   * an interrupted session and its `--resume` is not counted (it is `idleMs`).
   *
   * Changed meaning: before `sessions` existed, this was finish − start, idle gaps included; that figure is now
   * `spanMs`. For a run with one session both are the same.
   */
  readonly wallMs: number;
  /** Where the run's record ends: `finished`, `last-event` (interrupted), `now` (still running). */
  readonly wallEnd: 'finished' | 'last-event' | 'now';
  /** finish − start of the run (its last event when it did not finish): idle gaps between sessions included. */
  readonly spanMs: number;
  /** Time between runner sessions, when nobody ran the run: not part of `wallMs`. 0 for one session. */
  readonly idleMs: number;
  /** The runner sessions: the first run, then one per `--resume`. */
  readonly sessions: readonly RunnerSession[];
  /** Sum of every attempt's time (`ReportAttempt.durationMs`, retries included): what one worker would have spent. */
  readonly taskTimeMs: number;
  /** taskTimeMs / wallMs: how many attempts ran at once on average (idle gaps excluded). Null when wallMs is 0. */
  readonly speedup: number | null;
  /** speedup / workers. */
  readonly parallelEfficiency: number | null;
  /** taskTimeMs − wallMs: the time parallel work saved over running the same attempts one by one. */
  readonly timeSavedMs: number;
  /** From the plan analysis (estimates) on the run's workers; null without the plan. */
  readonly planned: PlannedTime | null;
  /** The engine's predicted wall time when the run started (`run started` event), when recorded. */
  readonly predictedMs: number | null;
  /** The longest chain of dependencies, weighted by measured task times. */
  readonly actualCriticalPath: {readonly path: readonly TaskId[]; readonly ms: number};
  /** The planned critical path's tasks, weighted by measured task times (null without a plan). */
  readonly plannedCriticalPathActualMs: number | null;
  /** Over tasks with both an estimate and at least one finished attempt. */
  readonly estimates: {readonly tasksCompared: number; readonly estimatedMs: number; readonly actualMs: number; readonly ratio: number | null};
}

export interface PlannedTime {
  readonly workers: number;
  /** Best schedule on `workers` workers. */
  readonly makespanMs: number;
  /** Sum of estimates. */
  readonly sequentialMs: number;
  readonly criticalPath: readonly TaskId[];
  readonly criticalPathMs: number;
  /** Tasks without an estimate, counted at the plan's default estimate in these figures. */
  readonly defaultEstimateTasks: number;
  readonly defaultEstimateMs: number;
}

/**
 * What stands behind a task's status.
 * - `verified`: succeeded, and every verify command of the last attempt exited 0.
 * - `unverified`: succeeded without verify commands ("completed, unverified").
 * - `gate`: a gate that passed: nothing to run.
 * - `failed-verification`: the command passed and a verify command did not.
 * - `none`: any other state.
 */
export type Evidence = 'verified' | 'unverified' | 'gate' | 'failed-verification' | 'none';

export interface ReportTask {
  readonly id: TaskId;
  readonly title: string;
  readonly position: number;
  readonly status: TaskStatus;
  /** The wording the report uses: `succeeded, verified (2 checks)`, `completed, unverified`, `failed: timeout`. */
  readonly statusText: string;
  readonly evidence: Evidence;
  readonly reason: string | null;
  readonly message: string | null;
  readonly needs: readonly TaskId[];
  readonly executor: string;
  /** From the plan (null when it could not be read or no longer has the task). */
  readonly priority: Priority | null;
  readonly estimateMs: number | null;
  readonly estimateText: string | null;
  /** Sum of its attempts' times (`ReportAttempt.durationMs`: finished − started). */
  readonly actualMs: number;
  /** actualMs / estimateMs, for a task with an estimate and a finished attempt. */
  readonly estimateRatio: number | null;
  readonly criteria: readonly string[];
  /** Verify commands the plan defines (what the evidence should show). */
  readonly verifyDefined: readonly string[];
  /** What the plan asked the task to return. */
  readonly returns: string | null;
  readonly attempts: readonly ReportAttempt[];
  /** From the last attempt that recorded them. */
  readonly branch: string | null;
  readonly changes: {readonly commits: readonly string[]; readonly filesChanged: number; readonly insertions: number; readonly deletions: number} | null;
  readonly usage: UsageTotals;
  /** What the last attempt returned. */
  readonly result: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export interface ReportAttempt {
  readonly attempt: number;
  /** The worker slot that ran it, from 0 as in the events; reports display it from 1 ("worker 1"). */
  readonly worker: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  /**
   * The attempt's time: finishedAt − startedAt, so its command, its verify commands and its worktree set-up all
   * count. `paraplan status` shows the same figure. Null while it runs. (Changed meaning: this used to be the
   * executor's measure, now `executionMs`.)
   */
  readonly durationMs: number | null;
  /** The executor's own measure of the command and verify commands (the `attempt finished` event's `durationMs`). */
  readonly executionMs: number | null;
  /** Null while it runs. */
  readonly outcome: AttemptOutcome | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly message: string | null;
  readonly logPath: string;
  /** The last lines of its log file, else its stored output tail. */
  readonly logTail: string | null;
  readonly logTailSource: 'log-file' | 'output-tail' | 'none';
  /** Its verify results; `outputTail` is the command's own output (the log's `--- verify: NAME ---` line removed). */
  readonly verify: readonly VerifyResult[];
  readonly result: string | null;
  readonly usage: Usage | null;
  readonly branch: string | null;
  readonly changes: {readonly commits: readonly string[]; readonly filesChanged: number; readonly insertions: number; readonly deletions: number} | null;
}

export interface ReportRemaining {
  /** Tasks that did not succeed (satisfied skips excluded: they count as done for dependants). */
  readonly notDone: readonly TaskId[];
  /** Not done and every dependency is done: these can start next. */
  readonly ready: readonly TaskId[];
  /** Not done and waiting on a dependency that is not done. */
  readonly blocked: readonly BlockedTask[];
}

export interface BlockedTask {
  readonly task: TaskId;
  /** Direct dependencies that are not done, with their state. */
  readonly by: readonly {readonly task: TaskId; readonly status: TaskStatus}[];
  /** The not-done ancestors that are themselves not blocked: fix these first. */
  readonly rootCauses: readonly TaskId[];
}

export interface ReportComparison {
  readonly previousRun: RunId;
  readonly previousStatus: RunStatus;
  readonly previousStartedAt: number;
  /** Before/after figures; `before` and `after` use the same unit (`unit`). */
  readonly rows: readonly {readonly metric: string; readonly unit: 'count' | 'ms' | 'ratio' | 'usd'; readonly before: number | null; readonly after: number | null}[];
  /** Tasks whose status differs, and tasks only in one run (`null`). */
  readonly changedTasks: readonly {readonly task: TaskId; readonly before: TaskStatus | null; readonly after: TaskStatus | null}[];
}

export interface ReportGantt {
  /** The run start: bar times are ms after it. */
  readonly originAt: number;
  readonly endMs: number;
  readonly lanes: number;
  readonly bars: readonly GanttBar[];
}

export interface GanttBar {
  readonly task: TaskId;
  readonly attempt: number;
  /** The worker slot (a lane), from 0; charts label it from 1 ("worker 1"). */
  readonly worker: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: AttemptOutcome | 'running';
  /** The attempt's exit code (null: killed by a signal, or still running). */
  readonly exitCode: number | null;
}
