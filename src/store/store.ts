/**
 * The run store: everything a run did, written as it happens, so a crash, a Ctrl-C or a reboot loses nothing.
 *
 * The default implementation is SQLite (`sqlite-store.ts`, file `.paraplan/paraplan.db`, WAL mode). Tables:
 *
 * - `runs`: one row per run: id, plan name and file, status (`RunStatus`), start and finish times, workers,
 *   the options it was started with (JSON), its lease (owner token, pid, host, expiry) and a cancel request.
 * - `tasks`: one row per (run, task): the task's title, position and dependencies as of the run's start, its
 *   current status (`TaskStatus`) with a reason and a message, how many attempts it had, start/finish times.
 * - `attempts`: one row per (run, task, attempt number): worker slot, pid, start/end, exit code, signal,
 *   outcome (`AttemptOutcome`; NULL while running), log file (relative to the state folder), output tail,
 *   verify results (the evidence), result and usage (agents), worktree and changes.
 * - `events`: the append-only `RunEvent` log, `seq` 1, 2, 3... per run. Everything above is derived from it in
 *   the same transaction ({@link RunStore.append}), so the tables never disagree with the log.
 *
 * How to read a run (reports, dashboard): `latestRun()` or `getRun(id)` → `tasks(run)` for the final state of
 * every task → `attempts(run)` for the evidence → `events(run, {after})` for the timeline (poll `after` the last
 * seq seen to follow a live run). Log files are at `<stateDir>/<attempt.logPath>`.
 *
 * Writes are atomic: a state change is committed before the engine announces it (terminal, `--json`) or acts on
 * it (spawns a process). The interface is asynchronous so that a shared database can replace SQLite later.
 */
import type {AttemptOutcome, Result, RunEvent, RunId, RunStatus, StoredEvent, TaskId, TaskStatus, Usage, VerifyResult} from '../model/index.js';

/** The options a run was started with, kept so `--resume` can continue with the same ones. */
export interface RunOptions {
  /** `--only`: the selected task ids, when given. */
  readonly only?: readonly string[];
  /** `--from`: the task the run started from, when given. */
  readonly from?: string;
  readonly failFast: boolean;
  readonly redoDone: boolean;
  /** `--retries` override, when given. */
  readonly retries?: number;
}

/** Who holds a run: a runner process. */
export interface Lease {
  /** A random token of the runner session. */
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  /** When the lease lapses unless renewed (ms since the epoch). */
  readonly expiresAt: number;
}

export interface RunRecord {
  readonly id: RunId;
  readonly planName: string;
  /** Absolute path of the plan file, when it came from a file. */
  readonly planFile?: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  /** Set when the run finished; cleared when it is resumed. */
  readonly finishedAt?: number;
  readonly workers: number;
  readonly options: RunOptions;
  /** The current or last lease; undefined once released. */
  readonly lease?: Lease;
  /** Set by `paraplan cancel`; the runner polls it. */
  readonly cancelRequestedAt?: number;
  /** The number of tasks. */
  readonly taskCount: number;
}

export interface TaskRecord {
  readonly run: RunId;
  readonly task: TaskId;
  /** Position in the plan, from 0. */
  readonly position: number;
  readonly title: string;
  /** Dependencies as of the run's start. */
  readonly needs: readonly TaskId[];
  /** The executor profile name. */
  readonly executor: string;
  readonly status: TaskStatus;
  /** The kebab-case reason of the last change (see `TaskEvent`). */
  readonly reason?: string;
  readonly message?: string;
  /** For `skipped`: whether dependants may count it as done. */
  readonly satisfied?: boolean;
  /** Attempts so far (resumes included). */
  readonly attempts: number;
  /** First attempt start, last finish. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly retryAt?: number;
  readonly updatedAt: number;
}

export interface AttemptRecord {
  readonly run: RunId;
  readonly task: TaskId;
  /** From 1. */
  readonly attempt: number;
  readonly worker: number;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly pid?: number;
  readonly exitCode?: number | null;
  readonly signal?: string;
  /** Undefined while it runs. */
  readonly outcome?: AttemptOutcome;
  readonly durationMs?: number;
  /** Relative to the state folder: `logs/<run>/<task>.<attempt>.log`. */
  readonly logPath: string;
  readonly outputTail?: string;
  readonly message?: string;
  readonly verify: readonly VerifyResult[];
  readonly result?: string;
  readonly usage?: Usage;
  readonly worktree?: {readonly path: string; readonly branch: string; readonly base: string};
  readonly changes?: {readonly commits: readonly string[]; readonly filesChanged: number; readonly insertions: number; readonly deletions: number};
}

/** A new run, with its runner's lease. */
export interface NewRun {
  readonly id: RunId;
  readonly planName: string;
  readonly planFile?: string;
  readonly workers: number;
  readonly options: RunOptions;
  readonly startedAt: number;
  readonly lease: Lease;
  readonly tasks: readonly NewTask[];
}

export interface NewTask {
  readonly task: TaskId;
  readonly position: number;
  readonly title: string;
  readonly needs: readonly TaskId[];
  readonly executor: string;
}

/** Why a lease could not be taken. */
export interface LeaseConflict {
  readonly reason: 'held' | 'no-such-run';
  /** The holder, for the message. */
  readonly lease?: Lease;
  readonly message: string;
}

/** What a runner learns on each heartbeat. */
export interface Heartbeat {
  /** False when another runner took the run over: stop at once. */
  readonly held: boolean;
  readonly cancelRequested: boolean;
}

/**
 * Where runs are kept. Implementations: SQLite (`sqliteStore`); later a shared database. Every method may be
 * called from several processes at once (a runner, `paraplan cancel`, `paraplan status`).
 */
export interface RunStore {
  /** Creates a run with its tasks (all `pending`) and the runner's lease. */
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: RunId): Promise<RunRecord | undefined>;
  /** The most recently started run. */
  latestRun(): Promise<RunRecord | undefined>;
  /** Runs, newest first. @default limit 50 */
  listRuns(options?: {readonly limit?: number}): Promise<RunRecord[]>;
  /** Every task of a run, in plan order. */
  tasks(run: RunId): Promise<TaskRecord[]>;
  /** Attempts of a run (of one task when given), by task position then attempt number. */
  attempts(run: RunId, task?: TaskId): Promise<AttemptRecord[]>;
  /** Events of a run in order, after `after` (a seq; 0 for all), at most `limit`. */
  events(run: RunId, options?: {readonly after?: number; readonly limit?: number}): Promise<StoredEvent[]>;
  /**
   * Appends events and applies them to the tables, all in one transaction; returns them with their `seq`.
   * Events of several runs may be mixed.
   */
  append(events: readonly RunEvent[]): Promise<StoredEvent[]>;
  /**
   * Takes the run for a runner: refused while another live runner holds it. A lease that expired, or whose
   * holder is a dead process on this host, is taken over at once.
   */
  acquireLease(run: RunId, lease: Lease, now: number): Promise<Result<RunRecord, LeaseConflict>>;
  /** Renews the lease (when still held) and reports a pending cancel request. */
  heartbeat(run: RunId, owner: string, expiresAt: number): Promise<Heartbeat>;
  releaseLease(run: RunId, owner: string): Promise<void>;
  /** Asks the runner of a run to cancel. False when the run is not running. */
  requestCancel(run: RunId, at: number): Promise<boolean>;
  /**
   * Of `tasks`, those that ended `succeeded` (or `skipped` as satisfied) in the latest run of the same plan
   * file where they did, other than `except`: what `--only`/`--from` count as already done.
   */
  doneEarlier(planFile: string, tasks: readonly TaskId[], except?: RunId): Promise<Set<TaskId>>;
  close(): void;
}
