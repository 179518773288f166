// The extra results every sparse variant hands to the sparsity lab (read there with
// extrasOf(result, 'sparse')), one kind per problem:
//  - 'spmm' (C = A·B, A sparse): the pattern as a spy-plot grid, row lengths, bytes per format,
//    and non-empty blocks before/after the clustering permutation;
//  - 'moe' (a mixture-of-experts layer): tokens per expert and what each layout wastes;
//  - 'spgemm' (C = A·B, both sparse): partial products and distinct columns per row.
import { bsrBytes, csrBytes, nmBytes, nmBytesHardware } from '../../numerics/sparseFormats';
import type { PatternSpec } from '../../numerics/sparsePatterns';
import { clusterPermutation } from '../../numerics/sparsePermutation';
import type { MoeCost } from '../../numerics/sparseMoe';
import { routingImbalance } from '../../numerics/sparseMoe';
import { countNonEmptyBlocks, rowCounts, spyGrid } from '../../numerics/sparseStats';
import type { ParamDef, Params } from '../vocabulary';

export type SparseExtras = SpmmExtras | MoeExtras | SpgemmExtras;

/** The problem a sparse variant solves, from its parameter schema (before any result exists). */
export type SparseProblem = 'spmm' | 'moe' | 'spgemm';

export function sparseProblemOf(variant: { params: ParamDef[] } | undefined): SparseProblem {
  const keys = new Set(variant?.params.map((p) => p.key));
  return keys.has('experts') ? 'moe' : keys.has('densityB') ? 'spgemm' : 'spmm';
}

/** The SpMM extras of a sparse result (runs saved before `kind` existed are SpMM), or null. */
export function spmmExtras(extras: SparseExtras | null | undefined): SpmmExtras | null {
  return extras && (extras.kind === undefined || extras.kind === 'spmm') ? extras : null;
}

/** The same problem under another strategy of the same variant: what the lab compares a run with. */
export interface StrategyRun {
  strategy: string;
  label: string;
  /** The full parameters of that experiment (same variant, same seed). */
  params: Params;
}

export interface SpmmExtras {
  family: 'sparse';
  /** Absent in runs saved before the other kinds existed. */
  kind?: 'spmm';
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

/** Above this many entries of A the panel gets the overview grid only (no permutation search). */
export const EXTRAS_DETAIL_LIMIT = 4 * 1024 * 1024;
/** …or more non-zeros than this (the greedy search costs about nnz·96 steps per block size). */
export const EXTRAS_PERMUTATION_NNZ = 512 * 1024;

/**
 * The extras of C = A·B for A (M×K) of this pattern. `bsrBlock`, the variant's own BSR block
 * size where it has one, joins the block sizes of the permutation table.
 */
export function sparseExtras(shape: { M: number; N: number; K: number; spec: PatternSpec }, a: Float32Array, bsrBlock = 8): SpmmExtras {
  const { M, N, K, spec } = shape;
  const counts = rowCounts(a, M, K);
  let nnz = 0;
  for (const c of counts) nnz += c;
  const bytes: SpmmExtras['bytes'] = [
    { format: 'Dense', bytes: 4 * M * K },
    { format: 'CSR', bytes: csrBytes(M, nnz) },
  ];
  for (const b of [4, 8, 16, 32]) {
    bytes.push({ format: `BSR ${b}×${b}`, bytes: bsrBytes(M, b, b, countNonEmptyBlocks(a, M, K, b)) });
  }
  if (spec.kind === 'nm') {
    bytes.push({ format: `N:M ${spec.n}:${spec.m} (4-bit indices, as the kernel reads)`, bytes: nmBytes(M, K, spec.n!, spec.m!) });
    bytes.push({ format: `N:M ${spec.n}:${spec.m} (log2 m-bit indices, hardware)`, bytes: nmBytesHardware(M, K, spec.n!, spec.m!) });
  }
  let permutation: SpmmExtras['permutation'] = null;
  let permutationNote: string | undefined;
  if (M * K <= EXTRAS_DETAIL_LIMIT && nnz <= EXTRAS_PERMUTATION_NNZ) {
    const sizes = [...new Set([4, 8, 16, 32, bsrBlock])].sort((x, y) => x - y);
    permutation = sizes.map((b) => {
      const p = clusterPermutation(a, M, K, b);
      return { block: b, before: p.blocksBefore, after: p.blocksAfter, improved: p.improved };
    });
  } else {
    permutationNote = `A has ${M * K} entries and ${nnz} non-zeros (limits ${EXTRAS_DETAIL_LIMIT} and ${EXTRAS_PERMUTATION_NNZ}): the permutation search was skipped`;
  }
  return {
    family: 'sparse',
    kind: 'spmm',
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

// ---- mixture of experts ------------------------------------------------------------------------

export interface MoeExtras {
  family: 'sparse';
  kind: 'moe';
  /** Tokens routed to each expert. */
  counts: number[];
  tokens: number;
  hidden: number;
  ffn: number;
  tile: number;
  /** Max over mean of the counts (1 is perfectly balanced). */
  maxOverMean: number;
  /** Experts no token was routed to. */
  emptyExperts: number;
  /** The busiest expert's count: the capacity the padded layout pads every expert to. */
  capacity: number;
  /** Useful work: 2·T·D·F flops; X, W and Y once. */
  usefulFlops: number;
  usefulBytes: number;
  /** The layout this run used. */
  strategy: string;
  /** Each layout's cost on this routing, with the experiment that runs it. */
  layouts: (StrategyRun & MoeCost)[];
}

export function moeExtras(m: {
  counts: number[];
  hidden: number;
  ffn: number;
  tile: number;
  strategy: string;
  costs: { blockSparse: MoeCost; padded: MoeCost; perExpert: MoeCost };
  layouts: StrategyRun[];
}): MoeExtras {
  const tokens = m.counts.reduce((a, b) => a + b, 0);
  const { maxOverMean, empty } = routingImbalance(m.counts);
  const E = m.counts.length;
  const costOf: Record<string, MoeCost> = { 'block-sparse': m.costs.blockSparse, padded: m.costs.padded, 'per-expert': m.costs.perExpert };
  return {
    family: 'sparse',
    kind: 'moe',
    counts: m.counts,
    tokens,
    hidden: m.hidden,
    ffn: m.ffn,
    tile: m.tile,
    maxOverMean,
    emptyExperts: empty,
    capacity: Math.max(0, ...m.counts),
    usefulFlops: 2 * tokens * m.hidden * m.ffn,
    usefulBytes: 4 * (tokens * m.hidden + E * m.hidden * m.ffn + tokens * m.ffn),
    strategy: m.strategy,
    layouts: m.layouts.map((l) => ({ ...l, ...costOf[l.strategy] })),
  };
}

// ---- SpGEMM ------------------------------------------------------------------------------------

export interface SpgemmExtras {
  family: 'sparse';
  kind: 'spgemm';
  M: number;
  N: number;
  K: number;
  nnzA: number;
  nnzB: number;
  /** Structural non-zeros of C (columns hit by at least one partial product). */
  nnzC: number;
  /** Partial products a(i,k)·b(k,j) of each row of C: what a row-wise kernel merges. */
  productsPerRow: number[];
  /** Distinct columns of each row of C (its non-zeros). */
  distinctPerRow: number[];
  products: number;
  /** Hash-table slots per workgroup; rows whose allocation min(N, products) exceeds it take the fallback. */
  table: number;
  /** Rows that took the global-memory fallback. */
  fallbackRows: number;
  /** Bytes the sort-based merge writes for its expanded products (key and value, padded to a power of two). */
  expandedBytes: number;
  /** Compare-exchange passes of its bitonic sort. */
  sortPasses: number;
  strategy: string;
  /** Each merge's cost on these matrices, with the experiment that runs it. */
  strategies: (StrategyRun & SpgemmCost)[];
}

/** What one way of merging costs beyond reading A and B and writing C. */
export interface SpgemmCost {
  /** Multiply-adds done: the partial products (hash, sort) or M·N·K (dense, zeros included). */
  multiplyAdds: number;
  /** Bytes of partial results moved through global memory (an upper bound): 0 where they stay in workgroup memory. */
  intermediateBytes: number;
  dispatches: number;
}
