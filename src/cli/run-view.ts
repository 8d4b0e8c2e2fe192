import {relative} from 'node:path';
import {formatDuration, taskDurationMs, type Plan, type StoredEvent, type TaskId} from '../model/index.js';
import {paint, type CliIo} from './io.js';

/** Shows a run as its events arrive. */
export interface RunView {
  onEvent(event: StoredEvent): void;
  /** Stops redrawing and leaves the terminal clean. */
  close(): void;
  /** A line from the CLI (Ctrl-C notice), kept above the live block. */
  note(text: string): void;
}

export interface RunViewOptions {
  readonly plan: Plan;
  readonly stateDir: string;
}

/** One JSON object per line on standard output: the events, exactly as stored. */
export function ndjsonView(io: CliIo): RunView {
  return {
    onEvent: (e) => io.out(`${JSON.stringify(e)}\n`),
    close: () => {},
    note: (text) => io.err(`${text}\n`),
  };
}

/** What both human views share: counts, log paths, the line printed for an event. */
class Tracker {
  readonly running = new Map<TaskId, {start: number; attempt: number; logPath: string}>();
  /** Tasks in `retry_wait`, with when their next attempt may start. */
  readonly retrying = new Map<TaskId, number>();
  /** Attempts cancelled (Ctrl-C, `paraplan cancel`): the task's own `cancelled` line says it, with these facts. */
  readonly #cancelledAttempts = new Map<TaskId, {line: string; after: string; log: string}>();
  done = 0;
  /** Tasks that ran and failed. */
  failed = 0;
  /** Tasks that did not run because a dependency failed (`upstream_failed`): not counted as failed. */
  notRun = 0;
  total = 0;
  startedAt = Date.now();
  doneEstimateMs = 0;
  remainingEstimateMs = 0;
  readonly #opts: RunViewOptions;
  readonly #io: CliIo;

  constructor(io: CliIo, opts: RunViewOptions) {
    this.#io = io;
    this.#opts = opts;
    for (const t of opts.plan.tasks.values()) this.remainingEstimateMs += this.#estimate(t.id);
    this.total = opts.plan.tasks.size;
  }

  #estimate(task: TaskId): number {
    const t = this.#opts.plan.tasks.get(task);
    // Gates and tasks done in the plan take no time, whatever default estimate the plan has.
    return t && !t.gate && !t.done ? taskDurationMs(this.#opts.plan, t) : 0;
  }

  #log(path: string): string {
    return relative(this.#io.cwd, `${this.#opts.stateDir}/${path}`) || path;
  }

  /** The permanent line for an event, if it deserves one. */
  line(e: StoredEvent): string | undefined {
    const io = this.#io;
    switch (e.type) {
      case 'run':
        switch (e.reason) {
          case 'started':
            this.startedAt = e.at;
            return `${paint(io, 'bold', 'paraplan')}: ${e.resumed ? 'resuming' : 'run'} ${e.run} of "${e.planName}": ${e.tasks} task${e.tasks === 1 ? '' : 's'} on ${e.workers} worker${e.workers === 1 ? '' : 's'}`;
          case 'cancel-requested':
            return paint(io, 'yellow', `cancelling (${e.by === 'command' ? 'paraplan cancel' : 'signal'}): running tasks are being stopped`);
          case 'interrupted':
            return paint(io, 'yellow', `run ${e.run} was interrupted: ${e.message}`);
          case 'finished':
            return undefined;
        }
        return undefined;
      case 'attempt':
        switch (e.reason) {
          case 'started':
            this.running.set(e.task, {start: e.at, attempt: e.attempt, logPath: e.logPath});
            return this.plainStarts ? `${paint(io, 'cyan', '▶')} ${e.task}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}` : undefined;
          case 'prepared':
          case 'spawned':
            return undefined;
          case 'finished': {
            const r = this.running.get(e.task);
            if (e.outcome === 'ok') return undefined;
            this.running.delete(e.task);
            const tail = e.outputTail ? `\n${indent(lastLines(e.outputTail, 5))}` : '';
            const log = this.#log(r?.logPath ?? `logs/${e.run}/${encodeURIComponent(e.task)}.${e.attempt}.log`);
            const after = formatDuration(r ? e.at - r.start : e.durationMs);
            const line = `${paint(io, 'red', '✗')} ${e.task}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''} ${paint(io, 'red', e.outcome)} after ${after}: ${e.message ?? ''} ${paint(io, 'gray', `(log: ${log})`)}${e.outcome === 'lost' ? '' : tail}`;
            if (e.outcome === 'cancelled') {
              // The task's `cancelled` event follows and prints the one line for it (with this duration and log).
              this.#cancelledAttempts.set(e.task, {line, after, log});
              return undefined;
            }
            return line;
          }
        }
        return undefined;
      case 'task': {
        const finishedNow = e.status === 'succeeded' || e.status === 'failed' || e.status === 'upstream_failed' || e.status === 'skipped' || e.status === 'cancelled';
        if (e.status === 'retry_wait' && e.retryAt !== undefined) this.retrying.set(e.task, e.retryAt);
        else this.retrying.delete(e.task);
        const cancelledAttempt = this.#cancelledAttempts.get(e.task);
        this.#cancelledAttempts.delete(e.task);
        if (finishedNow) {
          this.done++;
          const est = this.#estimate(e.task);
          this.doneEstimateMs += est;
          this.remainingEstimateMs -= est;
        }
        switch (e.status) {
          case 'succeeded': {
            const r = this.running.get(e.task);
            this.running.delete(e.task);
            return `${paint(io, 'green', '✓')} ${e.task}${e.reason === 'gate-passed' ? paint(io, 'gray', ' (gate)') : ''}${r ? paint(io, 'gray', ` ${formatDuration(e.at - r.start)}`) : ''}`;
          }
          case 'failed':
            this.failed++;
            // The attempt's line already said why (a cancelled attempt's line was held back: print it now).
            if (e.reason === 'attempt-failed') return cancelledAttempt?.line;
            return `${paint(io, 'red', '✗')} ${e.task} ${paint(io, 'red', 'failed')}${e.message ? `: ${e.message}` : ''}`;
          case 'upstream_failed':
            this.notRun++;
            return `${paint(io, 'yellow', '⊘')} ${e.task} upstream_failed (not run): ${e.message ?? 'a dependency failed'}`;
          case 'skipped':
            return `${paint(io, 'gray', '–')} ${e.task} skipped: ${e.message ?? e.reason}`;
          case 'cancelled': {
            this.running.delete(e.task);
            const facts = cancelledAttempt ? ` after ${cancelledAttempt.after}` : '';
            const log = cancelledAttempt ? ` ${paint(io, 'gray', `(log: ${cancelledAttempt.log})`)}` : '';
            return `${paint(io, 'yellow', '⊘')} ${e.task} cancelled${facts}${e.message ? `: ${e.message}` : ''}${log}`;
          }
          case 'retry_wait':
            return `${cancelledAttempt ? `${cancelledAttempt.line}\n` : ''}${paint(io, 'yellow', '↻')} ${e.task}: ${e.message ?? 'retrying'}`;
          case 'pending':
            if (e.reason === 'reset') {
              this.done = Math.max(0, this.done);
              return undefined;
            }
            return undefined;
          case 'ready':
          case 'running':
            return undefined;
        }
        return undefined;
      }
    }
  }

  /** Plain mode prints a line when a task starts; the TTY view shows it in the live block instead. */
  plainStarts = true;

  /**
   * The time left: the remaining estimates scaled by the pace so far, but never less than what must still happen on
   * the clock: a pending retry's wait plus its task's estimate, or a running task's remaining estimate (its timeout
   * when it has overrun the estimate). Undefined when nothing is known.
   */
  etaMs(now: number): number | undefined {
    const scaled = this.doneEstimateMs > 0 && this.remainingEstimateMs > 0 ? ((now - this.startedAt) / this.doneEstimateMs) * this.remainingEstimateMs : undefined;
    let floor = 0;
    for (const [task, r] of this.running) floor = Math.max(floor, this.#remainingOf(task, now - r.start));
    for (const [task, retryAt] of this.retrying) floor = Math.max(floor, Math.max(0, retryAt - now) + this.#remainingOf(task, 0));
    if (scaled === undefined && floor === 0) return undefined;
    return Math.max(scaled ?? 0, floor);
  }

  /** What is left of one attempt of `task` that has run `elapsed` ms: its estimate, bounded by its timeout. */
  #remainingOf(task: TaskId, elapsed: number): number {
    const timeoutMs = this.#opts.plan.tasks.get(task)?.timeoutMs;
    const byTimeout = timeoutMs !== undefined ? Math.max(0, timeoutMs - elapsed) : undefined;
    const byEstimate = this.#estimate(task) - elapsed;
    if (byEstimate > 0) return byTimeout !== undefined ? Math.min(byEstimate, byTimeout) : byEstimate;
    return byTimeout ?? 0;
  }

  eta(now: number): string | undefined {
    const ms = this.etaMs(now);
    return ms === undefined ? undefined : formatDuration(ms);
  }
}

/** Plain lines, one per thing that happened: for pipes, CI and `NO_COLOR` terminals. */
export function plainView(io: CliIo, options: RunViewOptions): RunView {
  const tracker = new Tracker(io, options);
  // The lines of one batch of events (one commit) go out in one write: a write per line costs more than the line.
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    io.out(text);
  };
  return {
    onEvent(e) {
      const line = tracker.line(e);
      if (line === undefined) return;
      pending += `${line}\n`;
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    close: flush,
    note: (text) => {
      flush();
      io.out(`${text}\n`);
    },
  };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The live terminal view: finished tasks and failures scroll above; below, the running tasks with their
 * elapsed time, done/total and an ETA (from the plan's estimates, scaled by how fast the run goes).
 */
export function ttyView(io: CliIo, options: RunViewOptions & {readonly columns?: () => number}): RunView {
  const tracker = new Tracker(io, options);
  tracker.plainStarts = false;
  let drawn = 0;
  let frame = 0;
  let closed = false;
  const columns = options.columns ?? (() => process.stdout.columns || 80);
  const clear = (): string => (drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : '');
  const block = (): string[] => {
    const now = Date.now();
    const width = columns();
    const lines: string[] = [];
    const running = [...tracker.running.entries()].sort((a, b) => a[1].start - b[1].start);
    const shown = running.slice(0, 12);
    for (const [task, r] of shown) {
      const text = `  ${paint(io, 'cyan', SPINNER[frame % SPINNER.length]!)} ${task}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''} ${paint(io, 'gray', formatDuration(now - r.start))}`;
      lines.push(truncate(text, width));
    }
    if (running.length > shown.length) lines.push(paint(io, 'gray', `  ... and ${running.length - shown.length} more running`));
    const eta = tracker.eta(now);
    const failed = tracker.failed ? paint(io, 'red', ` · ${tracker.failed} failed`) : '';
    const notRun = tracker.notRun ? paint(io, 'yellow', ` · ${tracker.notRun} not run (upstream_failed)`) : '';
    lines.push(truncate(`  ${tracker.done}/${tracker.total} done${failed}${notRun} · ${formatDuration(now - tracker.startedAt)} elapsed${eta ? ` · ETA ~${eta}` : ''}`, width));
    return lines;
  };
  const redraw = (above?: string): void => {
    if (closed) return;
    const lines = block();
    io.out(`${clear()}${above !== undefined ? `${above}\n` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    frame++;
    redraw();
  }, 100);
  timer.unref();
  return {
    onEvent(e) {
      const line = tracker.line(e);
      if (line !== undefined) redraw(line);
    },
    close() {
      if (closed) return;
      clearInterval(timer);
      io.out(clear());
      drawn = 0;
      closed = true;
    },
    note(text) {
      redraw(text);
    },
  };
}

function truncate(text: string, width: number): string {
  // Escape codes do not take columns; count only what is visible.
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*m/g, '');
  if (visible.length <= width) return text;
  return visible.slice(0, Math.max(1, width - 1)) + '…';
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
