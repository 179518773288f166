// The single-pass serial-segment scan with ONE look-back per subgroup (the serial-lookback
// variant looks back per invocation): a subgroup takes the next unit of subgroup-size consecutive
// segments from an atomic counter; every invocation loads its segment of 4·K elements into
// registers and combines it; a Hillis–Steele scan of those totals with subgroupShuffleUp gives
// each invocation the combine of the segments before it in the unit; the subgroup's first
// invocation publishes the unit's aggregate, looks back over earlier units (shared look-back
// code, with the same spin budget and fallback: it ASSUMES subgroups that started keep making
// progress) and publishes the unit's prefix, which a shuffle hands to the others; then every
// invocation runs its registers and stores h. Reads a and b once; a subgroup's invocations never
// wait for each other, and there are subgroup-size times fewer atomics than per invocation.
// Like the subgroup scan, it relies on every subgroup of the dispatch having the same size (a
// workgroup a multiple of the adapter's largest subgroup size).
//
// Right-operand depth R: a term is the right operand once in its segment's serial combine (or
// the serial apply in its own segment), at most log2(subgroup size) times in the shuffle scan
// (only in its own invocation's running value; handed on, it is a left operand), and once where
// the lane's or the unit's prefix meets it; then it is carried as a left operand. R = log2(128)
// + 2 = 9 for the largest WebGPU subgroup; stated with one more.
import { hasFeature } from '../../gpu/caps';
import { readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import type { Decoded } from '../params';
import { linearScanShared, scanOutput } from './common';
import {
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  applyAndStoreWgsl,
  loadSegmentWgsl,
  reduceHeldWgsl,
  serialBuffers,
  serialHeader,
  serialLimitChecks,
  serialScanConfig,
} from './serialChunk';
import { SERIAL_LOOKBACK_SCHEMA, lookBackWgsl, type SerialLookbackConfig } from './serialLookback';

const BINDINGS = [
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  readWrite('lookback', 'array<atomic<u32>>', 'per unit four words: aggregate a, aggregate b, inclusive prefix a, inclusive prefix b'),
  readWrite('unitCounter', 'array<atomic<u32>>', 'the next unit (subgroup-size segments) to hand out'),
];

/**
 * The claim (in main, with `lane` and `subgroupSize`): `unit`, this invocation's `segment` of it
 * and the segment's `first` vec4.
 */
export const CLAIM_UNIT_WGSL = /* wgsl */ `  // Units are handed out in the order subgroups get here; lane 0 claims, subgroupMax shares it
  // (the other lanes hold 0). Units past the data (spare subgroups) scan padding.
  var claimed = 0u;
  if (lane == 0u) {
    claimed = atomicAdd(&unitCounter[0], 1u);
  }
  let unit = subgroupMax(claimed);
  let segment = unit * subgroupSize + lane;
  let first = segment * K;
`;

/**
 * After `total` (this segment's combine): `unitTotal` (the unit's combine, in every lane) and
 * `laneBefore` (the combine of the unit's segments before this one).
 */
export const SCAN_SEGMENT_TOTALS_WGSL = /* wgsl */ `  // Inclusive scan of the segment totals across the subgroup: lane i combines with lane i − offset.
  var inclusive = total;
  for (var offset = 1u; offset < subgroupSize; offset *= 2u) {
    let earlier = subgroupShuffleUp(inclusive, offset);
    if (lane >= offset) {
      inclusive = combine(earlier, inclusive);
    }
  }
  let unitTotal = subgroupShuffle(inclusive, subgroupSize - 1u);
  var laneBefore = subgroupShuffleUp(inclusive, 1u);
  if (lane == 0u) {
    laneBefore = IDENTITY;
  }
`;

export function serialLookbackSubgroupWgsl(cfg: SerialLookbackConfig): string {
  return /* wgsl */ `enable subgroups;
${serialHeader(cfg, BINDINGS)}
${lookBackWgsl(cfg.spinLimit)}
var<private> unitSegments : u32; // segments per unit: the subgroup size

// The fallback's unit: its segments' combines, in order.
fn reduceUnit(q : u32) -> vec2f {
  var acc = IDENTITY;
  for (var s = q * unitSegments; s < min(SEGMENTS, q * unitSegments + unitSegments); s++) {
    acc = combine(acc, reduceSegment(s));
  }
  return acc;
}

@compute @workgroup_size(${cfg.wg})
fn main(@builtin(subgroup_invocation_id) lane : u32, @builtin(subgroup_size) subgroupSize : u32) {
  unitSegments = subgroupSize;
${CLAIM_UNIT_WGSL}${loadSegmentWgsl(cfg.K)}
${reduceHeldWgsl(cfg.K)}
${SCAN_SEGMENT_TOTALS_WGSL}  var unitBefore = IDENTITY;
  if (lane == 0u) {
    publish(unit, AGGREGATE, unitTotal);
    if (unit > 0u && unit * subgroupSize < SEGMENTS) {
      unitBefore = lookBack(unit);
    }
    publish(unit, PREFIX, combine(unitBefore, unitTotal));
  }
  unitBefore = subgroupShuffle(unitBefore, 0u);
  let state = combine(unitBefore, laneBefore).y;
${applyAndStoreWgsl(cfg.K)}
}
`;
}

export const serialLookbackSubgroup = defineVariant({
  ...linearScanShared,
  id: 'serial-lookback-subgroup',
  label: 'Serial vec4 segments, single pass (look-back per subgroup)',
  summary:
    "As the per-invocation serial look-back, but a subgroup scans its invocations' segment totals with shuffles and looks back once " +
    'for all of them. Needs the "subgroups" feature. ASSUMES subgroups that started keep making progress (WebGPU does not promise it): ' +
    'after a spin limit it recomputes a silent predecessor itself.',
  schema: SERIAL_LOOKBACK_SCHEMA,
  config: (v: Decoded<typeof SERIAL_LOOKBACK_SCHEMA.fields>): SerialLookbackConfig => ({ ...serialScanConfig(v, 10), spinLimit: v.spin }),
  unavailableReason: (caps) => (hasFeature(caps, 'subgroups') ? null : 'this adapter does not offer the "subgroups" feature'),
  limits: (cfg, caps) => {
    const problems = serialLimitChecks(cfg, caps);
    // Full subgroups of one size: every unit covers exactly subgroup-size segments.
    if (caps.subgroupMaxSize && cfg.wg % caps.subgroupMaxSize !== 0) {
      problems.push(`the workgroup size ${cfg.wg} must be a multiple of this adapter's largest subgroup size ${caps.subgroupMaxSize}`);
    }
    return problems;
  },
  plan: (cfg, inputs) => ({
    buffers: [
      ...serialBuffers(cfg, inputs),
      { name: 'lookback', bytes: 16 * cfg.invocations, usage: 'storage', resetEachRun: true },
      { name: 'unitCounter', bytes: 4, usage: 'storage', resetEachRun: true },
    ],
    dispatches: [
      {
        label: `scan serial look-back per subgroup wg${cfg.wg}×${4 * cfg.K}`,
        wgsl: serialLookbackSubgroupWgsl(cfg),
        bindings: BINDINGS,
        workgroups: [cfg.workgroups],
      },
    ],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'chunked',
  notes: (cfg) => [
    `Each invocation is one chunk of ${4 * cfg.K} elements scanned serially in registers; a subgroup scans its chunks' totals with shuffles ` +
      'and looks back once over earlier subgroups, so the input is read once: the same 12 bytes per element as the copy roof.',
  ],
});
