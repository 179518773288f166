// Subgroup scan: inside a subgroup, a Hillis–Steele scan with subgroupShuffleUp (no workgroup
// memory, no barriers); one invocation then combines the subgroup totals in order; each lane
// applies its subgroup's prefix. One workgroup per channel, tiles of WG elements.
// WGSL does not promise how invocations map to subgroups, so each subgroup claims its place in
// the tile with an atomic counter (ordinal · subgroup_size + lane) instead of assuming
// local_invocation_index order. Needs WG to be a multiple of the subgroup size (true for powers
// of two; a workgroup smaller than one subgroup also works).
// Right-operand depth R = log2(subgroup) ≤ log2(WG) + 1 (subgroup prefix) + 1 (totals) + 1 (carry) + 1.
import { hasFeature } from '../../gpu/caps';
import { intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { SCAN_SHAPE_PARAMS, WG_PARAM, log2, scanBuffers, scanCommon, scanHeader, scanLimitChecks, scanReferenceWith, scanShapeOf } from './common';

export function subgroupWgsl(channels: number, length: number, exclusive: boolean, wg: number): string {
  return /* wgsl */ `enable subgroups;
${scanHeader(channels, length, exclusive)}
const WG = ${wg}u;
// At most WG / 4 subgroups (WebGPU subgroup sizes are 4…128).
const MAX_SUBGROUPS = ${Math.max(1, wg / 4)}u;

var<workgroup> subgroupCount : atomic<u32>;
var<workgroup> subgroupTotals : array<vec2f, MAX_SUBGROUPS>;
var<workgroup> subgroupPrefixes : array<vec2f, MAX_SUBGROUPS>;
var<workgroup> nextCarry : vec2f;

@compute @workgroup_size(${wg})
fn main(
  @builtin(local_invocation_index) local : u32,
  @builtin(workgroup_id) wid : vec3u,
  @builtin(subgroup_invocation_id) lane : u32,
  @builtin(subgroup_size) subgroupSize : u32,
) {
  let channel = wid.x;
  let base = channel * L;

  // Each subgroup takes the next ordinal; its lanes cover slots ordinal·size … ordinal·size + size − 1.
  if (local == 0u) {
    atomicStore(&subgroupCount, 0u);
  }
  workgroupBarrier();
  var claimed = 0u;
  if (lane == 0u) {
    claimed = atomicAdd(&subgroupCount, 1u);
  }
  let ordinal = subgroupMax(claimed);
  let slot = ordinal * subgroupSize + lane;
  // The last active lane (a workgroup smaller than the subgroup leaves lanes empty).
  let lastLane = subgroupMax(lane);
  workgroupBarrier(); // every subgroup has claimed its ordinal
  let subgroups = atomicLoad(&subgroupCount);

  var carry = IDENTITY;
  for (var tile = 0u; tile < L; tile += WG) {
    let t = tile + slot;
    var element = IDENTITY;
    if (t < L) {
      element = vec2f(a[base + t], b[base + t]);
    }
    // Inclusive scan inside the subgroup: lane i combines with lane i − offset.
    var inclusive = element;
    for (var offset = 1u; offset < subgroupSize; offset *= 2u) {
      let earlier = subgroupShuffleUp(inclusive, offset);
      if (lane >= offset) {
        inclusive = combine(earlier, inclusive);
      }
    }
    var exclusiveInSubgroup = subgroupShuffleUp(inclusive, 1u);
    if (lane == 0u) {
      exclusiveInSubgroup = IDENTITY;
    }
    if (lane == lastLane) {
      subgroupTotals[ordinal] = inclusive;
    }
    workgroupBarrier();
    // One invocation combines the subgroup totals in order (at most WG/4 of them).
    if (local == 0u) {
      var running = carry;
      for (var s = 0u; s < subgroups; s++) {
        subgroupPrefixes[s] = running;
        running = combine(running, subgroupTotals[s]);
      }
      nextCarry = running;
    }
    workgroupBarrier();
    let prefix = subgroupPrefixes[ordinal];
    if (t < L) {
      if (EXCLUSIVE) {
        h[base + t] = combine(prefix, exclusiveInSubgroup).y;
      } else {
        h[base + t] = combine(prefix, inclusive).y;
      }
    }
    carry = nextCarry;
    workgroupBarrier();
  }
}
`;
}

const rightDepth = (params: Params) => log2(intParam(params, 'wg')) + 5;

export const subgroup: KernelVariant = {
  ...scanCommon,
  id: 'subgroup',
  label: 'Subgroup shuffles (workgroup)',
  summary:
    'Scans inside each subgroup with subgroupShuffleUp (registers, no barriers), then combines the subgroup totals. ' +
    'Needs the "subgroups" feature; subgroup size is the adapter\'s (4…128).',
  params: [...SCAN_SHAPE_PARAMS, WG_PARAM],
  unavailableReason(caps) {
    return hasFeature(caps, 'subgroups') ? null : 'this adapter does not offer the "subgroups" feature';
  },
  reference: scanReferenceWith(rightDepth),
  checkLimits(params, caps) {
    const { channels } = scanShapeOf(params);
    const wg = intParam(params, 'wg');
    const problems = scanLimitChecks(params, caps, wg, 2 * (wg / 4) * 8 + 16, [channels]);
    // Full subgroups (or a single partial one) keep the slots contiguous.
    if (caps.subgroupMaxSize && wg > caps.subgroupMaxSize && wg % caps.subgroupMaxSize !== 0) {
      problems.push(`the workgroup size ${wg} must be a multiple of this adapter's largest subgroup size ${caps.subgroupMaxSize}`);
    }
    return problems;
  },
  plan(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
    const wg = intParam(params, 'wg');
    return {
      buffers: scanBuffers(inputs, params),
      dispatches: [{ label: `scan subgroup wg${wg}`, wgsl: subgroupWgsl(channels, length, exclusive, wg), bindings: ['a', 'b', 'h'], workgroups: [channels] }],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    };
  },
};
