import {existsSync} from 'node:fs';
import {dirname, extname, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {stringify} from 'yaml';
import {hasErrors, type Diagnostic} from '../../model/index.js';
import {SOURCE_FORMATS, loadPlanSource, normalizePlan, summarizeDiagnostics, type SourceFormat} from '../../plan/index.js';
import {EXIT_OK, EXIT_USAGE, plural} from '../exit-codes.js';
import {paint, type CliIo} from '../io.js';
import {printDiagnostics} from '../read-plan.js';
import {writeOutput} from '../write-output.js';

export interface ImportOptions {
  /** Where to write the plan: `.yaml`/`.yml` or `.json`; standard output (YAML) when undefined. */
  readonly output?: string;
  /** `auto` (default), `markdown`, `task-master`, `csv` or `wfcommons`. */
  readonly from?: string;
  /** Print every inferred fact with its source line. */
  readonly explain?: boolean;
}

const FROM = ['auto', ...SOURCE_FORMATS];

/**
 * `paraplan import FILE|FOLDER [-o FILE] [--from FORMAT] [--explain]`: reads a document people wrote
 * (Markdown, Task Master, CSV, WfCommons) and writes it as a paraplan plan. Runs nothing.
 * Exit 2 when the document has errors (the plan is still written, so it can be fixed by hand).
 */
export async function importCommand(path: string, options: ImportOptions, io: CliIo): Promise<number> {
  const from = options.from ?? 'auto';
  if (!FROM.includes(from)) {
    io.err(`${paint(io, 'red', 'error')}: --from ${from} is not a format; use one of ${FROM.join(', ')}\n`);
    return EXIT_USAGE;
  }
  const input = resolve(io.cwd, path);
  if (options.output !== undefined && options.output !== '-') {
    const output = resolve(io.cwd, options.output);
    if (output === input) {
      io.err(`${paint(io, 'red', 'error')}: -o ${options.output} is the input file; importing never overwrites its input, write to another file\n`);
      return EXIT_USAGE;
    }
    const ext = extname(output).toLowerCase();
    if (!['.yaml', '.yml', '.json'].includes(ext)) {
      io.err(`${paint(io, 'red', 'error')}: -o ${options.output}: write the plan to a .yaml, .yml or .json file\n`);
      return EXIT_USAGE;
    }
  }
  const loaded = await loadPlanSource(input, {from: from as 'auto' | SourceFormat});
  if (!loaded.ok) {
    printDiagnostics(loaded.error, new Map(), io);
    return EXIT_USAGE;
  }
  const source = loaded.value;
  if (options.output !== undefined && [...source.texts.keys()].some((f) => resolve(io.cwd, f) === resolve(io.cwd, options.output!))) {
    io.err(`${paint(io, 'red', 'error')}: -o ${options.output} is one of the imported files; write to another file\n`);
    return EXIT_USAGE;
  }
  // Validation errors (unknown dependencies, cycles, duplicate ids) are reported at their Markdown line too.
  const diagnostics: readonly Diagnostic[] = source.data === undefined ? [...source.diagnostics] : normalizePlan(source).diagnostics;
  printDiagnostics(diagnostics, source.texts, io);
  if (options.explain) {
    for (const inf of source.inferences) {
      const where = inf.location ? `${relative(io.cwd, inf.location.file) || inf.location.file}:${inf.location.line}: ` : '';
      io.err(`${where}${inf.message}\n`);
    }
  }
  if (source.data !== undefined) {
    const ext = options.output === undefined || options.output === '-' ? '.yaml' : extname(options.output).toLowerCase();
    const text = ext === '.json' ? `${JSON.stringify(source.data, null, 2)}\n` : yamlText(source.data, options.output === undefined || options.output === '-' ? io.cwd : dirname(resolve(io.cwd, options.output)));
    await writeOutput(text, options.output, io);
  }
  const tasks = (source.data as {tasks?: unknown[]} | undefined)?.tasks?.length ?? 0;
  io.err(`${plural(tasks, 'task')} imported from ${path}; ${summarizeDiagnostics(diagnostics)}\n`);
  return hasErrors(diagnostics) ? EXIT_USAGE : EXIT_OK;
}

function yamlText(data: unknown, dir: string): string {
  const schema = fileURLToPath(new URL('../../../schema/plan.schema.json', import.meta.url));
  const header = existsSync(schema) ? `# yaml-language-server: $schema=${relative(dir, schema).split('\\').join('/')}\n` : '';
  return `${header}${stringify(data, {lineWidth: 0})}`;
}
