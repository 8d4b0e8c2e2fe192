import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {isRunId, type Plan, type RunId, type TaskId} from '../../model/index.js';
import type {AttemptRecord, RunStore, TaskRecord} from '../../store/index.js';
import {git, gitToplevel, mergeSettings, mergeTrain, planVerifier, type MergeTrainResult, type TrainBranch} from '../../workspace/index.js';
import {EXIT_FAILED, EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import {paint, type CliIo} from '../io.js';
import {readPlan} from '../read-plan.js';
import {openStore, stateDirFor} from '../state.js';

export interface MergeCommandOptions {
  /** The target branch; default the plan's `merge.into`. */
  readonly into?: string;
  /** The plan file, to find the state folder beside it (default: the run's own plan file). */
  readonly plan?: string;
  readonly state?: string;
  /** Move the target only if every branch merges and verifies. */
  readonly atomic?: boolean;
  /** `--no-verify`: skip the plan-level verify after each merge. */
  readonly verify?: boolean;
  readonly json?: boolean;
}

/** A task of the run and the branch it would be merged from; `reason` says why it is not in the train. */
interface Candidate {
  readonly task: TaskId;
  readonly title: string;
  readonly branch?: string;
  readonly reason?: string;
}

/**
 * `paraplan merge [RUN] --into BRANCH`: merges the run's succeeded (verified) task branches into BRANCH in
 * dependency order, verifying after each merge; stops at the first conflict. Exit 0 merged, 1 stopped, 2 input.
 */
export async function mergeCommand(runArg: string | undefined, options: MergeCommandOptions, io: CliIo): Promise<number> {
  const opened = openStore(stateDirFor(io, options.state, options.plan), {create: false});
  if (!opened.ok) {
    io.err(`error: ${opened.error}\n`);
    return EXIT_USAGE;
  }
  const store = opened.value;
  try {
    return await merge(store, runArg, options, io);
  } finally {
    store.close();
  }
}

/** The merge of one run with an open store: for `run --merge BRANCH` once its run ended. Returns the exit code. */
export function mergeRun(store: RunStore, run: RunId, options: MergeCommandOptions, io: CliIo): Promise<number> {
  return merge(store, run, options, io);
}

async function merge(store: RunStore, runArg: string | undefined, options: MergeCommandOptions, io: CliIo): Promise<number> {
  if (runArg !== undefined && !isRunId(runArg)) {
    io.err(`error: "${runArg}" is not a run id (like r20260101-120000-abcd); see paraplan runs\n`);
    return EXIT_USAGE;
  }
  const run = runArg !== undefined ? await store.getRun(runArg as RunId) : await store.latestRun();
  if (!run) {
    io.err(`error: ${runArg !== undefined ? `no run ${runArg}` : 'no runs yet'}; see paraplan runs\n`);
    return EXIT_USAGE;
  }
  const planFile = options.plan !== undefined ? resolve(io.cwd, options.plan) : run.planFile;
  let plan: Plan | undefined;
  if (planFile !== undefined && existsSync(planFile)) {
    const read = await readPlan(planFile, {}, io);
    if (read.ok) plan = read.plan;
  }
  const into = options.into ?? (plan ? mergeSettings(plan).settings.into : undefined);
  if (into === undefined) {
    io.err('error: no target branch; pass --into BRANCH (or set merge.into in the plan)\n');
    return EXIT_USAGE;
  }
  const repo = await gitToplevel(planFile !== undefined ? dirname(planFile) : io.cwd);
  if (repo === undefined) {
    io.err(`error: ${planFile !== undefined ? dirname(planFile) : io.cwd} is not in a git repository\n`);
    return EXIT_USAGE;
  }

  const tasks = topological(await store.tasks(run.id));
  const attempts = await store.attempts(run.id);
  const candidates: Candidate[] = [];
  for (const t of tasks) {
    if (t.status !== 'succeeded') {
      candidates.push({task: t.task, title: t.title, reason: t.status});
      continue;
    }
    // The branch the run recorded when it prepared the worktree (the template may have changed since).
    const branch = branchOf(t, attempts);
    if (branch === undefined) {
      candidates.push({task: t.task, title: t.title, reason: 'no branch (not run in a worktree)'});
      continue;
    }
    const exists = await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {cwd: repo});
    candidates.push(exists.code === 0 ? {task: t.task, title: t.title, branch} : {task: t.task, title: t.title, reason: `its branch ${branch} does not exist any more`});
  }
  const train: TrainBranch[] = candidates.filter((c) => c.branch !== undefined).map((c) => ({task: c.task, branch: c.branch!, title: c.title}));
  const left = candidates.filter((c) => c.reason !== undefined);
  const settings = plan ? mergeSettings(plan).settings : undefined;
  const verifyOn = options.verify !== false && (settings?.verify ?? true);
  const verifyCommands = plan && verifyOn ? plan.verify : [];
  if (verifyOn && !plan && !options.json) io.err(paint(io, 'yellow', `warning: the plan of run ${run.id} cannot be read; merging without the plan-level verify\n`));

  const result = await mergeTrain({
    repo,
    target: into,
    branches: train,
    ...(verifyCommands.length ? {verify: planVerifier(verifyCommands, {env: io.env})} : {}),
    atomic: options.atomic ?? settings?.atomic ?? false,
    ...(settings ? {message: settings.message} : {}),
  });
  if (options.json) {
    io.out(`${JSON.stringify({run: run.id, ...result, notMerged: left})}\n`);
  } else {
    io.err(describe(result, left, run.id, io));
  }
  switch (result.status) {
    case 'merged':
      return EXIT_OK;
    case 'conflict':
    case 'verify-failed':
    case 'cancelled':
    case 'target-moved':
      return EXIT_FAILED;
    case 'target-missing':
    case 'target-checked-out':
    case 'branch-missing':
      return EXIT_USAGE;
    default: {
      const never: never = result;
      throw new Error(`Internal error: unknown merge result ${JSON.stringify(never)}`);
    }
  }
}

/** The branch of the task's last successful attempt, from the store. */
function branchOf(t: TaskRecord, attempts: readonly AttemptRecord[]): string | undefined {
  const ok = attempts.filter((a) => a.task === t.task && a.outcome === 'ok' && a.worktree);
  return ok.at(-1)?.worktree?.branch;
}

/** Tasks in dependency order, file order among the ready ones (Kahn). */
function topological(tasks: readonly TaskRecord[]): TaskRecord[] {
  const byId = new Map(tasks.map((t) => [t.task, t]));
  const indegree = new Map(tasks.map((t) => [t.task, t.needs.filter((n) => byId.has(n)).length]));
  const out: TaskRecord[] = [];
  const ready = tasks.filter((t) => indegree.get(t.task) === 0);
  while (ready.length) {
    ready.sort((a, b) => a.position - b.position);
    const t = ready.shift()!;
    out.push(t);
    for (const u of tasks) {
      if (!u.needs.includes(t.task)) continue;
      const d = indegree.get(u.task)! - 1;
      indegree.set(u.task, d);
      if (d === 0) ready.push(u);
    }
  }
  return out.length === tasks.length ? out : [...tasks].sort((a, b) => a.position - b.position);
}

function describe(result: MergeTrainResult, left: readonly Candidate[], run: string, io: CliIo): string {
  const lines: string[] = [];
  for (const s of result.steps) lines.push(`  ${paint(io, 'green', '✓')} ${s.task} ${paint(io, 'gray', `(${s.branch}${s.status === 'already-merged' ? ', already merged' : ''})`)}`);
  for (const p of result.predicted) lines.push(paint(io, 'yellow', `  ! predicted conflict between ${p.tasks.map((t) => (t === 'target' ? result.target : t)).join(' and ')} in ${p.files.join(', ')}`));
  switch (result.status) {
    case 'merged':
      lines.unshift(`Merged ${result.steps.filter((s) => s.status === 'merged').length} task branches of run ${run} into ${result.target} (${short(result.from)} → ${short(result.to)}).`);
      break;
    case 'conflict':
      lines.unshift(`${paint(io, 'red', '✗')} ${result.conflict.message}.`);
      lines.push(`${result.target} is at ${short(result.to)}${result.to === result.from ? ' (unchanged)' : ', after the merges above'}; nothing half-merged. Resolve by making task "${result.conflict.task}" depend on ${result.conflict.tasks.filter((t) => t !== result.conflict.task).join(', ') || 'the other change'}, or merge it by hand.`);
      break;
    case 'verify-failed':
      lines.unshift(`${paint(io, 'red', '✗')} after merging task "${result.failed.task}": ${result.failed.message}.`);
      lines.push(`${result.target} is at ${short(result.to)}, the last verified merge.`);
      if (result.failed.outputTail) lines.push(result.failed.outputTail.trimEnd());
      break;
    case 'cancelled':
      lines.unshift(`Merge cancelled; ${result.target} did not move.`);
      break;
    case 'target-missing':
      lines.unshift(`error: there is no branch "${result.target}"; create it first (git branch ${result.target}).`);
      break;
    case 'target-checked-out':
      lines.unshift(`error: ${result.target} is checked out in ${result.worktree}; moving it would change that checkout's files. Switch that checkout to another branch, or merge into a new branch and fast-forward yourself.`);
      break;
    case 'target-moved':
      lines.unshift(`error: ${result.target} moved to ${short(result.found)} during the merge; nothing was changed. Run paraplan merge again.`);
      break;
    case 'branch-missing':
      lines.unshift(`error: the branch "${result.branch}" of task "${result.task}" does not exist any more.`);
      break;
    default: {
      const never: never = result;
      throw new Error(`Internal error: unknown merge result ${JSON.stringify(never)}`);
    }
  }
  for (const c of left) lines.push(paint(io, 'gray', `  - ${c.task}: not merged, ${c.reason}`));
  return `${lines.join('\n')}\n`;
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 10) : '?';
}
