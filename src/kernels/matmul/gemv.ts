// GEMV and skinny products (M = 1…16, the decode-time shape): each invocation owns CPI columns of
// C (spaced one workgroup apart, so neighbouring invocations read neighbouring elements of B) and
// computes them for all M rows. Every element of B is read exactly once; each loaded value of A
// feeds CPI multiply-adds. A square tile would leave most of its invocations idle on this shape.
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import {
  MATMUL_BINDINGS,
  MATMUL_BINDING_WGSL,
  ceilDiv,
  matmulBufferProblems,
  matmulOutput,
  matmulPlanBuffers,
  matmulShapeWith,
  matmulShared,
  type MatmulShape,
} from './common';

export const GEMV_MAX_ROWS = 16;

export function gemvWgsl(M: number, N: number, K: number, wg: number, cpi: number): string {
  const rows = Array.from({ length: M }, (_, i) => i);
  const cols = Array.from({ length: cpi }, (_, j) => j);
  return /* wgsl */ `// GEMV: ${M} row(s) × K = ${K}; each invocation computes ${cpi} column(s) of C, ${wg} apart
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

${MATMUL_BINDING_WGSL}

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let first = wid.x * ${wg * cpi}u + lid.x;
${cols.map((j) => `  let col${j} = first + ${j * wg}u;\n  let bCol${j} = min(col${j}, N - 1u); // edge columns read a valid column and are not stored`).join('\n')}
${rows.flatMap((i) => cols.map((j) => `  var acc${i}_${j} = 0.0;`)).join('\n')}
  for (var k = 0u; k < K; k++) {
    let bRow = k * N;
${cols.map((j) => `    let b${j} = b[bRow + bCol${j}];`).join('\n')}
${rows.map((i) => `    let a${i} = a[${i}u * K + k];\n${cols.map((j) => `    acc${i}_${j} = fma(a${i}, b${j}, acc${i}_${j});`).join('\n')}`).join('\n')}
  }
${rows.flatMap((i) => cols.map((j) => `  if (col${j} < N) { c[${i}u * N + col${j}] = acc${i}_${j}; }`)).join('\n')}
}
`;
}

// M keeps the general range: a larger M is refused by limits() with the reason, not replaced.
const schema = paramSchema({
  ...matmulShapeWith({ M: { default: 1, choices: [1, 2, 4, 8, 16] }, K: { default: 4096 } }),
  wg: int('Workgroup size (invocations)', 64, 1, 1024, { choices: [32, 64, 128, 256] }),
  cpi: int('Columns per invocation', 8, 1, 8, { choices: [1, 2, 4, 8] }),
});

interface GemvConfig extends MatmulShape {
  wg: number;
  /** Columns per invocation, one workgroup apart. */
  cpi: number;
  workgroups: number;
}

export const gemv = defineVariant({
  ...matmulShared,
  id: 'gemv',
  label: 'GEMV / skinny (M ≤ 16)',
  summary:
    'For M = 1…16 (one token at decode time): each invocation computes a few columns of C for every row, so B is read exactly once and each A value is reused.',
  schema,
  config: (v): GemvConfig => ({ ...v, workgroups: ceilDiv(v.N, v.wg * v.cpi) }),
  limits: (cfg, caps) => [
    ...(cfg.M > GEMV_MAX_ROWS ? [`GEMV keeps accumulators for every row: M = ${cfg.M} is above ${GEMV_MAX_ROWS}; use the register-blocked variant`] : []),
    ...checkWorkgroup(caps, [cfg.wg, 1, 1], 0, `a workgroup of ${cfg.wg}`),
    ...checkDispatch(caps, [cfg.workgroups]),
    ...matmulBufferProblems(cfg, caps),
  ],
  plan: (cfg, inputs) => ({
    buffers: matmulPlanBuffers(cfg, inputs),
    dispatches: [
      {
        label: `matmul gemv M${cfg.M} wg${cfg.wg} cpi${cfg.cpi}`,
        wgsl: gemvWgsl(cfg.M, cfg.N, cfg.K, cfg.wg, cfg.cpi),
        bindings: MATMUL_BINDINGS,
        workgroups: [cfg.workgroups],
      },
    ],
    output: matmulOutput(cfg),
  }),
  tiling: (cfg) => ({ BM: cfg.M, BN: cfg.wg * cfg.cpi, BK: 1, TM: cfg.M, TN: cfg.cpi, WX: cfg.wg, WY: 1, layout: 'strided', staging: 'global' }),
  traffic: (cfg) => {
    // Per k, an invocation loads its cpi values of B and the M values of A for M·cpi FMAs.
    const { M, N, K } = cfg;
    const invocations = cfg.workgroups * cfg.wg;
    return { flops: 2 * M * N * K, globalBytes: 4 * (M * K + K * N) + 4 * M * N, registerLoadBytes: 4 * invocations * K * (cfg.cpi + M), barriers: 0 };
  },
});
