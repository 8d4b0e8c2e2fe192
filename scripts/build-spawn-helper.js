// Builds the compiled spawn helper (native/spawn-helper.c) into dist/native/spawn-helper, when a C compiler is
// present; otherwise, or when the build fails, it says nothing and paraplan uses its Perl helper (see
// src/executors/shell-helpers.ts). Run by `npm run prepare`.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, renameSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'spawn-helper.c');
const target = join(root, 'dist', 'native', 'spawn-helper');
const verbose = process.argv.includes('--verbose');

if (process.platform !== 'win32' && existsSync(source)) {
  const cc = process.env['CC'] || 'cc';
  mkdirSync(dirname(target), {recursive: true});
  const temp = `${target}.${process.pid}.tmp`;
  const r = spawnSync(cc, ['-O2', '-Wall', '-o', temp, source], {stdio: verbose ? 'inherit' : 'ignore'});
  if (r.status === 0) renameSync(temp, target);
  else {
    rmSync(temp, {force: true});
    if (verbose) console.error(`spawn helper not built (${r.error ? r.error.message : `${cc} exited with ${r.status}`}); the Perl helper will be used`);
  }
}
