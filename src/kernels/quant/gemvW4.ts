// Decode GEMV with int4 weights (issue 19 item 4): the same ownership as gemvF32.ts (NR outputs per
// invocation), int4 weights in Kernel Lab's layout (8 nibbles per u32, element 8w+j in bits 4j…4j+3,
// stored as q + 8; one scale per group of G along K, src/numerics/packing.ts), decoded in registers
// with as few instructions per weight as we found:
//  - one load brings a chunk of up to 4 words (a vec4u: 32 weights), so a weight costs 1/32 of a
//    load where float32 costs one;
//  - the nibble stays in place: (word & 0xf << 4j) is n·2^(4j) as an integer, exact in f32, so a
//    prologue pass scales the activations by 2^(−4j) once instead of shifting every weight (the
//    top nibble is shifted down by 4 first, so its factor is 2^−24 and the integer stays < 2^31);
//  - the offset 8 is not subtracted per weight: Σ (q+8)·x − 8·Σx = Σ q·x, with 8·Σx per chunk
//    from the same prologue;
//  - the scale multiplies a chunk's sum once, which is then added to the row's accumulator at once:
//    one partial sum live per row instead of two. On a CPU adapter (SwiftShader), keeping a group
//    sum per row across loads as well cost 1.7× the time (26 ms against 15.6 ms at 1×4096×4096, NR=16,
//    measured): 32 live sums plus 32 activations no longer fit the registers.
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

/** Words per load (a chunk): 4 (a vec4u, 32 weights) when a group holds a multiple of 32 weights, else 2 or 1. */
export function wordsPerChunk(groupSize: number): 1 | 2 | 4 {
  const words = groupSize / 8;
  return words % 4 === 0 ? 4 : words % 2 === 0 ? 2 : 1;
}

/** Weights per chunk (one load of packed words): 32, 16 or 8. */
export function chunkSize(groupSize: number): number {
  return 8 * wordsPerChunk(groupSize);
}

const CHUNK_TYPE = { 1: 'u32', 2: 'vec2u', 4: 'vec4u' } as const;

const PROLOGUE_BINDINGS = [
  readOnly('x', 'array<vec4f>', 'M×K activations'),
  readWrite('xs', 'array<vec4f>', 'M×K activations × 2^(−e_j)', 'xScaled'),
  readWrite('csum', 'array<f32>', 'M×K/C chunk sums × 8', 'chunkSums'),
];

function mainBindings(groupSize: number) {
  const words = wordsPerChunk(groupSize);
  return [
    readOnly('xs', 'array<f32>', 'M×K activations × 2^(−e_j)', 'xScaled'),
    readOnly('csum', 'array<f32>', 'M×K/C chunk sums × 8', 'chunkSums'),
    readOnly('wq', `array<${CHUNK_TYPE[words]}>`, `N×K/8 packed int4 (q + 8), ${words} word${words > 1 ? 's' : ''} per load`),
    readOnly('scales', 'array<f32>', 'N×K/G group scales'),
    readWrite('y', 'array<f32>', 'M×N'),
  ];
}

export function gemvW4PrologueWgsl({ M, K, groupSize: G }: GemvW4Config, stride: number): string {
  const u = NIBBLE_UNITS.map((v) => f32Literal(v));
  const words = wordsPerChunk(G);
  return /* wgsl */ `// int4 GEMV prologue: each activation times 2^(−e_j) (exact), and 8·Σx per chunk of ${8 * words}.
const K = ${K}u;
const CHUNKS = ${K / (8 * words)}u; // chunks per row
const WORDS_PER_CHUNK = ${words}u;
const COUNT = ${M * (K / (8 * words))}u; // (row, chunk) pairs
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
  let m = pair / CHUNKS;
  let c = pair % CHUNKS;
  var sum = 0.0;
  for (var j = 0u; j < WORDS_PER_CHUNK; j++) {
    let i = m * (K / 4u) + 2u * (c * WORDS_PER_CHUNK + j);
    let x_lo = x[i];
    let x_hi = x[i + 1u];
    xs[i] = x_lo * UNIT_LO;
    xs[i + 1u] = x_hi * UNIT_HI;
    sum += (x_lo.x + x_lo.y + x_lo.z + x_lo.w) + (x_hi.x + x_hi.y + x_hi.z + x_hi.w);
  }
  csum[pair] = 8.0 * sum;
}
`;
}

const COMPONENTS = ['x', 'y', 'z', 'w'];

export function gemvW4Wgsl(cfg: GemvW4Config): string {
  const { N, K, NR, groupSize: G } = cfg;
  const words = wordsPerChunk(G);
  const C = 8 * words;
  const word = (r: number, i: number) => (words === 1 ? `p${r}` : `p${r}.${COMPONENTS[i]}`);
  // Word i of row r's chunk against activations x(8i) … x(8i + 7): the nibbles masked in place.
  const wordDot = (r: number, i: number) => {
    const n = `n${r}_${i}`;
    const x = (j: number) => `x${8 * i + j}`;
    return `      let ${n} = bitcast<i32>(${word(r, i)});
      let ${n}_top = ${n} >> 4u;
      s${r} += f32(${n} & 0xf) * ${x(0)} + f32(${n} & 0xf0) * ${x(1)} + f32(${n} & 0xf00) * ${x(2)} + f32(${n} & 0xf000) * ${x(3)}
        + f32(${n} & 0xf0000) * ${x(4)} + f32(${n} & 0xf00000) * ${x(5)} + f32(${n} & 0xf000000) * ${x(6)} + f32(${n}_top & 0xf000000) * ${x(7)};`;
  };
  return /* wgsl */ `// y = X·Wᵀ with int4 weights: ${NR} outputs per invocation, chunks of ${C} weights (one load), nibbles decoded in place, one scale per group of ${G}.
const N = ${N}u;
const K = ${K}u;
const CHUNKS = ${K / C}u; // chunks of ${C} weights per row
const GROUPS = ${K / G}u;
const CHUNKS_PER_GROUP = ${G / C}u;
const NR = ${NR}u;

${declareBindings(mainBindings(G))}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
${gemvOwner(NR)}
${perRow(NR, (r) => `  var acc${r} = 0.0;`)}
  for (var c = 0u; c < CHUNKS; c++) {
    let g = c / CHUNKS_PER_GROUP;
    // The chunk's ${C} activations, loaded once for all ${NR} rows.
    let x_base = m * K + ${C}u * c;
${Array.from({ length: C }, (_, k) => `    let x${k} = xs[x_base + ${k}u];`).join('\n')}
    let offset = csum[m * CHUNKS + c]; // 8·Σx over the chunk: removes the +8 of the stored codes
    // Word j's nibbles are n·2^(4j) in place; the top one is shifted down by 4 (n·2^24) to stay positive.
${perRow(
  NR,
  (r) => `    {
      let p${r} = wq[row${r} * CHUNKS + c];
      var s${r} = 0.0;
${Array.from({ length: words }, (_, i) => wordDot(r, i)).join('\n')}
      acc${r} += scales[row${r} * GROUPS + g] * (s${r} - offset);
    }`,
)}
  }
${gemvStore(NR, (r) => `acc${r}`)}
}
`;
}

/**
 * Float64 truth Σ_k x_k·q_k·s_{n,g} and the bound of the kernel's evaluation order. Per chunk of C
 * weights (one load, C ≤ G): the C products (n_k·2^e)·(x_k·2^−e) = n_k·x_k round once each and are
 * summed (γ_C·Σ n|x|), the prologue's 8·Σx has C−1 additions (γ_{C−1}·8Σ|x|), the subtraction and
 * the scale multiply round once each, and K/C additions join the chunks into the accumulator:
 * |ŷ − y| ≤ γ_{C+K/C+2}·Σ_g s_g·Σ_k (n_k + 8)|x_k|
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
  const C = chunkSize(G);
  const g = gamma(C + K / C + 2);
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
    boundNote: `|error| ≤ γ_{C+K/C+2}·Σ_g s_g·Σ_k (q_k + 16)|x_k| with chunks of C = ${C} weights, G = ${G}, K = ${K} (nibbles decoded in place, offset 8 removed per chunk)`,
    rows: M,
    cols: N,
  };
}

export const gemvW4 = defineVariant({
  family: 'quant',
  id: 'gemv-w4',
  label: 'GEMV, int4 weights (decode, nibbles in place)',
  summary:
    'y = X·Wᵀ for a few tokens with group-wise int4 weights: 32 weights per load, nibbles masked in place against pre-scaled activations, the +8 offset and the scale applied once per chunk of 32.',
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
    const prologue = dispatch1d(M * (K / chunkSize(G)), caps.limits.maxComputeWorkgroupsPerDimension);
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'xScaled', bytes: 4 * M * K, usage: 'storage' },
        { name: 'chunkSums', bytes: 4 * M * (K / chunkSize(G)), usage: 'storage' },
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'scales', data: inputs.scales, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        {
          label: 'GEMV int4: scale activations, chunk sums',
          wgsl: gemvW4PrologueWgsl(cfg, 64 * prologue[0]),
          bindings: PROLOGUE_BINDINGS,
          workgroups: prologue,
        },
        { label: `GEMV int4 weights (${cfg.NR} outputs per invocation)`, wgsl: gemvW4Wgsl(cfg), bindings: mainBindings(G), workgroups: gemvDispatch(cfg) },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, groupSize: G }) => ({
    flops: 2 * M * N * K,
    // x read, scaled copy written and read back, weights, scales, chunk sums, y.
    bytes: 3 * 4 * M * K + (N * K) / 2 + (4 * N * K) / G + 2 * 4 * M * (K / chunkSize(G)) + 4 * M * N,
  }),
  shape: (cfg) => `${gemvShape(cfg)} G=${cfg.groupSize}`,
  baseline: gemvBaseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 4 + 32 / cfg.groupSize),
});

function checkPrologue(cfg: GemvW4Config, maxPerDim: number): string[] {
  const [gx, gy] = dispatch1d(cfg.M * (cfg.K / chunkSize(cfg.groupSize)), maxPerDim);
  return gy > maxPerDim || gx > maxPerDim ? [`the prologue needs ${gx}×${gy} workgroups, beyond this device's ${maxPerDim} per dimension`] : [];
}
