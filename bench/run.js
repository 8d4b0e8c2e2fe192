// `npm run bench [-- NAME ...] [-- --quick]`: runs the benchmarks one after another (never in parallel: the
// machine has 2 cores and each benchmark compares paraplan with a reference measured in the same invocation),
// prints their tables, and collects their final JSON lines into bench/out/results.json.
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const ALL = ['plan-scale', 'stg', 'wfcommons', 'engine'];
const argv = process.argv.slice(2);
const names = argv.filter((a) => !a.startsWith('-'));
const flags = argv.filter((a) => a.startsWith('-'));
const selected = names.length ? names : ALL;
const unknown = selected.filter((n) => !ALL.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}

const results = [];
for (const name of selected) {
  const file = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (!existsSync(file)) {
    console.error(`bench/${name}.js is missing`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n=== ${name}: node bench/${name}.js ${flags.join(' ')}`);
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...flags], {stdio: ['ignore', 'pipe', 'inherit']});
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({code, text}));
  });
  const last = out.text.trim().split('\n').reverse().find((l) => l.startsWith('{"bench"'));
  if (out.code !== 0 || !last) {
    console.error(`bench ${name} failed (exit ${out.code})`);
    process.exitCode = 1;
  } else results.push(JSON.parse(last));
}
mkdirSync(new URL('./out/', import.meta.url), {recursive: true});
writeFileSync(new URL('./out/results.json', import.meta.url), JSON.stringify({at: new Date().toISOString(), results}, null, 2) + '\n');
console.log(`\nresults: bench/out/results.json`);
