import {Command, CommanderError, Option} from 'commander';
import {EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError} from './exit-codes.js';
import {processIo, type CliIo} from './io.js';

/** Parses an integer flag, or throws a usage error naming the flag. */
export function intOption(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new CommanderError(EXIT_USAGE, 'paraplan.invalidArgument', `error: ${name} expects an integer of at least ${min}, got "${value}"`);
    return n;
  };
}

const EXAMPLES: Record<string, string> = {
  check: `
Examples:
  $ paraplan check plan.yaml
  $ paraplan check PLAN.md            # Markdown, CSV, Task Master and WfCommons files are imported first
  $ paraplan check plan.yaml --json   # diagnostics as JSON`,
  plan: `
Examples:
  $ paraplan plan plan.yaml -j 4                 # waves, critical path, timeline on 4 workers
  $ paraplan plan plan.yaml --format md -o EXECUTION_PLAN.md
  $ paraplan plan plan.yaml --format mermaid     # a dependency graph for GitHub
  $ paraplan plan plan.yaml --format csv         # one row per task
  $ paraplan plan plan.yaml --max-loc 400        # review batches of at most 400 estimated lines`,
  import: `
Examples:
  $ paraplan import PLAN.md -o plan.yaml --explain
  $ paraplan import .taskmaster/tasks/tasks.json -o plan.json
  $ paraplan import docs/plan/ -o plan.yaml      # a folder: a main document and the task files it links to`,
};

/** Builds the command line. Each action loads its command module on demand, so start-up stays fast. */
export function buildProgram(version: string, io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('paraplan');
  program
    .description('Carry out a work plan with parallel workers (shell commands, coding agents, LLM APIs) and report truthfully what got done.')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({writeOut: (s) => io.out(s), writeErr: (s) => io.err(s)})
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ paraplan check plan.yaml            # every mistake in the plan, with file:line:column
  $ paraplan plan plan.yaml -j 4        # how it would run on 4 workers
  $ paraplan import PLAN.md -o plan.yaml

Exit codes: 0 success, 1 a task failed, 2 the plan or the command line is wrong.`,
    );

  const fromOption = (): Option =>
    new Option('--from <format>', 'input format').choices(['auto', 'yaml', 'json', 'markdown', 'task-master', 'csv', 'wfcommons']).default('auto');

  program
    .command('check')
    .description('validate a plan and report every problem with its location')
    .argument('<plan>', 'plan file (YAML, JSON, Markdown, CSV, Task Master, WfCommons) or folder')
    .addOption(fromOption())
    .option('--json', 'print the diagnostics as JSON')
    .addHelpText('after', EXAMPLES['check']!)
    .action(async (plan: string, opts: {from: string; json?: boolean}) => {
      const {checkCommand} = await import('./commands/check.js');
      setExit(await checkCommand(plan, opts, io));
    });

  program
    .command('plan')
    .description('schedule a plan on N workers: waves, critical path, timeline, time saved, what-if')
    .argument('<plan>', 'plan file or folder')
    .option('-j, --workers <n>', 'number of workers (default: the plan\'s concurrency, else 4)', intOption('-j'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'md', 'mermaid', 'csv']).default('text'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--max-loc <n>', 'group tasks into review batches of at most N estimated lines', intOption('--max-loc'))
    .option('--budget-ms <ms>', 'time the optimizer may spend per schedule', intOption('--budget-ms', 0), 1000)
    .option('--state <dir>', 'where runs are stored (to link the latest report)')
    .addOption(fromOption())
    .addHelpText('after', EXAMPLES['plan']!)
    .action(async (plan: string, opts: Record<string, unknown>) => {
      const {planCommand} = await import('./commands/plan.js');
      setExit(await planCommand(plan, opts as never, io));
    });

  program
    .command('import')
    .description('convert a Markdown, CSV, Task Master or WfCommons plan into a paraplan plan file')
    .argument('<path>', 'document or folder')
    .option('-o, --output <file>', 'write the plan here (.yaml or .json); standard output otherwise')
    .addOption(fromOption())
    .option('--explain', 'list every inferred task, dependency and group with its source line')
    .addHelpText('after', EXAMPLES['import']!)
    .action(async (path: string, opts: {output?: string; from?: string; explain?: boolean}) => {
      const {importCommand} = await import('./commands/import.js');
      setExit(await importCommand(path, opts, io));
    });

  // ---- run engine commands (issue 4) ----
  const RUN_EXAMPLES = `
Examples:
  $ paraplan run plan.yaml -j 4                # carry the plan out on 4 workers
  $ paraplan run plan.yaml --dry-run           # what would run, in order, with the schedule
  $ paraplan run plan.yaml --only lint,test    # just these tasks
  $ paraplan run plan.yaml --from build        # build and everything downstream of it
  $ paraplan run plan.yaml --resume            # continue the latest run of this plan
  $ paraplan run plan.yaml --json | jq .type   # one JSON event per line

Selection: --only and --from run the selected tasks and skip the others. A selected task's dependency
outside the selection must have succeeded in an earlier run of this plan (same state folder) or be done
in the plan; otherwise the run is refused, naming it. --resume keeps what succeeded and runs the rest
again (failed and cancelled tasks included; an attempt cut off by a crash is recorded as lost).
State goes to .paraplan/ beside the plan (--state DIR to change). Ctrl-C cancels; press it twice to force.`;
  const stateOption = (): Option => new Option('--state <dir>', 'state folder (default: .paraplan/ in the current folder)');

  program
    .command('run')
    .description('carry out a plan with parallel workers; every state change is stored as it happens')
    .argument('<plan>', 'plan file or folder')
    .option('-j, --workers <n>', "number of workers (default: the plan's concurrency, else 4)", intOption('-j'))
    .option('--dry-run', 'print what would run, in order, with the schedule; run nothing')
    .option('--only <ids>', 'run only these tasks (comma-separated); see "Selection" below')
    .option('--from <id>', 'run this task and everything downstream of it')
    .option('--fail-fast', 'start nothing new after the first failure (running tasks finish)')
    .option('--resume [run]', 'continue the latest run of this plan (or RUN): what succeeded is kept')
    .option('--json', 'write the run events as NDJSON (one JSON object per line) to standard output')
    .option('--state <dir>', 'state folder (default: .paraplan/ beside the plan)')
    .option('--retries <n>', 'extra attempts for every task, overriding the plan', intOption('--retries', 0))
    .option('--redo-done', 'run tasks marked done in the plan too')
    .option('--merge <branch>', 'once the run ended, merge its verified task branches into BRANCH (as paraplan merge --into)')
    .option('--acceptance-dir <dir>', 'once the run ended, write ACCEPTANCE_<ID>.md per succeeded task into this folder')
    .addHelpText('after', RUN_EXAMPLES)
    .action(async (plan: string, opts: Record<string, unknown>) => {
      const {runCommand} = await import('./commands/run.js');
      setExit(await runCommand(plan, opts as never, io));
    });

  program
    .command('status')
    .description('the state of every task of a run (the latest by default)')
    .argument('[run]', 'run id (see paraplan runs)')
    .addOption(stateOption())
    .option('--json', 'run, tasks and attempts as JSON')
    .addHelpText('after', `
Examples:
  $ paraplan status                      # the latest run in ./.paraplan
  $ paraplan status r20250101-120000-ab12 --state examples/sample-project/.paraplan`)
    .action(async (run: string | undefined, opts: Record<string, unknown>) => {
      const {statusCommand} = await import('./commands/status.js');
      setExit(await statusCommand(run, opts as never, io));
    });

  program
    .command('runs')
    .description('list the runs of a state folder, newest first')
    .addOption(stateOption())
    .option('--limit <n>', 'how many', intOption('--limit'))
    .option('--json', 'as JSON')
    .addHelpText('after', `
Examples:
  $ paraplan runs
  $ paraplan runs --state examples/sample-project/.paraplan --json`)
    .action(async (opts: Record<string, unknown>) => {
      const {runsCommand} = await import('./commands/runs.js');
      setExit(await runsCommand(opts as never, io));
    });

  program
    .command('logs')
    .description("print a task's output (its last attempt by default)")
    .argument('<task>', 'task id')
    .option('--attempt <n>', 'attempt number', intOption('--attempt'))
    .option('-f, --follow', 'keep printing while the attempt runs')
    .option('--run <run>', 'run id (default: the latest run)')
    .addOption(stateOption())
    .addHelpText('after', `
Examples:
  $ paraplan logs test
  $ paraplan logs test --attempt 1
  $ paraplan logs build --follow`)
    .action(async (task: string, opts: Record<string, unknown>) => {
      const {logsCommand} = await import('./commands/logs.js');
      setExit(await logsCommand(task, opts as never, io));
    });

  program
    .command('clear')
    .description('reset tasks of a run so that the next `run --resume` runs them again')
    .argument('<tasks...>', 'task ids')
    .option('--downstream', 'also every task that depends on them')
    .option('--failed-only', 'only those that failed, could not run or were cancelled')
    .option('--run <run>', 'run id (default: the latest run)')
    .addOption(stateOption())
    .addHelpText('after', `
Examples:
  $ paraplan clear build --downstream && paraplan run plan.yaml --resume
  $ paraplan clear lint test --failed-only`)
    .action(async (tasks: string[], opts: Record<string, unknown>) => {
      const {clearCommand} = await import('./commands/clear.js');
      setExit(await clearCommand(tasks, opts as never, io));
    });

  program
    .command('cancel')
    .description('ask a running run (the latest by default) to cancel: its tasks are stopped and recorded')
    .argument('[run]', 'run id')
    .option('--wait', 'wait until the runner has stopped')
    .addOption(stateOption())
    .addHelpText('after', `
Examples:
  $ paraplan cancel
  $ paraplan cancel r20250101-120000-ab12 --wait`)
    .action(async (run: string | undefined, opts: Record<string, unknown>) => {
      const {cancelCommand} = await import('./commands/cancel.js');
      setExit(await cancelCommand(run, opts as never, io));
    });

  // ---- reports and runbooks (issue 6) ----
  program
    .command('report')
    .description('the report of a run (the latest by default): every figure measured from the store, every status with its evidence')
    .argument('[run]', 'run id (see paraplan runs)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['md', 'html', 'json']).default('md'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--state <dir>', 'state folder (default: .paraplan/ in the current folder)')
    .option('--acceptance-dir <dir>', 'also write ACCEPTANCE_<ID>.md per succeeded task into this folder')
    .addHelpText('after', `
Examples:
  $ paraplan report                                  # Markdown report of the latest run
  $ paraplan report --format html -o report.html     # one self-contained file, works offline
  $ paraplan report r20250101-120000-ab12 --format json | jq .summary
  $ paraplan report --acceptance-dir docs/           # plus docs/ACCEPTANCE_<ID>.md per succeeded task

The JSON shape is versioned (schemaVersion); a task without verify commands is "completed, unverified".`)
    .action(async (run: string | undefined, opts: Record<string, unknown>) => {
      const {reportCommand} = await import('./commands/report.js');
      setExit(await reportCommand(run, opts as never, io));
    });

  program
    .command('runbook')
    .description('the runbook of a plan: start sequence, per-task and verify commands, smoke tests, rollback, run history')
    .argument('<plan>', 'plan file or folder')
    .option('-j, --workers <n>', "number of workers (default: the plan's concurrency, else 4)", intOption('-j'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--state <dir>', 'state folder for the history (default: .paraplan/ beside the plan)')
    .addOption(new Option('--from <format>', 'input format').choices(['auto', 'yaml', 'json', 'markdown', 'task-master', 'csv', 'wfcommons']).default('auto'))
    .addHelpText('after', `
Examples:
  $ paraplan runbook plan.yaml -o RUNBOOK.md`)
    .action(async (plan: string, opts: Record<string, unknown>) => {
      const {runbookCommand} = await import('./commands/runbook.js');
      setExit(await runbookCommand(plan, opts as never, io));
    });

  // Issue 5 (agents and git): merge train and worktree cleanup.
  program
    .command('merge')
    .description("merge a run's verified task branches into a branch, in dependency order; stops at the first conflict")
    .argument('[run]', 'run id (default: the latest run)')
    .requiredOption('--into <branch>', 'the branch to merge into (never checked out: merges happen in a temporary worktree)')
    .option('--plan <file>', "the plan (default: the run's own plan file); its state folder and verify commands are used")
    .addOption(stateOption())
    .option('--atomic', 'move the target only if every branch merges and verifies')
    .option('--no-verify', 'skip the plan-level verify after each merge')
    .option('--json', 'the result as JSON')
    .addHelpText('after', `
Examples:
  $ paraplan merge --into integration
  $ paraplan merge r20260101-120000-abcd --into main --plan plan.yaml --atomic`)
    .action(async (run: string | undefined, opts: Record<string, unknown>) => {
      const {mergeCommand} = await import('./commands/merge.js');
      setExit(await mergeCommand(run, opts as never, io));
    });

  program
    .command('clean')
    .description("remove paraplan's git worktrees (of one run, or all) and optionally their branches")
    .argument('[run]', 'run id (default: every run)')
    .option('--plan <file>', 'the plan, for its repository and workspace.root')
    .option('--branches', 'also delete the task branches (paraplan/<run>/...)')
    .option('--dry-run', 'list what would be removed')
    .option('--json', 'the result as JSON')
    .addHelpText('after', `
Examples:
  $ paraplan clean --dry-run
  $ paraplan clean r20260101-120000-abcd --branches`)
    .action(async (run: string | undefined, opts: Record<string, unknown>) => {
      const {cleanCommand} = await import('./commands/clean.js');
      setExit(await cleanCommand(run, opts as never, io));
    });

  return program;
}

/** Runs the command line and returns the exit code. The one place that catches stray exceptions. */
export async function runCli(argv: readonly string[], version: string, io: CliIo = processIo()): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(version, io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], {from: 'user'});
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      if (e.code === 'paraplan.invalidArgument') io.err(`${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const debug = argv.includes('--debug');
    io.err(
      `paraplan ${version}: internal error: ${e instanceof Error ? e.message : String(e)}\nThis is a paraplan bug; please report it with the command you ran${debug ? '' : ' (add --debug for the stack trace)'}.\n`,
    );
    if (debug && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_FAILED;
  }
}
