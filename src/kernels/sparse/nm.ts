// N:M SpMM from the compressed format: per row, every group of M columns keeps N values and N
// small indices (4 bits each here, 8 to a u32). WG invocations own one row of C, each a set of
// columns (a workgroup holds ROWS such rows); each walks the row's slots, decodes each slot's column (group·M + 4-bit index) and
// gathers that row of B. Same shape as the CSR row kernel, with the column index computed from
// 4 bits instead of read as 32 (a workgroup-memory staged version was slower on SwiftShader).
// WebGPU has no sparse tensor units: this saves the bytes of A (and skips the zero products),
// it does not make any multiplication cheaper.
import { denseToNM, nmBytes, packNibbles, patternSpecOf } from '../../numerics/sparse';
import { checkWorkgroup, intParam } from '../schema';
import type { KernelVariant } from '../types';
import { ROWS_PARAM, checkGrid, gridFor, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

export function nmWgsl(M: number, N: number, K: number, n: number, m: number, wg: number, rows: number, gridX: number): string {
  const groups = Math.ceil(K / m);
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const KEEP = ${n}u;  // N of N:M: values kept per group
const GROUP = ${m}u; // M of N:M: columns per group
const ROW_SLOTS = ${groups * n}u; // KEEP slots per group, ${groups} groups per row
const WG = ${wg}u;
const ROWS = ${rows}u; // rows of C per workgroup (one per lid.y)
const GRID_X = ${gridX}u;

@group(0) @binding(0) var<storage, read> values : array<f32>;
@group(0) @binding(1) var<storage, read> indexWords : array<u32>; // 8 four-bit indices per word
@group(0) @binding(2) var<storage, read> b : array<f32>;
@group(0) @binding(3) var<storage, read_write> c : array<f32>;

@compute @workgroup_size(${wg}, ${rows})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let row = (wid.x + wid.y * GRID_X) * ROWS + lid.y;
  if (row >= M) {
    return;
  }
  let rowBase = row * ROW_SLOTS;
  for (var col = lid.x; col < N; col += WG) {
    var acc = 0.0;
    for (var s = 0u; s < ROW_SLOTS; s++) {
      // Slot s of the row belongs to group s / KEEP; its 4-bit index is its place in the group.
      let slot = rowBase + s;
      let within = (indexWords[slot >> 3u] >> ((slot & 7u) * 4u)) & 15u;
      acc += values[slot] * b[((s / KEEP) * GROUP + within) * N + col];
    }
    c[row * N + col] = acc;
  }
}
`;
}

export const nm: KernelVariant = {
  ...sparseCommon,
  id: 'nm',
  label: 'N:M SpMM (compressed values + 4-bit indices)',
  summary:
    'Reads the N:M compressed A (N values and N small indices per group of M): half the bytes of A for 2:4, and half the products — but no sparse tensor units in WebGPU.',
  params: shapeParams().map((p) => (p.key === 'pattern' && p.kind === 'enum' ? { ...p, default: 'nm24' } : p)).concat([
    { key: 'wg', label: 'Invocations per row (columns in parallel)', kind: 'int', default: 64, min: 1, max: 256, choices: [1, 8, 32, 64, 128, 256] },
    ROWS_PARAM,
  ]),
  checkLimits(params, caps) {
    const { M, K } = shapeOf(params);
    const spec = patternSpecOf(params);
    if (spec.kind !== 'nm') return [`the N:M kernel needs an N:M pattern (2:4, 1:4 or 4:8); "${String(params.pattern)}" is not one`];
    const slots = M * Math.ceil(K / spec.m!) * spec.n!;
    return [
      ...checkWorkgroup(caps, [intParam(params, 'wg'), intParam(params, 'rows'), 1], 0, `a workgroup of ${intParam(params, 'wg')}×${intParam(params, 'rows')}`),
      ...checkGrid(Math.ceil(M / intParam(params, 'rows')), caps, `${M} rows`),
      ...sparseBufferChecks(params, caps, [['N:M values', 4 * slots]]),
    ];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const spec = patternSpecOf(params);
    const wg = intParam(params, 'wg');
    const compressed = denseToNM(inputs.a as Float32Array, M, K, spec.n!, spec.m!);
    const rows = intParam(params, 'rows');
    const { workgroups, gridX } = gridFor(Math.ceil(M / rows), caps);
    return {
      buffers: [
        { name: 'values', data: compressed.values, usage: 'storage' },
        { name: 'indexWords', data: packNibbles(compressed.indices), usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        {
          label: `nm ${spec.n}:${spec.m} wg${wg}×${rows}`,
          wgsl: nmWgsl(M, N, K, spec.n!, spec.m!, wg, rows, gridX),
          bindings: ['values', 'indexWords', 'b', 'c'],
          workgroups,
        },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work(params) {
    const { M, K } = shapeOf(params);
    const spec = patternSpecOf(params);
    return sparseWork(params, spec.kind === 'nm' ? nmBytes(M, K, spec.n!, spec.m!) : 4 * M * K);
  },
};
