import {hasErrors} from '../../model/index.js';
import {summarizeDiagnostics} from '../../plan/index.js';
import {EXIT_OK, EXIT_USAGE, plural} from '../exit-codes.js';
import {paint, type CliIo} from '../io.js';
import {readPlan} from '../read-plan.js';

export interface CheckOptions {
  readonly from?: string;
  readonly json?: boolean;
}

/** `paraplan check PLAN`: every problem of the plan, located; exit 2 on errors. */
export async function checkCommand(file: string, options: CheckOptions, io: CliIo): Promise<number> {
  const quiet: CliIo = options.json ? {...io, err: () => {}} : io;
  const result = await readPlan(file, {...(options.from ? {from: options.from} : {})}, quiet);
  if (options.json) {
    io.out(
      JSON.stringify({
        file,
        ok: result.ok,
        tasks: result.ok ? result.plan.tasks.size : undefined,
        groups: result.ok ? result.plan.groups.size : undefined,
        diagnostics: result.diagnostics,
      }) + '\n',
    );
    return result.ok ? EXIT_OK : result.exitCode;
  }
  if (!result.ok) return result.exitCode;
  const {plan, diagnostics} = result;
  let gates = 0;
  for (const t of plan.tasks.values()) if (t.gate) gates++;
  io.err(
    `${paint(io, 'green', '✓')} ${file}: ${plural(plan.tasks.size, 'task')}${gates ? ` (${plural(gates, 'gate')})` : ''}${plan.groups.size ? `, ${plural(plan.groups.size, 'group')}` : ''}; ${summarizeDiagnostics(diagnostics)}\n`,
  );
  return hasErrors(diagnostics) ? EXIT_USAGE : EXIT_OK;
}
