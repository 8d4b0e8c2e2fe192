// Standard Task Graph Set benchmark: paraplan's scheduler vs plain CP/MISF against the
// published optima. Run after `npm run build`:
//   node bench/stg.js [--sizes 50,100] [--procs 2,4,8,16] [--budget-ms 1000] [--limit K] [--dir DIR] [--worst K] [--quick]
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {graphFromEdges, listSchedule, scheduleOnWorkers} from '../dist/schedule/index.js';
import {scheduleProblems} from '../dist/schedule/schedule-check.js';

/** Parses an `.stg` file; drops the two zero-time dummies (entry 0 and exit n+1). */
export function parseStg(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const n = Number(lines[0].trim());
  const durations = [];
  const edges = [];
  for (let k = 1; k <= n + 2; k++) {
    const f = lines[k].trim().split(/\s+/).map(Number);
    const [id, time, count] = f;
    if (id === 0 || id === n + 1) continue;
    durations[id - 1] = time;
    for (let x = 0; x < count; x++) {
      const pred = f[3 + x];
      if (pred !== 0) edges.push([pred - 1, id - 1]);
    }
  }
  return {durations, edges};
}

function parseArgs(argv) {
  const options = {sizes: [50, 100], procs: [2, 4, 8, 16], budgetMs: 1000, limit: Infinity, dir: undefined, worst: 0};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--sizes') options.sizes = value.split(',').map(Number);
    else if (flag === '--procs') options.procs = value.split(',').map(Number);
    else if (flag === '--budget-ms') options.budgetMs = Number(value);
    else if (flag === '--limit') options.limit = Number(value);
    else if (flag === '--dir') options.dir = value;
    else if (flag === '--worst') options.worst = Number(value);
    else if (flag === '--quick') {
      // `npm run bench -- --quick`: the first 30 graphs of each size, 300 ms each.
      options.limit = Math.min(options.limit, 30);
      options.budgetMs = Math.min(options.budgetMs, 300);
      continue;
    } else throw new Error(`Unknown flag ${flag}; expected --sizes, --procs, --budget-ms, --limit, --dir, --worst or --quick`);
    i++;
  }
  return options;
}

function readOptima(dir, size, procs) {
  const optima = new Map();
  const text = readFileSync(join(dir, 'stg', 'optimal', `Case${size}_${procs}_OPT.csv`), 'utf8');
  for (const line of text.split('\n')) {
    const f = line.trim().split(',');
    if (f.length < 3) continue;
    const lower = Number(f[2]);
    const upper = f.length > 3 ? Number(f[3]) : lower;
    optima.set(f[0].replace(/^.*\//, ''), {lower, upper});
  }
  return optima;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)];
};

function summarize(rows) {
  const n = rows.length;
  return {
    cases: n,
    atOptimum: n ? rows.filter((r) => r.atOptimum).length / n : 0,
    meanRatio: n ? rows.reduce((s, r) => s + r.ratio, 0) / n : 0,
    maxRatio: Math.max(0, ...rows.map((r) => r.ratio)),
    medianMs: median(rows.map((r) => r.ms)),
    maxMs: Math.max(0, ...rows.map((r) => r.ms)),
    provenOptimal: n ? rows.filter((r) => r.proven).length / n : 0,
  };
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

/** Runs the benchmark; returns the summary it prints as its last JSON line. */
export function main(argv = process.argv.slice(2)) {
  const options = parseArgs(argv);
  const dir = options.dir ?? fileURLToPath(new URL('../../shared/benchmarks', import.meta.url));
  const ours = [];
  const base = [];
  let beatBestKnown = 0;
  const table = [];
  const began = performance.now();
  for (const size of options.sizes) {
    const files = readdirSync(join(dir, 'stg', String(size)))
      .filter((f) => f.endsWith('.stg'))
      .sort()
      .slice(0, options.limit);
    const graphs = files.map((f) => [f, parseStg(readFileSync(join(dir, 'stg', String(size), f), 'utf8'))]);
    for (const procs of options.procs) {
      const optima = readOptima(dir, size, procs);
      const oursHere = [];
      const baseHere = [];
      for (const [file, {durations, edges}] of graphs) {
        const opt = optima.get(file);
        if (!opt) throw new Error(`No optimum for ${size}/${file} P=${procs}`);
        const graph = graphFromEdges(durations, edges);
        let t0 = performance.now();
        const s = scheduleOnWorkers(graph, procs, {timeBudgetMs: options.budgetMs});
        const ms = performance.now() - t0;
        t0 = performance.now();
        const b = listSchedule(graph, procs);
        const baseMs = performance.now() - t0;
        const row = (sched, time) => ({
          file: `${size}/${file}`,
          procs,
          makespan: sched.makespan,
          optimum: opt.upper,
          lower: opt.lower,
          atOptimum: sched.makespan <= opt.upper,
          ratio: sched.makespan / opt.upper,
          ms: time,
          proven: sched.optimal,
          method: sched.method,
          bound: sched.lowerBound,
        });
        const r = row(s, ms);
        // A schedule shorter than the best known must be a real one: precedence and worker overlap are checked.
        const problems = scheduleProblems(graph, s);
        if (problems.length > 0) throw new Error(`Invalid schedule for ${r.file} P=${procs}: ${problems.join('; ')}`);
        if (s.makespan < opt.upper) beatBestKnown++;
        if (s.lowerBound > opt.upper) throw new Error(`Lower bound ${s.lowerBound} above the optimum ${opt.upper} for ${r.file} P=${procs}`);
        oursHere.push(r);
        baseHere.push(row(b, baseMs));
      }
      ours.push(...oursHere);
      base.push(...baseHere);
      table.push({size, procs, paraplan: summarize(oursHere), cpMisf: summarize(baseHere)});
    }
  }
  const overall = {size: 'all', procs: 'all', paraplan: summarize(ours), cpMisf: summarize(base)};
  console.log(`every schedule checked for precedence and worker overlap; ${beatBestKnown} shorter than the best known value`);
  const line = (label, s) =>
    `${label.padEnd(9)} ${String(s.cases).padStart(5)} ${pct(s.atOptimum).padStart(7)} ${s.meanRatio.toFixed(4).padStart(7)} ${s.maxRatio
      .toFixed(4)
      .padStart(7)} ${s.medianMs.toFixed(1).padStart(8)} ${s.maxMs.toFixed(0).padStart(7)}`;
  console.log(`STG benchmark: budget ${options.budgetMs} ms per graph, sizes ${options.sizes.join(',')}, procs ${options.procs.join(',')}`);
  console.log(`size P    method    cases  at-opt    mean     max  med-ms  max-ms   proven`);
  for (const row of [...table, overall]) {
    const head = `${String(row.size).padEnd(4)} ${String(row.procs).padEnd(4)}`;
    console.log(`${head} ${line('paraplan', row.paraplan)} ${pct(row.paraplan.provenOptimal).padStart(7)}`);
    console.log(`${head} ${line('cp/misf', row.cpMisf)}`);
  }
  if (options.worst > 0) {
    const worst = [...ours].sort((a, b) => b.ratio - a.ratio || b.ms - a.ms).slice(0, options.worst);
    for (const w of worst) console.log(`  worst: ${w.file} P=${w.procs} ${w.makespan} vs ${w.lower}..${w.optimum} (bound ${w.bound}, ${w.method}, ${w.ms.toFixed(0)} ms)`);
  }
  const result = {
    bench: 'stg',
    budgetMs: options.budgetMs,
    beatBestKnown,
    seconds: (performance.now() - began) / 1000,
    overall: {paraplan: overall.paraplan, cpMisf: overall.cpMisf},
    table,
  };
  console.log(JSON.stringify(result));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
