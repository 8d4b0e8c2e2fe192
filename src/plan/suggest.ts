import {distance} from 'fastest-levenshtein';

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo.
 * Case-insensitive; scans at most `limit` candidates so a 100,000-task plan stays fast.
 */
export function didYouMean(word: string, candidates: Iterable<string>, limit = 20_000): string | undefined {
  const w = word.toLowerCase();
  const max = Math.max(2, Math.ceil(word.length * 0.4));
  let best: string | undefined;
  let bestD = Infinity;
  let seen = 0;
  for (const c of candidates) {
    if (++seen > limit) break;
    if (Math.abs(c.length - word.length) > max) continue;
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
      if (d === 0) break;
    }
  }
  return bestD <= max ? best : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : `; did you mean "${s}"?`;
}
