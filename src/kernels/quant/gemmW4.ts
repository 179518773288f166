// W4A32: int4 weights, symmetric per group of G along K (scale = amax/7, codes −7…7), packed 8 per
// u32 in Kernel Lab's layout (src/numerics/packing.ts: element 8w+j of a row in bits 4j…4j+3 of
// word w, stored as q + 8), f32 activations. Each invocation unpacks a word into two vec4f with
// shifts and masks and scales them in registers: (nibble − 8)·scale — nothing is written back.
import { decodeElement, encodeElement, quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { hasFeature } from '../../gpu/caps';
import { packInt4 } from '../../numerics/packing';
import type { KernelVariant, Params } from '../types';
import { intParam } from './common';
import { MATMUL_SHAPE_PARAMS, dimsOf, makeActivationsAndWeights, matmulShapeLabel, weightOnlyDispatch, weightOnlyLimits, weightOnlyReference, quantizedMatmulExtras, weightOnlySkeleton } from './wmatmul';

/** float16 values (already representable) as bit patterns, two per u32, element 0 in the low half. */
export function packHalves(values: Float32Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(values.length / 2) + 1); // +1: room for a trailing vec4 read
  for (let i = 0; i < values.length; i++) words[i >> 1] |= encodeElement('f16', values[i]) << (16 * (i & 1));
  return words;
}

export function gemmW4Wgsl(params: Params): string {
  const dims = dimsOf(params);
  const G = intParam(params, 'groupSize');
  if (params.act === 'f16') {
    return weightOnlySkeleton(
      dims,
      `// Y = X·Wᵀ with int4 weights and f16 activations (W4A16): 8 nibbles per u32 (element 8w+j in
// bits 4j..4j+3, stored as q + 8), one f16 scale per ${G} weights along K; f32 accumulation.
const WORDS_PER_GROUP = ${G / 8}u;`,
      `@group(0) @binding(1) var<storage, read> wq : array<u32>;     // N×K/8 packed int4
@group(0) @binding(2) var<storage, read> scales : array<f16>; // N×K/${G} group scales (f16)`,
      `    let packed = vec4u(wq[n * WORDS + w]);
    let s = scales[(n * WORDS + w) / WORDS_PER_GROUP];
    let w_lo = (vec4<f16>((packed >> vec4u(0u, 4u, 8u, 12u)) & vec4u(0xfu)) - 8.0h) * s;
    let w_hi = (vec4<f16>((packed >> vec4u(16u, 20u, 24u, 28u)) & vec4u(0xfu)) - 8.0h) * s;`,
      3,
      true,
    );
  }
  return weightOnlySkeleton(
    dims,
    `// Y = X·Wᵀ with int4 weights: 8 nibbles per u32 (element 8w+j in bits 4j..4j+3, stored as q + 8),
// one float32 scale per ${G} weights along K.
const WORDS_PER_GROUP = ${G / 8}u;`,
    `@group(0) @binding(1) var<storage, read> wq : array<u32>;     // N×K/8 packed int4
@group(0) @binding(2) var<storage, read> scales : array<f32>; // N×K/${G} group scales`,
    `    let packed = vec4u(wq[n * WORDS + w]);
    let s = scales[(n * WORDS + w) / WORDS_PER_GROUP];
    let w_lo = (vec4f((packed >> vec4u(0u, 4u, 8u, 12u)) & vec4u(0xfu)) - 8.0) * s;
    let w_hi = (vec4f((packed >> vec4u(16u, 20u, 24u, 28u)) & vec4u(0xfu)) - 8.0) * s;`,
    3,
  );
}

export const gemmW4: KernelVariant = {
  family: 'quant',
  id: 'gemm-w4',
  label: 'Matmul, int4 weights (W4A32, packed 8 per u32)',
  summary: 'Y = X·Wᵀ with symmetric group-wise int4 weights dequantized in registers; one eighth of the float32 weight traffic.',
  params: [
    ...MATMUL_SHAPE_PARAMS,
    { key: 'groupSize', label: 'Weight group size along K', kind: 'int', default: 32, min: 8, max: 4096, choices: [32, 64, 128] },
    {
      key: 'act',
      label: 'Activations and scales',
      kind: 'enum',
      default: 'f32',
      options: [
        { value: 'f32', label: 'float32 (runs everywhere)' },
        { value: 'f16', label: 'float16, W4A16 (needs shader-f16)' },
      ],
    },
  ],
  checkLimits(params, caps) {
    const { N, K } = dimsOf(params);
    const G = intParam(params, 'groupSize');
    const problems = G % 8 !== 0 ? [`group size ${G} must be a multiple of 8 (one packed word never spans two groups)`] : [];
    if (params.act === 'f16' && !hasFeature(caps, 'shader-f16')) problems.push('float16 activations need the shader-f16 feature, which this device does not offer; use float32');
    return [...problems, ...weightOnlyLimits(params, caps, (N * K) / 2, [['scales', (4 * N * K) / G]], G)];
  },
  makeInputs(params, seed) {
    const { N, K } = dimsOf(params);
    const { x, w } = makeActivationsAndWeights(params, seed);
    const q = quantize(w, { format: 'int', bits: 4, symmetric: true, granularity: 'group', groupSize: intParam(params, 'groupSize'), shape: [N, K] });
    const inputs = { x, w, codes: q.codes, scales: q.scales!, wq: packInt4(q.codes, N, K) };
    if (params.act !== 'f16') return inputs;
    // f16 activations and scales, rounded once from float32 (nearest even), 2 halves per u32.
    const x16 = Float32Array.from(x, (v) => decodeElement('f16', encodeElement('f16', v)));
    const s16 = Float32Array.from(q.scales!, (v) => decodeElement('f16', encodeElement('f16', v)));
    return { ...inputs, x: x16, scales: s16, xHalf: packHalves(x16), scalesHalf: packHalves(s16) };
  },
  reference(params, inputs) {
    const dims = dimsOf(params);
    const G = intParam(params, 'groupSize');
    const codes = inputs.codes as Int32Array;
    const scales = inputs.scales as Float32Array;
    const weightAt = (n: number, k: number) => codes[n * dims.K + k] * scales[((n * dims.K + k) / G) | 0];
    // The dequantized weight code × scale, exact in float64.
    if (params.act !== 'f16') return weightOnlyReference(inputs.x as Float32Array, weightAt, dims, 1);
    // f16: decode and product each round once in f16 (u = 2^-11), the sum is f32 (γ_K):
    // |error| ≤ ((1 + 2^-11)²·(1 + 2^-24)^K − 1)·Σ|x·w|.
    const ref = weightOnlyReference(inputs.x as Float32Array, weightAt, dims, 0);
    const g = gamma(dims.K);
    const factor = (1 + 2 ** -11) ** 2 * (1 + g) - 1;
    const bound = Float64Array.from(ref.bound!, (b) => (b / g) * factor + 1e-30);
    return { ...ref, bound, boundNote: `f16 weights and products, f32 sum: |error| ≤ ((1+2^-11)²(1+γ_K) − 1)·Σ|x·w|, K = ${dims.K}` };
  },
  plan(params, inputs) {
    const dims = dimsOf(params);
    return {
      buffers: [
        { name: 'x', data: params.act === 'f16' ? inputs.xHalf : inputs.x, usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'scales', data: params.act === 'f16' ? inputs.scalesHalf : inputs.scales, usage: 'storage' },
        { name: 'y', bytes: 4 * dims.M * dims.N, usage: 'storage' },
      ],
      dispatches: [{ label: 'matmul int4 weights', wgsl: gemmW4Wgsl(params), bindings: ['x', 'wq', 'scales', 'y'], workgroups: weightOnlyDispatch(dims) }],
      output: { buffer: 'y', type: 'f32', count: dims.M * dims.N },
    };
  },
  work(params) {
    const { M, N, K } = dimsOf(params);
    const G = intParam(params, 'groupSize');
    const elementBytes = params.act === 'f16' ? 2 : 4; // activations and scales
    return { flops: 2 * M * N * K, bytes: elementBytes * M * K + (N * K) / 2 + (elementBytes * N * K) / G + 4 * M * N };
  },
  shapeLabel: matmulShapeLabel,
  extras: (params, inputs, output) => quantizedMatmulExtras(params, inputs, output, 4 + 32 / intParam(params, 'groupSize')),
};
