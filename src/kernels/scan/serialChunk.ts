// What the "serial segment" scans share (serial-lookback, serial-rts): every invocation owns one
// segment of K consecutive vec4s (4·K elements), loads it with vector loads, combines it serially
// in registers and writes it back with vector stores. No workgroup memory and no barriers in the
// passes that touch the data: a CPU adapter (SwiftShader) runs each invocation's chain as one
// SIMD lane, and a GPU gets K independent 16-byte loads per thread.
//
// The channels are scanned as ONE flat sequence of channels·L elements in which the state resets
// to 0 at each channel start (the pair there becomes the zero map (0, 0) ∘ (a, b) = (0, b), so
// nothing from the previous channel survives: its terms are multiplied by an exact 0). So a
// segment may straddle two channels, and vec4 loads need no per-channel alignment.
//
// No bounds checks in the data passes (a CPU adapter such as SwiftShader runs every branch as
// masked straight-line code, which halves a copy's speed there): a, b and h are allocated for
// every dispatched invocation's whole segment, a and b padded with zeros (pairs (0, 0) after the
// data change nothing before them), and only channels·L values of h are read back.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import type { Inputs } from '../define';
import { int, paramSchema, type Decoded } from '../params';
import { checkBuffers } from '../schema';
import type { BufferSpec, DeviceCaps } from '../types';
import { COMBINE_WGSL, SCAN_SHAPE, scanConstants, scanLimitChecks, scanShape, zeroPadded, type LinearScanConfig } from './common';

export const VEC4S_FIELD = int('Vec4s per invocation K (4 elements each)', 4, 1, 16, {
  choices: [1, 2, 4, 8, 16],
  help: 'Each invocation scans 4·K consecutive elements in registers (GPUs: 2–4; CPU adapters: 8–16).',
});

export const SERIAL_WG_FIELD = int('Workgroup size (invocations)', 64, 1, 1024, { pow2: true, choices: [16, 32, 64, 128, 256] });

export const SERIAL_FIELDS = { ...SCAN_SHAPE, wg: SERIAL_WG_FIELD, vec4s: VEC4S_FIELD };
export const SERIAL_SCHEMA = paramSchema(SERIAL_FIELDS);
export type SerialValues = Decoded<typeof SERIAL_FIELDS>;

export interface SerialScanConfig extends LinearScanConfig {
  wg: number;
  /** Vec4s per segment (per invocation). */
  K: number;
  /** channels · L elements, scanned as one flat sequence with resets. */
  count: number;
  /** ⌈count / 4⌉ vec4s hold data. */
  vec4Count: number;
  /** ⌈vec4Count / K⌉ segments, one per invocation. */
  segments: number;
  /** ⌈segments / wg⌉ workgroups. */
  workgroups: number;
  /** workgroups · wg invocations, each with a segment's room in h (the last ones past the data). */
  invocations: number;
}

export function serialScanConfig(v: SerialValues, rightDepth: number): SerialScanConfig {
  const shape = scanShape(v);
  const count = shape.channels * shape.length;
  const vec4Count = Math.ceil(count / 4);
  const segments = Math.ceil(vec4Count / v.vec4s);
  const workgroups = Math.max(1, Math.ceil(segments / v.wg));
  return { ...shape, rightDepth, wg: v.wg, K: v.vec4s, count, vec4Count, segments, workgroups, invocations: workgroups * v.wg };
}

/** The limits of a serial-segment pass of cfg.wg invocations, with h's room for every segment. */
export function serialLimitChecks(cfg: SerialScanConfig, caps: DeviceCaps): string[] {
  return [
    ...scanLimitChecks(cfg, caps, cfg.wg, 0, [cfg.workgroups]),
    ...checkBuffers(caps, [['a, b, h (room for whole segments)', 16 * cfg.K * cfg.invocations]]),
  ];
}

/** a, b (zero-padded) and h with room for every invocation's segment (see the header). */
export function serialBuffers(cfg: SerialScanConfig, inputs: Inputs): BufferSpec[] {
  const room = 4 * cfg.K * cfg.invocations;
  return [
    { name: 'a', data: zeroPadded(inputs.a, room), usage: 'storage' },
    { name: 'b', data: zeroPadded(inputs.b, room), usage: 'storage' },
    { name: 'h', bytes: 4 * room, usage: 'storage' },
  ];
}

// a, b and h seen four elements at a time (the same buffers as every scan's a, b, h).
export const A4_BINDING = readOnly('a', 'array<vec4f>', 'a_t, four at a time, channels back to back');
export const B4_BINDING = readOnly('b', 'array<vec4f>', 'b_t, four at a time, channels back to back');
export const H4_BINDING = readWrite('h', 'array<vec4f>', 'h_t (or h_{t−1}), four at a time');

/** Sizes, ∘, the channel resets and the per-vec4 reduce and apply (a, b, h declared by the caller). */
export function serialHeader(cfg: SerialScanConfig, bindings: Parameters<typeof declareBindings>[0]): string {
  return /* wgsl */ `${scanConstants(cfg)}const VEC4S = ${cfg.vec4Count}u;   // vec4s holding data
const K = ${cfg.K}u;         // vec4s per segment (per invocation)
const SEGMENTS = ${cfg.segments}u;
${declareBindings(bindings)}
${COMBINE_WGSL}
${resetsWgsl(cfg)}
// The combine of acc with the four pairs of one vec4, in order (a channel start forgets acc).
fn reduceVec4(acc : vec2f, av : vec4f, bv : vec4f, starts : vec4<bool>) -> vec2f {
  var r = combine(forget(acc, starts.x), vec2f(av.x, bv.x));
  r = combine(forget(r, starts.y), vec2f(av.y, bv.y));
  r = combine(forget(r, starts.z), vec2f(av.z, bv.z));
  return combine(forget(r, starts.w), vec2f(av.w, bv.w));
}

struct Applied {
  out : vec4f,  // h_t (inclusive) or h_{t−1} (exclusive) of the four elements
  state : f32,  // h after the fourth
}

// The recurrence over one vec4 from the state before it: h = a·h + b, four dependent steps.
fn applyVec4(av : vec4f, bv : vec4f, starts : vec4<bool>, stateIn : f32) -> Applied {
  let s0 = reset(stateIn, starts.x);
  let h0 = av.x * s0 + bv.x;
  let s1 = reset(h0, starts.y);
  let h1 = av.y * s1 + bv.y;
  let s2 = reset(h1, starts.z);
  let h2 = av.z * s2 + bv.z;
  let s3 = reset(h2, starts.w);
  let h3 = av.w * s3 + bv.w;
  var r : Applied;
  r.out = select(vec4f(h0, h1, h2, h3), vec4f(s0, s1, s2, s3), EXCLUSIVE);
  r.state = h3;
  return r;
}

// The combine of segment q's pairs, read from memory (the fallback and the reduce pass).
fn reduceSegment(q : u32) -> vec2f {
  var acc = IDENTITY;
  for (var v = q * K; v < min(VEC4S, q * K + K); v++) {
    acc = reduceVec4(acc, a[v], b[v], channelStarts(v));
  }
  return acc;
}
`;
}

/** WGSL for the channel starts: with one channel there are none (and no code for them). */
function resetsWgsl(cfg: SerialScanConfig): string {
  if (cfg.channels === 1) {
    return /* wgsl */ `
// One channel: no resets (the state before element 0 is 0 already).
fn channelStarts(v : u32) -> vec4<bool> {
  return vec4<bool>(false);
}
fn reset(state : f32, start : bool) -> f32 {
  return state;
}
fn forget(acc : vec2f, start : bool) -> vec2f {
  return acc;
}
`;
  }
  const starts =
    cfg.length >= 4
      ? `// L ≥ 4: at most one channel starts inside a vec4, at component (L − (4v mod L)) mod L.
  let rem = (4u * v) % L;
  let at = select(L - rem, 0u, rem == 0u);
  return vec4<bool>(at == 0u, at == 1u, at == 2u, at == 3u);`
      : `let e = 4u * v;
  return vec4<bool>(e % L == 0u, (e + 1u) % L == 0u, (e + 2u) % L == 0u, (e + 3u) % L == 0u);`;
  return /* wgsl */ `
// Which of the four elements of vec4 v start a channel (element index a multiple of L).
fn channelStarts(v : u32) -> vec4<bool> {
  ${starts}
}
// At a channel start the state before the element is 0 …
fn reset(state : f32, start : bool) -> f32 {
  return select(state, 0.0, start);
}
// … and the combine of everything before it is the zero map (0, 0): what follows forgets it exactly.
fn forget(acc : vec2f, start : bool) -> vec2f {
  return select(acc, vec2f(0.0), start);
}
`;
}

/**
 * The unrolled load of this invocation's K vec4s into registers av0, bv0 … (straight-line code:
 * no private array, which a CPU adapter keeps in memory). Past the data they read zero padding.
 */
export function loadSegmentWgsl(K: number): string {
  const lines: string[] = [];
  for (let k = 0; k < K; k++) lines.push(`  let av${k} = a[first + ${k}u];`, `  let bv${k} = b[first + ${k}u];`);
  return lines.join('\n');
}

/** `total`: the combine of the registers av0, bv0 … in order. */
export function reduceHeldWgsl(K: number): string {
  const lines = ['  var total = IDENTITY;'];
  for (let k = 0; k < K; k++) lines.push(`  total = reduceVec4(total, av${k}, bv${k}, channelStarts(first + ${k}u));`);
  return lines.join('\n');
}

/** The unrolled apply from `state` and the vec4 stores (into h's room for this segment). */
export function applyAndStoreWgsl(K: number): string {
  const lines: string[] = [];
  for (let k = 0; k < K; k++) {
    lines.push(
      `  let out${k} = applyVec4(av${k}, bv${k}, channelStarts(first + ${k}u), state${k === 0 ? '' : k - 1});`,
      `  let state${k} = out${k}.state;`,
      `  h[first + ${k}u] = out${k}.out;`,
    );
  }
  return lines.join('\n');
}
