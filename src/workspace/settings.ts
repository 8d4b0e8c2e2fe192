import type {Diagnostic, Plan} from '../model/index.js';

/** A command run in each new worktree: an argv (no shell) or a shell script the plan asked for. */
export type SetupCommand = {readonly kind: 'argv'; readonly argv: readonly string[]} | {readonly kind: 'shell'; readonly script: string};

/**
 * What to do with a task's worktree when the task ends (the branch always stays).
 * - `keep-failed`: remove the worktrees of succeeded tasks, keep failed ones for inspection (the default).
 * - `remove`: remove every worktree.
 * - `keep`: keep every worktree until `paraplan clean`.
 */
export type CleanupPolicy = 'keep-failed' | 'remove' | 'keep';

/** The plan's `workspace:` record, with defaults filled in. */
export interface WorkspaceSettings {
  /**
   * Where worktrees go, relative to the repository's toplevel; each is `<root>/<run>/<task>`.
   * @default '.paraplan/worktrees'
   */
  readonly root: string;
  /**
   * Branch name template. Placeholders: `{run}`, `{id}` (the task id), `{slug}` (of the title), `{index}`.
   * @default 'paraplan/{run}/{id}'
   * @example 'fix/{id}-{slug}'
   */
  readonly branch: string;
  /** The ref tasks without upstream branches start from. @default 'HEAD' */
  readonly base: string;
  /** Git-ignored files (e.g. `.env`), relative to the repository, copied into each new worktree when they exist. */
  readonly copy: readonly string[];
  /** Like `copy`, but symlinked (big folders such as `node_modules`). */
  readonly link: readonly string[];
  /** Run in each new worktree, after copying; its failure fails the task before its command runs. */
  readonly setup?: SetupCommand;
  /** @default 600000 (10 minutes) */
  readonly setupTimeoutMs: number;
  readonly cleanup: CleanupPolicy;
  /**
   * The message of the commit paraplan makes after a task's command. Placeholders: `{id}`, `{title}`, `{run}`,
   * `{attempt}`. Trailers `Paraplan-Run:` and `Paraplan-Task:` are always appended.
   * @default 'chore({id}): {title}'
   */
  readonly commitMessage: string;
  /** Let tasks whose `files` globs overlap run at the same time. @default false */
  readonly allowFileOverlap: boolean;
}

/** The plan's `merge:` record, with defaults filled in. */
export interface MergeSettings {
  /** The branch `run --merge` and `merge` integrate into when no `--into` is given. */
  readonly into?: string;
  /**
   * `true`: move the target only when every branch merged and verified. `false`: on a conflict or a failed
   * verification, move it to the last point where everything merged and verified.
   * @default false
   */
  readonly atomic: boolean;
  /** Run the plan-level `verify` commands after each merge. @default true */
  readonly verify: boolean;
  /** Merge commit message template; placeholders `{id}`, `{title}`, `{branch}`, `{run}`. @default 'merge({id}): {title}' */
  readonly message: string;
}

export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = Object.freeze({
  root: '.paraplan/worktrees',
  branch: 'paraplan/{run}/{id}',
  base: 'HEAD',
  copy: [],
  link: [],
  setupTimeoutMs: 600_000,
  cleanup: 'keep-failed',
  commitMessage: 'chore({id}): {title}',
  allowFileOverlap: false,
});

export const DEFAULT_MERGE_SETTINGS: MergeSettings = Object.freeze({atomic: false, verify: true, message: 'merge({id}): {title}'});

const CLEANUP: readonly CleanupPolicy[] = ['keep-failed', 'remove', 'keep'];
const WORKSPACE_KEYS = ['root', 'branch', 'base', 'copy', 'link', 'setup', 'setupTimeout', 'cleanup', 'commitMessage', 'allowFileOverlap'];
const MERGE_KEYS = ['into', 'atomic', 'verify', 'message'];

function record(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Reads `plan.settings.workspace`. Unknown keys and wrong types are reported; the default is used instead. */
export function workspaceSettings(plan: Pick<Plan, 'settings'>): {settings: WorkspaceSettings; diagnostics: Diagnostic[]} {
  const w = record(plan.settings['workspace']);
  const diagnostics: Diagnostic[] = [];
  const bad = (key: string, expected: string): void => {
    diagnostics.push({severity: 'error', code: 'workspace-setting', message: `workspace.${key}: expected ${expected}, got ${JSON.stringify(w[key])}`});
  };
  for (const key of Object.keys(w)) {
    if (!WORKSPACE_KEYS.includes(key)) diagnostics.push({severity: 'warning', code: 'workspace-setting', message: `workspace.${key}: unknown key, ignored; known keys are ${WORKSPACE_KEYS.join(', ')}`});
  }
  const str = (key: string, fallback: string): string => {
    const v = w[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && v.trim() !== '') return v;
    bad(key, 'a non-empty string');
    return fallback;
  };
  const list = (key: string): string[] => {
    const v = w[key];
    if (v === undefined) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    bad(key, 'a path or a list of paths');
    return [];
  };
  const root = str('root', DEFAULT_WORKSPACE_SETTINGS.root);
  if (root.startsWith('/') || root.split('/').includes('..')) bad('root', 'a folder inside the repository');
  const cleanup = str('cleanup', DEFAULT_WORKSPACE_SETTINGS.cleanup);
  if (!CLEANUP.includes(cleanup as CleanupPolicy)) bad('cleanup', CLEANUP.join(', '));
  const setup = setupCommand(w['setup']);
  if (w['setup'] !== undefined && !setup) bad('setup', 'an argv list, a string of simple words or {shell: "..."}');
  const timeout = w['setupTimeout'];
  let setupTimeoutMs = DEFAULT_WORKSPACE_SETTINGS.setupTimeoutMs;
  if (typeof timeout === 'number' && timeout > 0) setupTimeoutMs = timeout * 60_000;
  else if (timeout !== undefined) bad('setupTimeout', 'a number of minutes');
  const allow = w['allowFileOverlap'];
  if (allow !== undefined && typeof allow !== 'boolean') bad('allowFileOverlap', 'true or false');
  const settings: WorkspaceSettings = {
    root: root.startsWith('/') || root.split('/').includes('..') ? DEFAULT_WORKSPACE_SETTINGS.root : root.replace(/\/+$/, ''),
    branch: str('branch', DEFAULT_WORKSPACE_SETTINGS.branch),
    base: str('base', DEFAULT_WORKSPACE_SETTINGS.base),
    copy: list('copy'),
    link: list('link'),
    ...(setup ? {setup} : {}),
    setupTimeoutMs,
    cleanup: CLEANUP.includes(cleanup as CleanupPolicy) ? (cleanup as CleanupPolicy) : DEFAULT_WORKSPACE_SETTINGS.cleanup,
    commitMessage: str('commitMessage', DEFAULT_WORKSPACE_SETTINGS.commitMessage),
    allowFileOverlap: allow === true,
  };
  return {settings: Object.freeze(settings), diagnostics};
}

/** Reads `plan.settings.merge`. */
export function mergeSettings(plan: Pick<Plan, 'settings'>): {settings: MergeSettings; diagnostics: Diagnostic[]} {
  const m = record(plan.settings['merge']);
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(m)) {
    if (!MERGE_KEYS.includes(key)) diagnostics.push({severity: 'warning', code: 'merge-setting', message: `merge.${key}: unknown key, ignored; known keys are ${MERGE_KEYS.join(', ')}`});
  }
  const bool = (key: string, fallback: boolean): boolean => {
    const v = m[key];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    diagnostics.push({severity: 'error', code: 'merge-setting', message: `merge.${key}: expected true or false, got ${JSON.stringify(v)}`});
    return fallback;
  };
  const into = typeof m['into'] === 'string' && m['into'] !== '' ? m['into'] : undefined;
  const message = typeof m['message'] === 'string' && m['message'] !== '' ? m['message'] : DEFAULT_MERGE_SETTINGS.message;
  return {settings: Object.freeze({...(into ? {into} : {}), atomic: bool('atomic', false), verify: bool('verify', true), message}), diagnostics};
}

/** Whether a worktree should stay after its task ended, under a cleanup policy. */
export function keepWorktree(policy: CleanupPolicy, succeeded: boolean): boolean {
  switch (policy) {
    case 'keep':
      return true;
    case 'remove':
      return false;
    case 'keep-failed':
      return !succeeded;
    default: {
      const never: never = policy;
      throw new Error(`Internal error: unknown cleanup policy ${JSON.stringify(never)}`);
    }
  }
}

function setupCommand(value: unknown): SetupCommand | undefined {
  if (typeof value === 'string') {
    const argv = value.trim().split(/\s+/).filter((a) => a !== '');
    return argv.length ? {kind: 'argv', argv} : undefined;
  }
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string')) return {kind: 'argv', argv: value as string[]};
  const shell = record(value)['shell'];
  if (typeof shell === 'string' && shell.trim() !== '') return {kind: 'shell', script: shell};
  return undefined;
}

/** Fills `{name}` placeholders; unknown ones stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}
