import type {Diagnostic, Plan} from '../model/index.js';
import {DEFAULT_MAX_PLAN_BYTES, formatDiagnostic, loadPlanSource, normalizePlan, SOURCE_FORMATS, summarizeDiagnostics, type PlanSource, type SourceFormat} from '../plan/index.js';
import {EXIT_USAGE} from './exit-codes.js';
import {paint, type CliIo} from './io.js';

export interface ReadPlanOptions {
  readonly from?: string;
  /** Print warnings too (check does; run prints them once). @default true */
  readonly warnings?: boolean;
}

export type ReadPlanResult =
  | {readonly ok: true; readonly plan: Plan; readonly source: PlanSource; readonly diagnostics: readonly Diagnostic[]}
  | {readonly ok: false; readonly exitCode: number; readonly source?: PlanSource; readonly diagnostics: readonly Diagnostic[]};

/** Loads, validates and prints the diagnostics of a plan. Errors → exit code 2 for the caller. */
export async function readPlan(file: string, options: ReadPlanOptions, io: CliIo): Promise<ReadPlanResult> {
  const from = options.from ?? 'auto';
  if (from !== 'auto' && !(SOURCE_FORMATS as readonly string[]).includes(from)) {
    io.err(`error: --from ${from} is not a format; use auto, ${SOURCE_FORMATS.join(', ')}\n`);
    return {ok: false, exitCode: EXIT_USAGE, diagnostics: []};
  }
  const maxMb = Number(io.env['PARAPLAN_MAX_PLAN_MB']);
  const maxBytes = Number.isFinite(maxMb) && maxMb > 0 ? maxMb * 1024 * 1024 : DEFAULT_MAX_PLAN_BYTES;
  const loaded = await loadPlanSource(file, {from: from as 'auto' | SourceFormat, maxBytes});
  if (!loaded.ok) {
    printDiagnostics(loaded.error, new Map(), io);
    return {ok: false, exitCode: EXIT_USAGE, diagnostics: loaded.error};
  }
  const source = loaded.value;
  const result = normalizePlan(source);
  const shown = options.warnings === false ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  printDiagnostics(shown, source.texts, io);
  if (!result.plan) {
    io.err(`${paint(io, 'red', `${file}: ${summarizeDiagnostics(result.diagnostics)}`)}; nothing was run or changed\n`);
    return {ok: false, exitCode: EXIT_USAGE, source, diagnostics: result.diagnostics};
  }
  return {ok: true, plan: result.plan, source, diagnostics: result.diagnostics};
}

/** At most this many diagnostics are printed in full; the rest are counted. */
const MAX_PRINTED = 200;

export function printDiagnostics(diagnostics: readonly Diagnostic[], texts: ReadonlyMap<string, string>, io: CliIo): void {
  const painter = (style: 'red' | 'yellow' | 'cyan' | 'gray' | 'bold', text: string): string => paint(io, style, text);
  diagnostics.slice(0, MAX_PRINTED).forEach((d) => io.err(formatDiagnostic(d, {texts, paint: painter})));
  if (diagnostics.length > MAX_PRINTED) io.err(`... and ${diagnostics.length - MAX_PRINTED} more (use check --json for all)\n`);
}
