// WGSL pieces shared by the multi-workgroup scans (reduce-then-scan, decoupled look-back): a
// chunk of CHUNK = WG·ITEMS pairs is staged in workgroup memory with coalesced loads; each
// invocation combines its ITEMS consecutive pairs (in order); a Hillis–Steele scan across the
// workgroup gives every invocation the combine of everything before it in the chunk.
// Expects `a`, `b`, `L`, `combine` and `IDENTITY` to be declared by the including shader.
// Also the schema fields and configuration both chunked variants share.
import type { Decoded } from '../params';
import { ITEMS_FIELD, SCAN_SHAPE, STAGE_FIELD, WG_FIELD, scanShape, type ScanShape } from './common';

/** The schema fields of the chunked scans (the look-back adds its spin limit). */
export const CHUNKED_SCAN_FIELDS = { ...SCAN_SHAPE, wg: WG_FIELD, items: ITEMS_FIELD, stage: STAGE_FIELD };

export type ChunkedScanValues = Decoded<typeof CHUNKED_SCAN_FIELDS>;

export interface ChunkedScanConfig extends ScanShape {
  /** Invocations per workgroup. */
  wg: number;
  /** Consecutive pairs per invocation. */
  items: number;
  /** Chunks of WG·ITEMS pairs per channel. */
  chunks: number;
  /** Whether the chunk goes through workgroup memory (see chunkWgsl). */
  staged: boolean;
}

export function chunkedScanConfig(v: ChunkedScanValues): ChunkedScanConfig {
  return { ...scanShape(v), wg: v.wg, items: v.items, chunks: Math.ceil(v.length / (v.wg * v.items)), staged: v.stage };
}

export function chunkConstants(cfg: ChunkedScanConfig): string {
  return /* wgsl */ `
const WG = ${cfg.wg}u;
const ITEMS = ${cfg.items}u;
const CHUNK = ${cfg.wg * cfg.items}u;
const CHUNKS = ${cfg.chunks}u; // chunks per channel
`;
}

/**
 * Loading, per-invocation reduction and the workgroup scan. `staged`: the chunk goes through
 * workgroup memory with coalesced loads (what a GPU wants); otherwise each invocation reads its
 * ITEMS consecutive pairs straight from memory (contiguous per invocation: what a CPU adapter
 * wants, and no chunk-sized workgroup array).
 */
export function chunkWgsl(staged: boolean): string {
  const loading = staged
    ? /* wgsl */ `
var<workgroup> chunkPairs : array<vec2f, CHUNK>;

// Stages pairs chunk·CHUNK … of one channel (identity past the end), WG consecutive at a time.
fn loadChunk(channel : u32, chunk : u32, i : u32) {
  let start = chunk * CHUNK;
  for (var k = 0u; k < ITEMS; k++) {
    let inChunk = k * WG + i;
    let t = start + inChunk;
    var pair = IDENTITY;
    if (t < L) {
      pair = vec2f(a[channel * L + t], b[channel * L + t]);
    }
    chunkPairs[inChunk] = pair;
  }
}

// Item k of this invocation's ITEMS consecutive pairs.
fn ownPair(channel : u32, chunk : u32, i : u32, k : u32) -> vec2f {
  return chunkPairs[i * ITEMS + k];
}
`
    : /* wgsl */ `
// Unstaged: nothing to load ahead; every invocation reads its own pairs from memory.
fn loadChunk(channel : u32, chunk : u32, i : u32) {
}

// Item k of this invocation's ITEMS consecutive pairs (identity past the end).
fn ownPair(channel : u32, chunk : u32, i : u32, k : u32) -> vec2f {
  let t = chunk * CHUNK + i * ITEMS + k;
  if (t < L) {
    return vec2f(a[channel * L + t], b[channel * L + t]);
  }
  return IDENTITY;
}
`;
  return /* wgsl */ `${loading}
var<workgroup> scanLevels : array<vec2f, 2u * WG>;

// The combine of this invocation's ITEMS consecutive pairs, first to last.
fn reduceOwnItems(channel : u32, chunk : u32, i : u32) -> vec2f {
  var acc = IDENTITY;
  for (var k = 0u; k < ITEMS; k++) {
    acc = combine(acc, ownPair(channel, chunk, i, k));
  }
  return acc;
}

struct WorkgroupScan {
  before : vec2f, // combine of the values of invocations 0 … i−1
  total : vec2f,  // combine of all WG values
}

// Hillis–Steele over one value per invocation (call from uniform control flow).
fn workgroupScan(value : vec2f, i : u32) -> WorkgroupScan {
  scanLevels[i] = value;
  workgroupBarrier();
  var src = 0u;
  for (var offset = 1u; offset < WG; offset *= 2u) {
    var v = scanLevels[src * WG + i];
    if (i >= offset) {
      v = combine(scanLevels[src * WG + i - offset], v);
    }
    scanLevels[(1u - src) * WG + i] = v;
    src = 1u - src;
    workgroupBarrier();
  }
  var result : WorkgroupScan;
  result.before = IDENTITY;
  if (i > 0u) {
    result.before = scanLevels[src * WG + i - 1u];
  }
  result.total = scanLevels[src * WG + WG - 1u];
  workgroupBarrier(); // scanLevels may be reused after this
  return result;
}
`;
}

/**
 * Runs this invocation's items from the entering state and stores h (needs `h` and `EXCLUSIVE`).
 * Staged: outputs go back through workgroup memory for coalesced stores.
 */
export function finishChunkWgsl(staged: boolean): string {
  if (!staged) {
    return /* wgsl */ `
fn finishChunk(channel : u32, chunk : u32, i : u32, stateIn : f32) {
  var state = stateIn;
  for (var k = 0u; k < ITEMS; k++) {
    let t = chunk * CHUNK + i * ITEMS + k;
    if (t < L) {
      let next = a[channel * L + t] * state + b[channel * L + t];
      if (EXCLUSIVE) {
        h[channel * L + t] = state;
      } else {
        h[channel * L + t] = next;
      }
      state = next;
    }
  }
}
`;
  }
  return /* wgsl */ `
fn finishChunk(channel : u32, chunk : u32, i : u32, stateIn : f32) {
  var state = stateIn;
  for (var k = 0u; k < ITEMS; k++) {
    let pair = chunkPairs[i * ITEMS + k];
    let next = pair.x * state + pair.y;
    if (EXCLUSIVE) {
      chunkPairs[i * ITEMS + k] = vec2f(pair.x, state);
    } else {
      chunkPairs[i * ITEMS + k] = vec2f(pair.x, next);
    }
    state = next;
  }
  workgroupBarrier();
  let start = chunk * CHUNK;
  for (var k = 0u; k < ITEMS; k++) {
    let t = start + k * WG + i;
    if (t < L) {
      h[channel * L + t] = chunkPairs[k * WG + i].y;
    }
  }
}
`;
}

/** Workgroup memory of the chunk pieces, in bytes. */
export function chunkSharedBytes(cfg: ChunkedScanConfig): number {
  return (cfg.staged ? 8 * cfg.wg * cfg.items : 0) + 16 * cfg.wg;
}
