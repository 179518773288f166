// CSR SpMM with vector loads: like the row kernel, but each invocation owns 4 adjacent columns
// of C and reads B and writes C as vec4 (N must be a multiple of 4). One (index, value) load now
// feeds four multiply-adds, and B moves in 16-byte pieces (Sputnik's vector memory accesses).
import { csrBytes, denseToCsr } from '../../numerics/sparse';
import { checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { ROWS_PARAM, checkGrid, gridFor, nominalNnz, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

export function csrVec4Wgsl(M: number, N: number, wg: number, rows: number, gridX: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N4 = ${N / 4}u; // columns of B and C, in vec4s
const WG = ${wg}u;
const ROWS = ${rows}u; // rows of C per workgroup (one per lid.y)
const GRID_X = ${gridX}u;

@group(0) @binding(0) var<storage, read> rowPtr : array<u32>;
@group(0) @binding(1) var<storage, read> colIdx : array<u32>;
@group(0) @binding(2) var<storage, read> values : array<f32>;
@group(0) @binding(3) var<storage, read> b : array<vec4f>;
@group(0) @binding(4) var<storage, read_write> c : array<vec4f>;

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

export const csrVec4: KernelVariant = {
  ...sparseCommon,
  id: 'csr-vec4',
  label: 'CSR SpMM, vec4 columns',
  summary: 'The row kernel with each invocation owning 4 adjacent columns: B and C move as vec4, each non-zero feeds 4 multiply-adds. Needs N divisible by 4.',
  params: [
    ...shapeParams(),
    { key: 'wg', label: 'Invocations per row (4 columns each)', kind: 'int', default: 16, min: 1, max: 256, choices: [1, 2, 4, 8, 16, 64] },
    ROWS_PARAM,
  ],
  checkLimits(params, caps) {
    const { M, N } = shapeOf(params);
    const wg = intParam(params, 'wg');
    const rows = intParam(params, 'rows');
    const nnz = nominalNnz(params);
    return [
      ...(N % 4 !== 0 ? [`N = ${N} is not a multiple of 4: the vec4 kernel reads B and writes C four columns at a time`] : []),
      ...checkWorkgroup(caps, [wg, rows, 1], 0, `a workgroup of ${wg}×${rows}`),
      ...checkGrid(Math.ceil(M / rows), caps, `${M} rows`),
      ...sparseBufferChecks(params, caps, [['CSR values', 4 * nnz], ['CSR column indices', 4 * nnz]]),
    ];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const wg = intParam(params, 'wg');
    const rows = intParam(params, 'rows');
    const csr = denseToCsr(inputs.a as Float32Array, M, K);
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
        { label: `csr vec4 wg${wg}×${rows}`, wgsl: csrVec4Wgsl(M, N, wg, rows, gridX), bindings: ['rowPtr', 'colIdx', 'values', 'b', 'c'], workgroups },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work(params) {
    return sparseWork(params, csrBytes(shapeOf(params).M, nominalNnz(params)));
  },
};
