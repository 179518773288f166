// Naive matmul: one invocation per output element, reading A and B straight from memory.
// The floor every other variant is measured against.
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulBuffers, matmulCommon, shapeOf } from './common';

export function naiveWgsl(M: number, N: number, K: number, wg: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

@compute @workgroup_size(${wg}, ${wg})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let row = gid.y;
  let col = gid.x;
  if (row >= M || col >= N) {
    return;
  }
  var acc = 0.0;
  for (var k = 0u; k < K; k++) {
    acc += a[row * K + k] * b[k * N + col];
  }
  c[row * N + col] = acc;
}
`;
}

function workgroupSide(params: Params): number {
  return intParam(params, 'wg');
}

export const naive: KernelVariant = {
  ...matmulCommon,
  id: 'naive',
  label: 'Naive (one invocation per output)',
  summary: 'Each invocation computes one element of C, reading a row of A and a column of B from memory: K loads of each per output.',
  params: [
    ...SHAPE_PARAMS,
    { key: 'wg', label: 'Workgroup side (invocations)', kind: 'int', default: 8, min: 1, max: 32, choices: [4, 8, 16] },
  ],
  checkLimits(params, caps) {
    const { M, N } = shapeOf(params);
    const wg = workgroupSide(params);
    return [
      ...checkWorkgroup(caps, [wg, wg, 1], 0, `a ${wg}×${wg} workgroup`),
      ...checkDispatch(caps, [Math.ceil(N / wg), Math.ceil(M / wg)]),
      ...matmulBufferChecks(params, caps),
    ];
  },
  plan(params, inputs) {
    const { M, N, K } = shapeOf(params);
    const wg = workgroupSide(params);
    return {
      buffers: matmulBuffers(inputs, params),
      dispatches: [
        { label: `matmul naive wg${wg}`, wgsl: naiveWgsl(M, N, K, wg), bindings: ['a', 'b', 'c'], workgroups: [Math.ceil(N / wg), Math.ceil(M / wg)] },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
};
