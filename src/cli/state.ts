import {existsSync} from 'node:fs';
import {hostname} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import type {Result, RunId} from '../model/index.js';
import {err, isRunId, ok} from '../model/index.js';
import type {RunRecord, RunStore} from '../store/index.js';
import {DB_FILE_NAME, STATE_DIR_NAME, sqliteStore} from '../store/index.js';
import {EXIT_USAGE} from './exit-codes.js';
import type {CliIo} from './io.js';

/** The state folder: `--state DIR`, else `.paraplan/` beside the plan (run) or in the current folder. */
export function stateDirFor(io: CliIo, state: string | undefined, planFile?: string): string {
  if (state !== undefined) return resolve(io.cwd, state);
  return planFile !== undefined ? join(dirname(resolve(io.cwd, planFile)), STATE_DIR_NAME) : join(io.cwd, STATE_DIR_NAME);
}

/** Opens the store of a state folder; `create: false` refuses a folder without one (read-only commands). */
export function openStore(stateDir: string, options: {create: boolean}): Result<RunStore, string> {
  const file = join(stateDir, DB_FILE_NAME);
  if (!options.create && !existsSync(file)) {
    return err(`no runs found: ${stateDir} has no ${DB_FILE_NAME}; run \`paraplan run PLAN\` first, or pass --state DIR (the .paraplan folder beside the plan)`);
  }
  try {
    return ok(sqliteStore(file, {host: hostname()}));
  } catch (e) {
    return err(`cannot open the state at ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** True when a process of this host is alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run as it really is: one stored as `running` whose runner is gone (lease expired, or a dead pid on this
 * host) is recorded `interrupted` first.
 */
export async function observeRun(store: RunStore, run: RunRecord, now = Date.now()): Promise<RunRecord> {
  if (run.status !== 'running') return run;
  const lease = run.lease;
  const dead = !lease || lease.expiresAt < now || (lease.host === hostname() && !processAlive(lease.pid));
  if (!dead) return run;
  const who = lease ? ` (pid ${lease.pid} on ${lease.host})` : '';
  await store.append([{type: 'run', reason: 'interrupted', run: run.id, at: now, message: `the runner${who} stopped without finishing the run`}]);
  return (await store.getRun(run.id)) ?? run;
}

/** The run named on the command line, or the latest one. */
export async function resolveRun(store: RunStore, arg: string | undefined): Promise<Result<RunRecord, string>> {
  if (arg !== undefined) {
    if (!isRunId(arg)) return err(`"${arg}" is not a run id (they look like r20250101-120000-ab12); see \`paraplan runs\``);
    const run = await store.getRun(arg as RunId);
    if (!run) return err(`there is no run ${arg} in this state folder; see \`paraplan runs\``);
    return ok(await observeRun(store, run));
  }
  const latest = await store.latestRun();
  if (!latest) return err('there are no runs yet; start one with `paraplan run PLAN`');
  return ok(await observeRun(store, latest));
}

/**
 * Opens the store of `--state` (or `./.paraplan`) for a read-side command, hands it to `use` and closes it.
 * A missing store is a user error (exit 2), printed here.
 */
export async function withStore(io: CliIo, state: string | undefined, use: (store: RunStore, stateDir: string) => Promise<number>): Promise<number> {
  const stateDir = stateDirFor(io, state);
  const opened = openStore(stateDir, {create: false});
  if (!opened.ok) {
    io.err(`error: ${opened.error}\n`);
    return EXIT_USAGE;
  }
  try {
    return await use(opened.value, stateDir);
  } finally {
    opened.value.close();
  }
}

/** {@link withStore}, plus the run named on the command line (the latest by default); an unknown run exits 2. */
export async function withRun(
  io: CliIo,
  options: {readonly state?: string | undefined; readonly run?: string | undefined},
  use: (store: RunStore, run: RunRecord, stateDir: string) => Promise<number>,
): Promise<number> {
  return withStore(io, options.state, async (store, stateDir) => {
    const found = await resolveRun(store, options.run);
    if (!found.ok) {
      io.err(`error: ${found.error}\n`);
      return EXIT_USAGE;
    }
    return use(store, found.value, stateDir);
  });
}
