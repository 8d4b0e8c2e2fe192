import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import {DEFAULT_KILL_GRACE_MS, superviseChild, type ChildEnd} from './child-process.js';

export interface AgentProcessOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** Written to standard input, which is then closed; stdin is closed at once when undefined. */
  readonly stdin?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Output is appended here, redacted, line by line. */
  readonly logPath: string;
  readonly signal: AbortSignal;
  /** Wall-clock limit. */
  readonly timeoutMs?: number;
  /** Limit on silence: no output for this long ends the process (agents that hang on a spent quota). */
  readonly inactivityMs?: number;
  readonly killGraceMs?: number;
  /** Applied to every line before it is logged or kept. */
  readonly redact: (text: string) => string;
  /** Each complete stdout line (unredacted, for parsing). Returning a string stops the process with that reason. */
  readonly onLine?: (line: string) => string | undefined;
  readonly onSpawn?: (pid: number) => void;
  /** Shown in messages instead of the full argv (which holds the prompt). */
  readonly label: string;
}

/**
 * Why the process was stopped.
 * - `timed-out`: past `timeoutMs`.
 * - `inactive`: silent for `inactivityMs`.
 * - `cancelled`: the signal fired.
 * - `stopped`: `onLine` asked (a budget exceeded).
 */
export type AgentTermination = 'timed-out' | 'inactive' | 'cancelled' | 'stopped';

export interface AgentProcessResult {
  readonly outcome: 'ok' | 'exit_nonzero' | 'timeout' | 'cancelled' | 'spawn_error';
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly pid?: number;
  readonly durationMs: number;
  readonly termination?: AgentTermination;
  /** Why it stopped, when `termination` is `stopped`. */
  readonly stopReason?: string;
  /** Redacted tail of stdout and stderr, interleaved. */
  readonly outputTail: string;
  /** Redacted tail of stderr alone. */
  readonly stderrTail: string;
  readonly message?: string;
}

const TAIL = 4096;
const MAX_LOG = 10 * 1024 * 1024;

/**
 * Runs an agent CLI without a shell, in its own process group: the prompt goes in as an argv element or on stdin,
 * stdout is read line by line. Never throws for process problems (a missing binary is a `spawn_error`).
 */
export function runAgentProcess(options: AgentProcessOptions): Promise<AgentProcessResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  mkdirSync(dirname(options.logPath), {recursive: true});
  const fd = openSync(options.logPath, 'a');
  let logged = 0;
  let tail = '';
  let stderrTail = '';
  const log = (text: string): void => {
    tail = (tail + text).slice(-TAIL);
    if (logged >= MAX_LOG) return;
    const bytes = Buffer.from(text);
    logged += bytes.length;
    writeSync(fd, logged > MAX_LOG ? Buffer.concat([bytes.subarray(0, bytes.length - (logged - MAX_LOG)), Buffer.from('\n[paraplan: log cap reached]\n')]) : bytes);
  };
  const note = (text: string): void => log(`paraplan: ${options.redact(text)}\n`);
  note(`agent: ${options.label} (cwd ${options.cwd})`);
  if (options.signal.aborted) {
    closeSync(fd);
    return Promise.resolve({outcome: 'cancelled', exitCode: null, durationMs: 0, termination: 'cancelled', outputTail: '', stderrTail: '', message: `Agent was cancelled before it started: ${options.label}`});
  }

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(options.file, [...options.args], {cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe']});
    } catch (e) {
      const message = `Agent could not be started (${(e as Error).message}): ${options.label}`;
      note(message);
      closeSync(fd);
      resolve({outcome: 'spawn_error', exitCode: null, durationMs: elapsed(), outputTail: tail, stderrTail: '', message});
      return;
    }
    const pid = child.pid;
    let stopReason: string | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    const {terminate} = superviseChild<AgentTermination>(child, {signal: options.signal, graceMs: grace, ...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {})}, (end) => finish(end));
    const touch = (): void => {
      if (options.inactivityMs === undefined || options.inactivityMs <= 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => terminate('inactive'), options.inactivityMs);
    };
    touch();

    const lineReader = (onLine: (line: string) => void): ((chunk: Buffer) => void) & {flush: () => void} => {
      let buffered = '';
      const read = (chunk: Buffer): void => {
        touch();
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          onLine(line);
        }
      };
      return Object.assign(read, {
        flush: () => {
          if (buffered !== '') onLine(buffered);
          buffered = '';
        },
      });
    };
    const out = lineReader((line) => {
      log(`${options.redact(line)}\n`);
      const stop = options.onLine?.(line);
      if (stop !== undefined && stopReason === undefined && terminate('stopped')) {
        stopReason = stop;
        note(stop);
      }
    });
    const err = lineReader((line) => {
      const clean = `${options.redact(line)}\n`;
      stderrTail = (stderrTail + clean).slice(-TAIL);
      log(clean);
    });
    child.stdout!.on('data', out);
    child.stderr!.on('data', err);
    // An agent that exits without reading its stdin makes our write fail with EPIPE: not our error to report.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.stdin ?? '');

    function finish(end: ChildEnd<AgentTermination>): void {
      out.flush();
      err.flush();
      clearTimeout(idleTimer);
      const termination = end.kind === 'exit' ? end.termination : undefined;
      const base = {...(pid !== undefined ? {pid} : {}), durationMs: elapsed(), ...(termination ? {termination} : {}), ...(stopReason ? {stopReason} : {})};
      let result: Omit<AgentProcessResult, 'outputTail' | 'stderrTail'>;
      if (end.kind === 'spawn-error') {
        const e = end.error;
        const why = e.code === 'ENOENT' ? `program "${options.file}" not found` : e.code === 'EACCES' ? `program "${options.file}" is not executable` : e.message;
        result = {...base, outcome: 'spawn_error', exitCode: null, message: `Agent could not be started: ${why}: ${options.label}`};
      } else {
        const {code, signal} = end;
        const sig = signal ? {signal} : {};
        const killed = end.forced ? ` and was forcefully terminated after ${grace} milliseconds` : '';
        if (termination === 'timed-out') result = {...base, ...sig, outcome: 'timeout', exitCode: code, message: `Agent timed out after ${options.timeoutMs} milliseconds${killed}: ${options.label}`};
        else if (termination === 'inactive') result = {...base, ...sig, outcome: 'timeout', exitCode: code, message: `Agent printed nothing for ${options.inactivityMs} milliseconds and was stopped${killed}: ${options.label}`};
        else if (termination === 'cancelled') result = {...base, ...sig, outcome: 'cancelled', exitCode: code, message: `Agent was cancelled${killed}: ${options.label}`};
        else if (termination === 'stopped') result = {...base, ...sig, outcome: 'exit_nonzero', exitCode: code, message: `${stopReason}: ${options.label}`};
        else if (code === 0) result = {...base, outcome: 'ok', exitCode: 0};
        else if (signal) result = {...base, ...sig, outcome: 'exit_nonzero', exitCode: code, message: `Agent was killed with ${signal}: ${options.label}`};
        else result = {...base, outcome: 'exit_nonzero', exitCode: code, message: `Agent failed with exit code ${code}: ${options.label}`};
      }
      if (result.message) note(result.message);
      closeSync(fd);
      resolve({...result, outputTail: tail, stderrTail});
    }
    if (pid !== undefined) options.onSpawn?.(pid);
  });
}
