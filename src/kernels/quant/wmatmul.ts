// Weight-only quantized matmul: Y (M×N) = X (M×K) · Wᵀ with W stored N×K (row n = output channel,
// contiguous along K, as Linear layers store it), f32 activations. M = 1 is the GEMV of LLM decode
// (memory-bound: the weights dominate traffic); M > 1 a GEMM.
//
// Every variant shares one kernel skeleton so that speed differences come from the weight format
// only: a workgroup of 64 invocations owns one output column n and TM rows of X; invocation t walks
// the words w = t, t+64, … of W's row n (8 weights per word: 8 packed nibbles or two vec4 of f32),
// decodes the 8 weights in registers (never written back to memory), multiplies them with 8
// activations of each of its TM rows, and the workgroup sums the 64 partial sums in a tree.
import { gamma } from '../../numerics/metrics';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { DeviceCaps, HostArray, ParamDef, Params, ReferenceResult } from '../types';
import { DISTRIBUTION_PARAM, OUTLIER_PARAMS, intParam, tensorFromParams } from './common';

export const WG = 64;

export const MATMUL_SHAPE_PARAMS: ParamDef[] = [
  { key: 'M', label: 'M (rows of X: 1 = GEMV, the decode shape)', kind: 'int', default: 1, min: 1, max: 4096, choices: [1, 4, 16, 64, 256] },
  { key: 'N', label: 'N (output features, rows of W)', kind: 'int', default: 512, min: 1, max: 65535, choices: [256, 512, 1024, 2048, 4096] },
  { key: 'K', label: 'K (input features; a multiple of 8 and of the group size)', kind: 'int', default: 512, min: 8, max: 16384, choices: [256, 512, 1024, 2048, 4096] },
  { key: 'TM', label: 'Rows of X per workgroup (weights decoded once, reused TM times)', kind: 'int', default: 4, min: 1, max: 8, choices: [1, 2, 4, 8] },
  {
    key: 'strategy',
    label: 'Work split',
    kind: 'enum',
    default: 'split-k',
    options: [
      { value: 'split-k', label: '64 invocations per output, K split among them, tree sum (coalesced loads)' },
      { value: 'row', label: 'one invocation per output, whole K serially (no barriers)' },
      { value: 'subgroup', label: '64 invocations per output, subgroupAdd then one barrier (needs subgroups)' },
    ],
  },
  { ...DISTRIBUTION_PARAM, label: 'Activation distribution' },
  ...OUTLIER_PARAMS,
];

export interface MatmulDims {
  M: number;
  N: number;
  K: number;
  TM: number;
  strategy: 'split-k' | 'row' | 'subgroup';
}

export function dimsOf(params: Params): MatmulDims {
  return {
    M: intParam(params, 'M'),
    N: intParam(params, 'N'),
    K: intParam(params, 'K'),
    TM: Math.min(intParam(params, 'TM'), intParam(params, 'M')),
    strategy: params.strategy === 'row' ? 'row' : params.strategy === 'subgroup' ? 'subgroup' : 'split-k',
  };
}

/** Activations X (M×K, with the lab's distribution and outlier channels) and float32 weights W (N×K, Gaussian / √K). */
export function makeActivationsAndWeights(params: Params, seed: number): { x: Float32Array; w: Float32Array } {
  const { M, N, K } = dimsOf(params);
  const x = tensorFromParams(params, seed, M, K, 0);
  const w = tensorFromParams({ dist: 'gaussian', outliers: 0 }, seed, N, K, 1);
  const s = 1 / Math.sqrt(K);
  for (let i = 0; i < w.length; i++) w[i] *= s;
  return { x, w };
}

/**
 * Float64 truth of X·Wᵀ for the weights the kernel actually multiplies (the dequantized values,
 * given exactly as float64), and the bound a float32 evaluation must meet:
 * |ŷ − y| ≤ γ_{K+r}·Σ_k |x_k·w_k|. Each term suffers one rounding for its product and K − 1 for
 * the sum in any order (dot, tree reduction, FMA or not): γ_K (Higham §3.1); decoding a weight as
 * code × scale in float32 adds r = 1 rounding per term (r = 0 for float32 weights).
 */
export function weightOnlyReference(
  x: Float32Array,
  weightAt: (n: number, k: number) => number,
  dims: MatmulDims,
  extraRoundings: number,
): ReferenceResult {
  const { M, N, K } = dims;
  const values = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  const g = gamma(K + extraRoundings);
  const row = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) row[k] = weightAt(n, k);
    for (let m = 0; m < M; m++) {
      let sum = 0;
      let abs = 0;
      const base = m * K;
      for (let k = 0; k < K; k++) {
        const p = x[base + k] * row[k];
        sum += p;
        abs += Math.abs(p);
      }
      values[m * N + n] = sum;
      bound[m * N + n] = g * abs + 1e-30;
    }
  }
  return {
    values,
    bound,
    boundNote: `|error| ≤ γ_{K+${extraRoundings}}·Σ|x·w| with K = ${K} (w = the dequantized weight, exact in float64)`,
    rows: M,
    cols: N,
  };
}

export function weightOnlyLimits(params: Params, caps: DeviceCaps, weightBytes: number, extraBuffers: [string, number][], groupSize?: number): string[] {
  const { M, N, K, TM } = dimsOf(params);
  const problems: string[] = [];
  if (K % 8 !== 0) problems.push(`K = ${K} must be a multiple of 8 (8 weights per packed word)`);
  if (groupSize && K % groupSize !== 0) problems.push(`K = ${K} must be a multiple of the group size ${groupSize}`);
  const strategy = dimsOf(params).strategy;
  if (strategy === 'subgroup' && !caps.features.includes('subgroups')) problems.push('the subgroup strategy needs the subgroups feature, which this device does not offer');
  const shared = strategy === 'row' ? 0 : 4 * WG * TM;
  problems.push(...checkWorkgroup(caps, [WG, 1, 1], shared, `a ${WG}-invocation workgroup with ${TM} rows`));
  problems.push(...checkDispatch(caps, weightOnlyDispatch(dimsOf(params))));
  problems.push(...checkBuffers(caps, [['X', 4 * M * K], ['W', weightBytes], ['Y', 4 * M * N], ...extraBuffers]));
  return problems;
}

/**
 * The shared skeleton. `weightDecls` declares the weight bindings (from binding 1 on, Y comes
 * last); `decode` is WGSL that sets `w_lo` and `w_hi` (vec4f: weights 8w…8w+3 and 8w+4…8w+7 of
 * row n) from the word index `w`.
 */
export function weightOnlySkeleton(dims: MatmulDims, header: string, weightDecls: string, decode: string, yBinding: number, f16 = false): string {
  const text =
    dims.strategy === 'row'
      ? rowSkeleton(dims, header, weightDecls, decode, yBinding)
      : dims.strategy === 'subgroup'
        ? subgroupSkeleton(dims, header, weightDecls, decode, yBinding)
        : splitKSkeleton(dims, header, weightDecls, decode, yBinding);
  if (!f16) return text;
  // f16 activations (W4A16 proper): x holds vec4<f16>; the decoded weights are vec4<f16>; each
  // product is rounded to f16 once, then widened and summed in f32.
  return `enable f16;\n${text
    .replace('var<storage, read> x : array<vec4f>; // M×K activations', 'var<storage, read> x : array<vec4<f16>>; // M×K f16 activations')
    .replace(
      'acc[r] += dot(w_lo, x[xi]) + dot(w_hi, x[xi + 1u]);',
      `let p_lo = vec4f(w_lo * x[xi]);
      let p_hi = vec4f(w_hi * x[xi + 1u]);
      acc[r] += (p_lo.x + p_lo.y + p_lo.z + p_lo.w) + (p_hi.x + p_hi.y + p_hi.z + p_hi.w);`,
    )}`;
}

function splitKSkeleton(dims: MatmulDims, header: string, weightDecls: string, decode: string, yBinding: number): string {
  const { M, N, K, TM } = dims;
  return /* wgsl */ `${header}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u;  // 8-weight words per row of W
const TM = ${TM}u;        // rows of X per workgroup
const WG = ${WG}u;

@group(0) @binding(0) var<storage, read> x : array<vec4f>; // M×K activations
${weightDecls}
@group(0) @binding(${yBinding}) var<storage, read_write> y : array<f32>; // M×N

var<workgroup> partial : array<f32, ${WG * TM}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
  let n = wid.x;
  let m0 = wid.y * TM;
  var acc : array<f32, ${TM}>;
  for (var w = t; w < WORDS; w += WG) {
${decode}
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u); // rows past M repeat the last row; their sums are not stored
      let xi = m * (K / 4u) + 2u * w;
      acc[r] += dot(w_lo, x[xi]) + dot(w_hi, x[xi + 1u]);
    }
  }
  // Tree sum of the 64 partial sums of each row.
  for (var r = 0u; r < TM; r++) {
    partial[r * WG + t] = acc[r];
  }
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (t < stride) {
      for (var r = 0u; r < TM; r++) {
        partial[r * WG + t] += partial[r * WG + t + stride];
      }
    }
    workgroupBarrier();
  }
  if (t < TM && m0 + t < M) {
    y[(m0 + t) * N + n] = partial[t * WG];
  }
}
`;
}

/**
 * As split-K, but each subgroup sums its lanes with subgroupAdd; one lane per subgroup writes that
 * sum (the others write 0, since WGSL does not say which invocations share a subgroup), and after
 * a single barrier one invocation per row adds the 64 slots.
 */
function subgroupSkeleton(dims: MatmulDims, header: string, weightDecls: string, decode: string, yBinding: number): string {
  const { M, N, K, TM } = dims;
  return /* wgsl */ `enable subgroups;
${header}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u;  // 8-weight words per row of W
const TM = ${TM}u;        // rows of X per workgroup
const WG = ${WG}u;

@group(0) @binding(0) var<storage, read> x : array<vec4f>; // M×K activations
${weightDecls}
@group(0) @binding(${yBinding}) var<storage, read_write> y : array<f32>; // M×N

var<workgroup> partial : array<f32, ${WG * TM}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u, @builtin(subgroup_invocation_id) lane : u32) {
  let n = wid.x;
  let m0 = wid.y * TM;
  var acc : array<f32, ${TM}>;
  for (var w = t; w < WORDS; w += WG) {
${decode}
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u); // rows past M repeat the last row; their sums are not stored
      let xi = m * (K / 4u) + 2u * w;
      acc[r] += dot(w_lo, x[xi]) + dot(w_hi, x[xi + 1u]);
    }
  }
  for (var r = 0u; r < TM; r++) {
    let subgroup_sum = subgroupAdd(acc[r]);
    partial[r * WG + t] = select(0.0, subgroup_sum, lane == 0u);
  }
  workgroupBarrier();
  if (t < TM && m0 + t < M) {
    var total = 0.0;
    for (var j = 0u; j < WG; j++) {
      total += partial[t * WG + j];
    }
    y[(m0 + t) * N + n] = total;
  }
}
`;
}

/** One invocation per output column n (and TM rows of X): the whole row of W serially. */
function rowSkeleton(dims: MatmulDims, header: string, weightDecls: string, decode: string, yBinding: number): string {
  const { M, N, K, TM } = dims;
  return /* wgsl */ `${header}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u;  // 8-weight words per row of W
const TM = ${TM}u;        // rows of X per invocation

@group(0) @binding(0) var<storage, read> x : array<vec4f>; // M×K activations
${weightDecls}
@group(0) @binding(${yBinding}) var<storage, read_write> y : array<f32>; // M×N

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  var acc : array<f32, ${TM}>;
  for (var w = 0u; w < WORDS; w++) {
${decode}
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u); // rows past M repeat the last row; their sums are not stored
      let xi = m * (K / 4u) + 2u * w;
      acc[r] += dot(w_lo, x[xi]) + dot(w_hi, x[xi + 1u]);
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = acc[r];
    }
  }
}
`;
}

export function weightOnlyDispatch(dims: MatmulDims): [number, number] {
  if (dims.strategy === 'row') return [Math.ceil(dims.N / WG), Math.ceil(dims.M / dims.TM)];
  return [dims.N, Math.ceil(dims.M / dims.TM)];
}

export function matmulShapeLabel(params: Params): string {
  const { M, N, K } = dimsOf(params);
  return `${M === 1 ? 'GEMV' : 'GEMM'} ${M}×${N}×${K}`;
}

export type Inputs = Record<string, HostArray>;

/**
 * What quantization did to the matmul: the GPU output against the float64 product with the
 * original float32 weights (and activations), for the lab panel. Skipped for very large shapes.
 */
export function quantizedMatmulExtras(params: Params, inputs: Inputs, output: HostArray, weightBitsPerValue: number): Record<string, unknown> {
  const { M, N, K } = dimsOf(params);
  const base = { kind: 'matmul', M, N, K, weightBitsPerValue, weightBytes: Math.ceil((weightBitsPerValue * N * K) / 8) };
  if (M * N * K > 64 * 2 ** 20) return { ...base, note: 'shape too large for the CPU comparison with float32 weights' };
  const x = inputs.x as Float32Array;
  const w = inputs.w as Float32Array;
  let errSq = 0;
  let refSq = 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += x[m * K + k] * w[n * K + k];
      const e = output[m * N + n] - sum;
      errSq += e * e;
      refSq += sum * sum;
    }
  }
  const relFrobenius = refSq > 0 ? Math.sqrt(errSq / refSq) : 0;
  return { ...base, relFrobeniusVsF32Weights: relFrobenius, sqnrDbVsF32Weights: errSq > 0 ? 10 * Math.log10(refSq / errSq) : Infinity };
}
