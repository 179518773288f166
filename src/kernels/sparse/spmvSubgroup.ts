// CSR SpMV (y = A·x) with one subgroup per row: the lanes of a subgroup stride through the row's
// non-zeros and subgroupAdd combines their partial sums. Rows are handed out dynamically: the
// elected lane of a subgroup takes the next row from an atomic counter and broadcasts it, so no
// assumption is made about how subgroups map onto a workgroup (WGSL leaves that open), and short
// and long rows balance themselves. Needs the 'subgroups' feature.
import { csrBytes, denseToCsr } from '../../numerics/sparse';
import { hasFeature } from '../../gpu/caps';
import { checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { nominalNnz, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

export function spmvSubgroupWgsl(M: number, wg: number): string {
  return /* wgsl */ `
enable subgroups;
// The row index is the same on every lane of a subgroup (it is broadcast), which WGSL's
// uniformity analysis cannot see; the subgroup operations below run in subgroup-uniform control flow.
diagnostic(off, subgroup_uniformity);

const M = ${M}u;

@group(0) @binding(0) var<storage, read> rowPtr : array<u32>;
@group(0) @binding(1) var<storage, read> colIdx : array<u32>;
@group(0) @binding(2) var<storage, read> values : array<f32>;
@group(0) @binding(3) var<storage, read> x : array<f32>;
@group(0) @binding(4) var<storage, read_write> y : array<f32>;
@group(0) @binding(5) var<storage, read_write> nextRow : atomic<u32>;

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
@group(0) @binding(0) var<storage, read_write> nextRow : atomic<u32>;

@compute @workgroup_size(1)
fn main() {
  atomicStore(&nextRow, 0u);
}
`;

export const spmvSubgroup: KernelVariant = {
  ...sparseCommon,
  id: 'spmv-subgroup',
  label: 'CSR SpMV, one subgroup per row (subgroups)',
  summary: 'y = A·x: each subgroup takes rows from an atomic counter, its lanes split the row and subgroupAdd sums them.',
  params: [
    ...shapeParams(false),
    { key: 'wg', label: 'Workgroup size (invocations)', kind: 'int', default: 64, min: 1, max: 256, choices: [32, 64, 128, 256] },
    { key: 'workgroups', label: 'Workgroups launched (persistent)', kind: 'int', default: 64, min: 1, max: 4096, choices: [8, 32, 64, 256, 1024] },
  ],
  unavailableReason(caps) {
    return hasFeature(caps, 'subgroups') ? null : 'this device has no WebGPU "subgroups" feature, which the subgroup-per-row SpMV needs';
  },
  checkLimits(params, caps) {
    const nnz = nominalNnz(params);
    return [
      ...checkWorkgroup(caps, [intParam(params, 'wg'), 1, 1], 0, `a workgroup of ${intParam(params, 'wg')}`),
      ...(intParam(params, 'workgroups') > caps.limits.maxComputeWorkgroupsPerDimension ? ['too many workgroups for this device'] : []),
      ...sparseBufferChecks(params, caps, [['CSR values', 4 * nnz]]),
    ];
  },
  plan(params, inputs) {
    const { M, K } = shapeOf(params);
    const wg = intParam(params, 'wg');
    const csr = denseToCsr(inputs.a as Float32Array, M, K);
    return {
      buffers: [
        { name: 'rowPtr', data: csr.rowPtr, usage: 'storage' },
        { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
        { name: 'values', data: csr.values, usage: 'storage' },
        { name: 'x', data: inputs.b, usage: 'storage' },
        { name: 'y', bytes: 4 * M, usage: 'storage' },
        // Reset by a dispatch of its own rather than resetEachRun, so that many runs can share
        // one pass between two timestamps.
        { name: 'nextRow', bytes: 4, usage: 'storage' },
      ],
      dispatches: [
        { label: 'spmv reset row counter', wgsl: RESET_COUNTER_WGSL, bindings: ['nextRow'], workgroups: [1] },
        {
          label: `spmv subgroup-per-row wg${wg}`,
          wgsl: spmvSubgroupWgsl(M, wg),
          bindings: ['rowPtr', 'colIdx', 'values', 'x', 'y', 'nextRow'],
          workgroups: [intParam(params, 'workgroups')],
        },
      ],
      output: { buffer: 'y', type: 'f32', count: M },
    };
  },
  work(params) {
    return sparseWork(params, csrBytes(shapeOf(params).M, nominalNnz(params)));
  },
};
