// Mixed-precision activations with outlier channels (the COMET idea, arXiv 2410.12168: most
// activation channels in 4 bits, the few outlier channels in 8, in one W4A4/W4A8 kernel). The
// outlier channels are found once on the host (calibration: the largest max|x| over the rows of
// this X) and moved to the end of K — W's columns are permuted the same way, offline, so the
// product is unchanged. Per token, on the GPU inside the timed run: a gather pass splits X into the
// normal and the outlier channels, the codec's bit-exact int4 and int8 per-row kernels quantize
// them (symmetric, scale amax/7 and amax/127), a pass packs the codes (8 nibbles or 4 bytes per
// u32), and the matmul sums exact integer products of int4 weights (per output channel) with int4
// and int8 activations: y = s_w·(f32(Σ₄)·s₄ + f32(Σ₈)·s₈). 0 outlier channels is uniform W4A4;
// K of them uniform W4A8.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { packInt4 } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { Binding, BufferSpec, DispatchSpec } from '../types';
import { dispatch1d } from './common';
import { codecLayout, codecPasses, type CodecScheme } from './codec';
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
  a8Channels: int('Activation channels kept at 8 bits (the outliers; a multiple of 8; 0 = W4A4, K = W4A8)', 16, 0, 16384, { choices: [0, 8, 16, 32, 64] }),
});

interface W4AxConfig extends QuantMatmulConfig {
  a8Channels: number;
  /** Channels in 4 bits and in 8 bits. */
  K4: number;
  K8: number;
}

/**
 * The channel order: the K − K8 normal channels in their order, then the K8 channels with the
 * largest max|x| over the rows (ties to the lower index), in their order.
 */
export function outlierPermutation(x: Float32Array, M: number, K: number, K8: number): Int32Array {
  const peak = new Float64Array(K);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) peak[k] = Math.max(peak[k], Math.abs(x[m * K + k]));
  const byPeak = Array.from({ length: K }, (_, k) => k).sort((a, b) => peak[b] - peak[a] || a - b);
  const outlier = new Set(byPeak.slice(0, K8));
  const order = [...Array.from({ length: K }, (_, k) => k).filter((k) => !outlier.has(k)), ...[...outlier].sort((a, b) => a - b)];
  return Int32Array.from(order);
}

function intScheme(bits: number, rows: number, cols: number): CodecScheme {
  return { format: 'int', bits, symmetric: true, granularity: 'channel', groupSize: cols, rows, cols, rounding: 'nearest-even', srSeed: 1 };
}

/** Splits X (float32 bits) by the channel order into the 4-bit and the 8-bit channels. */
function gatherWgsl({ M, K, K4, K8 }: W4AxConfig, bindings: Binding[], stride: number): string {
  return /* wgsl */ `// split X by the channel order: channels order[0…${K4 - 1}] (4-bit), then order[${K4}…${K - 1}] (8-bit outliers)
const K = ${K}u;
const K4 = ${K4}u;
const K8 = ${K8}u;
const COUNT = ${M * K}u;
const STRIDE = ${stride}u;

${declareBindings(bindings)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x + gid.y * STRIDE;
  if (i >= COUNT) {
    return;
  }
  let m = i / K;
  let j = i % K;
  let v = x[m * K + order[j]];
${
  K4 > 0 && K8 > 0
    ? `  if (j < K4) {
    x4[m * K4 + j] = v;
  } else {
    x8[m * K8 + j - K4] = v;
  }`
    : K4 > 0
      ? '  x4[m * K4 + j] = v;'
      : '  x8[m * K8 + j] = v;'
}
}
`;
}

/** Packs the codec outputs: int4 codes 8 per u32 (two's complement nibbles), int8 codes 4 per u32, and the row scales. */
function packWgsl({ M, K4, K8 }: W4AxConfig, bindings: Binding[], stride: number): string {
  const words4 = (M * K4) / 8;
  const words8 = (M * K8) / 4;
  return /* wgsl */ `// pack activation codes: int4 8 per u32 (element 8w+j in bits 4j…4j+3), int8 4 per u32 (byte j = element 4w+j)
const M = ${M}u;
const STRIDE = ${stride}u;

${declareBindings(bindings)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let w = gid.x + gid.y * STRIDE;
${
  K4 > 0
    ? `  if (w < ${words4}u) {
    var word = 0u;
    for (var j = 0u; j < 8u; j++) {
      word |= (q4[8u * w + j] & 0xfu) << (4u * j);
    }
    x4q[w] = word;
  }
  if (w < M) {
    s4[w] = bitcast<f32>(q4[${M * K4}u + w]);
  }
`
    : ''
}${
  K8 > 0
    ? `  if (w < ${words8}u) {
    let i = 4u * w;
    x8q[w] = (q8[i] & 0xffu) | ((q8[i + 1u] & 0xffu) << 8u) | ((q8[i + 2u] & 0xffu) << 16u) | ((q8[i + 3u] & 0xffu) << 24u);
  }
  if (w < M) {
    s8[w] = bitcast<f32>(q8[${M * K8}u + w]);
  }
`
    : ''
}}
`;
}

function matmulBindings({ K4, K8 }: W4AxConfig): Binding[] {
  return [
    ...(K4 > 0 ? [readOnly('x4q', 'array<u32>', 'M×K4/8 int4 activation codes'), readOnly('s4', 'array<f32>', 'M row scales of the 4-bit channels')] : []),
    ...(K8 > 0 ? [readOnly('x8q', 'array<u32>', 'M×K8/4 int8 activation codes'), readOnly('s8', 'array<f32>', 'M row scales of the 8-bit channels')] : []),
    readOnly('wq', 'array<u32>', 'N×K/8 int4 weights (q + 8), columns in the channel order'),
    readOnly('sw', 'array<f32>', 'N channel scales'),
    readWrite('y', 'array<f32>', 'M×N'),
  ];
}

export function gemmW4AxWgsl(cfg: W4AxConfig): string {
  const { M, N, K, TM, K4, K8 } = cfg;
  const total = [K4 > 0 ? 'f32(acc4[r]) * s4[m0 + r]' : '', K8 > 0 ? 'f32(acc8[r]) * s8[m0 + r]' : ''].filter(Boolean).join(' + ');
  return /* wgsl */ `// Y = X·Wᵀ, int4 weights; activations int4 on ${K4} channels and int8 on ${K8} outlier channels; exact integer sums.
const M = ${M}u;
const N = ${N}u;
const WORDS = ${K / 8}u;   // int4 weight words per row
const WORDS4 = ${K4 / 8}u; // of them, the 4-bit channels' words (the rest: the 8-bit channels)
const TM = ${TM}u;
const SHIFT_LO = vec4u(0u, 4u, 8u, 12u);
const SHIFT_HI = vec4u(16u, 20u, 24u, 28u);

${declareBindings(matmulBindings(cfg))}

// The 8 weights of a word as signed integers (stored q + 8).
fn weights_lo(p : u32) -> vec4i {
  return vec4i((vec4u(p) >> SHIFT_LO) & vec4u(0xfu)) - 8;
}
fn weights_hi(p : u32) -> vec4i {
  return vec4i((vec4u(p) >> SHIFT_HI) & vec4u(0xfu)) - 8;
}
// Two's complement nibble j (or byte j) sign-extended: move it to the top bits, shift back arithmetically.
fn nibbles_lo(a : u32) -> vec4i {
  return (vec4i(bitcast<i32>(a)) << vec4u(28u, 24u, 20u, 16u)) >> vec4u(28u);
}
fn nibbles_hi(a : u32) -> vec4i {
  return (vec4i(bitcast<i32>(a)) << vec4u(12u, 8u, 4u, 0u)) >> vec4u(28u);
}
fn bytes(a : u32) -> vec4i {
  return (vec4i(bitcast<i32>(a)) << vec4u(24u, 16u, 8u, 0u)) >> vec4u(24u);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  var acc4 = array<i32, ${TM}>();
  var acc8 = array<i32, ${TM}>();
  for (var w = 0u; w < WORDS; w++) {
    let p = wq[n * WORDS + w];
    let w_lo = weights_lo(p);
    let w_hi = weights_hi(p);
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u);
${
  K4 > 0 && K8 > 0
    ? `      if (w < WORDS4) {
        let a = x4q[m * WORDS4 + w];
        acc4[r] += dot(nibbles_lo(a), w_lo) + dot(nibbles_hi(a), w_hi);
      } else {
        let i = m * ${K8 / 4}u + 2u * (w - WORDS4);
        acc8[r] += dot(bytes(x8q[i]), w_lo) + dot(bytes(x8q[i + 1u]), w_hi);
      }`
    : K4 > 0
      ? `      let a = x4q[m * WORDS4 + w];
      acc4[r] += dot(nibbles_lo(a), w_lo) + dot(nibbles_hi(a), w_hi);`
      : `      let i = m * ${K8 / 4}u + 2u * w;
      acc8[r] += dot(bytes(x8q[i]), w_lo) + dot(bytes(x8q[i + 1u]), w_hi);`
}
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = sw[n] * (${total});
    }
  }
}
`;
}

export const gemmW4Ax = defineVariant({
  family: 'quant',
  id: 'gemm-w4ax',
  label: 'Matmul, int4 weights × int4/int8 activations (COMET-style outlier channels)',
  summary:
    'Most activation channels quantized to int4 and the few outlier channels to int8, per token on the GPU, in one integer W4A4/W4A8 kernel; 0 outlier channels is uniform W4A4.',
  schema,
  config: (v): W4AxConfig => ({ ...matmulConfig(v), K4: v.K - Math.min(v.a8Channels, v.K), K8: Math.min(v.a8Channels, v.K) }),
  limits: (cfg, caps) => {
    const { M, N, K, TM, a8Channels } = cfg;
    const problems: string[] = [];
    if (K % 8 !== 0) problems.push(`K = ${K} must be a multiple of 8 (8 weights per packed word)`);
    if (a8Channels % 8 !== 0) problems.push(`${a8Channels} 8-bit channels: a multiple of 8 is needed (whole packed words)`);
    if (a8Channels > K) problems.push(`${a8Channels} 8-bit channels: at most K = ${K}`);
    if (K > 16384) problems.push(`K = ${K}: the int32 sums are exact in float32 only up to K = 16384 here`);
    problems.push(...checkWorkgroup(caps, [WG, 1, 1], 0));
    problems.push(...checkDispatch(caps, [Math.ceil(N / WG), Math.ceil(M / TM)]));
    problems.push(
      ...checkBuffers(caps, [
        ['X', 4 * M * K],
        ['codes', 4 * (M * K + 2 * M)],
        ['W int4', (N * K) / 2],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K, K4, K8 } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const order = outlierPermutation(x, M, K, K8);
    const qw = quantize(w, { format: 'int', bits: 4, granularity: 'channel', shape: [N, K] });
    const permuted = new Int32Array(N * K);
    for (let n = 0; n < N; n++) for (let j = 0; j < K; j++) permuted[n * K + j] = qw.codes[n * K + order[j]];
    // The host's view of the GPU gather and quantization (the reference and the extras).
    const x4 = new Float32Array(M * K4);
    const x8 = new Float32Array(M * K8);
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < K4; j++) x4[m * K4 + j] = x[m * K + order[j]];
      for (let j = 0; j < K8; j++) x8[m * K8 + j] = x[m * K + order[K4 + j]];
    }
    const q4 = K4 > 0 ? quantize(x4, { format: 'int', bits: 4, granularity: 'channel', shape: [M, K4] }) : null;
    const q8 = K8 > 0 ? quantize(x8, { format: 'int', bits: 8, granularity: 'channel', shape: [M, K8] }) : null;
    const xDequant = new Float32Array(M * K);
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < K4; j++) xDequant[m * K + order[j]] = q4!.dequantized[m * K4 + j];
      for (let j = 0; j < K8; j++) xDequant[m * K + order[K4 + j]] = q8!.dequantized[m * K8 + j];
    }
    return {
      x,
      w,
      order,
      wPermuted: permuted,
      sw: qw.scales!,
      wDequant: qw.dequantized,
      wq: packInt4(permuted, N, K),
      codes4: q4?.codes ?? new Int32Array(0),
      scales4: q4?.scales ?? new Float32Array(0),
      codes8: q8?.codes ?? new Int32Array(0),
      scales8: q8?.scales ?? new Float32Array(0),
      xDequant,
    };
  },
  reference: ({ M, N, K, K4, K8 }, inputs) => {
    // Integer sums are exact (and exact in f32 below 2^24); f32(Σ₄)·s₄, f32(Σ₈)·s₈, their sum and
    // the weight scale round once each: |error| ≤ γ_3·s_w·(|Σ₄|·s₄ + |Σ₈|·s₈).
    const wc = inputs.wPermuted as Int32Array;
    const sw = inputs.sw as Float32Array;
    const c4 = inputs.codes4 as Int32Array;
    const c8 = inputs.codes8 as Int32Array;
    const s4 = inputs.scales4 as Float32Array;
    const s8 = inputs.scales8 as Float32Array;
    const g = gamma(3);
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let a4 = 0;
        let a8 = 0;
        for (let j = 0; j < K4; j++) a4 += c4[m * K4 + j] * wc[n * K + j];
        for (let j = 0; j < K8; j++) a8 += c8[m * K8 + j] * wc[n * K + K4 + j];
        const p4 = K4 > 0 ? a4 * s4[m] : 0;
        const p8 = K8 > 0 ? a8 * s8[m] : 0;
        values[m * N + n] = sw[n] * (p4 + p8);
        bound[m * N + n] = g * sw[n] * (Math.abs(p4) + Math.abs(p8)) + 1e-30;
      }
    }
    return { values, bound, boundNote: 'exact integer sums; |error| ≤ γ_3·s_w·(|Σ₄|·s₄ + |Σ₈|·s₈)', rows: M, cols: N };
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, TM, K4, K8 } = cfg;
    const maxPerDim = caps.limits.maxComputeWorkgroupsPerDimension;
    const buffers: BufferSpec[] = [
      { name: 'x', data: inputs.x, usage: 'storage' },
      { name: 'order', data: Uint32Array.from(inputs.order as Int32Array), usage: 'storage' },
      { name: 'wq', data: inputs.wq, usage: 'storage' },
      { name: 'sw', data: inputs.sw, usage: 'storage' },
      { name: 'y', bytes: 4 * M * N, usage: 'storage' },
    ];
    const gatherBindings: Binding[] = [readOnly('x', 'array<u32>', 'M×K activations (float32 bits)'), readOnly('order', 'array<u32>', 'K channel order')];
    const packBindings: Binding[] = [];
    const quantizeDispatches: DispatchSpec[] = [];
    for (const [bits, width, name] of [
      [4, K4, '4'],
      [8, K8, '8'],
    ] as const) {
      if (width === 0) continue;
      const scheme = intScheme(bits, M, width);
      const codec = codecPasses(scheme, caps, { x: `x${name}`, out: `q${name}` });
      buffers.push(
        { name: `x${name}`, bytes: 4 * M * width, usage: 'storage' },
        { name: `q${name}`, bytes: 4 * codecLayout(scheme).outputCount, usage: 'storage' },
        { name: `x${name}q`, bytes: (M * width * bits) / 8, usage: 'storage' },
        { name: `s${name}`, bytes: 4 * M, usage: 'storage' },
      );
      gatherBindings.push(readWrite(`x${name}`, 'array<u32>', `M×${width} activations of the ${bits}-bit channels`));
      packBindings.push(
        readOnly(`q${name}`, 'array<u32>', `int${bits} codes, then row scales`),
        readWrite(`x${name}q`, 'array<u32>', `packed int${bits} codes`),
        readWrite(`s${name}`, 'array<f32>', 'row scales'),
      );
      quantizeDispatches.push(
        {
          label: `quantize ${bits}-bit channels: row scales`,
          wgsl: codec.wgsl,
          entryPoint: 'scales',
          bindings: codec.scaleBindings,
          workgroups: codec.scaleWorkgroups,
        },
        {
          label: `quantize ${bits}-bit channels: int${bits} codes`,
          wgsl: codec.wgsl,
          entryPoint: 'codes',
          bindings: codec.codeBindings,
          workgroups: codec.codeWorkgroups,
        },
      );
    }
    const gatherGroups = dispatch1d(M * K, maxPerDim);
    const packGroups = dispatch1d(Math.max((M * K4) / 8, (M * K8) / 4, M), maxPerDim);
    return {
      buffers,
      dispatches: [
        {
          label: 'split activations by channel order',
          wgsl: gatherWgsl(cfg, gatherBindings, 64 * gatherGroups[0]),
          bindings: gatherBindings,
          workgroups: gatherGroups,
        },
        ...quantizeDispatches,
        { label: 'pack activation codes', wgsl: packWgsl(cfg, packBindings, 64 * packGroups[0]), bindings: packBindings, workgroups: packGroups },
        {
          label: `matmul W4A4/A8 (${K8} channels at 8 bits)`,
          wgsl: gemmW4AxWgsl(cfg),
          bindings: matmulBindings(cfg),
          workgroups: [Math.ceil(N / WG), Math.ceil(M / TM)],
        },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, K4, K8 }) => ({
    flops: 2 * M * N * K,
    // X read and split (f32), each part read twice by its codec, codes written and read, packed; weights and scales.
    bytes: 4 * M * K * 4 + 4 * M * K * 2 + (M * K4) / 2 + M * K8 + (N * K) / 2 + 4 * N + 4 * M * N,
  }),
  shape: (cfg) => `${matmulShape(cfg)} A8 on ${cfg.K8}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => {
    const base = quantizedMatmulExtras(cfg, inputs, output, 4 + 32 / cfg.K);
    const { M, N, K } = cfg;
    if (M * N * K > HOST_PRODUCT_LIMIT) return base;
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const x4 = quantize(x, { format: 'int', bits: 4, granularity: 'channel', shape: [M, K] }).dequantized;
    const x8 = quantize(x, { format: 'int', bits: 8, granularity: 'channel', shape: [M, K] }).dequantized;
    const w8 = quantize(w, { format: 'int', bits: 8, granularity: 'channel', shape: [N, K] }).dequantized;
    const w4 = inputs.wDequant as Float32Array;
    return {
      ...base,
      comparison: [
        { label: 'uniform W4A4 (every channel int4)', ...productError(x, w, x4, w4, cfg), weightBits: 4 + 32 / K },
        { label: 'uniform W4A8 (every channel int8)', ...productError(x, w, x8, w4, cfg), weightBits: 4 + 32 / K },
        { label: 'W8A8 (int8 weights and activations)', ...productError(x, w, x8, w8, cfg), weightBits: 8 + 32 / K },
      ],
    };
  },
});
