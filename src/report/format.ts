import type {AttemptOutcome} from '../model/index.js';

/**
 * A measured duration, precise enough to compare runs of seconds: `340 ms`, `2.05 s`, `12.3 s`, `4m 05s`,
 * `1h 02m 05s`. Null (cannot be computed) prints as `n/a`.
 */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'n/a';
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(2)} s`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  const s = Math.round(a / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const p = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${sign}${h}h ${p(m)}m ${p(sec)}s` : `${sign}${m}m ${p(sec)}s`;
}

/** A ratio as a percentage with one decimal: `0.4567` → `45.7%`; null → `n/a`. */
export function formatPercent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}

/** A speed-up or an actual/estimate ratio: `2.35x`; null → `n/a`. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a';
  // Small ratios keep three significant digits rather than printing as 0.00x.
  return ratio !== 0 && Math.abs(ratio) < 0.1 ? `${Number(ratio.toPrecision(3))}x` : `${ratio.toFixed(2)}x`;
}

/** Money: `$0.0123`; null → `n/a` (no attempt reported a cost: not the same as free). */
export function formatUsd(usd: number | null): string {
  return usd === null ? 'n/a' : `$${usd.toFixed(4)}`;
}

/** A count of tokens; null → `n/a`. */
export function formatCount(n: number | null): string {
  return n === null ? 'n/a' : String(n);
}

/** A point in time, UTC, to the second: `2025-01-02 10:20:30 UTC`. */
export function formatTime(at: number | null): string {
  if (at === null) return 'n/a';
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How an attempt ended, in words: `exit code 2`, `timed out`, `verification failed`. */
export function formatOutcome(outcome: AttemptOutcome | 'running' | null, exitCode: number | null = null): string {
  switch (outcome) {
    case null:
    case 'running':
      return 'still running';
    case 'ok':
      return 'ok';
    case 'exit_nonzero':
      return exitCode === null ? 'killed by a signal' : `exit code ${exitCode}`;
    case 'timeout':
      return 'timed out';
    case 'verify_failed':
      return 'verification failed';
    case 'lost':
      return 'lost (the runner stopped)';
    case 'cancelled':
      return 'cancelled';
    case 'spawn_error':
      return 'could not start';
  }
}

/** The last `n` lines of a text (trailing blank lines dropped). */
export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}
