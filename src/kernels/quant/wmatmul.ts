// Quantized matmul: Y (M×N) = X (M×K) · Wᵀ with W stored N×K (row n = output channel, contiguous
// along K, as Linear layers store it). M = 1 is the GEMV of LLM decode (memory-bound: the weights
// dominate traffic); M > 1 a GEMM. This file holds what every quantized matmul shares (schema
// fields, inputs, the float64 reference, extras) and the weight-only kernel.
//
// Every weight-only variant shares one kernel so that speed differences come from the weight
// format only: a workgroup of 64 invocations owns one output column n and TM rows of X; invocation
// t walks the words w = t, t+64, … of W's row n (8 weights per word: 8 packed nibbles or two vec4
// of f32), decodes the 8 weights in registers (never written back to memory), multiplies them with
// 8 activations of each of its TM rows, and the workgroup sums the 64 partial sums (a tree, or
// subgroupAdd). The 'row' split gives each invocation a whole row of W instead.
import { gamma } from '../../numerics/metrics';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import type { Binding, DeviceCaps, GpuPlan, HostArray, ReferenceResult } from '../types';
import type { BaselineRef } from '../facets';
import type { Inputs } from '../define';
import { int, oneOf } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { OUTLIER_FIELDS, distributionField, seededTensor, type TensorSpec } from './common';
import type { QuantMatmulExtras } from './extras';

export const WG = 64;

const SHAPE_FIELDS = {
  M: int('M (rows of X: 1 = GEMV, the decode shape)', 1, 1, 4096, { choices: [1, 4, 16, 64, 256] }),
  N: int('N (output features, rows of W)', 512, 1, 65535, { choices: [256, 512, 1024, 2048, 4096] }),
  K: int('K (input features; a multiple of 8 and of the group size)', 512, 8, 16384, { choices: [256, 512, 1024, 2048, 4096] }),
  TM: int('Rows of X per workgroup (weights decoded once, reused TM times)', 4, 1, 8, { choices: [1, 2, 4, 8] }),
};

const ACTIVATION_FIELDS = { dist: distributionField('Activation distribution'), ...OUTLIER_FIELDS };

export type WorkSplit = 'split-k' | 'row' | 'subgroup';

/** The fields of every quantized matmul (shape and activations). */
export const QUANT_MATMUL_FIELDS = { ...SHAPE_FIELDS, ...ACTIVATION_FIELDS };

/** The fields of the weight-only kernels: the shape, the work split, the activations. */
export const WEIGHT_ONLY_FIELDS = {
  ...SHAPE_FIELDS,
  strategy: oneOf<WorkSplit>('Work split', 'split-k', [
    ['split-k', '64 invocations per output, K split among them, tree sum (coalesced loads)'],
    ['row', 'one invocation per output, whole K serially (no barriers)'],
    ['subgroup', '64 invocations per output, subgroupAdd then one barrier (needs subgroups)'],
  ]),
  ...ACTIVATION_FIELDS,
};

/** Shape and activations of a quantized matmul; TM is at most M. */
export interface QuantMatmulConfig extends TensorSpec {
  M: number;
  N: number;
  K: number;
  TM: number;
}

export interface WeightOnlyConfig extends QuantMatmulConfig {
  strategy: WorkSplit;
}

/** The typed configuration: the decoded values with TM clamped to M (no workgroup of empty rows). */
export function matmulConfig<V extends QuantMatmulConfig>(v: V): V {
  return { ...v, TM: Math.min(v.TM, v.M) };
}

export function matmulShape(cfg: QuantMatmulConfig): string {
  return `${cfg.M === 1 ? 'GEMV' : 'GEMM'} ${cfg.M}×${cfg.N}×${cfg.K}`;
}

/** Activations X (M×K, with the lab's distribution and outlier channels) and float32 weights W (N×K, Gaussian / √K). */
export function makeActivationsAndWeights(cfg: QuantMatmulConfig, seed: number): { x: Float32Array; w: Float32Array } {
  const { M, N, K } = cfg;
  const x = seededTensor(cfg, seed, M, K, 0);
  const w = seededTensor({ dist: 'gaussian', outliers: 0, outlierScale: 20 }, seed, N, K, 1);
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
  dims: { M: number; N: number; K: number },
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

/**
 * What quantization did to the matmul: the GPU output against the float64 product with the
 * original float32 weights (and activations), for the lab panel. Skipped for very large shapes.
 */
export function quantizedMatmulExtras(cfg: QuantMatmulConfig, inputs: Inputs, output: HostArray, weightBitsPerValue: number): QuantMatmulExtras {
  const { M, N, K } = cfg;
  const base = { family: 'quant' as const, kind: 'matmul' as const, M, N, K, weightBitsPerValue, weightBytes: Math.ceil((weightBitsPerValue * N * K) / 8) };
  if (M * N * K > HOST_PRODUCT_LIMIT) return { ...base, note: 'shape too large for the CPU comparison with float32 weights' };
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

/** Largest M·N·K for which extras recompute products on the CPU. */
export const HOST_PRODUCT_LIMIT = 64 * 2 ** 20;

/**
 * The error of the product of approximate operands (xHat·wHatᵀ, in float64) against the float64
 * product of the originals, as relative Frobenius and SQNR: what another scheme would have given.
 */
export function productError(
  x: Float32Array,
  w: Float32Array,
  xHat: ArrayLike<number>,
  wHat: ArrayLike<number>,
  { M, N, K }: { M: number; N: number; K: number },
): { relFrobenius: number; sqnrDb: number } {
  let errSq = 0;
  let refSq = 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let exact = 0;
      let approx = 0;
      for (let k = 0; k < K; k++) {
        exact += x[m * K + k] * w[n * K + k];
        approx += xHat[m * K + k] * wHat[n * K + k];
      }
      errSq += (approx - exact) ** 2;
      refSq += exact * exact;
    }
  }
  return { relFrobenius: refSq > 0 ? Math.sqrt(errSq / refSq) : 0, sqnrDb: errSq > 0 ? 10 * Math.log10(refSq / errSq) : Infinity };
}

/** Relative Frobenius error of each of the first `rows` rows of an approximation of W (N×K). */
export function rowErrors(w: Float32Array, wHat: ArrayLike<number>, K: number, rows: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < rows; n++) {
    let e = 0;
    let r = 0;
    for (let k = 0; k < K; k++) {
      e += (wHat[n * K + k] - w[n * K + k]) ** 2;
      r += w[n * K + k] ** 2;
    }
    out.push(r > 0 ? Math.sqrt(e / r) : 0);
  }
  return out;
}

/** The id of the float32-weight kernel (gemmF32.ts) the quantized matmuls are measured against. */
export const F32_BASELINE_ID = 'gemm-f32';

/**
 * The float32-weight run a quantized matmul is compared against: same shape, same activations,
 * the same work split where the variant has one ('row', one invocation per output, where it has
 * none: the kernels without a split compute each output in one invocation).
 */
export function f32Baseline(cfg: QuantMatmulConfig & { strategy?: WorkSplit }): BaselineRef {
  const { M, N, K, TM, dist, outliers, outlierScale } = cfg;
  return { variant: F32_BASELINE_ID, params: { M, N, K, TM, strategy: cfg.strategy ?? 'row', dist, outliers, outlierScale } };
}

// ---- the weight-only kernel ----------------------------------------------------------------------

/** How a weight format is read: the generator the weight-only kernel is built from. */
export interface WeightFormat {
  /** WGSL before the constants: a comment on the format, and the constants and helpers `decode` uses. */
  header: string;
  /** The weight bindings, between x (binding 0) and y (the last one). */
  weights: Binding[];
  /** WGSL that sets `w_lo` and `w_hi` (weights 8w…8w+3 and 8w+4…8w+7 of row n) from the word index `w`. */
  decode: string;
  /** f16 activations (W4A16 proper): x holds vec4<f16>, each product is rounded to f16 once, then widened and summed in f32. */
  f16?: boolean;
}

/** The bindings of a weight-only dispatch: x, the format's weight buffers, y. */
export function weightOnlyBindings(format: WeightFormat): Binding[] {
  return [
    format.f16 ? readOnly('x', 'array<vec4<f16>>', 'M×K f16 activations') : readOnly('x', 'array<vec4f>', 'M×K activations'),
    ...format.weights,
    readWrite('y', 'array<f32>', 'M×N'),
  ];
}

/** What differs between the work splits: who owns which words, and how the partial sums meet. */
interface SplitPieces {
  enable: string;
  /** Partial sums in workgroup memory (the 64 invocations of an output meet there). */
  shared: boolean;
  entry: string;
  owner: string;
  loop: string;
  finish: string;
}

function splitPieces(strategy: WorkSplit): SplitPieces {
  if (strategy === 'row') {
    // One invocation per output column n (and TM rows of X): the whole row of W serially.
    return {
      enable: '',
      shared: false,
      entry: '@builtin(global_invocation_id) gid : vec3u',
      owner: `  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }`,
      loop: 'for (var w = 0u; w < WORDS; w++)',
      finish: `  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = acc[r];
    }
  }
`,
    };
  }
  const owner = `  let n = wid.x;
  let m0 = wid.y * TM;`;
  const loop = 'for (var w = t; w < WORDS; w += WG)';
  if (strategy === 'subgroup') {
    // Each subgroup sums its lanes with subgroupAdd; one lane per subgroup writes that sum (the
    // others write 0, since WGSL does not say which invocations share a subgroup), and after a
    // single barrier one invocation per row adds the 64 slots.
    return {
      enable: 'enable subgroups;\n',
      shared: true,
      entry: '@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u, @builtin(subgroup_invocation_id) lane : u32',
      owner,
      loop,
      finish: `  for (var r = 0u; r < TM; r++) {
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
`,
    };
  }
  return {
    enable: '',
    shared: true,
    entry: '@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u',
    owner,
    loop,
    finish: `  // Tree sum of the 64 partial sums of each row.
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
`,
  };
}

const F32_PRODUCTS = '      acc[r] += dot(w_lo, x[xi]) + dot(w_hi, x[xi + 1u]);';
const F16_PRODUCTS = `      let p_lo = vec4f(w_lo * x[xi]);
      let p_hi = vec4f(w_hi * x[xi + 1u]);
      acc[r] += (p_lo.x + p_lo.y + p_lo.z + p_lo.w) + (p_hi.x + p_hi.y + p_hi.z + p_hi.w);`;

/** The weight-only kernel for this weight format and work split. */
export function weightOnlyWgsl(cfg: WeightOnlyConfig, format: WeightFormat): string {
  const { M, N, K, TM } = cfg;
  const split = splitPieces(cfg.strategy);
  return /* wgsl */ `${format.f16 ? 'enable f16;\n' : ''}${split.enable}${format.header}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u;  // 8-weight words per row of W
const TM = ${TM}u;        // rows of X per ${split.shared ? 'workgroup' : 'invocation'}
${split.shared ? `const WG = ${WG}u;\n` : ''}
${declareBindings(weightOnlyBindings(format))}
${split.shared ? `\nvar<workgroup> partial : array<f32, ${WG * TM}>;\n` : ''}
@compute @workgroup_size(${WG})
fn main(${split.entry}) {
${split.owner}
  var acc : array<f32, ${TM}>;
  ${split.loop} {
${format.decode}
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u); // rows past M repeat the last row; their sums are not stored
      let xi = m * (K / 4u) + 2u * w;
${format.f16 ? F16_PRODUCTS : F32_PRODUCTS}
    }
  }
${split.finish}}
`;
}

export function weightOnlyDispatch(cfg: WeightOnlyConfig): [number, number] {
  if (cfg.strategy === 'row') return [Math.ceil(cfg.N / WG), Math.ceil(cfg.M / cfg.TM)];
  return [cfg.N, Math.ceil(cfg.M / cfg.TM)];
}

export function weightOnlyLimits(cfg: WeightOnlyConfig, caps: DeviceCaps, weightBytes: number, extraBuffers: [string, number][], groupSize?: number): string[] {
  const { M, N, K, TM } = cfg;
  const problems: string[] = [];
  if (K % 8 !== 0) problems.push(`K = ${K} must be a multiple of 8 (8 weights per packed word)`);
  if (groupSize && K % groupSize !== 0) problems.push(`K = ${K} must be a multiple of the group size ${groupSize}`);
  if (cfg.strategy === 'subgroup' && !caps.features.includes('subgroups'))
    problems.push('the subgroup strategy needs the subgroups feature, which this device does not offer');
  const shared = cfg.strategy === 'row' ? 0 : 4 * WG * TM;
  problems.push(...checkWorkgroup(caps, [WG, 1, 1], shared, `a ${WG}-invocation workgroup with ${TM} rows`));
  problems.push(...checkDispatch(caps, weightOnlyDispatch(cfg)));
  problems.push(...checkBuffers(caps, [['X', 4 * M * K], ['W', weightBytes], ['Y', 4 * M * N], ...extraBuffers]));
  return problems;
}

/** The plan of a weight-only matmul: x, the format's weight buffers (data by binding), y; one dispatch. */
export function weightOnlyPlan(cfg: WeightOnlyConfig, label: string, x: HostArray, format: WeightFormat, weightData: Record<string, HostArray>): GpuPlan {
  const bindings = weightOnlyBindings(format);
  return {
    buffers: [
      { name: 'x', data: x, usage: 'storage' },
      ...format.weights.map((b) => ({ name: b.buffer ?? b.name, data: weightData[b.buffer ?? b.name], usage: 'storage' as const })),
      { name: 'y', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [{ label, wgsl: weightOnlyWgsl(cfg, format), bindings, workgroups: weightOnlyDispatch(cfg) }],
    output: { buffer: 'y', type: 'f32', count: cfg.M * cfg.N },
  };
}
