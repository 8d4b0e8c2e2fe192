import type {AttemptId, RunId, TaskId} from './ids.js';

/**
 * The state of a task within a run.
 * - `pending`: waiting for dependencies.
 * - `ready`: dependencies allow it; waiting for a worker slot.
 * - `running`: an attempt is executing (its command, then its verify commands).
 * - `retry_wait`: an attempt failed with a retryable outcome; the next starts after a backoff.
 * - `succeeded`: the command exited 0 and every verify command exited 0 (or a gate whose dependencies allowed it).
 * - `failed`: the last attempt failed and no retry is left.
 * - `upstream_failed`: a dependency ended so that the trigger rule can never be met.
 * - `skipped`: not run on purpose (`--only`, `--from`, done in the plan, trigger rule skipped it).
 * - `cancelled`: the run was cancelled before the task finished.
 */
export type TaskStatus =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retry_wait'
  | 'succeeded'
  | 'failed'
  | 'upstream_failed'
  | 'skipped'
  | 'cancelled';
export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'ready', 'running', 'retry_wait', 'succeeded', 'failed', 'upstream_failed', 'skipped', 'cancelled'];

/** True for states a task does not leave without `clear` or `--resume`. */
export function finished(status: TaskStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'upstream_failed' || status === 'skipped' || status === 'cancelled';
}

/**
 * How one attempt ended.
 * - `ok`: command and verification passed.
 * - `exit_nonzero`: the command exited non-zero (or was killed by a signal it did not ask for).
 * - `timeout`: the attempt ran past its timeout and was terminated.
 * - `verify_failed`: the command passed, a verify command did not.
 * - `lost`: the runner died while the attempt ran (found on resume).
 * - `cancelled`: the run was cancelled while the attempt ran.
 * - `spawn_error`: the command could not be started (missing binary, missing cwd).
 */
export type AttemptOutcome = 'ok' | 'exit_nonzero' | 'timeout' | 'verify_failed' | 'lost' | 'cancelled' | 'spawn_error';
export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ['ok', 'exit_nonzero', 'timeout', 'verify_failed', 'lost', 'cancelled', 'spawn_error'];

/** Outcomes retried by default when a task has retries left. */
export const DEFAULT_RETRY_ON: readonly AttemptOutcome[] = ['exit_nonzero', 'timeout', 'verify_failed', 'lost'];

/**
 * The state of a run.
 * - `running`: a runner holds its lease.
 * - `succeeded`: every selected task succeeded (or was done already).
 * - `failed`: at least one task failed or could not run because of a failure.
 * - `cancelled`: stopped by `paraplan cancel` or Ctrl-C.
 * - `interrupted`: found `running` with an expired lease (the runner died); `--resume` continues it.
 */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

/** The result of one verify command: the evidence behind a task's success. */
export interface VerifyResult {
  readonly name: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly timedOut?: boolean;
  readonly durationMs: number;
  /** The last part of its combined output. */
  readonly outputTail: string;
}

/** Tokens and money an attempt used (agents and LLM APIs). */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly costUsd?: number;
  readonly model?: string;
}
