// INT4 weights × FP8 E4M3 activations (the FireQ idea, arXiv 2507.20178: int4 weights, FP8
// activations, both dequantized in registers before a floating-point dot product). Activations are
// quantized per token on the GPU inside the timed run, by the codec's bit-exact 'scaled' kernels
// (E4M3 elements, one float32 scale amax/448 per row) and a packing pass (4 codes per u32); the
// weights are int4 per output channel or per group of G along K, quantized once on the host
// (8 nibbles per u32, stored as q + 8). An E4M3 code decodes to float32 exactly from its bits; its
// product with an int4 code is exact (4 + 3 significant bits), so only the sums round.
// FireQ itself also rescales per tensor and per channel to avoid FP8 underflow; not modelled here.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { decodeElement, quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { packInt4 } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { bitsOf, dispatch1d } from './common';
import { codecLayout, codecPasses, type CodecScheme } from './codec';
import { PACK_BINDINGS, packActivationsWgsl } from './gemmW8A8';
import {
  HOST_PRODUCT_LIMIT,
  QUANT_MATMUL_FIELDS,
  WG,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  productError,
  quantizedMatmulExtras,
  type QuantMatmulConfig,
} from './wmatmul';

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  weightScale: oneOf('Weight scales', 'group', [
    ['group', 'int4 per group of G along K'],
    ['channel', 'int4 per output channel (one scale per row of W)'],
  ]),
  groupSize: int('Weight group size G along K (a multiple of 8)', 32, 8, 4096, { choices: [32, 64, 128] }),
});

interface W4Fp8Config extends QuantMatmulConfig {
  weightScale: 'group' | 'channel';
  groupSize: number;
  /** Weights per scale along K: G, or K per channel. */
  G: number;
}

const MATMUL_BINDINGS = [
  readOnly('xq', 'array<u32>', 'M×K/4 packed E4M3 activation codes'),
  readOnly('sx', 'array<f32>', 'M row scales'),
  readOnly('wq', 'array<u32>', 'N×K/8 packed int4 (q + 8)'),
  readOnly('sw', 'array<f32>', 'N×K/G weight scales'),
  readWrite('y', 'array<f32>', 'M×N'),
];

/** The codec scheme of the activations: E4M3 elements, one float32 scale per row (amax / 448). */
export function fp8ActivationScheme(M: number, K: number): CodecScheme {
  return {
    format: 'scaled',
    element: 'e4m3',
    scale: 'f32',
    bits: 8,
    symmetric: true,
    granularity: 'channel',
    groupSize: K,
    rows: M,
    cols: K,
    rounding: 'nearest-even',
    srSeed: 1,
  };
}

export function gemmW4Fp8Wgsl({ M, N, K, TM, G }: W4Fp8Config): string {
  return /* wgsl */ `// Y = X·Wᵀ with E4M3 activations (per-row scale) and int4 weights (scale per ${G} along K).
const M = ${M}u;
const N = ${N}u;
const WORDS = ${K / 8}u;            // 8 weights per int4 word, two activation words per weight word
const WORDS_PER_GROUP = ${G / 8}u;
const GROUPS = ${K / G}u;
const TM = ${TM}u;

${declareBindings(MATMUL_BINDINGS)}

// Four E4M3 codes (one per byte) to float32, exactly: a normal code's exponent is rebiased from 7
// to 127 (+120 << 23) and its 3 mantissa bits moved to the top of the 23; a subnormal is m·2^-9.
// (The codec saturates, so the NaN code 0x7f never occurs here.)
fn e4m3x4(word : u32) -> vec4f {
  let code = (vec4u(word) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
  let mag = code & vec4u(0x7fu);
  let normal = bitcast<vec4f>((mag << vec4u(20u)) + vec4u(0x3c000000u));
  let subnormal = vec4f(mag) * 0.001953125;
  let value = select(normal, subnormal, mag < vec4u(8u));
  return bitcast<vec4f>(bitcast<vec4u>(value) | ((code & vec4u(0x80u)) << vec4u(24u)));
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  var acc : array<f32, ${TM}>;
  for (var g = 0u; g < GROUPS; g++) {
    var group_sum = array<f32, ${TM}>(); // explicit initializer: re-zeroed every group
    for (var w = g * WORDS_PER_GROUP; w < (g + 1u) * WORDS_PER_GROUP; w++) {
      let packed = vec4u(wq[n * WORDS + w]);
      let w_lo = vec4f((packed >> vec4u(0u, 4u, 8u, 12u)) & vec4u(0xfu)) - 8.0;
      let w_hi = vec4f((packed >> vec4u(16u, 20u, 24u, 28u)) & vec4u(0xfu)) - 8.0;
      for (var r = 0u; r < TM; r++) {
        let m = min(m0 + r, M - 1u);
        group_sum[r] += dot(e4m3x4(xq[m * 2u * WORDS + 2u * w]), w_lo) + dot(e4m3x4(xq[m * 2u * WORDS + 2u * w + 1u]), w_hi);
      }
    }
    for (var r = 0u; r < TM; r++) {
      acc[r] += sw[n * GROUPS + g] * group_sum[r];
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = acc[r] * sx[m0 + r];
    }
  }
}
`;
}

export const gemmW4Fp8 = defineVariant({
  family: 'quant',
  id: 'gemm-w4-fp8',
  label: 'Matmul, int4 weights × FP8 E4M3 activations (FireQ-style W4A8)',
  summary:
    'Activations quantized per token to FP8 E4M3 on the GPU inside the timed run, int4 weights per channel or group; both decoded in registers into a float32 dot product.',
  schema,
  config: (v): W4Fp8Config => ({ ...matmulConfig(v), G: v.weightScale === 'channel' ? v.K : v.groupSize }),
  limits: (cfg, caps) => {
    const { M, N, K, TM, G } = cfg;
    const problems: string[] = [];
    if (G % 8 !== 0) problems.push(`group size ${G} must be a multiple of 8 (one packed word never spans two groups)`);
    if (K % G !== 0) problems.push(`K = ${K} must be a multiple of the group size ${G}`);
    problems.push(...checkWorkgroup(caps, [WG, 1, 1], 0));
    problems.push(...checkDispatch(caps, [Math.ceil(N / WG), Math.ceil(M / TM)]));
    problems.push(
      ...checkBuffers(caps, [
        ['X', 4 * M * K],
        ['X codes', 4 * (M * K + M)],
        ['W int4', (N * K) / 2],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K, G } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const qx = quantize(x, { format: 'scaled', element: 'e4m3', scale: 'f32', blockSize: K, shape: [M, K] });
    const qw = quantize(w, { format: 'int', bits: 4, granularity: 'group', groupSize: G, shape: [N, K] });
    return {
      x,
      w,
      xDequant: qx.dequantized,
      xCodes: qx.codes,
      sx: qx.scales!,
      wCodes: qw.codes,
      sw: qw.scales!,
      wDequant: qw.dequantized,
      wq: packInt4(qw.codes, N, K),
    };
  },
  reference: ({ M, N, K, G }, inputs) => {
    // The float64 product of what the kernel multiplies: E4M3 value × int4 code exactly, then the
    // scales. The kernel's products are exact; G − 1 additions per group, the weight scale, K/G − 1
    // additions and the row scale round: |error| ≤ γ_{G+K/G}·s_x·Σ_g s_w·Σ|v·q|.
    const xc = inputs.xCodes as Int32Array;
    const sx = inputs.sx as Float32Array;
    const wc = inputs.wCodes as Int32Array;
    const sw = inputs.sw as Float32Array;
    const groups = K / G;
    const g = gamma(G + groups);
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        let abs = 0;
        for (let gi = 0; gi < groups; gi++) {
          let gs = 0;
          let ga = 0;
          for (let k = gi * G; k < (gi + 1) * G; k++) {
            const p = decodeElement('e4m3', xc[m * K + k]) * wc[n * K + k]; // E4M3 element value × int4 code
            gs += p;
            ga += Math.abs(p);
          }
          sum += gs * sw[n * groups + gi];
          abs += ga * sw[n * groups + gi];
        }
        values[m * N + n] = sum * sx[m];
        bound[m * N + n] = g * abs * sx[m] + 1e-30;
      }
    }
    return { values, bound, boundNote: `exact E4M3×int4 products; |error| ≤ γ_{G+K/G}·s_x·Σ_g s_w·Σ|v·q| with G = ${G}, K = ${K}`, rows: M, cols: N };
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, TM } = cfg;
    const scheme = fp8ActivationScheme(M, K);
    const layout = codecLayout(scheme);
    const codec = codecPasses(scheme, caps, { x: 'x', out: 'xCodes' });
    const packGroups = dispatch1d(Math.max((M * K) / 4, M), caps.limits.maxComputeWorkgroupsPerDimension);
    return {
      buffers: [
        { name: 'x', data: bitsOf(inputs.x as Float32Array), usage: 'storage' },
        { name: 'xCodes', bytes: 4 * layout.outputCount, usage: 'storage' },
        { name: 'xq', bytes: M * K, usage: 'storage' },
        { name: 'sx', bytes: 4 * M, usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'sw', data: inputs.sw, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        {
          label: 'quantize activations to E4M3: row scales',
          wgsl: codec.wgsl,
          entryPoint: 'scales',
          bindings: codec.scaleBindings,
          workgroups: codec.scaleWorkgroups,
        },
        { label: 'quantize activations to E4M3: codes', wgsl: codec.wgsl, entryPoint: 'codes', bindings: codec.codeBindings, workgroups: codec.codeWorkgroups },
        { label: 'pack FP8 activations', wgsl: packActivationsWgsl(M, K, 64 * packGroups[0], 'E4M3'), bindings: PACK_BINDINGS, workgroups: packGroups },
        { label: 'matmul int4 × E4M3', wgsl: gemmW4Fp8Wgsl(cfg), bindings: MATMUL_BINDINGS, workgroups: [Math.ceil(N / WG), Math.ceil(M / TM)] },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, G }) => ({
    flops: 2 * M * N * K,
    // X read twice as f32 by the codec, its codes written and read, packed, then int4 weights and scales.
    bytes: 2 * 4 * M * K + 2 * 4 * M * K + M * K + (N * K) / 2 + (4 * N * K) / G + 4 * M * N,
  }),
  shape: (cfg) => `${matmulShape(cfg)} G=${cfg.G}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => {
    const base = quantizedMatmulExtras(cfg, inputs, output, 4 + 32 / cfg.G);
    const { M, N, K } = cfg;
    if (M * N * K > HOST_PRODUCT_LIMIT) return base;
    // Beside it, on the same inputs: int4 weights with float32 activations (W4A32, what gemm-w4
    // computes) and int8 weights and activations per channel (W8A8).
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const w8 = quantize(w, { format: 'int', bits: 8, granularity: 'channel', shape: [N, K] }).dequantized;
    const x8 = quantize(x, { format: 'int', bits: 8, granularity: 'channel', shape: [M, K] }).dequantized;
    return {
      ...base,
      comparison: [
        { label: 'int4 weights, float32 activations (W4A32)', ...productError(x, w, x, inputs.wDequant as Float32Array, cfg), weightBits: 4 + 32 / cfg.G },
        { label: 'int8 weights and activations (W8A8)', ...productError(x, w, x8, w8, cfg), weightBits: 8 + 32 / K },
        { label: 'FP8 E4M3 activations, float32 weights', ...productError(x, w, inputs.xDequant as Float32Array, w, cfg) },
      ],
    };
  },
});
