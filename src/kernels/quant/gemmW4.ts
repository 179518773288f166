// W4A32: int4 weights, symmetric per group of G along K (scale = amax/7, codes −7…7), packed 8 per
// u32 in Kernel Lab's layout (src/numerics/packing.ts: element 8w+j of a row in bits 4j…4j+3 of
// word w, stored as q + 8), f32 activations. Each invocation unpacks a word into two vec4f with
// shifts and masks and scales them in registers: (nibble − 8)·scale — nothing is written back.
// With act = f16 (W4A16), activations and scales are f16 and so is the decode and the product.
import { readOnly } from '../../gpu/bindings';
import { hasFeature } from '../../gpu/caps';
import { decodeElement, encodeElement, quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { packInt4 } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import {
  WEIGHT_ONLY_FIELDS,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  quantizedMatmulExtras,
  weightOnlyLimits,
  weightOnlyPlan,
  weightOnlyReference,
  weightOnlyWgsl,
  type WeightFormat,
  type WeightOnlyConfig,
} from './wmatmul';

/** float16 values (already representable) as bit patterns, two per u32, element 0 in the low half. */
export function packHalves(values: Float32Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(values.length / 2) + 1); // +1: room for a trailing vec4 read
  for (let i = 0; i < values.length; i++) words[i >> 1] |= encodeElement('f16', values[i]) << (16 * (i & 1));
  return words;
}

const schema = paramSchema({
  ...WEIGHT_ONLY_FIELDS,
  groupSize: int('Weight group size along K', 32, 8, 4096, { choices: [32, 64, 128] }),
  act: oneOf('Activations and scales', 'f32', [
    ['f32', 'float32 (runs everywhere)'],
    ['f16', 'float16, W4A16 (needs shader-f16)'],
  ]),
});

interface W4Config extends WeightOnlyConfig {
  groupSize: number;
  act: 'f32' | 'f16';
}

function int4Format({ groupSize: G, act }: W4Config): WeightFormat {
  if (act === 'f16') {
    return {
      header: `// Y = X·Wᵀ with int4 weights and f16 activations (W4A16): 8 nibbles per u32 (element 8w+j in
// bits 4j..4j+3, stored as q + 8), one f16 scale per ${G} weights along K; f32 accumulation.
const WORDS_PER_GROUP = ${G / 8}u;`,
      weights: [readOnly('wq', 'array<u32>', 'N×K/8 packed int4'), readOnly('scales', 'array<f16>', `N×K/${G} group scales (f16)`)],
      decode: `    let packed = vec4u(wq[n * WORDS + w]);
    let s = scales[(n * WORDS + w) / WORDS_PER_GROUP];
    let w_lo = (vec4<f16>((packed >> vec4u(0u, 4u, 8u, 12u)) & vec4u(0xfu)) - 8.0h) * s;
    let w_hi = (vec4<f16>((packed >> vec4u(16u, 20u, 24u, 28u)) & vec4u(0xfu)) - 8.0h) * s;`,
      f16: true,
    };
  }
  return {
    header: `// Y = X·Wᵀ with int4 weights: 8 nibbles per u32 (element 8w+j in bits 4j..4j+3, stored as q + 8),
// one float32 scale per ${G} weights along K.
const WORDS_PER_GROUP = ${G / 8}u;`,
    weights: [readOnly('wq', 'array<u32>', 'N×K/8 packed int4'), readOnly('scales', 'array<f32>', `N×K/${G} group scales`)],
    decode: `    let packed = vec4u(wq[n * WORDS + w]);
    let s = scales[(n * WORDS + w) / WORDS_PER_GROUP];
    let w_lo = (vec4f((packed >> vec4u(0u, 4u, 8u, 12u)) & vec4u(0xfu)) - 8.0) * s;
    let w_hi = (vec4f((packed >> vec4u(16u, 20u, 24u, 28u)) & vec4u(0xfu)) - 8.0) * s;`,
  };
}

export function gemmW4Wgsl(cfg: W4Config): string {
  return weightOnlyWgsl(cfg, int4Format(cfg));
}

export const gemmW4 = defineVariant({
  family: 'quant',
  id: 'gemm-w4',
  label: 'Matmul, int4 weights (W4A32, packed 8 per u32)',
  summary: 'Y = X·Wᵀ with symmetric group-wise int4 weights dequantized in registers; one eighth of the float32 weight traffic.',
  schema,
  config: (v): W4Config => matmulConfig(v),
  limits: (cfg, caps) => {
    const { N, K, groupSize: G } = cfg;
    const problems = G % 8 !== 0 ? [`group size ${G} must be a multiple of 8 (one packed word never spans two groups)`] : [];
    if (cfg.act === 'f16' && !hasFeature(caps, 'shader-f16'))
      problems.push('float16 activations need the shader-f16 feature, which this device does not offer; use float32');
    return [...problems, ...weightOnlyLimits(cfg, caps, (N * K) / 2, [['scales', (4 * N * K) / G]], G)];
  },
  inputs: (cfg, seed): Inputs => {
    const { N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const q = quantize(w, { format: 'int', bits: 4, symmetric: true, granularity: 'group', groupSize: cfg.groupSize, shape: [N, K] });
    const inputs = { x, w, codes: q.codes, scales: q.scales!, wq: packInt4(q.codes, N, K) };
    if (cfg.act !== 'f16') return inputs;
    // f16 activations and scales, rounded once from float32 (nearest even, saturating), 2 halves per u32.
    const toF16 = (v: number) => decodeElement('f16', encodeElement('f16', v));
    const x16 = Float32Array.from(x, toF16);
    const s16 = Float32Array.from(q.scales!, toF16);
    return { ...inputs, x: x16, scales: s16, xHalf: packHalves(x16), scalesHalf: packHalves(s16) };
  },
  reference: (cfg, inputs) => {
    const G = cfg.groupSize;
    const codes = inputs.codes as Int32Array;
    const scales = inputs.scales as Float32Array;
    const weightAt = (n: number, k: number) => codes[n * cfg.K + k] * scales[((n * cfg.K + k) / G) | 0];
    // The dequantized weight code × scale, exact in float64.
    if (cfg.act !== 'f16') return weightOnlyReference(inputs.x as Float32Array, weightAt, cfg, 1);
    // f16: decode and product each round once in f16 (u = 2^-11), the sum is f32 (γ_K):
    // |error| ≤ ((1 + 2^-11)²·(1 + 2^-24)^K − 1)·Σ|x·w|.
    const ref = weightOnlyReference(inputs.x as Float32Array, weightAt, cfg, 0);
    const g = gamma(cfg.K);
    const factor = (1 + 2 ** -11) ** 2 * (1 + g) - 1;
    const bound = Float64Array.from(ref.bound!, (b) => (b / g) * factor + 1e-30);
    return { ...ref, bound, boundNote: `f16 weights and products, f32 sum: |error| ≤ ((1+2^-11)²(1+γ_K) − 1)·Σ|x·w|, K = ${cfg.K}` };
  },
  plan: (cfg, inputs) => {
    const f16 = cfg.act === 'f16';
    return weightOnlyPlan(cfg, 'matmul int4 weights', f16 ? inputs.xHalf : inputs.x, int4Format(cfg), {
      wq: inputs.wq,
      scales: f16 ? inputs.scalesHalf : inputs.scales,
    });
  },
  work: ({ M, N, K, groupSize: G, act }) => {
    const elementBytes = act === 'f16' ? 2 : 4; // activations and scales
    return { flops: 2 * M * N * K, bytes: elementBytes * M * K + (N * K) / 2 + (elementBytes * N * K) / G + 4 * M * N };
  },
  shape: matmulShape,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 4 + 32 / cfg.groupSize),
});
