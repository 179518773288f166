// What every sparse variant shares: C = A·B with A sparse (M×K, float32, a seeded pattern) and B
// dense (K×N), the float64 reference with its float32 bound, the work model, and the extras the
// sparsity lab draws (pattern, row lengths, bytes per format, blocks before/after permutation).
import { F32_UNIT_ROUNDOFF, gamma } from '../../numerics/metrics';
import {
  bsrBytes,
  clusterPermutation,
  countNonEmptyBlocks,
  csrBytes,
  denseToCsr,
  makeSparseProblem,
  nmBytes,
  nmBytesHardware,
  patternSpecOf,
  rowCounts,
  spmmReference,
  type PatternName,
} from '../../numerics/sparse';
import { checkBuffers, intParam } from '../schema';
import type { DeviceCaps, HostArray, ParamDef, Params, ReferenceResult, WorkModel } from '../types';

export const PATTERN_OPTIONS: { value: PatternName; label: string }[] = [
  { value: 'random', label: 'Unstructured random' },
  { value: 'magnitude', label: 'Magnitude pruning' },
  { value: 'skewed', label: 'Skewed rows (Zipf row lengths)' },
  { value: 'block', label: 'Block sparse' },
  { value: 'block-shuffled', label: 'Block sparse, rows and columns shuffled' },
  { value: 'nm24', label: 'N:M 2:4 (50%)' },
  { value: 'nm14', label: 'N:M 1:4 (25%)' },
  { value: 'nm48', label: 'N:M 4:8 (50%)' },
];

export function shapeParams(withN = true): ParamDef[] {
  return [
    { key: 'M', label: 'M (rows of sparse A and of C)', kind: 'int', default: 512, min: 1, max: 8192, choices: [64, 256, 512, 1024, 2048] },
    ...(withN
      ? [{ key: 'N', label: 'N (columns of dense B and of C)', kind: 'int', default: 64, min: 1, max: 4096, choices: [1, 8, 16, 64, 256, 512] } as ParamDef]
      : []),
    { key: 'K', label: 'K (columns of A, rows of B)', kind: 'int', default: 512, min: 1, max: 8192, choices: [64, 256, 512, 1024, 2048] },
    {
      key: 'density',
      label: 'Density of A (% of entries kept)',
      kind: 'int',
      default: 10,
      min: 0,
      max: 100,
      choices: [1, 5, 10, 25, 50, 100],
      help: 'Ignored by N:M patterns, whose density is N/M.',
    },
    { key: 'pattern', label: 'Sparsity pattern', kind: 'enum', default: 'random', options: PATTERN_OPTIONS },
    { key: 'block', label: 'Pattern block size (block patterns)', kind: 'int', default: 8, min: 1, max: 32, choices: [4, 8, 16, 32] },
  ];
}

/** Rows of C per workgroup for the row kernels: > 1 keeps lanes busy when N is small. */
export const ROWS_PARAM: ParamDef = {
  key: 'rows',
  label: 'Rows per workgroup',
  kind: 'int',
  default: 1,
  min: 1,
  max: 256,
  choices: [1, 4, 8, 64],
  help: 'Invocations per row × rows per workgroup is the workgroup size; use several rows when N is small.',
};

export interface SparseShape {
  M: number;
  N: number;
  K: number;
}

export function shapeOf(params: Params): SparseShape {
  return { M: intParam(params, 'M'), N: 'N' in params ? intParam(params, 'N') : 1, K: intParam(params, 'K') };
}

export function makeSparseInputs(params: Params, seed: number): Record<string, HostArray> {
  const { M, N, K } = shapeOf(params);
  return makeSparseProblem(M, N, K, patternSpecOf(params), seed);
}

/**
 * The float64 truth and its bound. Row i of C is a sum of nnz(i) products (a kernel may also add
 * exact zeros: 0·b = 0 and x + 0 = x are exact, so they add no error). In float32, any order
 * and any grouping of the sum gives |error| ≤ γ_nnz(i)·Σ|a·b| (Higham §3.1), plus u·|c| for
 * rounding the result; fused multiply-adds only tighten this.
 */
export function sparseReference(params: Params, inputs: Record<string, HostArray>): ReferenceResult {
  const { M, N, K } = shapeOf(params);
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

/**
 * Non-zeros of A from the parameters alone (work() has no seed): exact for every pattern except
 * block patterns whose blocks do not tile M×K evenly, where it is the expected count.
 */
export function nominalNnz(params: Params): number {
  const { M, K } = shapeOf(params);
  const spec = patternSpecOf(params);
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

/** Useful work: 2·nnz·N flops (every variant, dense included, so GFLOP/s compare like time). */
export function sparseWork(params: Params, formatBytes: number): WorkModel {
  const { M, N, K } = shapeOf(params);
  return { flops: 2 * nominalNnz(params) * N, bytes: formatBytes + 4 * K * N + 4 * M * N };
}

export function sparseShapeLabel(params: Params): string {
  const { M, N, K } = shapeOf(params);
  const spec = patternSpecOf(params);
  const density = spec.kind === 'nm' ? `${spec.n}:${spec.m}` : `${intParam(params, 'density')}%`;
  return `${M}×${N}×${K} ${spec.kind} ${density}`;
}

/** Buffer limits for A in a format of `aBytes`, B and C. */
export function sparseBufferChecks(params: Params, caps: DeviceCaps, aBuffers: [string, number][]): string[] {
  const { M, N, K } = shapeOf(params);
  return checkBuffers(caps, [...aBuffers, ['B', 4 * K * N], ['C', 4 * M * N]]);
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

// ---- extras for the lab panel -------------------------------------------------------------------

/** Above this many entries of A the panel gets the overview grid only (no permutation search). */
export const EXTRAS_DETAIL_LIMIT = 4 * 1024 * 1024;
/** …or more non-zeros than this (the greedy search costs about nnz·96 steps per block size). */
export const EXTRAS_PERMUTATION_NNZ = 512 * 1024;

/** Up to `maxSide`² cells, each the count of non-zeros it covers. */
export function spyGrid(a: Float32Array, rows: number, cols: number, maxSide = 256) {
  const cellRows = Math.max(1, Math.ceil(rows / maxSide));
  const cellCols = Math.max(1, Math.ceil(cols / maxSide));
  const gridRows = Math.ceil(rows / cellRows);
  const gridCols = Math.ceil(cols / cellCols);
  const counts = new Uint32Array(gridRows * gridCols);
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / cellRows) * gridCols;
    for (let c = 0; c < cols; c++) if (a[r * cols + c] !== 0) counts[base + Math.floor(c / cellCols)]++;
  }
  return { gridRows, gridCols, cellRows, cellCols, counts: Array.from(counts) };
}

export interface SparseExtras {
  [key: string]: unknown;
  M: number;
  N: number;
  K: number;
  nnz: number;
  /** Non-zeros of each row (for the load-balance histogram). */
  rowNnz: number[];
  spy: ReturnType<typeof spyGrid>;
  bytes: { format: string; bytes: number; note?: string }[];
  denseBytes: number;
  /** Non-empty blocks before/after the clustering permutation, per block size. */
  permutation: { block: number; before: number; after: number; improved: boolean }[] | null;
  permutationNote?: string;
  /** Flops of the dense product of the same shape (for dense-equivalent GFLOP/s). */
  denseFlops: number;
  usefulFlops: number;
}

export function sparseExtras(params: Params, inputs: Record<string, HostArray>): SparseExtras {
  const { M, N, K } = shapeOf(params);
  const a = inputs.a as Float32Array;
  const counts = rowCounts(a, M, K);
  let nnz = 0;
  for (const c of counts) nnz += c;
  const spec = patternSpecOf(params);
  const bytes: SparseExtras['bytes'] = [{ format: 'Dense', bytes: 4 * M * K }, { format: 'CSR', bytes: csrBytes(M, nnz) }];
  for (const b of [4, 8, 16, 32]) {
    bytes.push({ format: `BSR ${b}×${b}`, bytes: bsrBytes(M, b, b, countNonEmptyBlocks(a, M, K, b)) });
  }
  if (spec.kind === 'nm') {
    bytes.push({ format: `N:M ${spec.n}:${spec.m} (4-bit indices, as the kernel reads)`, bytes: nmBytes(M, K, spec.n!, spec.m!) });
    bytes.push({ format: `N:M ${spec.n}:${spec.m} (log2 m-bit indices, hardware)`, bytes: nmBytesHardware(M, K, spec.n!, spec.m!) });
  }
  let permutation: SparseExtras['permutation'] = null;
  let permutationNote: string | undefined;
  if (M * K <= EXTRAS_DETAIL_LIMIT && nnz <= EXTRAS_PERMUTATION_NNZ) {
    const sizes = [...new Set([4, 8, 16, 32, 'bsr' in params ? intParam(params, 'bsr') : 8])].sort((x, y) => x - y);
    permutation = sizes.map((b) => {
      const p = clusterPermutation(a, M, K, b);
      return { block: b, before: p.blocksBefore, after: p.blocksAfter, improved: p.improved };
    });
  } else {
    permutationNote = `A has ${M * K} entries and ${nnz} non-zeros (limits ${EXTRAS_DETAIL_LIMIT} and ${EXTRAS_PERMUTATION_NNZ}): the permutation search was skipped`;
  }
  return {
    M,
    N,
    K,
    nnz,
    rowNnz: Array.from(counts),
    spy: spyGrid(a, M, K),
    bytes,
    denseBytes: 4 * M * K,
    permutation,
    ...(permutationNote ? { permutationNote } : {}),
    denseFlops: 2 * M * N * K,
    usefulFlops: 2 * nnz * N,
  };
}

export const sparseCommon = {
  family: 'sparse' as const,
  makeInputs: makeSparseInputs,
  reference: sparseReference,
  shapeLabel: sparseShapeLabel,
  extras: (params: Params, inputs: Record<string, HostArray>) => sparseExtras(params, inputs),
};
