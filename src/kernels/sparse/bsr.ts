// BSR SpMM with the register-blocked micro-kernel (microKernel.ts): a workgroup owns one block
// row (S rows of C) and 4·TN columns; for each stored S×S block it stages the block in workgroup
// memory, then every invocation multiplies it into S vec4 accumulators held in registers. The
// dense baseline 'dense' (kernel: blocked) runs the same micro-kernel over every block, so the
// two differ only in which blocks are visited.
// Optional reordering (SMaT's idea): rows and columns of A are permuted to gather non-zeros into
// fewer blocks; B's rows are permuted to match on the CPU (untimed), and the kernel writes each
// row of C back to its original place through rowPerm.
import { declareBindings, readOnly } from '../../gpu/bindings';
import { bsrBytes, denseToBsr } from '../../numerics/sparseFormats';
import { clusterPermutation, permuteMatrix } from '../../numerics/sparsePermutation';
import { defineVariant } from '../define';
import { flag, int, paramSchema } from '../params';
import { SPARSE_SHAPE, denseBaseline, gridFor, sparseBufferProblems, sparseConfig, sparseShared, sparseWork, type SparseConfig } from './common';
import {
  C_BINDING,
  PADDED_B_BINDING,
  blockedProblems,
  blockedWorkgroups,
  columnTiles,
  microKernelWgsl,
  padColumnsTo4,
  type BlockedLayout,
} from './microKernel';

export const BSR_BINDINGS = [
  readOnly('blockRowPtr', 'array<u32>', 'block row I holds blocks blockRowPtr[I] … blockRowPtr[I + 1] − 1'),
  readOnly('blockColIdx', 'array<u32>', 'block column of each stored block'),
  readOnly('blockValues', 'array<f32>', 'S×S values per stored block, row-major'),
  PADDED_B_BINDING,
  readOnly('rowPerm', 'array<u32>', 'row of C that row i of the (reordered) A belongs to'),
  C_BINDING,
];

export function bsrWgsl(M: number, N: number, K: number, S: number, TN: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const N4 = ${Math.ceil(N / 4)}u; // columns of the padded B, in vec4s
const K = ${K}u;
const S = ${S}u;
const TN = ${TN}u;
const BLOCK_ROWS = ${Math.ceil(M / S)}u;
const COL_TILES = ${columnTiles(N, TN)}u;
const GRID_X = ${gridX}u;

${declareBindings(BSR_BINDINGS)}

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

interface BsrConfig extends SparseConfig, BlockedLayout {
  reorder: boolean;
}

const schema = paramSchema({
  ...SPARSE_SHAPE,
  bsr: int('BSR block size S (S×S)', 8, 1, 32, { choices: [4, 8, 16, 32] }),
  tn: int('Invocations per workgroup (4 columns each)', 16, 1, 256, { choices: [4, 8, 16, 32, 64] }),
  reorder: flag('Reorder rows and columns to cluster non-zeros', false),
});

export const bsr = defineVariant({
  ...sparseShared,
  id: 'bsr',
  label: 'BSR SpMM (register-blocked micro-kernel)',
  summary:
    'Block-sparse rows: stored S×S blocks are staged in workgroup memory and multiplied by a register-blocked micro-kernel; optional row/column reordering to cluster non-zeros first.',
  schema,
  config: (v): BsrConfig => ({ ...sparseConfig(v), bsr: v.bsr, tn: v.tn, reorder: v.reorder }),
  limits: (cfg, caps) => {
    const S = cfg.bsr;
    return [
      ...blockedProblems(cfg, caps),
      // At worst every block is stored.
      ...sparseBufferProblems(cfg, caps, [['BSR values (if every block is stored)', 4 * Math.ceil(cfg.M / S) * S * Math.ceil(cfg.K / S) * S]]),
    ];
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, bsr: S, tn: TN } = cfg;
    let a = inputs.a as Float32Array;
    let b = inputs.b as Float32Array;
    let rowPerm: Uint32Array = Uint32Array.from({ length: M }, (_, i) => i);
    let label = `bsr ${S}×${S}`;
    if (cfg.reorder) {
      const perm = clusterPermutation(a, M, K, S);
      a = permuteMatrix(a, M, K, perm.rowPerm, perm.colPerm);
      b = permuteMatrix(
        b,
        K,
        N,
        perm.colPerm,
        Uint32Array.from({ length: N }, (_, i) => i),
      );
      rowPerm = perm.rowPerm;
      label += ` reordered (${perm.blocksBefore} → ${perm.blocksAfter} blocks)`;
    }
    const blocks = denseToBsr(a, M, K, S, S);
    const { workgroups, gridX } = gridFor(blockedWorkgroups(cfg), caps);
    return {
      buffers: [
        { name: 'blockRowPtr', data: blocks.blockRowPtr, usage: 'storage' },
        { name: 'blockColIdx', data: blocks.blockColIdx, usage: 'storage' },
        { name: 'blockValues', data: blocks.values, usage: 'storage' },
        { name: 'b', data: padColumnsTo4(b, K, N), usage: 'storage' },
        { name: 'rowPerm', data: rowPerm, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [{ label, wgsl: bsrWgsl(M, N, K, S, TN, gridX), bindings: BSR_BINDINGS, workgroups }],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work: (cfg) => {
    // Stored blocks from the parameters alone: blocks of the pattern itself when the BSR block
    // matches it, else the expected count for independently placed non-zeros (a model).
    const { M, K, bsr: S, nnz } = cfg;
    const nb = Math.ceil(M / S) * Math.ceil(K / S);
    const matches = cfg.pattern === 'block' && cfg.block === S;
    const blocks = matches ? Math.round((nnz / (M * K)) * nb) : Math.round(nb * (1 - (1 - nnz / (M * K)) ** (S * S)));
    return sparseWork(cfg, bsrBytes(M, S, S, blocks));
  },
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'blocked', bsr: cfg.bsr, tn: cfg.tn }),
});
