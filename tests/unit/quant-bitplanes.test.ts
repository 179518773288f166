import { describe, expect, it } from 'vitest';
import { bipolarValue, packBitPlanes, quantizeBipolarRows } from '../../src/numerics/bitplanes';

describe('bipolar INT and bit planes', () => {
  it('values are the odd integers Σ(2b_i − 1)2^i', () => {
    expect([0, 1, 2, 3].map((n) => bipolarValue(n, 2))).toEqual([-3, -1, 1, 3]);
    expect([0, 1].map((n) => bipolarValue(n, 1))).toEqual([-1, 1]);
  });

  it('quantizes to the nearest odd level and packs bit i of element 32j+t into bit t of word j of plane i', () => {
    const data = Float32Array.from({ length: 32 }, (_, i) => (i === 0 ? 3 : i === 1 ? -3 : i === 2 ? 1.1 : -0.9));
    const q = quantizeBipolarRows(data, 1, 32, 2); // scale 1: levels −3, −1, 1, 3
    expect(q.scales[0]).toBe(1);
    expect([...q.codes.slice(0, 4)].map((n) => bipolarValue(n, 2))).toEqual([3, -3, 1, -1]);
    const planes = packBitPlanes(q);
    // codes: 3, 0, 2, 1, 1, 1…: plane 0 = bits 0 → element 0 (3) and 3… (1) set
    expect(planes[0] & 0xf).toBe(0b1001);
    expect(planes[1] & 0xf).toBe(0b0101);
    expect(() => packBitPlanes(quantizeBipolarRows(new Float32Array(20), 1, 20, 2))).toThrow(/multiple of 32/);
  });
});
