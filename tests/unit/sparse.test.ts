import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/numerics/prng';
import {
  bsrBytes,
  bsrToDense,
  csrBytes,
  csrToDense,
  denseToBsr,
  denseToCsr,
  denseToNM,
  nmBytes,
  nmToDense,
  packNibbles,
} from '../../src/numerics/sparseFormats';
import { applyPattern, nonZeroUniformArray, type PatternSpec } from '../../src/numerics/sparsePatterns';
import { clusterPermutation, permuteMatrix, unpermuteRows } from '../../src/numerics/sparsePermutation';
import { spmmReference } from '../../src/numerics/sparseReference';
import { countNonEmptyBlocks, countNonZeros, crossoverDensity, rowCounts, satisfiesNM } from '../../src/numerics/sparseStats';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function pattern(rows: number, cols: number, spec: PatternSpec, seed = 3): Float32Array {
  return applyPattern(nonZeroUniformArray(rows * cols, deriveSeed(seed, 0)), rows, cols, spec, deriveSeed(seed, 1));
}

const SHAPES: [number, number][] = [
  [1, 1],
  [7, 13],
  [33, 65],
  [64, 48],
];

const SPECS: PatternSpec[] = [
  { kind: 'random', density: 0.1 },
  { kind: 'random', density: 0 },
  { kind: 'random', density: 1 },
  { kind: 'magnitude', density: 0.25 },
  { kind: 'skewed', density: 0.2 },
  { kind: 'block', density: 0.3, block: 4 },
  { kind: 'block-shuffled', density: 0.3, block: 8 },
  { kind: 'nm', density: 0.5, n: 2, m: 4 },
  { kind: 'nm', density: 0.25, n: 1, m: 4 },
  { kind: 'nm', density: 0.5, n: 4, m: 8 },
];

describe('sparse patterns', () => {
  it('values are never zero, and the same seed gives the same bits', () => {
    const a = nonZeroUniformArray(100000, 5);
    expect(countNonZeros(a)).toBe(100000);
    expect(bits(a)).toEqual(bits(nonZeroUniformArray(100000, 5)));
    expect(Math.max(...a)).toBeLessThan(1);
    expect(Math.min(...a)).toBeGreaterThan(-1);
  });

  it('random and magnitude keep exactly round(density·n) entries', () => {
    for (const d of [0, 0.01, 0.1, 0.5, 1]) {
      expect(countNonZeros(pattern(37, 53, { kind: 'random', density: d }))).toBe(Math.round(d * 37 * 53));
      expect(countNonZeros(pattern(37, 53, { kind: 'magnitude', density: d }))).toBe(Math.round(d * 37 * 53));
    }
  });

  it('magnitude pruning keeps the largest magnitudes', () => {
    const dense = nonZeroUniformArray(40 * 40, 9);
    const pruned = applyPattern(dense, 40, 40, { kind: 'magnitude', density: 0.1 }, 1);
    let minKept = Infinity;
    let maxDropped = 0;
    for (let i = 0; i < dense.length; i++) {
      if (pruned[i] !== 0) minKept = Math.min(minKept, Math.abs(dense[i]));
      else maxDropped = Math.max(maxDropped, Math.abs(dense[i]));
    }
    expect(minKept).toBeGreaterThanOrEqual(maxDropped);
  });

  it('N:M patterns satisfy the constraint, keep the largest of each group, and keep n per full group', () => {
    for (const [n, m] of [
      [2, 4],
      [1, 4],
      [4, 8],
    ]) {
      for (const [rows, cols] of SHAPES) {
        const dense = nonZeroUniformArray(rows * cols, 4);
        const a = applyPattern(dense, rows, cols, { kind: 'nm', density: n / m, n, m }, 0);
        expect(satisfiesNM(a, rows, cols, n, m)).toBe(true);
        const fullGroups = Math.floor(cols / m);
        const tail = cols - fullGroups * m;
        expect(countNonZeros(a)).toBe(rows * (fullGroups * n + Math.min(n, tail)));
        // In every group, each kept |value| is at least each dropped one.
        for (let r = 0; r < rows; r++) {
          for (let g = 0; g < cols; g += m) {
            let minKept = Infinity;
            let maxDropped = 0;
            for (let j = g; j < Math.min(cols, g + m); j++) {
              const v = Math.abs(dense[r * cols + j]);
              if (a[r * cols + j] !== 0) minKept = Math.min(minKept, v);
              else maxDropped = Math.max(maxDropped, v);
            }
            expect(minKept).toBeGreaterThanOrEqual(maxDropped);
          }
        }
      }
    }
    // The check itself can fail.
    const three = new Float32Array([1, 1, 1, 0]);
    expect(satisfiesNM(three, 1, 4, 2, 4)).toBe(false);
    expect(() => denseToNM(three, 1, 4, 2, 4)).toThrow(/not 2:4/);
  });

  it('block patterns fill whole blocks; skewed rows are skewed', () => {
    const a = pattern(64, 64, { kind: 'block', density: 0.25, block: 8 });
    expect(countNonEmptyBlocks(a, 64, 64, 8)).toBe(16);
    expect(countNonZeros(a)).toBe(16 * 64);
    const s = pattern(256, 256, { kind: 'skewed', density: 0.05 });
    const counts = Array.from(rowCounts(s, 256, 256));
    expect(Math.max(...counts)).toBeGreaterThan(20 * (counts.reduce((x, y) => x + y, 0) / 256));
  });
});

describe('sparse formats convert both ways exactly', () => {
  for (const [rows, cols] of SHAPES) {
    for (const spec of SPECS) {
      it(`${spec.kind} ${spec.n ? `${spec.n}:${spec.m}` : spec.density} ${rows}×${cols}`, () => {
        const a = pattern(rows, cols, spec);
        const csr = denseToCsr(a, rows, cols);
        expect(bits(csrToDense(csr))).toEqual(bits(a));
        expect(csr.rowPtr[rows]).toBe(countNonZeros(a));
        for (const [br, bc] of [
          [4, 4],
          [8, 8],
          [3, 5],
          [32, 32],
        ]) {
          const bsr = denseToBsr(a, rows, cols, br, bc);
          expect(bits(bsrToDense(bsr))).toEqual(bits(a));
          expect(bsr.blockColIdx.length).toBe(countNonEmptyBlocks(a, rows, cols, br, bc));
        }
        if (spec.kind === 'nm') {
          const nm = denseToNM(a, rows, cols, spec.n!, spec.m!);
          expect(bits(nmToDense(nm))).toEqual(bits(a));
          expect(Math.max(0, ...nm.indices)).toBeLessThan(spec.m!);
        }
      });
    }
  }

  it('empty rows, a fully empty and a fully dense matrix', () => {
    const empty = new Float32Array(5 * 7);
    const csr = denseToCsr(empty, 5, 7);
    expect(Array.from(csr.rowPtr)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(bits(csrToDense(csr))).toEqual(bits(empty));
    expect(denseToBsr(empty, 5, 7, 4, 4).blockColIdx.length).toBe(0);
    expect(bits(nmToDense(denseToNM(empty, 5, 7, 2, 4)))).toEqual(bits(empty));

    const dense = nonZeroUniformArray(5 * 7, 1);
    expect(denseToCsr(dense, 5, 7).values.length).toBe(35);
    expect(denseToBsr(dense, 5, 7, 4, 4).blockColIdx.length).toBe(4);

    const holes = Float32Array.from(dense);
    holes.fill(0, 7, 21); // rows 1 and 2 empty
    const h = denseToCsr(holes, 5, 7);
    expect(h.rowPtr[1]).toBe(h.rowPtr[3]);
    expect(bits(csrToDense(h))).toEqual(bits(holes));
  });

  it('nibble packing holds each index in 4 bits', () => {
    const idx = Uint8Array.from({ length: 19 }, (_, i) => (i * 5) % 16);
    const packed = packNibbles(idx);
    expect(packed.length).toBe(3);
    for (let i = 0; i < idx.length; i++) expect((packed[i >>> 3] >>> (4 * (i & 7))) & 0xf).toBe(idx[i]);
  });

  it('bytes stored against dense', () => {
    // 1024×1024 at 10%: CSR 4·1025 + 8·104858; dense 4 MiB.
    expect(csrBytes(1024, 104858)).toBe(4 * 1025 + 8 * 104858);
    expect(bsrBytes(1024, 16, 16, 100)).toBe(4 * 65 + 4 * 100 + 4 * 256 * 100);
    // 2:4 keeps half the values plus 4 bits per kept value: 0.5625 of dense.
    expect(nmBytes(1024, 1024, 2, 4) / (4 * 1024 * 1024)).toBe(0.5625);
  });
});

describe('clustering permutation', () => {
  it('finds the hidden blocks of a shuffled block-sparse matrix and preserves the product', () => {
    const rows = 64;
    const cols = 96;
    const n = 5;
    const a = pattern(rows, cols, { kind: 'block-shuffled', density: 0.15, block: 8 });
    const perm = clusterPermutation(a, rows, cols, 8);
    expect(perm.blocksBefore).toBe(countNonEmptyBlocks(a, rows, cols, 8));
    expect(perm.improved).toBe(true);
    // 15% of 8×12 blocks = 14 blocks hidden; the shuffled matrix touches far more.
    expect(perm.blocksAfter).toBeLessThanOrEqual(Math.round(0.15 * 96) * 2);
    expect(perm.blocksAfter).toBeLessThan(perm.blocksBefore / 2);
    expect(Array.from(perm.rowPerm).sort((x, y) => x - y)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(Array.from(perm.colPerm).sort((x, y) => x - y)).toEqual(Array.from({ length: cols }, (_, i) => i));

    // (P·A·Qᵀ)·(Q·B) = P·(A·B): multiply the permuted matrix by B with rows permuted like A's
    // columns, undo the row permutation, and compare with A·B. Integer-valued B keeps it exact.
    const b = Float32Array.from({ length: cols * n }, (_, i) => ((i * 7) % 11) - 5);
    const ai = a.map((v) => Math.round(v * 8));
    const pa = permuteMatrix(ai, rows, cols, perm.rowPerm, perm.colPerm);
    const pb = permuteMatrix(
      b,
      cols,
      n,
      perm.colPerm,
      Uint32Array.from({ length: n }, (_, i) => i),
    );
    const direct = spmmReference(denseToCsr(ai, rows, cols), b, n).c;
    const viaPerm = unpermuteRows(spmmReference(denseToCsr(pa, rows, cols), pb, n).c, rows, n, perm.rowPerm);
    expect(Array.from(viaPerm)).toEqual(Array.from(direct));
    expect(countNonZeros(pa)).toBe(countNonZeros(ai));
  });

  it('never makes things worse, and handles empty and dense matrices', () => {
    for (const spec of SPECS) {
      const a = pattern(40, 40, spec);
      const perm = clusterPermutation(a, 40, 40, 4);
      expect(perm.blocksAfter).toBeLessThanOrEqual(perm.blocksBefore);
      expect(countNonEmptyBlocks(permuteMatrix(a, 40, 40, perm.rowPerm, perm.colPerm), 40, 40, 4)).toBe(perm.blocksAfter);
    }
    expect(clusterPermutation(new Float32Array(30), 5, 6, 4).blocksAfter).toBe(0);
  });
});

describe('float64 reference SpMM', () => {
  it('matches a dense triple loop, with Σ|a·b|', () => {
    const rows = 9;
    const k = 11;
    const n = 4;
    const a = pattern(rows, k, { kind: 'random', density: 0.3 });
    const b = nonZeroUniformArray(k * n, 2);
    const { c, absSum } = spmmReference(denseToCsr(a, rows, k), b, n);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
          t += Math.abs(a[i * k + p] * b[p * n + j]);
        }
        expect(c[i * n + j]).toBeCloseTo(s, 14);
        expect(absSum[i * n + j]).toBeCloseTo(t, 14);
      }
    }
  });
});

describe('crossover density', () => {
  it('interpolates where the sparse time meets the dense time', () => {
    const pts = [
      { density: 1, seconds: 1 },
      { density: 10, seconds: 4 },
      { density: 50, seconds: 20 },
    ];
    // Dense takes 12: between 10% (4) and 50% (20), halfway → 30%.
    expect(crossoverDensity(pts, 12)).toBeCloseTo(30, 12);
    expect(crossoverDensity(pts, 100)).toBe(Infinity);
    expect(crossoverDensity(pts, 0.5)).toBe(-Infinity);
    expect(crossoverDensity(pts.slice(0, 1), 3)).toBeNull();
  });
});

describe('work model', () => {
  it('nominal non-zeros match the generated pattern (exact except uneven block tilings)', async () => {
    const { nominalNnz } = await import('../../src/kernels/sparse/common');
    const { makeSparseProblem, patternSpecOf } = await import('../../src/numerics/sparsePatterns');
    for (const pattern of ['random', 'magnitude', 'skewed', 'block', 'block-shuffled', 'nm24', 'nm14', 'nm48']) {
      for (const [M, K] of [
        [64, 64],
        [37, 53],
      ]) {
        for (const density of [0, 3, 50, 100]) {
          const params = { M, N: 1, K, density, pattern, block: 8 };
          const { a } = makeSparseProblem(M, 1, K, patternSpecOf(params), 5);
          const exact = !(pattern.startsWith('block') && (M % 8 !== 0 || K % 8 !== 0));
          if (exact) expect(nominalNnz(M, K, patternSpecOf(params)), `${pattern} ${M}×${K} ${density}%`).toBe(countNonZeros(a));
        }
      }
    }
  });
});
