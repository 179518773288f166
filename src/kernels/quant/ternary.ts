// Ternary weights (Scalable MatMul-free Language Modeling, arXiv 2406.02528): W ≈ γ·T with
// T ∈ {−1, 0, +1} and one absmean scale γ per tensor or per output channel (numerics/
// multiplicationFree.ts), packed 2 bits per weight or 5 per byte (1.6 bits). The kernel multiplies
// nothing but the final scale: each activation is added to the sum of the +1 weights or to the sum
// of the −1 weights (zero weights are skipped), and y = γ·(pos − neg). One invocation per output.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { base3DecodeTable, packTernary2, packTernaryBase3, ternaryQuantize } from '../../numerics/multiplicationFree';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
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
  TM: int('Rows of X per invocation (fixed at 1 here)', 1, 1, 1),
  scale: oneOf('Scale', 'channel', [
    ['channel', 'absmean per output channel'],
    ['tensor', 'absmean per tensor'],
  ]),
  packing: oneOf('Packing', '2bit', [
    ['2bit', '2 bits per weight (16 per u32)'],
    ['base3', '1.6 bits per weight (5 per byte in base 3, decoded by a 243-entry table)'],
  ]),
});

interface TernaryConfig extends QuantMatmulConfig {
  scale: 'channel' | 'tensor';
  packing: '2bit' | 'base3';
  /** Weights per u32 and words per row. */
  perWord: number;
  words: number;
}

function bindings({ packing }: TernaryConfig) {
  return [
    readOnly('x', 'array<f32>', 'M×K activations'),
    readOnly('wt', 'array<u32>', packing === '2bit' ? 'N rows of 2-bit codes, 16 per u32' : 'N rows of base-3 bytes, 20 weights per u32'),
    ...(packing === 'base3' ? [readOnly('trits', 'array<u32>', 'byte → five 2-bit codes', 'tritTable')] : []),
    readOnly('scales', 'array<f32>', 'absmean scale per channel (or one)'),
    readWrite('y', 'array<f32>', 'M×N'),
  ];
}

export function ternaryWgsl(cfg: TernaryConfig): string {
  const { M, N, K, words, packing, scale } = cfg;
  // Both packings are turned into runs of 2-bit codes: a whole word (16), or a table entry per byte (5).
  const codeRuns =
    packing === '2bit'
      ? `    let codes = wt[n * WORDS + w];
    add_codes(codes, 16u * w, 16u, m, &pos, &neg);`
      : `    let word = wt[n * WORDS + w];
    for (var b = 0u; b < 4u; b++) {
      add_codes(trits[(word >> (8u * b)) & 0xffu], 20u * w + 5u * b, 5u, m, &pos, &neg);
    }`;
  return /* wgsl */ `// y = γ·(Σ_{t=+1} x − Σ_{t=−1} x): ternary weights (${packing === '2bit' ? '2 bits' : '1.6 bits, base 3'}), no multiplication but the scale.
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const WORDS = ${words}u; // packed words per row

${declareBindings(bindings(cfg))}

// Adds x_k to pos for code 1 (+1) and to neg for code 2 (−1), for \`count\` codes from weight k0 on.
fn add_codes(codes : u32, k0 : u32, count : u32, m : u32, pos : ptr<function, f32>, neg : ptr<function, f32>) {
  for (var j = 0u; j < count; j++) {
    let k = k0 + j;
    let code = (codes >> (2u * j)) & 3u;
    if (k < K && code != 0u) {
      let xv = x[m * K + k];
      if (code == 1u) {
        *pos += xv;
      } else {
        *neg += xv;
      }
    }
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m = gid.y;
  if (n >= N) {
    return;
  }
  var pos = 0.0;
  var neg = 0.0;
  for (var w = 0u; w < WORDS; w++) {
${codeRuns}
  }
  y[m * N + n] = scales[${scale === 'channel' ? 'n' : '0u'}] * (pos - neg);
}
`;
}

/** Stored bits per weight: 2 or 8/5 (rows padded to whole words), plus the scales; the fixed decode table is not counted. */
function bitsPerWeight({ scale, N, K, words }: TernaryConfig): number {
  return (32 * words) / K + (32 * (scale === 'channel' ? N : 1)) / (N * K);
}

export const ternary = defineVariant({
  family: 'quant',
  id: 'ternary',
  label: 'Matmul, ternary weights {−1, 0, +1} (MatMul-free, adds and subtracts only)',
  summary:
    'Absmean ternary weights packed 2 bits or 1.6 bits per weight; the kernel only adds or subtracts activations and multiplies each output once by the scale.',
  schema,
  config: (v): TernaryConfig => {
    const perWord = v.packing === '2bit' ? 16 : 20;
    return { ...matmulConfig(v), perWord, words: Math.ceil(v.K / perWord) };
  },
  limits: (cfg, caps) => {
    const { M, N, K } = cfg;
    return [
      ...checkWorkgroup(caps, [WG, 1, 1], 0),
      ...checkDispatch(caps, [Math.ceil(N / WG), M]),
      ...checkBuffers(caps, [
        ['X', 4 * M * K],
        ['W', 4 * N * cfg.words],
        ['Y', 4 * M * N],
      ]),
    ];
  },
  inputs: (cfg, seed): Inputs => {
    const { N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const t = ternaryQuantize(w, N, K, cfg.scale === 'channel');
    const packed = cfg.packing === '2bit' ? packTernary2(t.trits, N, K) : packTernaryBase3(t.trits, N, K);
    const wDequant = Float32Array.from(t.trits, (v, i) => v * t.scales[cfg.scale === 'channel' ? Math.floor(i / K) : 0]);
    return { x, w, trits: Int32Array.from(t.trits), scales: t.scales, packed, tritTable: base3DecodeTable(), wDequant };
  },
  reference: ({ M, N, K, scale }, inputs) => {
    // pos and neg are sums of at most K activations (γ_{K−1} each), then one subtraction and one
    // multiply: |error| ≤ γ_{K+1}·γ·Σ|t_k·x_k|.
    const x = inputs.x as Float32Array;
    const t = inputs.trits as Int32Array;
    const s = inputs.scales as Float32Array;
    const g = gamma(K + 1);
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const tv = t[n * K + k];
          sum += tv * x[m * K + k];
          abs += Math.abs(tv * x[m * K + k]);
        }
        const sc = s[scale === 'channel' ? n : 0];
        values[m * N + n] = sc * sum;
        bound[m * N + n] = g * sc * abs + 1e-30;
      }
    }
    return { values, bound, boundNote: `adds and subtracts of activations: |error| ≤ γ_{K+1}·γ·Σ|t·x| with K = ${K}`, rows: M, cols: N };
  },
  plan: (cfg, inputs) => {
    const { M, N } = cfg;
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'wt', data: inputs.packed, usage: 'storage' },
        ...(cfg.packing === 'base3' ? [{ name: 'tritTable', data: inputs.tritTable, usage: 'storage' as const }] : []),
        { name: 'scales', data: inputs.scales, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [{ label: `ternary matmul (${cfg.packing})`, wgsl: ternaryWgsl(cfg), bindings: bindings(cfg), workgroups: [Math.ceil(N / WG), M] }],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: (cfg) => ({ flops: 2 * cfg.M * cfg.N * cfg.K, bytes: 4 * cfg.M * cfg.K + 4 * cfg.N * cfg.words + 4 * cfg.M * cfg.N }),
  shape: (cfg) => `${matmulShape(cfg)} ${cfg.packing}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => {
    const { M, N, K } = cfg;
    const base = quantizedMatmulExtras(cfg, inputs, output, bitsPerWeight(cfg));
    const t = inputs.trits as Int32Array;
    let nonZero = 0;
    for (const v of t) if (v !== 0) nonZero++;
    const arithmetic = {
      denseMultiplies: M * N * K,
      multiplies: M * N,
      addsOrSubtracts: M * nonZero + M * N,
      shifts: 0,
      zeroWeightFraction: 1 - nonZero / t.length,
    };
    if (M * N * K > HOST_PRODUCT_LIMIT) return { ...base, arithmetic };
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const int4 = quantize(w, { format: 'int', bits: 4, granularity: 'channel', shape: [N, K] }).dequantized;
    const int2 = quantize(w, { format: 'int', bits: 2, granularity: 'channel', shape: [N, K] }).dequantized;
    return {
      ...base,
      arithmetic,
      comparison: [
        { label: 'int2 per channel (symmetric: also −1, 0, +1, but max-scaled; multiplies)', ...productError(x, w, x, int2, cfg), weightBits: 2 + 32 / K },
        { label: 'int4 per channel (multiplies)', ...productError(x, w, x, int4, cfg), weightBits: 4 + 32 / K },
      ],
    };
  },
});
