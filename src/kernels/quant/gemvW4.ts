// Decode GEMV with int4 weights (issue 19 item 4): the same loop as gemvF32.ts, int4 weights in
// Kernel Lab's layout (8 nibbles per u32, element 8w+j in bits 4j…4j+3, stored as q + 8; one scale
// per group of G along K, src/numerics/packing.ts), decoded in registers with as few instructions
// per weight as we found:
//  - the nibble stays in place: (word & 0xf << 4j) is n·2^(4j) as an integer, exact in f32, so a
//    prologue pass scales the activations by 2^(−4j) once instead of shifting every weight (the
//    top nibble is shifted down by 4 first, so its factor is 2^−24 and the integer stays < 2^31);
//  - the offset 8 is not subtracted per weight: Σ (q+8)·x − 8·Σx = Σ q·x, with 8·Σx per group
//    from the same prologue;
//  - the scale multiplies the group's sum once (scale in a register), not every weight.
// So a weight costs an AND, an int→float conversion and a multiply-add, against a load for float32.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { packInt4 } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import type { ReferenceResult } from '../types';
import { dispatch1d } from './common';
import { f32Literal } from './wgslCodec';
import { GEMV_FIELDS, gemvBaseline, gemvDispatch, gemvLimits, gemvOwner, gemvShape, gemvStore, perRow, type GemvConfig } from './gemv';
import { makeActivationsAndWeights, matmulConfig, quantizedMatmulExtras } from './wmatmul';

const schema = paramSchema({
  ...GEMV_FIELDS,
  groupSize: int('Weight group size along K (a multiple of 8)', 32, 8, 4096, { choices: [32, 64, 128] }),
});

export interface GemvW4Config extends GemvConfig {
  groupSize: number;
}

/** 2^(−e_j) for the 8 weights of a word: e_j = 4j, except the top nibble (shifted down by 4): 24. */
export const NIBBLE_UNITS = [0, 4, 8, 12, 16, 20, 24, 24].map((e) => 2 ** -e);

const PROLOGUE_BINDINGS = [
  readOnly('x', 'array<vec4f>', 'M×K activations'),
  readWrite('xs', 'array<vec4f>', 'M×K activations × 2^(−e_j)', 'xScaled'),
  readWrite('gsum', 'array<f32>', 'M×K/G group sums × 8', 'groupSums'),
];

const MAIN_BINDINGS = [
  readOnly('xs', 'array<vec4f>', 'M×K activations × 2^(−e_j)', 'xScaled'),
  readOnly('gsum', 'array<f32>', 'M×K/G group sums × 8', 'groupSums'),
  readOnly('wq', 'array<u32>', 'N×K/8 packed int4 (q + 8)'),
  readOnly('scales', 'array<f32>', 'N×K/G group scales'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function gemvW4PrologueWgsl({ M, K, groupSize: G }: GemvW4Config, stride: number): string {
  const u = NIBBLE_UNITS.map((v) => f32Literal(v));
  return /* wgsl */ `// int4 GEMV prologue: each activation times 2^(−e_j) (exact), and 8·Σx per group of ${G}.
const K = ${K}u;
const GROUPS = ${K / G}u; // groups per row
const WORDS_PER_GROUP = ${G / 8}u;
const COUNT = ${M * (K / G)}u; // (row, group) pairs
const STRIDE = ${stride}u;
const UNIT_LO = vec4f(${u.slice(0, 4).join(', ')});
const UNIT_HI = vec4f(${u.slice(4).join(', ')});

${declareBindings(PROLOGUE_BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let pair = gid.x + gid.y * STRIDE;
  if (pair >= COUNT) {
    return;
  }
  let m = pair / GROUPS;
  let g = pair % GROUPS;
  var sum = 0.0;
  for (var j = 0u; j < WORDS_PER_GROUP; j++) {
    let i = m * (K / 4u) + 2u * (g * WORDS_PER_GROUP + j);
    let x_lo = x[i];
    let x_hi = x[i + 1u];
    xs[i] = x_lo * UNIT_LO;
    xs[i + 1u] = x_hi * UNIT_HI;
    sum += (x_lo.x + x_lo.y + x_lo.z + x_lo.w) + (x_hi.x + x_hi.y + x_hi.z + x_hi.w);
  }
  gsum[pair] = 8.0 * sum;
}
`;
}

export function gemvW4Wgsl(cfg: GemvW4Config): string {
  const { N, K, NR, groupSize: G } = cfg;
  return /* wgsl */ `// y = X·Wᵀ with int4 weights: ${NR} outputs per invocation, nibbles decoded in place, one scale per group of ${G}.
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u;  // words of 8 weights per row
const GROUPS = ${K / G}u;
const WORDS_PER_GROUP = ${G / 8}u;
const NR = ${NR}u;
// Nibble j of a word in place (n·2^(4j)); the top one shifted down by 4 (n·2^24) to stay positive.
const NIBBLE_LO = vec4i(0xf, 0xf0, 0xf00, 0xf000);
const TOP_DOWN = vec4u(0u, 0u, 0u, 4u);
const NIBBLE_HI = vec4i(0xf0000, 0xf00000, 0xf000000, 0xf000000);

${declareBindings(MAIN_BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
${gemvOwner(NR)}
${perRow(NR, (r) => `  var acc${r} = 0.0;`)}
  for (var g = 0u; g < GROUPS; g++) {
    // Explicit initializers: Dawn on SwiftShader did not re-zero a loop-local var declared without one.
${perRow(NR, (r) => `    var sum${r} = 0.0;`)}
    for (var w = g * WORDS_PER_GROUP; w < (g + 1u) * WORDS_PER_GROUP; w++) {
      let x_lo = xs[m * (K / 4u) + 2u * w];
      let x_hi = xs[m * (K / 4u) + 2u * w + 1u];
${perRow(
  NR,
  (r) => `      let p${r} = vec4i(bitcast<i32>(wq[row${r} * WORDS + w]));
      sum${r} += dot(vec4f(p${r} & NIBBLE_LO), x_lo) + dot(vec4f((p${r} >> TOP_DOWN) & NIBBLE_HI), x_hi);`,
)}
    }
    let offset = gsum[m * GROUPS + g]; // 8·Σx over the group: removes the +8 of the stored codes
${perRow(NR, (r) => `    acc${r} += scales[row${r} * GROUPS + g] * (sum${r} - offset);`)}
  }
${gemvStore(NR, (r) => `acc${r}`)}
}
`;
}

/**
 * Float64 truth Σ_k x_k·q_k·s_{n,g} and the bound of the kernel's evaluation order. Per group:
 * the G products (n_k·2^e)·(x_k·2^−e) = n_k·x_k round once each and are summed (γ_G·Σ n|x|), the
 * prologue's 8·Σx has G−1 additions (γ_{G−1}·8Σ|x|), the subtraction and the scale multiply round
 * once each, and K/G − 1 additions join the groups: |ŷ − y| ≤ γ_{G+K/G+2}·Σ_g s_g·Σ_k (n_k + 8)|x_k|
 * with n = q + 8 (Higham §3.1; γ_a + γ_b + γ_a·γ_b ≤ γ_{a+b}). Looser than γ_K·Σ|q·x·s| by about
 * (E|q| + 16)/E|q|: the price of not subtracting 8 per weight. An activation below 2^−102 may be
 * flushed to zero when scaled by 2^−24 (WGSL allows flushing subnormals): such terms add 15·s·|x|.
 */
function gemvW4Reference(cfg: GemvW4Config, inputs: Inputs): ReferenceResult {
  const { M, N, K, groupSize: G } = cfg;
  const x = inputs.x as Float32Array;
  const codes = inputs.codes as Int32Array;
  const scales = inputs.scales as Float32Array;
  const groups = K / G;
  const g = gamma(G + groups + 2);
  const values = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      let abs = 0;
      let flushed = 0;
      for (let gi = 0; gi < groups; gi++) {
        const s = scales[n * groups + gi];
        let groupSum = 0;
        let groupAbs = 0;
        for (let k = gi * G; k < (gi + 1) * G; k++) {
          const xv = x[m * K + k];
          const q = codes[n * K + k];
          groupSum += xv * q;
          groupAbs += (q + 16) * Math.abs(xv);
          if (xv !== 0 && Math.abs(xv) * NIBBLE_UNITS[k % 8] < 2 ** -126) flushed += 15 * Math.abs(xv) * s;
        }
        sum += groupSum * s;
        abs += groupAbs * s;
      }
      values[m * N + n] = sum;
      bound[m * N + n] = g * abs + flushed + 1e-30;
    }
  }
  return {
    values,
    bound,
    boundNote: `|error| ≤ γ_{G+K/G+2}·Σ_g s_g·Σ_k (q_k + 16)|x_k| with G = ${G}, K = ${K} (nibbles decoded in place, offset 8 removed per group)`,
    rows: M,
    cols: N,
  };
}

export const gemvW4 = defineVariant({
  family: 'quant',
  id: 'gemv-w4',
  label: 'GEMV, int4 weights (decode, nibbles in place)',
  summary:
    'y = X·Wᵀ for a few tokens with group-wise int4 weights: nibbles masked in place against pre-scaled activations, the +8 offset and the scale applied once per group.',
  schema,
  config: (v): GemvW4Config => matmulConfig(v),
  limits: (cfg, caps) => {
    const { N, K, M, groupSize: G } = cfg;
    const problems = G % 8 !== 0 ? [`group size ${G} must be a multiple of 8 (one packed word never spans two groups)`] : [];
    if (K % G !== 0) problems.push(`K = ${K} must be a multiple of the group size ${G}`);
    problems.push(...checkPrologue(cfg, caps.limits.maxComputeWorkgroupsPerDimension));
    return [
      ...problems,
      ...gemvLimits(cfg, caps, [
        ['W', (N * K) / 2],
        ['scales', (4 * N * K) / G],
        ['scaled activations', 4 * M * K],
      ]),
    ];
  },
  inputs: (cfg, seed): Inputs => {
    const { N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const q = quantize(w, { format: 'int', bits: 4, symmetric: true, granularity: 'group', groupSize: cfg.groupSize, shape: [N, K] });
    return { x, w, codes: q.codes, scales: q.scales!, wq: packInt4(q.codes, N, K) };
  },
  reference: gemvW4Reference,
  plan: (cfg, inputs, caps) => {
    const { M, N, K, groupSize: G } = cfg;
    const prologue = dispatch1d(M * (K / G), caps.limits.maxComputeWorkgroupsPerDimension);
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'xScaled', bytes: 4 * M * K, usage: 'storage' },
        { name: 'groupSums', bytes: 4 * M * (K / G), usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'scales', data: inputs.scales, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        {
          label: 'GEMV int4: scale activations, group sums',
          wgsl: gemvW4PrologueWgsl(cfg, 64 * prologue[0]),
          bindings: PROLOGUE_BINDINGS,
          workgroups: prologue,
        },
        { label: `GEMV int4 weights (${cfg.NR} outputs per invocation)`, wgsl: gemvW4Wgsl(cfg), bindings: MAIN_BINDINGS, workgroups: gemvDispatch(cfg) },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, groupSize: G }) => ({
    flops: 2 * M * N * K,
    // x read, scaled copy written and read back, weights, scales, group sums, y.
    bytes: 3 * 4 * M * K + (N * K) / 2 + (4 * N * K) / G + 2 * 4 * M * (K / G) + 4 * M * N,
  }),
  shape: (cfg) => `${gemvShape(cfg)} G=${cfg.groupSize}`,
  baseline: gemvBaseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 4 + 32 / cfg.groupSize),
});

function checkPrologue(cfg: GemvW4Config, maxPerDim: number): string[] {
  const [gx, gy] = dispatch1d(cfg.M * (cfg.K / cfg.groupSize), maxPerDim);
  return gy > maxPerDim || gx > maxPerDim ? [`the prologue needs ${gx}×${gy} workgroups, beyond this device's ${maxPerDim} per dimension`] : [];
}
