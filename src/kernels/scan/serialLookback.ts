// Single-pass scan of serial segments with a decoupled look-back per invocation (Merrill &
// Garland's chained scan, with the fallback of Smith, Levien & Owens, "Decoupled Fallback",
// SPAA 2025), reading a and b once: each invocation
//   1. takes the next segment from an atomic counter (so it only waits on segments whose
//      invocations have started), loads its K vec4s into registers and combines them;
//   2. publishes that aggregate, walks back to the nearest predecessor that has published its
//      inclusive prefix, then folds the aggregates after it IN ORDER (a predecessor still silent
//      when the walk's SPIN_LIMIT polls are spent is recomputed from its inputs), and publishes
//      its own prefix;
//   3. runs its registers from the state entering the segment and stores h.
// 12 bytes per element of memory traffic: the copy roof's. Like the look-back variant, it ASSUMES
// that invocations that have started keep making progress (WebGPU does not promise it): the spin
// limit bounds every wait, after which the predecessor's inputs are reduced here.
//
// Flags: each 32-bit word of the look-back table carries its own flag (bits(v) XOR 0x7FBADBAD is
// never 0 for a value arithmetic produces; the table is cleared before every run), so no ordering
// between words is needed.
//
// Right-operand depth R (src/numerics/scan.ts): a term b_s is the right operand of ∘ once in its
// segment's serial combine (or serial apply, for outputs in its own segment), then once more where
// its segment's aggregate enters a prefix (its own published prefix, or a later walker's in-order
// fold); everything carried is a left operand afterwards. The backward walk only finds where to
// start; it combines nothing. So R = 2; we state 3 (the exact resets add no rounding).
import { readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema, type Decoded } from '../params';
import { linearScanShared, scanOutput } from './common';
import {
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  SERIAL_FIELDS,
  applyAndStoreWgsl,
  loadSegmentWgsl,
  reduceHeldWgsl,
  serialBuffers,
  serialHeader,
  serialLimitChecks,
  serialScanConfig,
  type SerialScanConfig,
} from './serialChunk';

export const SPIN_FIELD = {
  spin: int('Spin limit (polls per look-back before the fallback)', 256, 0, 1000000, {
    choices: [0, 16, 256, 4096, 65536],
    help: 'Polls one look-back may spend waiting, over all its predecessors. 0 skips every wait: each predecessor is recomputed from its inputs (slow, but shows the fallback is right).',
  }),
};

export const SERIAL_LOOKBACK_SCHEMA = paramSchema({ ...SERIAL_FIELDS, ...SPIN_FIELD });
const schema = SERIAL_LOOKBACK_SCHEMA;

export interface SerialLookbackConfig extends SerialScanConfig {
  spinLimit: number;
}

const BINDINGS = [
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  readWrite('lookback', 'array<atomic<u32>>', 'per segment four words: aggregate a, aggregate b, inclusive prefix a, inclusive prefix b'),
  readWrite('segmentCounter', 'array<atomic<u32>>', 'the next segment to hand out'),
];

/**
 * The look-back over "units" (a segment here, a subgroup's segments in serial-lookback-subgroup):
 * publishing, reading and the walk. Expects \`lookback\`, combine, IDENTITY and
 * \`fn reduceUnit(q : u32) -> vec2f\` (unit q's combine from its inputs, for the fallback).
 */
export function lookBackWgsl(spinLimit: number): string {
  return /* wgsl */ `
const SPIN_LIMIT = ${spinLimit}u;
const KEY = 0x7FBADBADu;
const AGGREGATE = 0u; // word offsets inside a unit's four words
const PREFIX = 2u;

fn publish(unit : u32, which : u32, pair : vec2f) {
  atomicStore(&lookback[4u * unit + which], bitcast<u32>(pair.x) ^ KEY);
  atomicStore(&lookback[4u * unit + which + 1u], bitcast<u32>(pair.y) ^ KEY);
}

struct Published {
  ready : bool,
  pair : vec2f,
}

fn readPublished(unit : u32, which : u32) -> Published {
  let x = atomicLoad(&lookback[4u * unit + which]);
  let y = atomicLoad(&lookback[4u * unit + which + 1u]);
  var r : Published;
  r.ready = x != 0u && y != 0u;
  r.pair = vec2f(bitcast<f32>(x ^ KEY), bitcast<f32>(y ^ KEY));
  return r;
}

// The combine of all units before \`unit\` (the state entering it is its .y).
fn lookBack(unit : u32) -> vec2f {
  // 1. Walk back to the nearest predecessor whose inclusive prefix is out. One that shows nothing
  //    is passed over here and recomputed in step 2. SPIN_LIMIT polls are shared by the whole walk
  //    (predecessors that are late are late together: a stalled thread, a workgroup not running),
  //    and every predecessor gets at least one poll while any are left.
  var carried = IDENTITY;
  var first = 0u; // the first segment step 2 folds in
  var p = unit;
  var polls = 0u;
  loop {
    if (p == 0u) {
      break;
    }
    p -= 1u;
    var prefixFound = false;
    loop {
      if (polls >= SPIN_LIMIT) {
        break;
      }
      polls++;
      let prefix = readPublished(p, PREFIX);
      if (prefix.ready) {
        carried = prefix.pair;
        prefixFound = true;
        break;
      }
      if (readPublished(p, AGGREGATE).ready) {
        break;
      }
    }
    if (polls >= SPIN_LIMIT && SPIN_LIMIT > 0u) {
      // The budget is spent: one last look at this predecessor.
      let prefix = readPublished(p, PREFIX);
      if (prefix.ready) {
        carried = prefix.pair;
        prefixFound = true;
      }
    }
    if (prefixFound) {
      first = p + 1u;
      break;
    }
  }
  // 2. Fold the units after it in order: published aggregates, or recomputed from the inputs.
  for (var q = first; q < unit; q++) {
    let aggregate = readPublished(q, AGGREGATE);
    if (SPIN_LIMIT > 0u && aggregate.ready) {
      carried = combine(carried, aggregate.pair);
    } else {
      carried = combine(carried, reduceUnit(q));
    }
  }
  return carried;
}`;
}

export function serialLookbackWgsl(cfg: SerialLookbackConfig): string {
  return /* wgsl */ `${serialHeader(cfg, BINDINGS)}
${lookBackWgsl(cfg.spinLimit)}
// The fallback's unit is one segment.
fn reduceUnit(q : u32) -> vec2f {
  return reduceSegment(q);
}

@compute @workgroup_size(${cfg.wg})
fn main() {
  // Segments are handed out in the order invocations get here, not by invocation id. Every
  // invocation takes one; those past SEGMENTS (the last workgroup's spare ones) scan padding.
  let segment = atomicAdd(&segmentCounter[0], 1u);
  let first = segment * K;
${loadSegmentWgsl(cfg.K)}
${reduceHeldWgsl(cfg.K)}
  publish(segment, AGGREGATE, total);
  var before = IDENTITY;
  if (segment > 0u && segment < SEGMENTS) {
    before = lookBack(segment);
  }
  publish(segment, PREFIX, combine(before, total));
  let state = before.y;
${applyAndStoreWgsl(cfg.K)}
}
`;
}

export const serialLookback = defineVariant({
  ...linearScanShared,
  id: 'serial-lookback',
  label: 'Serial vec4 segments, single pass (look-back per invocation)',
  summary:
    'Each invocation scans 4·K consecutive elements in registers (vec4 loads and stores, no barriers) and gets the state ' +
    'entering its segment by looking back at its predecessors: a and b are read once. ASSUMES invocations that started ' +
    'keep making progress (WebGPU does not promise it): after a spin limit it recomputes a silent predecessor itself.',
  schema,
  config: (v: Decoded<typeof schema.fields>): SerialLookbackConfig => ({ ...serialScanConfig(v, 3), spinLimit: v.spin }),
  limits: (cfg, caps) => serialLimitChecks(cfg, caps),
  plan: (cfg, inputs) => ({
    buffers: [
      ...serialBuffers(cfg, inputs),
      { name: 'lookback', bytes: 16 * cfg.invocations, usage: 'storage', resetEachRun: true },
      { name: 'segmentCounter', bytes: 4, usage: 'storage', resetEachRun: true },
    ],
    dispatches: [{ label: `scan serial look-back wg${cfg.wg}×${4 * cfg.K}`, wgsl: serialLookbackWgsl(cfg), bindings: BINDINGS, workgroups: [cfg.workgroups] }],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'chunked',
  notes: (cfg) => [
    `Each invocation is one chunk of ${4 * cfg.K} elements scanned serially in registers; the state entering it comes from a look-back over ` +
      'earlier chunks (their published prefixes and aggregates, folded in order), so the input is read once: the same 12 bytes per element as the copy roof.',
  ],
});
