// Scale benchmark of the plan core: check + plan on a generated plan of 100,000 tasks and 300,000 edges.
// Measures the whole CLI (`paraplan check` and `paraplan plan`, process start included) and the in-process
// pipeline, median of runs, with peak RSS. Usage: node bench/plan-scale.js [--tasks N] [--runs K]
import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {layeredPlan} from './gen.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'paraplan.js');

function arg(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : Number(argv[i + 1]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs a command under /usr/bin/time when present to read the peak RSS and the user CPU time (steadier than
 * wall time on a loaded machine); returns {ms, userMs, rssMb, status}.
 */
function timed(args, env = {}) {
  const options = {encoding: 'utf8', maxBuffer: 1 << 28, env: {...process.env, ...env}};
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U', process.execPath, BIN, ...args], options);
  const ms = performance.now() - t0;
  if (r.error) {
    const t1 = performance.now();
    const r2 = spawnSync(process.execPath, [BIN, ...args], options);
    return {ms: performance.now() - t1, userMs: NaN, rssMb: NaN, status: r2.status};
  }
  const [kb, user] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return {ms, userMs: user * 1000, rssMb: kb / 1024, status: r.status};
}

export async function main(argv = process.argv.slice(2)) {
  const tasks = arg(argv, '--tasks', 100_000);
  const runs = arg(argv, '--runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-scale-'));
  const file = join(dir, 'plan.json');
  const plan = layeredPlan({tasks, layers: 100, fanIn: 3, seed: 42}, () => ({run: ['true']}));
  const edges = plan.tasks.reduce((s, t) => s + t.needs.length, 0);
  writeFileSync(file, JSON.stringify(plan));
  const size = statSync(file).size;
  console.log(`plan-scale: ${tasks} tasks, ${edges} edges, ${(size / 1024 / 1024).toFixed(1)} MB JSON; ${runs} runs each, medians`);

  // The rows are sampled in turn (run 1 of each, then run 2 of each, ...), so that a slow minute of this shared
  // machine does not fall on one row only.
  const cases = [
    ['paraplan check', ['check', file]],
    ['paraplan plan -j 8 (text)', ['plan', file, '-j', '8', '-o', join(dir, 'out.txt')]],
    ['paraplan plan -j 8 --format json', ['plan', file, '-j', '8', '--format', 'json', '-o', join(dir, 'out.json')]],
    ['node -e "" (process start floor)', null],
  ];
  const samples = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach(([, args, env], c) => {
      if (args === null) {
        const t0 = performance.now();
        spawnSync(process.execPath, ['-e', '']);
        samples[c].push({ms: performance.now() - t0, userMs: NaN, rssMb: NaN, status: 0});
      } else samples[c].push(timed(args, env));
    });
  }
  const rows = cases.map(([label], c) => {
    const own = samples[c];
    if (own.some((s) => s.status !== 0)) throw new Error(`${label} failed`);
    return {label, ms: median(own.map((s) => s.ms)), userMs: median(own.map((s) => s.userMs)), rssMb: median(own.map((s) => s.rssMb))};
  });

  // In process: load + validate + analyze (what-if rows included), without process start; warm after the first run.
  const {loadPlanSource, normalizePlan, analyzePlan} = await import('../dist/index.js');
  const inproc = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const src = await loadPlanSource(file);
    const t1 = performance.now();
    const {plan: p} = normalizePlan(src.value);
    const t2 = performance.now();
    const a = analyzePlan(p, {workers: 8, timeBudgetMs: 200});
    void a.whatIf; // computed on first read
    const t3 = performance.now();
    inproc.push({load: t1 - t0, validate: t2 - t1, analyze: t3 - t2, total: t3 - t0, makespan: a.schedule.makespan, lb: a.schedule.lowerBound});
  }
  const m = (k) => median(inproc.map((x) => x[k]));
  console.log('');
  console.log('| what | median wall time | median user time | peak RSS |');
  console.log('|---|---|---|---|');
  const seconds = (ms) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
  for (const r of rows) console.log(`| ${r.label} | ${seconds(r.ms)} | ${seconds(r.userMs)} | ${Number.isNaN(r.rssMb) ? '-' : `${r.rssMb.toFixed(0)} MB`} |`);
  console.log(`| in process: load ${m('load').toFixed(0)} ms + validate ${m('validate').toFixed(0)} ms + analyze ${m('analyze').toFixed(0)} ms | ${(m('total') / 1000).toFixed(2)} s | - | - |`);
  console.log(`\nschedule on 8 workers: makespan ${inproc[0].makespan / 60000} min, lower bound ${inproc[0].lb / 60000} min`);
  const [check, text, json] = rows;
  const result = {bench: 'plan-scale', tasks, edges, checkMs: check.ms, planMs: text.ms, planJsonMs: json.ms, checkUserMs: check.userMs, planUserMs: text.userMs, checkRssMb: check.rssMb, planRssMb: text.rssMb, planJsonRssMb: json.rssMb, inProcessMs: m('total')};
  console.log(JSON.stringify(result));
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
