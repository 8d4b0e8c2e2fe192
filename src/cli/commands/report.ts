import {existsSync, mkdirSync, openSync, readSync, closeSync, fstatSync, statSync} from 'node:fs';
import {rename, writeFile} from 'node:fs/promises';
import {dirname, join, relative, resolve, sep} from 'node:path';
import type {RunId} from '../../model/index.js';
import {acceptanceRecords, buildReport, reportHtml, reportJson, reportMarkdown} from '../../report/index.js';
import type {PlannedTime, Report, ReportPlanInput, RunRecords} from '../../report/index.js';
import {analyzePlan} from '../../schedule/index.js';
import type {RunRecord, RunStore} from '../../store/index.js';
import {EXIT_OK} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {readPlan} from '../read-plan.js';
import {openStore, withRun} from '../state.js';
import {writeOutput} from '../write-output.js';

export type ReportFormat = 'md' | 'html' | 'json';

export interface ReportCommandOptions {
  readonly format?: ReportFormat;
  readonly output?: string;
  readonly state?: string;
  /** Write `ACCEPTANCE_<ID>.md` per succeeded task into this folder. */
  readonly acceptanceDir?: string;
}

/** Lines of each failed attempt's log file kept in the report. */
const LOG_TAIL_LINES = 40;
/** Bytes read from the end of a log file to find those lines. */
const LOG_TAIL_BYTES = 64 * 1024;
/** Where reports of runs are saved inside the state folder (what `plan --format md` links to). */
export const REPORTS_DIR_NAME = 'reports';

/**
 * `paraplan report [RUN] [--format md|html|json] [-o FILE] [--state DIR] [--acceptance-dir DIR]`: the report of a
 * run (the latest by default). It also refreshes `<state>/reports/<run>.md`, the copy `plan --format md` links to.
 */
export async function reportCommand(runArg: string | undefined, options: ReportCommandOptions, io: CliIo): Promise<number> {
  return withRun(io, {state: options.state, run: runArg}, async (store, run, stateDir) => {
    const report = await loadReport(store, run, {stateDir, io});
    await saveReportCopy(report, stateDir);
    await writeOutput(renderReport(report, options.format ?? 'md'), options.output, io);
    if (options.acceptanceDir !== undefined) {
      const written = await writeAcceptanceFiles(report, resolve(io.cwd, options.acceptanceDir));
      io.err(`wrote ${written.length} acceptance record${written.length === 1 ? '' : 's'} to ${options.acceptanceDir}\n`);
    }
    return EXIT_OK;
  });
}

export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return reportMarkdown(report);
    case 'html':
      return reportHtml(report);
    case 'json':
      return reportJson(report);
  }
}

/** An io that swallows messages: re-reading a plan for a report must not print its warnings again. */
function quiet(io: CliIo): CliIo {
  return {...io, err: () => undefined, out: () => undefined};
}

/**
 * Reads everything a report needs: the run's records, the previous run of the same plan file, the plan file as it
 * is now (with its analysis on the run's workers), and the last lines of failed attempts' logs.
 */
export async function loadReport(store: RunStore, run: RunRecord, options: {readonly stateDir: string; readonly io: CliIo; readonly now?: number}): Promise<Report> {
  const records = await runRecords(store, run);
  const previous = await previousRun(store, run);
  const {plan, planned} = await loadPlanFor(run, options.io);
  const logTails = new Map<string, string>();
  for (const a of records.attempts) {
    if (a.outcome === undefined || a.outcome === 'ok') continue;
    const tail = readLogTail(join(options.stateDir, a.logPath));
    if (tail !== undefined) logTails.set(a.logPath, tail);
  }
  return buildReport({
    ...records,
    ...(previous ? {previous: await runRecords(store, previous)} : {}),
    ...(plan ? {plan} : {}),
    ...(planned ? {planned} : {}),
    logTails,
    now: options.now ?? Date.now(),
  });
}

async function runRecords(store: RunStore, run: RunRecord): Promise<RunRecords> {
  const [tasks, attempts, events] = await Promise.all([store.tasks(run.id), store.attempts(run.id), store.events(run.id)]);
  return {run, tasks, attempts, events};
}

/** The latest run of the same plan file that started before this one. */
async function previousRun(store: RunStore, run: RunRecord): Promise<RunRecord | undefined> {
  if (run.planFile === undefined) return undefined;
  const runs = await store.listRuns({limit: 1000});
  return runs.find((r) => r.id !== run.id && r.planFile === run.planFile && (r.startedAt < run.startedAt || (r.startedAt === run.startedAt && r.id < run.id)));
}

async function loadPlanFor(run: RunRecord, io: CliIo): Promise<{plan?: ReportPlanInput; planned?: PlannedTime}> {
  if (run.planFile === undefined) return {};
  if (!existsSync(run.planFile)) return {plan: {status: 'missing', message: `the plan file ${run.planFile} no longer exists: no priorities, estimates or criteria`}};
  const read = await readPlan(run.planFile, {warnings: false}, quiet(io));
  if (!read.ok) {
    const errors = read.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    return {plan: {status: 'invalid', message: `the plan file no longer loads (${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `, first: ${first.message}` : ''}): no priorities, estimates or criteria`}};
  }
  const plan = read.plan;
  const analysis = analyzePlan(plan, {workers: run.workers, timeBudgetMs: 300});
  return {
    plan: {status: 'loaded', plan, modifiedAt: statSync(run.planFile).mtimeMs},
    planned: {
      workers: run.workers,
      makespanMs: analysis.schedule.makespan,
      sequentialMs: analysis.sequentialMs,
      criticalPath: analysis.critical.path,
      criticalPathMs: analysis.critical.length,
      defaultEstimateTasks: analysis.defaultEstimateTasks.length,
      defaultEstimateMs: plan.defaultEstimateMs,
    },
  };
}

/** The last lines of a log file, without terminal colour codes; undefined when it cannot be read. */
export function readLogTail(file: string, lines = LOG_TAIL_LINES): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    let text = buf.toString('utf8');
    // Started mid-file: drop the partial first line.
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
    // eslint-disable-next-line no-control-regex
    text = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r(?!\n)/g, '\n');
    const all = text.replace(/\s+$/, '').split('\n');
    return all.slice(Math.max(0, all.length - lines)).join('\n');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  mkdirSync(dirname(file), {recursive: true});
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** `<state>/reports/<run>.md`: the saved copy of a run's report. */
export function savedReportPath(stateDir: string, run: RunId): string {
  return join(stateDir, REPORTS_DIR_NAME, `${run}.md`);
}

async function saveReportCopy(report: Report, stateDir: string): Promise<string | undefined> {
  const file = savedReportPath(stateDir, report.run.id);
  try {
    await writeAtomically(file, reportMarkdown(report));
    return file;
  } catch {
    // A read-only state folder: the report itself was still printed; only the saved copy is missing.
    return undefined;
  }
}

/**
 * Writes `<state>/reports/<run>.md` (and `.html`) for a run. For the `run` command to call when a run ends, so
 * that `plan --format md` can link to it. Returns the Markdown file's path.
 */
export async function saveRunReport(store: RunStore, run: RunRecord, stateDir: string, io: CliIo): Promise<string | undefined> {
  const report = await loadReport(store, run, {stateDir, io});
  const file = await saveReportCopy(report, stateDir);
  if (file) await writeAtomically(file.replace(/\.md$/, '.html'), reportHtml(report)).catch(() => undefined);
  return file;
}

/**
 * The link `plan --format md` puts in the execution plan: the saved report of the latest run of `planFile` (any
 * plan when undefined), relative to `relativeTo` (the folder the plan document is written to). The report is saved
 * first when it is not there yet. Undefined when there is no store or no run.
 */
export async function latestReportLink(stateDir: string, options: {readonly planFile?: string; readonly relativeTo: string; readonly io: CliIo}): Promise<string | undefined> {
  const opened = openStore(stateDir, {create: false});
  if (!opened.ok) return undefined;
  const store = opened.value;
  try {
    const planFile = options.planFile !== undefined ? resolve(options.io.cwd, options.planFile) : undefined;
    const runs = planFile !== undefined ? (await store.listRuns({limit: 1000})).filter((r) => r.planFile === planFile) : [await store.latestRun()].filter((r) => r !== undefined);
    const run = runs[0];
    if (!run) return undefined;
    let file: string | undefined = savedReportPath(stateDir, run.id);
    if (!existsSync(file) || run.status === 'running') file = await saveRunReport(store, run, stateDir, options.io);
    if (!file) return undefined;
    return relative(resolve(options.io.cwd, options.relativeTo), file).split(sep).join('/');
  } finally {
    store.close();
  }
}

async function writeAcceptanceFiles(report: Report, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const rec of acceptanceRecords(report)) {
    const file = join(dir, rec.fileName);
    await writeAtomically(file, rec.text);
    written.push(file);
  }
  return written;
}

/**
 * Writes one `ACCEPTANCE_<ID>.md` per succeeded task of `run` into `dir` (created when needed): for
 * `run --acceptance-dir DIR` once the run ends. Returns the files written.
 */
export async function writeAcceptanceRecords(store: RunStore, run: RunRecord, dir: string, options: {readonly stateDir: string; readonly io: CliIo}): Promise<string[]> {
  const report = await loadReport(store, run, options);
  return writeAcceptanceFiles(report, resolve(options.io.cwd, dir));
}
