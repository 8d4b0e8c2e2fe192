import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {accessSync, constants as fsConstants} from 'node:fs';
import {constants as osConstants} from 'node:os';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {commandText} from '../model/index.js';
import {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_LOG_BYTES,
  DEFAULT_TAIL_BYTES,
  exitResult,
  killGroup,
  openLog,
  spawnErrorText,
  type ChildOptions,
  type ChildResult,
  type LogSink,
  type TerminationReason,
} from './child-process.js';

/**
 * The spawn helper, in Perl (perl-base is part of every Debian/Ubuntu system, and of macOS): one request at a time
 * on stdin, `<length>\n<fields joined by NUL>`: cwd, argc, argv..., the count of variables to set, their
 * name/value pairs, then the names to remove. For each request it forks; the child makes its own process group,
 * changes folder, sets the environment, gives stdin an empty pipe (an end of input even where /dev/null is not the
 * device), sends its output into a pipe and execs. A close-on-exec pipe carries a failed chdir or exec back
 * (`F cwd|exec <errno>`); otherwise the helper answers `P <pid>`, forwards the output as `O <length>\n<bytes>`, and
 * ends with `X <wait status> <1 when something of the group was left>`. After the command exits, whatever it left
 * in its group gets SIGTERM (no orphans), as on the direct path.
 */
const HELPER_SCRIPT = String.raw`
use strict; use POSIX ();
$| = 1; binmode STDIN; binmode STDOUT;
while (defined(my $len = <STDIN>)) {
  my $req = '';
  while (length($req) < $len) { my $n = read(STDIN, $req, $len - length($req), length($req)); exit 0 unless $n; }
  my @f = split /\0/, $req, -1;
  my $cwd = shift @f; my $argc = shift @f; my @argv = splice(@f, 0, $argc);
  my $setc = shift @f; my @set = splice(@f, 0, 2 * $setc);
  my ($r, $w, $er, $ew);
  unless (pipe($r, $w)) { print "F pipe ", $! + 0, "\n"; next; }
  unless (pipe($er, $ew)) { close $r; close $w; print "F pipe ", $! + 0, "\n"; next; }
  my $pid = fork();
  unless (defined $pid) { my $e = $! + 0; close $_ for ($r, $w, $er, $ew); print "F fork $e\n"; next; }
  if ($pid == 0) {
    close $r; close $er;
    POSIX::setpgid(0, 0);
    chdir($cwd) or do { syswrite($ew, "cwd " . ($! + 0)); POSIX::_exit(127); };
    while (@set) { my $k = shift @set; $ENV{$k} = shift @set; }
    delete $ENV{$_} for @f;
    pipe(my $in, my $inw) or do { syswrite($ew, "pipe " . ($! + 0)); POSIX::_exit(127); };
    close $inw; open(STDIN, '<&', $in); open(STDOUT, '>&', $w); open(STDERR, '>&', $w);
    exec { $argv[0] } @argv;
    syswrite($ew, "exec " . ($! + 0)); POSIX::_exit(127);
  }
  close $w; close $ew;
  my $err = ''; sysread($er, $err, 64); close $er;
  if ($err ne '') { waitpid($pid, 0); close $r; print "F $err\n"; next; }
  print "P $pid\n";
  my ($status, $after) = (undef, 0);
  my $rin = ''; vec($rin, fileno($r), 1) = 1;
  for (;;) {
    my $n = select(my $rout = $rin, undef, undef, defined $status ? 0.1 : 0.25);
    if ($n > 0) {
      my $got = sysread($r, my $buf, 65536);
      last unless $got;
      print "O ", length($buf), "\n", $buf;
    } elsif (!defined $status) {
      if (waitpid($pid, POSIX::WNOHANG()) == $pid) { $status = $?; kill('TERM', -$pid); }
    } elsif (++$after >= 20) {
      last;
    }
  }
  close $r;
  unless (defined $status) { waitpid($pid, 0); $status = $?; }
  my $left = kill('TERM', -$pid) ? 1 : 0;
  print "X $status $left\n";
}
`;

/**
 * The compiled helper (native/spawn-helper.c, built by scripts/build-spawn-helper.js at install time): the same
 * protocol, with posix_spawn instead of Perl's fork (0.78 ms of CPU per `true` against Perl's 1.38 and make's 0.73). From src/executors and
 * from dist/executors alike, `../../dist/native` is the package's dist/native.
 */
const NATIVE_HELPER = fileURLToPath(new URL('../../dist/native/spawn-helper', import.meta.url));
const NATIVE_VERSION = 'paraplan-spawn-helper 1\n';
/** Whether a compiled helper works (it exists, runs here and speaks our protocol), by path: asked once. */
const nativeChecked = new Map<string, boolean>();

function nativeWorks(file: string): boolean {
  let ok = nativeChecked.get(file);
  if (ok === undefined) {
    try {
      accessSync(file, fsConstants.X_OK);
      const r = spawnSync(file, ['--version'], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']});
      ok = r.status === 0 && r.stdout === NATIVE_VERSION;
    } catch {
      ok = false;
    }
    nativeChecked.set(file, ok);
  }
  return ok;
}

/**
 * How commands are started (PARAPLAN_SPAWN): `c`, the compiled helper; `perl`, the Perl helper; `direct`,
 * Node's spawn of each command. Unset (or anything else) is `c`. A helper that is not there falls back to the
 * next one: c, then perl, then direct. All three behave the same (see `ShellHelpers`).
 */
export type SpawnMode = 'c' | 'perl' | 'direct';

export function spawnMode(env: Readonly<Record<string, string | undefined>>): SpawnMode {
  const v = env['PARAPLAN_SPAWN'];
  return v === 'perl' || v === 'direct' ? v : 'c';
}

export interface ShellHelpersOptions {
  /** @default spawnMode(baseEnv ?? process.env) */
  readonly mode?: SpawnMode;
  /** The compiled helper. @default dist/native/spawn-helper of this package */
  readonly nativeHelper?: string;
}

/** The program a helper runs: the compiled one, or perl with the script. */
interface HelperProgram {
  readonly kind: 'c' | 'perl';
  readonly file: string;
  readonly args: readonly string[];
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));
const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

/**
 * The fast way to start commands: a few long-lived helper processes (compiled, or Perl) that start them for us. What
 * makes Node's `spawn` slow is not bookkeeping but `fork()` of the whole Node process (its page tables, a blocking
 * wait for the exec) on the event loop; a small helper forks in a fraction of that time.
 *
 * A command started this way behaves as on the direct path (`runChild`): its own process group (a timeout or a
 * cancel kills the whole tree with kill(-pid), and what it leaves behind is terminated when it exits), its real
 * pid, cwd and env, stdin at its end (an empty pipe, not /dev/null: a /dev/null that a rename turned into a file
 * hands readers what others wrote to it), stdout and stderr streamed to the log (created on the first byte, capped
 * while it is written, the tail kept in memory), the exact wait status (a signal is reported as a signal, not as
 * 128+N), and a missing program or folder is a `spawn_error`. Each helper runs one command at a time; there are
 * as many helpers as commands running at once.
 *
 * `run` returns undefined when it cannot take a command (mode `direct`, no compiled helper and no perl on PATH,
 * a NUL byte in an argument or a variable): the caller then spawns directly.
 */
export class ShellHelpers {
  readonly #idle: Helper[] = [];
  readonly #all = new Set<Helper>();
  #baseEnv: Readonly<Record<string, string | undefined>> | undefined;
  #baseKeys: string[] = [];
  readonly #mode: SpawnMode;
  readonly #nativeHelper: string;
  #program: HelperProgram | null | undefined;
  #closed = false;

  /** `baseEnv` is the environment helpers start with (default: that of the first command); commands get the differences. */
  constructor(baseEnv?: Readonly<Record<string, string | undefined>>, options: ShellHelpersOptions = {}) {
    if (baseEnv) this.#setBase(baseEnv);
    this.#mode = options.mode ?? spawnMode(baseEnv ?? process.env);
    this.#nativeHelper = options.nativeHelper ?? NATIVE_HELPER;
  }

  /** Which helper starts commands: `direct` when none does (known once a base environment is). */
  get kind(): 'c' | 'perl' | 'direct' {
    return this.#baseEnv ? (this.#findProgram()?.kind ?? 'direct') : this.#mode;
  }

  #setBase(env: Readonly<Record<string, string | undefined>>): void {
    this.#baseEnv = {...env};
    this.#baseKeys = Object.keys(this.#baseEnv).filter((k) => this.#baseEnv![k] !== undefined);
  }

  /** Stops every helper (they also stop on their own when this process exits: their stdin closes). */
  close(): void {
    this.#closed = true;
    for (const h of this.#all) h.stop();
    this.#all.clear();
    this.#idle.length = 0;
  }

  /** Runs a command through a helper, or returns undefined when it cannot (see the class): spawn directly then. */
  run(options: ChildOptions): Promise<ChildResult | undefined> | undefined {
    if (this.#closed) return undefined;
    if (!this.#baseEnv) this.#setBase(options.env);
    const program = this.#findProgram();
    if (program === null) return undefined;
    const payload = this.#request(options);
    if (payload === undefined) return undefined;
    if (options.signal.aborted) {
      return Promise.resolve({outcome: 'cancelled', exitCode: null, durationMs: 0, outputTail: '', message: `Command was cancelled before it started: ${commandText(options.command)}`});
    }
    let helper = this.#idle.pop();
    while (helper?.dead) helper = this.#idle.pop();
    if (!helper) {
      helper = new Helper(program, this.#baseEnv!);
      this.#all.add(helper);
    }
    return new Promise<ChildResult>((resolve) => new HelperJob(this, helper, options, resolve).start(payload));
  }

  /** Called by a job when its helper is free again (or gone). */
  release(helper: Helper): void {
    if (helper.dead || this.#closed) {
      this.#all.delete(helper);
      helper.stop();
      return;
    }
    this.#idle.push(helper);
  }

  /** The request line, or undefined when a field holds a NUL byte (which the direct path reports itself). */
  #request(options: ChildOptions): Buffer | undefined {
    const argv = options.command.kind === 'argv' ? options.command.argv : ['/bin/sh', '-c', options.command.script];
    const base = this.#baseEnv!;
    const env = options.env;
    const set: string[] = [];
    for (const key in env) {
      const value = env[key];
      if (value !== undefined && base[key] !== value) set.push(key, value);
    }
    const unset: string[] = [];
    for (const key of this.#baseKeys) if (env[key] === undefined) unset.push(key);
    const fields = [options.cwd, String(argv.length), ...argv, String(set.length / 2), ...set, ...unset];
    for (const f of fields) if (f.includes('\0')) return undefined;
    for (let i = 0; i < set.length; i += 2) if (set[i] === '' || set[i]!.includes('=')) return undefined;
    const body = fields.join('\0');
    const length = Buffer.byteLength(body);
    return Buffer.from(`${length}\n${body}`);
  }

  /** The helper program for the mode, falling back from c to perl to none (direct spawn). */
  #findProgram(): HelperProgram | null {
    if (this.#program !== undefined) return this.#program;
    this.#program = null;
    if (this.#mode === 'direct') return null;
    if (this.#mode === 'c' && nativeWorks(this.#nativeHelper)) {
      this.#program = {kind: 'c', file: this.#nativeHelper, args: []};
      return this.#program;
    }
    for (const dir of (this.#baseEnv?.['PATH'] ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, 'perl');
      try {
        accessSync(candidate, fsConstants.X_OK);
        this.#program = {kind: 'perl', file: candidate, args: ['-e', HELPER_SCRIPT]};
        break;
      } catch {
        // next
      }
    }
    return this.#program;
  }
}

/**
 * The jobs each signal cancels, with one listener per signal: adding and removing a listener per command on the run's
 * long-lived signal leaves garbage behind in Node's EventTarget that survives into the old generation.
 */
const jobsBySignal = new WeakMap<AbortSignal, Set<HelperJob>>();

function watchSignal(signal: AbortSignal, job: HelperJob): void {
  let jobs = jobsBySignal.get(signal);
  if (!jobs) {
    const watched = new Set<HelperJob>();
    jobs = watched;
    jobsBySignal.set(signal, watched);
    const cancelAll = (): void => {
      for (const j of [...watched]) j.cancel();
    };
    signal.addEventListener('abort', cancelAll, {once: true});
  }
  jobs.add(job);
}

function unwatchSignal(signal: AbortSignal, job: HelperJob): void {
  jobsBySignal.get(signal)?.delete(job);
}

/** What a helper reports about the job it runs. */
interface JobSink {
  pid(pid: number): void;
  output(chunk: Buffer): void;
  failed(what: string, errno: number): void;
  exited(status: number, left: boolean): void;
  /** The helper itself went away. */
  lost(): void;
}

/** One command run by a helper: its timers, its log, its result. */
class HelperJob implements JobSink {
  readonly #owner: ShellHelpers;
  readonly #helper: Helper;
  readonly #o: ChildOptions;
  readonly #resolve: (r: ChildResult) => void;
  readonly #log: LogSink;
  readonly #started = performance.now();
  readonly #graceMs: number;
  #pid: number | undefined;
  #termination: TerminationReason | undefined;
  #forced = false;
  #timeout: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(owner: ShellHelpers, helper: Helper, options: ChildOptions, resolve: (r: ChildResult) => void) {
    this.#owner = owner;
    this.#helper = helper;
    this.#o = options;
    this.#resolve = resolve;
    this.#graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#log = openLog(options.logPath, options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES, options.tailBytes ?? DEFAULT_TAIL_BYTES, options.secrets);
  }

  start(payload: Buffer): void {
    if (this.#o.header) this.#log.note(this.#o.header);
    watchSignal(this.#o.signal, this);
    if (this.#o.timeoutMs !== undefined && this.#o.timeoutMs > 0) this.#timeout = setTimeout(() => this.#terminate('timed-out'), this.#o.timeoutMs);
    this.#helper.run(payload, this);
  }

  /** Its signal fired. */
  cancel(): void {
    this.#terminate('cancelled');
  }

  #terminate(reason: TerminationReason): void {
    if (this.#termination || this.#done) return;
    this.#termination = reason;
    // Before the pid is known, the kill happens as soon as it is.
    if (this.#pid !== undefined) this.#kill();
  }

  #kill(): void {
    const pid = this.#pid!;
    killGroup(pid, 'SIGTERM');
    this.#killTimer = setTimeout(() => {
      this.#forced = true;
      killGroup(pid, 'SIGKILL');
    }, this.#graceMs);
    this.#killTimer.unref();
  }

  pid(pid: number): void {
    this.#pid = pid;
    if (this.#termination) this.#kill();
    this.#o.onSpawn?.(pid);
  }

  output(chunk: Buffer): void {
    this.#log.write(chunk);
  }

  failed(what: string, errno: number): void {
    const code = ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
    const text = commandText(this.#o.command);
    let problem: string;
    if (what === 'cwd') problem = code === 'ENOTDIR' ? `the working folder ${this.#o.cwd} is not a folder` : code === 'ENOENT' ? `the working folder ${this.#o.cwd} does not exist` : `the working folder ${this.#o.cwd} cannot be entered (${code})`;
    else if (what === 'exec') {
      const argv0 = this.#o.command.kind === 'argv' ? this.#o.command.argv[0]! : '/bin/sh';
      problem = spawnErrorText(Object.assign(new Error(code), {code}), argv0);
    } else problem = `Command could not be started (${what} failed: ${code})`;
    const message = `${problem}: ${text}`;
    // As on the direct path: a folder problem is noted without the command.
    this.#log.note(`paraplan: ${what === 'cwd' ? problem : message}`);
    this.#finish({outcome: 'spawn_error', exitCode: null, durationMs: this.#elapsed(), outputTail: '', message});
  }

  exited(status: number, left: boolean): void {
    const pid = this.#pid;
    // What the command left in its group got SIGTERM from the helper; SIGKILL follows after the grace period.
    if (left && pid !== undefined) setTimeout(() => killGroup(pid, 'SIGKILL'), this.#graceMs).unref();
    // Nothing left of the group: a kill timer from a cancel could only reach a group id reused by another process.
    if (!left) clearTimeout(this.#killTimer);
    const signalNumber = status & 0x7f;
    const result = exitResult({
      code: signalNumber ? null : status >> 8,
      signal: signalNumber ? (SIGNAL_NAMES.get(signalNumber) ?? `signal ${signalNumber}`) : null,
      pid,
      durationMs: this.#elapsed(),
      termination: this.#termination,
      forced: this.#forced,
      text: commandText(this.#o.command),
      ...(this.#o.timeoutMs !== undefined ? {timeoutMs: this.#o.timeoutMs} : {}),
      killGraceMs: this.#graceMs,
    });
    if (result.message && result.outcome !== 'exit_nonzero') this.#log.note(`paraplan: ${result.message}`);
    this.#finish(result);
  }

  lost(): void {
    const text = commandText(this.#o.command);
    // Nobody waits for the command any more: it goes, with its group (SIGTERM, then SIGKILL), as on a cancel.
    if (this.#pid !== undefined && !this.#termination && killGroup(this.#pid, 'SIGTERM')) {
      const pid = this.#pid;
      setTimeout(() => killGroup(pid, 'SIGKILL'), this.#graceMs).unref();
    }
    if (this.#termination) {
      // Killed on purpose; the helper went too (it was in the way of nothing, but the outcome stands).
      const result = exitResult({code: null, signal: null, pid: this.#pid, durationMs: this.#elapsed(), termination: this.#termination, forced: this.#forced, text, ...(this.#o.timeoutMs !== undefined ? {timeoutMs: this.#o.timeoutMs} : {}), killGraceMs: this.#graceMs});
      this.#log.note(`paraplan: ${result.message!}`);
      this.#finish(result);
      return;
    }
    const message = `the spawn helper stopped unexpectedly while running: ${text}`;
    this.#log.note(`paraplan: ${message}`);
    this.#finish({outcome: 'spawn_error', exitCode: null, ...(this.#pid !== undefined ? {pid: this.#pid} : {}), durationMs: this.#elapsed(), outputTail: '', message});
  }

  #elapsed(): number {
    return performance.now() - this.#started;
  }

  #finish(result: ChildResult): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timeout);
    // The group may keep the kill timer: cancel it only when nothing of the tree can be left.
    if (!this.#termination) clearTimeout(this.#killTimer);
    unwatchSignal(this.#o.signal, this);
    this.#log.close();
    this.#owner.release(this.#helper);
    const tail = this.#log.tail();
    this.#resolve(tail === '' ? result : {...result, outputTail: tail});
  }
}

/** A long-lived helper process (compiled, or perl with HELPER_SCRIPT) that runs one command at a time. */
class Helper {
  readonly #proc: ChildProcess;
  #job: JobSink | undefined;
  #pending: Buffer | undefined;
  /** Output bytes still to come of the current `O` message. */
  #need = 0;
  dead = false;

  constructor(program: HelperProgram, env: Readonly<Record<string, string | undefined>>) {
    // Its own process group: a Ctrl-C at the terminal goes to paraplan, which cancels gracefully.
    this.#proc = spawn(program.file, program.args, {detached: true, stdio: ['pipe', 'pipe', 'ignore'], env: env as NodeJS.ProcessEnv});
    this.#proc.stdout!.on('data', (d: Buffer) => this.#data(d));
    this.#proc.once('exit', () => this.#gone());
    this.#proc.once('error', () => this.#gone());
    this.#proc.stdin!.on('error', () => this.#gone());
    // Idle helpers must not keep the process alive.
    this.#ref(false);
  }

  #gone(): void {
    if (this.dead) return;
    this.dead = true;
    const job = this.#job;
    this.#job = undefined;
    job?.lost();
  }

  #ref(on: boolean): void {
    const method = on ? 'ref' : 'unref';
    this.#proc[method]();
    for (const s of [this.#proc.stdout, this.#proc.stdin] as unknown as {_handle?: {ref?: () => void; unref?: () => void}}[]) s._handle?.[method]?.();
  }

  run(payload: Buffer, job: JobSink): void {
    if (this.dead) {
      job.lost();
      return;
    }
    this.#job = job;
    this.#ref(true);
    this.#proc.stdin!.write(payload);
  }

  #data(chunk: Buffer): void {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let i = 0;
    while (i < buf.length) {
      if (this.#need > 0) {
        const n = Math.min(this.#need, buf.length - i);
        this.#job?.output(buf.subarray(i, i + n));
        this.#need -= n;
        i += n;
        continue;
      }
      const nl = buf.indexOf(10, i);
      if (nl < 0) break;
      const line = buf.toString('latin1', i, nl);
      i = nl + 1;
      this.#message(line);
    }
    if (i < buf.length) this.#pending = Buffer.from(buf.subarray(i));
  }

  #message(line: string): void {
    const job = this.#job;
    const [kind, a = '', b = ''] = line.split(' ');
    switch (kind) {
      case 'O':
        this.#need = Number(a);
        return;
      case 'P':
        job?.pid(Number(a));
        return;
      case 'F':
        this.#idle();
        job?.failed(a, Number(b));
        return;
      case 'X':
        this.#idle();
        job?.exited(Number(a), b === '1');
        return;
      default:
        throw new Error(`Internal error: the spawn helper said ${JSON.stringify(line)}`);
    }
  }

  #idle(): void {
    this.#job = undefined;
    this.#ref(false);
  }

  stop(): void {
    if (this.dead) return;
    this.dead = true;
    this.#proc.stdin!.end();
  }
}
