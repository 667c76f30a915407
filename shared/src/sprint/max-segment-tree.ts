/**
 * A growable segment tree over indices 0..length-1 holding numbers, answering "first index >= lo whose
 * value is >= v" in O(log n). The planner keeps one per team, indexed by sprint, with the longest free
 * stretch of lane time in that sprint, to find the earliest sprint that can still take a task without
 * scanning every full sprint.
 */
export class MaxSegmentTree {
  private leaves = 1;
  private tree = new Float64Array(2).fill(Number.NEGATIVE_INFINITY);
  private size = 0;

  get length(): number {
    return this.size;
  }

  get(i: number): number {
    return i < this.size ? this.tree[this.leaves + i]! : Number.NEGATIVE_INFINITY;
  }

  set(i: number, value: number): void {
    while (i >= this.leaves) this.grow();
    if (i >= this.size) this.size = i + 1;
    const tree = this.tree;
    let node = this.leaves + i;
    tree[node] = value;
    node >>= 1;
    while (node >= 1) {
      const v = Math.max(tree[2 * node]!, tree[2 * node + 1]!);
      if (tree[node] === v) break;
      tree[node] = v;
      node >>= 1;
    }
  }

  /** Smallest index i with lo <= i < length and value(i) >= v, or -1. */
  firstAtLeast(lo: number, v: number): number {
    if (lo >= this.size) return -1;
    return this.find(1, 0, this.leaves, Math.max(0, lo), v);
  }

  private find(node: number, from: number, to: number, lo: number, v: number): number {
    if (to <= lo || this.tree[node]! < v) return -1;
    if (to - from === 1) return from < this.size ? from : -1;
    const mid = (from + to) >> 1;
    const left = this.find(2 * node, from, mid, lo, v);
    return left !== -1 ? left : this.find(2 * node + 1, mid, to, lo, v);
  }

  private grow(): void {
    const old = this.tree;
    const oldLeaves = this.leaves;
    this.leaves *= 2;
    this.tree = new Float64Array(2 * this.leaves).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < oldLeaves; i++) this.tree[this.leaves + i] = old[oldLeaves + i]!;
    for (let node = this.leaves - 1; node >= 1; node--) {
      this.tree[node] = Math.max(this.tree[2 * node]!, this.tree[2 * node + 1]!);
    }
  }
}
