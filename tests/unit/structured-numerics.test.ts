// The float64 side of the structured-matrix lab: the SVD and what is built on it, the structures'
// staged references, the Monarch projection's optimality, Strassen's emulation and bound, the
// estimators' unbiasedness, and the matrix-function iterations.
import { describe, expect, it } from 'vitest';
import { frobenius, frobeniusDiff, matmul64, polarFactor, rankErrorCurve, svd, symmetricFunction, transpose64, truncatedSvd } from '../../src/numerics/linalg';
import {
  NS_COEFFICIENTS,
  newtonSchulzReference,
  nsPolynomial,
  nsStep,
  roundBf16,
  spdMatrix,
  sqrtNsReference,
  taylorSqrtCoefficients,
  taylorSqrtReference,
  denmanBeavers,
} from '../../src/numerics/matfun';
import { uniformArray } from '../../src/numerics/prng';
import {
  atb64,
  coordinatedSample,
  countSketch,
  gaussianSketch,
  mlmcSample,
  sampledProduct,
  bucketLists,
  applyDenseSketch,
  sketchInputs,
} from '../../src/numerics/sketch';
import { STRASSEN_PRODUCTS, blocksFedBy, flipBit32, strassen32, strassenBoundFactor } from '../../src/numerics/strassen';
import {
  costOf,
  crossoverOf,
  denseOf,
  denseTarget,
  normalArray,
  projectBtt,
  projectLowRank,
  randomBtt,
  randomOrthogonal,
  relativeApproximationError,
  stagedFloat32,
  stagedReference,
  type Structure,
} from '../../src/numerics/structured';

describe('SVD (one-sided Jacobi) and its uses', () => {
  for (const [m, n] of [
    [7, 5],
    [5, 7],
    [12, 12],
    [1, 4],
  ] as const) {
    it(`${m}×${n}: U·diag(s)·Vᵀ = A, orthonormal factors, descending s`, () => {
      const a = uniformArray(m * n, 3);
      const d = svd(a, m, n);
      const p = Math.min(m, n);
      const us = new Float64Array(m * p);
      for (let i = 0; i < m; i++) for (let k = 0; k < p; k++) us[i * p + k] = d.u[i * p + k] * d.s[k];
      expect(frobeniusDiff(matmul64(us, transpose64(d.v, n, p), m, p, n), a)).toBeLessThan(1e-12);
      const utu = matmul64(transpose64(d.u, m, p), d.u, p, m, p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(Math.abs(utu[i * p + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      for (let k = 1; k < p; k++) expect(d.s[k]).toBeLessThanOrEqual(d.s[k - 1]);
    });
  }
  it('recovers a prescribed spectrum, and the truncated SVD’s error is the tail (Eckart–Young)', () => {
    const n = 24;
    const q1 = randomOrthogonal(n, 1);
    const q2 = randomOrthogonal(n, 2);
    const sigma = Array.from({ length: n }, (_, i) => 1 / (1 + i));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) a[i * n + j] += q1[i * n + k] * sigma[k] * q2[k * n + j];
    const d = svd(a, n, n);
    sigma.forEach((s, k) => {
      expect(Math.abs(d.s[k] - s)).toBeLessThan(1e-12);
    });
    for (const r of [0, 3, 10, 24]) {
      const t = truncatedSvd(d, r);
      const approx = matmul64(t.us, transpose64(t.v, n, t.rank), n, t.rank, n);
      const tail = Math.sqrt(sigma.slice(r).reduce((x, y) => x + y * y, 0));
      expect(Math.abs(frobeniusDiff(a, approx) - tail)).toBeLessThan(1e-12);
      expect(Math.abs(rankErrorCurve(d.s)[r] - tail / frobenius(a))).toBeLessThan(1e-12);
    }
  });
  it('polar factor is orthogonal and closest: U·Vᵀ of A = Q·P', () => {
    const q = randomOrthogonal(8, 5);
    const spd = spdMatrix(8, 10, randomOrthogonal(8, 6));
    const a = matmul64(q, spd, 8, 8, 8);
    expect(frobeniusDiff(polarFactor(a, 8, 8), q)).toBeLessThan(1e-10);
  });
});

function checkStaged(s: Structure, nIn: number) {
  const batch = 3;
  const x = uniformArray(batch * nIn, 9);
  const { values, bound } = stagedReference(s, x, batch);
  const w = denseOf(s);
  const nOut = values.length / batch;
  const direct = matmul64(x, transpose64(w, nOut, nIn), batch, nIn, nOut);
  expect(frobeniusDiff(values, direct)).toBeLessThan(1e-12 * Math.max(1, frobenius(direct)));
  // The float32 emulation (one rounding per multiply and per add) is inside the staged bound.
  const f32 = stagedFloat32(s, x, batch);
  for (let i = 0; i < values.length; i++) expect(Math.abs(f32[i] - values[i])).toBeLessThanOrEqual(bound[i]);
}

describe('structures: the staged reference equals the dense matrix they represent', () => {
  it('low rank, BTT/Monarch with padding, Kronecker, BLAST', () => {
    const r = (count: number, seed: number) => uniformArray(count, seed);
    checkStaged({ kind: 'lowrank', nIn: 11, nOut: 7, rank: 3, v: r(33, 1), ut: r(21, 2) }, 11);
    checkStaged(randomBtt(13, 4, 1, 3), 13);
    checkStaged(randomBtt(13, 4, 2, 4), 13);
    checkStaged({ kind: 'kronecker', a1: 3, a2: 2, b1: 4, b2: 5, a: r(6, 5), b: r(20, 6) }, 10);
    checkStaged({ kind: 'blast', n: 10, blocks: 3, p: 4, rank: 2, u: r(24, 7), v: r(24, 8), s: r(18, 9) }, 10);
  });
  it('Monarch entries are W[(i·m + l), (j·m + k)] = L[l][i][j]·R[j][l][k]: every (l, j) slice has rank 1', () => {
    const s = randomBtt(16, 4, 1, 11);
    const w = denseOf(s);
    for (let l = 0; l < 4; l++)
      for (let j = 0; j < 4; j++) {
        const slice = new Float64Array(16);
        for (let i = 0; i < 4; i++) for (let k = 0; k < 4; k++) slice[i * 4 + k] = w[(i * 4 + l) * 16 + j * 4 + k];
        const d = svd(slice, 4, 4);
        expect(d.s[1]).toBeLessThan(1e-12 * d.s[0]);
      }
    expect(costOf(s).params).toBe(16 * (4 + 4));
  });
  it('projection onto Monarch recovers a Monarch matrix exactly, and no b-block Monarch is closer to a random W than the projection', () => {
    const n = 12;
    const mon = randomBtt(n, 3, 1, 12);
    const w = denseOf(mon);
    expect(relativeApproximationError(w, projectBtt(w, n, 3, 1))).toBeLessThan(1e-12);
    const g = normalArray(n * n, 13);
    const best = relativeApproximationError(g, projectBtt(g, n, 3, 1));
    for (let seed = 0; seed < 20; seed++) expect(relativeApproximationError(g, randomBtt(n, 3, 1, 100 + seed))).toBeGreaterThan(best);
    // Perturbing the optimum's factors only makes it worse (a local check of optimality).
    const p = projectBtt(g, n, 3, 1);
    const r = Float64Array.from(p.r);
    r[5] += 1e-3;
    expect(relativeApproximationError(g, { ...p, r })).toBeGreaterThan(best);
  });
  it('low rank of a decaying spectrum beats Monarch at equal parameters; Monarch wins on a near-Monarch W', () => {
    const n = 36;
    const decay = denseTarget('decay', n, 1);
    const near = denseTarget('near-monarch', n, 1);
    const mon = (w: Float64Array) => relativeApproximationError(w, projectBtt(w, n, 6, 1));
    // Monarch(b = 6) has 2·n·6 parameters = rank 6 low rank.
    const lowrank = (w: Float64Array) => {
      const { v, ut } = projectLowRank(svd(w, n, n), 6);
      return relativeApproximationError(w, { kind: 'lowrank', nIn: n, nOut: n, rank: 6, v, ut });
    };
    expect(lowrank(decay)).toBeLessThan(mon(decay));
    expect(mon(near)).toBeLessThan(0.06);
    expect(lowrank(near)).toBeGreaterThan(0.5);
  });
});

describe('Strassen', () => {
  it('one and two levels in float32 equal the product to within the derived bound; the bound factor follows f_ℓ = 12·f_{ℓ−1}(K/2) + 18K', () => {
    const n = 32;
    const a = uniformArray(n * n, 1);
    const b = uniformArray(n * n, 2);
    const exact = matmul64(a, b, n, n, n);
    for (const levels of [0, 1, 2, 3]) {
      const c = strassen32(a, b, n, n, n, levels);
      let worst = 0;
      for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - exact[i]));
      expect(worst).toBeLessThanOrEqual(strassenBoundFactor(n, levels) * 2 ** -24);
      expect(worst).toBeGreaterThan(0);
    }
    const f0 = strassenBoundFactor(16, 0);
    expect(strassenBoundFactor(32, 1)).toBeCloseTo(12 * f0 + 18 * 32, 6);
    expect(strassenBoundFactor(256, 1) / strassenBoundFactor(256, 0)).toBeGreaterThan(2.9);
  });
  it('the seven products and four combinations reproduce the 2×2 block product (exact on small integers)', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([5, 6, 7, 8]);
    expect(Array.from(strassen32(a, b, 2, 2, 2, 1))).toEqual([19, 22, 43, 50]);
    expect(STRASSEN_PRODUCTS).toHaveLength(7);
    expect(blocksFedBy(0)).toEqual([0, 3]);
  });
  it('flipBit32 flips the named bit', () => {
    expect(flipBit32(1, 31)).toBe(-1);
    expect(flipBit32(1, 23)).toBe(0.5);
    expect(flipBit32(1, 22)).toBe(1.5);
  });
});

describe('randomized AᵀB estimators (float64): unbiased, with the variances the contract uses', () => {
  const n = 400;
  const d = 6;
  const m = 5;
  const { a, b } = sketchInputs(n, d, m, 'dense', 4, 3);
  const exact = atb64(a, b, n, d, m);
  const scale = frobenius(a) * frobenius(b);
  const meanOver = (seeds: number, estimate: (seed: number) => Float64Array) => {
    const sum = new Float64Array(d * m);
    let sq = 0;
    for (let s = 0; s < seeds; s++) {
      const e = estimate(s);
      for (let i = 0; i < sum.length; i++) sum[i] += e[i] / seeds;
      sq += (frobeniusDiff(e, exact) / scale) ** 2 / seeds;
    }
    return { bias: frobeniusDiff(sum, exact) / scale, meanSquare: sq };
  };
  const k = 40;
  it('Gaussian sketch', () => {
    const r = meanOver(150, (seed) => {
      const s = gaussianSketch(k, n, seed);
      return matmul64(transpose64(applyDenseSketch(s, a, k, n, d), k, d), applyDenseSketch(s, b, k, n, m), d, k, m);
    });
    expect(r.bias).toBeLessThan(0.05);
    expect(r.meanSquare).toBeLessThan(2 / k);
  });
  it('CountSketch', () => {
    const r = meanOver(300, (seed) => {
      const { bucket, sign } = countSketch(k, n, seed);
      const s = new Float64Array(k * n);
      bucket.forEach((bk, t) => {
        s[bk * n + t] = sign[t];
      });
      expect(bucketLists(bucket, k).offsets[k]).toBe(n);
      return matmul64(transpose64(applyDenseSketch(s, a, k, n, d), k, d), applyDenseSketch(s, b, k, n, m), d, k, m);
    });
    expect(r.bias).toBeLessThan(0.05);
    expect(r.meanSquare).toBeLessThan(2 / k);
  });
  it('coordinated sampling: unbiased, its mean square matches its exact variance', () => {
    let variance = 0;
    const r = meanOver(300, (seed) => {
      const s = coordinatedSample(a, b, n, d, m, k, seed);
      variance = s.variance / scale ** 2;
      return sampledProduct(a, b, d, m, s.sample);
    });
    expect(r.bias).toBeLessThan(0.05);
    expect(r.meanSquare).toBeLessThan(1.5 * variance);
    expect(r.meanSquare).toBeGreaterThan(0.5 * variance);
    expect(variance).toBeLessThanOrEqual(2 / k);
  });
  it('MLMC: unbiased; L = 0 is plain importance sampling', () => {
    const r = meanOver(300, (seed) => sampledProduct(a, b, d, m, mlmcSample(a, b, n, d, m, 4, 2, seed).sample));
    expect(r.bias).toBeLessThan(0.05);
    expect(mlmcSample(a, b, n, d, m, 8, 0, 1).totalSamples).toBe(8);
    expect(mlmcSample(a, b, n, d, m, 4, 2, 1).totalSamples).toBe(3 * 4 * 4);
  });
});

describe('matrix functions', () => {
  it('a Newton–Schulz step maps every singular value σ to aσ + bσ³ + cσ⁵ and keeps the singular vectors', () => {
    const x = normalArray(6 * 9, 4).map((v) => v / 8);
    for (const c of ['cubic', 'quintic'] as const) {
      const before = svd(x, 6, 9).s;
      const after = svd(nsStep(x, 6, 9, NS_COEFFICIENTS[c]), 6, 9).s;
      const mapped = Array.from(before, (s) => Math.abs(nsPolynomial(NS_COEFFICIENTS[c], s))).sort((p, q) => q - p);
      mapped.forEach((s, i) => {
        expect(Math.abs(after[i] - s)).toBeLessThan(1e-12);
      });
    }
  });
  it('cubic Newton–Schulz converges to the polar factor; the quintic stops short of it', () => {
    const g = normalArray(8 * 12, 5);
    const x0 = g.map((v) => v / frobenius(g));
    const cubic = newtonSchulzReference(x0, 8, 12, 30, NS_COEFFICIENTS.cubic);
    expect(cubic.toPolar.at(-1)!).toBeLessThan(1e-10);
    const quintic = newtonSchulzReference(x0, 8, 12, 10, NS_COEFFICIENTS.quintic);
    expect(quintic.toPolar.at(-1)!).toBeGreaterThan(0.05);
    expect(quintic.toPolar.at(-1)!).toBeLessThan(0.5);
    // The forward bound grows but stays small for a few steps.
    expect(cubic.forwardBound[4]).toBeLessThan(1e-4);
  });
  it('square roots: coupled Newton–Schulz and Denman–Beavers converge to A^{1/2}; Taylor coefficients of (1 − z)^{1/2}', () => {
    const n = 10;
    const a = spdMatrix(n, 10, randomOrthogonal(n, 7));
    const scale = frobenius(a);
    const ns = sqrtNsReference(a, n, scale, 20);
    expect(ns.toRoot.at(-1)!).toBeLessThan(1e-12);
    const root = symmetricFunction(a, n, (l) => Math.sqrt(l / scale)).value;
    expect(
      frobeniusDiff(
        matmul64(root, root, n, n, n),
        Float64Array.from(a, (v) => v / scale),
      ),
    ).toBeLessThan(1e-12);
    expect(denmanBeavers(a, n, scale, 12, root).at(-1)!).toBeLessThan(1e-12);
    expect(taylorSqrtCoefficients(4)).toEqual([1, -0.5, -0.125, -0.0625]);
    const z = Float64Array.from(a, (v, i) => (i % (n + 1) === 0 ? 1 : 0) - v / scale);
    const taylor = taylorSqrtReference(z, n, 200);
    expect(taylor.toRoot.at(-1)!).toBeLessThan(taylor.toRoot[0]);
  });
  it('bf16 rounding is nearest-even on the float32 bits', () => {
    expect(roundBf16(1 + 2 ** -8)).toBe(1); // halfway: to even
    expect(roundBf16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
    expect(roundBf16(1.5)).toBe(1.5);
  });
});

describe('crossover', () => {
  it('interpolates where the time ratio changes sign, and says when it does not', () => {
    const c = crossoverOf([
      { x: 128, structured: 2, dense: 1 },
      { x: 256, structured: 2, dense: 2 * 1.0001 },
      { x: 512, structured: 3, dense: 8 },
    ]);
    expect(c.x).toBeGreaterThan(128);
    expect(c.x).toBeLessThanOrEqual(256);
    expect(
      crossoverOf([
        { x: 1, structured: 1, dense: 2 },
        { x: 2, structured: 1, dense: 3 },
      ]).x,
    ).toBeNull();
    // Noise at the small end: the last crossing counts, and the earlier one is mentioned.
    const noisy = crossoverOf([
      { x: 64, structured: 1, dense: 2 },
      { x: 128, structured: 2, dense: 1 },
      { x: 256, structured: 2, dense: 1.9 },
      { x: 512, structured: 2, dense: 4 },
    ]);
    expect(noisy.x).toBeGreaterThan(256);
    expect(noisy.x).toBeLessThan(512);
    expect(noisy.note).toMatch(/also crossed/);
    expect(crossoverOf([{ x: 1, structured: 1, dense: 2 }]).note).toMatch(/two points/);
  });
});
