// Shared-memory tiled matmul: a T×T workgroup stages a T×T panel of A and of B in workgroup
// memory, so each element loaded from global memory is reused T times. The classic
// "tile size matters" lesson: global loads fall by a factor T, until occupancy and barriers bite.
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulBuffers, matmulCommon, shapeOf } from './common';

export function tiledWgsl(M: number, N: number, K: number, T: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const T = ${T}u;

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

var<workgroup> tileA : array<f32, ${T * T}>;
var<workgroup> tileB : array<f32, ${T * T}>;

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < K; k0 += T) {
    // Each invocation stages one element of the A panel and one of the B panel (zero outside).
    let aCol = k0 + lid.x;
    var aValue = 0.0;
    if (row < M && aCol < K) {
      aValue = a[row * K + aCol];
    }
    tileA[lid.y * T + lid.x] = aValue;
    let bRow = k0 + lid.y;
    var bValue = 0.0;
    if (bRow < K && col < N) {
      bValue = b[bRow * N + col];
    }
    tileB[lid.y * T + lid.x] = bValue;
    workgroupBarrier();
    for (var k = 0u; k < T; k++) {
      acc += tileA[lid.y * T + k] * tileB[k * T + lid.x];
    }
    workgroupBarrier();
  }
  if (row < M && col < N) {
    c[row * N + col] = acc;
  }
}
`;
}

export const tiled: KernelVariant = {
  ...matmulCommon,
  id: 'tiled',
  label: 'Tiled (workgroup shared memory)',
  summary: 'A T×T workgroup loads T×T panels of A and B into shared memory and reuses each loaded element T times.',
  params: [
    ...SHAPE_PARAMS,
    { key: 'tile', label: 'Tile size T (T×T invocations)', kind: 'int', default: 16, min: 1, max: 32, choices: [1, 2, 4, 8, 16, 32] },
  ],
  checkLimits(params, caps) {
    const { M, N } = shapeOf(params);
    const T = intParam(params, 'tile');
    return [
      ...checkWorkgroup(caps, [T, T, 1], 2 * T * T * 4, `tile ${T}×${T}`),
      ...checkDispatch(caps, [Math.ceil(N / T), Math.ceil(M / T)]),
      ...matmulBufferChecks(params, caps),
    ];
  },
  plan(params, inputs) {
    const { M, N, K } = shapeOf(params);
    const T = intParam(params, 'tile');
    return {
      buffers: matmulBuffers(inputs, params),
      dispatches: [
        { label: `matmul tiled T${T}`, wgsl: tiledWgsl(M, N, K, T), bindings: ['a', 'b', 'c'], workgroups: [Math.ceil(N / T), Math.ceil(M / T)] },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
};
