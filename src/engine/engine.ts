import {isAbsolute, join} from 'node:path';
import type {
  AttemptOutcome,
  Diagnostic,
  ExecutorProfile,
  Plan,
  Result,
  RunEvent,
  RunId,
  RunStatus,
  StoredEvent,
  Task,
  TaskId,
  TaskStatus,
  Usage,
  VerifyResult,
} from '../model/index.js';
import {err, finished, ok} from '../model/index.js';
import type {ExecutionResult} from '../executors/executor.js';
import type {AttemptRecord, Lease, RunOptions, RunRecord, RunStore, TaskRecord} from '../store/store.js';
import type {TaskWorkspace, WorkspaceChanges, WorkspaceProvider} from '../workspace/workspace.js';
import {backoffDelay, DEFAULT_BACKOFF, type BackoffOptions} from './backoff.js';
import {Deferred} from './deferred.js';
import type {Dispatcher} from './dispatcher.js';
import {ReadyQueue} from './ready-queue.js';
import {countFinished, decideTrigger, emptyCounts, type DependencyCounts} from './trigger.js';

/** Slots of the `agent` pool when the plan does not declare it. */
export const DEFAULT_AGENT_POOL_SLOTS = 2;
/** How long a runner's lease lasts unless renewed. */
export const DEFAULT_LEASE_MS = 30_000;

/**
 * What to do once a task fails (wireit `FailureMode`).
 * - `continue`: keep running everything that is not downstream of a failure (the default).
 * - `no-new`: start nothing new; let running tasks finish (`--fail-fast`).
 */
export type FailureMode = 'continue' | 'no-new';

/** Spending limits of a run (the plan's `budget:`) and of its tasks (`budgetUsd`). */
export interface BudgetCheck {
  /** Why the run's spend so far (every attempt's usage, earlier sessions included) stops new work; else undefined. */
  run(usages: readonly Usage[]): string | undefined;
  /** Why a task's spend so far (its attempts' usage) rules out another attempt; else undefined. */
  task(task: Task, profile: ExecutorProfile, usages: readonly Usage[]): string | undefined;
}

/** Which run to carry out: a new one, or an existing one to continue (`--resume`). */
export type RunTarget = {readonly kind: 'new'; readonly id: RunId} | {readonly kind: 'resume'; readonly id: RunId};

export interface EngineOptions {
  readonly plan: Plan;
  /** Absolute folder of the plan file: task `cwd`s are relative to it. */
  readonly planDir: string;
  /** Absolute path of the plan file, recorded with the run (so `--resume` and `--only` find its runs). */
  readonly planFile?: string;
  /** Absolute state folder: logs go below it. */
  readonly stateDir: string;
  readonly store: RunStore;
  readonly dispatcher: Dispatcher;
  /** Needed for tasks with `workspace: worktree`; without it such a plan is refused in preflight. */
  readonly workspace?: WorkspaceProvider;
  /** Whether a task's worktree stays once the task ended (the plan's `workspace.cleanup`). @default failed ones stay */
  readonly keepWorktree?: (succeeded: boolean) => boolean;
  /** For each task, the tasks it must not run at the same time as (overlapping `files`). Absent: no such limit. */
  readonly conflicts?: ReadonlyMap<TaskId, ReadonlySet<TaskId>>;
  /** Spending limits, checked after every attempt that reported usage. Absent: unlimited. */
  readonly budget?: BudgetCheck;
  readonly target: RunTarget;
  /** Options of a new run (ignored on resume: the run's own are used). */
  readonly runOptions: RunOptions;
  /** `--only`/`--from` of a new run; undefined runs everything. */
  readonly selection?: Selection;
  /** Global concurrency (`-j`). */
  readonly workers: number;
  /** Dispatch order among ready tasks, 0 first (the scheduler's `dispatchRank`). */
  readonly rank: ReadonlyMap<TaskId, number>;
  /** The scheduler's predicted makespan in ms (plan estimates), for the ETA. */
  readonly predictedMs?: number;
  /** The environment children start from (the task's `env` and `PARAPLAN_*` are added). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative log path of an attempt (the store's layout). */
  readonly logPathFor: (run: RunId, task: TaskId, attempt: number) => string;
  /** Kills the process tree of an attempt a dead runner left behind (before it is retried). */
  readonly killOrphan?: (pid: number) => Promise<void>;
  /** @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffOptions;
  /** @default DEFAULT_LEASE_MS */
  readonly leaseMs?: number;
  /** How often the lease is renewed and a cancel request looked for. @default min(1000, leaseMs / 3) */
  readonly heartbeatMs?: number;
  /** This runner, for the lease. */
  readonly pid: number;
  readonly host: string;
  /** Receives every event after it is committed. Must not throw. */
  readonly onEvent?: (event: StoredEvent) => void;
  /** Test seams. */
  readonly now?: () => number;
  readonly random?: () => number;
}

/** How a run session ended. */
export interface RunSummary {
  readonly run: RunId;
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>;
  readonly counts: Readonly<Partial<Record<TaskStatus, number>>>;
  readonly durationMs: number;
  /** Why the run stopped early, when it did (a budget). */
  readonly message?: string;
}

/**
 * Why a run could not start (nothing was run).
 * - `preflight`: the plan cannot be carried out as it is (exit code 2).
 * - `lease`: another live runner holds the run.
 * - `resume`: there is nothing to resume, or the plan changed.
 */
export type EngineError =
  | {readonly kind: 'preflight'; readonly diagnostics: readonly Diagnostic[]}
  | {readonly kind: 'lease'; readonly message: string}
  | {readonly kind: 'resume'; readonly message: string};

/** A task's state during the run. */
interface TaskRuntime {
  readonly task: Task;
  readonly profile: ExecutorProfile;
  readonly rank: number;
  readonly pool: string | undefined;
  status: TaskStatus;
  satisfied: boolean;
  /** Highest attempt number so far (resumes included). */
  attempts: number;
  /** Failed attempts of this session: what counts against `retries`. */
  failures: number;
  readonly deps: TaskRuntime[];
  readonly dependants: TaskRuntime[];
  readonly counts: DependencyCounts;
  /** What the last successful attempt returned. */
  result?: string;
  branch?: string;
  /** Usage reported by its attempts (earlier sessions included): what counts against its budget. */
  readonly usages: Usage[];
  retryTimer?: NodeJS.Timeout;
}

/** An attempt the loop starts: the `started` event is committed before it runs. */
interface Launch {
  readonly rt: TaskRuntime;
  readonly attempt: number;
  readonly worker: number;
  /** Relative to the state folder, as recorded. */
  readonly logPath: string;
}

/** Something that happened outside the loop, handled in order by it. */
type Inbox =
  | {readonly kind: 'attempt-done'; readonly rt: TaskRuntime; readonly attempt: number; readonly worker: number; readonly outcome: AttemptDone}
  | {readonly kind: 'retry-due'; readonly rt: TaskRuntime};

interface AttemptDone {
  readonly outcome: AttemptOutcome;
  readonly exec?: ExecutionResult;
  readonly verify: readonly VerifyResult[];
  readonly message?: string;
  readonly changes?: WorkspaceChanges;
  readonly workspace?: TaskWorkspace;
  readonly durationMs: number;
}

/**
 * Carries out a plan: the run state machine. It decides what starts when (trigger rules, dispatch rank,
 * `-j`, pools, retries, fail-fast, cancel), commits every change to the store before acting on it, and hands
 * attempts to a dispatcher.
 *
 *   pending ──deps allow──▶ ready ──slot──▶ running ──ok──▶ succeeded
 *      │                      ▲                │
 *      │                      └── retry_wait ◀─┤ (retryable outcome, retries left)
 *      │                                       └──────────▶ failed
 *      └──▶ upstream_failed | skipped | cancelled
 */
export class Engine {
  readonly #o: EngineOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #abort = new AbortController();
  readonly #tasks = new Map<TaskId, TaskRuntime>();
  readonly #ready: ReadyQueue<TaskRuntime> = new ReadyQueue((rt) => rt.rank);
  /** Ready tasks waiting for a slot of their full pool. */
  readonly #blocked = new Map<string, TaskRuntime[]>();
  readonly #poolUse = new Map<string, number>();
  readonly #poolSlots = new Map<string, number>();
  readonly #freeWorkers: number[] = [];
  readonly #inbox: Inbox[] = [];
  readonly #buffer: RunEvent[] = [];
  /** Pids of the attempts running now (a task runs one attempt at a time). */
  readonly #pids = new Map<TaskRuntime, number>();
  /** Tasks with an attempt running now (for `conflicts`). */
  readonly #runningTasks = new Set<TaskId>();
  /** Ready tasks held back while a task whose `files` overlap theirs runs. */
  #overlapWaiting: TaskRuntime[] = [];
  /** Every attempt's usage in this run, for the run budget. */
  readonly #usages: Usage[] = [];
  /** Set when the run budget stopped new work: why. */
  #budgetStop: string | undefined;
  #wake: Deferred | undefined;
  #wakeQueued = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #running = 0;
  #retryWaiting = 0;
  #failureMode: FailureMode;
  #stopStarting = false;
  #stopReason: {reason: 'fail-fast' | 'run-cancelled' | 'budget-exceeded'; message: string} | undefined;
  #cancelled = false;
  #leaseLost = false;
  #runId!: RunId;
  #owner = '';
  #runOptions!: RunOptions;
  /** The environment of every attempt, before the task's own and the attempt's variables. */
  #baseEnv: Record<string, string | undefined> = {};

  constructor(options: EngineOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new Error(`Internal error: Expected \`workers\` to be a positive integer, got \`${options.workers}\``);
    }
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#failureMode = options.runOptions.failFast ? 'no-new' : 'continue';
  }

  /** The run's id (known once `run` started it). */
  get runId(): RunId {
    return this.#runId;
  }

  /** Pids of the attempts running now (the CLI kills their groups on a forced stop). */
  runningPids(): number[] {
    return [...this.#pids.values()];
  }

  /**
   * Stops the run: nothing new starts, running attempts are terminated (their executors kill the process
   * groups), and every unfinished task ends `cancelled`.
   */
  cancel(by: 'command' | 'signal' | 'lease-lost' = 'signal'): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#stopStarting = true;
    this.#stopReason = {reason: 'run-cancelled', message: by === 'lease-lost' ? 'another runner took the run over' : 'the run was cancelled'};
    if (by !== 'lease-lost') this.#emit({type: 'run', reason: 'cancel-requested', run: this.#runId, at: this.#now(), by});
    this.#abort.abort(new Error('run cancelled'));
    for (const rt of this.#tasks.values()) {
      if (rt.retryTimer) {
        clearTimeout(rt.retryTimer);
        rt.retryTimer = undefined;
        this.#retryWaiting--;
      }
    }
    this.#poke();
  }

  /**
   * Checks that the plan can be carried out with what this engine has: an executor for every task that will
   * run, something to run in each, a workspace provider for worktree tasks.
   */
  async preflight(toRun: readonly Task[]): Promise<Diagnostic[]> {
    const {plan, dispatcher} = this.#o;
    const out: Diagnostic[] = [];
    const missing = new Map<string, TaskId[]>();
    for (const t of toRun) {
      if (t.gate) continue;
      const kind = plan.executors.get(t.executor)?.kind ?? 'shell';
      if (!dispatcher.kinds.has(kind)) missing.set(kind, [...(missing.get(kind) ?? []), t.id]);
      if (t.workspace === 'worktree' && !this.#o.workspace) {
        out.push({
          severity: 'error',
          code: 'no-workspace',
          message: `task "${t.id}" asks for its own git worktree (workspace: worktree), but worktrees are not available in this run; set workspace: none for it, or run from a git repository`,
          ...(t.location ? {location: t.location} : {}),
        });
      }
    }
    for (const [kind, ids] of missing) {
      out.push({
        severity: 'error',
        code: 'no-executor',
        message: `${ids.length} task(s) need the ${kind} executor, which this paraplan cannot run yet: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''}`,
      });
    }
    const runnable = toRun.filter((t) => !t.gate && dispatcher.kinds.has(plan.executors.get(t.executor)?.kind ?? 'shell'));
    out.push(...(await dispatcher.preflight(runnable, plan, this.#o.env)));
    const worktrees = toRun.filter((t) => !t.gate && t.workspace === 'worktree');
    if (worktrees.length > 0 && this.#o.workspace?.preflight) out.push(...(await this.#o.workspace.preflight(plan, worktrees)));
    return out;
  }

  /** Runs (or resumes) the run to its end. Nothing is started when it returns an error. */
  async run(): Promise<Result<RunSummary, EngineError>> {
    const {plan, store, target} = this.#o;
    const started = this.#now();
    this.#runId = target.id;
    // The keys set per attempt are there from the start: filling in keys a copy already has is fast, while adding
    // keys to a copy of a large object makes V8 build a new hidden class per attempt (~10 µs and ~8 KB each).
    this.#baseEnv = {...this.#o.env, PARAPLAN_RUN_ID: target.id, PARAPLAN_TASK_ID: '', PARAPLAN_ATTEMPT: '', PARAPLAN_PLAN_DIR: this.#o.planDir, PARAPLAN_WORKER: ''};
    this.#owner = `${this.#o.pid}-${Math.floor(this.#random() * 2 ** 48).toString(36)}`;
    let stored: TaskRecord[] | undefined;
    let attempts: AttemptRecord[] = [];
    let previous: RunRecord | undefined;
    if (target.kind === 'resume') {
      const record = await store.getRun(target.id);
      if (!record) return err({kind: 'resume', message: `there is no run ${target.id} to resume; see \`paraplan runs\``});
      stored = await store.tasks(target.id);
      if (stored.every((t) => t.status === 'succeeded' || (t.status === 'skipped' && t.reason !== 'trigger-rule'))) {
        return err({kind: 'resume', message: `every task of run ${target.id} is done; there is nothing to resume (start a new run, or \`paraplan clear TASK\` to run a task again)`});
      }
      const planIds = new Set(plan.tasks.keys());
      const runIds = new Set(stored.map((t) => t.task));
      const added = [...planIds].filter((id) => !runIds.has(id));
      const removed = [...runIds].filter((id) => !planIds.has(id));
      if (added.length || removed.length) {
        const what = [added.length ? `new tasks ${added.slice(0, 5).join(', ')}` : '', removed.length ? `removed tasks ${removed.slice(0, 5).join(', ')}` : ''].filter(Boolean).join('; ');
        return err({kind: 'resume', message: `the plan changed since run ${target.id} started (${what}); start a new run instead of resuming`});
      }
      this.#runOptions = record.options;
      this.#failureMode = record.options.failFast ? 'no-new' : 'continue';
      attempts = await store.attempts(target.id);
    } else {
      this.#runOptions = this.#o.runOptions;
    }
    this.#build(stored, attempts);

    const selected = [...this.#tasks.values()].filter((rt) => rt.status === 'pending').map((rt) => rt.task);
    const diagnostics = await this.preflight(selected);
    if (diagnostics.some((d) => d.severity === 'error')) return err({kind: 'preflight', diagnostics});

    const leaseMs = this.#o.leaseMs ?? DEFAULT_LEASE_MS;
    const lease: Lease = {owner: this.#owner, pid: this.#o.pid, host: this.#o.host, expiresAt: this.#now() + leaseMs};
    if (target.kind === 'new') {
      await store.createRun({
        id: target.id,
        planName: plan.name,
        ...(this.#o.planFile ? {planFile: this.#o.planFile} : {}),
        workers: this.#o.workers,
        options: this.#runOptions,
        startedAt: started,
        lease,
        tasks: [...plan.tasks.values()].map((t) => ({task: t.id, position: t.index, title: t.title, needs: t.needs.map((d) => d.task), executor: t.executor})),
      });
    } else {
      const taken = await store.acquireLease(target.id, lease, this.#now());
      if (!taken.ok) return err({kind: 'lease', message: taken.error.message});
      previous = taken.value;
    }

    const heartbeat = this.#startHeartbeat(leaseMs);
    try {
      if (previous?.status === 'running') {
        const who = previous.lease && previous.lease.owner !== this.#owner ? ` (pid ${previous.lease.pid} on ${previous.lease.host})` : '';
        this.#emit({type: 'run', reason: 'interrupted', run: this.#runId, at: this.#now(), message: `the runner${who} stopped without finishing the run`});
      }
      this.#emit({
        type: 'run',
        reason: 'started',
        run: this.#runId,
        at: this.#now(),
        resumed: target.kind === 'resume',
        planName: plan.name,
        ...(this.#o.planFile ? {planFile: this.#o.planFile} : {}),
        tasks: plan.tasks.size,
        workers: this.#o.workers,
        ...(this.#o.predictedMs !== undefined ? {predictedMs: this.#o.predictedMs} : {}),
        pid: this.#o.pid,
        host: this.#o.host,
      });
      if (target.kind === 'resume') await this.#recoverLost(attempts);
      this.#initialStates(stored);
      this.#checkRunBudget();
      await this.#loop();
      if (this.#leaseLost) {
        return err({kind: 'lease', message: `another runner took run ${this.#runId} over while this one ran; this runner stopped`});
      }
      const summary = this.#finish(started);
      await this.#flush();
      return ok(summary);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(this.#flushTimer);
      if (!this.#leaseLost) await store.releaseLease(this.#runId, this.#owner);
    }
  }

  // ---- setup ----

  #build(stored: TaskRecord[] | undefined, attempts: readonly AttemptRecord[]): void {
    const {plan} = this.#o;
    for (let i = 0; i < this.#o.workers; i++) this.#freeWorkers.push(this.#o.workers - 1 - i);
    for (const [name, slots] of plan.pools) this.#poolSlots.set(name, slots);
    const byId = new Map(stored?.map((t) => [t.task, t]));
    for (const task of plan.tasks.values()) {
      const profile = plan.executors.get(task.executor) ?? {name: 'shell', kind: 'shell', options: {}, builtin: true};
      const pool = task.pool ?? profile.pool;
      if (pool !== undefined && !this.#poolSlots.has(pool)) {
        if (pool !== 'agent') throw new Error(`Internal error: task "${task.id}" uses pool "${pool}", which the plan does not declare`);
        this.#poolSlots.set(pool, DEFAULT_AGENT_POOL_SLOTS);
      }
      const rec = byId.get(task.id);
      this.#tasks.set(task.id, {
        task,
        profile,
        rank: this.#o.rank.get(task.id) ?? task.index,
        pool,
        status: 'pending',
        satisfied: false,
        attempts: rec?.attempts ?? 0,
        failures: 0,
        deps: [],
        dependants: [],
        counts: emptyCounts(0),
        usages: [],
      });
    }
    for (const rt of this.#tasks.values()) {
      const seen = new Set<TaskId>();
      for (const d of rt.task.needs) {
        if (seen.has(d.task)) continue;
        seen.add(d.task);
        const dep = this.#tasks.get(d.task);
        if (!dep) throw new Error(`Internal error: task "${rt.task.id}" needs unknown task "${d.task}"`);
        rt.deps.push(dep);
        dep.dependants.push(rt);
      }
      rt.counts.total = rt.deps.length;
    }
    // Results and branches of attempts that succeeded before (resume): what dependants are told.
    for (const a of attempts) {
      const rt = this.#tasks.get(a.task);
      if (a.usage) {
        this.#usages.push(a.usage);
        rt?.usages.push(a.usage);
      }
      if (a.outcome !== 'ok' || !rt) continue;
      if (a.result !== undefined) rt.result = a.result;
      if (a.worktree) rt.branch = a.worktree.branch;
    }
    // Which tasks will not run, decided before preflight so that only the others are checked.
    for (const rt of this.#tasks.values()) {
      const rec = byId.get(rt.task.id);
      // Kept on resume: what succeeded, and what was skipped on purpose (a trigger rule decides again).
      if (rec && (rec.status === 'succeeded' || (rec.status === 'skipped' && rec.reason !== 'trigger-rule'))) {
        rt.status = rec.status;
        rt.satisfied = rec.status === 'succeeded' || rec.satisfied === true;
      }
    }
    if (!stored) this.#selectNew();
  }

  /** A new run: tasks done in the plan and tasks outside `--only`/`--from` are skipped. */
  #selectNew(): void {
    const sel = this.#o.selection;
    for (const rt of this.#tasks.values()) {
      if (sel && !sel.selected.has(rt.task.id)) {
        rt.status = 'skipped';
        rt.satisfied = sel.doneEarlier.has(rt.task.id) || (rt.task.done && !this.#runOptions.redoDone);
      } else if (rt.task.done && !this.#runOptions.redoDone) {
        rt.status = 'skipped';
        rt.satisfied = true;
      }
    }
  }

  /** Attempts a dead runner left open: their process trees are killed, then they are recorded `lost`. */
  async #recoverLost(attempts: readonly AttemptRecord[]): Promise<void> {
    const open = attempts.filter((a) => a.outcome === undefined);
    await Promise.all(open.map((a) => (a.pid !== undefined && this.#o.killOrphan ? this.#o.killOrphan(a.pid) : undefined)));
    const at = this.#now();
    for (const a of open) {
      this.#emit({
        type: 'attempt',
        reason: 'finished',
        run: this.#runId,
        at,
        task: a.task,
        attempt: a.attempt,
        outcome: 'lost',
        exitCode: null,
        durationMs: Math.max(0, at - a.startedAt),
        message: `the runner stopped while this attempt ran${a.pid !== undefined ? ` (pid ${a.pid})` : ''}; it is run again`,
        verify: [],
      });
    }
  }

  /** Records the starting state of every task and makes the tasks without pending dependencies ready. */
  #initialStates(stored: TaskRecord[] | undefined): void {
    const at = this.#now();
    const byId = new Map(stored?.map((t) => [t.task, t]));
    for (const rt of this.#tasks.values()) {
      const rec = byId.get(rt.task.id);
      if (rt.status === 'skipped' || rt.status === 'succeeded') {
        if (!rec) {
          const notSelected = this.#o.selection !== undefined && !this.#o.selection.selected.has(rt.task.id);
          this.#emit({
            type: 'task',
            reason: notSelected ? 'not-selected' : 'done-in-plan',
            run: this.#runId,
            at,
            task: rt.task.id,
            status: 'skipped',
            satisfied: rt.satisfied,
            message: notSelected
              ? rt.satisfied
                ? 'not selected; done in an earlier run'
                : 'not selected'
              : 'done in the plan',
          });
        }
      } else if (rec && rec.status !== 'pending') {
        // Resume: whatever did not succeed runs again.
        this.#emit({type: 'task', reason: 'reset', run: this.#runId, at, task: rt.task.id, status: 'pending', message: `was ${rec.status}; run again on resume`});
      }
    }
    for (const rt of this.#tasks.values()) {
      if (finished(rt.status)) for (const d of rt.dependants) countFinished(d.counts, rt.status, rt.satisfied);
    }
    for (const rt of this.#tasks.values()) if (rt.status === 'pending') this.#evaluate(rt);
  }

  // ---- the loop ----

  async #loop(): Promise<void> {
    for (;;) {
      this.#drainInbox();
      const launches = this.#startReady();
      await this.#flush();
      if (this.#leaseLost) return;
      for (const l of launches) void this.#runAttempt(l);
      if (
        this.#running === 0 &&
        this.#inbox.length === 0 &&
        (this.#stopStarting || (this.#ready.size === 0 && this.#retryWaiting === 0 && this.#blocked.size === 0 && this.#overlapWaiting.length === 0))
      ) {
        return;
      }
      if (!this.#dirty) {
        this.#wake = new Deferred();
        await this.#wake.promise;
        this.#wake = undefined;
      }
      this.#dirty = false;
    }
  }

  /**
   * A pid is committed with the next batch, or within 50 ms when nothing else happens: a transaction per spawn
   * would cost more than a short command. A runner killed in between leaves an attempt without a pid; it is
   * still recorded `lost` and run again.
   */
  #flushSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#poke();
    }, 50);
  }

  #poke(): void {
    this.#dirty = true;
    if (this.#wake && !this.#wakeQueued) {
      this.#wakeQueued = true;
      // Group commit: the loop wakes after every I/O callback of this turn, so the attempts that ended together
      // share one transaction.
      setImmediate(this.#wakeUp);
    }
  }

  readonly #wakeUp = (): void => {
    this.#wakeQueued = false;
    this.#wake?.resolve();
  };

  #drainInbox(): void {
    while (this.#inbox.length > 0) {
      const item = this.#inbox.shift()!;
      switch (item.kind) {
        case 'attempt-done':
          this.#attemptDone(item.rt, item.attempt, item.worker, item.outcome);
          break;
        case 'retry-due':
          if (item.rt.status === 'retry_wait' && !this.#stopStarting) this.#makeReady(item.rt, 'retry-due');
          break;
      }
    }
  }

  /** Takes ready tasks in rank order while there are free workers and pool slots. */
  #startReady(): Launch[] {
    const launches: Launch[] = [];
    while (!this.#stopStarting && this.#freeWorkers.length > 0) {
      const rt = this.#ready.pop();
      if (!rt) break;
      const conflicts = this.#o.conflicts?.get(rt.task.id);
      if (conflicts && this.#runningTasks.size > 0 && [...conflicts].some((id) => this.#runningTasks.has(id))) {
        // Its `files` overlap a running task's: it waits for that one to end.
        this.#overlapWaiting.push(rt);
        continue;
      }
      if (rt.pool !== undefined) {
        const used = this.#poolUse.get(rt.pool) ?? 0;
        if (used >= this.#poolSlots.get(rt.pool)!) {
          const list = this.#blocked.get(rt.pool);
          if (list) list.push(rt);
          else this.#blocked.set(rt.pool, [rt]);
          continue;
        }
        this.#poolUse.set(rt.pool, used + 1);
      }
      const worker = this.#freeWorkers.pop()!;
      const attempt = ++rt.attempts;
      rt.status = 'running';
      this.#running++;
      this.#runningTasks.add(rt.task.id);
      const logPath = this.#o.logPathFor(this.#runId, rt.task.id, attempt);
      this.#emit({type: 'attempt', reason: 'started', run: this.#runId, at: this.#now(), task: rt.task.id, attempt, worker, logPath});
      launches.push({rt, attempt, worker, logPath});
    }
    return launches;
  }

  /** One attempt: worktree, command, commit, verify. Never throws: a thrown bug becomes the run's error. */
  async #runAttempt({rt, attempt, worker, logPath: logRel}: Launch): Promise<void> {
    const started = this.#now();
    const {task} = rt;
    const signal = this.#abort.signal;
    const logPath = join(this.#o.stateDir, logRel);
    let workspace: TaskWorkspace | undefined;
    let done: AttemptDone;
    try {
      if (task.workspace === 'worktree' && this.#o.workspace) {
        workspace = await this.#o.workspace.prepare({run: this.#runId, plan: this.#o.plan, task, upstream: upstreamBranches(rt), signal});
        rt.branch = workspace.branch;
        // Recorded at once: `merge` and `--resume` read the branch from the store.
        this.#emit({
          type: 'attempt',
          reason: 'prepared',
          run: this.#runId,
          at: this.#now(),
          task: task.id,
          attempt,
          worktree: {path: workspace.path, branch: workspace.branch, base: workspace.base},
        });
        this.#flushSoon();
      }
      const base = workspace ? (workspace.planDir ?? workspace.path) : this.#o.planDir;
      const cwd = task.cwd === undefined ? base : isAbsolute(task.cwd) ? task.cwd : join(base, task.cwd);
      const env: Record<string, string | undefined> = {
        ...this.#baseEnv,
        ...task.env,
        PARAPLAN_RUN_ID: this.#runId,
        PARAPLAN_TASK_ID: task.id,
        PARAPLAN_ATTEMPT: String(attempt),
        PARAPLAN_PLAN_DIR: this.#o.planDir,
        PARAPLAN_WORKER: String(worker),
        ...(workspace ? {PARAPLAN_WORKTREE: workspace.path, PARAPLAN_WORKTREE_INDEX: String(workspace.index)} : {}),
      };
      const exec = await this.#o.dispatcher.execute({
        plan: this.#o.plan,
        task,
        profile: rt.profile,
        attempt,
        cwd,
        env,
        logPath,
        signal,
        ...(task.timeoutMs !== undefined ? {timeoutMs: task.timeoutMs} : {}),
        upstream: rt.profile.kind === 'shell' ? rt.deps.map(upstreamEntry) : upstreamResults(rt),
        onSpawn: (pid) => {
          this.#pids.set(rt, pid);
          // Recorded at once: a resume kills this tree if the runner dies.
          this.#emit({type: 'attempt', reason: 'spawned', run: this.#runId, at: this.#now(), task: task.id, attempt, pid});
          this.#flushSoon();
        },
      });
      let changes: WorkspaceChanges | undefined;
      if (exec.outcome === 'ok' && workspace) changes = await this.#o.workspace!.commit({run: this.#runId, task, workspace, attempt});
      const verify: VerifyResult[] = [];
      if (exec.outcome === 'ok') {
        for (const v of task.verify) {
          if (signal.aborted) break;
          verify.push(
            await this.#o.dispatcher.verify({command: v, cwd, env, logPath, signal, ...(task.timeoutMs !== undefined ? {timeoutMs: task.timeoutMs} : {})}),
          );
        }
      }
      const failedVerify = verify.find((v) => v.exitCode !== 0);
      let outcome: AttemptOutcome = exec.outcome;
      let message = exec.message;
      if (exec.outcome === 'ok' && signal.aborted && verify.length < task.verify.length) {
        outcome = 'cancelled';
        message = 'the run was cancelled before verification finished';
      } else if (exec.outcome === 'ok' && failedVerify) {
        outcome = signal.aborted ? 'cancelled' : 'verify_failed';
        message = `verification failed: ${failedVerify.name} ${failedVerify.timedOut ? 'timed out' : failedVerify.exitCode === null ? 'could not start' : `exited with ${failedVerify.exitCode}`}`;
      }
      done = {outcome, exec, verify, ...(message ? {message} : {}), ...(changes ? {changes} : {}), ...(workspace ? {workspace} : {}), durationMs: this.#now() - started};
    } catch (e) {
      // A workspace that cannot be prepared fails the attempt; anything else is a bug of ours.
      const msg = e instanceof Error ? e.message : String(e);
      if (msg.startsWith('Internal error')) throw e;
      // A WorkspaceError (not importable here: engine sees workspace types only) already says what and why.
      const message = e instanceof Error && e.name === 'WorkspaceError' ? msg : `could not prepare the task: ${msg}`;
      done = {outcome: signal.aborted ? 'cancelled' : 'spawn_error', verify: [], message, durationMs: this.#now() - started, ...(workspace ? {workspace} : {})};
    } finally {
      this.#pids.delete(rt);
    }
    if (workspace && this.#o.workspace) {
      try {
        const succeeded = done.outcome === 'ok';
        await this.#o.workspace.release(workspace, {keep: this.#o.keepWorktree ? this.#o.keepWorktree(succeeded) : !succeeded});
      } catch {
        // A worktree that cannot be removed is left behind; the attempt's outcome stands.
      }
    }
    this.#inbox.push({kind: 'attempt-done', rt, attempt, worker, outcome: done});
    this.#poke();
  }

  #attemptDone(rt: TaskRuntime, attempt: number, worker: number, done: AttemptDone): void {
    this.#running--;
    this.#freeWorkers.push(worker);
    this.#runningTasks.delete(rt.task.id);
    if (this.#overlapWaiting.length > 0) {
      for (const w of this.#overlapWaiting) this.#ready.push(w);
      this.#overlapWaiting = [];
    }
    if (rt.pool !== undefined) {
      this.#poolUse.set(rt.pool, this.#poolUse.get(rt.pool)! - 1);
      const waiting = this.#blocked.get(rt.pool);
      if (waiting) {
        this.#blocked.delete(rt.pool);
        for (const w of waiting) this.#ready.push(w);
      }
    }
    const at = this.#now();
    const {exec} = done;
    const tail = [exec?.outputTail ?? '', ...done.verify.map((v) => v.outputTail)].join('').slice(-4096);
    this.#emit({
      type: 'attempt',
      reason: 'finished',
      run: this.#runId,
      at,
      task: rt.task.id,
      attempt,
      outcome: done.outcome,
      exitCode: exec?.exitCode ?? null,
      ...(exec?.signal ? {signal: exec.signal} : {}),
      durationMs: done.durationMs,
      ...(done.message ? {message: done.message} : {}),
      ...(tail ? {outputTail: tail} : {}),
      verify: done.verify,
      ...(exec?.result !== undefined ? {result: exec.result} : {}),
      ...(exec?.usage ? {usage: exec.usage} : {}),
      ...(done.changes
        ? {changes: {commits: done.changes.commits, filesChanged: done.changes.filesChanged, insertions: done.changes.insertions, deletions: done.changes.deletions}}
        : {}),
    });
    if (exec?.usage) {
      this.#usages.push(exec.usage);
      rt.usages.push(exec.usage);
      this.#checkRunBudget();
    }
    if (done.outcome === 'ok') {
      if (exec?.result !== undefined) rt.result = exec.result;
      this.#settle(rt, 'succeeded', 'attempt-ok');
      return;
    }
    if (done.outcome === 'cancelled' || this.#cancelled) {
      this.#settle(rt, 'cancelled', 'run-cancelled', done.message ?? 'the run was cancelled');
      return;
    }
    rt.failures++;
    const retries = this.#runOptions.retries ?? rt.task.retries;
    const retryable = rt.failures <= retries && rt.task.retryOn.includes(done.outcome) && !this.#stopStarting;
    const overBudget = retryable && exec?.usage ? this.#o.budget?.task(rt.task, rt.profile, rt.usages) : undefined;
    if (overBudget !== undefined) {
      this.#settle(rt, 'failed', 'attempt-failed', `${done.message ?? `attempt ended ${done.outcome}`}; not retried: ${overBudget}`);
      return;
    }
    if (retryable) {
      const delay = backoffDelay(rt.failures, this.#o.backoff ?? DEFAULT_BACKOFF, this.#random);
      rt.status = 'retry_wait';
      this.#retryWaiting++;
      this.#emit({
        type: 'task',
        reason: 'retry-scheduled',
        run: this.#runId,
        at,
        task: rt.task.id,
        status: 'retry_wait',
        retryAt: at + delay,
        message: `${done.message ?? done.outcome}; retry ${rt.failures} of ${retries} in ${delay} ms`,
      });
      rt.retryTimer = setTimeout(() => {
        rt.retryTimer = undefined;
        this.#retryWaiting--;
        this.#inbox.push({kind: 'retry-due', rt});
        this.#poke();
      }, delay);
      return;
    }
    this.#settle(rt, 'failed', 'attempt-failed', done.message ?? `attempt ended ${done.outcome}`);
  }

  #makeReady(rt: TaskRuntime, reason: string): void {
    if (rt.task.gate) {
      // A gate runs nothing: it passes as soon as its trigger rule allows.
      this.#settle(rt, 'succeeded', 'gate-passed');
      return;
    }
    rt.status = 'ready';
    this.#emit({type: 'task', reason, run: this.#runId, at: this.#now(), task: rt.task.id, status: 'ready'});
    this.#ready.push(rt);
  }

  /** Ends a task and tells its dependants. */
  #settle(rt: TaskRuntime, status: TaskStatus, reason: string, message?: string, satisfied?: boolean): void {
    rt.status = status;
    rt.satisfied = status === 'succeeded' || satisfied === true;
    this.#emit({
      type: 'task',
      reason,
      run: this.#runId,
      at: this.#now(),
      task: rt.task.id,
      status,
      ...(message ? {message} : {}),
      ...(status === 'skipped' ? {satisfied: rt.satisfied} : {}),
    });
    if (status === 'failed' && this.#failureMode === 'no-new' && !this.#stopStarting) {
      this.#stopStarting = true;
      this.#stopReason = {reason: 'fail-fast', message: `not started: --fail-fast stopped the run after "${rt.task.id}" failed`};
    }
    if (status === 'cancelled') return;
    for (const d of rt.dependants) {
      countFinished(d.counts, status, rt.satisfied);
      if (d.status === 'pending') this.#evaluate(d);
    }
  }

  #evaluate(rt: TaskRuntime): void {
    const decision = decideTrigger(rt.task.trigger, rt.counts);
    switch (decision) {
      case 'wait':
        return;
      case 'ready':
        this.#makeReady(rt, rt.deps.length === 0 ? 'no-dependencies' : 'dependencies-met');
        return;
      case 'upstream_failed': {
        const failedDep = rt.deps.find((d) => d.status === 'failed' || d.status === 'upstream_failed');
        this.#settle(rt, 'upstream_failed', 'upstream-failed', failedDep ? `dependency "${failedDep.task.id}" ${failedDep.status === 'failed' ? 'failed' : 'could not run'}` : 'a dependency failed');
        return;
      }
      case 'skipped':
        this.#settle(rt, 'skipped', 'trigger-rule', `trigger rule ${rt.task.trigger} cannot be met`, false);
        return;
    }
  }

  /** Stops new work once the run's spend reaches its budget; running attempts finish. */
  #checkRunBudget(): void {
    if (!this.#o.budget || this.#budgetStop !== undefined || this.#cancelled) return;
    const why = this.#o.budget.run(this.#usages);
    if (why === undefined) return;
    this.#budgetStop = why;
    if (this.#stopStarting) return;
    this.#stopStarting = true;
    this.#stopReason = {reason: 'budget-exceeded', message: `not started: ${why}`};
  }

  /** Ends every unfinished task and the run. */
  #finish(started: number): RunSummary {
    const reason = this.#stopReason ?? {reason: 'run-cancelled' as const, message: 'the run stopped before it could start'};
    for (const rt of this.#tasks.values()) {
      if (finished(rt.status)) continue;
      if (rt.retryTimer) clearTimeout(rt.retryTimer);
      // Without a stop, a task left pending has dependencies that never finished: a bug.
      if (!this.#stopStarting) throw new Error(`Internal error: the run ended with task "${rt.task.id}" still ${rt.status}`);
      rt.status = 'cancelled';
      this.#emit({type: 'task', reason: reason.reason, run: this.#runId, at: this.#now(), task: rt.task.id, status: 'cancelled', message: reason.message});
    }
    const counts: Partial<Record<TaskStatus, number>> = {};
    let failed = false;
    for (const rt of this.#tasks.values()) {
      counts[rt.status] = (counts[rt.status] ?? 0) + 1;
      if (rt.status === 'failed' || rt.status === 'upstream_failed') failed = true;
    }
    const status = this.#cancelled ? 'cancelled' : failed || this.#budgetStop !== undefined ? 'failed' : 'succeeded';
    const durationMs = this.#now() - started;
    const message = this.#budgetStop !== undefined ? `the run stopped: ${this.#budgetStop}` : undefined;
    this.#emit({type: 'run', reason: 'finished', run: this.#runId, at: this.#now(), status, counts, durationMs, ...(message ? {message} : {})});
    return {run: this.#runId, status, counts, durationMs, ...(message ? {message} : {})};
  }

  // ---- store ----

  #emit(event: RunEvent): void {
    this.#buffer.push(event);
  }

  /** Commits the buffered events in one transaction, then hands them to the sinks. */
  async #flush(): Promise<void> {
    if (this.#buffer.length === 0 || this.#leaseLost) return;
    const events = this.#buffer.splice(0);
    const stored = await this.#o.store.append(events);
    if (this.#o.onEvent) for (const e of stored) this.#o.onEvent(e);
  }

  #startHeartbeat(leaseMs: number): NodeJS.Timeout {
    const every = this.#o.heartbeatMs ?? Math.max(10, Math.min(1000, Math.floor(leaseMs / 3)));
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.#o.store
        .heartbeat(this.#runId, this.#owner, this.#now() + leaseMs)
        .then((beat) => {
          if (!beat.held) {
            this.#leaseLost = true;
            this.cancel('lease-lost');
          } else if (beat.cancelRequested && !this.#cancelled) {
            this.cancel('command');
          }
        })
        .finally(() => {
          busy = false;
        });
    }, every);
    return timer;
  }
}

/** `--only` / `--from`: which tasks a new run carries out. */
export interface Selection {
  readonly selected: ReadonlySet<TaskId>;
  /** Unselected tasks that succeeded in an earlier run of the plan: dependants count them as done. */
  readonly doneEarlier: ReadonlySet<TaskId>;
}

function upstreamEntry(d: TaskRuntime): {task: TaskId; title: string; result?: string} {
  return {task: d.task.id, title: d.task.title, ...(d.result !== undefined ? {result: d.result} : {})};
}

/**
 * The branches a task's worktree starts from: its dependencies' branches, looking through dependencies without a
 * branch (gates, tasks run outside a worktree) to their own dependencies.
 */
function upstreamBranches(rt: TaskRuntime): {task: TaskId; branch: string}[] {
  const out: {task: TaskId; branch: string}[] = [];
  const seen = new Set<TaskId>();
  const visit = (d: TaskRuntime): void => {
    if (seen.has(d.task.id)) return;
    seen.add(d.task.id);
    if (d.branch !== undefined) out.push({task: d.task.id, branch: d.branch});
    else for (const a of d.deps) visit(a);
  };
  for (const d of rt.deps) visit(d);
  return out;
}

/**
 * What an agent's prompt is told about upstream work, in dependency order: each dependency with its result; a gate,
 * or a task that returned nothing, is looked through to the results of its own dependencies.
 */
function upstreamResults(rt: TaskRuntime): {task: TaskId; title: string; result?: string}[] {
  const out: {task: TaskId; title: string; result?: string}[] = [];
  const seen = new Set<TaskId>();
  const visit = (d: TaskRuntime): void => {
    if (seen.has(d.task.id)) return;
    seen.add(d.task.id);
    if (d.task.gate || d.result === undefined) for (const a of d.deps) visit(a);
    if (!d.task.gate) out.push(upstreamEntry(d));
  };
  for (const d of rt.deps) visit(d);
  return out;
}
