import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {Plan} from '../../src/model/index.js';
import {normalizePlan, parsePlanText} from '../../src/plan/index.js';

/** Runs git in `cwd` with a fixed identity; returns trimmed stdout. Throws on failure (test setup only). */
export function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com'},
  }).trim();
}

/** Writes files from an object literal (`{'src/a.ts': 'x'}`) under `dir`. */
export function write(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), {recursive: true});
    writeFileSync(path, text);
  }
}

/** A fresh git repository in a temp folder with one commit on `main` holding `files`. */
export function gitRepo(files: Readonly<Record<string, string>> = {'README.md': '# test\n'}): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-git-'));
  sh(dir, 'init', '--quiet', '--initial-branch=main');
  // No identity in the repo config: paraplan must cope with machines that have none.
  write(dir, files);
  sh(dir, 'add', '-A');
  sh(dir, 'commit', '--quiet', '-m', 'initial');
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** Builds a Plan from YAML text as if read from `<dir>/plan.yaml`; throws with the diagnostics when invalid. */
export function planFrom(dir: string, yaml: string): Plan {
  const file = join(dir, 'plan.yaml');
  const result = normalizePlan(parsePlanText(file, yaml, 'yaml'));
  if (!result.plan) throw new Error(`invalid test plan:\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return result.plan;
}
