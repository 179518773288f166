// The bandwidth roof: reads a and b and writes one value per element (h_t = a_t + b_t), the same
// 12 bytes per element as every scan, with no dependency between elements, vec4 loads and a
// grid-stride loop. Each scan's GB/s is reported as a fraction of this kernel's in the same run.
// Bound: one float32 addition, correctly rounded in WGSL: |error| ≤ u·|a + b|.
import { F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import type { HostArray, KernelVariant, Params } from '../types';
import { SCAN_SHAPE_PARAMS, scanBufferChecks, scanCommon, scanShapeOf } from './common';
import { checkDispatch, checkWorkgroup } from '../schema';

const WG = 256;
const MAX_WORKGROUPS = 4096;

export function copyWgsl(count: number): string {
  const vec4s = Math.floor(count / 4);
  return /* wgsl */ `
const COUNT = ${count}u;
const VEC4S = ${vec4s}u;
const STRIDE = ${WG}u * ${MAX_WORKGROUPS}u;

@group(0) @binding(0) var<storage, read> a : array<vec4f>;
@group(0) @binding(1) var<storage, read> b : array<vec4f>;
@group(0) @binding(2) var<storage, read_write> h : array<vec4f>;

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

function workgroupsFor(count: number): number {
  return Math.max(1, Math.min(MAX_WORKGROUPS, Math.ceil(count / 4 / WG)));
}

export const copy: KernelVariant = {
  ...scanCommon,
  id: 'copy',
  label: 'Copy roof (h = a + b, no dependency)',
  summary: 'Moves the same bytes as a scan (read a and b, write h) with no dependency between elements: the memory-bandwidth roof.',
  params: [...SCAN_SHAPE_PARAMS],
  reference(params: Params, inputs: Record<string, HostArray>) {
    const { channels, length } = scanShapeOf(params);
    const n = channels * length;
    const values = new Float64Array(n);
    const bound = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = inputs.a[i] + inputs.b[i];
      bound[i] = F32_UNIT_ROUNDOFF * Math.abs(values[i]) + 2 ** -149;
    }
    return { values, bound, boundNote: '|error| ≤ u·|a + b| (one correctly rounded addition)', rows: channels, cols: length };
  },
  emulate(params, inputs) {
    const { channels, length } = scanShapeOf(params);
    const out = new Float32Array(channels * length);
    for (let i = 0; i < out.length; i++) out[i] = inputs.a[i] + inputs.b[i];
    return out;
  },
  checkLimits(params, caps) {
    const { channels, length } = scanShapeOf(params);
    return [...checkWorkgroup(caps, [WG, 1, 1], 0), ...checkDispatch(caps, [workgroupsFor(channels * length)]), ...scanBufferChecks(params, caps)];
  },
  plan(params, inputs) {
    const { channels, length } = scanShapeOf(params);
    const count = channels * length;
    return {
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'h', bytes: 4 * count, usage: 'storage' },
      ],
      dispatches: [{ label: 'copy roof', wgsl: copyWgsl(count), bindings: ['a', 'b', 'h'], workgroups: [workgroupsFor(count)] }],
      output: { buffer: 'h', type: 'f32', count },
    };
  },
};
