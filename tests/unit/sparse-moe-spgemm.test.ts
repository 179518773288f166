// The numerics behind the MoE and SpGEMM variants: routing, grouping, row blocks and the cost of
// each layout; partial products, the float64 product with its hit counts, the slotted output
// layout, and the bitonic network the sort-based merge runs.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/numerics/prng';
import { expertCounts, expertShares, groupByExpert, moeCosts, moeReference, routeTokens, rowBlocks } from '../../src/numerics/sparseMoe';
import { denseToCsr } from '../../src/numerics/sparseFormats';
import { bitonicPasses, denseReference, nextPow2, productsPerRow, slotOffsets, slottedReference, spgemmTruth } from '../../src/numerics/sparseSpgemm';
import { gamma } from '../../src/numerics/metrics';

describe('MoE routing', () => {
  it('shares: uniform at skew 0, all to one expert at 100, each (1 − skew) of the next busier one between', () => {
    expect(Array.from(expertShares(4, 0, 1))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const all = Array.from(expertShares(5, 100, 1));
    expect(all.filter((s) => s === 1)).toHaveLength(1);
    expect(all.filter((s) => s === 0)).toHaveLength(4);
    const half = Array.from(expertShares(6, 50, 3)).sort((a, b) => b - a);
    expect(half.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    for (let i = 1; i < 6; i++) expect(half[i] / half[i - 1]).toBeCloseTo(0.5, 14);
  });

  it('routing is seeded, and its counts follow the shares', () => {
    expect(Array.from(routeTokens(100, 8, 20, 9))).toEqual(Array.from(routeTokens(100, 8, 20, 9)));
    expect(Array.from(routeTokens(100, 8, 20, 9))).not.toEqual(Array.from(routeTokens(100, 8, 20, 10)));
    expect(new Set(routeTokens(50, 7, 100, 4)).size).toBe(1);
    // Uniform: each of 8 counts within 5 standard deviations of T/8.
    const T = 8000;
    const counts = expertCounts(routeTokens(T, 8, 0, 2), 8);
    const sd = Math.sqrt(T * (1 / 8) * (7 / 8));
    for (const c of counts) expect(Math.abs(c - T / 8)).toBeLessThan(5 * sd);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(T);
  });

  it('grouping by expert is a stable permutation, and row blocks never hold two experts', () => {
    const expertOf = Uint32Array.from([2, 0, 2, 2, 0, 2, 2, 0]);
    const g = groupByExpert(expertOf, 3);
    expect(g.counts).toEqual([3, 0, 5]);
    expect(g.offsets).toEqual([0, 3, 3, 8]);
    expect(Array.from(g.order)).toEqual([1, 4, 7, 0, 2, 3, 5, 6]);
    // Blocks of 2 rows: expert 0 → (0, 0, 2), (0, 2, 1); expert 2 → three blocks from row 3.
    expect(Array.from(rowBlocks(g.counts, 2))).toEqual([0, 0, 2, 0, 2, 1, 2, 3, 2, 2, 5, 2, 2, 7, 1]);
  });

  it('what each layout multiplies, stores and wastes', () => {
    // counts 5, 0, 3; D = 2, F = 3, tiles of 4 rows: T = 8, capacity 5.
    const c = moeCosts([5, 0, 3], 2, 3, 4);
    // Block-sparse: ⌈5/4⌉·4 + ⌈3/4⌉·4 = 12 rows multiplied, 4 of them idle tile rows.
    expect(c.blockSparse).toEqual({ rowsComputed: 12, rowsStored: 8, wastedFlops: 2 * 4 * 2 * 3, wastedBytes: 0, dispatches: 1 });
    // Padded: 3 experts × 5 rows stored, 3 × 8 multiplied; 7 padding rows of X (2) and Y (3) moved.
    expect(c.padded).toEqual({ rowsComputed: 24, rowsStored: 15, wastedFlops: 2 * 16 * 2 * 3, wastedBytes: 4 * 7 * (2 + 3), dispatches: 1 });
    expect(c.perExpert).toEqual({ ...c.blockSparse, dispatches: 2 });
  });

  it('the float64 reference: each token times its expert’s weights, padding rows exactly 0', () => {
    const D = 3;
    const F = 2;
    const x = Float32Array.from([1, 2, 3, -1, 0.5, 2]); // two tokens
    const w = Float32Array.from([1, 0, 0, 1, 1, 1, /* expert 1 */ 2, 0, 0, 2, 2, 2]);
    const g = groupByExpert(Uint32Array.from([1, 0]), 2);
    // Padded to capacity 1: expert e's token at row e.
    const { values, bound } = moeReference(x, w, g, D, F, 2, (_p, e, i) => e + i);
    expect(Array.from(values)).toEqual([-1 + 2, 0.5 + 2, 2 * (1 + 3), 2 * (2 + 3)]);
    expect(bound[0]).toBeCloseTo(gamma(3) * (1 + 2) + 2 ** -24 * 1, 20);
    const padded = moeReference(x, w, groupByExpert(Uint32Array.from([1, 1]), 2), D, F, 4, (_p, e, i) => 2 * e + i);
    expect(Array.from(padded.values.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(padded.bound.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('SpGEMM numerics', () => {
  function randomSparse(rows: number, cols: number, density: number, seed: number): Float32Array {
    const rng = new Rng(seed);
    return Float32Array.from({ length: rows * cols }, () => (rng.nextUnit() < density ? rng.uniform(-1, 1) || 0.5 : 0));
  }

  it('partial products, the float64 product and its hit counts match a dense triple loop', () => {
    const [M, K, N] = [9, 7, 11];
    const a = randomSparse(M, K, 0.4, 1);
    const b = randomSparse(K, N, 0.4, 2);
    const A = denseToCsr(a, M, K);
    const B = denseToCsr(b, K, N);
    const products = productsPerRow(A, B);
    const truth = spgemmTruth(A, B);
    const dense = denseReference(truth);
    for (let i = 0; i < M; i++) {
      let p = 0;
      for (let j = 0; j < N; j++) {
        let c = 0;
        let hits = 0;
        for (let k = 0; k < K; k++) {
          if (a[i * K + k] !== 0 && b[k * N + j] !== 0) {
            c += a[i * K + k] * b[k * N + j];
            hits++;
          }
        }
        p += hits;
        expect(dense.values[i * N + j]).toBeCloseTo(c, 12);
        if (hits === 0) expect(dense.bound[i * N + j]).toBe(0);
        else expect(dense.bound[i * N + j]).toBeGreaterThan(0);
      }
      expect(products[i]).toBe(p);
    }
  });

  it('a column whose products cancel is still a non-zero of C, and the slotted layout pads with (−1, 0)', () => {
    // Row 0: a(0,0)·b(0,:) + a(0,1)·b(1,:) with b(0,2) = 1, b(1,2) = −1 → C(0,2) = 0 from 2 products.
    const A = denseToCsr(Float32Array.from([1, 1, 0, 0]), 2, 2);
    const B = denseToCsr(Float32Array.from([0, 0.5, 1, 0, 0, -1]), 2, 3);
    const truth = spgemmTruth(A, B);
    expect(Array.from(truth.col)).toEqual([1, 2]);
    expect(Array.from(truth.hits)).toEqual([1, 2]);
    expect(Array.from(truth.value)).toEqual([0.5, 0]);
    const products = productsPerRow(A, B);
    expect(Array.from(products)).toEqual([3, 0]);
    const slotPtr = slotOffsets(products, 3);
    expect(Array.from(slotPtr)).toEqual([0, 3, 3]);
    const { values, bound } = slottedReference(truth, slotPtr);
    expect(Array.from(values)).toEqual([1, 0.5, 2, 0, -1, 0]);
    // Columns and empty slots exact; values within γ_p·Σ|a·b| + u·|c|.
    expect(Array.from(bound)).toEqual([0, gamma(1) * 0.5 + 2 ** -24 * 0.5, 0, gamma(2) * 2, 0, 0]);
  });

  it('the bitonic passes, run in order as the kernel runs them, sort any sequence of a power-of-two length', () => {
    expect(nextPow2(0)).toBe(1);
    expect(nextPow2(5)).toBe(8);
    expect(nextPow2(64)).toBe(64);
    for (const n of [2, 8, 64]) {
      const m = Math.log2(n);
      expect(bitonicPasses(n)).toHaveLength((m * (m + 1)) / 2);
      const rng = new Rng(n);
      const keys = Array.from({ length: n }, () => rng.nextU32() % 10);
      for (const [j, k] of bitonicPasses(n)) {
        for (let i = 0; i < n; i++) {
          const partner = i ^ j;
          if (partner <= i) continue;
          const ascending = (i & k) === 0;
          if (keys[i] > keys[partner] === ascending) [keys[i], keys[partner]] = [keys[partner], keys[i]];
        }
      }
      expect(keys).toEqual([...keys].sort((x, y) => x - y));
    }
  });
});
