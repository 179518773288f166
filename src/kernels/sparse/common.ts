// What every sparse variant shares: C = A·B with A sparse (M×K, float32, a seeded pattern) and B
// dense (K×N), the schema fields of that shape and pattern, the typed configuration they decode
// to, the float64 reference with its float32 bound, the work model, and the dense baseline each
// sparse kernel is compared against.
import { F32_UNIT_ROUNDOFF, gamma } from '../../numerics/metrics';
import { denseToCsr } from '../../numerics/sparseFormats';
import { makeSparseProblem, patternSpec, type PatternName, type PatternSpec } from '../../numerics/sparsePatterns';
import { spmmReference } from '../../numerics/sparseReference';
import type { Inputs } from '../define';
import type { BaselineRef } from '../facets';
import { int, oneOf } from '../params';
import { checkBuffers } from '../schema';
import type { DeviceCaps, ReferenceResult, WorkModel } from '../types';
import { sparseExtras } from './extras';

export const PATTERN_OPTIONS: [PatternName, string][] = [
  ['random', 'Unstructured random'],
  ['magnitude', 'Magnitude pruning'],
  ['skewed', 'Skewed rows (Zipf row lengths)'],
  ['block', 'Block sparse'],
  ['block-shuffled', 'Block sparse, rows and columns shuffled'],
  ['nm24', 'N:M 2:4 (50%)'],
  ['nm14', 'N:M 1:4 (25%)'],
  ['nm48', 'N:M 4:8 (50%)'],
];

const M_FIELD = int('M (rows of sparse A and of C)', 512, 1, 8192, { choices: [64, 256, 512, 1024, 2048] });
const N_FIELD = int('N (columns of dense B and of C)', 64, 1, 4096, { choices: [1, 8, 16, 64, 256, 512] });
const K_FIELD = int('K (columns of A, rows of B)', 512, 1, 8192, { choices: [64, 256, 512, 1024, 2048] });
const PATTERN_FIELDS = {
  density: int('Density of A (% of entries kept)', 10, 0, 100, { choices: [1, 5, 10, 25, 50, 100], help: 'Ignored by N:M patterns, whose density is N/M.' }),
  pattern: oneOf('Sparsity pattern', 'random', PATTERN_OPTIONS),
  block: int('Pattern block size (block patterns)', 8, 1, 32, { choices: [4, 8, 16, 32] }),
};

/** The fields every SpMM variant's schema starts with: the shape of C = A·B and A's pattern. */
export const SPARSE_SHAPE = { M: M_FIELD, N: N_FIELD, K: K_FIELD, ...PATTERN_FIELDS };

/** The same for y = A·x (SpMV): no N. */
export const SPARSE_VECTOR_SHAPE = { M: M_FIELD, K: K_FIELD, ...PATTERN_FIELDS };

/** Rows of C per workgroup for the row kernels: > 1 keeps lanes busy when N is small. */
export const ROWS_FIELD = int('Rows per workgroup', 1, 1, 256, {
  choices: [1, 4, 8, 64],
  help: 'Invocations per row × rows per workgroup is the workgroup size; use several rows when N is small.',
});

/**
 * What the shape and pattern fields decode to (N is absent for SpMV). The members every variant
 * shares (sparseShared) are functions of these fields alone, so they fit every variant's schema
 * and configuration.
 */
export interface SparseFields {
  M: number;
  N?: number;
  K: number;
  density: number;
  pattern: PatternName;
  block: number;
}

/** The configuration every sparse variant's own configuration extends. */
export interface SparseConfig {
  M: number;
  /** Columns of B and C; 1 for SpMV. */
  N: number;
  K: number;
  /** Percent of entries kept (ignored by N:M patterns). */
  density: number;
  pattern: PatternName;
  block: number;
  /** The pattern as numerics generates it. */
  spec: PatternSpec;
  /** Non-zeros of A from the parameters alone (see nominalNnz). */
  nnz: number;
}

export function sparseConfig(v: SparseFields): SparseConfig {
  const spec = specOf(v);
  return { M: v.M, N: v.N ?? 1, K: v.K, density: v.density, pattern: v.pattern, block: v.block, spec, nnz: nominalNnz(v.M, v.K, spec) };
}

/** The pattern the fields describe. */
export function specOf(v: SparseFields): PatternSpec {
  return patternSpec(v.pattern, v.density, v.block);
}

/**
 * Non-zeros of A from the shape and pattern alone (work() has no seed): exact for every pattern
 * except block patterns whose blocks do not tile M×K evenly, where it is the expected count.
 */
export function nominalNnz(M: number, K: number, spec: PatternSpec): number {
  switch (spec.kind) {
    case 'random':
    case 'magnitude':
      return Math.round(spec.density * M * K);
    case 'skewed': {
      let h = 0;
      for (let i = 0; i < M; i++) h += 1 / (i + 1);
      let total = 0;
      // The same expression as skewedRowLengths, so the rounding agrees.
      for (let i = 0; i < M; i++) total += Math.min(K, Math.round((spec.density * M * K * (1 / (i + 1))) / h));
      return total;
    }
    case 'block':
    case 'block-shuffled': {
      const b = spec.block ?? 8;
      const nb = Math.ceil(M / b) * Math.ceil(K / b);
      return Math.round((Math.round(spec.density * nb) * M * K) / nb);
    }
    case 'nm': {
      const n = spec.n ?? 2;
      const m = spec.m ?? 4;
      return M * (Math.floor(K / m) * n + Math.min(n, K % m));
    }
  }
}

/**
 * The float64 truth and its bound. Row i of C is a sum of nnz(i) products (a kernel may also add
 * exact zeros: 0·b = 0 and x + 0 = x are exact, so they add no error). In float32, any order
 * and any grouping of the sum gives |error| ≤ γ_nnz(i)·Σ|a·b| (Higham §3.1), plus u·|c| for
 * rounding the result; fused multiply-adds only tighten this.
 */
export function sparseReference({ M, N = 1, K }: SparseFields, inputs: Inputs): ReferenceResult {
  const csr = denseToCsr(inputs.a as Float32Array, M, K);
  const { c, absSum } = spmmReference(csr, inputs.b as Float32Array, N);
  const bound = new Float64Array(c.length);
  let maxRow = 0;
  for (let r = 0; r < M; r++) {
    const nnz = csr.rowPtr[r + 1] - csr.rowPtr[r];
    maxRow = Math.max(maxRow, nnz);
    const g = gamma(nnz);
    for (let j = 0; j < N; j++) bound[r * N + j] = g * absSum[r * N + j] + F32_UNIT_ROUNDOFF * Math.abs(c[r * N + j]) + 1e-30;
  }
  return {
    values: c,
    bound,
    boundNote: `|error| ≤ γ_nnz(row)·Σ|a·b| per row (largest row: ${maxRow} non-zeros, γ ≈ ${gamma(maxRow).toExponential(2)})`,
    rows: M,
    cols: N,
  };
}

/** Useful work: 2·nnz·N flops (every variant, dense included, so GFLOP/s compare like time). */
export function sparseWork(cfg: SparseConfig, formatBytes: number): WorkModel {
  return { flops: 2 * cfg.nnz * cfg.N, bytes: formatBytes + 4 * cfg.K * cfg.N + 4 * cfg.M * cfg.N };
}

export function sparseShapeLabel(v: SparseFields): string {
  const spec = specOf(v);
  const density = spec.kind === 'nm' ? `${spec.n}:${spec.m}` : `${v.density}%`;
  return `${v.M}×${v.N ?? 1}×${v.K} ${spec.kind} ${density}`;
}

/** Buffer limits for A in its format (`aBuffers`), B and C. */
export function sparseBufferProblems(cfg: SparseConfig, caps: DeviceCaps, aBuffers: [string, number][]): string[] {
  return checkBuffers(caps, [...aBuffers, ['B', 4 * cfg.K * cfg.N], ['C', 4 * cfg.M * cfg.N]]);
}

/**
 * A dispatch of `count` workgroups laid out on a 2-D grid when one axis is not enough; the
 * shader rebuilds the index as wid.x + wid.y·gridX and returns when it is ≥ count.
 */
export function gridFor(count: number, caps: DeviceCaps): { workgroups: [number, number]; gridX: number } {
  const maxX = caps.limits.maxComputeWorkgroupsPerDimension;
  const gridX = Math.max(1, Math.min(count, maxX));
  return { workgroups: [gridX, Math.max(1, Math.ceil(count / gridX))], gridX };
}

export function checkGrid(count: number, caps: DeviceCaps, what: string): string[] {
  const maxX = caps.limits.maxComputeWorkgroupsPerDimension;
  return Math.ceil(count / maxX) > maxX ? [`${what} needs ${count} workgroups; this device allows ${maxX}×${maxX}`] : [];
}

/** The dense variant's id: the family's baseline. */
export const DENSE_ID = 'dense';

/** How the dense baseline runs: its kernel and that kernel's own parameters. */
export type DenseTwin =
  | { kernel: 'rows' | 'rows4'; wg: number; rows: number }
  | { kernel: 'blocked'; bsr: number; tn: number }
  | { kernel: 'skinny'; tm: number; tk: number };

/**
 * The dense experiment a sparse kernel is compared against: the same shape and pattern (the same
 * A, zeros included) run by the dense kernel that does the same work per invocation with every
 * entry of A, so the comparison isolates what the format saves.
 */
export function denseBaseline(cfg: SparseConfig, twin: DenseTwin): BaselineRef {
  return { variant: DENSE_ID, params: { M: cfg.M, N: cfg.N, K: cfg.K, density: cfg.density, pattern: cfg.pattern, block: cfg.block, ...twin } };
}

/** The members every sparse variant takes as they are. */
export const sparseShared = {
  family: 'sparse' as const,
  inputs: (v: SparseFields, seed: number): Inputs => makeSparseProblem(v.M, v.N ?? 1, v.K, specOf(v), seed),
  reference: sparseReference,
  shape: sparseShapeLabel,
  // The permutation table also shows the variant's own BSR block size, where it has one.
  extras: (v: SparseFields & { bsr?: number }, inputs: Inputs) =>
    sparseExtras({ M: v.M, N: v.N ?? 1, K: v.K, spec: specOf(v) }, inputs.a as Float32Array, v.bsr),
};
