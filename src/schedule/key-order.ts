/**
 * Stable sorts of task indices by numeric keys, in linear time: the sorts behind every
 * priority list here run on 100,000 tasks many times per plan, where a comparator sort
 * costs more than the list scheduling itself.
 *
 * A stable sort by key, applied to an order that already breaks ties, equals a
 * comparator sort by (key, then that order): e.g. start from `rankOrder` to break ties
 * by rank. Sorting by the least significant key first, then by the next, gives a
 * lexicographic order (as an LSD radix sort does with digits).
 */

/** Below this many items a comparator sort is cheaper than the radix passes. */
const SMALL = 256;

/** Reusable buffers of {@link sortByKey}, sized on first use. */
export class KeyOrderScratch {
  hi = new Uint32Array(0);
  lo = new Uint32Array(0);
  tmp = new Int32Array(0);
  readonly count = new Uint32Array(1 << 16);
  readonly bits = new Float64Array(1);
  readonly words = new Uint32Array(this.bits.buffer);

  ensure(n: number): void {
    if (this.hi.length >= n) return;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.tmp = new Int32Array(n);
  }
}

const shared = new KeyOrderScratch();

/**
 * Sorts `order` (indices into `key`) in place by `key` ascending, keeping the current
 * order among equal keys (stable). Keys are compared as numbers: `-0` equals `0`.
 * Keys must not be NaN.
 */
export function sortByKey(order: Int32Array, key: ArrayLike<number>, scratch: KeyOrderScratch = shared): Int32Array {
  const n = order.length;
  if (n < SMALL) {
    const items = Array.from(order);
    items.sort((a, b) => key[a]! - key[b]! || 0);
    order.set(items);
    return order;
  }
  scratch.ensure(Math.max(n, key.length));
  const {hi, lo, bits, words} = scratch;
  // IEEE 754 bits made to sort as unsigned integers: flip the sign bit of positives,
  // every bit of negatives. `+ 0` turns -0 into 0.
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    bits[0] = key[i]! + 0;
    const h = words[1]!;
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~words[0]! >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = words[0]!;
    }
  }
  let from: Int32Array = order;
  let to: Int32Array = scratch.tmp.length === n ? scratch.tmp : scratch.tmp.subarray(0, n);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    if (radixPass(from, to, word, shift, scratch.count)) {
      const t = from;
      from = to;
      to = t;
    }
  }
  if (from !== order) order.set(from);
  return order;
}

/** One stable counting pass on 16 bits of `word`; false (nothing moved) when all items share the digit. */
function radixPass(from: Int32Array, to: Int32Array, word: Uint32Array, shift: number, count: Uint32Array): boolean {
  const n = from.length;
  count.fill(0);
  for (let k = 0; k < n; k++) count[(word[from[k]!]! >>> shift) & 0xffff]!++;
  if (count[(word[from[0]!]! >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let d = 0; d < 0x10000; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
  for (let k = 0; k < n; k++) {
    const i = from[k]!;
    to[count[(word[i]! >>> shift) & 0xffff]!++] = i;
  }
  return true;
}

/** `0, 1, ..., n - 1`. */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * Tasks by rank, lowest first: the inverse of the permutation `rank`. Undefined when
 * `rank` is not a permutation of `0..n-1`, so callers can fall back to a comparator sort.
 */
export function rankOrder(rank: Int32Array, out = new Int32Array(rank.length)): Int32Array | undefined {
  const n = rank.length;
  out.fill(-1);
  for (let i = 0; i < n; i++) {
    const r = rank[i]!;
    if (r < 0 || r >= n || out[r] !== -1) return undefined;
    out[r] = i;
  }
  return out;
}
