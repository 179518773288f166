import { describe, expect, it } from 'vitest';
import { ACCUMULATION_KS, accumulationPoint, growthGuides } from '../../src/kernels/matmul/accumulation';

describe('f16 against f32 accumulation as K grows (CPU emulation of the f16 variants)', () => {
  const points = ACCUMULATION_KS.map((K) => accumulationPoint(K, 1));

  it('f16 accumulation errs more than f32 accumulation at every K, by orders of magnitude at large K', () => {
    for (const p of points) expect(p.relError.f16, `K=${p.K}`).toBeGreaterThan(p.relError.f32);
    const last = points[points.length - 1];
    expect(last.relError.f16 / last.relError.f32).toBeGreaterThan(1000);
  });

  it('the f16 error grows with K, and stays between the typical √K·u and worst-case K·u scales', () => {
    expect(points[points.length - 1].relError.f16).toBeGreaterThan(10 * points[0].relError.f16);
    for (const p of points) {
      const g = growthGuides(p.K);
      expect(p.relError.f16, `K=${p.K}`).toBeLessThan(g.worst16);
      expect(p.relError.f16, `K=${p.K}`).toBeGreaterThan(g.typical16 / 20);
    }
  });

  it('every output is within its derived bound wherever the bound exists', () => {
    for (const p of points) {
      expect(p.boundViolations.f32).toBe(0);
      if (p.K * 2 ** -11 < 1) expect(p.boundViolations.f16).toBe(0);
      else expect(p.boundViolations.f16).toBeNull();
    }
  });
});
