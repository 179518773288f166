// CSR SpMM, one row of C per WG invocations: they share the row's (column index, value) list and
// each owns columns col, col + WG, … of C. A workgroup holds ROWS such rows (ROWS > 1 keeps the
// lanes busy when N is small). Simple and coalesced along B's rows, but a row's time is its
// length: with skewed rows a few workgroups run long while the rest sit idle.
import { csrBytes, denseToCsr } from '../../numerics/sparse';
import { checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { ROWS_PARAM, checkGrid, gridFor, nominalNnz, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

export function csrRowWgsl(M: number, N: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const WG = ${wg}u;
const ROWS = ${rows}u; // rows of C per workgroup (one per lid.y)
const GRID_X = ${gridX}u;

@group(0) @binding(0) var<storage, read> rowPtr : array<u32>;
@group(0) @binding(1) var<storage, read> colIdx : array<u32>;
@group(0) @binding(2) var<storage, read> values : array<f32>;
@group(0) @binding(3) var<storage, read> b : array<f32>;
@group(0) @binding(4) var<storage, read_write> c : array<f32>;

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

export const csrRow: KernelVariant = {
  ...sparseCommon,
  id: 'csr-row',
  label: 'CSR SpMM, one row per workgroup',
  summary: 'A workgroup per row of C (or a few rows when N is small); its invocations split the columns of B and walk the row’s non-zeros together.',
  params: [
    ...shapeParams(),
    { key: 'wg', label: 'Invocations per row (columns in parallel)', kind: 'int', default: 64, min: 1, max: 256, choices: [1, 8, 32, 64, 128, 256] },
    ROWS_PARAM,
  ],
  checkLimits(params, caps) {
    const { M } = shapeOf(params);
    const nnz = nominalNnz(params);
    return [
      ...checkWorkgroup(caps, [intParam(params, 'wg'), intParam(params, 'rows'), 1], 0, `a workgroup of ${intParam(params, 'wg')}×${intParam(params, 'rows')}`),
      ...checkGrid(Math.ceil(M / intParam(params, 'rows')), caps, `${M} rows`),
      ...sparseBufferChecks(params, caps, [['CSR values', 4 * nnz], ['CSR column indices', 4 * nnz]]),
    ];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const wg = intParam(params, 'wg');
    const csr = denseToCsr(inputs.a as Float32Array, M, K);
    const rows = intParam(params, 'rows');
    const { workgroups, gridX } = gridFor(Math.ceil(M / rows), caps);
    return {
      buffers: [
        { name: 'rowPtr', data: csr.rowPtr, usage: 'storage' },
        { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
        { name: 'values', data: csr.values, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: `csr rows wg${wg}×${rows}`, wgsl: csrRowWgsl(M, N, wg, rows, gridX), bindings: ['rowPtr', 'colIdx', 'values', 'b', 'c'], workgroups },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work(params) {
    return sparseWork(params, csrBytes(shapeOf(params).M, nominalNnz(params)));
  },
};
