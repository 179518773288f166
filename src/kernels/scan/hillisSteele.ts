// Hillis–Steele scan in a workgroup (Hillis & Steele, "Data parallel algorithms", CACM 1986):
// one workgroup per channel walks the sequence in tiles of WG elements; inside a tile, at step k
// every element i ≥ 2^k combines with element i − 2^k (double-buffered in workgroup memory).
// Depth log2(WG) per tile but WG·log2(WG) operations: not work-efficient.
// Right-operand depth R = log2(WG) (tree) + 1 (carry) + 1 (margin).
import { intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { SCAN_SHAPE_PARAMS, WG_PARAM, log2, scanBuffers, scanCommon, scanHeader, scanLimitChecks, scanReferenceWith, scanShapeOf } from './common';

export function hillisSteeleWgsl(channels: number, length: number, exclusive: boolean, wg: number): string {
  return /* wgsl */ `${scanHeader(channels, length, exclusive)}
const WG = ${wg}u;

// Two halves: the current level is read from one and written to the other.
var<workgroup> levels : array<vec2f, ${2 * wg}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let channel = wid.x;
  let base = channel * L;
  let i = lid.x;
  var carry = IDENTITY; // everything before this tile, the same in every invocation
  for (var tile = 0u; tile < L; tile += WG) {
    let t = tile + i;
    var element = IDENTITY;
    if (t < L) {
      element = vec2f(a[base + t], b[base + t]);
    }
    levels[i] = element;
    workgroupBarrier();
    var src = 0u;
    for (var offset = 1u; offset < WG; offset *= 2u) {
      var value = levels[src * WG + i];
      if (i >= offset) {
        value = combine(levels[src * WG + i - offset], value);
      }
      levels[(1u - src) * WG + i] = value;
      src = 1u - src;
      workgroupBarrier();
    }
    let tileTotal = levels[src * WG + WG - 1u];
    if (t < L) {
      if (EXCLUSIVE) {
        var before = IDENTITY;
        if (i > 0u) {
          before = levels[src * WG + i - 1u];
        }
        h[base + t] = combine(carry, before).y;
      } else {
        h[base + t] = combine(carry, levels[src * WG + i]).y;
      }
    }
    carry = combine(carry, tileTotal);
    workgroupBarrier(); // the next tile overwrites levels
  }
}
`;
}

const rightDepth = (params: Params) => log2(intParam(params, 'wg')) + 2;

export const hillisSteele: KernelVariant = {
  ...scanCommon,
  id: 'hillis-steele',
  label: 'Hillis–Steele (workgroup, log-depth)',
  summary:
    'One workgroup per channel, tiles of WG elements; at step k each element combines with the one 2^k before it. ' +
    'log2(WG) steps per tile but WG·log2(WG) combines: fast depth, wasted work.',
  params: [...SCAN_SHAPE_PARAMS, WG_PARAM],
  reference: scanReferenceWith(rightDepth),
  checkLimits(params, caps) {
    const { channels } = scanShapeOf(params);
    const wg = intParam(params, 'wg');
    return scanLimitChecks(params, caps, wg, 2 * wg * 8, [channels]);
  },
  plan(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
    const wg = intParam(params, 'wg');
    return {
      buffers: scanBuffers(inputs, params),
      dispatches: [{ label: `scan hillis-steele wg${wg}`, wgsl: hillisSteeleWgsl(channels, length, exclusive, wg), bindings: ['a', 'b', 'h'], workgroups: [channels] }],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    };
  },
};
