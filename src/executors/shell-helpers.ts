import {spawn, type ChildProcess} from 'node:child_process';
import {accessSync, appendFileSync, closeSync, constants, mkdirSync, openSync, readSync, statSync, truncateSync} from 'node:fs';
import {delimiter, dirname, isAbsolute, join} from 'node:path';
import {commandText} from '../model/index.js';
import {DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_LOG_BYTES, DEFAULT_TAIL_BYTES, killGroup, type ChildOptions, type ChildResult} from './child-process.js';

/**
 * A faster way to start no-op-cheap commands: a few long-lived `/bin/sh` processes that fork and exec commands
 * for us. What makes Node's `spawn` slow is not bookkeeping but `fork()` of the whole Node process (its page
 * tables, a blocking wait for the exec) on the event loop; a 1 MB shell forks in a fraction of that time.
 *
 * Each helper runs one command at a time in its own process group (the helper is spawned `detached`), so a
 * timeout or a cancel kills the helper's group — the command and its tree — exactly like the direct path, and
 * the helper is replaced. Arguments are single-quoted, so the shell sees each argv element as a literal word:
 * nothing the plan wrote is interpreted. Differences from the direct path: the output goes straight to the log
 * file (the cap is applied when the command ends, not while it runs), and a command killed by a signal it did
 * not ask for reports exit code 128+N.
 */
export class ShellHelpers {
  readonly #idle: Helper[] = [];
  readonly #all = new Set<Helper>();
  readonly #baseEnv: Readonly<Record<string, string | undefined>>;
  readonly #found = new Map<string, boolean>();
  readonly #dirs = new Set<string>();
  #closed = false;

  /** `baseEnv` is the environment helpers start with; commands get the differences as exports. */
  constructor(baseEnv: Readonly<Record<string, string | undefined>>) {
    this.#baseEnv = baseEnv;
  }

  /** Stops every helper (they also stop on their own when this process exits: their stdin closes). */
  close(): void {
    this.#closed = true;
    for (const h of this.#all) h.stop();
    this.#all.clear();
    this.#idle.length = 0;
  }

  /**
   * Runs a command through a helper, or returns undefined when it cannot (an environment variable removed or
   * with a name the shell cannot export): the caller then spawns directly.
   */
  async run(options: ChildOptions): Promise<ChildResult | undefined> {
    if (this.#closed) return undefined;
    const exports: string[] = [];
    for (const key of Object.keys(this.#baseEnv)) if (this.#baseEnv[key] !== undefined && options.env[key] === undefined) return undefined;
    for (const [key, value] of Object.entries(options.env)) {
      if (value === undefined || this.#baseEnv[key] === value) continue;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return undefined;
      exports.push(`${key}=${quote(value)}`);
    }
    const argv = options.command.kind === 'argv' ? options.command.argv : ['/bin/sh', '-c', options.command.script];
    const text = commandText(options.command);
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    const maxBytes = options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
    const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
    const note = (line: string): void => appendFileSync(options.logPath, line.endsWith('\n') ? line : `${line}\n`);
    if (options.signal.aborted) return {outcome: 'cancelled', exitCode: null, durationMs: 0, outputTail: '', message: `Command was cancelled before it started: ${text}`};
    const logDir = dirname(options.logPath);
    if (!this.#dirs.has(logDir)) {
      mkdirSync(logDir, {recursive: true});
      this.#dirs.add(logDir);
    }
    if (options.header) note(options.header);
    let cwdOk = false;
    try {
      cwdOk = statSync(options.cwd).isDirectory();
    } catch {
      // reported below
    }
    if (!cwdOk) {
      const message = `the working folder ${options.cwd} does not exist: ${text}`;
      note(`paraplan: ${message}`);
      return {outcome: 'spawn_error', exitCode: null, durationMs: elapsed(), outputTail: tailOf(options.logPath, tailBytes), message};
    }
    if (!this.#executable(argv[0]!, options.cwd, options.env['PATH'] ?? '')) {
      const message = `Command not found: "${argv[0]}" is not a program on PATH (install it, fix the path, or write {shell: ...} for a shell command): ${text}`;
      note(`paraplan: ${message}`);
      return {outcome: 'spawn_error', exitCode: null, durationMs: elapsed(), outputTail: tailOf(options.logPath, tailBytes), message};
    }
    const line = `( cd -- ${quote(options.cwd)} || exit 126; ${exports.length ? `export ${exports.join(' ')}; ` : ''}exec ${argv.map(quote).join(' ')} ) >>${quote(options.logPath)} 2>&1 </dev/null`;

    const helper = this.#idle.pop() ?? this.#start();
    let termination: 'timed-out' | 'cancelled' | undefined;
    let forced = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (reason: 'timed-out' | 'cancelled'): void => {
      if (termination) return;
      termination = reason;
      killGroup(helper.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        forced = true;
        killGroup(helper.pid, 'SIGKILL');
      }, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = (): void => terminate('cancelled');
    options.signal.addEventListener('abort', onAbort, {once: true});
    const timeout = options.timeoutMs ? setTimeout(() => terminate('timed-out'), options.timeoutMs) : undefined;
    options.onSpawn?.(helper.pid);
    let code: number | null;
    try {
      code = await helper.run(line);
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
    }
    if (termination || code === null) {
      // The helper went with the command's group; the next command gets a new one.
      this.#all.delete(helper);
      helper.stop();
    } else if (!this.#closed) {
      this.#idle.push(helper);
    }
    // Output past the cap is cut now (the helper wrote straight to the file).
    try {
      if (statSync(options.logPath).size > maxBytes) {
        truncateSync(options.logPath, maxBytes);
        note(`\n[paraplan: output truncated at ${maxBytes} bytes; the last ${tailBytes} bytes were kept only up to the cut]`);
      }
    } catch {
      // No log: nothing was written.
    }
    const base = {exitCode: termination ? null : code, pid: helper.pid, durationMs: elapsed(), ...(forced ? {forced} : {})};
    const killed = forced ? ` and was forcefully terminated after ${options.killGraceMs ?? DEFAULT_KILL_GRACE_MS} milliseconds` : '';
    let result: ChildResult;
    if (termination === 'timed-out') result = {...base, outcome: 'timeout', outputTail: '', message: `Command timed out after ${options.timeoutMs} milliseconds${killed}: ${text}`};
    else if (termination === 'cancelled' || code === null) result = {...base, outcome: 'cancelled', outputTail: '', message: `Command was cancelled${killed}: ${text}`};
    else if (code === 0) result = {...base, outcome: 'ok', outputTail: ''};
    else result = {...base, outcome: 'exit_nonzero', outputTail: '', message: `Command failed with exit code ${code}${code > 128 ? ` (killed by signal ${code - 128}?)` : ''}: ${text}`};
    if (result.message && result.outcome !== 'exit_nonzero') note(`paraplan: ${result.message}`);
    return {...result, outputTail: tailOf(options.logPath, tailBytes)};
  }

  #start(): Helper {
    const h = new Helper(this.#baseEnv);
    this.#all.add(h);
    return h;
  }

  /** Whether the program would be found, as execvp looks for it; cached per PATH. */
  #executable(file: string, cwd: string, path: string): boolean {
    const key = file.includes('/') ? `${cwd}\0${file}` : `${path}\0${file}`;
    const hit = this.#found.get(key);
    if (hit !== undefined) return hit;
    const candidates = file.includes('/') ? [isAbsolute(file) ? file : join(cwd, file)] : path.split(delimiter).filter(Boolean).map((d) => join(d, file));
    let found = false;
    for (const c of candidates) {
      try {
        accessSync(c, constants.X_OK);
        if (statSync(c).isFile()) {
          found = true;
          break;
        }
      } catch {
        // next
      }
    }
    // Only hits are cached for relative paths: a task may create the program it runs next.
    if (found || !file.includes('/')) this.#found.set(key, found);
    return found;
  }
}

/** The shell loop: run each line, answer with its exit status. */
const LOOP = 'while IFS= read -r __pp; do eval "$__pp"; echo "$?"; done';

class Helper {
  readonly #proc: ChildProcess;
  readonly pid: number;
  #waiting: ((code: number | null) => void) | undefined;
  #buffer = '';
  #dead = false;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#proc = spawn('/bin/sh', ['-c', LOOP], {detached: true, stdio: ['pipe', 'pipe', 'ignore'], env: env as NodeJS.ProcessEnv});
    if (this.#proc.pid === undefined) throw new Error('Internal error: /bin/sh could not be started for a shell helper');
    this.pid = this.#proc.pid;
    this.#proc.stdout!.setEncoding('utf8');
    this.#proc.stdout!.on('data', (d: string) => {
      this.#buffer += d;
      const nl = this.#buffer.indexOf('\n');
      if (nl < 0) return;
      const code = Number(this.#buffer.slice(0, nl));
      this.#buffer = this.#buffer.slice(nl + 1);
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.(Number.isInteger(code) ? code : null);
    });
    this.#proc.once('exit', () => {
      this.#dead = true;
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.(null);
    });
    this.#proc.stdin!.on('error', () => {});
    // Idle helpers must not keep the process alive.
    this.#idle(true);
  }

  #idle(idle: boolean): void {
    const method = idle ? 'unref' : 'ref';
    this.#proc[method]();
    for (const s of [this.#proc.stdout, this.#proc.stdin] as unknown as {_handle?: {ref?: () => void; unref?: () => void}}[]) s._handle?.[method]?.();
  }

  run(line: string): Promise<number | null> {
    if (this.#dead) return Promise.resolve(null);
    this.#idle(false);
    return new Promise((resolve) => {
      this.#waiting = (code) => {
        this.#idle(true);
        resolve(code);
      };
      this.#proc.stdin!.write(`${line}\n`);
    });
  }

  stop(): void {
    if (this.#dead) return;
    this.#proc.stdin!.end();
    killGroup(this.pid, 'SIGKILL');
  }
}

/** A single-quoted shell word: the shell takes it literally. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function tailOf(path: string, bytes: number): string {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      const n = Math.min(size, bytes);
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, size - n);
      const text = buf.toString('utf8');
      return text.startsWith('\uFFFD') ? text.slice(1) : text;
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
