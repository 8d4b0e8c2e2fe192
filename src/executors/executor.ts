import type {AttemptOutcome, Diagnostic, ExecutorKind, ExecutorProfile, Plan, Task, TaskId, Usage} from '../model/index.js';

/** What an executor is asked to do: one attempt of one task. */
export interface ExecutionRequest {
  readonly plan: Plan;
  readonly task: Task;
  readonly profile: ExecutorProfile;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** The folder to run in: the task's worktree, or its cwd resolved against the plan's folder. */
  readonly cwd: string;
  /** The full environment for the child (already merged: process env, plan env, task env, PARAPLAN_* vars). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Append the attempt's output here (the executor owns the file while it runs). */
  readonly logPath: string;
  /** Fires on cancel. Timeouts are the executor's job (it knows what it spawned), using `timeoutMs`. */
  readonly signal: AbortSignal;
  readonly timeoutMs?: number;
  /** What the task's dependencies returned (for agent prompts), in dependency order. */
  readonly upstream: readonly {readonly task: TaskId; readonly title: string; readonly result?: string}[];
  /** Called when the child process starts (the engine records the pid before anything else happens). */
  readonly onSpawn?: (pid: number) => void;
}

/** How an execution ended. Verification is not part of it: the engine runs verify commands after. */
export interface ExecutionResult {
  /** One of `ok`, `exit_nonzero`, `timeout`, `cancelled`, `spawn_error` (never `verify_failed` or `lost`). */
  readonly outcome: Exclude<AttemptOutcome, 'verify_failed' | 'lost'>;
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly pid?: number;
  readonly durationMs: number;
  /** The last part of the combined output (the log file has it all, up to its cap). */
  readonly outputTail: string;
  /** A one-line explanation for failures: `Command timed out after 600000 milliseconds: make test`. */
  readonly message?: string;
  /** What the task returned: an agent's final answer, an LLM's response. */
  readonly result?: string;
  readonly usage?: Usage;
  /** The agent or API said it is rate-limited or out of quota: the engine pauses instead of burning retries. */
  readonly limited?: {readonly until?: number; readonly reason: string};
}

/** Runs one kind of task. Implementations: shell (a command), agent (a coding-agent CLI), llm (an API). */
export interface Executor {
  readonly kind: ExecutorKind;
  /**
   * Checks, before anything runs, that every task this executor will get can run: binaries on PATH, API keys
   * in the environment. Returns one diagnostic per affected task.
   */
  preflight?(tasks: readonly Task[], plan: Plan, env: Readonly<Record<string, string | undefined>>): Promise<Diagnostic[]>;
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
}

/**
 * The profile of a task in an executor's preflight: undefined when it is of another kind, or when the plan has none
 * (then reported as `unknown-executor`).
 */
export function preflightProfile(task: Task, plan: Plan, kind: ExecutorKind, out: Diagnostic[]): ExecutorProfile | undefined {
  const profile = plan.executors.get(task.executor);
  if (!profile) {
    out.push({severity: 'error', code: 'unknown-executor', message: `task "${task.id}": no executor profile "${task.executor}"; define it under executors:`, ...(task.location ? {location: task.location} : {})});
    return undefined;
  }
  return profile.kind === kind ? profile : undefined;
}
