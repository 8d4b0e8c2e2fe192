import type {Location} from './diagnostic.js';
import type {Estimate} from './duration.js';
import type {TaskId} from './ids.js';

/** How urgent a task is. Dispatch prefers critical-path work first, then priority. */
export type Priority = 'critical' | 'high' | 'medium' | 'low';
export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/** Impact or risk level. */
export type Level = 'high' | 'medium' | 'low';
export const LEVELS: readonly Level[] = ['high', 'medium', 'low'];

/**
 * When a task may start, given how its dependencies ended (Airflow's trigger rules).
 * - `all_success`: every dependency succeeded (the default).
 * - `all_done`: every dependency finished, whatever the outcome.
 * - `none_failed`: no dependency failed (skipped ones are fine).
 * - `one_success`: at least one dependency succeeded.
 * - `one_failed`: at least one dependency failed (clean-up and alert tasks).
 */
export type TriggerRule = 'all_success' | 'all_done' | 'none_failed' | 'one_success' | 'one_failed';
export const TRIGGER_RULES: readonly TriggerRule[] = ['all_success', 'all_done', 'none_failed', 'one_success', 'one_failed'];

/**
 * How the tasks of a group relate.
 * - `parallel`: the author said they may run at the same time.
 * - `sequential`: they run one after another, in the order written.
 * - `unspecified`: nothing was said; only dependencies order them.
 */
export type GroupMode = 'parallel' | 'sequential' | 'unspecified';

/** A command: an argv list run without a shell, or a shell script only where the plan asked for one. */
export type Command =
  | {readonly kind: 'argv'; readonly argv: readonly string[]}
  | {readonly kind: 'shell'; readonly script: string};

/** A success-criteria command: the task succeeds only if every one exits 0. */
export interface VerifyCommand {
  readonly command: Command;
  /** A label for reports; defaults to the command text. */
  readonly name?: string;
  readonly location?: Location;
}

/**
 * Why a dependency edge exists.
 * - `explicit`: the task lists it (`needs`, a Dependencies column, `Depends on:`).
 * - `group-barrier`: "Batch 2 needs Batch 1": every task of a group waits for every task of another.
 * - `sequential-order`: tasks of a sequential group run in the order written.
 * - `blocks`: the other task says it blocks this one (a reverse edge).
 * - `prose`: read from a sentence ("after the schema task").
 * - `diagram`: read from a dependency diagram (Mermaid, an ASCII tree).
 */
export type DependencyKind = 'explicit' | 'group-barrier' | 'sequential-order' | 'blocks' | 'prose' | 'diagram';
export const DEPENDENCY_KINDS: readonly DependencyKind[] = ['explicit', 'group-barrier', 'sequential-order', 'blocks', 'prose', 'diagram'];

/** One edge: this task needs `task` to have finished (as its trigger rule says). */
export interface Dependency {
  readonly task: TaskId;
  readonly kind: DependencyKind;
  /** Where the edge was written (the dependency entry, the group's needs, the Blocks field). */
  readonly location?: Location;
  /** The group that produced a barrier edge. */
  readonly viaGroup?: string;
}

/** Which kind of executor runs a task. */
export type ExecutorKind = 'shell' | 'agent' | 'llm';

/** A named executor profile (`executors:` in the plan, or a built-in one). */
export interface ExecutorProfile {
  readonly name: string;
  readonly kind: ExecutorKind;
  /** Every option as written, for the executor to read (preset, model, command template, env names...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** A concurrency pool this profile's tasks take a slot of. */
  readonly pool?: string;
  /** True when the plan did not declare it (built-in presets and `shell`). */
  readonly builtin: boolean;
  readonly location?: Location;
}

/** A batch, wave, phase, session or stream: a set of tasks with a mode. */
export interface Group {
  readonly id: string;
  readonly title: string;
  readonly mode: GroupMode;
  /** Groups that must be complete before any task of this one starts. */
  readonly needs: readonly string[];
  /** Tasks in file order. */
  readonly tasks: readonly TaskId[];
  /** How many tasks the document said the group had (`PARALLEL - 4 Agents`), to check against. */
  readonly declaredCount?: number;
  readonly location?: Location;
}

/** A task of a normalized plan: defaults filled in, dependencies resolved. */
export interface Task {
  readonly id: TaskId;
  /** Position in the file, from 0: the stable tie-breaker everywhere. */
  readonly index: number;
  readonly title: string;
  readonly description?: string;
  /** What an agent (or a person) is told to do. */
  readonly instructions?: string;
  readonly priority: Priority;
  readonly impact?: Level;
  readonly risk?: Level;
  /** Undefined when the plan gives none; schedules then use the plan's default estimate. */
  readonly estimate?: Estimate;
  readonly timeoutMs?: number;
  /** Extra attempts after the first one fails. */
  readonly retries: number;
  /** Attempt outcomes that may be retried. */
  readonly retryOn: readonly string[];
  readonly needs: readonly Dependency[];
  readonly group?: string;
  /** A person or role that owns the task (free text). */
  readonly owner?: string;
  /** The executor profile that runs it. */
  readonly executor: string;
  readonly run?: Command;
  readonly verify: readonly VerifyCommand[];
  /** Success criteria in prose (what verify commands check, or what a person checks). */
  readonly criteria: readonly string[];
  /** What the task must report back. */
  readonly returns?: string;
  readonly deliverables: readonly string[];
  readonly testStrategy?: string;
  /** Estimated lines of code changed, for review batches. */
  readonly size?: number;
  /** Globs of the files the task touches. */
  readonly files: readonly string[];
  readonly tags: readonly string[];
  readonly trigger: TriggerRule;
  /** A milestone or coordination point: nothing to run, done when its dependencies allow. */
  readonly gate: boolean;
  /** Already done when the plan was written (imported `[x]`, `✅`, Task Master `done`). */
  readonly done: boolean;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly pool?: string;
  /** `worktree`: run in its own git worktree and branch. */
  readonly workspace: 'worktree' | 'none';
  /** Fields the plan wrote that paraplan does not know, kept verbatim. */
  readonly extra: Readonly<Record<string, unknown>>;
  readonly location?: Location;
}

/** A plan ready to schedule and run: frozen, valid, every reference resolved. */
export interface Plan {
  readonly name: string;
  readonly description?: string;
  /** The file it came from. */
  readonly file?: string;
  /** Default number of workers. */
  readonly concurrency: number;
  /** The estimate used for tasks that have none (stated in every output that uses it). */
  readonly defaultEstimateMs: number;
  readonly executors: ReadonlyMap<string, ExecutorProfile>;
  /** Named pools and their slots: at most that many of the pool's tasks at once. */
  readonly pools: ReadonlyMap<string, number>;
  readonly groups: ReadonlyMap<string, Group>;
  /** Tasks in file order. */
  readonly tasks: ReadonlyMap<TaskId, Task>;
  /** Plan-level checks (smoke tests), run after merges. */
  readonly verify: readonly VerifyCommand[];
  /** Free-text rollback notes, for the runbook. */
  readonly rollback?: string;
  /** Plan-level settings not modelled above (workspace, merge, budget...), as written. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The estimate a schedule uses for a task: the middle of its range, 0 for a gate without one, else the plan's default. */
export function taskDurationMs(plan: Plan, task: Task): number {
  if (task.estimate) return (task.estimate.low + task.estimate.high) / 2;
  // A gate without an estimate is a point in time, not work.
  return task.gate ? 0 : plan.defaultEstimateMs;
}

/** `argv` joined for display, quoting what needs it. Never passed to a shell. */
export function commandText(command: Command): string {
  if (command.kind === 'shell') return command.script;
  return command.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Agent CLIs with built-in presets; each is also a built-in executor profile of the same name. */
export const AGENT_PRESETS: readonly string[] = ['claude', 'codex', 'gemini', 'aider', 'opencode', 'cursor'];
