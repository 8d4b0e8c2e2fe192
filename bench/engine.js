// Engine benchmark: orchestration overhead against make, ninja and Node's bare spawn; scale; start-up; realized
// vs predicted makespan. Run after `npm run build`:  node bench/engine.js [--quick]
// Prints a table per part and, last, one JSON line {"bench":"engine",...}.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {rng} from './gen.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'paraplan.js');
const QUICK = process.argv.includes('--quick');
const REPEAT = 3;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const results = {bench: 'engine', quick: QUICK, node: process.version};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function ensureTools() {
  const missing = ['make', 'ninja'].filter((t) => !have(t));
  if (missing.length && process.getuid?.() === 0 && have('apt-get')) {
    console.log(`installing ${missing.join(', ')} with apt-get ...`);
    spawnSync('sh', ['-c', `apt-get install -y ${missing.map((m) => (m === 'ninja' ? 'ninja-build' : m)).join(' ')} >/dev/null 2>&1`]);
  }
}


/** Layered DAG: `layers` layers of `n / layers` tasks, each depending on 3 random tasks of the layer before. */
function layeredDag(n, layers, seed = 42) {
  const random = rng(seed);
  const per = Math.floor(n / layers);
  const tasks = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < per; i++) {
      const needs = new Set();
      if (l > 0) while (needs.size < Math.min(3, per)) needs.add(`t${l - 1}_${Math.floor(random() * per)}`);
      tasks.push({id: `t${l}_${i}`, needs: [...needs]});
    }
  }
  return tasks;
}

function chainDag(n) {
  return Array.from({length: n}, (_, i) => ({id: `c${i}`, needs: i ? [`c${i - 1}`] : []}));
}

function writeDag(dir, name, tasks, command = ['true']) {
  const plan = {name, tasks: tasks.map((t) => ({id: t.id, run: command, ...(t.needs.length ? {needs: t.needs} : {})}))};
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  // make: phony targets, recipes run `true` (make execs it directly: no shell for a simple command).
  const mk = [`all: ${tasks.map((t) => t.id).join(' ')}`, ...tasks.map((t) => `${t.id}: ${t.needs.join(' ')}\n\t@true`), `.PHONY: all ${tasks.map((t) => t.id).join(' ')}`];
  writeFileSync(join(dir, 'Makefile'), mk.join('\n') + '\n');
  // ninja: outputs never written, so every edge runs once per invocation; order-only deps carry the DAG.
  const nj = ['rule t', '  command = true', ...tasks.map((t) => `build ${t.id}: t${t.needs.length ? ` || ${t.needs.join(' ')}` : ''}`), `default ${tasks.map((t) => t.id).join(' ')}`];
  writeFileSync(join(dir, 'build.ninja'), nj.join('\n') + '\n');
}

/** Runs a command, returns wall ms and peak RSS in MB (via /usr/bin/time when present). */
function timed(cmd, args, cwd, env = {}) {
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '__RSS__ %M', cmd, ...args], {cwd, env: {...process.env, ...env}, encoding: 'utf8', maxBuffer: 1 << 30})
    : spawnSync(cmd, args, {cwd, env: {...process.env, ...env}, encoding: 'utf8', maxBuffer: 1 << 30});
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /__RSS__ (\d+)/.exec(r.stderr ?? '');
  return {ms, rssMb: m ? Number(m[1]) / 1024 : undefined, stdout: r.stdout};
}

/** The floor: Node spawning `true` n times, two at a time, in a fresh process. */
function nodeFloor(n, j) {
  const script = `
const {spawn} = require('child_process');
let started = 0, done = 0;
const next = () => { if (started >= ${n}) return; started++;
  spawn('true', [], {stdio: 'ignore'}).on('exit', () => { if (++done === ${n}) process.exit(0); next(); }); };
for (let i = 0; i < ${j}; i++) next();`;
  return timed(process.execPath, ['-e', script], tmpdir());
}

function paraplanRun(dir, file, j, extraEnv = {}) {
  rmSync(join(dir, '.paraplan'), {recursive: true, force: true});
  return timed(process.execPath, [BIN, 'run', file, '-j', String(j)], dir, {CI: '1', NO_COLOR: '1', ...extraEnv});
}

function repeat(label, fn) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(fn());
  const ms = median(runs.map((r) => r.ms));
  const rss = runs.map((r) => r.rssMb).filter((x) => x !== undefined);
  const out = {ms: Math.round(ms), runsMs: runs.map((r) => Math.round(r.ms)), ...(rss.length ? {peakRssMb: Math.round(Math.max(...rss))} : {})};
  console.log(`  ${label.padEnd(34)} ${fmt(ms).padStart(9)}   (runs: ${out.runsMs.map((x) => fmt(x)).join(', ')})${out.peakRssMb ? `   peak RSS ${out.peakRssMb} MB` : ''}`);
  return out;
}

function overhead() {
  const n = QUICK ? 1000 : 5000;
  console.log(`\n1. Orchestration overhead: ${n}-task layered DAG (10 layers, 3 deps each) of \`true\`, -j 2, median of ${REPEAT}`);
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-bench-'));
  writeDag(dir, 'layered', layeredDag(n, 10));
  const part = {tasks: n};
  part.make = have('make') ? repeat('make -j2', () => timed('make', ['-s', '-j2', '-f', 'Makefile'], dir)) : undefined;
  part.ninja = have('ninja') ? repeat('ninja -j2', () => timed('ninja', ['-j2', '-f', 'build.ninja'], dir)) : undefined;
  part.nodeSpawnFloor = repeat('node spawn floor (2 at a time)', () => nodeFloor(n, 2));
  // The default starts commands through spawn helpers (the compiled one when built, else Perl); PARAPLAN_SPAWN
  // picks one: c, perl, or direct (Node's spawn per command).
  part.paraplan = repeat('paraplan run -j 2 (durable)', () => paraplanRun(dir, 'plan.json', 2));
  part.paraplanC = repeat('paraplan run -j 2, c helper', () => paraplanRun(dir, 'plan.json', 2, {PARAPLAN_SPAWN: 'c'}));
  part.paraplanPerl = repeat('paraplan run -j 2, perl helper', () => paraplanRun(dir, 'plan.json', 2, {PARAPLAN_SPAWN: 'perl'}));
  part.paraplanDirect = repeat('paraplan run -j 2, direct spawn', () => paraplanRun(dir, 'plan.json', 2, {PARAPLAN_SPAWN: 'direct'}));
  const ratio = (a, b) => +(a.ms / b.ms).toFixed(2);
  if (part.make) {
    part.ratioVsMake = ratio(part.paraplan, part.make);
    part.ratioCVsMake = ratio(part.paraplanC, part.make);
    part.ratioPerlVsMake = ratio(part.paraplanPerl, part.make);
    part.ratioDirectVsMake = ratio(part.paraplanDirect, part.make);
  }
  part.ratioVsNodeFloor = ratio(part.paraplan, part.nodeSpawnFloor);
  part.ratioDirectVsNodeFloor = ratio(part.paraplanDirect, part.nodeSpawnFloor);
  console.log(`  paraplan / make: ${part.ratioVsMake ?? 'n/a'}x (c: ${part.ratioCVsMake ?? 'n/a'}x, perl: ${part.ratioPerlVsMake ?? 'n/a'}x, direct spawn: ${part.ratioDirectVsMake ?? 'n/a'}x);  paraplan / node floor: ${part.ratioVsNodeFloor}x (direct spawn: ${part.ratioDirectVsNodeFloor}x)`);
  rmSync(dir, {recursive: true, force: true});
  return part;
}

function scale() {
  console.log('\n2. Scale (one run each, -j 2)');
  const part = {};
  const cases = QUICK
    ? [['chain', chainDag(1000)], ['layered', layeredDag(10_000, 10)]]
    : [['chain', chainDag(5000)], ['layered', layeredDag(100_000, 10)]];
  for (const [kind, tasks] of cases) {
    const dir = mkdtempSync(join(tmpdir(), 'paraplan-bench-'));
    writeDag(dir, kind, tasks);
    const r = paraplanRun(dir, 'plan.json', 2);
    const key = `${kind}${tasks.length}`;
    part[key] = {tasks: tasks.length, ms: Math.round(r.ms), ...(r.rssMb ? {peakRssMb: Math.round(r.rssMb)} : {})};
    console.log(`  ${`${tasks.length}-task ${kind}`.padEnd(34)} ${fmt(r.ms).padStart(9)}${r.rssMb ? `   peak RSS ${Math.round(r.rssMb)} MB` : ''}`);
    rmSync(dir, {recursive: true, force: true});
  }
  return part;
}

function startup() {
  const times = [];
  for (let i = 0; i < 10; i++) times.push(timed(process.execPath, [BIN, '--version'], ROOT).ms);
  const ms = median(times);
  console.log(`\n3. Start-up: paraplan --version, median of 10: ${fmt(ms)} (target < 100 ms)`);
  return {versionMs: Math.round(ms)};
}

async function realizedVsPredicted() {
  console.log('\n4. Realized vs predicted: seed 000 (14 tasks, 6 batches), 1 min of estimate = 100 ms of sleep, -j 4');
  const {loadPlanSource, normalizePlan} = await import('../dist/plan/index.js');
  const {analyzePlan} = await import('../dist/schedule/index.js');
  const source = await loadPlanSource(join(ROOT, 'examples', 'seed-000', 'plan.yaml'));
  const {plan} = normalizePlan(source.value);
  const scale = 100 / 60_000;
  const analysis = analyzePlan(plan, {workers: 4, timeBudgetMs: 500});
  const predictedMs = analysis.schedule.makespan * scale;
  const tasks = [...plan.tasks.values()].map((t) => {
    const ms = ((t.estimate ? (t.estimate.low + t.estimate.high) / 2 : plan.defaultEstimateMs) * scale) | 0;
    return {id: t.id, title: t.title, priority: t.priority, estimate: `${ms / 100}m`, run: ['sleep', String(ms / 1000)], ...(t.needs.length ? {needs: [...new Set(t.needs.map((d) => d.task))]} : {})};
  });
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-bench-'));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({name: 'seed 000 scaled', concurrency: 4, tasks}));
  const walls = [];
  for (let i = 0; i < REPEAT; i++) {
    rmSync(join(dir, '.paraplan'), {recursive: true, force: true});
    const out = execFileSync(process.execPath, [BIN, 'run', 'plan.json', '-j', '4', '--json'], {cwd: dir, env: {...process.env, CI: '1'}, encoding: 'utf8'});
    const finished = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'run' && e.reason === 'finished');
    walls.push(finished.durationMs);
  }
  const wall = median(walls);
  const ratio = +(wall / predictedMs).toFixed(3);
  console.log(`  predicted makespan ${fmt(predictedMs)}; realized (run start to end, median) ${fmt(wall)} (runs: ${walls.map(fmt).join(', ')}); ratio ${ratio} (target <= 1.03)`);
  rmSync(dir, {recursive: true, force: true});
  return {predictedMs: Math.round(predictedMs), realizedMs: Math.round(wall), ratio};
}

ensureTools();
console.log(`paraplan engine benchmark${QUICK ? ' (--quick)' : ''}; node ${process.version}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
results.overhead = overhead();
results.scale = scale();
results.startup = startup();
results.realized = await realizedVsPredicted();
console.log(JSON.stringify(results));
void spawn;
