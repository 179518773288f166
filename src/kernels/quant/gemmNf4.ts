// NF4 weights (bitsandbytes NormalFloat-4: 16 fixed values, absmax per block of 64 along K),
// f32 activations. Codes are packed 8 per u32, element 0 of each word in the low nibble (note:
// bitsandbytes itself packs the first element in the high nibble of a byte). Decoding is a
// 16-entry table lookup times the block's absmax, in registers.
import { NF4_VALUES_F32, quantize } from '../../numerics/formats';
import { packNibbles } from '../../numerics/packing';
import type { KernelVariant, Params } from '../types';
import { f32Literal } from './wgslCodec';
import { MATMUL_SHAPE_PARAMS, dimsOf, makeActivationsAndWeights, matmulShapeLabel, weightOnlyDispatch, weightOnlyLimits, weightOnlyReference, quantizedMatmulExtras, weightOnlySkeleton } from './wmatmul';

const BLOCK = 64;

export function gemmNf4Wgsl(params: Params): string {
  const table = [...NF4_VALUES_F32].map((v) => f32Literal(v)).join(', ');
  return weightOnlySkeleton(
    dimsOf(params),
    `// Y = X·Wᵀ with NF4 weights: 8 codes per u32 (element 8w+j in bits 4j..4j+3), absmax per ${BLOCK}.
const WORDS_PER_BLOCK = ${BLOCK / 8}u;
var<private> NF4 : array<f32, 16> = array<f32, 16>(${table});`,
    `@group(0) @binding(1) var<storage, read> wq : array<u32>;     // N×K/8 packed NF4 codes
@group(0) @binding(2) var<storage, read> absmax : array<f32>; // N×K/${BLOCK} block scales`,
    `    let packed = wq[n * WORDS + w];
    let s = absmax[(n * WORDS + w) / WORDS_PER_BLOCK];
    let w_lo = vec4f(NF4[packed & 0xfu], NF4[(packed >> 4u) & 0xfu], NF4[(packed >> 8u) & 0xfu], NF4[(packed >> 12u) & 0xfu]) * s;
    let w_hi = vec4f(NF4[(packed >> 16u) & 0xfu], NF4[(packed >> 20u) & 0xfu], NF4[(packed >> 24u) & 0xfu], NF4[packed >> 28u]) * s;`,
    3,
  );
}

export const gemmNf4: KernelVariant = {
  family: 'quant',
  id: 'gemm-nf4',
  label: 'Matmul, NF4 weights (table lookup)',
  summary: 'Y = X·Wᵀ with NF4 weights (block 64 absmax): each nibble indexes the 16 NormalFloat values, scaled in registers.',
  params: MATMUL_SHAPE_PARAMS,
  checkLimits(params, caps) {
    const { N, K } = dimsOf(params);
    return weightOnlyLimits(params, caps, (N * K) / 2, [['absmax', (4 * N * K) / BLOCK]], BLOCK);
  },
  makeInputs(params, seed) {
    const { N, K } = dimsOf(params);
    const { x, w } = makeActivationsAndWeights(params, seed);
    // Blocks run along each row (K is a multiple of 64, so no block spans two rows).
    const q = quantize(w, { format: 'nf4', blockSize: BLOCK });
    return { x, w, codes: q.codes, scales: q.scales!, wq: packNibbles(q.codes, N * K) };
  },
  reference(params, inputs) {
    const dims = dimsOf(params);
    const codes = inputs.codes as Int32Array;
    const scales = inputs.scales as Float32Array;
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => NF4_VALUES_F32[codes[n * dims.K + k]] * scales[((n * dims.K + k) / BLOCK) | 0], dims, 1);
  },
  plan(params, inputs) {
    const dims = dimsOf(params);
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'absmax', data: inputs.scales, usage: 'storage' },
        { name: 'y', bytes: 4 * dims.M * dims.N, usage: 'storage' },
      ],
      dispatches: [{ label: 'matmul NF4 weights', wgsl: gemmNf4Wgsl(params), bindings: ['x', 'wq', 'absmax', 'y'], workgroups: weightOnlyDispatch(dims) }],
      output: { buffer: 'y', type: 'f32', count: dims.M * dims.N },
    };
  },
  work(params) {
    const { M, N, K } = dimsOf(params);
    return { flops: 2 * M * N * K, bytes: 4 * M * K + (N * K) / 2 + (4 * N * K) / BLOCK + 4 * M * N };
  },
  shapeLabel: matmulShapeLabel,
  extras: (params, inputs, output) => quantizedMatmulExtras(params, inputs, output, 4 + 32 / BLOCK),
};
