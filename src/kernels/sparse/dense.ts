// The dense baseline of the same shape, on the same (pruned) A stored densely: zeros are
// multiplied like any other value. 'blocked' runs the register-blocked micro-kernel it shares
// with BSR (microKernel.ts) over every block; 'tiled' and 'naive' are the matmul family's kernels; 'skinny'
// is the sparse-to-dense kernel reading its strips from dense A; 'rows' is the CSR row kernel's
// dense twin (and a plain GEMV when N = 1).
import { declareBindings } from '../../gpu/bindings';
import { MATMUL_BINDINGS } from '../matmul/common';
import { naiveWgsl } from '../matmul/naive';
import { tiledWgsl } from '../matmul/tiled';
import { defineVariant } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { DeviceCaps, DispatchSpec } from '../types';
import { DENSE_A_BINDING, denseProductBindings } from './bindings';
import { DENSE_ID, ROWS_FIELD, SPARSE_SHAPE, gridFor, sparseBufferProblems, sparseConfig, sparseShared, sparseWork, type SparseConfig } from './common';
import { SKINNY_FIELDS, skinnyDispatch, skinnyProblems } from './loadSparseComputeDense';
import { C_BINDING, PADDED_B_BINDING, blockedProblems, blockedWorkgroups, columnTiles, microKernelWgsl, padColumnsTo4 } from './microKernel';
import { rowGrid, rowLayoutProblems } from './rowKernels';

export const DENSE_BLOCKED_BINDINGS = [DENSE_A_BINDING, PADDED_B_BINDING, C_BINDING];
export const DENSE_ROWS_BINDINGS = denseProductBindings('f32');
export const DENSE_ROWS4_BINDINGS = denseProductBindings('vec4f');

export function denseBlockedWgsl(M: number, N: number, K: number, S: number, TN: number, gridX: number): string {
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

${declareBindings(DENSE_BLOCKED_BINDINGS)}

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
  for (var k0 = 0u; k0 < K; k0 += S) {
    // Stage A[blockRow·S …, k0 …] (zero outside the matrix), as BSR stages a stored block.
    for (var i = lid.x; i < S * S; i += TN) {
      let row = blockRow * S + i / S;
      let k = k0 + i % S;
      var value = 0.0;
      if (row < M && k < K) {
        value = a[row * K + k];
      }
      blockTile[i] = value;
    }
    workgroupBarrier();
    if (col4 < N4) {
      multiplyBlock(k0, col4, &acc);
    }
    workgroupBarrier();
  }
  if (col4 < N4) {
    for (var r = 0u; r < S; r++) {
      let row = blockRow * S + r;
      if (row < M) {
        storeRow(row, col4, acc[r]);
      }
    }
  }
}
`;
}

/**
 * The dense twin of the CSR and N:M row kernels: WG invocations per row of C (each a set of
 * columns), ROWS rows per workgroup, walking all K entries of the row of A. With WG = 1 and
 * N = 1 it is the plain one-row-per-invocation GEMV.
 */
export function denseRowsWgsl(M: number, N: number, K: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WG = ${wg}u;
const ROWS = ${rows}u;
const GRID_X = ${gridX}u;

${declareBindings(DENSE_ROWS_BINDINGS)}

@compute @workgroup_size(${wg}, ${rows})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let row = (wid.x + wid.y * GRID_X) * ROWS + lid.y;
  if (row >= M) {
    return;
  }
  for (var col = lid.x; col < N; col += WG) {
    var acc = 0.0;
    for (var k = 0u; k < K; k++) {
      acc += a[row * K + k] * b[k * N + col];
    }
    c[row * N + col] = acc;
  }
}
`;
}

/** The dense twin of the vec4 CSR kernel: 4 adjacent columns per invocation, B and C as vec4. */
export function denseRowsVec4Wgsl(M: number, N: number, K: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N4 = ${N / 4}u; // columns of B and C, in vec4s
const K = ${K}u;
const WG = ${wg}u;
const ROWS = ${rows}u;
const GRID_X = ${gridX}u;

${declareBindings(DENSE_ROWS4_BINDINGS)}

@compute @workgroup_size(${wg}, ${rows})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let row = (wid.x + wid.y * GRID_X) * ROWS + lid.y;
  if (row >= M) {
    return;
  }
  for (var col4 = lid.x; col4 < N4; col4 += WG) {
    var acc = vec4f(0.0);
    for (var k = 0u; k < K; k++) {
      acc += a[row * K + k] * b[k * N4 + col4];
    }
    c[row * N4 + col4] = acc;
  }
}
`;
}

const schema = paramSchema({
  ...SPARSE_SHAPE,
  kernel: oneOf('Dense kernel', 'blocked', [
    ['blocked', 'Register-blocked (the BSR micro-kernel on every block)'],
    ['tiled', 'Tiled 16×16 (matmul family)'],
    ['naive', 'Naive 8×8 (matmul family)'],
    ['skinny', 'Skinny, N ≤ 32 (the sparse-to-dense kernel reading dense A)'],
    ['rows', 'Rows (the CSR row kernel reading dense A; GEMV when N = 1)'],
    ['rows4', 'Rows, vec4 columns (the vec4 CSR kernel reading dense A; N divisible by 4)'],
  ]),
  wg: int('Invocations per row (rows kernel)', 64, 1, 256, { choices: [1, 8, 32, 64] }),
  rows: ROWS_FIELD,
  bsr: int('Block size S of the blocked kernel', 8, 1, 32, { choices: [4, 8, 16, 32] }),
  tn: int('Invocations per workgroup, 4 columns each (blocked kernel)', 16, 1, 256, { choices: [4, 8, 16, 32, 64] }),
  ...SKINNY_FIELDS,
});

interface DenseConfig extends SparseConfig {
  kernel: 'blocked' | 'tiled' | 'naive' | 'skinny' | 'rows' | 'rows4';
  wg: number;
  rows: number;
  bsr: number;
  tn: number;
  tm: number;
  tk: number;
}

function denseProblems(cfg: DenseConfig, caps: DeviceCaps): string[] {
  const { M, N } = cfg;
  switch (cfg.kernel) {
    case 'tiled':
      return [...checkWorkgroup(caps, [16, 16, 1], 2048, 'tile 16×16'), ...checkDispatch(caps, [Math.ceil(N / 16), Math.ceil(M / 16)])];
    case 'naive':
      return [...checkWorkgroup(caps, [8, 8, 1], 0, 'an 8×8 workgroup'), ...checkDispatch(caps, [Math.ceil(N / 8), Math.ceil(M / 8)])];
    case 'skinny':
      return skinnyProblems(cfg, caps);
    case 'rows':
    case 'rows4':
      return [
        ...(cfg.kernel === 'rows4' && N % 4 !== 0 ? [`N = ${N} is not a multiple of 4: the vec4 kernel moves B and C four columns at a time`] : []),
        ...rowLayoutProblems(cfg, caps),
      ];
    case 'blocked':
      return blockedProblems(cfg, caps);
  }
}

function denseDispatch(cfg: DenseConfig, caps: DeviceCaps): DispatchSpec {
  const { M, N, K } = cfg;
  switch (cfg.kernel) {
    case 'tiled':
      return { label: 'dense tiled T16', wgsl: tiledWgsl(M, N, K, 16), bindings: MATMUL_BINDINGS, workgroups: [Math.ceil(N / 16), Math.ceil(M / 16)] };
    case 'naive':
      return { label: 'dense naive wg8', wgsl: naiveWgsl(M, N, K, 8), bindings: MATMUL_BINDINGS, workgroups: [Math.ceil(N / 8), Math.ceil(M / 8)] };
    case 'skinny':
      return skinnyDispatch(cfg, caps, 'dense', `dense skinny TM${cfg.tm} TK${cfg.tk}`);
    case 'rows':
    case 'rows4': {
      const { workgroups, gridX } = rowGrid(cfg, caps);
      const vec4 = cfg.kernel === 'rows4';
      return {
        label: `dense ${cfg.kernel} wg${cfg.wg}×${cfg.rows}`,
        wgsl: (vec4 ? denseRowsVec4Wgsl : denseRowsWgsl)(M, N, K, cfg.wg, cfg.rows, gridX),
        bindings: vec4 ? DENSE_ROWS4_BINDINGS : DENSE_ROWS_BINDINGS,
        workgroups,
      };
    }
    case 'blocked': {
      const { workgroups, gridX } = gridFor(blockedWorkgroups(cfg), caps);
      return {
        label: `dense blocked ${cfg.bsr}×${cfg.bsr}`,
        wgsl: denseBlockedWgsl(M, N, K, cfg.bsr, cfg.tn, gridX),
        bindings: DENSE_BLOCKED_BINDINGS,
        workgroups,
      };
    }
  }
}

export const dense = defineVariant({
  ...sparseShared,
  id: DENSE_ID,
  label: 'Dense matmul baseline (same A, zeros included)',
  summary:
    'The pruned A stored densely and multiplied in full: the baseline every sparse kernel must beat. GFLOP/s count only the useful 2·nnz·N flops, like the sparse kernels.',
  schema,
  config: (v): DenseConfig => ({ ...v, ...sparseConfig(v) }),
  limits: (cfg, caps) => [...denseProblems(cfg, caps), ...sparseBufferProblems(cfg, caps, [['A (dense)', 4 * cfg.M * cfg.K]])],
  plan: (cfg, inputs, caps) => ({
    buffers: [
      { name: 'a', data: inputs.a, usage: 'storage' },
      // The blocked micro-kernel reads B as vec4s, its columns padded to a multiple of 4.
      { name: 'b', data: cfg.kernel === 'blocked' ? padColumnsTo4(inputs.b as Float32Array, cfg.K, cfg.N) : inputs.b, usage: 'storage' },
      { name: 'c', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [denseDispatch(cfg, caps)],
    output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N },
  }),
  work: (cfg) => sparseWork(cfg, 4 * cfg.M * cfg.K),
  role: 'baseline',
});
