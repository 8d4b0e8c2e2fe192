import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import {commandText, type Command} from '../model/index.js';
import type {ExecutionResult} from './executor.js';

/** Default cap of one attempt's log file. */
export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;
/** How much of the end of the output is kept in memory (and in the store). */
export const DEFAULT_TAIL_BYTES = 4096;
/** Time between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 5000;
/** How long output is still read after the command exited, for pipes a process that escaped the group holds open. */
const DRAIN_AFTER_EXIT_MS = 5000;

export interface ChildOptions {
  readonly command: Command;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Absolute path; output is appended (several commands of an attempt share the file). */
  readonly logPath: string;
  readonly signal: AbortSignal;
  readonly timeoutMs?: number;
  /** @default DEFAULT_KILL_GRACE_MS */
  readonly killGraceMs?: number;
  /** @default DEFAULT_MAX_LOG_BYTES */
  readonly maxLogBytes?: number;
  /** @default DEFAULT_TAIL_BYTES */
  readonly tailBytes?: number;
  /** Written to the log before the output (e.g. `--- verify: lint ---`). */
  readonly header?: string;
  readonly onSpawn?: (pid: number) => void;
  /** Values that must never reach the log (secret environment values): replaced by `***` as output streams. */
  readonly secrets?: readonly string[];
}

/**
 * Why a child was terminated (execa `terminationReason`).
 * - `timed-out`: it ran past `timeoutMs`.
 * - `cancelled`: the signal fired (run cancelled).
 */
export type TerminationReason = 'timed-out' | 'cancelled';

/** How a command ended: an execution's result without what only agents and LLMs return. */
export type ChildResult = Pick<ExecutionResult, 'outcome' | 'exitCode' | 'signal' | 'pid' | 'durationMs' | 'outputTail' | 'message'> & {
  /** True when SIGTERM was not enough and SIGKILL was sent. */
  readonly forced?: boolean;
};

/**
 * Runs one command in its own process group, its output appended to a log file (capped) and its tail kept.
 * Never throws for process problems: a missing program or folder is a `spawn_error` result.
 *
 * States: starting → running → (killing) → stopped. A cancel that arrives before the spawn returns a
 * `cancelled` result without starting anything.
 */
export function runChild(options: ChildOptions): Promise<ChildResult> {
  const started = performance.now();
  const text = commandText(options.command);
  const elapsed = (): number => performance.now() - started;
  if (options.signal.aborted) {
    return Promise.resolve({outcome: 'cancelled', exitCode: null, durationMs: 0, outputTail: '', message: `Command was cancelled before it started: ${text}`});
  }
  const cwdProblem = checkCwd(options.cwd);
  const log = openLog(options.logPath, options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES, options.tailBytes ?? DEFAULT_TAIL_BYTES, options.secrets);
  if (options.header) log.note(options.header);
  if (cwdProblem) {
    log.note(`paraplan: ${cwdProblem}`);
    log.close();
    return Promise.resolve({outcome: 'spawn_error', exitCode: null, durationMs: elapsed(), outputTail: log.tail(), message: `${cwdProblem}: ${text}`});
  }
  const [file, args] = options.command.kind === 'argv' ? [options.command.argv[0]!, options.command.argv.slice(1)] : ['/bin/sh', ['-c', options.command.script]];

  return new Promise<ChildResult>((resolve) => {
    const spawnFailed = (e: NodeJS.ErrnoException): void => {
      const message = `${spawnErrorText(e, file)}: ${text}`;
      log.note(`paraplan: ${message}`);
      log.close();
      resolve({outcome: 'spawn_error', exitCode: null, durationMs: elapsed(), outputTail: log.tail(), message});
    };
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env as NodeJS.ProcessEnv,
        // Its own process group, so that a timeout or a cancel kills the whole tree with kill(-pid).
        detached: true,
        // stdin is a pipe closed at once: an explicit EOF, whatever the parent's own fd 0 happens to be.
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin?.on('error', () => {});
      child.stdin?.end();
    } catch (e) {
      spawnFailed(e as NodeJS.ErrnoException);
      return;
    }
    const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    const pid = child.pid;
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    superviseChild<TerminationReason>(child, {signal: options.signal, graceMs, ...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {})}, (end) => {
      if (end.kind === 'spawn-error') {
        spawnFailed(end.error);
        return;
      }
      const result = exitResult({code: end.code, signal: end.signal, pid, durationMs: elapsed(), termination: end.termination, forced: end.forced, text, ...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {}), killGraceMs: graceMs});
      if (result.message && result.outcome !== 'exit_nonzero') log.note(`paraplan: ${result.message}`);
      log.close();
      resolve({...result, outputTail: log.tail()});
    });
    if (pid !== undefined) options.onSpawn?.(pid);
  });
}

/** How a supervised child ended: it could not be started, or it exited and its output streams closed. */
export type ChildEnd<R extends string> =
  | {readonly kind: 'spawn-error'; readonly error: NodeJS.ErrnoException}
  | {readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly termination: R | undefined; readonly forced: boolean};

/**
 * The life of a child spawned in its own process group (`runChild` and the agent runner share it). A cancel or a
 * timeout, or `terminate` from the caller, sends the group SIGTERM and SIGKILL after the grace period; when the child
 * exits, whatever it left in its group goes the same way (no orphans), and a process that escaped the group (setsid)
 * may hold the pipes only so long. `onEnd` is called once, after the exit and both output streams closing, or when
 * the program could not be started.
 */
export function superviseChild<R extends string>(
  child: ChildProcess,
  options: {readonly signal: AbortSignal; readonly timeoutMs?: number; readonly graceMs: number},
  onEnd: (end: ChildEnd<R | TerminationReason>) => void,
): {terminate(reason: R | TerminationReason): boolean} {
  const pid = child.pid;
  let termination: R | TerminationReason | undefined;
  let forced = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  let exit: {code: number | null; signal: NodeJS.Signals | null} | undefined;
  let streamsOpen = 2;
  let ended = false;
  let killTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;

  /** Starts terminating the group; false when it was already ending (or never started). */
  const terminate = (reason: R | TerminationReason): boolean => {
    if (termination || exit || pid === undefined) return false;
    termination = reason;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => {
      forced = true;
      killGroup(pid, 'SIGKILL');
    }, options.graceMs);
    killTimer.unref();
    return true;
  };
  const onAbort = (): void => {
    terminate('cancelled');
  };
  options.signal.addEventListener('abort', onAbort, {once: true});
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) timeoutTimer = setTimeout(() => terminate('timed-out'), options.timeoutMs);

  const finish = (): void => {
    if (ended || (!spawnError && (streamsOpen > 0 || !exit))) return;
    ended = true;
    clearTimeout(timeoutTimer);
    clearTimeout(drainTimer);
    // The group may keep the kill timer: cancel it only when nothing of the tree can be left.
    if (!termination) clearTimeout(killTimer);
    options.signal.removeEventListener('abort', onAbort);
    onEnd(spawnError ? {kind: 'spawn-error', error: spawnError} : {kind: 'exit', code: exit!.code, signal: exit!.signal, termination, forced});
  };
  const streamClosed = (): void => {
    streamsOpen--;
    finish();
  };
  child.stdout!.once('close', streamClosed);
  child.stderr!.once('close', streamClosed);
  child.once('error', (e: NodeJS.ErrnoException) => {
    // 'error' without a pid: the program could not be started (ENOENT, EACCES).
    if (pid === undefined) {
      spawnError = e;
      finish();
    }
  });
  child.once('exit', (code, signal) => {
    exit = {code, signal};
    if (pid !== undefined) {
      if (killGroup(pid, 'SIGTERM')) setTimeout(() => killGroup(pid, 'SIGKILL'), options.graceMs).unref();
      // Generous: on a loaded machine the last output may still sit in the pipe; destroying early would lose it.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, DRAIN_AFTER_EXIT_MS);
      drainTimer.unref();
    }
    finish();
  });
  return {terminate};
}

/** How a started command ended, as `runChild` and the spawn helpers report it (execa's wording). */
export interface ExitFacts {
  readonly code: number | null;
  readonly signal: string | null;
  readonly pid: number | undefined;
  readonly durationMs: number;
  readonly termination: TerminationReason | undefined;
  readonly forced: boolean;
  /** The command, for the message. */
  readonly text: string;
  readonly timeoutMs?: number;
  readonly killGraceMs: number;
}

/** The result of a command that started, without its output tail. */
export function exitResult(f: ExitFacts): ChildResult {
  const base = {exitCode: f.code, ...(f.signal ? {signal: f.signal} : {}), ...(f.pid !== undefined ? {pid: f.pid} : {}), durationMs: f.durationMs, ...(f.forced ? {forced: true} : {})};
  const killed = f.forced ? ` and was forcefully terminated after ${f.killGraceMs} milliseconds` : '';
  // Object.assign, not `{...base, outcome}`: a spread plus new keys makes V8 build a hidden class per command.
  if (f.termination === 'timed-out') return Object.assign(base, {outcome: 'timeout' as const, outputTail: '', message: `Command timed out after ${f.timeoutMs} milliseconds${killed}: ${f.text}`});
  if (f.termination === 'cancelled') return Object.assign(base, {outcome: 'cancelled' as const, outputTail: '', message: `Command was cancelled${killed}: ${f.text}`});
  if (f.code === 0) return Object.assign(base, {outcome: 'ok' as const, outputTail: ''});
  if (f.signal) return Object.assign(base, {outcome: 'exit_nonzero' as const, outputTail: '', message: `Command was killed with ${f.signal}: ${f.text}`});
  return Object.assign(base, {outcome: 'exit_nonzero' as const, outputTail: '', message: `Command failed with exit code ${f.code}: ${f.text}`});
}

/** Sends a signal to a process group; false when the group no longer exists. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Terminates a process group left by a dead runner (a `lost` attempt): SIGTERM, then SIGKILL after the grace
 * period. Resolves once the group is gone or was killed.
 */
export async function killProcessTree(pid: number, graceMs = DEFAULT_KILL_GRACE_MS): Promise<void> {
  if (!killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (!groupAlive(pid)) return;
  }
  killGroup(pid, 'SIGKILL');
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function checkCwd(cwd: string): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `the working folder ${cwd} is not a folder`;
    return undefined;
  } catch {
    return `the working folder ${cwd} does not exist`;
  }
}

export function spawnErrorText(e: NodeJS.ErrnoException, file: string): string {
  switch (e.code) {
    case 'ENOENT':
      return `Command not found: "${file}" is not a program on PATH (install it, fix the path, or write {shell: ...} for a shell command)`;
    case 'EACCES':
      return `Command could not be started: "${file}" is not executable (permission denied)`;
    default:
      return `Command could not be started (${e.code ?? e.message})`;
  }
}

/** An attempt's log: created on the first byte written, so a command that prints nothing leaves no file. */
export interface LogSink {
  write(chunk: Buffer): void;
  /** A line from paraplan itself (headers, why it stopped), always written, cap or not. */
  note(line: string): void;
  /** The last `tailBytes` of everything written, kept in memory (never read back from the file). */
  tail(): string;
  /** Bytes written to the file by this sink; 0 when nothing was printed (and no file was made). */
  readonly bytes: number;
  close(): void;
}

const dirsMade = new Set<string>();

/**
 * Opens an attempt log for appending, with a size cap and a tail kept in memory. The file (and its folder) is
 * created lazily, on the first output: most short commands print nothing, and a file per attempt costs an open,
 * a write and a close for nothing. No file means the attempt printed nothing (its stored tail is empty).
 */
export function openLog(path: string, maxBytes: number, tailBytes: number, secrets: readonly string[] = []): LogSink {
  const sink = openPlainLog(path, maxBytes, tailBytes);
  if (secrets.length === 0) return sink;
  // Secret values never reach the file: complete ones are masked as they stream by, and an end that could be
  // the start of a secret is held back until the next chunk (or the end), in case a secret is split across chunks.
  const needles = secrets.map((x) => Buffer.from(x)).filter((b) => b.length > 0);
  const holdBack = Math.max(0, ...needles.map((b) => b.length)) - 1;
  const mask = Buffer.from('***');
  const scrub = (b: Buffer): Buffer => {
    for (const needle of needles) {
      if (b.indexOf(needle) < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = b.indexOf(needle); at >= 0; at = b.indexOf(needle, from)) {
        parts.push(b.subarray(from, at), mask);
        from = at + needle.length;
      }
      parts.push(b.subarray(from));
      b = Buffer.concat(parts);
    }
    return b;
  };
  let held = Buffer.alloc(0);
  const flush = (): void => {
    if (held.length > 0) sink.write(scrub(held));
    held = Buffer.alloc(0);
  };
  return {
    write(chunk) {
      const data = scrub(held.length > 0 ? Buffer.concat([held, chunk]) : chunk);
      // Hold back only an end that could be the start of a secret, so ordinary output is not delayed.
      let keepBack = 0;
      for (let k = Math.min(holdBack, data.length); k > 0 && keepBack === 0; k--) {
        const end = data.subarray(data.length - k);
        if (needles.some((n) => n.length > k && n.subarray(0, k).equals(end))) keepBack = k;
      }
      const cut = data.length - keepBack;
      if (cut > 0) sink.write(data.subarray(0, cut));
      held = Buffer.from(data.subarray(cut));
    },
    note(line) {
      flush();
      sink.note(scrub(Buffer.from(line)).toString());
    },
    tail: () => sink.tail(),
    get bytes() {
      return sink.bytes;
    },
    close() {
      flush();
      sink.close();
    },
  };
}

function openPlainLog(path: string, maxBytes: number, tailBytes: number): LogSink {
  let fd: number | undefined;
  let written = 0;
  let bytes = 0;
  const file = (): number => {
    if (fd !== undefined) return fd;
    const dir = dirname(path);
    if (!dirsMade.has(dir)) {
      mkdirSync(dir, {recursive: true});
      dirsMade.add(dir);
    }
    fd = openSync(path, 'a');
    // Several commands of an attempt (verify) append to the same file: the cap counts what is there.
    written = fstatSync(fd).size;
    return fd;
  };
  let truncated = false;
  let tail: Buffer[] = [];
  let tailLength = 0;
  const keep = (chunk: Buffer): void => {
    tail.push(chunk);
    tailLength += chunk.length;
    if (tailLength > tailBytes * 2) {
      const all = Buffer.concat(tail).subarray(-tailBytes);
      tail = [all];
      tailLength = all.length;
    }
  };
  let closed = false;
  return {
    write(chunk) {
      keep(chunk);
      if (truncated || closed) return;
      const out = file();
      if (written + chunk.length > maxBytes) {
        const room = Math.max(0, maxBytes - written);
        if (room > 0) writeSync(out, chunk, 0, room);
        written += room;
        bytes += room;
        truncated = true;
        writeSync(out, `\n[paraplan: output truncated at ${maxBytes} bytes; the last ${tailBytes} bytes are kept in the store]\n`);
        return;
      }
      writeSync(out, chunk);
      written += chunk.length;
      bytes += chunk.length;
    },
    note(line) {
      if (closed) return;
      const b = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
      writeSync(file(), b);
      bytes += b.length;
      keep(b);
    },
    tail() {
      if (tailLength === 0) return '';
      const all = tail.length === 1 ? tail[0]! : Buffer.concat(tail);
      const text = all.subarray(-tailBytes).toString('utf8');
      // Drop a partial UTF-8 sequence at the start.
      return text.startsWith('\uFFFD') ? text.slice(1) : text;
    },
    get bytes() {
      return bytes;
    },
    close() {
      if (closed) return;
      closed = true;
      if (fd !== undefined) closeSync(fd);
    },
  };
}
