// What every long 1-D convolution variant shares: the shape fields (channels, sequence length N,
// filter length K), seeded inputs, the float64 truth, the error summaries the panel plots, and the
// WGSL pieces of the two FFT forms (packing, pointwise product, output).
import { conv1dTruth, spectralNorms, type Conv1dShape, type Conv1dTruth } from '../../numerics/conv1d';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import type { Inputs } from '../define';
import { int, type Decoded } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import type { DeviceCaps, HostArray } from '../types';
import type { ConvMemory, ConvSequenceError } from './extras';

export const CONV1D_SHAPE = {
  channels: int('Channels (one filter each)', 4, 1, 1024, { choices: [1, 2, 4, 8, 16, 64] }),
  length: int('Sequence length N', 4096, 1, 1 << 20, { choices: [256, 1024, 4096, 16384, 65536] }),
  filter: int('Filter length K (0 = the sequence length)', 0, 0, 1 << 20, {
    choices: [0, 3, 64, 1024],
    help: 'long-convolution models use filters as long as the sequence',
  }),
};

export type Conv1dValues = Decoded<typeof CONV1D_SHAPE>;

/** The shape with K resolved (0 means K = N). */
export function conv1dConfig(v: Conv1dValues): Conv1dShape {
  return { channels: v.channels, length: v.length, filter: v.filter === 0 ? v.length : v.filter };
}

/** The direct form at the same shape: what the FFT forms are compared against. */
export function directBaseline1d(s: Conv1dShape) {
  return { variant: 'direct-1d', params: { channels: s.channels, length: s.length, filter: s.filter } };
}

export function conv1dShapeProblems(s: Conv1dShape): string[] {
  return s.filter > s.length
    ? [`the filter (K = ${s.filter}) is longer than the sequence (N = ${s.length}): taps beyond N never reach an output; set K ≤ N (or 0 for K = N)`]
    : [];
}

export const conv1dShared = {
  family: 'conv' as const,
  inputs: (s: Conv1dShape, seed: number): Inputs => ({
    x: uniformArray(s.channels * s.length, deriveSeed(seed, 0)),
    h: uniformArray(s.channels * s.filter, deriveSeed(seed, 1)),
  }),
  shape: (s: Conv1dShape) => `${s.channels} channels × N = ${s.length}, K = ${s.filter}`,
};

/** The truth, cached per inputs object (reference() and extras() both need it, and it can take a second). */
const truths = new WeakMap<HostArray, Conv1dTruth>();
export function truthOf(s: Conv1dShape, inputs: Inputs): Conv1dTruth {
  let t = truths.get(inputs.x);
  if (!t) {
    t = conv1dTruth(s, inputs.x as Float32Array, inputs.h as Float32Array);
    truths.set(inputs.x, t);
  }
  return t;
}

export function truthNote(t: Conv1dTruth): string {
  return t.method === 'direct' ? 'truth: direct float64 sum' : 'truth: float64 FFT convolution (its own error bound is added)';
}

/** Per-channel ‖x‖₂·‖h‖₂, the scale of an FFT convolution's error. */
export function channelScales(s: Conv1dShape, inputs: Inputs): number[] {
  const x = inputs.x as Float32Array;
  const h = inputs.h as Float32Array;
  const out: number[] = [];
  for (let c = 0; c < s.channels; c++) {
    let xs = 0;
    let hs = 0;
    for (let t = 0; t < s.length; t++) xs += x[c * s.length + t] ** 2;
    for (let j = 0; j < s.filter; j++) hs += h[c * s.filter + j] ** 2;
    out.push(Math.sqrt(xs * hs));
  }
  return out;
}

/**
 * max over channels of ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂), and the same ratio for the bound. A per-element
 * bound b_t gives the normwise bound ‖b‖₂; the FFT forms pass their normwise bound per channel
 * instead (their per-element bound is that one number repeated N times, whose ‖·‖₂ would be √N
 * times too loose).
 */
export function sequenceError(
  s: Conv1dShape,
  inputs: Inputs,
  output: HostArray,
  values: Float64Array,
  bound: Float64Array | undefined,
  normwisePerChannel?: number[],
): ConvSequenceError {
  const scales = channelScales(s, inputs);
  let worst = 0;
  let worstBound = 0;
  for (let c = 0; c < s.channels; c++) {
    let e2 = 0;
    let b2 = 0;
    for (let t = 0; t < s.length; t++) {
      e2 += (output[c * s.length + t] - values[c * s.length + t]) ** 2;
      if (bound) b2 += bound[c * s.length + t] ** 2;
    }
    const scale = scales[c] || 1;
    worst = Math.max(worst, Math.sqrt(e2) / scale);
    const channelBound = normwisePerChannel ? normwisePerChannel[c] : bound ? Math.sqrt(b2) : 0;
    worstBound = Math.max(worstBound, channelBound / scale);
  }
  return { normwiseError: worst, normwiseBound: worstBound };
}

/** The spectral norms of each channel's signals, zero-padded to L (for fftConvBound). */
export function channelSpectra(s: Conv1dShape, inputs: Inputs, L: number) {
  const x = inputs.x as Float32Array;
  const h = inputs.h as Float32Array;
  return Array.from({ length: s.channels }, (_, c) =>
    spectralNorms(x.subarray(c * s.length, (c + 1) * s.length), h.subarray(c * s.filter, (c + 1) * s.filter), L),
  );
}

export function conv1dBufferProblems(caps: DeviceCaps, memory: ConvMemory): string[] {
  return checkBuffers(
    caps,
    memory.buffers.map((b) => [`${b.name} (${b.what})`, b.bytes]),
  );
}

// ---- the FFT forms' shared passes (complex values are vec2<f32>: x = real, y = imaginary) ------

export const FFT_WG = 64;

/** A grid of FFT_WG-wide workgroups: `perRow` invocations along x for each of `rows` rows. */
export function rowGrid(perRow: number, rows: number): [number, number] {
  return [Math.max(1, Math.ceil(perRow / FFT_WG)), rows];
}

export function rowGridProblems(caps: DeviceCaps, perRow: number, rows: number, what: string): string[] {
  return checkDispatch(caps, rowGrid(perRow, rows), what);
}

export const PACK_BINDINGS = [
  readOnly('x', 'array<f32>', 'signals, channels × N'),
  readOnly('h', 'array<f32>', 'filters, channels × K'),
  readWrite('spec', 'array<vec2<f32>>', 'rows 0…C−1: x, rows C…2C−1: h, zero-padded to L'),
];

/** Rows 0…C−1 get x, rows C…2C−1 get h, each zero-padded to L complex values. */
export function packWgsl(s: Conv1dShape, L: number): string {
  return /* wgsl */ `// zero-pad x and h into 2·C complex rows of length L
const C = ${s.channels}u;
const N = ${s.length}u;
const K = ${s.filter}u;
const L = ${L}u;

${declareBindings(PACK_BINDINGS)}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let t = gid.x;
  let row = gid.y;
  if (t >= L) { return; }
  var value = 0.0;
  if (row < C) {
    if (t < N) { value = x[row * N + t]; }
  } else if (t < K) {
    value = h[(row - C) * K + t];
  }
  spec[row * L + t] = vec2<f32>(value, 0.0);
}
`;
}

export const PRODUCT_BINDINGS = [readWrite('spec', 'array<vec2<f32>>', 'rows 0…C−1: X, becoming X·H; rows C…2C−1: H')];

/** Row c becomes X_c ⊙ H_c (each element read and written by the same invocation). */
export function productWgsl(s: Conv1dShape, L: number): string {
  return /* wgsl */ `// pointwise product of the spectra: X_c ← X_c ⊙ H_c
const C = ${s.channels}u;
const L = ${L}u;

${declareBindings(PRODUCT_BINDINGS)}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let k = gid.x;
  let c = gid.y;
  if (k >= L) { return; }
  let a = spec[c * L + k];
  let b = spec[(C + c) * L + k];
  spec[c * L + k] = vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}
`;
}

export const OUTPUT_BINDINGS = [readOnly('spec', 'array<vec2<f32>>', 'rows 0…C−1: L·(x ⊛ h)'), readWrite('y', 'array<f32>', 'output, channels × N')];

/** y_c[t] = Re(z_c[t]) / L for t < N (the first N outputs of the linear convolution). */
export function outputWgsl(s: Conv1dShape, L: number): string {
  return /* wgsl */ `// real part, scaled by 1/L, first N samples
const N = ${s.length}u;
const L = ${L}u;
const SCALE = ${Math.fround(1 / L)}; // 1/L rounded to float32

${declareBindings(OUTPUT_BINDINGS)}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= N) { return; }
  y[c * N + t] = spec[c * L + t].x * SCALE;
}
`;
}
