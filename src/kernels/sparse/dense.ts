// The dense baseline of the same shape, on the same (pruned) A stored densely: zeros are
// multiplied like any other value. 'blocked' runs the BSR variant's register-blocked
// micro-kernel over every block; 'tiled' and 'naive' are the matmul family's kernels; 'skinny'
// is the sparse-to-dense kernel reading its strips from dense A; 'rows' is the CSR row kernel's
// dense twin (and a plain GEMV when N = 1).
import { naiveWgsl } from '../matmul/naive';
import { tiledWgsl } from '../matmul/tiled';
import { checkWorkgroup, checkDispatch, intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { blockedChecks, columnTiles, microKernelWgsl, padColumnsTo4 } from './bsr';
import { skinnyChecks, skinnyTileParams, skinnyWgsl } from './loadSparseComputeDense';
import { ROWS_PARAM, checkGrid, gridFor, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

export function denseBlockedWgsl(M: number, N: number, K: number, S: number, TN: number, gridX: number): string {
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

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<vec4f>; // K × N4, zero-padded columns
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

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

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

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

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<vec4f>;
@group(0) @binding(2) var<storage, read_write> c : array<vec4f>;

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

type DenseKernel = 'blocked' | 'tiled' | 'naive' | 'skinny' | 'rows' | 'rows4';

function kernelOf(params: Params): DenseKernel {
  const k = String(params.kernel);
  return k === 'tiled' || k === 'naive' || k === 'skinny' || k === 'rows' || k === 'rows4' ? k : 'blocked';
}

export const dense: KernelVariant = {
  ...sparseCommon,
  id: 'dense',
  label: 'Dense matmul baseline (same A, zeros included)',
  summary:
    'The pruned A stored densely and multiplied in full: the baseline every sparse kernel must beat. GFLOP/s count only the useful 2·nnz·N flops, like the sparse kernels.',
  params: [
    ...shapeParams(),
    {
      key: 'kernel',
      label: 'Dense kernel',
      kind: 'enum',
      default: 'blocked',
      options: [
        { value: 'blocked', label: 'Register-blocked (the BSR micro-kernel on every block)' },
        { value: 'tiled', label: 'Tiled 16×16 (matmul family)' },
        { value: 'naive', label: 'Naive 8×8 (matmul family)' },
        { value: 'skinny', label: 'Skinny, N ≤ 32 (the sparse-to-dense kernel reading dense A)' },
        { value: 'rows', label: 'Rows (the CSR row kernel reading dense A; GEMV when N = 1)' },
        { value: 'rows4', label: 'Rows, vec4 columns (the vec4 CSR kernel reading dense A; N divisible by 4)' },
      ],
    },
    { key: 'wg', label: 'Invocations per row (rows kernel)', kind: 'int', default: 64, min: 1, max: 256, choices: [1, 8, 32, 64] },
    ROWS_PARAM,
    { key: 'bsr', label: 'Block size S of the blocked kernel', kind: 'int', default: 8, min: 1, max: 32, choices: [4, 8, 16, 32] },
    { key: 'tn', label: 'Invocations per workgroup, 4 columns each (blocked kernel)', kind: 'int', default: 16, min: 1, max: 256, choices: [4, 8, 16, 32, 64] },
    ...skinnyTileParams,
  ],
  checkLimits(params, caps) {
    const { M, N, K } = shapeOf(params);
    const kernel = kernelOf(params);
    const buffers = sparseBufferChecks(params, caps, [['A (dense)', 4 * M * K]]);
    if (kernel === 'tiled') return [...checkWorkgroup(caps, [16, 16, 1], 2048, 'tile 16×16'), ...checkDispatch(caps, [Math.ceil(N / 16), Math.ceil(M / 16)]), ...buffers];
    if (kernel === 'skinny') return [...skinnyChecks(params, caps), ...buffers];
    if (kernel === 'rows' || kernel === 'rows4') {
      const wg = intParam(params, 'wg');
      const rows = intParam(params, 'rows');
      return [
        ...(kernel === 'rows4' && N % 4 !== 0 ? [`N = ${N} is not a multiple of 4: the vec4 kernel moves B and C four columns at a time`] : []),
        ...checkWorkgroup(caps, [wg, rows, 1], 0, `a workgroup of ${wg}×${rows}`),
        ...checkGrid(Math.ceil(M / rows), caps, `${M} rows`),
        ...buffers,
      ];
    }
    if (kernel === 'naive') return [...checkWorkgroup(caps, [8, 8, 1], 0, 'an 8×8 workgroup'), ...checkDispatch(caps, [Math.ceil(N / 8), Math.ceil(M / 8)]), ...buffers];
    return [...blockedChecks(params, caps, intParam(params, 'bsr'), intParam(params, 'tn')), ...buffers];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const kernel = kernelOf(params);
    const buffers = [
      { name: 'a', data: inputs.a, usage: 'storage' as const },
      { name: 'b', data: inputs.b, usage: 'storage' as const },
      { name: 'c', bytes: 4 * M * N, usage: 'storage' as const },
    ];
    const output = { buffer: 'c', type: 'f32' as const, count: M * N };
    if (kernel === 'tiled') {
      return { buffers, output, dispatches: [{ label: 'dense tiled T16', wgsl: tiledWgsl(M, N, K, 16), bindings: ['a', 'b', 'c'], workgroups: [Math.ceil(N / 16), Math.ceil(M / 16)] }] };
    }
    if (kernel === 'naive') {
      return { buffers, output, dispatches: [{ label: 'dense naive wg8', wgsl: naiveWgsl(M, N, K, 8), bindings: ['a', 'b', 'c'], workgroups: [Math.ceil(N / 8), Math.ceil(M / 8)] }] };
    }
    if (kernel === 'rows' || kernel === 'rows4') {
      const wg = intParam(params, 'wg');
      const rows = intParam(params, 'rows');
      const g = gridFor(Math.ceil(M / rows), caps);
      const wgsl = kernel === 'rows4' ? denseRowsVec4Wgsl(M, N, K, wg, rows, g.gridX) : denseRowsWgsl(M, N, K, wg, rows, g.gridX);
      return { buffers, output, dispatches: [{ label: `dense ${kernel} wg${wg}×${rows}`, wgsl, bindings: ['a', 'b', 'c'], workgroups: g.workgroups }] };
    }
    if (kernel === 'skinny') {
      const TM = intParam(params, 'tm');
      const TK = intParam(params, 'tk');
      const g = gridFor(Math.ceil(M / TM), caps);
      return { buffers, output, dispatches: [{ label: `dense skinny TM${TM} TK${TK}`, wgsl: skinnyWgsl(M, N, K, TM, TK, g.gridX, 'dense'), bindings: ['a', 'b', 'c'], workgroups: g.workgroups }] };
    }
    const S = intParam(params, 'bsr');
    const TN = intParam(params, 'tn');
    const { workgroups, gridX } = gridFor(Math.ceil(M / S) * columnTiles(N, TN), caps);
    buffers[1] = { name: 'b', data: padColumnsTo4(inputs.b as Float32Array, K, N), usage: 'storage' };
    return { buffers, output, dispatches: [{ label: `dense blocked ${S}×${S}`, wgsl: denseBlockedWgsl(M, N, K, S, TN, gridX), bindings: ['a', 'b', 'c'], workgroups }] };
  },
  work(params) {
    const { M, K } = shapeOf(params);
    return sparseWork(params, 4 * M * K);
  },
};
