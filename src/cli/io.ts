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

/** Set once the reader of stdout went away (`paraplan runs | head -1`): nothing more is written there. */
let stdoutGone = false;
let pipeWatched = false;
/** Commands that must finish their work when the reader leaves (a run, whose tasks would be orphaned). */
let holds = 0;

/**
 * Keeps the process alive when the reader of stdout goes away (EPIPE): output to stdout stops, the work goes on.
 * Without a hold, the process exits quietly then. Returns the release.
 */
export function holdOnStdoutClose(): () => void {
  holds++;
  let released = false;
  return () => {
    if (!released) holds--;
    released = true;
  };
}

function watchStdoutPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutGone = true;
    // Quietly: no stack trace for a reader that had enough (`| head`).
    if (holds === 0) process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

export function processIo(): CliIo {
  const env = process.env;
  const tty = Boolean(process.stdout.isTTY) && !env['CI'];
  const color = Boolean(process.stderr.isTTY) && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb' && !env['CI'];
  watchStdoutPipe();
  return {
    out: (text) => {
      if (!stdoutGone) process.stdout.write(text);
    },
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
