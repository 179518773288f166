// The bandwidth roof: reads a and b and writes one value per element (h_t = a_t + b_t), the same
// 12 bytes per element as every scan, with no dependency between elements, vec4 loads and a
// grid-stride loop. Each scan's GB/s is reported as a fraction of this kernel's in the same run.
// Bound: one float32 addition, correctly rounded in WGSL: |error| ≤ u·|a + b|.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import { SCAN_SHAPE, linearScanShared, scanBufferChecks, scanBuffers, scanOutput, scanShape, type ScanShape, type ScanShapeValues } from './common';

const WG = 256;
const MAX_WORKGROUPS = 4096;

/** a, b and h read and written four elements at a time (buffers are padded to 16 bytes). */
const COPY_BINDINGS = [
  readOnly('a', 'array<vec4f>', 'a_t, four at a time'),
  readOnly('b', 'array<vec4f>', 'b_t, four at a time'),
  readWrite('h', 'array<vec4f>', 'a_t + b_t, four at a time'),
];

export function copyWgsl(count: number): string {
  const vec4s = Math.floor(count / 4);
  return /* wgsl */ `
const COUNT = ${count}u;
const VEC4S = ${vec4s}u;
const STRIDE = ${WG}u * ${MAX_WORKGROUPS}u;

${declareBindings(COPY_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  for (var i = gid.x; i < VEC4S; i += STRIDE) {
    h[i] = a[i] + b[i];
  }
  // The last 0–3 elements, when COUNT is not a multiple of 4 (buffers are padded to 16 bytes).
  let tail = VEC4S * 4u;
  if (gid.x == 0u && tail < COUNT) {
    h[VEC4S] = a[VEC4S] + b[VEC4S];
  }
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
    return { ...shape, count, workgroups: Math.max(1, Math.min(MAX_WORKGROUPS, Math.ceil(count / 4 / WG))) };
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
  limits: (cfg, caps) => [...checkWorkgroup(caps, [WG, 1, 1], 0), ...checkDispatch(caps, [cfg.workgroups]), ...scanBufferChecks(cfg, caps)],
  plan: (cfg, inputs) => ({
    buffers: scanBuffers(cfg, inputs),
    dispatches: [{ label: 'copy roof', wgsl: copyWgsl(cfg.count), bindings: COPY_BINDINGS, workgroups: [cfg.workgroups] }],
    output: scanOutput(cfg),
  }),
  // The roof is its own baseline (role 'baseline'), not compared with a copy of itself.
  baseline: () => null,
  notes: () => ['The copy roof has no dataflow between elements: it shows the bandwidth a scan could reach.'],
  dataflow: () => null,
});
