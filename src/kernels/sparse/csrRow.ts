// CSR SpMM, one row of C per WG invocations: they share the row's (column index, value) list and
// each owns columns col, col + WG, … of C. A workgroup holds ROWS such rows (ROWS > 1 keeps the
// lanes busy when N is small). Simple and coalesced along B's rows, but a row's time is its
// length: with skewed rows a few workgroups run long while the rest sit idle.
import { declareBindings } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { csrProductBindings } from './bindings';
import { SPARSE_SHAPE, ROWS_FIELD, denseBaseline, sparseConfig, sparseShared } from './common';
import { WG_PER_ROW_FIELD, csrBufferProblems, csrRowsPlan, csrWork, rowLayoutProblems, type RowKernelConfig } from './rowKernels';

export const CSR_ROW_BINDINGS = csrProductBindings('f32');

export function csrRowWgsl(M: number, N: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const WG = ${wg}u;
const ROWS = ${rows}u; // rows of C per workgroup (one per lid.y)
const GRID_X = ${gridX}u;

${declareBindings(CSR_ROW_BINDINGS)}

@compute @workgroup_size(${wg}, ${rows})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let row = (wid.x + wid.y * GRID_X) * ROWS + lid.y;
  if (row >= M) {
    return;
  }
  let start = rowPtr[row];
  let end = rowPtr[row + 1u];
  for (var col = lid.x; col < N; col += WG) {
    var acc = 0.0;
    for (var p = start; p < end; p++) {
      acc += values[p] * b[colIdx[p] * N + col];
    }
    c[row * N + col] = acc;
  }
}
`;
}

const schema = paramSchema({ ...SPARSE_SHAPE, wg: WG_PER_ROW_FIELD, rows: ROWS_FIELD });

export const csrRow = defineVariant({
  ...sparseShared,
  id: 'csr-row',
  label: 'CSR SpMM, one row per workgroup',
  summary: 'A workgroup per row of C (or a few rows when N is small); its invocations split the columns of B and walk the row’s non-zeros together.',
  schema,
  config: (v): RowKernelConfig => ({ ...sparseConfig(v), wg: v.wg, rows: v.rows }),
  limits: (cfg, caps) => [...rowLayoutProblems(cfg, caps), ...csrBufferProblems(cfg, caps)],
  plan: (cfg, inputs, caps) =>
    csrRowsPlan(cfg, inputs, caps, {
      label: `csr rows wg${cfg.wg}×${cfg.rows}`,
      bindings: CSR_ROW_BINDINGS,
      wgsl: (gridX) => csrRowWgsl(cfg.M, cfg.N, cfg.wg, cfg.rows, gridX),
    }),
  work: (cfg) => csrWork(cfg),
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'rows', wg: cfg.wg, rows: cfg.rows }),
});
