import { describe, expect, it } from 'vitest';
import { computeMetrics, errorHeatmap, float32Ordinal, gamma, summarize, ulpDistance32 } from '../../src/numerics/metrics';
import { matmulFloat32Emulated, matmulReference } from '../../src/numerics/matmul';
import { uniformArray } from '../../src/numerics/prng';

describe('error metrics on hand-checked cases', () => {
  it('exact results: zero error, infinite SQNR', () => {
    const m = computeMetrics([1, 2, 3], [1, 2, 3]);
    expect(m).toMatchObject({ maxAbs: 0, maxRel: 0, relFrobenius: 0, ulpMax: 0, ulpMean: 0, sqnrDb: Infinity, nonFinite: 0 });
  });

  it('one error of 0.5 against [3, 4]', () => {
    // ref = [3, 4], approx = [3, 4.5]: ‖ref‖ = 5, ‖err‖ = 0.5 → rel. Frobenius 0.1, SQNR 20 dB.
    const m = computeMetrics([3, 4.5], [3, 4]);
    expect(m.maxAbs).toBe(0.5);
    expect(m.maxRel).toBeCloseTo(0.125, 15);
    expect(m.relFrobenius).toBeCloseTo(0.1, 15);
    expect(m.sqnrDb).toBeCloseTo(20, 12);
  });

  it('ULP distances in float32', () => {
    expect(ulpDistance32(1, 1)).toBe(0);
    expect(ulpDistance32(1, 1 + 2 ** -23)).toBe(1);
    expect(ulpDistance32(1, 1 - 2 ** -24)).toBe(1); // below 1 the spacing halves
    expect(ulpDistance32(-0, 0)).toBe(0);
    expect(ulpDistance32(-1.401298464324817e-45, 1.401298464324817e-45)).toBe(2); // across zero
    expect(ulpDistance32(NaN, 1)).toBe(Infinity);
    expect(float32Ordinal(2) - float32Ordinal(1)).toBe(2 ** 23);
    const m = computeMetrics([1 + 2 ** -23, 2], [1, 2]);
    expect(m.ulpMax).toBe(1);
    expect(m.ulpMean).toBe(0.5);
  });

  it('NaN and Inf outputs are counted, not hidden', () => {
    const m = computeMetrics([NaN, 1, Infinity], [1, 1, 1]);
    expect(m.nonFinite).toBe(2);
    expect(m.maxAbs).toBe(Infinity);
  });

  it('bound violations are counted per element', () => {
    const m = computeMetrics([1.1, 2, 3.5], [1, 2, 3], [0.2, 0.2, 0.2]);
    expect(m.boundViolations).toBe(1);
    expect(m.worstBoundRatio).toBeCloseTo(2.5, 12);
  });

  it('gamma(n) = nu/(1-nu)', () => {
    expect(gamma(1)).toBeCloseTo(2 ** -24 / (1 - 2 ** -24), 30);
    expect(gamma(2 ** 25)).toBe(Infinity);
  });

  it('summarize gives median and quartiles', () => {
    expect(summarize([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5, q1: 2, q3: 4, mean: 3 });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('heatmap cells hold the max error they cover', () => {
    const ref = new Float64Array(4 * 4);
    const approx = Float64Array.from(ref);
    approx[5] = 0.25; // row 1, col 1 → cell (0, 0) at 2×2 cells
    approx[15] = 1; // row 3, col 3 → cell (1, 1)
    const h = errorHeatmap(approx, ref, 4, 4, 2);
    expect(h).toMatchObject({ rows: 2, cols: 2, cellRows: 2, cellCols: 2 });
    expect(h.values).toEqual([0.25, 0, 0, 1]);
  });
});

describe('float64 matmul reference', () => {
  it('matches a hand-computed 2×2 product', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([5, 6, 7, 8]);
    const { c, absSum } = matmulReference(a, b, 2, 2, 2);
    expect([...c]).toEqual([19, 22, 43, 50]);
    expect([...absSum]).toEqual([19, 22, 43, 50]);
  });

  it('rectangular: (1×3)·(3×2)', () => {
    const { c, absSum } = matmulReference(Float32Array.from([1, -2, 3]), Float32Array.from([1, 2, 3, 4, 5, 6]), 1, 2, 3);
    expect([...c]).toEqual([1 - 6 + 15, 2 - 8 + 18]);
    expect([...absSum]).toEqual([1 + 6 + 15, 2 + 8 + 18]);
  });

  it('the float32 emulation stays within γ_K·Σ|a·b| and is not exact', () => {
    const [m, n, k] = [8, 9, 300];
    const a = uniformArray(m * k, 1);
    const b = uniformArray(k * n, 2);
    const { c, absSum } = matmulReference(a, b, m, n, k);
    const emulated = matmulFloat32Emulated(a, b, m, n, k);
    const bound = Array.from(absSum, (s) => gamma(k) * s);
    const metrics = computeMetrics(emulated, c, bound);
    expect(metrics.boundViolations).toBe(0);
    expect(metrics.maxAbs).toBeGreaterThan(0);
  });
});
