// BSR SpMM with a register-blocked micro-kernel: a workgroup owns one block row (S rows of C)
// and 4·TN columns; for each stored S×S block it stages the block in workgroup memory, then every
// invocation multiplies it into S vec4 accumulators held in registers (S rows × 4 columns),
// reusing each vec4 of B it loads S times. B is padded on the host to a multiple of 4 columns. The dense baseline 'dense' (kernel: blocked) runs the same micro-kernel over every
// block, so the two differ only in which blocks are visited.
// Optional reordering (SMaT's idea): rows and columns of A are permuted to gather non-zeros into
// fewer blocks; B's rows are permuted to match on the CPU (untimed), and the kernel writes each
// row of C back to its original place through rowPerm.
import { bsrBytes, clusterPermutation, denseToBsr, permuteMatrix } from '../../numerics/sparse';
import { padMatrix } from '../../numerics/matmul';
import { checkWorkgroup, intParam } from '../schema';
import type { DeviceCaps, KernelVariant, Params } from '../types';
import { checkGrid, gridFor, nominalNnz, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

/**
 * The register-blocked micro-kernel shared by BSR and the dense 'blocked' baseline:
 * accumulates blockTile (S×S, workgroup memory) × B[k0 … k0+S−1, 4·col4 … 4·col4+3] into acc
 * (S rows × 4 columns), and stores a row of it into C (columns past N are padding, not stored).
 */
export function microKernelWgsl(S: number): string {
  return /* wgsl */ `
fn multiplyBlock(k0 : u32, col4 : u32, acc : ptr<function, array<vec4f, ${S}>>) {
  for (var kk = 0u; kk < S; kk++) {
    if (k0 + kk < K) {
      let bValue = b[(k0 + kk) * N4 + col4];
      for (var r = 0u; r < S; r++) {
        (*acc)[r] += blockTile[r * S + kk] * bValue;
      }
    }
  }
}

fn storeRow(row : u32, col4 : u32, value : vec4f) {
  for (var j = 0u; j < 4u; j++) {
    let col = col4 * 4u + j;
    if (col < N) {
      c[row * N + col] = value[j];
    }
  }
}`;
}

export function bsrWgsl(M: number, N: number, K: number, S: number, TN: number, gridX: number): string {
  const blockRows = Math.ceil(M / S);
  const colTiles = Math.ceil(Math.ceil(N / 4) / TN);
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const N4 = ${Math.ceil(N / 4)}u; // columns of the padded B, in vec4s
const K = ${K}u;
const S = ${S}u;
const TN = ${TN}u;
const BLOCK_ROWS = ${blockRows}u;
const COL_TILES = ${colTiles}u;
const GRID_X = ${gridX}u;

@group(0) @binding(0) var<storage, read> blockRowPtr : array<u32>;
@group(0) @binding(1) var<storage, read> blockColIdx : array<u32>;
@group(0) @binding(2) var<storage, read> blockValues : array<f32>;
@group(0) @binding(3) var<storage, read> b : array<vec4f>; // K × N4, zero-padded columns
@group(0) @binding(4) var<storage, read> rowPerm : array<u32>;
@group(0) @binding(5) var<storage, read_write> c : array<f32>;

var<workgroup> blockTile : array<f32, ${S * S}>;
${microKernelWgsl(S)}

@compute @workgroup_size(${TN})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let index = wid.x + wid.y * GRID_X;
  if (index >= BLOCK_ROWS * COL_TILES) {
    return;
  }
  let blockRow = index / COL_TILES;
  let col4 = (index % COL_TILES) * TN + lid.x;
  var acc : array<vec4f, ${S}>;
  let first = blockRowPtr[blockRow];
  let last = blockRowPtr[blockRow + 1u];
  for (var p = first; p < last; p++) {
    for (var i = lid.x; i < S * S; i += TN) {
      blockTile[i] = blockValues[p * S * S + i];
    }
    workgroupBarrier();
    if (col4 < N4) {
      multiplyBlock(blockColIdx[p] * S, col4, &acc);
    }
    workgroupBarrier();
  }
  if (col4 < N4) {
    for (var r = 0u; r < S; r++) {
      let row = blockRow * S + r;
      if (row < M) {
        storeRow(rowPerm[row], col4, acc[r]);
      }
    }
  }
}
`;
}

/** Workgroups along N: TN invocations of 4 columns each. */
export function columnTiles(N: number, TN: number): number {
  return Math.ceil(Math.ceil(N / 4) / TN);
}

/** B with its columns padded with zeros to a multiple of 4, for the vec4 micro-kernel. */
export function padColumnsTo4(b: Float32Array, rows: number, cols: number): Float32Array {
  const padded = Math.ceil(cols / 4) * 4;
  if (padded === cols) return b;
  return padMatrix(b, rows, cols, rows, padded);
}

export function bsrBlockSize(params: Params): number {
  return intParam(params, 'bsr');
}

export function blockedChecks(params: Params, caps: DeviceCaps, S: number, TN: number): string[] {
  const { M, N } = shapeOf(params);
  return [
    ...(S > 32 ? [`block size ${S} is above 32: its ${S} accumulators per invocation would not fit in registers`] : []),
    ...checkWorkgroup(caps, [TN, 1, 1], 4 * S * S, `${S}×${S} blocks with ${TN} invocations (4 columns each) per workgroup`),
    ...checkGrid(Math.ceil(M / S) * columnTiles(N, TN), caps, `${Math.ceil(M / S)} block rows × ${columnTiles(N, TN)} column tiles`),
  ];
}

export const bsr: KernelVariant = {
  ...sparseCommon,
  id: 'bsr',
  label: 'BSR SpMM (register-blocked micro-kernel)',
  summary:
    'Block-sparse rows: stored S×S blocks are staged in workgroup memory and multiplied by a register-blocked micro-kernel; optional row/column reordering to cluster non-zeros first.',
  params: [
    ...shapeParams(),
    { key: 'bsr', label: 'BSR block size S (S×S)', kind: 'int', default: 8, min: 1, max: 32, choices: [4, 8, 16, 32] },
    { key: 'tn', label: 'Invocations per workgroup (4 columns each)', kind: 'int', default: 16, min: 1, max: 256, choices: [4, 8, 16, 32, 64] },
    { key: 'reorder', label: 'Reorder rows and columns to cluster non-zeros', kind: 'bool', default: false },
  ],
  checkLimits(params, caps) {
    const { M, K } = shapeOf(params);
    const S = bsrBlockSize(params);
    return [
      ...blockedChecks(params, caps, S, intParam(params, 'tn')),
      // At worst every block is stored.
      ...sparseBufferChecks(params, caps, [['BSR values (if every block is stored)', 4 * Math.ceil(M / S) * S * Math.ceil(K / S) * S]]),
    ];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const S = bsrBlockSize(params);
    const TN = intParam(params, 'tn');
    let a = inputs.a as Float32Array;
    let b = inputs.b as Float32Array;
    let rowPerm: Uint32Array = Uint32Array.from({ length: M }, (_, i) => i);
    let label = `bsr ${S}×${S}`;
    if (params.reorder === true) {
      const perm = clusterPermutation(a, M, K, S);
      a = permuteMatrix(a, M, K, perm.rowPerm, perm.colPerm);
      b = permuteMatrix(b, K, N, perm.colPerm, Uint32Array.from({ length: N }, (_, i) => i));
      rowPerm = perm.rowPerm;
      label += ` reordered (${perm.blocksBefore} → ${perm.blocksAfter} blocks)`;
    }
    const blocks = denseToBsr(a, M, K, S, S);
    const { workgroups, gridX } = gridFor(Math.ceil(M / S) * columnTiles(N, TN), caps);
    return {
      buffers: [
        { name: 'blockRowPtr', data: blocks.blockRowPtr, usage: 'storage' },
        { name: 'blockColIdx', data: blocks.blockColIdx, usage: 'storage' },
        { name: 'blockValues', data: blocks.values, usage: 'storage' },
        { name: 'b', data: padColumnsTo4(b, K, N), usage: 'storage' },
        { name: 'rowPerm', data: rowPerm, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        {
          label,
          wgsl: bsrWgsl(M, N, K, S, TN, gridX),
          bindings: ['blockRowPtr', 'blockColIdx', 'blockValues', 'b', 'rowPerm', 'c'],
          workgroups,
        },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work(params) {
    // Stored blocks from the parameters alone: blocks of the pattern itself when the BSR block
    // matches it, else the expected count for independently placed non-zeros (a model).
    const { M, K } = shapeOf(params);
    const S = bsrBlockSize(params);
    const nb = Math.ceil(M / S) * Math.ceil(K / S);
    const nnz = nominalNnz(params);
    const matches = params.pattern === 'block' && intParam(params, 'block') === S;
    const blocks = matches ? Math.round((nnz / (M * K)) * nb) : Math.round(nb * (1 - (1 - nnz / (M * K)) ** (S * S)));
    return sparseWork(params, bsrBytes(M, S, S, blocks));
  },
};
