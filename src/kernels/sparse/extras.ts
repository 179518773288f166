// The extra results every sparse variant hands to the sparsity lab (read there with
// extrasOf(result, 'sparse')): the pattern as a spy-plot grid, row lengths, bytes per format, and
// non-empty blocks before/after the clustering permutation.
import { bsrBytes, csrBytes, nmBytes, nmBytesHardware } from '../../numerics/sparseFormats';
import type { PatternSpec } from '../../numerics/sparsePatterns';
import { clusterPermutation } from '../../numerics/sparsePermutation';
import { countNonEmptyBlocks, rowCounts, spyGrid } from '../../numerics/sparseStats';

export interface SparseExtras {
  family: 'sparse';
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
export function sparseExtras(shape: { M: number; N: number; K: number; spec: PatternSpec }, a: Float32Array, bsrBlock = 8): SparseExtras {
  const { M, N, K, spec } = shape;
  const counts = rowCounts(a, M, K);
  let nnz = 0;
  for (const c of counts) nnz += c;
  const bytes: SparseExtras['bytes'] = [
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
  let permutation: SparseExtras['permutation'] = null;
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
