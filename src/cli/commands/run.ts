import {hostname} from 'node:os';
import {setFlagsFromString} from 'node:v8';
import {dirname, relative, resolve} from 'node:path';
import {Engine, localDispatcher, type BudgetCheck, type Dispatcher, type RunSummary, type Selection} from '../../engine/index.js';
import {budgetExceeded, planBudget, taskBudgetUsd} from '../../executors/agent-usage.js';
import {executorRegistry, killGroup, killProcessTree, runVerify, shellExecutor, ShellHelpers, type Executor} from '../../executors/index.js';
import {commandText, formatDuration, newRunId, type Diagnostic, type Plan, type RunId, type Task, type TaskId, type TaskStatus} from '../../model/index.js';
import {didYouMean} from '../../plan/index.js';
import {analyzePlan, dispatchRank, graphFromPlan, type PlanAnalysis} from '../../schedule/index.js';
import {logPathFor, type RunOptions, type RunStore} from '../../store/index.js';
import type {WorkspaceProvider} from '../../workspace/workspace.js';
import {EXIT_FAILED, EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import {holdOnStdoutClose, paint, type CliIo} from '../io.js';
import {planText} from '../plan-output.js';
import {printDiagnostics, readPlan} from '../read-plan.js';
import {ndjsonView, plainView, ttyView, type RunView} from '../run-view.js';
import {openStore, stateDirFor} from '../state.js';

export interface RunCommandOptions {
  readonly workers?: number;
  readonly dryRun?: boolean;
  /** Comma-separated task ids. */
  readonly only?: string;
  readonly from?: string;
  readonly failFast?: boolean;
  /** `--resume` alone is `true`; `--resume RUN` names the run. */
  readonly resume?: boolean | string;
  readonly json?: boolean;
  readonly state?: string;
  readonly retries?: number;
  readonly redoDone?: boolean;
  /** `--merge BRANCH`: once the run ended, merge its verified task branches into BRANCH (as `paraplan merge --into`). */
  readonly merge?: string;
  /** `--acceptance-dir DIR`: once the run ended, write ACCEPTANCE_<ID>.md per succeeded task into DIR. */
  readonly acceptanceDir?: string;
}

/** Plans above this many tasks get a dispatch order only, not the full schedule search, at start. */
const FULL_ANALYSIS_LIMIT = 3000;

/** `paraplan run PLAN`: carries the plan out and reports truthfully; exit 0 all succeeded, 1 not, 2 input wrong. */
export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  keepYoungGenerationSmall();
  const read = await readPlan(file, {}, options.json ? {...io, err: (t) => io.err(t)} : io);
  if (!read.ok) return read.exitCode;
  const {plan} = read;
  const planFile = resolve(io.cwd, file);
  const planDir = dirname(planFile);
  const workers = options.workers ?? plan.concurrency;

  const selection = selectTasks(plan, options, io);
  if (selection === 'error') return EXIT_USAGE;
  if (options.resume !== undefined && selection) {
    io.err('error: --resume continues a run with its own selection; leave out --only and --from\n');
    return EXIT_USAGE;
  }

  const analysis = analyze(plan, workers);
  if (options.dryRun) {
    io.out(dryRun(plan, analysis, selection?.selected, options));
    return EXIT_OK;
  }

  const stateDir = stateDirFor(io, options.state, file);
  const opened = openStore(stateDir, {create: true});
  if (!opened.ok) {
    io.err(`error: ${opened.error}\n`);
    return EXIT_USAGE;
  }
  const store = opened.value;
  try {
    return await execute({plan, planFile, planDir, stateDir, store, workers, analysis, selection, options, io, texts: read.source.texts});
  } finally {
    store.close();
  }
}

interface ExecuteContext {
  readonly plan: Plan;
  readonly planFile: string;
  readonly planDir: string;
  readonly stateDir: string;
  readonly store: RunStore;
  readonly workers: number;
  readonly analysis: Analysis;
  readonly selection: {selected: ReadonlySet<TaskId>} | undefined;
  readonly options: RunCommandOptions;
  readonly io: CliIo;
  readonly texts: ReadonlyMap<string, string>;
}

async function execute(c: ExecuteContext): Promise<number> {
  const {plan, store, io, options} = c;
  // A plain copy: process.env is an exotic object whose every read crosses into C++ (read per attempt).
  const env: Record<string, string | undefined> = {...io.env};
  const runOptions: RunOptions = {
    ...(options.only !== undefined ? {only: splitIds(options.only)} : {}),
    ...(options.from !== undefined ? {from: options.from} : {}),
    failFast: options.failFast === true,
    redoDone: options.redoDone === true,
    ...(options.retries !== undefined ? {retries: options.retries} : {}),
  };

  let target: {kind: 'new' | 'resume'; id: RunId};
  let workers = c.workers;
  if (options.resume !== undefined) {
    const found = await findRunToResume(store, c.planFile, options.resume);
    if (typeof found === 'string') {
      io.err(`error: ${found}\n`);
      return EXIT_USAGE;
    }
    target = {kind: 'resume', id: found.id};
    if (options.workers === undefined) workers = found.workers;
  } else {
    target = {kind: 'new', id: newRunId(new Date(), Math.random)};
  }

  let selection: Selection | undefined;
  if (c.selection) {
    const outside = new Set<TaskId>();
    for (const id of c.selection.selected) for (const d of plan.tasks.get(id)!.needs) if (!c.selection.selected.has(d.task)) outside.add(d.task);
    const doneEarlier = await store.doneEarlier(c.planFile, [...outside]);
    const missing = [...outside].filter((id) => !doneEarlier.has(id) && !(plan.tasks.get(id)!.done && !options.redoDone));
    if (missing.length > 0) {
      io.err(
        `error: the selected tasks depend on ${missing.map((m) => `"${m}"`).join(', ')}, which ${missing.length === 1 ? 'has' : 'have'} not succeeded in an earlier run of this plan; add ${missing.length === 1 ? 'it' : 'them'} to --only, use --from, or run the whole plan first\n`,
      );
      return EXIT_USAGE;
    }
    selection = {selected: c.selection.selected, doneEarlier};
  }

  const killGraceMs = positiveInt(env['PARAPLAN_KILL_GRACE_MS']);
  // Commands start through long-lived spawn helpers (see ShellHelpers); PARAPLAN_SPAWN=direct spawns each from Node.
  const helpers = new ShellHelpers(env);
  const executors: Executor[] = [
    shellExecutor({...(killGraceMs !== undefined ? {killGraceMs} : {}), helpers}),
    ...(await optionalExecutors(plan, killGraceMs)),
  ];
  // Secrets are masked where output is written (every executor and verify redact as they log).
  const dispatcher = localDispatcher({
    executors: executorRegistry(executors),
    verify: (r) => runVerify({...r, ...(killGraceMs !== undefined ? {killGraceMs} : {})}),
  });
  const workspace = await workspaceFor(plan, env);
  const integration = await integrationOptions(plan);
  if (integration.diagnostics.some((d) => d.severity === 'error')) {
    helpers.close();
    printDiagnostics(integration.diagnostics, c.texts, io);
    io.err(`${paint(io, 'red', `${relative(io.cwd, c.planFile) || c.planFile}: the plan cannot be carried out as it is`)}; nothing was run\n`);
    return EXIT_USAGE;
  }

  const view: RunView = options.json
    ? ndjsonView(io)
    : io.tty
      ? ttyView(io, {plan, stateDir: c.stateDir})
      : plainView(io, {plan, stateDir: c.stateDir});
  const leaseMs = positiveInt(env['PARAPLAN_LEASE_MS']);
  const backoffMs = positiveInt(env['PARAPLAN_BACKOFF_MS'], 0);
  const engine = new Engine({
    plan,
    planDir: c.planDir,
    planFile: c.planFile,
    stateDir: c.stateDir,
    store,
    dispatcher,
    ...(workspace ? {workspace} : {}),
    ...integration.engine,
    target,
    runOptions,
    ...(selection ? {selection} : {}),
    workers,
    rank: c.analysis.rank,
    ...(c.analysis.predictedMs !== undefined ? {predictedMs: c.analysis.predictedMs} : {}),
    env,
    logPathFor,
    killOrphan: (pid) => killProcessTree(pid, killGraceMs),
    ...(backoffMs !== undefined ? {backoff: {baseMs: backoffMs, maxMs: Math.max(backoffMs, 60_000)}} : {}),
    ...(leaseMs !== undefined ? {leaseMs} : {}),
    pid: process.pid,
    host: hostname(),
    onEvent: (e) => view.onEvent(e),
  });

  // Ctrl-C: the first cancels gracefully (tasks get SIGTERM, states are recorded); the second kills the
  // process groups at once; a third leaves without waiting.
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      view.note(paint(io, 'yellow', `${signal === 'SIGINT' ? 'Ctrl-C' : signal}: cancelling; running tasks are being stopped (press Ctrl-C again to force)`));
      engine.cancel('signal');
    } else if (interrupts === 2) {
      view.note(paint(io, 'red', 'forcing: killing the running tasks now'));
      for (const pid of engine.runningPids()) killGroup(pid, 'SIGKILL');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A reader that goes away (`| head`) must not kill the runner mid-run and orphan its tasks: stop writing.
  const releasePipe = holdOnStdoutClose();
  let result;
  try {
    result = await engine.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    releasePipe();
    helpers.close();
    view.close();
  }
  if (!result.ok) {
    const e = result.error;
    switch (e.kind) {
      case 'preflight':
        printDiagnostics(e.diagnostics, c.texts, io);
        io.err(`${paint(io, 'red', `${relative(io.cwd, c.planFile) || c.planFile}: the plan cannot be carried out as it is`)}; nothing was run\n`);
        return EXIT_USAGE;
      case 'lease':
      case 'resume':
        io.err(`error: ${e.message}\n`);
        return EXIT_USAGE;
    }
  }
  const summary = result.value;
  if (!options.json) io.out(await summaryText(summary, store, c));
  let code = summary.status === 'succeeded' ? EXIT_OK : EXIT_FAILED;
  const finishedRun = await store.getRun(summary.run);
  // The saved report (what `plan --format md` links to) is written for runs of ordinary size; for huge runs it
  // costs more time and memory than the orchestration itself, and `paraplan report` builds it on demand.
  const saveReport = finishedRun !== undefined && finishedRun.taskCount <= AUTO_REPORT_MAX_TASKS;
  if (finishedRun && (saveReport || options.acceptanceDir !== undefined)) {
    const {saveRunReport, writeAcceptanceRecords} = await import('./report.js');
    if (saveReport) await saveRunReport(store, finishedRun, c.stateDir, io);
    if (options.acceptanceDir !== undefined) {
      const files = await writeAcceptanceRecords(store, finishedRun, options.acceptanceDir, {stateDir: c.stateDir, io});
      io.err(`wrote ${files.length} acceptance records to ${options.acceptanceDir}\n`);
    }
  }
  if (options.merge !== undefined) code = Math.max(code, await mergeAfterRun(summary, options.merge, c));
  return code;
}

/** Runs with more tasks than this get no automatic report (see above). */
const AUTO_REPORT_MAX_TASKS = 2000;

/** `run --merge BRANCH`: what `paraplan merge RUN --into BRANCH` does, when any task succeeded. Returns its exit code. */
async function mergeAfterRun(summary: RunSummary, into: string, c: ExecuteContext): Promise<number> {
  const {io, store} = c;
  if (!summary.counts.succeeded) {
    io.err(paint(io, 'yellow', `not merging into ${into}: no task of run ${summary.run} succeeded\n`));
    return EXIT_OK;
  }
  const {mergeRun} = await import('./merge.js');
  return mergeRun(store, summary.run, {into, plan: c.planFile, ...(c.options.state !== undefined ? {state: c.options.state} : {})}, io);
}

/**
 * What the engine gets from the plan's integration settings: the worktree cleanup policy, the tasks that must not
 * run together (overlapping `files`), and the budgets. Their helpers live in workspace/ and executors/, which the
 * engine may not import.
 */
async function integrationOptions(plan: Plan): Promise<{engine: {keepWorktree?: (succeeded: boolean) => boolean; conflicts?: ReadonlyMap<TaskId, ReadonlySet<TaskId>>; budget?: BudgetCheck}; diagnostics: Diagnostic[]}> {
  const diagnostics: Diagnostic[] = [];
  const {budget, diagnostics: budgetDiagnostics} = planBudget(plan);
  diagnostics.push(...budgetDiagnostics);
  const hasTaskBudget = [...plan.tasks.values()].some((t) => !t.gate && taskBudgetUsd(t, plan.executors.get(t.executor) ?? {name: 'shell', kind: 'shell', options: {}, builtin: true}) !== undefined);
  const check: BudgetCheck | undefined =
    budget.usd !== undefined || budget.tokens !== undefined || hasTaskBudget
      ? {
          run: (usages) => (budget.usd !== undefined || budget.tokens !== undefined ? budgetExceeded(usages, budget)?.message : undefined),
          task: (task, profile, usages) => {
            const usd = taskBudgetUsd(task, profile);
            return usd === undefined ? undefined : budgetExceeded(usages, {usd})?.message.replace(/^budget exceeded/, 'task budget exceeded');
          },
        }
      : undefined;
  const usesFiles = [...plan.tasks.values()].filter((t) => t.files.length > 0).length > 1;
  const usesWorktrees = [...plan.tasks.values()].some((t) => t.workspace === 'worktree' && !t.gate);
  let keepWorktree: ((succeeded: boolean) => boolean) | undefined;
  let conflicts: ReadonlyMap<TaskId, ReadonlySet<TaskId>> | undefined;
  if (usesFiles || usesWorktrees) {
    const ws = await import('../../workspace/index.js');
    if (usesWorktrees) {
      const {settings} = ws.workspaceSettings(plan);
      keepWorktree = (succeeded) => ws.keepWorktree(settings.cleanup, succeeded);
    }
    if (usesFiles) {
      const map = ws.conflictingTasks(plan);
      if (map.size > 0) conflicts = map;
    }
  }
  return {engine: {...(keepWorktree ? {keepWorktree} : {}), ...(conflicts ? {conflicts} : {}), ...(check ? {budget: check} : {})}, diagnostics};
}

/** The lines printed when a run ends: counts, what failed and where its log is, what to do next. */
async function summaryText(summary: RunSummary, store: RunStore, c: ExecuteContext): Promise<string> {
  const {io} = c;
  const order: TaskStatus[] = ['succeeded', 'failed', 'upstream_failed', 'cancelled', 'skipped'];
  const label: Partial<Record<TaskStatus, string>> = {upstream_failed: 'upstream_failed (not run: a dependency failed)'};
  const parts = order.filter((s) => summary.counts[s]).map((s) => `${summary.counts[s]} ${label[s] ?? s}`);
  const color = summary.status === 'succeeded' ? 'green' : summary.status === 'cancelled' ? 'yellow' : 'red';
  const lines = [`${paint(io, color, `run ${summary.run} ${summary.status}`)} in ${formatDuration(summary.durationMs)}: ${parts.join(', ')}`];
  const failed = (await store.tasks(summary.run)).filter((t) => t.status === 'failed');
  for (const t of failed.slice(0, 20)) lines.push(`  ${paint(io, 'red', '✗')} ${t.task}: ${t.message ?? 'failed'}  ${paint(io, 'gray', `(paraplan logs ${t.task})`)}`);
  if (failed.length > 20) lines.push(`  ... and ${failed.length - 20} more failed`);
  const stateHint = relative(io.cwd, c.stateDir) || '.';
  const stateFlag = relative(io.cwd, c.stateDir) === '.paraplan' ? '' : ` --state ${stateHint}`;
  if (summary.status !== 'succeeded') {
    const runState = c.options.state !== undefined ? ` --state ${stateHint}` : '';
    lines.push(paint(io, 'gray', `details: paraplan status${stateFlag}; continue: paraplan run ${relative(io.cwd, c.planFile)} --resume${runState}`));
  } else {
    lines.push(paint(io, 'gray', `state: ${stateHint}; details: paraplan status${stateFlag}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * A run makes short-lived garbage for every task, and V8 grows its young generation for it up to 32 MB, all of it
 * resident. Kept at its starting size instead (about 2 MB): peak RSS of the 5,000-task benchmark run 116 -> 93 MB,
 * with no measurable CPU cost (BENCHMARKS.md). The flag is read when the space would grow, so it still applies when
 * set now; it is set only on the Node versions where that was checked (an unknown flag prints an error).
 */
function keepYoungGenerationSmall(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 20 && major <= 22) setFlagsFromString('--semi-space-growth-factor=1');
}

interface Analysis {
  readonly rank: ReadonlyMap<TaskId, number>;
  readonly predictedMs?: number;
  readonly full?: PlanAnalysis;
}

/** Dispatch ranks (critical path first) and the predicted makespan; large plans get the ranks only. */
function analyze(plan: Plan, workers: number): Analysis {
  if (plan.tasks.size > FULL_ANALYSIS_LIMIT) return {rank: dispatchRank(graphFromPlan(plan, {barriers: true}))};
  const full = analyzePlan(plan, {workers, timeBudgetMs: 200});
  return {rank: full.dispatchRank, predictedMs: full.schedule.makespan, full};
}

function splitIds(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `--only a,b` or `--from x`: the tasks a new run carries out; undefined for all; 'error' after a message. */
function selectTasks(plan: Plan, options: RunCommandOptions, io: CliIo): {selected: ReadonlySet<TaskId>} | undefined | 'error' {
  if (options.only === undefined && options.from === undefined) return undefined;
  if (options.only !== undefined && options.from !== undefined) {
    io.err('error: use either --only or --from, not both\n');
    return 'error';
  }
  const check = (id: string, flag: string): TaskId | undefined => {
    if (plan.tasks.has(id as TaskId)) return id as TaskId;
    const hint = didYouMean(id, plan.tasks.keys());
    io.err(`error: ${flag} ${id}: the plan has no task "${id}"${hint ? `; did you mean "${hint}"?` : ''}\n`);
    return undefined;
  };
  if (options.only !== undefined) {
    const ids = splitIds(options.only);
    if (ids.length === 0) {
      io.err('error: --only expects task ids separated by commas, e.g. --only build,test\n');
      return 'error';
    }
    const selected = new Set<TaskId>();
    for (const id of ids) {
      const t = check(id, '--only');
      if (!t) return 'error';
      selected.add(t);
    }
    return {selected};
  }
  const start = check(options.from!, '--from');
  if (!start) return 'error';
  const dependants = new Map<TaskId, TaskId[]>();
  for (const t of plan.tasks.values()) for (const d of t.needs) dependants.set(d.task, [...(dependants.get(d.task) ?? []), t.id]);
  const selected = new Set<TaskId>([start]);
  const queue = [start];
  while (queue.length > 0) for (const next of dependants.get(queue.pop()!) ?? []) if (!selected.has(next)) selected.add(next), queue.push(next);
  return {selected};
}

/** `--resume`: the named run, or the latest run of this plan file. A string is an error message. */
async function findRunToResume(store: RunStore, planFile: string, resume: boolean | string) {
  if (typeof resume === 'string') {
    const run = await store.getRun(resume as RunId);
    if (!run) return `there is no run ${resume} to resume; see \`paraplan runs\``;
    if (run.planFile !== undefined && run.planFile !== planFile) return `run ${resume} was a run of ${run.planFile}, not of ${planFile}`;
    return run;
  }
  const runs = (await store.listRuns({limit: 200})).filter((r) => r.planFile === planFile);
  if (runs.length === 0) return `there is no earlier run of ${planFile} to resume; start one without --resume`;
  return runs[0]!;
}

function dryRun(plan: Plan, analysis: Analysis, selected: ReadonlySet<TaskId> | undefined, options: RunCommandOptions): string {
  const tasks = [...plan.tasks.values()].sort((a, b) => (analysis.rank.get(a.id) ?? 0) - (analysis.rank.get(b.id) ?? 0));
  const order = analysis.full?.order ?? tasks.map((t) => t.id);
  const willRun = (t: Task): boolean => (selected ? selected.has(t.id) : true) && !(t.done && !options.redoDone);
  const lines = [`Dry run: nothing is run. In dependency order, the highest priority (critical path) first:`];
  let n = 0;
  for (const id of order) {
    const t = plan.tasks.get(id)!;
    const what = t.gate ? 'gate' : t.run ? commandText(t.run) : `${t.executor}: ${t.title}`;
    if (willRun(t)) lines.push(`  ${String(++n).padStart(3)}. ${t.id}  ${what}${t.verify.length ? `  (verify: ${t.verify.map((v) => v.name ?? commandText(v.command)).join('; ')})` : ''}`);
    else lines.push(`    -  ${t.id}  skipped: ${selected && !selected.has(t.id) ? 'not selected' : 'done in the plan'}`);
  }
  lines.push('');
  if (analysis.full) lines.push(planText(plan, analysis.full));
  return lines.join('\n') + '\n';
}

function positiveInt(text: string | undefined, min = 1): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= min ? n : undefined;
}

/**
 * Executors other than shell, loaded only when the plan uses them (the OpenAI SDK and the agent presets cost start-up
 * time). They take the environment per attempt, from the request.
 */
async function optionalExecutors(plan: Plan, killGraceMs: number | undefined): Promise<Executor[]> {
  const kinds = new Set([...plan.tasks.values()].filter((t) => !t.gate).map((t) => plan.executors.get(t.executor)?.kind ?? 'shell'));
  const out: Executor[] = [];
  if (kinds.has('agent')) {
    const {agentExecutor} = await import('../../executors/agent-cli.js');
    out.push(agentExecutor(killGraceMs !== undefined ? {killGraceMs} : {}));
  }
  if (kinds.has('llm')) {
    const {llmExecutor} = await import('../../executors/llm-api.js');
    out.push(llmExecutor());
  }
  return out;
}

/** Git worktrees, only when a task asks for one. */
async function workspaceFor(plan: Plan, env: Readonly<Record<string, string | undefined>>): Promise<WorkspaceProvider | undefined> {
  if (![...plan.tasks.values()].some((t) => t.workspace === 'worktree' && !t.gate && !t.done)) return undefined;
  try {
    const mod = await import('../../workspace/index.js');
    return mod.gitWorktreeProvider({env});
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}
