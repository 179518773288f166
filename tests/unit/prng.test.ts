import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed, uniformArray } from '../../src/numerics/prng';

describe('seeded PRNG', () => {
  it('gives the same bits for the same seed, and different bits for another seed', () => {
    const a = uniformArray(1000, 42);
    const b = uniformArray(1000, 42);
    const c = uniformArray(1000, 43);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('matches pinned values, so a change of generator is caught (same bits on every machine)', () => {
    // These words were produced by this generator once and pinned: sfc32 uses only 32-bit
    // integer arithmetic, so any engine must reproduce them.
    const rng = new Rng(1);
    const words = Array.from({ length: 4 }, () => rng.nextU32());
    expect(words).toEqual(PINNED_SEED1);
  });

  it('stays in range and is roughly uniform', () => {
    const x = uniformArray(100_000, 7, -1, 1);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of x) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(1);
    // Mean of 1e5 uniforms on [-1,1): standard error 0.0018; 5 sigma.
    expect(Math.abs(sum / x.length)).toBeLessThan(0.01);
  });

  it('derives independent streams', () => {
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(2, 0));
    expect(deriveSeed(5, 3)).toBe(deriveSeed(5, 3));
  });
});

const PINNED_SEED1 = [1828152527, 3394835397, 2967886022, 2251045104];
