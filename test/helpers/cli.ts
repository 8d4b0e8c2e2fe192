import {spawnSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The shared folder beside the repository (seeds, benchmarks). */
export const SHARED = join(ROOT, '..', 'shared');
export const BIN = join(ROOT, 'bin', 'paraplan.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a user would (`npm test` builds first). */
export function paraplan(args: readonly string[], options: {cwd?: string; env?: Record<string, string>; input?: string} = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: {...process.env, NO_COLOR: '1', CI: '1', ...options.env},
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 120_000,
  });
  return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

/** A temp folder filled from an object literal: `{'plan.yaml': '...', 'src/a.txt': '...'}`. */
export function tempDir(files: Record<string, string> = {}, prefix = 'paraplan-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), {recursive: true});
    writeFileSync(p, content);
  }
  return dir;
}
