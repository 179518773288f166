// The bandwidth roof: reads a and b and writes one value per element (h_t = a_t + b_t), the same
// 12 bytes per element as every scan, with no dependency between elements. Each workgroup copies
// one tile of 4·WG vec4s, invocation i the vec4s i, i + WG, i + 2·WG, i + 3·WG of it: coalesced
// on a GPU, and straight-line code with no bounds check and no loop, which a CPU adapter needs
// (SwiftShader runs every branch as masked code: one vec4 per invocation in a grid-stride loop
// ran at half this speed there). a, b (zero-padded) and h have room for whole tiles; only
// channels·L values are read back. Each scan's GB/s is reported as a fraction of this kernel's.
// Bound: one float32 addition, correctly rounded in WGSL: |error| ≤ u·|a + b|.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { SCAN_SHAPE, linearScanShared, scanBufferChecks, scanOutput, scanShape, zeroPadded, type ScanShape, type ScanShapeValues } from './common';

const WG = 256;
/** Vec4s per invocation and tile. */
const PER_INVOCATION = 4;
const TILE = PER_INVOCATION * WG;

/** a, b and h read and written four elements at a time (buffers are padded to 16 bytes). */
const COPY_BINDINGS = [
  readOnly('a', 'array<vec4f>', 'a_t, four at a time'),
  readOnly('b', 'array<vec4f>', 'b_t, four at a time'),
  readWrite('h', 'array<vec4f>', 'a_t + b_t, four at a time'),
];

export function copyWgsl(): string {
  const copies = Array.from({ length: PER_INVOCATION }, (_, k) => `  h[base + ${k * WG}u] = a[base + ${k * WG}u] + b[base + ${k * WG}u];`).join('\n');
  return /* wgsl */ `
const TILE = ${TILE}u; // vec4s per workgroup

${declareBindings(COPY_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let base = wid.x * TILE + lid.x;
${copies}
}
`;
}

interface CopyConfig extends ScanShape {
  count: number;
  workgroups: number;
}

export const copy = defineVariant({
  ...linearScanShared,
  id: 'copy',
  label: 'Copy roof (h = a + b, no dependency)',
  summary: 'Moves the same bytes as a scan (read a and b, write h) with no dependency between elements: the memory-bandwidth roof.',
  role: 'baseline',
  schema: paramSchema(SCAN_SHAPE),
  config: (v: ScanShapeValues): CopyConfig => {
    const shape = scanShape(v);
    const count = shape.channels * shape.length;
    return { ...shape, count, workgroups: Math.max(1, Math.ceil(count / 4 / TILE)) };
  },
  reference: (cfg, inputs) => {
    const values = new Float64Array(cfg.count);
    const bound = new Float64Array(cfg.count);
    for (let i = 0; i < cfg.count; i++) {
      values[i] = inputs.a[i] + inputs.b[i];
      bound[i] = F32_UNIT_ROUNDOFF * Math.abs(values[i]) + 2 ** -149;
    }
    return { values, bound, boundNote: '|error| ≤ u·|a + b| (one correctly rounded addition)', rows: cfg.channels, cols: cfg.length };
  },
  emulate: (cfg, inputs) => {
    const out = new Float32Array(cfg.count);
    for (let i = 0; i < out.length; i++) out[i] = inputs.a[i] + inputs.b[i];
    return out;
  },
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [WG, 1, 1], 0),
    ...checkDispatch(caps, [cfg.workgroups]),
    ...scanBufferChecks(cfg, caps),
    ...checkBuffers(caps, [['a, b, h (room for whole tiles)', 16 * TILE * cfg.workgroups]]),
  ],
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'a', data: zeroPadded(inputs.a, 4 * TILE * cfg.workgroups), usage: 'storage' },
      { name: 'b', data: zeroPadded(inputs.b, 4 * TILE * cfg.workgroups), usage: 'storage' },
      { name: 'h', bytes: 16 * TILE * cfg.workgroups, usage: 'storage' },
    ],
    dispatches: [{ label: 'copy roof', wgsl: copyWgsl(), bindings: COPY_BINDINGS, workgroups: [cfg.workgroups] }],
    output: scanOutput(cfg),
  }),
  // The roof is its own baseline (role 'baseline'), not compared with a copy of itself.
  baseline: () => null,
  notes: () => ['The copy roof has no dataflow between elements: it shows the bandwidth a scan could reach.'],
  dataflow: () => null,
});
