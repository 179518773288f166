// Sparse × sparse products (SpGEMM), row by row (Gustavson's row-wise formulation): row i of
// C = A·B is Σ_k a(i,k)·B(k,:), a merge of the rows of B that A's row i selects. What a row-wise
// kernel must handle: the partial products of each row, how many of them land on the same column
// (they are summed), and the distinct columns that remain (the non-zeros of C).
//
// Output layout, shared by the hash and the sort-based kernels: row i owns
//   slots slotPtr[i] … slotPtr[i+1] − 1, one slot per possible non-zero, min(N, products(i)) of
//   them (the allocation an upper bound gives before the merge; a two-phase SpGEMM would count
//   first). Each slot is a (column, value) pair of float32; the row's non-zeros come first, in
//   increasing column order (as CSR stores a row), then empty slots marked (−1, 0).
// The reference is the same layout in float64: columns exact (bound 0), each value within
// γ_p·Σ|a·b| of the truth where p is the number of partial products summed into it, empty slots
// exactly (−1, 0).
import { gamma, F32_UNIT_ROUNDOFF } from './metrics';
import { deriveSeed } from './prng';
import type { Csr } from './sparseFormats';
import { applyPattern, nonZeroUniformArray, pruneRandom, type PatternSpec } from './sparsePatterns';

/** A (M×K, the pattern of `specA`) and B (K×N, uniformly random at densityB), dense with their zeros. */
export function makeSpgemmProblem(M: number, N: number, K: number, specA: PatternSpec, densityB: number, seed: number): { a: Float32Array; b: Float32Array } {
  // A is made exactly as makeSparseProblem makes it, so the lab's spy plot of A is this A.
  const a = applyPattern(nonZeroUniformArray(M * K, deriveSeed(seed, 0)), M, K, specA, deriveSeed(seed, 1));
  const b = pruneRandom(nonZeroUniformArray(K * N, deriveSeed(seed, 2)), K, N, densityB, deriveSeed(seed, 3));
  return { a, b };
}

/** Partial products of each row of C: Σ over the non-zeros a(i,k) of row i of nnz(B(k,:)). */
export function productsPerRow(a: Csr, b: Csr): Uint32Array {
  const out = new Uint32Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let p = 0;
    for (let q = a.rowPtr[r]; q < a.rowPtr[r + 1]; q++) p += b.rowPtr[a.colIdx[q] + 1] - b.rowPtr[a.colIdx[q]];
    out[r] = p;
  }
  return out;
}

/** Prefix sum of counts: ptr[r] … ptr[r+1] − 1 belong to row r. */
export function prefixOffsets(counts: ArrayLike<number>): Uint32Array {
  const ptr = new Uint32Array(counts.length + 1);
  for (let r = 0; r < counts.length; r++) ptr[r + 1] = ptr[r] + counts[r];
  return ptr;
}

/** Slots of each row in the output layout: min(N, products), a bound on its distinct columns. */
export function slotOffsets(products: Uint32Array, N: number): Uint32Array {
  return prefixOffsets(Array.from(products, (p) => Math.min(N, p)));
}

/** C = A·B in float64 as CSR (columns sorted), with what the bounds need per non-zero. */
export interface SpgemmTruth {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  col: Uint32Array;
  value: Float64Array;
  /** Σ|a·b| of the partial products summed into each non-zero. */
  absSum: Float64Array;
  /** How many partial products were summed into each non-zero. */
  hits: Uint32Array;
}

/**
 * C = A·B in float64 (float32 products are exact in float64), row by row with a dense
 * accumulator of N entries (Gustavson's sparse accumulator), so memory stays O(N + nnz(C)).
 * A non-zero of C is a column hit by at least one partial product, even if they cancel to 0.
 */
export function spgemmTruth(a: Csr, b: Csr): SpgemmTruth {
  const M = a.rows;
  const N = b.cols;
  const acc = new Float64Array(N);
  const abs = new Float64Array(N);
  const hitCount = new Uint32Array(N);
  const rowPtr = new Uint32Array(M + 1);
  const col: number[] = [];
  const value: number[] = [];
  const absSum: number[] = [];
  const hits: number[] = [];
  for (let r = 0; r < M; r++) {
    const touched: number[] = [];
    for (let q = a.rowPtr[r]; q < a.rowPtr[r + 1]; q++) {
      const k = a.colIdx[q];
      const av = a.values[q];
      for (let s = b.rowPtr[k]; s < b.rowPtr[k + 1]; s++) {
        const j = b.colIdx[s];
        const prod = av * b.values[s];
        if (hitCount[j]++ === 0) touched.push(j);
        acc[j] += prod;
        abs[j] += Math.abs(prod);
      }
    }
    touched.sort((x, y) => x - y);
    for (const j of touched) {
      col.push(j);
      value.push(acc[j]);
      absSum.push(abs[j]);
      hits.push(hitCount[j]);
      acc[j] = 0;
      abs[j] = 0;
      hitCount[j] = 0;
    }
    rowPtr[r + 1] = col.length;
  }
  return {
    rows: M,
    cols: N,
    rowPtr,
    col: Uint32Array.from(col),
    value: Float64Array.from(value),
    absSum: Float64Array.from(absSum),
    hits: Uint32Array.from(hits),
  };
}

/** Distinct columns (non-zeros of C) per row. */
export function distinctPerRow(truth: SpgemmTruth): Uint32Array {
  return Uint32Array.from({ length: truth.rows }, (_, r) => truth.rowPtr[r + 1] - truth.rowPtr[r]);
}

/** The bound of one entry summed from `hits` float32 products, in any order (Higham §3.1), plus u·|c|. */
function entryBound(hits: number, absSum: number, c: number): number {
  return hits === 0 ? 0 : gamma(hits) * absSum + F32_UNIT_ROUNDOFF * Math.abs(c);
}

/** The reference in the slotted (column, value) layout described at the top of this file. */
export function slottedReference(truth: SpgemmTruth, slotPtr: Uint32Array): { values: Float64Array; bound: Float64Array } {
  const M = truth.rows;
  const values = new Float64Array(2 * slotPtr[M]);
  const bound = new Float64Array(values.length);
  for (let r = 0; r < M; r++) {
    let slot = slotPtr[r];
    for (let p = truth.rowPtr[r]; p < truth.rowPtr[r + 1]; p++, slot++) {
      values[2 * slot] = truth.col[p];
      values[2 * slot + 1] = truth.value[p];
      bound[2 * slot + 1] = entryBound(truth.hits[p], truth.absSum[p], truth.value[p]);
    }
    for (; slot < slotPtr[r + 1]; slot++) values[2 * slot] = -1;
  }
  return { values, bound };
}

/**
 * The reference as a dense M×N matrix (the dense product's layout). Zeros of A and B add exact
 * zeros (0·b = 0 and x + 0 = x), so an entry's bound counts only its partial products, and an
 * entry no product reaches must be exactly 0.
 */
export function denseReference(truth: SpgemmTruth): { values: Float64Array; bound: Float64Array } {
  const N = truth.cols;
  const values = new Float64Array(truth.rows * N);
  const bound = new Float64Array(values.length);
  for (let r = 0; r < truth.rows; r++) {
    for (let p = truth.rowPtr[r]; p < truth.rowPtr[r + 1]; p++) {
      values[r * N + truth.col[p]] = truth.value[p];
      bound[r * N + truth.col[p]] = entryBound(truth.hits[p], truth.absSum[p], truth.value[p]);
    }
  }
  return { values, bound };
}

/** Smallest power of two ≥ n (1 for n ≤ 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The (j, k) pairs of a bitonic sorting network on n = 2^m elements, in the order they run. */
export function bitonicPasses(n: number): [j: number, k: number][] {
  const passes: [number, number][] = [];
  for (let k = 2; k <= n; k *= 2) for (let j = k / 2; j >= 1; j /= 2) passes.push([j, k]);
  return passes;
}

/** A CSR as the kernels read it: rowPtr, and (column, value bits) interleaved as u32. */
export function csrEntries(csr: Csr): Uint32Array {
  const out = new Uint32Array(2 * csr.colIdx.length);
  const bits = new Uint32Array(csr.values.buffer, csr.values.byteOffset, csr.values.length);
  for (let p = 0; p < csr.colIdx.length; p++) {
    out[2 * p] = csr.colIdx[p];
    out[2 * p + 1] = bits[p];
  }
  return out;
}
