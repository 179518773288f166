// The sequential scan in f16 (inputs stored as f16, the recurrence computed in f16, h written as
// f32): the error-versus-length curve at half precision. Needs the adapter's "shader-f16".
// Bound: the same derivation as f32 with u = 2^−11 and flush step 2^−14 (F16_FORMAT), on the f16
// values of a and b (the reference starts from exactly what the GPU reads).
import { declareBindings, readOnly } from '../../gpu/bindings';
import { hasFeature } from '../../gpu/caps';
import { packF16, roundF16 } from '../../numerics/f16';
import { F16_FORMAT, linearScanReference } from '../../numerics/scan';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import {
  H_BINDING,
  SCAN_SHAPE,
  float32Input,
  linearScanShared,
  scanConstants,
  scanLimitChecks,
  scanOutput,
  scanShape,
  type ScanShape,
  type ScanShapeValues,
} from './common';

const WG = 64;

/** a and b as f16 (two values per 32-bit word); h stays f32. */
const F16_BINDINGS = [
  readOnly('a', 'array<f16>', 'decays a_t in f16, channel-major'),
  readOnly('b', 'array<f16>', 'inputs b_t in f16, channel-major'),
  H_BINDING,
];

export function sequentialF16Wgsl(s: ScanShape): string {
  return /* wgsl */ `enable f16;
${scanConstants(s)}
${declareBindings(F16_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let channel = gid.x;
  if (channel >= CHANNELS) {
    return;
  }
  let base = channel * L;
  var state = 0.0h;
  for (var t = 0u; t < L; t++) {
    let next = a[base + t] * state + b[base + t];
    if (EXCLUSIVE) {
      h[base + t] = f32(state);
    } else {
      h[base + t] = f32(next);
    }
    state = next;
  }
}
`;
}

interface SequentialF16Config extends ScanShape {
  workgroups: number;
}

export const sequentialF16 = defineVariant({
  ...linearScanShared,
  id: 'sequential-f16',
  label: 'Sequential in f16 (half precision)',
  summary: 'The sequential scan with a, b and the state in f16: the error against float64 grows 8192× faster per step than in f32.',
  schema: paramSchema(SCAN_SHAPE),
  config: (v: ScanShapeValues): SequentialF16Config => ({ ...scanShape(v), workgroups: Math.ceil(v.channels / WG) }),
  unavailableReason: (caps) => (hasFeature(caps, 'shader-f16') ? null : 'this adapter does not offer the "shader-f16" feature'),
  // a and b rounded to f16 (as float32 arrays holding f16 values).
  inputs: (cfg, seed) => {
    const { a, b } = linearScanShared.inputs(cfg, seed);
    return { a: a.map(roundF16), b: b.map(roundF16) };
  },
  reference: (cfg, inputs) => {
    const ref = linearScanReference(float32Input(inputs, 'a'), float32Input(inputs, 'b'), cfg.channels, cfg.length, cfg.exclusive, 2, F16_FORMAT);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote: 'the scan bound with f16 unit roundoff 2^−11 (R = 2), on the f16 inputs',
      rows: cfg.channels,
      cols: cfg.length,
    };
  },
  emulate: (cfg, inputs) => {
    const { channels, length, exclusive } = cfg;
    const out = new Float32Array(channels * length);
    for (let c = 0; c < channels; c++) {
      let state = 0;
      for (let t = 0; t < length; t++) {
        const i = c * length + t;
        const next = roundF16(roundF16(inputs.a[i] * state) + inputs.b[i]);
        out[i] = exclusive ? state : next;
        state = next;
      }
    }
    return out;
  },
  limits: (cfg, caps) => scanLimitChecks(cfg, caps, WG, 0, [cfg.workgroups]),
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'a', data: packF16(float32Input(inputs, 'a')), usage: 'storage' },
      { name: 'b', data: packF16(float32Input(inputs, 'b')), usage: 'storage' },
      { name: 'h', bytes: 4 * cfg.channels * cfg.length, usage: 'storage' },
    ],
    dispatches: [{ label: 'scan sequential f16', wgsl: sequentialF16Wgsl(cfg), bindings: F16_BINDINGS, workgroups: [cfg.workgroups] }],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'sequential',
});
