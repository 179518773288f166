// CSR SpMV (y = A·x) with one subgroup per row: the lanes of a subgroup stride through the row's
// non-zeros and subgroupAdd combines their partial sums. Rows are handed out dynamically: the
// elected lane of a subgroup takes the next row from an atomic counter and broadcasts it, so no
// assumption is made about how subgroups map onto a workgroup (WGSL leaves that open), and short
// and long rows balance themselves. Needs the 'subgroups' feature.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { hasFeature } from '../../gpu/caps';
import { denseToCsr } from '../../numerics/sparseFormats';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkWorkgroup } from '../schema';
import { CSR_A_BINDINGS } from './bindings';
import { SPARSE_VECTOR_SHAPE, denseBaseline, sparseBufferProblems, sparseConfig, sparseShared, type SparseConfig } from './common';
import { csrWork } from './rowKernels';

/** The row counter the subgroups take rows from. */
const NEXT_ROW = readWrite('nextRow', 'atomic<u32>', 'the next row not yet taken');

export const SPMV_BINDINGS = [...CSR_A_BINDINGS, readOnly('x', 'array<f32>', 'x, K values'), readWrite('y', 'array<f32>', 'y = A·x, M values'), NEXT_ROW];

export const RESET_BINDINGS = [NEXT_ROW];

export function spmvSubgroupWgsl(M: number, wg: number): string {
  return /* wgsl */ `
enable subgroups;
// The row index is the same on every lane of a subgroup (it is broadcast), which WGSL's
// uniformity analysis cannot see; the subgroup operations below run in subgroup-uniform control flow.
diagnostic(off, subgroup_uniformity);

const M = ${M}u;

${declareBindings(SPMV_BINDINGS)}

@compute @workgroup_size(${wg})
fn main(@builtin(subgroup_invocation_id) lane : u32, @builtin(subgroup_size) lanes : u32) {
  loop {
    var claimed = 0u;
    if (subgroupElect()) {
      claimed = atomicAdd(&nextRow, 1u);
    }
    let row = subgroupBroadcastFirst(claimed);
    if (row >= M) {
      break;
    }
    var acc = 0.0;
    let end = rowPtr[row + 1u];
    for (var p = rowPtr[row] + lane; p < end; p += lanes) {
      acc += values[p] * x[colIdx[p]];
    }
    let total = subgroupAdd(acc);
    if (subgroupElect()) {
      y[row] = total;
    }
  }
}
`;
}

/** Sets the row counter back to 0: the first dispatch of every run (dispatches in a pass are ordered). */
export const RESET_COUNTER_WGSL = /* wgsl */ `
${declareBindings(RESET_BINDINGS)}

@compute @workgroup_size(1)
fn main() {
  atomicStore(&nextRow, 0u);
}
`;

interface SpmvConfig extends SparseConfig {
  /** Workgroup size. */
  wg: number;
  /** Workgroups launched (they take rows until none is left). */
  workgroups: number;
}

const schema = paramSchema({
  ...SPARSE_VECTOR_SHAPE,
  wg: int('Workgroup size (invocations)', 64, 1, 256, { choices: [32, 64, 128, 256] }),
  workgroups: int('Workgroups launched (persistent)', 64, 1, 4096, { choices: [8, 32, 64, 256, 1024] }),
});

export const spmvSubgroup = defineVariant({
  ...sparseShared,
  id: 'spmv-subgroup',
  label: 'CSR SpMV, one subgroup per row (subgroups)',
  summary: 'y = A·x: each subgroup takes rows from an atomic counter, its lanes split the row and subgroupAdd sums them.',
  schema,
  config: (v): SpmvConfig => ({ ...sparseConfig(v), wg: v.wg, workgroups: v.workgroups }),
  unavailableReason: (caps) => (hasFeature(caps, 'subgroups') ? null : 'this device has no WebGPU "subgroups" feature, which the subgroup-per-row SpMV needs'),
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [cfg.wg, 1, 1], 0, `a workgroup of ${cfg.wg}`),
    ...(cfg.workgroups > caps.limits.maxComputeWorkgroupsPerDimension ? ['too many workgroups for this device'] : []),
    ...sparseBufferProblems(cfg, caps, [['CSR values', 4 * cfg.nnz]]),
  ],
  plan: (cfg, inputs) => {
    const csr = denseToCsr(inputs.a as Float32Array, cfg.M, cfg.K);
    return {
      buffers: [
        { name: 'rowPtr', data: csr.rowPtr, usage: 'storage' },
        { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
        { name: 'values', data: csr.values, usage: 'storage' },
        { name: 'x', data: inputs.b, usage: 'storage' },
        { name: 'y', bytes: 4 * cfg.M, usage: 'storage' },
        // Reset by a dispatch of its own rather than resetEachRun, so that many runs can share
        // one pass between two timestamps.
        { name: 'nextRow', bytes: 4, usage: 'storage' },
      ],
      dispatches: [
        { label: 'spmv reset row counter', wgsl: RESET_COUNTER_WGSL, bindings: RESET_BINDINGS, workgroups: [1] },
        { label: `spmv subgroup-per-row wg${cfg.wg}`, wgsl: spmvSubgroupWgsl(cfg.M, cfg.wg), bindings: SPMV_BINDINGS, workgroups: [cfg.workgroups] },
      ],
      output: { buffer: 'y', type: 'f32', count: cfg.M },
    };
  },
  work: (cfg) => csrWork(cfg),
  // A plain GEMV on the same A: one invocation per row, 64 rows per workgroup.
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'rows', wg: 1, rows: 64 }),
});
