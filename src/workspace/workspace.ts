import type {Diagnostic, Plan, RunId, Task, TaskId} from '../model/index.js';

/** A task's own git worktree on its own branch. */
export interface TaskWorkspace {
  readonly path: string;
  readonly branch: string;
  /** The commit the branch started from (contains the merged results of the task's dependencies). */
  readonly base: string;
  /** Index of the worktree among this run's (exposed as PARAPLAN_WORKTREE_INDEX, e.g. for ports). */
  readonly index: number;
  /**
   * The plan file's folder inside the worktree (`path` plus the plan's folder relative to the repository root):
   * where task `cwd`s start from. Undefined means `path`.
   */
  readonly planDir?: string;
}

/** What a task changed, recorded as evidence. */
export interface WorkspaceChanges {
  /** Commits made on the task branch since `base`, oldest first. */
  readonly commits: readonly string[];
  readonly filesChanged: number;
  readonly insertions: number;
  readonly deletions: number;
  readonly files: readonly string[];
}

/**
 * Creates and finishes task worktrees. The engine calls `prepare` before a task with `workspace: worktree` runs
 * and `commit` after its command, before verification (which runs in the worktree).
 */
export interface WorkspaceProvider {
  /**
   * Checks, before anything runs, that worktrees can be made for these tasks (a git repository with a commit to
   * start from, valid settings). Returns one diagnostic per affected task.
   */
  preflight?(plan: Plan, tasks: readonly Task[]): Promise<Diagnostic[]>;
  prepare(options: {run: RunId; plan: Plan; task: Task; upstream: readonly {task: TaskId; branch?: string}[]; signal: AbortSignal}): Promise<TaskWorkspace>;
  commit(options: {run: RunId; task: Task; workspace: TaskWorkspace; attempt: number}): Promise<WorkspaceChanges>;
  /** Removes a worktree (the branch stays). */
  release(workspace: TaskWorkspace, options: {keep: boolean}): Promise<void>;
}
