// The sequential scan in f16 (inputs stored as f16, the recurrence computed in f16, h written as
// f32): the error-versus-length curve at half precision. Needs the adapter's "shader-f16".
// Bound: the same derivation as f32 with u = 2^−11 and flush step 2^−14 (F16_FORMAT), on the f16
// values of a and b (the reference starts from exactly what the GPU reads).
import { hasFeature } from '../../gpu/caps';
import { packF16, roundF16 } from '../../numerics/f16';
import { F16_FORMAT, linearScanReference } from '../../numerics/scan';
import type { HostArray, KernelVariant, Params } from '../types';
import { SCAN_SHAPE_PARAMS, makeScanInputs, scanCommon, scanLimitChecks, scanShapeOf } from './common';

const WG = 64;

export function sequentialF16Wgsl(channels: number, length: number, exclusive: boolean): string {
  return /* wgsl */ `enable f16;

const CHANNELS = ${channels}u;
const L = ${length}u;
const EXCLUSIVE = ${exclusive};

@group(0) @binding(0) var<storage, read> a : array<f16>;
@group(0) @binding(1) var<storage, read> b : array<f16>;
@group(0) @binding(2) var<storage, read_write> h : array<f32>;

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

/** a and b rounded to f16 (as float32 arrays holding f16 values). */
function f16Inputs(params: Params, seed: number): Record<string, HostArray> {
  const { a, b } = makeScanInputs(params, seed) as { a: Float32Array; b: Float32Array };
  return { a: a.map(roundF16), b: b.map(roundF16) };
}

export const sequentialF16: KernelVariant = {
  ...scanCommon,
  id: 'sequential-f16',
  label: 'Sequential in f16 (half precision)',
  summary: 'The sequential scan with a, b and the state in f16: the error against float64 grows 8192× faster per step than in f32.',
  params: [...SCAN_SHAPE_PARAMS],
  unavailableReason(caps) {
    return hasFeature(caps, 'shader-f16') ? null : 'this adapter does not offer the "shader-f16" feature';
  },
  makeInputs: f16Inputs,
  reference(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
    const ref = linearScanReference(inputs.a as Float32Array, inputs.b as Float32Array, channels, length, exclusive, 2, F16_FORMAT);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote: 'the scan bound with f16 unit roundoff 2^−11 (R = 2), on the f16 inputs',
      rows: channels,
      cols: length,
    };
  },
  emulate(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
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
  checkLimits(params, caps) {
    const { channels } = scanShapeOf(params);
    return scanLimitChecks(params, caps, WG, 0, [Math.ceil(channels / WG)]);
  },
  plan(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
    return {
      buffers: [
        { name: 'a', data: packF16(inputs.a as Float32Array), usage: 'storage' },
        { name: 'b', data: packF16(inputs.b as Float32Array), usage: 'storage' },
        { name: 'h', bytes: 4 * channels * length, usage: 'storage' },
      ],
      dispatches: [{ label: 'scan sequential f16', wgsl: sequentialF16Wgsl(channels, length, exclusive), bindings: ['a', 'b', 'h'], workgroups: [Math.ceil(channels / WG)] }],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    };
  },
};
