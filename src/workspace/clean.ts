import {rm} from 'node:fs/promises';
import {relative, sep} from 'node:path';
import {git, gitText, refSafe, repoLock} from './git.js';

export interface CleanOptions {
  /** The repository's toplevel. */
  readonly repo: string;
  /** The worktrees root, relative to the repository. @default '.paraplan/worktrees' */
  readonly root?: string;
  /** Only this run's worktrees; all runs when undefined. */
  readonly run?: string;
  /** Also delete the branches of the removed worktrees, and (with the default template) `paraplan/<run>/*`. */
  readonly branches?: boolean;
  /** List what would be removed, remove nothing. */
  readonly dryRun?: boolean;
}

export interface CleanResult {
  /** Worktree paths removed (or that would be). */
  readonly worktrees: readonly string[];
  /** Branch names deleted (or that would be). */
  readonly branches: readonly string[];
}

/** `paraplan clean`: removes paraplan's worktrees (and optionally their branches); never touches other worktrees. */
export async function cleanWorktrees(options: CleanOptions): Promise<CleanResult> {
  const {repo} = options;
  const root = options.root ?? '.paraplan/worktrees';
  const scope = options.run === undefined ? root : `${root}/${refSafe(options.run)}`;
  const list = await gitText(['worktree', 'list', '--porcelain'], {cwd: repo});
  const found: {path: string; branch?: string}[] = [];
  for (const block of list.split('\n\n')) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (path === undefined) continue;
    const rel = relative(repo, path).split(sep).join('/');
    if (rel !== scope && !rel.startsWith(`${scope}/`)) continue;
    const branch = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1];
    found.push({path, ...(branch !== undefined ? {branch} : {})});
  }
  const branches = new Set<string>();
  if (options.branches) {
    for (const f of found) if (f.branch) branches.add(f.branch);
    const prefix = options.run === undefined ? 'refs/heads/paraplan/' : `refs/heads/paraplan/${refSafe(options.run)}/`;
    const refs = await gitText(['for-each-ref', '--format=%(refname)', prefix], {cwd: repo});
    for (const r of refs.split('\n')) if (r.startsWith('refs/heads/')) branches.add(r.slice('refs/heads/'.length));
  }
  if (options.dryRun) return {worktrees: found.map((f) => f.path), branches: [...branches]};
  await repoLock(repo).run(async () => {
    for (const f of found) {
      const out = await git(['worktree', 'remove', '--force', f.path], {cwd: repo});
      if (out.code !== 0) await rm(f.path, {recursive: true, force: true});
    }
    await git(['worktree', 'prune'], {cwd: repo});
    await rm(`${repo}/${scope}`, {recursive: true, force: true});
    for (const b of branches) await git(['branch', '-D', '--quiet', b], {cwd: repo});
  });
  return {worktrees: found.map((f) => f.path), branches: [...branches]};
}
