import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {VerifyCommand} from '../model/index.js';
import {git, gitText, identityArgs, repoLock} from './git.js';
import {commandLabel, runCommand} from './run-command.js';
import {fillTemplate} from './settings.js';

/** One task branch to integrate. */
export interface TrainBranch {
  readonly task: string;
  readonly branch: string;
  /** For the merge commit message; defaults to the task id. */
  readonly title?: string;
}

/** Checks the merged tree in `cwd` (the plan-level verify). */
export type MergeVerify = (cwd: string, signal: AbortSignal) => Promise<{readonly ok: true} | {readonly ok: false; readonly message: string; readonly outputTail?: string}>;

export interface MergeTrainOptions {
  /** The repository's toplevel (any of its worktrees works too). */
  readonly repo: string;
  /** The branch to integrate into (a short name: `main`, `integration`). */
  readonly target: string;
  /** Task branches in topological order: a branch comes after the branches of the tasks it depends on. */
  readonly branches: readonly TrainBranch[];
  /** Run after each merge; a failure stops the train there. */
  readonly verify?: MergeVerify;
  readonly signal?: AbortSignal;
  /** Move the target only if every branch merged and verified (else: up to the last good merge). @default false */
  readonly atomic?: boolean;
  /** Merge commit message template: `{id}`, `{title}`, `{branch}`, `{target}`. @default 'merge({id}): {title}' */
  readonly message?: string;
}

/** What happened to one branch of the train. */
export interface TrainStep {
  readonly task: string;
  readonly branch: string;
  /**
   * - `merged`: a merge commit was made and verification (if any) passed.
   * - `already-merged`: the branch's tip was already in the target; nothing to do (said, not skipped silently).
   */
  readonly status: 'merged' | 'already-merged';
  /** The target's commit after this step. */
  readonly commit: string;
}

/** Two branches that cannot both merge cleanly, found before any merge with `git merge-tree`. */
export interface PredictedConflict {
  /** Task ids, or `target` for the target branch's own changes. */
  readonly tasks: readonly [string, string];
  readonly files: readonly string[];
}

interface TrainFacts {
  readonly target: string;
  /** The target's commit before the train; undefined when the train could not start. */
  readonly from: string | undefined;
  /** Where the target points now (equal to `from` when it did not move). */
  readonly to: string | undefined;
  readonly steps: readonly TrainStep[];
  readonly predicted: readonly PredictedConflict[];
}

/**
 * How a merge train ended. In every case the target branch holds a fully merged, verified commit (or did not move)
 * and no checkout of the user's was touched.
 * - `merged`: every branch is in the target.
 * - `conflict`: `conflict.task`'s branch conflicts in `conflict.files` with `conflict.tasks` (earlier tasks or `target`).
 * - `verify-failed`: the plan-level verify failed after merging `failed.task`.
 * - `cancelled`: the signal fired; the target did not move.
 * - `target-missing`: no branch named `target`.
 * - `target-checked-out`: the target is checked out in a worktree; moving it would change that checkout's files.
 * - `target-moved`: someone else moved the target during the train; nothing was changed.
 * - `branch-missing`: a task's branch does not exist.
 */
export type MergeTrainResult = TrainFacts &
  (
    | {readonly status: 'merged'}
    | {readonly status: 'conflict'; readonly conflict: {readonly task: string; readonly branch: string; readonly files: readonly string[]; readonly tasks: readonly string[]; readonly message: string}}
    | {readonly status: 'verify-failed'; readonly failed: {readonly task: string; readonly branch: string; readonly message: string; readonly outputTail?: string}}
    | {readonly status: 'cancelled'}
    | {readonly status: 'target-missing'}
    | {readonly status: 'target-checked-out'; readonly worktree: string}
    | {readonly status: 'target-moved'; readonly found: string}
    | {readonly status: 'branch-missing'; readonly task: string; readonly branch: string}
  );

/**
 * Merges task branches one by one into `target`, in a temporary detached worktree, verifying after each merge.
 * Stops at the first conflict or failed verification. The target ref moves once, at the end, with
 * `git update-ref <new> <old>` so a concurrent change to the target is detected rather than overwritten.
 */
export async function mergeTrain(options: MergeTrainOptions): Promise<MergeTrainResult> {
  const {repo, target, branches} = options;
  const signal = options.signal ?? new AbortController().signal;
  const ref = `refs/heads/${target}`;
  const base = {target, steps: [] as TrainStep[], predicted: [] as PredictedConflict[]};
  const old = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {cwd: repo});
  if (old.code !== 0) return {...base, status: 'target-missing', from: undefined, to: undefined};
  const from = old.stdout.trim();
  const checkedOut = await checkedOutIn(repo, ref);
  if (checkedOut !== undefined) return {...base, status: 'target-checked-out', worktree: checkedOut, from, to: from};

  const tips = new Map<string, string>();
  for (const b of branches) {
    const out = await git(['rev-parse', '--verify', '--quiet', `refs/heads/${b.branch}^{commit}`], {cwd: repo});
    if (out.code !== 0) return {...base, status: 'branch-missing', task: b.task, branch: b.branch, from, to: from};
    tips.set(b.branch, out.stdout.trim());
  }
  const touched = new Map<string, Set<string>>();
  for (const b of branches) touched.set(b.task, await changedFiles(repo, from, tips.get(b.branch)!));
  const predicted = await predictConflicts(repo, from, branches, touched);
  const facts = {target, predicted};

  const tmp = await mkdtemp(join(tmpdir(), 'paraplan-merge-'));
  const lock = repoLock(repo);
  await lock.run(() => gitText(['worktree', 'add', '--quiet', '--detach', tmp, from], {cwd: repo}));
  const steps: TrainStep[] = [];
  let good = from;
  const identity = await identityArgs(repo);
  const finish = async (status: 'merged' | 'stopped'): Promise<{to: string} | {moved: string}> => {
    const to = status === 'stopped' && options.atomic ? from : good;
    if (to === from) return {to};
    const out = await lock.run(() => git(['update-ref', '-m', `paraplan: merge train into ${target}`, ref, to, from], {cwd: repo}));
    if (out.code === 0) return {to};
    const now = await git(['rev-parse', '--verify', '--quiet', ref], {cwd: repo});
    return {moved: now.stdout.trim()};
  };
  const moved = (m: {to: string} | {moved: string}): MergeTrainResult | undefined =>
    'moved' in m ? {...facts, status: 'target-moved', found: m.moved, from, to: m.moved, steps: []} : undefined;

  try {
    for (const b of branches) {
      if (signal.aborted) return {...facts, status: 'cancelled', from, to: from, steps};
      const tip = tips.get(b.branch)!;
      const already = await git(['merge-base', '--is-ancestor', tip, 'HEAD'], {cwd: tmp});
      if (already.code === 0) {
        steps.push({task: b.task, branch: b.branch, status: 'already-merged', commit: good});
        continue;
      }
      const message = fillTemplate(options.message ?? 'merge({id}): {title}', {id: b.task, title: b.title ?? b.task, branch: b.branch, target});
      const merge = await git([...identity, 'merge', '--no-ff', '--no-edit', '-m', message, tip], {cwd: tmp, signal});
      if (merge.code !== 0) {
        const unmerged = await git(['diff', '--name-only', '--diff-filter=U'], {cwd: tmp});
        const files = unmerged.stdout.split('\n').filter((f) => f !== '');
        await git(['merge', '--abort'], {cwd: tmp});
        await git(['reset', '--hard', '--quiet', good], {cwd: tmp});
        const others = steps.filter((s) => s.status === 'merged' && [...(touched.get(s.task) ?? [])].some((f) => files.includes(f))).map((s) => s.task);
        const targetFiles = await changedFiles(repo, tip, from);
        if (files.some((f) => targetFiles.has(f))) others.push('target');
        const end = await finish('stopped');
        const detail = (merge.stderr + merge.stdout).trim().split('\n').slice(-3).join(' | ');
        return (
          moved(end) ?? {
            ...facts,
            status: 'conflict',
            from,
            to: 'to' in end ? end.to : from,
            steps,
            conflict: {
              task: b.task,
              branch: b.branch,
              files,
              tasks: [b.task, ...others],
              message: files.length
                ? `merging task "${b.task}" (${b.branch}) into ${target} conflicts in ${files.join(', ')}${others.length ? ` with ${others.map((t) => (t === 'target' ? `${target}'s own changes` : `task "${t}"`)).join(', ')}` : ''}`
                : `merging task "${b.task}" (${b.branch}) into ${target} failed: ${detail}`,
            },
          }
        );
      }
      const head = await gitText(['rev-parse', 'HEAD'], {cwd: tmp});
      if (options.verify) {
        const verdict = await options.verify(tmp, signal);
        if (signal.aborted) return {...facts, status: 'cancelled', from, to: from, steps};
        if (!verdict.ok) {
          const end = await finish('stopped');
          return (
            moved(end) ?? {
              ...facts,
              status: 'verify-failed',
              from,
              to: 'to' in end ? end.to : from,
              steps,
              failed: {task: b.task, branch: b.branch, message: verdict.message, ...(verdict.outputTail !== undefined ? {outputTail: verdict.outputTail} : {})},
            }
          );
        }
      }
      good = head;
      steps.push({task: b.task, branch: b.branch, status: 'merged', commit: head});
    }
    const end = await finish('merged');
    return moved(end) ?? {...facts, status: 'merged', from, to: 'to' in end ? end.to : from, steps};
  } finally {
    await lock.run(async () => {
      await git(['worktree', 'remove', '--force', tmp], {cwd: repo});
      await rm(tmp, {recursive: true, force: true});
      await git(['worktree', 'prune'], {cwd: repo});
    });
  }
}

/**
 * Pairs of branches (and each branch against the target) that touched the same files and whose merge
 * `git merge-tree --write-tree` says conflicts. Only pairs sharing a file are tried, so this stays cheap.
 */
export async function predictConflicts(repo: string, targetCommit: string, branches: readonly TrainBranch[], touched?: ReadonlyMap<string, ReadonlySet<string>>): Promise<PredictedConflict[]> {
  const files = new Map<string, ReadonlySet<string>>();
  const tips = new Map<string, string>();
  for (const b of branches) {
    tips.set(b.task, b.branch);
    files.set(b.task, touched?.get(b.task) ?? (await changedFiles(repo, targetCommit, `refs/heads/${b.branch}`)));
  }
  const out: PredictedConflict[] = [];
  const tryPair = async (a: string, ra: string, b: string, rb: string, shared: readonly string[]): Promise<void> => {
    const merged = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', ra, rb], {cwd: repo});
    if (merged.code !== 1) return;
    const conflicted = merged.stdout.trim().split('\n').slice(1).filter((f) => f !== '');
    out.push({tasks: [a, b], files: conflicted.length ? conflicted : shared});
  };
  for (let i = 0; i < branches.length; i++) {
    const a = branches[i]!;
    const fa = files.get(a.task)!;
    const targetSide = await changedFiles(repo, `refs/heads/${a.branch}`, targetCommit);
    const sharedWithTarget = [...fa].filter((f) => targetSide.has(f));
    if (sharedWithTarget.length) await tryPair('target', targetCommit, a.task, `refs/heads/${a.branch}`, sharedWithTarget);
    for (let j = i + 1; j < branches.length; j++) {
      const b = branches[j]!;
      const shared = [...fa].filter((f) => files.get(b.task)!.has(f));
      if (shared.length) await tryPair(a.task, `refs/heads/${a.branch}`, b.task, `refs/heads/${b.branch}`, shared);
    }
  }
  return out;
}

/** Files changed on `to` since its merge base with `from` (`git diff from...to`). */
async function changedFiles(repo: string, from: string, to: string): Promise<Set<string>> {
  const out = await git(['diff', '--name-only', '--no-renames', '-z', `${from}...${to}`], {cwd: repo});
  return new Set(out.code === 0 ? out.stdout.split('\0').filter((f) => f !== '') : []);
}

/** The worktree that has `ref` checked out, if any. */
async function checkedOutIn(repo: string, ref: string): Promise<string | undefined> {
  const list = await gitText(['worktree', 'list', '--porcelain'], {cwd: repo});
  let path: string | undefined;
  for (const line of list.split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    else if (line === `branch ${ref}`) return path;
  }
  return undefined;
}

/**
 * A `MergeVerify` that runs the plan-level verify commands in the merged tree, in order, stopping at the first
 * that fails. Argv commands run without a shell.
 */
export function planVerifier(commands: readonly VerifyCommand[], options: {env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number} = {}): MergeVerify {
  return async (cwd, signal) => {
    for (const v of commands) {
      const label = v.name ?? commandLabel(v.command);
      const out = await runCommand(v.command, {cwd, signal, ...(options.env ? {env: options.env} : {}), ...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {})});
      if (out.exitCode !== 0) {
        const how = out.timedOut ? `timed out after ${options.timeoutMs} milliseconds` : out.exitCode === null ? `was killed with ${out.signal ?? 'a signal'}` : `failed with exit code ${out.exitCode}`;
        return {ok: false, message: `plan verify "${label}" ${how}`, outputTail: out.outputTail};
      }
    }
    return {ok: true};
  };
}
