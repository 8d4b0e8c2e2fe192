import type {StoredEvent} from '../model/index.js';
import type {RunRecord} from '../store/store.js';
import {formatMs} from './format.js';

/**
 * One runner session: one `paraplan run` (or `run --resume`) process working on the run, from its `run started`
 * event to where it stopped.
 */
export interface RunnerSession {
  /** The session's `run started` event (the run's start for runs recorded without one). */
  readonly startedAt: number;
  readonly endedAt: number;
  /**
   * How `endedAt` was found:
   * - `finished`: the session's `run finished` event.
   * - `interrupted`: the runner died; the session ends at its last event before the `interrupted` one (that event
   *   is written when the death is noticed, possibly much later, so its own time is not used).
   * - `last-event`: the session has no end event (a newer session started, or the run is not running): its last
   *   event.
   * - `now`: the run is still going: the clock.
   */
  readonly end: 'finished' | 'interrupted' | 'last-event' | 'now';
  /** endedAt − startedAt. */
  readonly ms: number;
}

/** The run's active time: what the runners spent on it, without the idle gaps between sessions. */
export interface RunActiveTime {
  /** Sum of the sessions' `ms`: the run's wall time. */
  readonly activeMs: number;
  readonly sessions: readonly RunnerSession[];
  /** From the first session's start to the last one's end, minus `activeMs`: the time nobody ran the run. */
  readonly idleMs: number;
  /** From the first session's start to the last one's end (idle gaps included). */
  readonly spanMs: number;
}

/**
 * Splits a run into its runner sessions from its events (in `seq` order). The first session starts with the run
 * record (`run.startedAt`), so a run that was never resumed has finish − start as its active time. A run stored
 * without `run started` events counts as one session from `run.startedAt` to its finish, the clock (still
 * running) or its last event.
 */
export function runActiveTime(run: Pick<RunRecord, 'startedAt' | 'finishedAt' | 'status'>, events: readonly StoredEvent[], now: number): RunActiveTime {
  const sessions: RunnerSession[] = [];
  let open: {start: number; last: number} | undefined;
  const close = (end: number, how: RunnerSession['end']): void => {
    if (!open) return;
    const endedAt = Math.max(open.start, end);
    sessions.push({startedAt: open.start, endedAt, end: how, ms: endedAt - open.start});
    open = undefined;
  };
  for (const e of events) {
    if (e.type === 'run' && e.reason === 'started') {
      close(open?.last ?? e.at, 'last-event');
      // The first runner took the run when it created the record, a moment before its `started` event.
      const start = sessions.length === 0 && !e.resumed ? Math.min(run.startedAt, e.at) : e.at;
      open = {start, last: e.at};
      continue;
    }
    if (e.type === 'run' && e.reason === 'interrupted') {
      close(open?.last ?? e.at, 'interrupted');
      continue;
    }
    if (!open) continue;
    open.last = Math.max(open.last, e.at);
    if (e.type === 'run' && e.reason === 'finished') close(e.at, 'finished');
  }
  if (open) {
    if (run.status === 'running') close(Math.max(now, open.last), 'now');
    else close(open.last, 'last-event');
  }
  if (sessions.length === 0) {
    const lastAt = maxAt(events);
    const [end, how]: [number, RunnerSession['end']] =
      run.finishedAt !== undefined ? [run.finishedAt, 'finished'] : run.status === 'running' ? [now, 'now'] : [lastAt ?? run.startedAt, 'last-event'];
    const endedAt = Math.max(run.startedAt, end);
    sessions.push({startedAt: run.startedAt, endedAt, end: how, ms: endedAt - run.startedAt});
  }
  let activeMs = 0;
  for (const s of sessions) activeMs += s.ms;
  const spanMs = Math.max(0, sessions[sessions.length - 1]!.endedAt - sessions[0]!.startedAt);
  return {activeMs, sessions, idleMs: Math.max(0, spanMs - activeMs), spanMs};
}

/**
 * The wall time in words, saying what it is when the run had more than one session:
 * `1.00 s over 2 runner sessions; 19.0 s idle between them not counted`.
 */
export function activeTimeText(t: Pick<RunActiveTime, 'activeMs' | 'sessions' | 'idleMs'>, format: (ms: number) => string = formatMs): string {
  if (t.sessions.length <= 1) return format(t.activeMs);
  return `${format(t.activeMs)} over ${t.sessions.length} runner sessions; ${format(t.idleMs)} idle between them not counted`;
}

function maxAt(events: readonly StoredEvent[]): number | undefined {
  let m: number | undefined;
  for (const e of events) if (m === undefined || e.at > m) m = e.at;
  return m;
}
