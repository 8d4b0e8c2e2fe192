import {dirname, resolve} from 'node:path';
import {isRunId} from '../../model/index.js';
import {cleanWorktrees, gitToplevel, workspaceSettings} from '../../workspace/index.js';
import {EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {readPlan} from '../read-plan.js';

export interface CleanCommandOptions {
  /** The plan, for its repository and `workspace.root`. Default: the repository of the current folder. */
  readonly plan?: string;
  readonly branches?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** `paraplan clean [RUN]`: removes paraplan's worktrees (of one run, or all), and with `--branches` their branches. */
export async function cleanCommand(runArg: string | undefined, options: CleanCommandOptions, io: CliIo): Promise<number> {
  if (runArg !== undefined && !isRunId(runArg)) {
    io.err(`error: "${runArg}" is not a run id (like r20260101-120000-abcd); see paraplan runs\n`);
    return EXIT_USAGE;
  }
  let root: string | undefined;
  let from = io.cwd;
  if (options.plan !== undefined) {
    const file = resolve(io.cwd, options.plan);
    const read = await readPlan(file, {}, io);
    if (!read.ok) return read.exitCode;
    root = workspaceSettings(read.plan).settings.root;
    from = dirname(file);
  }
  const repo = await gitToplevel(from);
  if (repo === undefined) {
    io.err(`error: ${from} is not in a git repository\n`);
    return EXIT_USAGE;
  }
  const result = await cleanWorktrees({repo, ...(root ? {root} : {}), ...(runArg ? {run: runArg} : {}), ...(options.branches ? {branches: true} : {}), ...(options.dryRun ? {dryRun: true} : {})});
  if (options.json) {
    io.out(`${JSON.stringify({dryRun: Boolean(options.dryRun), ...result})}\n`);
    return EXIT_OK;
  }
  const verb = options.dryRun ? 'Would remove' : 'Removed';
  const lines = [`${verb} ${result.worktrees.length} worktree${result.worktrees.length === 1 ? '' : 's'}${options.branches ? ` and ${result.branches.length} branch${result.branches.length === 1 ? '' : 'es'}` : ''}.`];
  for (const w of result.worktrees) lines.push(`  ${w}`);
  for (const b of result.branches) lines.push(`  branch ${b}`);
  io.err(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
