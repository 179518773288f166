// An int4 GEMV: y = W·x with W stored as 4-bit codes, 8 per u32, and one float32 scale per group
// of 32 weights. The weights are decoded in registers — shift, mask, subtract the offset, scale —
// and never written back: memory traffic is 4.1 bits per weight instead of 32.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { packInt4 } from '../numerics/packing';
import { Rng, deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, ceilDiv, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 64;
const G = 32; // weights per scale

const BINDINGS = [
  readOnly('wq', 'array<u32>', 'N×K/8 words: element k of row n in bits 4·(k%8)… of word n·K/8 + k/8, stored as q + 8'),
  readOnly('scales', 'array<f32>', `N×K/${G} scales: weight (n, k) uses scales[(n·K + k) / ${G}]`),
  readOnly('x', 'array<f32>', 'K activations'),
  readWrite('y', 'array<f32>', 'N outputs: y[n] = Σ_k W[n][k]·x[k]'),
  uniform('sizes', 'Sizes', `N, K (K a multiple of ${G})`),
];

const HEADER = `struct Sizes {
  N : u32,
  K : u32,
}
${declareBindings(BINDINGS)}

const WORDS_PER_GROUP = ${G / 8}u; // 8 weights per word, ${G} per scale`;

const starter = `${HEADER}

// One invocation per output row n.
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  if (n >= sizes.N) {
    return;
  }
  let words = sizes.K / 8u;
  var acc = 0.0;
  for (var w = 0u; w < words; w++) {
    let packed = wq[n * words + w];
    let s = scales[(n * words + w) / WORDS_PER_GROUP];
    // TODO: all 8 weights of this word. Weight j sits in bits 4j…4j+3 and is stored as q + 8;
    // its value is q·s, and it multiplies x[8w + j].
    acc += f32(packed & 0xfu) * s * x[8u * w];
  }
  y[n] = acc;
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  if (n >= sizes.N) {
    return;
  }
  let words = sizes.K / 8u;
  var acc = 0.0;
  for (var w = 0u; w < words; w++) {
    let packed = wq[n * words + w];
    let s = scales[(n * words + w) / WORDS_PER_GROUP];
    for (var j = 0u; j < 8u; j++) {
      // Decoded in a register: the nibble, minus the offset 8, times the group's scale.
      let q = f32((packed >> (4u * j)) & 0xfu) - 8.0;
      acc += q * s * x[8u * w + j];
    }
  }
  y[n] = acc;
}
`;

const schema = paramSchema({ N: int('N (outputs, rows of W)', 65, 1, 65535), K: int(`K (inputs; a multiple of ${G})`, 64, G, 16384) });

function codesOf(N: number, K: number, seed: number): Int32Array {
  const rng = new Rng(deriveSeed(seed, 3));
  return Int32Array.from({ length: N * K }, () => (rng.nextU32() % 16) - 8);
}

const harness = defineVariant({
  family: 'quant',
  id: 'exercise-int4-gemv',
  label: 'Exercise: int4 GEMV',
  summary: 'y = W·x with int4 weights decoded in registers.',
  schema,
  limits: ({ N, K }, caps) => [...(K % G ? [`K = ${K} is not a multiple of the group size ${G}`] : []), ...checkDispatch(caps, [ceilDiv(N, WG)])],
  inputs: ({ N, K }, seed) => {
    const codes = codesOf(N, K, seed);
    // Scales in [0.01, 0.1): the size of a real layer's per-group scales.
    const scales = uniformArray((N * K) / G, deriveSeed(seed, 4), 0.01, 0.1);
    return { wq: packInt4(codes, N, K), scales, x: uniformArray(K, deriveSeed(seed, 5)), codes, sizes: sizesUniform(N, K) };
  },
  reference: ({ N, K }, inputs) => {
    const codes = inputs.codes as Int32Array;
    const scales = inputs.scales as Float32Array;
    const x = inputs.x as Float32Array;
    const values = new Float64Array(N);
    const bound = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      let sum = 0;
      let abs = 0;
      for (let k = 0; k < K; k++) {
        const term = codes[n * K + k] * scales[((n * K + k) / G) | 0] * x[k];
        sum += term;
        abs += Math.abs(term);
      }
      values[n] = sum;
      // Each term q·s·x passes through at most K + 2 roundings whatever the order — the decode
      // q·s (q is exact in f32), its product with x, and the additions (K − 1 in any tree; or a
      // group sum then a scale then the outer sum) — so |error| ≤ γ_{K+2}·Σ|q·s·x|.
      bound[n] = gamma(K + 2) * abs + K * TINY;
    }
    return { values, bound, boundNote: `|error| ≤ γ_{K+2}·Σ|q·s·x| with K = ${K}`, rows: 1, cols: N };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ N }, inputs) =>
    onePlan({
      label: 'int4 gemv',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(N, WG)],
      buffers: [
        { name: 'wq', data: inputs.wq, usage: 'storage' },
        { name: 'scales', data: inputs.scales, usage: 'storage' },
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'y', bytes: 4 * N, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'y', type: 'f32', count: N },
    }),
  work: ({ N, K }) => ({ flops: 2 * N * K, bytes: (N * K) / 2 + (4 * N * K) / G + 4 * K + 4 * N }),
  shape: ({ N, K }) => `N×K = ${N}×${K}`,
});

export const int4GemvExercise: Exercise = {
  id: 'int4-gemv',
  title: 'An int4 GEMV, dequantized in registers',
  level: 3,
  family: 'quant',
  teaches:
    'Weight-only quantization at inference: unpack nibbles with shifts and masks, undo the offset, apply the group scale — all in registers, so memory moves 4-bit weights.',
  statement: [
    `Write y = W·x for an N×K weight matrix W stored in 4 bits per weight: y[n] = Σ_k W[n][k]·x[k]. One invocation per output row.`,
    `Row n of W is K/8 words. Weight k of the row is in word n·K/8 + ⌊k/8⌋, bits 4·(k mod 8) to 4·(k mod 8) + 3, stored as q + 8 for a signed code q ∈ [−8, 7]. Its value is q·s, with s the scale of its group of ${G}: scales[(n·K + k) / ${G}].`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: `⌈N / ${WG}⌉ × 1 × 1 workgroups`,
    notes: [`K is a multiple of ${G}, so a group never straddles two rows and a word never straddles two groups.`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'Nibble j of a word: (packed >> (4u * j)) & 0xfu, a u32 from 0 to 15.',
    'Subtract the offset after converting: f32(nibble) − 8.0 is the signed code q.',
    `A word holds weights 8w … 8w + 7, so nibble j multiplies x[8w + j]; the ${G / 8} words of a group share one scale.`,
  ],
  solution,
  wrong: [
    {
      mistake: 'forgets the offset of 8',
      source: solution.replace('let q = f32((packed >> (4u * j)) & 0xfu) - 8.0;', 'let q = f32((packed >> (4u * j)) & 0xfu);'),
      verdict: 'wrong',
    },
    { mistake: 'reads the nibbles from the top down', source: solution.replace('(packed >> (4u * j))', '(packed >> (28u - 4u * j))'), verdict: 'wrong' },
  ],
  shapes: [
    { params: { N: 1, K: 32 } },
    { params: { N: 65, K: 64 } },
    { params: { N: 130, K: 96 } },
    { params: { N: 7, K: 256 } },
    { params: { N: 64, K: 32 } },
  ],
  checkShape: { params: { N: 70, K: 64 } },
  harness,
  where: (_p, i) => `y[${i}]`,
  shapeText: (p) => `N×K = ${p.N}×${p.K}`,
  speedGoal: {
    builtIn: { family: 'quant', variant: 'gemm-w4', params: { M: 1, N: 512, K: 512, TM: 1, strategy: 'row', groupSize: 32, act: 'f32' }, seed: 1, reps: 3 },
    label: 'the built-in int4 GEMV (one invocation per row)',
    params: { N: 512, K: 512 },
    ratio: 0.5,
  },
  lessons: [{ lesson: 'memory-bound-gemv', why: 'why a GEMV is bound by the bytes of its weights, and what 4-bit weights save' }],
};
