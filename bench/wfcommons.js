// WfCommons traces: paraplan's scheduler on real workflow DAGs, against the lower bound
// max(critical path, work / P) and the makespan recorded on the real cluster. Run after `npm run build`:
//   node bench/wfcommons.js [--procs 2,4,8,16] [--budget-ms 1000] [--dir DIR] [--quick]
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {criticalPathTimes, graphFromEdges, listSchedule, scheduleOnWorkers} from '../dist/schedule/index.js';

/** Reads a WfFormat trace: durations in whole ms, from `runtimeInSeconds`. */
export function parseWorkflow(json) {
  const spec = json.workflow.specification.tasks;
  const runtime = new Map(json.workflow.execution.tasks.map((t) => [t.id, t.runtimeInSeconds]));
  const index = new Map(spec.map((t, i) => [t.id, i]));
  const durations = spec.map((t) => {
    const seconds = runtime.get(t.id);
    if (seconds === undefined) throw new Error(`Task ${t.id} has no runtime in workflow.execution.tasks`);
    return Math.round(seconds * 1000);
  });
  const edges = [];
  for (const t of spec) {
    for (const parent of t.parents ?? []) {
      const from = index.get(parent);
      if (from === undefined) throw new Error(`Task ${t.id} has unknown parent ${parent}`);
      edges.push([from, index.get(t.id)]);
    }
  }
  return {durations, edges, recordedMs: json.workflow.execution.makespanInSeconds * 1000};
}

function parseArgs(argv) {
  const options = {procs: [2, 4, 8, 16], budgetMs: 1000, dir: undefined};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--procs') options.procs = value.split(',').map(Number);
    else if (flag === '--budget-ms') options.budgetMs = Number(value);
    else if (flag === '--dir') options.dir = value;
    else if (flag === '--quick') {
      options.budgetMs = Math.min(options.budgetMs, 300);
      continue;
    } else throw new Error(`Unknown flag ${flag}; expected --procs, --budget-ms, --dir or --quick`);
    i++;
  }
  return options;
}

const seconds = (ms) => (ms / 1000).toFixed(1);

/** Runs the benchmark; returns the summary it prints as its last JSON line. */
export function main(argv = process.argv.slice(2)) {
  const options = parseArgs(argv);
  const dir = join(options.dir ?? fileURLToPath(new URL('../../shared/benchmarks', import.meta.url)), 'wfcommons');
  const rows = [];
  console.log(`WfCommons traces: budget ${options.budgetMs} ms per schedule; times in seconds`);
  console.log(
    `${'workflow'.padEnd(46)} ${'tasks'.padStart(5)}  P ${'cp'.padStart(7)} ${'bound'.padStart(7)} ${'ours'.padStart(7)} ${'ratio'.padStart(
      7,
    )} ${'cp/misf'.padStart(7)} ${'ratio'.padStart(7)} ${'proven'.padStart(6)} ${'ms'.padStart(6)} ${'real'.padStart(7)}`,
  );
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const {durations, edges, recordedMs} = parseWorkflow(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const graph = graphFromEdges(durations, edges);
    const cp = criticalPathTimes(graph).length;
    for (const procs of options.procs) {
      const t0 = performance.now();
      const s = scheduleOnWorkers(graph, procs, {timeBudgetMs: options.budgetMs});
      const ms = performance.now() - t0;
      const b = listSchedule(graph, procs);
      const row = {
        workflow: file.replace(/\.json$/, ''),
        tasks: graph.n,
        procs,
        criticalPathMs: cp,
        lowerBoundMs: s.lowerBound,
        makespanMs: s.makespan,
        ratio: s.makespan / s.lowerBound,
        cpMisfMs: b.makespan,
        cpMisfRatio: b.makespan / s.lowerBound,
        optimal: s.optimal,
        ms,
        recordedMs,
      };
      rows.push(row);
      console.log(
        `${row.workflow.padEnd(46)} ${String(row.tasks).padStart(5)} ${String(procs).padStart(2)} ${seconds(cp).padStart(7)} ${seconds(
          s.lowerBound,
        ).padStart(7)} ${seconds(s.makespan).padStart(7)} ${row.ratio.toFixed(4).padStart(7)} ${seconds(b.makespan).padStart(7)} ${row.cpMisfRatio
          .toFixed(4)
          .padStart(7)} ${String(s.optimal).padStart(6)} ${ms.toFixed(0).padStart(6)} ${seconds(recordedMs).padStart(7)}`,
      );
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const result = {
    bench: 'wfcommons',
    budgetMs: options.budgetMs,
    cases: rows.length,
    meanRatio: mean(rows.map((r) => r.ratio)),
    maxRatio: Math.max(0, ...rows.map((r) => r.ratio)),
    provenOptimal: rows.filter((r) => r.optimal).length / Math.max(1, rows.length),
    cpMisfMeanRatio: mean(rows.map((r) => r.cpMisfRatio)),
    rows,
  };
  console.log(
    `overall: mean ratio to bound ${result.meanRatio.toFixed(4)} (cp/misf ${result.cpMisfMeanRatio.toFixed(4)}), max ${result.maxRatio.toFixed(
      4,
    )}, proven optimal ${(100 * result.provenOptimal).toFixed(0)}%`,
  );
  console.log(JSON.stringify(result));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
