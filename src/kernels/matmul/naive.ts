// Naive matmul: one invocation per output element, reading A and B straight from memory.
// The floor every other variant is measured against.
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import {
  MATMUL_BINDINGS,
  MATMUL_BINDING_WGSL,
  MATMUL_SHAPE,
  ceilDiv,
  matmulBufferProblems,
  matmulOutput,
  matmulPlanBuffers,
  matmulShared,
  type MatmulShape,
} from './common';

export function naiveWgsl(M: number, N: number, K: number, wg: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

${MATMUL_BINDING_WGSL}

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

const schema = paramSchema({
  ...MATMUL_SHAPE,
  wg: int('Workgroup side (invocations)', 8, 1, 32, { choices: [4, 8, 16] }),
});

interface NaiveConfig extends MatmulShape {
  wg: number;
  workgroups: [number, number];
}

export const naive = defineVariant({
  ...matmulShared,
  id: 'naive',
  label: 'Naive (one invocation per output)',
  summary: 'Each invocation computes one element of C, reading a row of A and a column of B from memory: K loads of each per output.',
  schema,
  config: (v): NaiveConfig => ({ ...v, workgroups: [ceilDiv(v.N, v.wg), ceilDiv(v.M, v.wg)] }),
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [cfg.wg, cfg.wg, 1], 0, `a ${cfg.wg}×${cfg.wg} workgroup`),
    ...checkDispatch(caps, cfg.workgroups),
    ...matmulBufferProblems(cfg, caps),
  ],
  plan: (cfg, inputs) => ({
    buffers: matmulPlanBuffers(cfg, inputs),
    dispatches: [{ label: `matmul naive wg${cfg.wg}`, wgsl: naiveWgsl(cfg.M, cfg.N, cfg.K, cfg.wg), bindings: MATMUL_BINDINGS, workgroups: cfg.workgroups }],
    output: matmulOutput(cfg),
  }),
  tiling: (cfg) => ({ BM: cfg.wg, BN: cfg.wg, BK: 1, TM: 1, TN: 1, WX: cfg.wg, WY: cfg.wg, layout: 'strided', staging: 'global' }),
  // Each output reads a row of A and a column of B: no reuse except through caches.
  traffic: ({ M, N, K }) => ({ flops: 2 * M * N * K, globalBytes: 4 * 2 * M * N * K + 4 * M * N, registerLoadBytes: 4 * 2 * M * N * K, barriers: 0 }),
});
