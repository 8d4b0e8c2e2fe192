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
  done = 0;
  failed = 0;
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
            return `${paint(io, 'bold', 'paraplan')}: ${e.resumed ? 'resuming' : 'run'} ${e.run} of "${e.planName}": ${e.tasks} tasks on ${e.workers} worker${e.workers === 1 ? '' : 's'}`;
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
            return `${paint(io, 'red', '✗')} ${e.task}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''} ${paint(io, 'red', e.outcome)} after ${formatDuration(e.durationMs)}: ${e.message ?? ''} ${paint(io, 'gray', `(log: ${log})`)}${e.outcome === 'lost' ? '' : tail}`;
          }
        }
        return undefined;
      case 'task': {
        const finishedNow = e.status === 'succeeded' || e.status === 'failed' || e.status === 'upstream_failed' || e.status === 'skipped' || e.status === 'cancelled';
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
            // The attempt's line already said why.
            if (e.reason === 'attempt-failed') return undefined;
            return `${paint(io, 'red', '✗')} ${e.task} ${paint(io, 'red', 'failed')}${e.message ? `: ${e.message}` : ''}`;
          case 'upstream_failed':
            this.failed++;
            return `${paint(io, 'yellow', '⊘')} ${e.task} not run: ${e.message ?? 'a dependency failed'}`;
          case 'skipped':
            return `${paint(io, 'gray', '–')} ${e.task} skipped: ${e.message ?? e.reason}`;
          case 'cancelled':
            return `${paint(io, 'yellow', '⊘')} ${e.task} cancelled${e.message ? `: ${e.message}` : ''}`;
          case 'retry_wait':
            return `${paint(io, 'yellow', '↻')} ${e.task}: ${e.message ?? 'retrying'}`;
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

  eta(now: number): string | undefined {
    if (this.doneEstimateMs <= 0 || this.remainingEstimateMs <= 0) return undefined;
    const elapsed = now - this.startedAt;
    return formatDuration((elapsed / this.doneEstimateMs) * this.remainingEstimateMs);
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
    lines.push(truncate(`  ${tracker.done}/${tracker.total} done${failed} · ${formatDuration(now - tracker.startedAt)} elapsed${eta ? ` · ETA ~${eta}` : ''}`, width));
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
