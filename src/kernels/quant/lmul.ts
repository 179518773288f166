// L-Mul (Luo & Sun, "Addition is All You Need for Energy-efficient Language Models",
// arXiv 2410.00907), inside a matmul Y = X·Wᵀ. Operands are first rounded to an element format
// with m mantissa bits; each product is replaced by the paper's formula
//   x·y ≈ (1 + x_m + y_m + 2^−l(m)) · 2^(x_e + y_e),  l(m) = m (m ≤ 3), 3 (m = 4), 4 (m > 4),
// with the sign the XOR of the signs and 0 when either operand is 0. This is the formula, not the
// integer addition of bit patterns (they differ when x_m + y_m ≥ 1: 1.5×1.5 gives 2.0625 here,
// 2.125 by bit addition). Mode 'exact' multiplies the same rounded operands exactly, for comparison.
// Operands are rounded after a per-tensor power-of-two scale (see roundTo).
import { ELEMENT_FORMATS, decodeElement, encodeElement, floorLog2, type ElementFormat } from '../../numerics/formats';
import { computeMetrics, gamma } from '../../numerics/metrics';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import type { ErrorFigures, LmulExtras, LmulSkipped } from './extras';
import { QUANT_MATMUL_FIELDS, WG, f32Baseline, makeActivationsAndWeights, matmulConfig, matmulShape, type QuantMatmulConfig } from './wmatmul';

const LMUL_FORMATS = ['bf16', 'f16', 'e4m3', 'e5m2'] as const;
type LmulFormat = (typeof LMUL_FORMATS)[number];

export function lmulOffsetExponent(m: number): number {
  return m <= 3 ? m : m === 4 ? 3 : 4;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The L-Mul product of two float32 values exactly as the formula defines it; zeros (and float32
 * subnormals, which no operand format here produces) give 0, as in the kernel.
 */
export function lmul(x: number, y: number, m: number): number {
  f32[0] = x;
  const xb = u32[0];
  f32[0] = y;
  const yb = u32[0];
  if ((xb & 0x7f800000) === 0 || (yb & 0x7f800000) === 0) return 0;
  const xe = ((xb >>> 23) & 0xff) - 127;
  const ye = ((yb >>> 23) & 0xff) - 127;
  const xm = (xb & 0x7fffff) * 2 ** -23;
  const ym = (yb & 0x7fffff) * 2 ** -23;
  const sign = (xb ^ yb) >>> 31 ? -1 : 1;
  return sign * (1 + xm + ym + 2 ** -lmulOffsetExponent(m)) * 2 ** (xe + ye);
}

/**
 * Rounds to the format after a per-tensor power-of-two scale that puts the largest magnitude in
 * [128, 256) (so narrow formats such as E4M3 are used in their normal range, not their
 * subnormals), then undoes the scale (exact). L-Mul is unchanged by power-of-two scaling.
 */
function roundTo(format: ElementFormat, data: Float32Array): Float32Array {
  let amax = 0;
  for (const v of data) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
  const shift = amax > 0 ? 7 - floorLog2(amax) : 0;
  return Float32Array.from(data, (v) => decodeElement(format, encodeElement(format, v * 2 ** shift)) * 2 ** -shift);
}

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  format: oneOf<LmulFormat>(
    'Operand format (m mantissa bits)',
    'bf16',
    LMUL_FORMATS.map((f): [LmulFormat, string] => [f, `${ELEMENT_FORMATS[f].label}, m = ${ELEMENT_FORMATS[f].mantissaBits}`]),
  ),
  mode: oneOf('Multiplication', 'lmul', [
    ['lmul', 'L-Mul (additions only)'],
    ['exact', 'exact float32 multiply of the rounded operands'],
  ]),
});

interface LmulConfig extends QuantMatmulConfig {
  format: LmulFormat;
  mode: 'lmul' | 'exact';
  /** Mantissa bits of the operand format. */
  m: number;
}

const BINDINGS = [
  readOnly('x', 'array<f32>', 'M×K, already rounded to the operand format'),
  readOnly('w', 'array<f32>', 'N×K, already rounded to the operand format'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function lmulWgsl({ M, N, K, TM, format, mode, m }: LmulConfig): string {
  const l = lmulOffsetExponent(m);
  const product = mode === 'lmul' ? 'l_mul(a, b)' : 'a * b';
  return /* wgsl */ `// Y = X·Wᵀ with ${mode === 'lmul' ? `L-Mul products (m = ${m}, l(m) = ${l})` : 'exact products'} of ${format}-rounded operands.
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const TM = ${TM}u;

${declareBindings(BINDINGS)}

// (1 + a_m + b_m + 2^-${l}) · 2^(a_e + b_e): the mantissa sum is exact in f32 (few bits) and the
// powers of two come straight from the exponent bits, so the product is exact as the formula says.
fn l_mul(a : f32, b : f32) -> f32 {
  let ab = bitcast<u32>(a);
  let bb = bitcast<u32>(b);
  if ((ab & 0x7f800000u) == 0u || (bb & 0x7f800000u) == 0u) {
    return 0.0; // zero (or an f32 subnormal)
  }
  let a_pow = bitcast<f32>(ab & 0x7f800000u); // 2^a_e
  let b_pow = bitcast<f32>(bb & 0x7f800000u);
  let a_frac = bitcast<f32>((ab & 0x007fffffu) | 0x3f800000u) - 1.0; // a_m in [0, 1)
  let b_frac = bitcast<f32>((bb & 0x007fffffu) | 0x3f800000u) - 1.0;
  let mantissa = 1.0 + a_frac + b_frac + ${2 ** -l};
  let magnitude = mantissa * a_pow * b_pow;
  return select(magnitude, -magnitude, ((ab ^ bb) >> 31u) == 1u);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  for (var r = 0u; r < TM; r++) {
    let row = m0 + r;
    if (row < M) {
      var acc = 0.0;
      for (var k = 0u; k < K; k++) {
        let a = x[row * K + k];
        let b = w[n * K + k];
        acc += ${product};
      }
      y[row * N + n] = acc;
    }
  }
}
`;
}

/** Σ_k op(x_k, w_k) in float64 for every output, and Σ|op| for the bound. */
function productSums(x: Float32Array, w: Float32Array, { M, N, K }: LmulConfig, op: (a: number, b: number) => number) {
  const values = new Float64Array(M * N);
  const abs = new Float64Array(M * N);
  for (let r = 0; r < M; r++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      let a = 0;
      for (let k = 0; k < K; k++) {
        const p = op(x[r * K + k], w[n * K + k]);
        s += p;
        a += Math.abs(p);
      }
      values[r * N + n] = s;
      abs[r * N + n] = a;
    }
  }
  return { values, abs };
}

export const lmulMatmul = defineVariant({
  family: 'quant',
  id: 'lmul',
  label: 'L-Mul matmul (multiplication by addition)',
  summary:
    'Each product is replaced by L-Mul’s (1 + x_m + y_m + 2^−l(m))·2^(x_e+y_e) on operands with m mantissa bits; its error is compared with an FP8 E4M3 multiply.',
  schema,
  config: (v): LmulConfig => ({ ...matmulConfig(v), m: ELEMENT_FORMATS[v.format].mantissaBits }),
  limits: ({ M, N, K, TM }, caps) => [
    ...checkDispatch(caps, [Math.ceil(N / WG), Math.ceil(M / TM)]),
    ...checkBuffers(caps, [
      ['X', 4 * M * K],
      ['W', 4 * N * K],
      ['Y', 4 * M * N],
    ]),
  ],
  inputs: (cfg, seed): Inputs => {
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    return { x, w, xr: roundTo(cfg.format, x), wr: roundTo(cfg.format, w) };
  },
  reference: (cfg, inputs) => {
    const { M, N, K, format, mode, m } = cfg;
    const op = mode === 'lmul' ? (a: number, b: number) => lmul(a, b, m) : (a: number, b: number) => a * b;
    const { values, abs } = productSums(inputs.xr as Float32Array, inputs.wr as Float32Array, cfg, op);
    // L-Mul products are exact in float32 (a few mantissa bits times powers of two); exact-mode
    // products round once. The float32 sum adds K − 1 roundings: γ_K·Σ|p|.
    const g = gamma(K);
    return {
      values,
      bound: Float64Array.from(abs, (a) => g * a + 1e-30),
      boundNote: `the kernel must match Σ ${mode === 'lmul' ? 'L-Mul(x, w)' : 'x·w'} of the ${format}-rounded operands within γ_K·Σ|p|, K = ${K}`,
      rows: M,
      cols: N,
    };
  },
  plan: (cfg, inputs) => {
    const { M, N, TM } = cfg;
    return {
      buffers: [
        { name: 'x', data: inputs.xr, usage: 'storage' },
        { name: 'w', data: inputs.wr, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [{ label: `matmul ${cfg.mode} ${cfg.format}`, wgsl: lmulWgsl(cfg), bindings: BINDINGS, workgroups: [Math.ceil(N / WG), Math.ceil(M / TM)] }],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K }) => ({ flops: 2 * M * N * K, bytes: 4 * (M * K + N * K + M * N) }),
  shape: matmulShape,
  baseline: f32Baseline,
  extras: (cfg, inputs): LmulExtras | LmulSkipped => {
    // Error against the float64 product of the original float32 operands, as in the paper's
    // comparison: L-Mul on this format, exact multiply on this format, exact multiply on E4M3.
    const { M, N, K, m } = cfg;
    if (M * N * K > 64 * 2 ** 20) return { family: 'quant', kind: 'lmul-skipped', note: 'shape too large for the CPU error comparison' };
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const truth = productSums(x, w, cfg, (a, b) => a * b).values;
    const xr = inputs.xr as Float32Array;
    const wr = inputs.wr as Float32Array;
    const row = (values: Float64Array): ErrorFigures => {
      const metrics = computeMetrics(values, truth);
      return { relFrobenius: metrics.relFrobenius, sqnrDb: metrics.sqnrDb };
    };
    // Per-product mean relative error (the paper's element-wise comparison), over all x·w pairs
    // of the first row of X with the first output channel's weights … up to 64 K pairs.
    const pairs = Math.min(K * N, 65536);
    const x8 = roundTo('e4m3', x);
    const w8 = roundTo('e4m3', w);
    let lmulErr = 0;
    let e4m3Err = 0;
    let counted = 0;
    for (let i = 0; i < pairs; i++) {
      const k = i % K;
      const n = Math.floor(i / K);
      const exact = x[k] * w[n * K + k];
      if (exact === 0) continue;
      lmulErr += Math.abs(lmul(xr[k], wr[n * K + k], m) - exact) / Math.abs(exact);
      e4m3Err += Math.abs(x8[k] * w8[n * K + k] - exact) / Math.abs(exact);
      counted++;
    }
    return {
      family: 'quant',
      kind: 'lmul-error',
      perProductMeanRelError: { lmul: lmulErr / counted, e4m3Multiply: e4m3Err / counted, pairs: counted },
      lmul: row(productSums(xr, wr, cfg, (a, b) => lmul(a, b, m)).values),
      exactSameFormat: row(productSums(xr, wr, cfg, (a, b) => a * b).values),
      exactE4m3: row(productSums(x8, w8, cfg, (a, b) => a * b).values),
      lmulE4m3: row(productSums(x8, w8, cfg, (a, b) => lmul(a, b, 3)).values),
    };
  },
});
