import picomatch from 'picomatch';

/** Two globs may match a common path when one matches the other's literal form, or their static bases nest. */
export function globsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const opts = {dot: true};
  if (picomatch(a, opts)(b) || picomatch(b, opts)(a)) return true;
  const sa = picomatch.scan(a);
  const sb = picomatch.scan(b);
  if (!sa.isGlob && !sb.isGlob) return false;
  const baseA = sa.base.replace(/\/$/, '');
  const baseB = sb.base.replace(/\/$/, '');
  const nests = (x: string, y: string): boolean => x === '' || y === x || y.startsWith(`${x}/`);
  if (sa.isGlob && nests(baseA, baseB)) return picomatch(a, opts)(`${baseB}/x`) || sb.isGlob || picomatch(a, opts)(b);
  if (sb.isGlob && nests(baseB, baseA)) return picomatch(b, opts)(`${baseA}/x`) || sa.isGlob || picomatch(b, opts)(a);
  return false;
}
