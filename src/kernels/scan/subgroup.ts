// Subgroup scan: inside a subgroup, a Hillis–Steele scan with subgroupShuffleUp (no workgroup
// memory, no barriers); one invocation then combines the subgroup totals in order; each lane
// applies its subgroup's prefix. One workgroup per channel, tiles of WG elements.
// WGSL does not promise how invocations map to subgroups, so each subgroup claims its place in
// the tile with an atomic counter (ordinal · subgroup_size + lane) instead of assuming
// local_invocation_index order. Needs WG to be a multiple of the subgroup size (true for powers
// of two; a workgroup smaller than one subgroup also works).
// Right-operand depth R = log2(subgroup) ≤ log2(WG) + 1 (subgroup prefix) + 1 (totals) + 1 (carry) + 1.
import { hasFeature } from '../../gpu/caps';
import { defineVariant } from '../define';
import { linearScanShared, log2, scanHeader } from './common';
import {
  WORKGROUP_SCAN_SCHEMA,
  workgroupScanConfig,
  workgroupScanLimits,
  workgroupScanPlan,
  type WorkgroupScanConfig,
  type WorkgroupScanValues,
} from './workgroupScan';

export function subgroupWgsl(cfg: WorkgroupScanConfig): string {
  const { wg } = cfg;
  return /* wgsl */ `enable subgroups;
${scanHeader(cfg)}
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

export const subgroup = defineVariant({
  ...linearScanShared,
  id: 'subgroup',
  label: 'Subgroup shuffles (workgroup)',
  summary:
    'Scans inside each subgroup with subgroupShuffleUp (registers, no barriers), then combines the subgroup totals. ' +
    'Needs the "subgroups" feature; subgroup size is the adapter\'s (4…128).',
  schema: WORKGROUP_SCAN_SCHEMA,
  config: (v: WorkgroupScanValues) => workgroupScanConfig(v, log2(v.wg) + 5),
  unavailableReason: (caps) => (hasFeature(caps, 'subgroups') ? null : 'this adapter does not offer the "subgroups" feature'),
  limits: (cfg, caps) => {
    // Totals and prefixes of at most WG/4 subgroups (8 bytes each), the counter and the carry.
    const problems = workgroupScanLimits(cfg, caps, 2 * (cfg.wg / 4) * 8 + 16);
    // Full subgroups (or a single partial one) keep the slots contiguous.
    if (caps.subgroupMaxSize && cfg.wg > caps.subgroupMaxSize && cfg.wg % caps.subgroupMaxSize !== 0) {
      problems.push(`the workgroup size ${cfg.wg} must be a multiple of this adapter's largest subgroup size ${caps.subgroupMaxSize}`);
    }
    return problems;
  },
  plan: (cfg, inputs) => workgroupScanPlan(cfg, inputs, 'subgroup', subgroupWgsl(cfg)),
  // Hillis–Steele inside each subgroup, with register shuffles.
  dataflow: () => 'hillis-steele',
  notes: () => ['The subgroup variant runs this Hillis–Steele pattern inside each subgroup with register shuffles, then combines subgroup totals.'],
});
