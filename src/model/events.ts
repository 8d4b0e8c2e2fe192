import type {RunId, TaskId} from './ids.js';
import type {AttemptOutcome, RunStatus, TaskStatus, Usage, VerifyResult} from './run.js';

/**
 * What happened during a run, in order. One stream feeds every sink: the store (which derives its tables from
 * it, in the same transaction), the terminal view, `--json` (one event per line), reports and the dashboard.
 *
 * Events are tagged twice: `type` is the family (`run`, `task`, `attempt`), `reason` the case. Every event
 * carries the run id and `at` (ms since the epoch). `seq` is set by the store: 1, 2, 3... per run, with no gaps,
 * so a reader can resume after the last one it saw (SSE `id`).
 */
export type RunEvent = RunLifecycleEvent | TaskEvent | AttemptEvent;

/** Fields every event has. */
export interface EventBase {
  readonly run: RunId;
  /** When it happened, in ms since the epoch. */
  readonly at: number;
}

/** An event as stored: with its sequence number in the run. */
export type StoredEvent = RunEvent & {readonly seq: number};

/**
 * The run as a whole.
 * - `started`: a runner took the run (a new one, or `--resume`; `resumed` tells them apart).
 * - `cancel-requested`: `paraplan cancel` or Ctrl-C asked the runner to stop.
 * - `interrupted`: the run was found `running` with an expired lease or a dead runner: it did not finish.
 * - `finished`: the runner is done; `status` is final until the next `--resume`.
 */
export type RunLifecycleEvent =
  | (EventBase & {
      readonly type: 'run';
      readonly reason: 'started';
      readonly resumed: boolean;
      readonly planName: string;
      readonly planFile?: string;
      /** Tasks in the plan. */
      readonly tasks: number;
      /** Global concurrency (`-j`). */
      readonly workers: number;
      /** The scheduler's predicted wall time for what is left to do, in ms (plan estimates), when known. */
      readonly predictedMs?: number;
      /** The runner's process id and host. */
      readonly pid: number;
      readonly host: string;
    })
  | (EventBase & {readonly type: 'run'; readonly reason: 'cancel-requested'; readonly by: 'command' | 'signal' | 'lease-lost'; readonly force?: boolean})
  | (EventBase & {readonly type: 'run'; readonly reason: 'interrupted'; readonly message: string})
  | (EventBase & {
      readonly type: 'run';
      readonly reason: 'finished';
      readonly status: Exclude<RunStatus, 'running' | 'interrupted'>;
      /** How many tasks ended in each status. */
      readonly counts: Readonly<Partial<Record<TaskStatus, number>>>;
      /** Wall time of this runner session, in ms. */
      readonly durationMs: number;
      /** Why the run stopped early, when it did (`budget exceeded: spent $2.01 of $2`). */
      readonly message?: string;
    });

/**
 * A task changed state. `status` is the new state, `reason` says why (kebab-case, stable):
 * - `ready`: `dependencies-met` (or `no-dependencies`).
 * - `running`: never sent as a task event: an attempt `started` event puts the task in `running`.
 * - `succeeded`: `attempt-ok`, `gate-passed`.
 * - `retry_wait`: `retry-scheduled` (`retryAt` says when).
 * - `failed`: `attempt-failed` (no retry left, or the outcome is not retryable), `preparation-failed`.
 * - `upstream_failed`: `upstream-failed` (the trigger rule can never be met).
 * - `skipped`: `done-in-plan`, `not-selected`, `trigger-rule`.
 * - `cancelled`: `run-cancelled`, `fail-fast`.
 * - `pending`: `reset` (`paraplan clear`, or `--resume` re-running it).
 */
export interface TaskEvent extends EventBase {
  readonly type: 'task';
  readonly reason: string;
  readonly task: TaskId;
  readonly status: TaskStatus;
  /** A human sentence: `exit code 2: make test`, `done in the plan`, `dependency "build" failed`. */
  readonly message?: string;
  /** For `retry_wait`: when the next attempt may start (ms since the epoch). */
  readonly retryAt?: number;
  /**
   * For `skipped`: true when dependants may treat it as done (done in the plan, or succeeded in an earlier run),
   * false when dependants with `all_success` must be skipped too.
   */
  readonly satisfied?: boolean;
}

/**
 * One attempt of one task.
 * - `started`: recorded before anything is spawned (so a crash leaves it visible, and resume marks it `lost`).
 * - `prepared`: the task's git worktree is ready (its path, branch and base are what `merge` and `--resume` use).
 * - `spawned`: the process started (its pid is what a cancel or a resume kills).
 * - `finished`: the command ended and verification ran; `outcome` is final.
 */
export type AttemptEvent =
  | (EventBase & {
      readonly type: 'attempt';
      readonly reason: 'started';
      readonly task: TaskId;
      /** From 1, counting every attempt of the task in this run (resumes included). */
      readonly attempt: number;
      /** Which worker slot ran it, from 0. */
      readonly worker: number;
      /** Where its output goes, relative to the state folder. */
      readonly logPath: string;
      /** The task's git worktree, when it has one. */
      readonly worktree?: {readonly path: string; readonly branch: string; readonly base: string};
    })
  | (EventBase & {
      readonly type: 'attempt';
      readonly reason: 'prepared';
      readonly task: TaskId;
      readonly attempt: number;
      readonly worktree: {readonly path: string; readonly branch: string; readonly base: string};
    })
  | (EventBase & {readonly type: 'attempt'; readonly reason: 'spawned'; readonly task: TaskId; readonly attempt: number; readonly pid: number})
  | (EventBase & {
      readonly type: 'attempt';
      readonly reason: 'finished';
      readonly task: TaskId;
      readonly attempt: number;
      readonly outcome: AttemptOutcome;
      readonly exitCode: number | null;
      readonly signal?: string;
      readonly durationMs: number;
      /** One line for failures: `Command failed with exit code 2: make test`. */
      readonly message?: string;
      /** The last part of the output (command, then verify commands). */
      readonly outputTail?: string;
      /** The verify commands' results: the evidence behind an `ok`. Empty when none ran. */
      readonly verify: readonly VerifyResult[];
      /** What the task returned (agents, LLMs). */
      readonly result?: string;
      readonly usage?: Usage;
      /** What the task changed in its worktree. */
      readonly changes?: {readonly commits: readonly string[]; readonly filesChanged: number; readonly insertions: number; readonly deletions: number};
    });

/** Events of one type, for narrowing: `EventOf<'attempt'>`. */
export type EventOf<T extends RunEvent['type']> = Extract<RunEvent, {type: T}>;
