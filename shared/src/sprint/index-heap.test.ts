import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexHeap } from './index-heap.js';

describe('IndexHeap', () => {
  it('pops ids by descending priority, lower id first on ties, like a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }), (priorities) => {
        const prio = Float64Array.from(priorities);
        const heap = new IndexHeap(prio.length, prio);
        for (let i = 0; i < priorities.length; i++) heap.push(i);
        const popped: number[] = [];
        for (let id = heap.pop(); id >= 0; id = heap.pop()) popped.push(id);
        const expected = priorities.map((_, i) => i).sort((a, b) => prio[b]! - prio[a]! || a - b);
        expect(popped).toEqual(expected);
      }),
    );
  });
});
