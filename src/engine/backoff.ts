/** Exponential backoff with jitter between attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. @default 1000 */
  readonly baseMs: number;
  /** Upper bound of a delay. @default 60000 */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {baseMs: 1000, maxMs: 60_000};

/**
 * The delay before retry number `failures` (1 for the first retry): base·2^(n-1), capped, with "equal jitter"
 * (half fixed, half random) so that tasks failing together do not retry together.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number): number {
  const d = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(d / 2 + (random() * d) / 2);
}
