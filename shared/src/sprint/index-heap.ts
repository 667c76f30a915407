/**
 * A binary max-heap of integer ids ordered by an external priority array: highest priority first, and
 * the lower id first among equal priorities, so pop order is fully deterministic.
 */
export class IndexHeap {
  private readonly items: Int32Array;
  private count = 0;

  constructor(
    capacity: number,
    private readonly priority: ArrayLike<number>,
  ) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  push(id: number): void {
    if (this.count >= this.items.length) throw new RangeError('IndexHeap is full');
    let i = this.count++;
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.before(id, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = id;
  }

  /** Removes and returns the first id, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.count]!;
    const n = this.count;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && this.before(items[r]!, items[l]!)) child = r;
      if (!this.before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    if (n > 0) items[i] = last;
    return top;
  }

  private before(a: number, b: number): boolean {
    const pa = this.priority[a]!;
    const pb = this.priority[b]!;
    return pa > pb || (pa === pb && a < b);
  }
}
