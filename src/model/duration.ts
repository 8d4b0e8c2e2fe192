/** A duration in milliseconds, or a range of them (`4-8h`), as estimated by a plan author. */
export interface Estimate {
  /** Lower bound in ms. Equal to `high` for a single value. */
  readonly low: number;
  readonly high: number;
  /** The text as written, for reports. */
  readonly text: string;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  // Work days and weeks: a plan's "1.5d" means working time, not calendar time.
  d: 8 * 3_600_000,
  day: 8 * 3_600_000,
  days: 8 * 3_600_000,
  w: 40 * 3_600_000,
  wk: 40 * 3_600_000,
  week: 40 * 3_600_000,
  weeks: 40 * 3_600_000,
};

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const UNIT = String.raw`([a-z]+)`;
const PART = new RegExp(String.raw`${NUMBER}\s*${UNIT}`, 'gy');

/** Parses `15m`, `2h`, `1.5d`, `30 minutes`, `1h30m`, `90s`. Returns ms, or undefined when not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) return undefined; // a bare number has no unit: ambiguous, refuse
  let total = 0;
  let pos = 0;
  PART.lastIndex = 0;
  while (pos < t.length) {
    while (t[pos] === ' ') pos++;
    if (pos >= t.length) break;
    PART.lastIndex = pos;
    const m = PART.exec(t);
    if (!m) return undefined;
    const unit = UNIT_MS[m[2]!];
    if (unit === undefined) return undefined;
    total += Number(m[1]!.replace(',', '.')) * unit;
    pos = PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Parses an estimate: a duration or a range (`4-8h`, `2h - 3h`, `1 to 2 days`, `~30 min`).
 * A number alone (from JSON) is minutes.
 */
export function parseEstimate(value: string | number): Estimate | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    const ms = Math.round(value * 60_000);
    return {low: ms, high: ms, text: `${value}m`};
  }
  const text = value.trim();
  const t = text.replace(/^(~|≈|ca\.?|about|approx\.?)\s*/i, '');
  const range = /^(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*(?:-|–|—|to|\.\.)\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)$/i.exec(t);
  if (range) {
    const unitHigh = range[4]!;
    const unitLow = range[2] || unitHigh;
    const low = parseDurationMs(`${range[1]}${unitLow}`);
    const high = parseDurationMs(`${range[3]}${unitHigh}`);
    if (low === undefined || high === undefined || high < low) return undefined;
    return {low, high, text};
  }
  const ms = parseDurationMs(t);
  return ms === undefined ? undefined : {low: ms, high: ms, text};
}

/** The value a schedule uses for an estimate: the middle of a range. */
export function expectedMs(estimate: Estimate): number {
  return (estimate.low + estimate.high) / 2;
}

/** `1h 30m`, `45m`, `2.5s`: a short human form. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const totalMin = Math.round(ms / 60_000);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** Minutes, rounded to one decimal place when needed: `305`, `12.5`. */
export function formatMinutes(ms: number): string {
  const min = ms / 60_000;
  return Number.isInteger(min) ? String(min) : min.toFixed(1);
}
