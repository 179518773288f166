// N:M SpMM from the compressed format: per row, every group of M columns keeps N values and N
// small indices (4 bits each here, 8 to a u32). WG invocations own one row of C, each a set of
// columns (a workgroup holds ROWS such rows); each walks the row's slots, decodes each slot's
// column (group·M + 4-bit index) and gathers that row of B. Same shape as the CSR row kernel,
// with the column index computed from 4 bits instead of read as 32 (a workgroup-memory staged
// version was slower on SwiftShader).
// WebGPU has no sparse tensor units: this saves the bytes of A (and skips the zero products),
// it does not make any multiplication cheaper.
import { declareBindings, readOnly } from '../../gpu/bindings';
import { denseToNM, nmBytes, packNibbles } from '../../numerics/sparseFormats';
import { defineVariant } from '../define';
import { oneOf, paramSchema } from '../params';
import { productBindings } from './bindings';
import { PATTERN_OPTIONS, ROWS_FIELD, SPARSE_SHAPE, denseBaseline, sparseBufferProblems, sparseConfig, sparseShared, sparseWork } from './common';
import { WG_PER_ROW_FIELD, rowGrid, rowLayoutProblems, type RowKernelConfig } from './rowKernels';

export const NM_BINDINGS = [
  readOnly('values', 'array<f32>', 'KEEP values per group of GROUP columns, row by row; unused slots hold 0'),
  readOnly('indexWords', 'array<u32>', "each slot's place in its group, 4 bits each, 8 to a word"),
  ...productBindings('f32'),
];

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

${declareBindings(NM_BINDINGS)}

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

const schema = paramSchema({
  ...SPARSE_SHAPE,
  pattern: oneOf(SPARSE_SHAPE.pattern.label, 'nm24', PATTERN_OPTIONS),
  wg: WG_PER_ROW_FIELD,
  rows: ROWS_FIELD,
});

export const nm = defineVariant({
  ...sparseShared,
  id: 'nm',
  label: 'N:M SpMM (compressed values + 4-bit indices)',
  summary:
    'Reads the N:M compressed A (N values and N small indices per group of M): half the bytes of A for 2:4, and half the products — but no sparse tensor units in WebGPU.',
  schema,
  config: (v): RowKernelConfig => ({ ...sparseConfig(v), wg: v.wg, rows: v.rows }),
  limits: (cfg, caps) => {
    const { spec } = cfg;
    if (spec.kind !== 'nm') return [`the N:M kernel needs an N:M pattern (2:4, 1:4 or 4:8); "${cfg.pattern}" is not one`];
    const slots = cfg.M * Math.ceil(cfg.K / spec.m!) * spec.n!;
    return [...rowLayoutProblems(cfg, caps), ...sparseBufferProblems(cfg, caps, [['N:M values', 4 * slots]])];
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, wg, rows, spec } = cfg;
    const compressed = denseToNM(inputs.a as Float32Array, M, K, spec.n!, spec.m!);
    const { workgroups, gridX } = rowGrid(cfg, caps);
    return {
      buffers: [
        { name: 'values', data: compressed.values, usage: 'storage' },
        { name: 'indexWords', data: packNibbles(compressed.indices), usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: `nm ${spec.n}:${spec.m} wg${wg}×${rows}`, wgsl: nmWgsl(M, N, K, spec.n!, spec.m!, wg, rows, gridX), bindings: NM_BINDINGS, workgroups },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work: (cfg) => sparseWork(cfg, cfg.spec.kind === 'nm' ? nmBytes(cfg.M, cfg.K, cfg.spec.n!, cfg.spec.m!) : 4 * cfg.M * cfg.K),
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'rows', wg: cfg.wg, rows: cfg.rows }),
});
