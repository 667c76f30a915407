import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaxSegmentTree } from './max-segment-tree.js';

describe('MaxSegmentTree', () => {
  it('finds the first index at or after lo whose value is large enough, as a linear scan would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(70), fc.integer({ min: 0, max: 20 })), { maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(80), fc.integer({ min: 0, max: 21 })), { maxLength: 20 }),
        (writes, queries) => {
          const tree = new MaxSegmentTree();
          const model: number[] = [];
          for (const [i, v] of writes) {
            tree.set(i, v);
            while (model.length <= i) model.push(Number.NEGATIVE_INFINITY);
            model[i] = v;
          }
          for (const [lo, v] of queries) {
            const expected = model.findIndex((x, i) => i >= lo && x >= v);
            expect(tree.firstAtLeast(lo, v)).toBe(expected);
          }
        },
      ),
    );
  });
});
