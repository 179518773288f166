// CSR SpMM with vector loads: like the row kernel, but each invocation owns 4 adjacent columns
// of C and reads B and writes C as vec4 (N must be a multiple of 4). One (index, value) load now
// feeds four multiply-adds, and B moves in 16-byte pieces (Sputnik's vector memory accesses).
import { declareBindings } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { csrProductBindings } from './bindings';
import { SPARSE_SHAPE, ROWS_FIELD, denseBaseline, sparseConfig, sparseShared } from './common';
import { csrBufferProblems, csrRowsPlan, csrWork, rowLayoutProblems, type RowKernelConfig } from './rowKernels';

export const CSR_VEC4_BINDINGS = csrProductBindings('vec4f');

export function csrVec4Wgsl(M: number, N: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N4 = ${N / 4}u; // columns of B and C, in vec4s
const WG = ${wg}u;
const ROWS = ${rows}u; // rows of C per workgroup (one per lid.y)
const GRID_X = ${gridX}u;

${declareBindings(CSR_VEC4_BINDINGS)}

@compute @workgroup_size(${wg}, ${rows})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let row = (wid.x + wid.y * GRID_X) * ROWS + lid.y;
  if (row >= M) {
    return;
  }
  let start = rowPtr[row];
  let end = rowPtr[row + 1u];
  for (var col4 = lid.x; col4 < N4; col4 += WG) {
    var acc = vec4f(0.0);
    for (var p = start; p < end; p++) {
      acc += values[p] * b[colIdx[p] * N4 + col4];
    }
    c[row * N4 + col4] = acc;
  }
}
`;
}

const schema = paramSchema({
  ...SPARSE_SHAPE,
  wg: int('Invocations per row (4 columns each)', 16, 1, 256, { choices: [1, 2, 4, 8, 16, 64] }),
  rows: ROWS_FIELD,
});

export const csrVec4 = defineVariant({
  ...sparseShared,
  id: 'csr-vec4',
  label: 'CSR SpMM, vec4 columns',
  summary: 'The row kernel with each invocation owning 4 adjacent columns: B and C move as vec4, each non-zero feeds 4 multiply-adds. Needs N divisible by 4.',
  schema,
  config: (v): RowKernelConfig => ({ ...sparseConfig(v), wg: v.wg, rows: v.rows }),
  limits: (cfg, caps) => [
    ...(cfg.N % 4 !== 0 ? [`N = ${cfg.N} is not a multiple of 4: the vec4 kernel reads B and writes C four columns at a time`] : []),
    ...rowLayoutProblems(cfg, caps),
    ...csrBufferProblems(cfg, caps),
  ],
  plan: (cfg, inputs, caps) =>
    csrRowsPlan(cfg, inputs, caps, {
      label: `csr vec4 wg${cfg.wg}×${cfg.rows}`,
      bindings: CSR_VEC4_BINDINGS,
      wgsl: (gridX) => csrVec4Wgsl(cfg.M, cfg.N, cfg.wg, cfg.rows, gridX),
    }),
  work: (cfg) => csrWork(cfg),
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'rows4', wg: cfg.wg, rows: cfg.rows }),
});
