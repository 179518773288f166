// GEMV and skinny products (M = 1…16, the decode-time shape): each invocation owns CPI columns of
// C (spaced one workgroup apart, so neighbouring invocations read neighbouring elements of B) and
// computes them for all M rows. Every element of B is read exactly once; each loaded value of A
// feeds CPI multiply-adds. A square tile would leave most of its invocations idle on this shape.
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulBuffers, matmulCommon, shapeOf } from './common';

export const GEMV_MAX_ROWS = 16;

export function gemvWgsl(M: number, N: number, K: number, wg: number, cpi: number): string {
  const rows = Array.from({ length: M }, (_, i) => i);
  const cols = Array.from({ length: cpi }, (_, j) => j);
  return /* wgsl */ `// GEMV: ${M} row(s) × K = ${K}; each invocation computes ${cpi} column(s) of C, ${wg} apart
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

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

function gemvLayout(params: Params) {
  const wg = intParam(params, 'wg');
  const cpi = intParam(params, 'cpi');
  return { wg, cpi, workgroups: Math.ceil(shapeOf(params).N / (wg * cpi)) };
}

export const gemv: KernelVariant = {
  ...matmulCommon,
  id: 'gemv',
  label: 'GEMV / skinny (M ≤ 16)',
  summary: 'For M = 1…16 (one token at decode time): each invocation computes a few columns of C for every row, so B is read exactly once and each A value is reused.',
  params: [
    ...SHAPE_PARAMS.map((p) => (p.key === 'M' && p.kind === 'int' ? { ...p, default: 1, max: GEMV_MAX_ROWS, choices: [1, 2, 4, 8, 16] } : p.key === 'K' && p.kind === 'int' ? { ...p, default: 4096 } : p)),
    { key: 'wg', label: 'Workgroup size (invocations)', kind: 'int', default: 64, min: 1, max: 1024, choices: [32, 64, 128, 256] },
    { key: 'cpi', label: 'Columns per invocation', kind: 'int', default: 8, min: 1, max: 8, choices: [1, 2, 4, 8] },
  ],
  checkLimits(params, caps) {
    const { M } = shapeOf(params);
    const { wg, workgroups } = gemvLayout(params);
    const problems: string[] = [];
    if (M > GEMV_MAX_ROWS) problems.push(`GEMV keeps accumulators for every row: M = ${M} is above ${GEMV_MAX_ROWS}; use the register-blocked variant`);
    return [...problems, ...checkWorkgroup(caps, [wg, 1, 1], 0, `a workgroup of ${wg}`), ...checkDispatch(caps, [workgroups]), ...matmulBufferChecks(params, caps)];
  },
  plan(params, inputs) {
    const { M, N, K } = shapeOf(params);
    const { wg, cpi, workgroups } = gemvLayout(params);
    return {
      buffers: matmulBuffers(inputs, params),
      dispatches: [{ label: `matmul gemv M${M} wg${wg} cpi${cpi}`, wgsl: gemvWgsl(M, N, K, wg, cpi), bindings: ['a', 'b', 'c'], workgroups: [workgroups] }],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
};
