// MXFP4 weights (OCP MX: E2M1 elements, one E8M0 scale per block of 32 along K), f32 activations.
// Element codes are packed 8 per u32 (element 0 in the low nibble), E8M0 scale bytes 4 per u32
// (block 4i+b in byte b of word i). Decoding: a 16-entry E2M1 table times 2^(E − 127), where the
// power of two is built from its bits (exact; WGSL's exp2 is not).
import { decodeElement, quantize } from '../../numerics/formats';
import { packNibbles } from '../../numerics/packing';
import type { KernelVariant, Params } from '../types';
import { f32Literal } from './wgslCodec';
import { MATMUL_SHAPE_PARAMS, dimsOf, makeActivationsAndWeights, matmulShapeLabel, weightOnlyDispatch, weightOnlyLimits, weightOnlyReference, quantizedMatmulExtras, weightOnlySkeleton } from './wmatmul';

const BLOCK = 32;

export const E2M1_VALUES = Array.from({ length: 16 }, (_, c) => decodeElement('e2m1', c));

export function packBytes(codes: ArrayLike<number>, count: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(count / 4));
  for (let i = 0; i < count; i++) words[i >> 2] |= (codes[i] & 0xff) << (8 * (i & 3));
  return words;
}

export function gemmMxfp4Wgsl(params: Params): string {
  const table = E2M1_VALUES.map((v) => f32Literal(v)).join(', ');
  return weightOnlySkeleton(
    dimsOf(params),
    `// Y = X·Wᵀ with MXFP4 weights: E2M1 codes 8 per u32, E8M0 block scales 4 per u32.
const WORDS_PER_BLOCK = ${BLOCK / 8}u;
var<private> E2M1 : array<f32, 16> = array<f32, 16>(${table});

// 2^(code − 127) from its bits: exponent field = code. Code 0 is the subnormal 2^-127
// (0x00400000) and code 255 is NaN (0x7fc00000): both get the top mantissa bit.
fn e8m0_value(code : u32) -> f32 {
  let edge = code == 0u || code == 255u;
  return bitcast<f32>((code << 23u) | select(0u, 0x400000u, edge));
}`,
    `@group(0) @binding(1) var<storage, read> wq : array<u32>;      // N×K/8 packed E2M1 codes
@group(0) @binding(2) var<storage, read> scale_bytes : array<u32>; // N×K/${BLOCK} E8M0 codes, 4 per word`,
    `    let packed = wq[n * WORDS + w];
    let block = (n * WORDS + w) / WORDS_PER_BLOCK;
    let s = e8m0_value((scale_bytes[block / 4u] >> (8u * (block % 4u))) & 0xffu);
    let w_lo = vec4f(E2M1[packed & 0xfu], E2M1[(packed >> 4u) & 0xfu], E2M1[(packed >> 8u) & 0xfu], E2M1[(packed >> 12u) & 0xfu]) * s;
    let w_hi = vec4f(E2M1[(packed >> 16u) & 0xfu], E2M1[(packed >> 20u) & 0xfu], E2M1[(packed >> 24u) & 0xfu], E2M1[packed >> 28u]) * s;`,
    3,
  );
}

export const gemmMxfp4: KernelVariant = {
  family: 'quant',
  id: 'gemm-mxfp4',
  label: 'Matmul, MXFP4 weights (E2M1 + E8M0 per 32)',
  summary: 'Y = X·Wᵀ with OCP MXFP4 weights: 4.25 bits per weight, decoded by table lookup and an exact power-of-two scale.',
  params: MATMUL_SHAPE_PARAMS,
  checkLimits(params, caps) {
    const { N, K } = dimsOf(params);
    return weightOnlyLimits(params, caps, (N * K) / 2, [['scales', (N * K) / BLOCK]], BLOCK);
  },
  makeInputs(params, seed) {
    const { N, K } = dimsOf(params);
    const { x, w } = makeActivationsAndWeights(params, seed);
    const q = quantize(w, { format: 'mxfp4' });
    return { x, w, codes: q.codes, scaleCodes: q.scaleCodes!, wq: packNibbles(q.codes, N * K), scaleBytes: packBytes(q.scaleCodes!, (N * K) / BLOCK) };
  },
  reference(params, inputs) {
    const dims = dimsOf(params);
    const codes = inputs.codes as Int32Array;
    const scaleCodes = inputs.scaleCodes as Int32Array;
    // E2M1 value × 2^(E − 127): exact in float64; the float32 decode multiply is exact too (a power of two).
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => E2M1_VALUES[codes[n * dims.K + k]] * 2 ** (scaleCodes[((n * dims.K + k) / BLOCK) | 0] - 127), dims, 1);
  },
  plan(params, inputs) {
    const dims = dimsOf(params);
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'scales', data: inputs.scaleBytes, usage: 'storage' },
        { name: 'y', bytes: 4 * dims.M * dims.N, usage: 'storage' },
      ],
      dispatches: [{ label: 'matmul MXFP4 weights', wgsl: gemmMxfp4Wgsl(params), bindings: ['x', 'wq', 'scales', 'y'], workgroups: weightOnlyDispatch(dims) }],
      output: { buffer: 'y', type: 'f32', count: dims.M * dims.N },
    };
  },
  work(params) {
    const { M, N, K } = dimsOf(params);
    return { flops: 2 * M * N * K, bytes: 4 * M * K + (N * K) / 2 + (N * K) / BLOCK + 4 * M * N };
  },
  shapeLabel: matmulShapeLabel,
  extras: (params, inputs, output) => quantizedMatmulExtras(params, inputs, output, 4 + 8 / BLOCK),
};
