import {execFile} from 'node:child_process';

/** What one git invocation printed and how it exited. */
export interface GitOutput {
  /** The exit code; never null: a signal becomes 128 + its number, as a shell reports it. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GitOptions {
  readonly cwd: string;
  readonly signal?: AbortSignal;
  /** Added to the process environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to git's standard input. */
  readonly input?: string;
}

/** Thrown when git itself cannot run, or a git command that must succeed fails. Carries the argv and the output. */
export class GitError extends Error {
  readonly args: readonly string[];
  readonly output: GitOutput | undefined;
  constructor(args: readonly string[], output: GitOutput | undefined, cause?: unknown) {
    const what = output ? `exited with ${output.code}: ${(output.stderr || output.stdout).trim().split('\n').slice(-3).join(' | ')}` : `could not run${cause instanceof Error ? `: ${cause.message}` : ''}`;
    super(`git ${args.join(' ')} ${what}`, cause === undefined ? undefined : {cause});
    this.name = 'GitError';
    this.args = args;
    this.output = output;
  }
}

/**
 * Runs git with an argv (never a shell) and resolves with its output whatever the exit code; rejects only when
 * git cannot be started or the signal fires.
 */
export function git(args: readonly string[], options: GitOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd: options.cwd,
        // A prompt for credentials or an editor would hang a headless run.
        env: {...process.env, GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true', GIT_MERGE_AUTOEDIT: 'no', LC_ALL: 'C', ...options.env},
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        ...(options.signal ? {signal: options.signal} : {}),
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as {code?: unknown}).code !== 'number') {
          reject(options.signal?.aborted ? (options.signal.reason ?? error) : new GitError(args, undefined, error));
          return;
        }
        const code = error ? (error as {code: number}).code : 0;
        resolve({code, stdout, stderr});
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs git and returns its trimmed standard output; a non-zero exit throws a `GitError`. */
export async function gitText(args: readonly string[], options: GitOptions): Promise<string> {
  const out = await git(args, options);
  if (out.code !== 0) throw new GitError(args, out);
  return out.stdout.trim();
}

/**
 * A first-come first-served async lock. Operations that write the main repository's shared state (worktree
 * registry, refs, `.git/index.lock`) take it; work inside one worktree does not.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier `run` has settled; a failure does not block later callers. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const repoLocks = new Map<string, Mutex>();

/** The one lock of a repository (keyed by its toplevel path), shared by every provider and merge in this process. */
export function repoLock(repo: string): Mutex {
  let lock = repoLocks.get(repo);
  if (!lock) {
    lock = new Mutex();
    repoLocks.set(repo, lock);
  }
  return lock;
}

/** The git toplevel containing `dir`, or undefined when `dir` is not in a git work tree. */
export async function gitToplevel(dir: string): Promise<string | undefined> {
  const out = await git(['rev-parse', '--show-toplevel'], {cwd: dir});
  return out.code === 0 ? out.stdout.trim() : undefined;
}

/** Fallback author for commits paraplan makes in repositories (or CI machines) with no identity configured. */
export async function identityArgs(repo: string): Promise<string[]> {
  const name = await git(['config', 'user.name'], {cwd: repo});
  const email = await git(['config', 'user.email'], {cwd: repo});
  const args: string[] = [];
  if (name.code !== 0 || name.stdout.trim() === '') args.push('-c', 'user.name=paraplan');
  if (email.code !== 0 || email.stdout.trim() === '') args.push('-c', 'user.email=paraplan@localhost');
  return args;
}

/** Turns text into something valid inside a git ref name: no spaces, `..`, `@{`, `~^:?*[\`, control characters. */
export function refSafe(text: string): string {
  return text
    .replace(/[\s~^:?*[\\\x00-\x1f\x7f]+/g, '-')
    .replace(/@\{/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/\/{2,}/g, '/')
    .split('/')
    .map((part) => part.replace(/^\.+/, '').replace(/\.lock$/i, '-lock').replace(/\.+$/, ''))
    .filter((part) => part !== '')
    .join('/')
    .replace(/^-+/, '');
}

/** A lower-case slug of a title for branch names: `Fix the DB!` → `fix-the-db`. At most 40 characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
