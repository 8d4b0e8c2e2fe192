import type {Diagnostic, Location} from '../model/index.js';

export interface FormatOptions {
  /** Source texts by file, to show the offending line. */
  readonly texts?: ReadonlyMap<string, string>;
  /** Wraps text in a style (the CLI passes a colorizer; tests pass nothing). */
  readonly paint?: (style: 'red' | 'yellow' | 'cyan' | 'gray' | 'bold', text: string) => string;
}

const MAX_LINE = 160;

/** `file:line:col: error: message`, the source line, a caret under the offending text, then related places. */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const paint = options.paint ?? ((_s, t) => t);
  const sev = d.severity === 'error' ? paint('red', 'error') : d.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'note');
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  let out = `${paint('bold', where)}${sev}: ${d.message} ${paint('gray', `[${d.code}]`)}\n`;
  if (d.location) out += excerpt(d.location, options.texts, paint);
  for (const r of d.related ?? []) {
    out += `  ${r.location ? `${formatLocation(r.location)}: ` : ''}${r.message}\n`;
  }
  return out;
}

export function formatLocation(l: Location): string {
  return `${l.file}:${l.line}:${l.column}`;
}

function excerpt(l: Location, texts: ReadonlyMap<string, string> | undefined, paint: NonNullable<FormatOptions['paint']>): string {
  const text = texts?.get(l.file);
  if (text === undefined) return '';
  const line = nthLine(text, l.line);
  if (line === undefined) return '';
  const clean = line.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  const shown = clean.length > MAX_LINE ? clean.slice(0, MAX_LINE) + '…' : clean;
  const gutter = String(l.line).padStart(5);
  const col = Math.min(Math.max(1, l.column), shown.length + 1);
  const len = Math.max(1, Math.min(l.length ?? 1, shown.length - col + 1));
  return `${paint('gray', `${gutter} | `)}${shown}\n${paint('gray', `${' '.repeat(gutter.length)} | `)}${' '.repeat(col - 1)}${paint('red', '^'.repeat(len))}\n`;
}

function nthLine(text: string, n: number): string | undefined {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? undefined : end).replace(/\r$/, '');
}

/** `2 errors, 1 warning` */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const e = diagnostics.filter((d) => d.severity === 'error').length;
  const w = diagnostics.filter((d) => d.severity === 'warning').length;
  const part = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${part(e, 'error')}, ${part(w, 'warning')}`;
}
