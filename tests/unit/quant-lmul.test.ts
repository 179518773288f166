import { describe, expect, it } from 'vitest';
import { lmul, lmulOffsetExponent } from '../../src/kernels/quant/lmul';

describe('L-Mul formula (arXiv 2410.00907)', () => {
  it('l(m) = m for m ≤ 3, 3 for m = 4, 4 for m > 4', () => {
    expect([1, 2, 3, 4, 5, 7, 10].map(lmulOffsetExponent)).toEqual([1, 2, 3, 3, 4, 4, 4]);
  });

  it('is the formula, not bit-pattern addition: 1.5×1.5 → 2.0625 with l = 4', () => {
    expect(lmul(1.5, 1.5, 7)).toBe(2.0625);
    expect(lmul(1, 1, 7)).toBe(1.0625);
    expect(lmul(-3, 0.5, 3)).toBe(-(1 + 0.5 + 0 + 0.125) * 2 ** 0); // 3 = 1.5·2^1, 0.5 = 1·2^-1
    expect(lmul(0, 5, 3)).toBe(0);
    expect(lmul(-2, -4, 2)).toBe((1 + 0 + 0 + 0.25) * 8);
  });
});
