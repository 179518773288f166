import { describe, expect, it } from 'vitest';
import { packInt4, packNibbles, unpackInt4, unpackNibbles } from '../../src/numerics/packing';
import { Rng } from '../../src/numerics/prng';

describe('int4 packing', () => {
  it('documented nibble order: element 8w+j in bits 4j…4j+3, stored as q + 8', () => {
    const codes = [-8, -7, -1, 0, 1, 2, 6, 7];
    // nibbles from the low end: 0, 1, 7, 8, 9, a, e, f
    expect(packInt4(codes, 1, 8)[0]).toBe(0xfea98710);
  });

  it('pack/unpack round-trips random codes bit-exactly; bad input is refused', () => {
    const rng = new Rng(1);
    const codes = Int32Array.from({ length: 24 * 16 }, () => (rng.nextU32() % 16) - 8);
    expect(unpackInt4(packInt4(codes, 24, 16), 24, 16)).toEqual(codes);
    const nib = Int32Array.from({ length: 37 }, () => rng.nextU32() % 16);
    expect(unpackNibbles(packNibbles(nib, 37), 37)).toEqual(nib);
    expect(() => packInt4([8], 1, 8)).toThrow(/−8…7/);
    expect(() => packInt4([0], 1, 4)).toThrow(/multiple of 8/);
  });
});
