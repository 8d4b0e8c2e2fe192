import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {BIN} from '../helpers/cli.js';
import {FIXTURES} from '../engine/helpers.js';

export const fx = (name: string): string => join(FIXTURES, name);
export const q = JSON.stringify;

/** A runner started in the background: its events arrive as they are printed (`--json`). */
export interface LiveRun {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  /** Resolves when an event matching `predicate` has been printed (no deadline: the test's own timeout). */
  waitFor(predicate: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and output once the runner ends. */
  readonly done: Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>;
}

/** Starts `paraplan ARGS` (with `--json` added when `json`), without waiting for it. */
export function startParaplan(args: readonly string[], options: {cwd: string; env?: Record<string, string>; json?: boolean}): LiveRun {
  const child = spawn(process.execPath, [BIN, ...args, ...(options.json === false ? [] : ['--json'])], {
    cwd: options.cwd,
    env: {...process.env, NO_COLOR: '1', CI: '1', PARAPLAN_KILL_GRACE_MS: '300', PARAPLAN_BACKOFF_MS: '1', ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  const waiters: {predicate: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void}[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      events.push(e);
      for (const w of [...waiters]) {
        if (w.predicate(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>((resolve) => {
    child.once('close', (code, signal) => resolve({code, signal, stdout, stderr}));
  });
  return {
    child,
    events,
    done,
    waitFor(predicate) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({predicate, resolve});
        void done.then((r) => reject(new Error(`the runner ended (code ${r.code}) before the awaited event; stderr:\n${r.stderr}`)));
      });
    },
  };
}

/** Parses NDJSON output; throws on a line that is not JSON. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** True when the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
