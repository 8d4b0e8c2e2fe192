import {constants} from 'node:fs';
import {access, appendFile, copyFile, cp, mkdir, readFile, realpath, rm, stat, symlink} from 'node:fs/promises';
import {dirname, isAbsolute, join, relative, resolve} from 'node:path';
import type {Diagnostic, Plan, RunId, Task, TaskId} from '../model/index.js';
import {git, gitText, gitToplevel, identityArgs, refSafe, repoLock, slugify} from './git.js';
import {commandLabel, runCommand} from './run-command.js';
import {DEFAULT_WORKSPACE_SETTINGS, fillTemplate, workspaceSettings, type WorkspaceSettings} from './settings.js';
import type {WorkspaceChanges, WorkspaceProvider} from './workspace.js';

/**
 * Why a worktree could not be prepared. The engine should fail the attempt with `spawn_error` and this message.
 * - `not-a-repository`: the plan's folder is not inside a git work tree.
 * - `no-commits`: the base ref does not resolve (a repository without commits, a typo in `workspace.base`).
 * - `upstream-missing`: an upstream task's branch does not exist any more.
 * - `upstream-conflict`: the upstream branches conflict with each other, so there is no base to start from.
 * - `bad-branch-name`: the branch template gives an invalid ref name for this task.
 * - `setup-failed`: copying files or the setup command failed.
 */
export type WorkspaceErrorReason = 'not-a-repository' | 'no-commits' | 'upstream-missing' | 'upstream-conflict' | 'bad-branch-name' | 'setup-failed';

/** An expected failure to prepare a task's worktree (not a bug): carries the reason and the facts. */
export class WorkspaceError extends Error {
  readonly reason: WorkspaceErrorReason;
  /** Conflicting files (`upstream-conflict`), the missing branch, the setup output tail... */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(reason: WorkspaceErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'WorkspaceError';
    this.reason = reason;
    this.details = details;
  }
}

export interface GitWorktreeProviderOptions {
  /** The repository's toplevel. Default: the git toplevel of the plan file's folder (or of the process cwd). */
  readonly repo?: string;
  /** Overrides for the plan's `workspace:` settings (tests, CLI flags). */
  readonly settings?: Partial<WorkspaceSettings>;
  /** Environment for setup commands. Default: the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A `WorkspaceProvider` with its extra, provider-specific queries. */
export interface GitWorktreeProvider extends WorkspaceProvider {
  /** The repository a plan's worktrees belong to (the git toplevel of its folder). */
  repository(plan: Plan): Promise<string>;
  /** The worktree settings in force for a plan (plan `workspace:` record + overrides). */
  settings(plan: Plan): WorkspaceSettings;
}

/**
 * Worktrees under `<repo>/<root>/<run>/<task>`, one branch per task, started from the merge of the task's upstream
 * branches. Operations on the shared repository (worktree registry, refs) are serialized with a per-repository
 * lock; work inside a worktree (adding, committing) runs in parallel.
 */
export function gitWorktreeProvider(options: GitWorktreeProviderOptions = {}): GitWorktreeProvider {
  const repos = new Map<string, Promise<string>>();
  const runBases = new Map<string, Promise<string>>();
  const indexes = new Map<string, Set<number>>();
  const active = new Map<string, {run: string; index: number}>();
  // The settings a worktree was made with: its commit needs the message template and the copied paths.
  const madeWith = new Map<string, WorkspaceSettings>();

  const settingsOf = (plan: Plan): WorkspaceSettings => ({...workspaceSettings(plan).settings, ...options.settings});

  const repository = (plan: Plan): Promise<string> => {
    const dir = options.repo ?? (plan.file ? dirname(resolve(plan.file)) : process.cwd());
    let found = repos.get(dir);
    if (!found) {
      found = gitToplevel(dir).then((top) => {
        if (top === undefined) throw new WorkspaceError('not-a-repository', `${dir} is not inside a git repository; run \`git init\` and commit, or set the task's workspace: none`, {dir});
        return top;
      });
      repos.set(dir, found);
    }
    return found;
  };

  const allocateIndex = (run: string): number => {
    let used = indexes.get(run);
    if (!used) indexes.set(run, (used = new Set()));
    let i = 0;
    while (used.has(i)) i++;
    used.add(i);
    return i;
  };

  const runBase = (repo: string, run: string, ref: string): Promise<string> => {
    const key = `${repo}\0${run}`;
    let base = runBases.get(key);
    if (!base) {
      // Resolved once per run, so every task without upstream starts from the same commit even if HEAD moves.
      base = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {cwd: repo}).then((out) => {
        if (out.code !== 0) throw new WorkspaceError('no-commits', `workspace base "${ref}" does not resolve to a commit in ${repo}; commit something first or set workspace.base`, {ref});
        return out.stdout.trim();
      });
      runBases.set(key, base);
    }
    return base;
  };

  return {
    repository,
    settings: settingsOf,

    async preflight(plan, tasks) {
      const at = (t: Task): {location?: NonNullable<Task['location']>} => (t.location ? {location: t.location} : {});
      const {diagnostics} = workspaceSettings(plan);
      const out: Diagnostic[] = diagnostics.filter((d) => d.severity === 'error');
      if (tasks.length === 0) return out;
      let problem: string;
      try {
        const repo = await repository(plan);
        const ref = settingsOf(plan).base;
        const head = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {cwd: repo});
        if (head.code === 0) return out;
        problem = `the repository ${repo} has no commit "${ref}" to start the worktree from (${ref === 'HEAD' ? 'it has no commits yet; commit something first' : 'fix workspace.base'})`;
      } catch (e) {
        if (!(e instanceof WorkspaceError)) throw e;
        problem = e.message;
      }
      for (const t of tasks) {
        out.push({severity: 'error', code: 'no-repository', message: `task "${t.id}" asks for its own git worktree (workspace: worktree), but ${problem}`, ...at(t)});
      }
      return out;
    },

    async prepare({run, plan, task, upstream, signal}) {
      signal.throwIfAborted();
      const repo = await repository(plan);
      const settings = settingsOf(plan);
      const base0 = await runBase(repo, run, settings.base);
      const index = allocateIndex(run);
      const branch = refSafe(fillTemplate(settings.branch, {run, id: task.id, slug: slugify(task.title) || 'task', index: String(index)}));
      const path = join(repo, settings.root, refSafe(run), taskFolder(task.id));
      const lock = repoLock(repo);
      try {
        const check = await git(['check-ref-format', '--branch', branch], {cwd: repo});
        if (check.code !== 0 || branch === '') {
          throw new WorkspaceError('bad-branch-name', `task "${task.id}": branch name "${branch}" (from workspace.branch "${settings.branch}") is not a valid git branch name`, {branch});
        }
        const base = await lock.run(async () => {
          signal.throwIfAborted();
          await excludeFromGit(repo, settings.root);
          const merged = await mergedBase(repo, base0, task, upstream);
          if (await exists(path)) {
            // A retry or a resumed run: start the attempt from a clean worktree, not from the last attempt's debris.
            await git(['worktree', 'remove', '--force', path], {cwd: repo});
            await rm(path, {recursive: true, force: true});
          }
          await git(['worktree', 'prune'], {cwd: repo});
          await mkdir(dirname(path), {recursive: true});
          await gitText(['worktree', 'add', '--quiet', '-B', branch, path, merged], {cwd: repo});
          return merged;
        });
        active.set(path, {run, index});
        madeWith.set(path, settings);
        await setUp(repo, path, settings, index, task, run, options.env ?? process.env, signal);
        // Task cwds are relative to the plan's folder: the same folder inside the worktree.
        const planFolder = plan.file ? dirname(resolve(plan.file)) : undefined;
        const planRel = planFolder ? relative(repo, await realpath(planFolder).catch(() => planFolder)) : '';
        const planDir = planRel !== '' && !planRel.startsWith('..') && !isAbsolute(planRel) ? join(path, planRel) : path;
        return {path, branch, base, index, planDir};
      } catch (e) {
        if (!active.has(path)) indexes.get(run)?.delete(index);
        throw e;
      }
    },

    async commit({run, task, workspace, attempt}) {
      const cwd = workspace.path;
      const settings = madeWith.get(cwd);
      const excludes = await copiedPaths(cwd, settings);
      await gitText(['add', '-A', '--', '.', ...excludes.map((p) => `:(exclude,literal)${p}`)], {cwd});
      const staged = await git(['diff', '--cached', '--quiet'], {cwd});
      if (staged.code === 1) {
        const subject = fillTemplate(settings?.commitMessage ?? DEFAULT_WORKSPACE_SETTINGS.commitMessage, {id: task.id, title: oneLine(task.title), run, attempt: String(attempt)});
        const identity = await identityArgs(cwd);
        // --no-verify: the user's commit hooks are not paraplan's verification, and a failing hook would lose the work.
        await gitText([...identity, 'commit', '--quiet', '--no-verify', '-m', subject, '-m', `Paraplan-Run: ${run}\nParaplan-Task: ${task.id}\nParaplan-Attempt: ${attempt}`], {cwd});
      } else if (staged.code !== 0) {
        throw new Error(`Internal error: git diff --cached --quiet exited with ${staged.code} in ${cwd}: ${staged.stderr}`);
      }
      return changesSince(cwd, workspace.base);
    },

    async release(workspace, {keep}) {
      const entry = active.get(workspace.path);
      madeWith.delete(workspace.path);
      if (entry) {
        active.delete(workspace.path);
        indexes.get(entry.run)?.delete(entry.index);
      }
      if (keep) return;
      const repo = await gitText(['rev-parse', '--path-format=absolute', '--git-common-dir'], {cwd: workspace.path}).then(
        (common) => dirname(common),
        () => undefined,
      );
      if (repo === undefined) {
        await rm(workspace.path, {recursive: true, force: true});
        return;
      }
      await repoLock(repo).run(async () => {
        const out = await git(['worktree', 'remove', '--force', workspace.path], {cwd: repo});
        if (out.code !== 0) await rm(workspace.path, {recursive: true, force: true});
        await git(['worktree', 'prune'], {cwd: repo});
      });
    },
  };
}

async function setUp(repo: string, path: string, settings: WorkspaceSettings, index: number, task: Task, run: string, env: Readonly<Record<string, string | undefined>>, signal: AbortSignal): Promise<void> {
  for (const [list, how] of [
    [settings.copy, 'copy'],
    [settings.link, 'link'],
  ] as const) {
    for (const rel of list) {
      const from = resolve(repo, rel);
      const to = resolve(path, rel);
      if (!inside(repo, from) || !inside(path, to)) throw new WorkspaceError('setup-failed', `workspace.${how}: "${rel}" is outside the repository`, {path: rel});
      if (!(await exists(from))) continue;
      try {
        await mkdir(dirname(to), {recursive: true});
        await rm(to, {recursive: true, force: true});
        if (how === 'link') await symlink(from, to);
        else if ((await stat(from)).isDirectory()) await cp(from, to, {recursive: true});
        else await copyFile(from, to);
      } catch (e) {
        throw new WorkspaceError('setup-failed', `workspace.${how}: could not ${how} "${rel}" into ${path}: ${(e as Error).message}`, {path: rel});
      }
    }
  }
  if (!settings.setup) return;
  const out = await runCommand(settings.setup, {
    cwd: path,
    env: {...env, PARAPLAN_WORKTREE: path, PARAPLAN_WORKTREE_INDEX: String(index), PARAPLAN_TASK_ID: task.id, PARAPLAN_RUN_ID: run},
    timeoutMs: settings.setupTimeoutMs,
    signal,
  });
  if (out.exitCode !== 0) {
    const how = out.timedOut ? `timed out after ${settings.setupTimeoutMs} milliseconds` : out.cancelled ? 'was cancelled' : out.exitCode === null ? `was killed with ${out.signal ?? 'a signal'}` : `failed with exit code ${out.exitCode}`;
    throw new WorkspaceError('setup-failed', `task "${task.id}": workspace setup command ${how}: ${commandLabel(settings.setup)}`, {outputTail: out.outputTail, exitCode: out.exitCode});
  }
}

async function copiedPaths(cwd: string, settings: WorkspaceSettings | undefined): Promise<string[]> {
  if (!settings) return [];
  const out: string[] = [];
  for (const rel of [...settings.copy, ...settings.link]) {
    if (!(await exists(join(cwd, rel)))) continue;
    // An ignored path is skipped by `git add` anyway, and naming it in a pathspec makes git fail; exclude the rest
    // (a symlinked `node_modules` does not match a `node_modules/` ignore rule).
    const ignored = await git(['check-ignore', '--quiet', '--no-index', '--', rel], {cwd});
    if (ignored.code !== 0) out.push(rel);
  }
  return out;
}

/**
 * The commit a task starts from: the run's base when it has no upstream branches, else the merge of them all.
 * Merges are made without a worktree (`merge-tree --write-tree` + `commit-tree`), so nothing is checked out.
 */
async function mergedBase(repo: string, runBase: string, task: Task, upstream: readonly {task: TaskId; branch?: string}[]): Promise<string> {
  let current: string | undefined;
  let currentLabel = '';
  const identity = await identityArgs(repo);
  for (const u of upstream) {
    if (u.branch === undefined) continue;
    const out = await git(['rev-parse', '--verify', '--quiet', `refs/heads/${u.branch}^{commit}`], {cwd: repo});
    if (out.code !== 0) throw new WorkspaceError('upstream-missing', `task "${task.id}": the branch "${u.branch}" of upstream task "${u.task}" does not exist; it was deleted, or the upstream task never ran`, {branch: u.branch, task: u.task});
    const tip = out.stdout.trim();
    if (current === undefined) {
      current = tip;
      currentLabel = u.branch;
      continue;
    }
    if (await isAncestor(repo, tip, current)) continue;
    if (await isAncestor(repo, current, tip)) {
      current = tip;
      continue;
    }
    const merged = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', current, tip], {cwd: repo});
    if (merged.code === 1) {
      const files = merged.stdout.trim().split('\n').slice(1).filter((f) => f !== '');
      throw new WorkspaceError('upstream-conflict', `task "${task.id}": its upstream branches conflict (${currentLabel} and ${u.branch}) in ${files.join(', ')}; make one upstream task depend on the other`, {files, branches: [currentLabel, u.branch]});
    }
    if (merged.code !== 0) throw new Error(`Internal error: git merge-tree exited with ${merged.code}: ${merged.stderr}`);
    const tree = merged.stdout.trim().split('\n')[0]!;
    current = await gitText([...identity, 'commit-tree', tree, '-p', current, '-p', tip, '-m', `paraplan: merge upstream of ${task.id}`], {cwd: repo});
    currentLabel = `${currentLabel}+${u.branch}`;
  }
  return current ?? runBase;
}

export async function isAncestor(repo: string, ancestor: string, of: string): Promise<boolean> {
  const out = await git(['merge-base', '--is-ancestor', ancestor, of], {cwd: repo});
  return out.code === 0;
}

/** Commits, files and line counts on the current HEAD of `cwd` since `base`. */
export async function changesSince(cwd: string, base: string): Promise<WorkspaceChanges> {
  const commits = (await gitText(['rev-list', '--reverse', `${base}..HEAD`], {cwd})).split('\n').filter((c) => c !== '');
  const numstat = await gitText(['diff', '--numstat', '-z', '--no-renames', base, 'HEAD'], {cwd});
  let insertions = 0;
  let deletions = 0;
  const files: string[] = [];
  // -z: "<ins>\t<del>\t<path>\0" per file; binary files show "-" for both counts.
  for (const entry of numstat.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(entry.replace(/^\n/, ''));
    if (!m) continue;
    insertions += m[1] === '-' ? 0 : Number(m[1]);
    deletions += m[2] === '-' ? 0 : Number(m[2]);
    files.push(m[3]!);
  }
  return {commits, filesChanged: files.length, insertions, deletions, files};
}

/** Keeps paraplan's folder out of `git status` without touching the user's .gitignore: `.git/info/exclude`. */
async function excludeFromGit(repo: string, root: string): Promise<void> {
  const common = await gitText(['rev-parse', '--path-format=absolute', '--git-common-dir'], {cwd: repo});
  const file = join(common, 'info', 'exclude');
  const top = `/${root.split('/')[0]}/`;
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.split('\n').some((l) => l.trim() === top)) return;
  await mkdir(dirname(file), {recursive: true});
  await appendFile(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}# paraplan worktrees\n${top}\n`);
}

function taskFolder(id: string): string {
  return refSafe(id.replace(/\//g, '-')) || 'task';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 100);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}
