// Reduce-then-scan (the safe multi-workgroup baseline; Merrill & Garland's "reduce-then-scan"
// strategy): three dispatches over chunks of CHUNK = WG·ITEMS pairs.
//   1. reduce:  each workgroup combines its chunk into one pair (chunk total);
//   2. carries: one workgroup per channel scans the chunk totals (Hillis–Steele in tiles) and
//               stores the state entering each chunk;
//   3. fix-up:  each workgroup re-reads its chunk, scans it from the entering state, writes h.
// Only WebGPU's ordering between dispatches is relied on: no inter-workgroup waiting at all.
// Memory traffic: a and b are read twice: 20 bytes per element against the 12 compulsory (the
// work model counts the compulsory 12, so GB/s compares with the copy roof).
// Right-operand depth: chunk totals log2(WG)+1, spine log2(WG)+1, fix-up log2(WG)+2 (+ margin).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import {
  CHUNKED_SCAN_FIELDS,
  chunkConstants,
  chunkSharedBytes,
  chunkWgsl,
  chunkedScanConfig,
  finishChunkWgsl,
  type ChunkedScanConfig,
  type ChunkedScanValues,
} from './chunk';
import {
  A_BINDING,
  B_BINDING,
  COMBINE_WGSL,
  H_BINDING,
  linearScanShared,
  log2,
  scanBuffers,
  scanConstants,
  scanLimitChecks,
  scanOutput,
  type LinearScanConfig,
} from './common';

type ReduceThenScanConfig = ChunkedScanConfig & LinearScanConfig;

const REDUCE_BINDINGS = [A_BINDING, B_BINDING, readWrite('chunkTotals', 'array<vec2f>', 'per (channel, chunk): the combine of the chunk')];
const CARRIES_BINDINGS = [
  readOnly('chunkTotals', 'array<vec2f>', 'per (channel, chunk): the combine of the chunk'),
  readWrite('chunkStates', 'array<f32>', 'per (channel, chunk): the state entering the chunk'),
];
const FIXUP_BINDINGS = [A_BINDING, B_BINDING, readOnly('chunkStates', 'array<f32>', 'per (channel, chunk): the state entering the chunk'), H_BINDING];

function sizes(cfg: ChunkedScanConfig) {
  return `${scanConstants(cfg)}${chunkConstants(cfg)}${COMBINE_WGSL}`;
}

export function rtsReduceWgsl(cfg: ChunkedScanConfig): string {
  return /* wgsl */ `${sizes(cfg)}
${declareBindings(REDUCE_BINDINGS)}
${chunkWgsl(cfg.staged)}
@compute @workgroup_size(${cfg.wg})
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

export function rtsCarriesWgsl(cfg: ChunkedScanConfig): string {
  return /* wgsl */ `${sizes(cfg)}
${declareBindings(CARRIES_BINDINGS)}

var<workgroup> levels : array<vec2f, 2u * WG>;

// One workgroup per channel: Hillis–Steele over the chunk totals in tiles of WG, with a carry.
@compute @workgroup_size(${cfg.wg})
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

export function rtsFixupWgsl(cfg: ChunkedScanConfig): string {
  return /* wgsl */ `${sizes(cfg)}
${declareBindings(FIXUP_BINDINGS)}
${chunkWgsl(cfg.staged)}${finishChunkWgsl(cfg.staged)}
@compute @workgroup_size(${cfg.wg})
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

export const reduceThenScan = defineVariant({
  ...linearScanShared,
  id: 'reduce-then-scan',
  label: 'Reduce-then-scan (3 dispatches)',
  summary:
    'Chunks of WG·items pairs: reduce each chunk, scan the chunk totals, then rescan each chunk from its entering state. ' +
    'Safe everywhere (no workgroup waits for another), but reads the input twice.',
  schema: paramSchema(CHUNKED_SCAN_FIELDS),
  config: (v: ChunkedScanValues): ReduceThenScanConfig => ({ ...chunkedScanConfig(v), rightDepth: 3 * log2(v.wg) + 8 }),
  limits: (cfg, caps) => scanLimitChecks(cfg, caps, cfg.wg, chunkSharedBytes(cfg), [cfg.chunks, cfg.channels]),
  plan: (cfg, inputs) => ({
    buffers: [
      ...scanBuffers(cfg, inputs),
      { name: 'chunkTotals', bytes: 8 * cfg.channels * cfg.chunks, usage: 'storage' },
      { name: 'chunkStates', bytes: 4 * cfg.channels * cfg.chunks, usage: 'storage' },
    ],
    dispatches: [
      { label: 'scan rts: reduce chunks', wgsl: rtsReduceWgsl(cfg), bindings: REDUCE_BINDINGS, workgroups: [cfg.chunks, cfg.channels] },
      { label: 'scan rts: scan chunk totals', wgsl: rtsCarriesWgsl(cfg), bindings: CARRIES_BINDINGS, workgroups: [cfg.channels] },
      { label: 'scan rts: fix up chunks', wgsl: rtsFixupWgsl(cfg), bindings: FIXUP_BINDINGS, workgroups: [cfg.chunks, cfg.channels] },
    ],
    output: scanOutput(cfg),
  }),
  dataflow: () => 'chunked',
  notes: () => ['Three dispatches: chunk totals, a scan of the totals, then each chunk rescanned from its entering state.'],
});
