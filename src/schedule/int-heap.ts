/**
 * A binary min-heap of small integers (task indices) with a caller-given order.
 * `before(a, b)` is true when `a` must come out first. Capacity is fixed.
 */
export class IntHeap {
  readonly #items: Int32Array;
  readonly #before: (a: number, b: number) => boolean;
  #size = 0;

  constructor(capacity: number, before: (a: number, b: number) => boolean) {
    this.#items = new Int32Array(Math.max(1, capacity));
    this.#before = before;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(value: number): void {
    const items = this.#items;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.#before(value, p)) break;
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
    const top = items[0]!;
    const last = items[--this.#size]!;
    const size = this.#size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#before(items[child + 1]!, items[child]!)) child++;
      if (!this.#before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
