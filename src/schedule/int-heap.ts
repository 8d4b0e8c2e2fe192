/**
 * A binary min-heap of task indices by `key` (lower first), with the comparison written
 * out: no call per comparison in the inner loop of the topological order.
 */
export class KeyHeap {
  readonly #items: Int32Array;
  /** The keys, lower first; may be swapped between uses (while the heap is empty). */
  key: Int32Array;
  #size = 0;

  constructor(capacity: number, key: Int32Array) {
    this.#items = new Int32Array(Math.max(1, capacity));
    this.key = key;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(value: number): void {
    const items = this.#items;
    const key = this.key;
    const k = key[value]!;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!(k < key[p]!)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the first item; the heap must not be empty. */
  pop(): number {
    const items = this.#items;
    const key = this.key;
    const top = items[0]!;
    const last = items[--this.#size]!;
    const lastKey = key[last]!;
    const size = this.#size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && key[items[child + 1]!]! < key[items[child]!]!) child++;
      const c = items[child]!;
      if (!(key[c]! < lastKey)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * A binary min-heap of indices by `time` (ties: lower index first), written out like
 * {@link KeyHeap}: tasks or workers by the time they end.
 */
export class TimeHeap {
  readonly #items: Int32Array;
  readonly #time: Float64Array;
  #size = 0;

  constructor(capacity: number, time: Float64Array) {
    this.#items = new Int32Array(Math.max(1, capacity));
    this.#time = time;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(value: number): void {
    const items = this.#items;
    const time = this.#time;
    const t = time[value]!;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      const tp = time[p]!;
      if (!(t < tp || (t === tp && value < p))) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** The first item; the heap must not be empty. */
  peek(): number {
    return this.#items[0]!;
  }

  /** Removes and returns the first item; the heap must not be empty. */
  pop(): number {
    const items = this.#items;
    const time = this.#time;
    const top = items[0]!;
    const last = items[--this.#size]!;
    const tl = time[last]!;
    const size = this.#size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size) {
        const a = items[child + 1]!;
        const b = items[child]!;
        const ta = time[a]!;
        const tb = time[b]!;
        if (ta < tb || (ta === tb && a < b)) child++;
      }
      const c = items[child]!;
      const tc = time[c]!;
      if (!(tc < tl || (tc === tl && c < last))) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * A priority queue of places `0..capacity-1` (each held at most once), lowest out first:
 * a tree of 32-bit words, one bit per place, so push and pop cost a few word operations
 * instead of a heap's log n comparisons. With places taken from a permutation it
 * pops exactly what a heap ordered by place would.
 */
export class PlaceQueue {
  /** `levels[0]` holds one bit per place; each next level one bit per word below it. */
  readonly #levels: Uint32Array[];
  #size = 0;

  constructor(capacity: number) {
    const levels: Uint32Array[] = [];
    let words = Math.max(1, Math.ceil(capacity / 32));
    for (;;) {
      levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
    this.#levels = levels;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    if (this.#size === 0) return;
    for (const level of this.#levels) level.fill(0);
    this.#size = 0;
  }

  push(place: number): void {
    const levels = this.#levels;
    let i = place;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l]!;
      const w = i >>> 5;
      const before = level[w]!;
      level[w] = before | (1 << (i & 31));
      // Words above already know about a word that was not empty.
      if (before !== 0) break;
      i = w;
    }
    this.#size++;
  }

  /** Removes and returns the lowest place; the queue must not be empty. */
  pop(): number {
    const levels = this.#levels;
    let i = 0;
    for (let l = levels.length - 1; l >= 0; l--) {
      const word = levels[l]![i]!;
      i = (i << 5) | (31 - Math.clz32(word & -word));
    }
    // Clear the bit, and the bits above it of words that became empty.
    let p = i;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l]!;
      const w = p >>> 5;
      const after = level[w]! & ~(1 << (p & 31));
      level[w] = after;
      if (after !== 0) break;
      p = w;
    }
    this.#size--;
    return i;
  }
}
