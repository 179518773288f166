// Single-pass chained scan with decoupled look-back (Merrill & Garland, "Single-pass Parallel
// Prefix Scan with Decoupled Look-back", NVIDIA 2016), with the fallback of Smith, Levien & Owens
// ("Decoupled Fallback", SPAA 2025) when the look-back spins too long.
//
// Each workgroup takes the next chunk of its channel from an atomic counter (so it only ever waits
// on chunks whose workgroups have already started), publishes its chunk total ("aggregate"), then
// walks back over its predecessors: a published inclusive prefix ends the walk, an aggregate is
// combined in and the walk goes on. The pair (a, b) is 64 bits and WGSL atomics are 32 bits, so
// each word carries its own flag: the state buffer is cleared to 0 before every run and a value is
// stored as bits(v) XOR 0x7FBADBAD, which is 0 only for one signalling-NaN pattern arithmetic never
// produces. A reader uses a pair only when both of its words are non-zero; no ordering between
// different words is needed.
//
// What it assumes, and where it may be unsafe: WebGPU promises no forward progress between
// workgroups (a waiting workgroup may starve the one it waits on, e.g. on GPUs that do not
// preempt, or CPU adapters that run workgroups one after another), and some platforms (Metal)
// have no device-scope memory barrier. So the walk never waits forever: after SPIN_LIMIT polls of
// a predecessor without a result, the workgroup reduces that predecessor's inputs itself and goes
// on. Correctness then depends only on atomics being eventually visible; speed depends on the
// fallback being rare. With spin limit 0 every look-back takes the fallback (used by the tests).
// Right-operand depth: chunk log2(WG)+1, the walk (≤ chunks), fix-up log2(WG)+2, + margin.
import { declareBindings, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema, type Decoded } from '../params';
import { CHUNKED_SCAN_FIELDS, chunkConstants, chunkSharedBytes, chunkWgsl, chunkedScanConfig, finishChunkWgsl, type ChunkedScanConfig } from './chunk';
import { COMBINE_WGSL, SCAN_BINDINGS, linearScanShared, log2, scanBuffers, scanConstants, scanLimitChecks, scanOutput, type LinearScanConfig } from './common';

const schema = paramSchema({
  ...CHUNKED_SCAN_FIELDS,
  spin: int('Spin limit (polls before the fallback)', 1024, 0, 1000000, {
    choices: [0, 16, 1024, 65536],
    help: '0 forces the fallback on every look-back step (slow, but shows it is correct).',
  }),
});

interface LookbackConfig extends ChunkedScanConfig, LinearScanConfig {
  /** Polls of a predecessor before the workgroup reduces its chunk itself. */
  spinLimit: number;
}

const LOOKBACK_BINDINGS = [
  ...SCAN_BINDINGS,
  readWrite('lookback', 'array<atomic<u32>>', 'per (channel, chunk) four words: aggregate a, aggregate b, inclusive prefix a, inclusive prefix b'),
  readWrite('chunkCounter', 'array<atomic<u32>>', 'per channel: the next chunk to hand out'),
];

export function lookbackWgsl(cfg: LookbackConfig): string {
  return /* wgsl */ `${scanConstants(cfg)}const SPIN_LIMIT = ${cfg.spinLimit}u;
${chunkConstants(cfg)}${COMBINE_WGSL}
${declareBindings(LOOKBACK_BINDINGS)}
${chunkWgsl(cfg.staged)}${finishChunkWgsl(cfg.staged)}
const KEY = 0x7FBADBADu;
const NOT_READY = 0u;
const AGGREGATE = 1u;
const PREFIX = 2u;

fn encode(v : f32) -> u32 {
  return bitcast<u32>(v) ^ KEY;
}
fn decode(word : u32) -> f32 {
  return bitcast<f32>(word ^ KEY);
}
fn publish(slot : u32, pair : vec2f) {
  atomicStore(&lookback[slot], encode(pair.x));
  atomicStore(&lookback[slot + 1u], encode(pair.y));
}

var<workgroup> claimedChunk : u32;
var<workgroup> lookStatus : u32;
var<workgroup> lookValue : vec2f;
var<workgroup> exclusivePrefix : vec2f;

@compute @workgroup_size(${cfg.wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let channel = wid.y;
  let i = lid.x;
  if (i == 0u) {
    claimedChunk = atomicAdd(&chunkCounter[channel], 1u);
  }
  let chunk = workgroupUniformLoad(&claimedChunk);
  let slot = (channel * CHUNKS + chunk) * 4u;

  loadChunk(channel, chunk, i);
  workgroupBarrier();
  let scan = workgroupScan(reduceOwnItems(channel, chunk, i), i);
  if (i == 0u) {
    if (chunk == 0u) {
      publish(slot + 2u, scan.total); // the first chunk's total is already its inclusive prefix
    } else {
      publish(slot, scan.total);
    }
    exclusivePrefix = IDENTITY;
  }

  // Look-back over predecessors chunk−1, chunk−2, … (all control flow here is workgroup-uniform).
  var predecessor = i32(chunk) - 1;
  var fellBack = false;
  loop {
    if (predecessor < 0) {
      break;
    }
    workgroupBarrier(); // everyone has read the previous step's lookStatus
    if (i == 0u) {
      let p = (channel * CHUNKS + u32(predecessor)) * 4u;
      var status = NOT_READY;
      var value = IDENTITY;
      for (var spin = 0u; spin < SPIN_LIMIT; spin++) {
        let prefixA = atomicLoad(&lookback[p + 2u]);
        let prefixB = atomicLoad(&lookback[p + 3u]);
        if (prefixA != 0u && prefixB != 0u) {
          status = PREFIX;
          value = vec2f(decode(prefixA), decode(prefixB));
          break;
        }
        let aggregateA = atomicLoad(&lookback[p]);
        let aggregateB = atomicLoad(&lookback[p + 1u]);
        if (aggregateA != 0u && aggregateB != 0u) {
          status = AGGREGATE;
          value = vec2f(decode(aggregateA), decode(aggregateB));
          break;
        }
      }
      lookStatus = status;
      lookValue = value;
    }
    let status = workgroupUniformLoad(&lookStatus);
    if (status == NOT_READY) {
      // Fallback: reduce the predecessor's chunk from its inputs (the whole workgroup helps).
      fellBack = true;
      loadChunk(channel, u32(predecessor), i);
      workgroupBarrier();
      let redone = workgroupScan(reduceOwnItems(channel, u32(predecessor), i), i);
      if (i == 0u) {
        lookValue = redone.total;
      }
    }
    if (i == 0u) {
      exclusivePrefix = combine(lookValue, exclusivePrefix);
    }
    if (status == PREFIX) {
      break;
    }
    predecessor -= 1;
  }

  if (i == 0u && chunk > 0u) {
    publish(slot + 2u, combine(exclusivePrefix, scan.total));
  }
  let prefix = workgroupUniformLoad(&exclusivePrefix);
  if (fellBack) {
    loadChunk(channel, chunk, i); // the fallback overwrote the staged chunk
    workgroupBarrier();
  }
  finishChunk(channel, chunk, i, combine(prefix, scan.before).y);
}
`;
}

export const lookback = defineVariant({
  ...linearScanShared,
  id: 'lookback',
  label: 'Decoupled look-back (single pass, with fallback)',
  summary:
    'One pass: each workgroup publishes its chunk total and looks back at its predecessors for their prefix. ' +
    'ASSUMES workgroups that have started keep making progress; WebGPU does not promise it (GPUs without preemption, ' +
    'CPU adapters, Metal without a device-scope barrier), so after a spin limit it recomputes the predecessor itself.',
  schema,
  config: (v: Decoded<typeof schema.fields>): LookbackConfig => {
    const chunked = chunkedScanConfig(v);
    return { ...chunked, spinLimit: v.spin, rightDepth: chunked.chunks + 3 * log2(v.wg) + 8 };
  },
  // The chunk pieces, plus the claimed chunk, the look-back status and value, the prefix.
  limits: (cfg, caps) => scanLimitChecks(cfg, caps, cfg.wg, chunkSharedBytes(cfg) + 48, [cfg.chunks, cfg.channels]),
  plan: (cfg, inputs) => ({
    buffers: [
      ...scanBuffers(cfg, inputs),
      { name: 'lookback', bytes: 16 * cfg.channels * cfg.chunks, usage: 'storage', resetEachRun: true },
      { name: 'chunkCounter', bytes: 4 * cfg.channels, usage: 'storage', resetEachRun: true },
    ],
    dispatches: [
      {
        label: `scan look-back wg${cfg.wg}×${cfg.items}${cfg.staged ? '' : ' unstaged'}`,
        wgsl: lookbackWgsl(cfg),
        bindings: LOOKBACK_BINDINGS,
        workgroups: [cfg.chunks, cfg.channels],
      },
    ],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'chunked',
  notes: () => [
    'Single pass: chunk totals are published and each workgroup looks back at its predecessors instead of waiting for a separate dispatch. ' +
      'It assumes workgroups that started keep making progress, which WebGPU does not promise; after a spin limit it recomputes the predecessor itself.',
  ],
});
