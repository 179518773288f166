// Reduce-then-scan (the safe multi-workgroup baseline; Merrill & Garland's "reduce-then-scan"
// strategy): three dispatches over chunks of CHUNK = WG·ITEMS pairs.
//   1. reduce:  each workgroup combines its chunk into one pair (chunk total);
//   2. carries: one workgroup per channel scans the chunk totals (Hillis–Steele in tiles) and
//               stores the state entering each chunk;
//   3. fix-up:  each workgroup re-reads its chunk, scans it from the entering state, writes h.
// Only WebGPU's ordering between dispatches is relied on: no inter-workgroup waiting at all.
// Memory traffic: a and b are read twice: 20 bytes per element against the 12 compulsory.
// Right-operand depth: chunk totals log2(WG)+1, spine log2(WG)+1, fix-up log2(WG)+2 (+ margin).
import { intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { STAGE_PARAM, chunkConstants, chunkSharedBytes, chunkWgsl, finishChunkWgsl } from './chunk';
import { COMBINE_WGSL, ITEMS_PARAM, SCAN_SHAPE_PARAMS, WG_PARAM, log2, scanBuffers, scanCommon, scanLimitChecks, scanReferenceWith, scanShapeOf } from './common';

function sizes(channels: number, length: number, exclusive: boolean, wg: number, items: number, chunks: number) {
  return /* wgsl */ `
const CHANNELS = ${channels}u;
const L = ${length}u;
const EXCLUSIVE = ${exclusive};
${chunkConstants(wg, items, chunks)}${COMBINE_WGSL}`;
}

export function rtsReduceWgsl(channels: number, length: number, exclusive: boolean, wg: number, items: number, chunks: number, staged = true): string {
  return /* wgsl */ `${sizes(channels, length, exclusive, wg, items, chunks)}
@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> chunkTotals : array<vec2f>;
${chunkWgsl(staged)}
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let chunk = wid.x;
  let channel = wid.y;
  let i = lid.x;
  loadChunk(channel, chunk, i);
  workgroupBarrier();
  let scan = workgroupScan(reduceOwnItems(channel, chunk, i), i);
  if (i == 0u) {
    chunkTotals[channel * CHUNKS + chunk] = scan.total;
  }
}
`;
}

export function rtsCarriesWgsl(channels: number, length: number, exclusive: boolean, wg: number, items: number, chunks: number, staged = true): string {
  return /* wgsl */ `${sizes(channels, length, exclusive, wg, items, chunks)}
@group(0) @binding(0) var<storage, read> chunkTotals : array<vec2f>;
@group(0) @binding(1) var<storage, read_write> chunkStates : array<f32>;

var<workgroup> levels : array<vec2f, 2u * WG>;

// One workgroup per channel: Hillis–Steele over the chunk totals in tiles of WG, with a carry.
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let channel = wid.x;
  let i = lid.x;
  var carry = IDENTITY;
  for (var tile = 0u; tile < CHUNKS; tile += WG) {
    var total = IDENTITY;
    if (tile + i < CHUNKS) {
      total = chunkTotals[channel * CHUNKS + tile + i];
    }
    levels[i] = total;
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
    var before = IDENTITY;
    if (i > 0u) {
      before = levels[src * WG + i - 1u];
    }
    if (tile + i < CHUNKS) {
      // The state entering chunk tile + i (h before the chunk starts; h_{−1} = 0).
      chunkStates[channel * CHUNKS + tile + i] = combine(carry, before).y;
    }
    carry = combine(carry, levels[src * WG + WG - 1u]);
    workgroupBarrier();
  }
}
`;
}

export function rtsFixupWgsl(channels: number, length: number, exclusive: boolean, wg: number, items: number, chunks: number, staged = true): string {
  return /* wgsl */ `${sizes(channels, length, exclusive, wg, items, chunks)}
@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read> chunkStates : array<f32>;
@group(0) @binding(3) var<storage, read_write> h : array<f32>;
${chunkWgsl(staged)}${finishChunkWgsl(staged)}
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let chunk = wid.x;
  let channel = wid.y;
  let i = lid.x;
  loadChunk(channel, chunk, i);
  workgroupBarrier();
  let scan = workgroupScan(reduceOwnItems(channel, chunk, i), i);
  let chunkState = chunkStates[channel * CHUNKS + chunk];
  // Apply everything before this invocation's items (inside the chunk) to the entering state.
  finishChunk(channel, chunk, i, scan.before.x * chunkState + scan.before.y);
}
`;
}

function config(params: Params) {
  const { channels, length, exclusive } = scanShapeOf(params);
  const wg = intParam(params, 'wg');
  const items = intParam(params, 'items');
  const chunks = Math.ceil(length / (wg * items));
  const staged = params.stage !== false;
  return { channels, length, exclusive, wg, items, chunks, staged };
}

export const reduceThenScan: KernelVariant = {
  ...scanCommon,
  id: 'reduce-then-scan',
  label: 'Reduce-then-scan (3 dispatches)',
  summary:
    'Chunks of WG·items pairs: reduce each chunk, scan the chunk totals, then rescan each chunk from its entering state. ' +
    'Safe everywhere (no workgroup waits for another), but reads the input twice.',
  params: [...SCAN_SHAPE_PARAMS, WG_PARAM, ITEMS_PARAM, STAGE_PARAM],
  reference: scanReferenceWith((params) => 3 * log2(intParam(params, 'wg')) + 8),
  checkLimits(params, caps) {
    const { channels, wg, items, chunks, staged } = config(params);
    return scanLimitChecks(params, caps, wg, chunkSharedBytes(wg, items, staged), [chunks, channels]);
  },
  plan(params, inputs) {
    const { channels, length, exclusive, wg, items, chunks, staged } = config(params);
    const args = [channels, length, exclusive, wg, items, chunks, staged] as const;
    return {
      buffers: [
        ...scanBuffers(inputs, params),
        { name: 'chunkTotals', bytes: 8 * channels * chunks, usage: 'storage' },
        { name: 'chunkStates', bytes: 4 * channels * chunks, usage: 'storage' },
      ],
      dispatches: [
        { label: 'scan rts: reduce chunks', wgsl: rtsReduceWgsl(...args), bindings: ['a', 'b', 'chunkTotals'], workgroups: [chunks, channels] },
        { label: 'scan rts: scan chunk totals', wgsl: rtsCarriesWgsl(...args), bindings: ['chunkTotals', 'chunkStates'], workgroups: [channels] },
        { label: 'scan rts: fix up chunks', wgsl: rtsFixupWgsl(...args), bindings: ['a', 'b', 'chunkStates', 'h'], workgroups: [chunks, channels] },
      ],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    };
  },
  work(params) {
    const { channels, length } = scanShapeOf(params);
    // Compulsory bytes only (so GB/s compares with the copy roof); this variant really moves 20 B/element.
    return { flops: 2 * channels * length, bytes: 12 * channels * length };
  },
};
