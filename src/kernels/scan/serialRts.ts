// Reduce-then-scan over serial segments, with no barrier in the passes that touch the data and a
// tiny middle pass. Three dispatches:
//   1. totals:  each invocation combines its segment of 4·K elements (vec4 loads) into one pair;
//   2. carries: ONE workgroup scans the segment totals (count/(4K) of them: 1/16 to 1/64 of the
//               data): each invocation folds a block of them in order, a Hillis–Steele scan over
//               the block totals, then each invocation walks its block again writing the state
//               entering every segment;
//   3. outputs: each invocation reloads its segment, runs it from its entering state, stores h.
// Only WebGPU's ordering between dispatches is relied on (no inter-workgroup waiting): the safe
// counterpart of serial-lookback. a and b are read twice: 20 bytes per element against the 12
// compulsory ones (the work model counts 12, so GB/s compares with the copy roof).
//
// Right-operand depth R: a term b_s is the right operand once in its segment's combine, once in
// its block's fold, at most log2(WG₂) + 1 times in the Hillis–Steele scan of block totals, once in
// the block walk, once in the output pass's serial apply (own segment); entering states are left
// operands. R = log2(WG₂) + 4, stated with one more.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { checkWorkgroup } from '../schema';
import { COMBINE_WGSL, linearScanShared, log2, scanOutput } from './common';
import {
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  SERIAL_SCHEMA,
  applyAndStoreWgsl,
  loadSegmentWgsl,
  reduceHeldWgsl,
  serialBuffers,
  serialHeader,
  serialLimitChecks,
  serialScanConfig,
  type SerialScanConfig,
  type SerialValues,
} from './serialChunk';

/** Invocations of the carries pass (one workgroup). */
const CARRY_WG = 256;

const TOTALS_OUT = readWrite('segmentTotals', 'array<vec2f>', 'per segment: the combine of its pairs');
const TOTALS_IN = readOnly('segmentTotals', 'array<vec2f>', 'per segment: the combine of its pairs');
const STATES_OUT = readWrite('segmentStates', 'array<f32>', 'per segment: the state entering it');
const STATES_IN = readOnly('segmentStates', 'array<f32>', 'per segment: the state entering it');

const TOTALS_BINDINGS = [A4_BINDING, B4_BINDING, TOTALS_OUT];
const CARRIES_BINDINGS = [TOTALS_IN, STATES_OUT];
const OUTPUT_BINDINGS = [A4_BINDING, B4_BINDING, STATES_IN, H4_BINDING];

export function serialRtsTotalsWgsl(cfg: SerialScanConfig): string {
  return /* wgsl */ `${serialHeader(cfg, TOTALS_BINDINGS)}
@compute @workgroup_size(${cfg.wg})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let segment = gid.x; // segments past SEGMENTS scan padding (totals sized for every invocation)
  let first = segment * K;
${loadSegmentWgsl(cfg.K)}
${reduceHeldWgsl(cfg.K)}
  segmentTotals[segment] = total;
}
`;
}

export function serialRtsCarriesWgsl(cfg: SerialScanConfig): string {
  const perInvocation = Math.ceil(cfg.segments / CARRY_WG);
  return /* wgsl */ `const SEGMENTS = ${cfg.segments}u;
const WG = ${CARRY_WG}u;
const BLOCK = ${perInvocation}u; // consecutive segment totals per invocation
${declareBindings(CARRIES_BINDINGS)}
${COMBINE_WGSL}
var<workgroup> levels : array<vec2f, 2u * WG>;

@compute @workgroup_size(${CARRY_WG})
fn main(@builtin(local_invocation_id) lid : vec3u) {
  let i = lid.x;
  let start = min(SEGMENTS, i * BLOCK);
  let end = min(SEGMENTS, start + BLOCK);
  // This invocation's block of totals, folded in order.
  var blockTotal = IDENTITY;
  for (var q = start; q < end; q++) {
    blockTotal = combine(blockTotal, segmentTotals[q]);
  }
  // Hillis–Steele over the WG block totals: everything before block i.
  levels[i] = blockTotal;
  workgroupBarrier();
  var src = 0u;
  for (var offset = 1u; offset < WG; offset *= 2u) {
    var v = levels[src * WG + i];
    if (i >= offset) {
      v = combine(levels[src * WG + i - offset], v);
    }
    levels[(1u - src) * WG + i] = v;
    src = 1u - src;
    workgroupBarrier();
  }
  var carried = IDENTITY;
  if (i > 0u) {
    carried = levels[src * WG + i - 1u];
  }
  // The state entering each segment of the block (h before the sequence is 0).
  for (var q = start; q < end; q++) {
    segmentStates[q] = carried.y;
    carried = combine(carried, segmentTotals[q]);
  }
}
`;
}

export function serialRtsOutputWgsl(cfg: SerialScanConfig): string {
  return /* wgsl */ `${serialHeader(cfg, OUTPUT_BINDINGS)}
@compute @workgroup_size(${cfg.wg})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let segment = gid.x; // segments past SEGMENTS write into h's padding
  let first = segment * K;
${loadSegmentWgsl(cfg.K)}
  let state = segmentStates[segment];
${applyAndStoreWgsl(cfg.K)}
}
`;
}

export const serialRts = defineVariant({
  ...linearScanShared,
  id: 'serial-rts',
  label: 'Serial vec4 segments, reduce-then-scan (3 dispatches, tiny middle pass)',
  summary:
    'Each invocation combines 4·K consecutive elements in registers (vec4 loads, no barriers); one small workgroup scans ' +
    'the segment totals; each invocation then reruns its segment from its entering state. Safe everywhere (no workgroup ' +
    'waits for another); reads the input twice.',
  schema: SERIAL_SCHEMA,
  config: (v: SerialValues): SerialScanConfig => serialScanConfig(v, log2(CARRY_WG) + 5),
  limits: (cfg, caps) => [
    ...serialLimitChecks(cfg, caps),
    ...checkWorkgroup(caps, [CARRY_WG, 1, 1], 16 * CARRY_WG, `the carries pass (a workgroup of ${CARRY_WG})`),
  ],
  plan: (cfg, inputs) => ({
    buffers: [
      ...serialBuffers(cfg, inputs),
      { name: 'segmentTotals', bytes: 8 * cfg.invocations, usage: 'storage' },
      { name: 'segmentStates', bytes: 4 * cfg.invocations, usage: 'storage' },
    ],
    dispatches: [
      { label: `scan serial rts: segment totals ×${4 * cfg.K}`, wgsl: serialRtsTotalsWgsl(cfg), bindings: TOTALS_BINDINGS, workgroups: [cfg.workgroups] },
      { label: 'scan serial rts: scan the totals (one workgroup)', wgsl: serialRtsCarriesWgsl(cfg), bindings: CARRIES_BINDINGS, workgroups: [1] },
      { label: `scan serial rts: outputs ×${4 * cfg.K}`, wgsl: serialRtsOutputWgsl(cfg), bindings: OUTPUT_BINDINGS, workgroups: [cfg.workgroups] },
    ],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'chunked',
  notes: (cfg) => [
    `Three dispatches over chunks of ${4 * cfg.K} elements, one per invocation (serial in registers, no barriers): chunk totals, ` +
      `one workgroup scanning the ${cfg.segments} totals, then every chunk rerun from its entering state.`,
  ],
});
