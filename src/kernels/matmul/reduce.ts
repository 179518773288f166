// Reduce form for tiny outputs (e.g. 1×1 or 4×4 with K in the tens of thousands): one workgroup
// per output element, its invocations splitting K and combining their partial sums.
//  - 'reduce': a tree in workgroup memory (log2(WG) barriers);
//  - 'reduce-subgroup': subgroupAdd inside each subgroup, then one value per subgroup is combined
//    (needs the 'subgroups' feature). Subgroup leaders claim slots with a workgroup atomic, so the
//    code does not assume how invocations map onto subgroups (WGSL does not specify it).
// Either way the output is a float32 sum of K products in some order: γ_K·Σ|a·b| holds.
import { hasFeature } from '../../gpu/caps';
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulBuffers, matmulCommon, shapeOf } from './common';

export function reduceWgsl(M: number, N: number, K: number, wg: number, subgroups: boolean): string {
  const header = `${subgroups ? 'enable subgroups;\n\n' : ''}// reduce form: one workgroup of ${wg} per output, ${subgroups ? 'subgroupAdd then one value per subgroup' : 'tree reduction in workgroup memory'}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WG = ${wg}u;

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

var<workgroup> sums : array<f32, ${wg}>;
${subgroups ? 'var<workgroup> slots : atomic<u32>; // subgroups that have written their sum\n' : ''}`;
  const partial = `  let row = wid.y;
  let col = wid.x;
  var partial = 0.0;
  for (var k = t; k < K; k += WG) {
    partial = fma(a[row * K + k], b[k * N + col], partial);
  }`;
  if (subgroups) {
    return `${header}
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u,
        @builtin(subgroup_invocation_id) lane : u32) {
${partial}
  let subgroupSum = subgroupAdd(partial);
  if (lane == 0u) {
    sums[atomicAdd(&slots, 1u)] = subgroupSum;
  }
  workgroupBarrier();
  if (t == 0u) {
    let count = atomicLoad(&slots);
    var total = 0.0;
    for (var i = 0u; i < count; i++) {
      total += sums[i];
    }
    c[row * N + col] = total;
  }
}
`;
  }
  return `${header}
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
${partial}
  sums[t] = partial;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      sums[t] += sums[t + half];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    c[row * N + col] = sums[0];
  }
}
`;
}

function makeReduce(subgroups: boolean): KernelVariant {
  return {
    ...matmulCommon,
    id: subgroups ? 'reduce-subgroup' : 'reduce',
    label: subgroups ? 'Reduce form with subgroups (tiny outputs)' : 'Reduce form (tiny outputs)',
    summary: subgroups
      ? 'One workgroup per output element; partial sums combined with subgroupAdd, then one value per subgroup. Needs the subgroups feature.'
      : 'One workgroup per output element; its invocations split K and combine partial sums with a tree in workgroup memory.',
    params: [
      ...SHAPE_PARAMS.map((p) => (p.kind === 'int' && (p.key === 'M' || p.key === 'N') ? { ...p, default: 4 } : p.key === 'K' && p.kind === 'int' ? { ...p, default: 16384 } : p)),
      { key: 'wg', label: 'Invocations per output', kind: 'int', default: 64, min: 1, max: 1024, pow2: true, choices: [16, 32, 64, 128, 256] },
    ],
    ...(subgroups
      ? { unavailableReason: (caps) => (hasFeature(caps, 'subgroups') ? null : 'this adapter does not offer the "subgroups" feature, which this variant needs') }
      : {}),
    checkLimits(params, caps) {
      const { M, N } = shapeOf(params);
      const wg = intParam(params, 'wg');
      return [...checkWorkgroup(caps, [wg, 1, 1], 4 * wg + (subgroups ? 4 : 0), `a workgroup of ${wg}`), ...checkDispatch(caps, [N, M]), ...matmulBufferChecks(params, caps)];
    },
    plan(params, inputs) {
      const { M, N, K } = shapeOf(params);
      const wg = intParam(params, 'wg');
      return {
        buffers: matmulBuffers(inputs, params),
        dispatches: [{ label: `matmul reduce${subgroups ? ' subgroup' : ''} wg${wg}`, wgsl: reduceWgsl(M, N, K, wg, subgroups), bindings: ['a', 'b', 'c'], workgroups: [N, M] }],
        output: { buffer: 'c', type: 'f32', count: M * N },
      };
    },
  };
}

export const reduce = makeReduce(false);
export const reduceSubgroup = makeReduce(true);
