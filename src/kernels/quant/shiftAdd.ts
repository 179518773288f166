// Binary-coded weights with power-of-two scales (ShiftAddLLM, arXiv 2406.05981): every group of G
// weights along a row is W ≈ Σ_i 2^(e_i)·B_i with q sign planes B_i ∈ {±1} (numerics/
// multiplicationFree.ts, greedy fit). y = Σ_g Σ_i 2^(e_i)·(Σ_k ±x_k): the inner sums are
// sign-selected adds (the sign bit of x flipped by XOR where B = −1), and 2^e_i is an exponent
// add (ldexp), not a multiply. Per invocation one output; the 32 activations of a plane word are
// loaded once and used by all q planes.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { binaryCodedWeight, binaryCodingQuantize, type BinaryCodedWeights } from '../../numerics/multiplicationFree';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { perRow } from './gemv';
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
  K: int('K (a multiple of the group size)', 512, 32, 16384, { choices: [256, 512, 1024, 4096] }),
  TM: int('Rows of X per invocation (fixed at 1 here)', 1, 1, 1),
  planes: int('Binary planes q (bits per weight)', 3, 1, 4, { choices: [1, 2, 3, 4] }),
  groupSize: int('Group size along K (one scale per plane and group; a multiple of 32)', 64, 32, 4096, { choices: [32, 64, 128] }),
});

interface ShiftAddConfig extends QuantMatmulConfig {
  planes: number;
  groupSize: number;
}

const BINDINGS = [
  readOnly('x', 'array<vec4f>', 'M×K activations'),
  readOnly('signs', 'array<u32>', '[N][groups][planes][G/32] sign bits (1 = +1)'),
  readOnly('exps', 'array<i32>', '[N][groups][planes] exponents e_i'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function shiftAddWgsl({ M, N, K, planes: Q, groupSize: G }: ShiftAddConfig): string {
  return /* wgsl */ `// y = Σ_g Σ_i 2^(e_i)·Σ_k ±x_k: ${Q} sign planes per group of ${G}; adds, sign flips and exponent adds only.
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const GROUPS = ${K / G}u;
const WORDS_PER_GROUP = ${G / 32}u; // 32 signs per u32
const PLANES = ${Q}u;

${declareBindings(BINDINGS)}

// ±x: the sign bit of each lane flipped where the lowest bit of its \`bits\` is 0 (B = −1).
fn signed(xv : vec4f, bits : vec4u) -> vec4f {
  let flip = (~bits & vec4u(1u)) << vec4u(31u);
  return bitcast<vec4f>(bitcast<vec4u>(xv) ^ flip);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m = gid.y;
  if (n >= N) {
    return;
  }
  var acc = 0.0;
  for (var g = 0u; g < GROUPS; g++) {
${perRow(Q, (i) => `    var plane${i} = vec4f(0.0);`)}
    let base = (n * GROUPS + g) * PLANES;
    for (var w = 0u; w < WORDS_PER_GROUP; w++) {
${perRow(Q, (i) => `      let bits${i} = signs[(base + ${i}u) * WORDS_PER_GROUP + w];`)}
      for (var c = 0u; c < 8u; c++) {
        let xv = x[m * (K / 4u) + (g * WORDS_PER_GROUP + w) * 8u + c];
        let lanes = vec4u(4u * c) + vec4u(0u, 1u, 2u, 3u);
${perRow(Q, (i) => `        plane${i} += signed(xv, vec4u(bits${i}) >> lanes);`)}
      }
    }
${perRow(Q, (i) => `    acc += ldexp(plane${i}.x + plane${i}.y + plane${i}.z + plane${i}.w, exps[base + ${i}u]);`)}
  }
  y[m * N + n] = acc;
}
`;
}

function packSigns(b: BinaryCodedWeights, count: number): Uint32Array {
  const out = new Uint32Array(count / 32);
  for (let i = 0; i < count; i++) if (b.signs[i] > 0) out[i >> 5] |= 1 << (i & 31);
  return out;
}

export const shiftAdd = defineVariant({
  family: 'quant',
  id: 'shift-add',
  label: 'Matmul, binary-coded weights with power-of-two scales (ShiftAddLLM: adds and shifts)',
  summary: 'W ≈ Σ 2^e·B with q sign planes per group: sign-flipped activation sums and exponent adds (ldexp) replace every multiplication.',
  schema,
  config: (v): ShiftAddConfig => matmulConfig(v),
  limits: (cfg, caps) => {
    const { M, N, K, planes, groupSize: G } = cfg;
    const problems: string[] = [];
    if (G % 32 !== 0) problems.push(`group size ${G} must be a multiple of 32 (32 signs per word)`);
    if (K % G !== 0) problems.push(`K = ${K} must be a multiple of the group size ${G}`);
    problems.push(...checkWorkgroup(caps, [WG, 1, 1], 0));
    problems.push(...checkDispatch(caps, [Math.ceil(N / WG), M]));
    problems.push(
      ...checkBuffers(caps, [
        ['X', 4 * M * K],
        ['sign planes', (N * K * planes) / 8],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { N, K, planes, groupSize: G } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const b = binaryCodingQuantize(w, N, K, planes, G, true);
    const free = binaryCodingQuantize(w, N, K, planes, G, false);
    const wDequant = new Float32Array(N * K);
    const wFree = new Float32Array(N * K);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        wDequant[n * K + k] = binaryCodedWeight(b, K, n, k);
        wFree[n * K + k] = binaryCodedWeight(free, K, n, k);
      }
    }
    return { x, w, signs: packSigns(b, b.signs.length), exps: b.exponents, alphas: b.alphas, signValues: Int32Array.from(b.signs), wDequant, wFree };
  },
  reference: ({ M, N, K, planes: Q, groupSize: G }, inputs) => {
    // Per plane and group, G signed activations are summed (G − 1 additions), scaled exactly by
    // 2^e, and q·K/G such terms are added: |error| ≤ γ_{G+q·K/G}·Σ_g Σ_i 2^(e_i)·Σ_k |x_k|.
    const x = inputs.x as Float32Array;
    const s = inputs.signValues as Int32Array;
    const a = inputs.alphas as Float32Array;
    const groups = K / G;
    const g = gamma(G + Q * groups);
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        let abs = 0;
        for (let gi = 0; gi < groups; gi++) {
          for (let i = 0; i < Q; i++) {
            const at = (n * groups + gi) * Q + i;
            let ps = 0;
            let pa = 0;
            for (let j = 0; j < G; j++) {
              const xv = x[m * K + gi * G + j];
              ps += s[at * G + j] * xv;
              pa += Math.abs(xv);
            }
            sum += a[at] * ps;
            abs += a[at] * pa;
          }
        }
        values[m * N + n] = sum;
        bound[m * N + n] = g * abs + 1e-30;
      }
    }
    return { values, bound, boundNote: `sign-selected sums, exact exponent adds: |error| ≤ γ_{G+q·K/G}·Σ 2^e·Σ|x| with G = ${G}, q = ${Q}`, rows: M, cols: N };
  },
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'x', data: inputs.x, usage: 'storage' },
      { name: 'signs', data: inputs.signs, usage: 'storage' },
      { name: 'exps', data: inputs.exps, usage: 'storage' },
      { name: 'y', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [{ label: `shift-add matmul (${cfg.planes} planes)`, wgsl: shiftAddWgsl(cfg), bindings: BINDINGS, workgroups: [Math.ceil(cfg.N / WG), cfg.M] }],
    output: { buffer: 'y', type: 'f32', count: cfg.M * cfg.N },
  }),
  work: ({ M, N, K, planes, groupSize: G }) => ({ flops: 2 * M * N * K, bytes: 4 * M * K + (N * K * planes) / 8 + (4 * N * K * planes) / G + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} q=${cfg.planes} G=${cfg.groupSize}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => {
    const { M, N, K, planes: Q, groupSize: G } = cfg;
    // q sign bits per weight and an 8-bit exponent per plane and group.
    const base = quantizedMatmulExtras(cfg, inputs, output, Q + (8 * Q) / G);
    const arithmetic = { denseMultiplies: M * N * K, multiplies: 0, addsOrSubtracts: M * N * K * Q, shifts: M * N * (K / G) * Q };
    if (M * N * K > HOST_PRODUCT_LIMIT) return { ...base, arithmetic };
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const intQ = quantize(w, { format: 'int', bits: Math.max(2, Q + 1), granularity: 'group', groupSize: G, shape: [N, K] }).dequantized;
    return {
      ...base,
      arithmetic,
      comparison: [
        {
          label: 'the same binary coding with float32 scales (multiplies; what the powers of two cost)',
          ...productError(x, w, x, inputs.wFree as Float32Array, cfg),
          weightBits: Q + (32 * Q) / G,
        },
        { label: `int${Math.max(2, Q + 1)} per group of ${G} (multiplies)`, ...productError(x, w, x, intQ, cfg), weightBits: Math.max(2, Q + 1) + 32 / G },
      ],
    };
  },
});
