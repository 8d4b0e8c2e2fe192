import {Command, CommanderError, Option} from 'commander';
import {EXIT_FAILED, EXIT_OK, EXIT_USAGE} from './exit-codes.js';
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
    const debug = argv.includes('--debug');
    io.err(
      `paraplan ${version}: internal error: ${e instanceof Error ? e.message : String(e)}\nThis is a paraplan bug; please report it with the command you ran${debug ? '' : ' (add --debug for the stack trace)'}.\n`,
    );
    if (debug && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_FAILED;
  }
}
