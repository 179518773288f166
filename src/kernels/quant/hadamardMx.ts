// Random Hadamard transform before MXFP4 (Training LLMs with MXFP4, arXiv 2502.20586): both
// operands of Y = X·Wᵀ are rotated along K by the same seeded random signs S and blockwise
// Walsh–Hadamard matrix H before MXFP4 quantization, so an outlier channel's energy is spread over
// its block instead of setting the block's scale alone. Activations: on the GPU inside the timed
// run, a fast Walsh–Hadamard kernel (one workgroup per block of b, log2 b butterfly stages in
// workgroup memory), then the codec's MXFP4 passes (nearest or stochastic rounding). Weights:
// rotated offline, W·S·H/b (the inverse rotation: (X·S·H)·(W·S·H/b)ᵀ = X·S·H·Hᵀ·S·Wᵀ/b = X·Wᵀ, since
// H·Hᵀ = b·I and S² = I), then MXFP4 (or kept in float32, to see the activations' error alone).
// With the rotation off, both are plain MXFP4.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { hash32, quantize } from '../../numerics/formats';
import { hadamardRotateF32, hadamardRotateF64 } from '../../numerics/blockTransforms';
import { defineVariant, type Inputs } from '../define';
import { flag, int, oneOf, paramSchema } from '../params';
import { checkWorkgroup } from '../schema';
import { blockActExtras, blockActLimits, blockActPlan, blockActReference, dequantizedActivations, productError, type BlockActPieces } from './blockActs';
import type { CodecScheme } from './codec';
import { HASH32_WGSL } from './wgslCodec';
import { QUANT_MATMUL_FIELDS, f32Baseline, makeActivationsAndWeights, matmulConfig, matmulShape, type QuantMatmulConfig } from './wmatmul';

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  TM: int('Rows of X per invocation (fixed at 1 here)', 1, 1, 1),
  K: int('K (a multiple of the rotation block and of 32)', 512, 32, 16384, { choices: [256, 512, 1024, 4096] }),
  rotate: flag('Random Hadamard rotation before MXFP4', true),
  block: int('Rotation block b (a power of two, 32…256)', 64, 32, 256, { choices: [32, 64, 128, 256] }),
  rotationSeed: int('Rotation seed (random signs)', 1, 0, 2147483647),
  weights: oneOf('Weights', 'mxfp4', [
    ['mxfp4', 'MXFP4 (both operands quantized, as in the paper’s GEMMs)'],
    ['f32', 'float32 (only the activations quantized: their error alone)'],
  ]),
  rounding: oneOf('MXFP4 rounding of the activations', 'nearest-even', [
    ['nearest-even', 'nearest, ties to even'],
    ['stochastic', 'stochastic (seeded; the paper’s choice for gradients)'],
  ]),
});

interface HadamardConfig extends QuantMatmulConfig {
  rotate: boolean;
  weights: 'mxfp4' | 'f32';
  block: number;
  rotationSeed: number;
  rounding: 'nearest-even' | 'stochastic';
}

const FWHT_BINDINGS = [readOnly('x', 'array<u32>', 'M×K activations (float32 bits)'), readWrite('xt', 'array<u32>', 'M×K rotated (float32 bits)')];

export function fwhtWgsl({ K, block: B, rotationSeed }: HadamardConfig): string {
  return /* wgsl */ `// Random Hadamard transform of X in blocks of ${B} along K: random signs, then the fast
// Walsh–Hadamard butterflies (unnormalised; the weights carry the 1/${B}). One workgroup per block.
const K = ${K}u;
const B = ${B}u;
const SEED_HASH = 0x${hash32(rotationSeed >>> 0).toString(16)}u; // hash32(seed)
${HASH32_WGSL}
${declareBindings(FWHT_BINDINGS)}

var<workgroup> v : array<f32, ${B}>;

@compute @workgroup_size(${B / 2})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
  let first = wid.y * K + wid.x * B; // this block's first element
  for (var e = t; e < B; e += B / 2u) {
    // The seeded sign of column k: flip the sign bit where hash32(k ^ seed) has its top bit set.
    let k = wid.x * B + e;
    v[e] = bitcast<f32>(x[first + e] ^ (hash32(k ^ SEED_HASH) & 0x80000000u));
  }
  workgroupBarrier();
  for (var h = 1u; h < B; h = h * 2u) {
    // Invocation t owns the pair (i, i + h): i has bit h clear.
    let i = (t / h) * 2u * h + (t % h);
    let a = v[i];
    let c = v[i + h];
    v[i] = a + c;
    v[i + h] = a - c;
    workgroupBarrier();
  }
  for (var e = t; e < B; e += B / 2u) {
    xt[first + e] = bitcast<u32>(v[e]);
  }
}
`;
}

function activationScheme({ M, K, rounding }: HadamardConfig): CodecScheme {
  return { format: 'mxfp4', bits: 4, symmetric: true, granularity: 'group', groupSize: 32, rows: M, cols: K, rounding, srSeed: 1 };
}

function pieces(cfg: HadamardConfig, inputs: Inputs): BlockActPieces {
  return {
    scheme: activationScheme(cfg),
    transform: cfg.rotate
      ? {
          dispatch: {
            label: `random Hadamard transform (blocks of ${cfg.block})`,
            wgsl: fwhtWgsl(cfg),
            bindings: FWHT_BINDINGS,
            workgroups: [cfg.K / cfg.block, cfg.M],
          },
          buffers: [],
        }
      : null,
    transformed: inputs.xt as Float32Array,
    weights: inputs.wq as Float32Array,
    weightBits: cfg.weights === 'mxfp4' ? 4.25 : 32,
  };
}

export const hadamardMx = defineVariant({
  family: 'quant',
  id: 'hadamard-mxfp4',
  label: 'Matmul, MXFP4 activations and weights after a random Hadamard rotation',
  summary:
    'A seeded random Hadamard transform along K (a fast Walsh–Hadamard kernel on the GPU) before MXFP4 quantization of both operands; the weights carry the inverse, so the product is unchanged and outliers spread over their block.',
  schema,
  config: (v): HadamardConfig => matmulConfig(v),
  limits: (cfg, caps) => {
    const problems = blockActLimits(cfg, caps, Math.max(cfg.block, 32));
    if ((cfg.block & (cfg.block - 1)) !== 0) problems.push(`the rotation block ${cfg.block} must be a power of two`);
    if (cfg.rotate) problems.push(...checkWorkgroup(caps, [cfg.block / 2, 1, 1], 4 * cfg.block, 'the Walsh–Hadamard kernel'));
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K, block, rotationSeed, rotate } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const xt = rotate ? hadamardRotateF32(x, M, K, block, rotationSeed) : x;
    const wt = rotate ? hadamardRotateF64(w, N, K, block, rotationSeed, 1 / block) : w;
    const wq = cfg.weights === 'mxfp4' ? quantize(wt, { format: 'mxfp4', shape: [N, K] }).dequantized : wt;
    return { x, w, xt, wq };
  },
  reference: (cfg, inputs) => {
    const p = pieces(cfg, inputs);
    return blockActReference(cfg, dequantizedActivations(p, { format: 'mxfp4', shape: [cfg.M, cfg.K], rounding: cfg.rounding, seed: 1 }), p.weights);
  },
  plan: (cfg, inputs, caps) => blockActPlan(cfg, inputs, pieces(cfg, inputs), caps, 'activations to MXFP4'),
  work: ({ M, N, K, rotate }) => ({ flops: 2 * M * N * K + (rotate ? M * K * 6 : 0), bytes: 4 * M * K * (rotate ? 6 : 4) + 4 * N * K + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} ${cfg.rotate ? `RHT b=${cfg.block}` : 'no rotation'}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) =>
    blockActExtras(cfg, inputs, output, cfg.weights === 'mxfp4' ? 4.25 : 32, () => {
      // The other setting on the same inputs: MXFP4 without the rotation, or with it.
      const { M, N, K, block, rotationSeed, rounding } = cfg;
      const x = inputs.x as Float32Array;
      const w = inputs.w as Float32Array;
      const mx = (t: Float32Array, rows: number, r = rounding) => quantize(t, { format: 'mxfp4', shape: [rows, K], rounding: r, seed: 1 }).dequantized;
      const weights = (t: Float32Array) => (cfg.weights === 'mxfp4' ? mx(t, N, 'nearest-even') : t);
      const what = cfg.weights === 'mxfp4' ? 'both operands MXFP4' : 'MXFP4 activations';
      if (cfg.rotate) return { label: `${what} without the rotation`, ...productError(x, w, mx(x, M), weights(w), cfg) };
      const xt = mx(hadamardRotateF32(x, M, K, block, rotationSeed), M);
      return {
        label: `${what} after the rotation (b = ${block})`,
        ...productError(x, w, xt, weights(hadamardRotateF64(w, N, K, block, rotationSeed, 1 / block)), cfg),
      };
    }),
});
