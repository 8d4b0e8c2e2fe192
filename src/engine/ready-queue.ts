/** A binary min-heap of items by a numeric key (the scheduler's dispatch rank: 0 first). */
export class ReadyQueue<T> {
  readonly #items: T[] = [];
  readonly #key: (item: T) => number;

  constructor(key: (item: T) => number) {
    this.#key = key;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    const k = this.#key(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#key(a[parent]!) <= k) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const k = this.#key(last);
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && this.#key(a[r]!) < this.#key(a[l]!) ? r : l;
        if (this.#key(a[c]!) >= k) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Removes and returns everything, in no particular order. */
  drain(): T[] {
    return this.#items.splice(0);
  }
}
