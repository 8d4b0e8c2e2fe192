// Smoke test: unpacks the tarball into out/smoke and uses the packaged library as a user would.
import {execFileSync} from 'node:child_process';
import {mkdirSync, rmSync} from 'node:fs';
import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';

rmSync('out/smoke', {recursive: true, force: true});
mkdirSync('out/smoke', {recursive: true});
execFileSync('tar', ['-xzf', 'out/textkit.tgz', '-C', 'out/smoke']);
const lib = await import(pathToFileURL(resolve('out/smoke/lib/index.js')).href);
const checks = [
  [lib.slugify('Smoke Test!'), 'smoke-test'],
  [lib.wordCount('one two three'), 3],
  [lib.titleCase('paraplan demo'), 'Paraplan Demo'],
];
for (const [got, want] of checks) {
  if (got !== want) {
    console.error(`smoke: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    process.exit(1);
  }
}
console.log(`smoke: ${checks.length} checks passed against the packaged library`);
