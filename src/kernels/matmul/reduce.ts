// Reduce form for tiny outputs (e.g. 1×1 or 4×4 with K in the tens of thousands): one workgroup
// per output element, its invocations splitting K and combining their partial sums.
//  - 'reduce': a tree in workgroup memory (log2(WG) barriers);
//  - 'reduce-subgroup': subgroupAdd inside each subgroup, then one value per subgroup is combined
//    (needs the 'subgroups' feature). Subgroup leaders claim slots with a workgroup atomic, so the
//    code does not assume how invocations map onto subgroups (WGSL does not specify it).
// Either way the output is a float32 sum of K products in some order: γ_K·Σ|a·b| holds.
import { hasFeature } from '../../gpu/caps';
import type { DeviceCaps } from '../types';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import { MATMUL_BINDINGS, MATMUL_BINDING_WGSL, matmulBufferProblems, matmulOutput, matmulPlanBuffers, matmulShapeWith, matmulShared } from './common';

export function reduceWgsl(M: number, N: number, K: number, wg: number, subgroups: boolean): string {
  const header = `${subgroups ? 'enable subgroups;\n\n' : ''}// reduce form: one workgroup of ${wg} per output, ${subgroups ? 'subgroupAdd then one value per subgroup' : 'tree reduction in workgroup memory'}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WG = ${wg}u;

${MATMUL_BINDING_WGSL}

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

const schema = paramSchema({
  ...matmulShapeWith({ M: { default: 4 }, N: { default: 4 }, K: { default: 16384 } }),
  wg: int('Invocations per output', 64, 1, 1024, { pow2: true, choices: [16, 32, 64, 128, 256] }),
});

function makeReduce(subgroups: boolean) {
  return defineVariant({
    ...matmulShared,
    id: subgroups ? 'reduce-subgroup' : 'reduce',
    label: subgroups ? 'Reduce form with subgroups (tiny outputs)' : 'Reduce form (tiny outputs)',
    summary: subgroups
      ? 'One workgroup per output element; partial sums combined with subgroupAdd, then one value per subgroup. Needs the subgroups feature.'
      : 'One workgroup per output element; its invocations split K and combine partial sums with a tree in workgroup memory.',
    schema,
    ...(subgroups
      ? {
          unavailableReason: (caps: DeviceCaps) =>
            hasFeature(caps, 'subgroups') ? null : 'this adapter does not offer the "subgroups" feature, which this variant needs',
        }
      : {}),
    limits: (cfg, caps) => [
      ...checkWorkgroup(caps, [cfg.wg, 1, 1], 4 * cfg.wg + (subgroups ? 4 : 0), `a workgroup of ${cfg.wg}`),
      ...checkDispatch(caps, [cfg.N, cfg.M]),
      ...matmulBufferProblems(cfg, caps),
    ],
    plan: (cfg, inputs) => ({
      buffers: matmulPlanBuffers(cfg, inputs),
      dispatches: [
        {
          label: `matmul reduce${subgroups ? ' subgroup' : ''} wg${cfg.wg}`,
          wgsl: reduceWgsl(cfg.M, cfg.N, cfg.K, cfg.wg, subgroups),
          bindings: MATMUL_BINDINGS,
          workgroups: [cfg.N, cfg.M],
        },
      ],
      output: matmulOutput(cfg),
    }),
    notes: () => ['This variant gives each output its own workgroup (a reduction over K), so there is no 2D tiling to draw.'],
    traffic: ({ M, N, K, wg }) => {
      // One workgroup per output: each reads a row of A and a column of B once. The tree takes
      // 1 + log2(WG) barriers per workgroup; the subgroup form one (after the subgroupAdds).
      const barriers = subgroups ? M * N : M * N * (1 + Math.log2(wg));
      return {
        flops: 2 * M * N * K,
        globalBytes: 4 * 2 * M * N * K + 4 * M * N,
        registerLoadBytes: 4 * 2 * M * N * K,
        barriers,
        invocationBarriers: barriers * wg,
      };
    },
  });
}

export const reduce = makeReduce(false);
export const reduceSubgroup = makeReduce(true);
