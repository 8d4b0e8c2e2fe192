import {styleText} from 'node:util';

/** Where a command writes. Commands never touch process.stdout directly, so tests can capture them. */
export interface CliIo {
  /** Writes to standard output (the command's result). */
  out(text: string): void;
  /** Writes to standard error (progress, diagnostics). */
  err(text: string): void;
  /** True when colors may be used on stderr/stdout. */
  readonly color: boolean;
  /** True when stdout is an interactive terminal. */
  readonly tty: boolean;
  /** The environment (read only in cli/). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current folder. */
  readonly cwd: string;
}

export function processIo(): CliIo {
  const env = process.env;
  const tty = Boolean(process.stdout.isTTY) && !env['CI'];
  const color = Boolean(process.stderr.isTTY) && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb' && !env['CI'];
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color,
    tty,
    env,
    cwd: process.cwd(),
  };
}

/** Collects output in memory (tests). */
export function memoryIo(options: {cwd?: string; env?: Record<string, string | undefined>} = {}): CliIo & {stdout: () => string; stderr: () => string} {
  let out = '';
  let errText = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (errText += t),
    color: false,
    tty: false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: () => out,
    stderr: () => errText,
  };
}

type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'gray' | 'bold' | 'dim';

/** Applies a style only when colors are on. */
export function paint(io: Pick<CliIo, 'color'>, style: Style, text: string): string {
  return io.color ? styleText(style, text) : text;
}
