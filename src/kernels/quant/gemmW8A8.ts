// W8A8: int8 activations (symmetric, one scale per row of X: per token) times int8 weights
// (symmetric, one scale per output channel), 4 int8 packed per u32 (byte j = element 4w+j, two's
// complement). Each invocation computes TM outputs of one column n; the integer dot product uses
// WGSL's dot4I8Packed (language feature packed_4x8_integer_dot_product) or, for comparison, the
// same sum from shifts and sign extension. Integer accumulation is exact (|Σ| ≤ K·127² < 2^31 for
// K ≤ 16384); the result is y = f32(acc)·sx[m]·sw[n].
// Activations change with every token, so by default they are quantized on the GPU inside the
// timed run, by the codec's bit-exact int8 per-row kernels (codec.ts) and a packing pass; the
// weights are quantized once, ahead of time, on the host. 'actQuant: host' times the matmul alone.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import { packBytes } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { bitsOf, dispatch1d } from './common';
import { codecLayout, codecPasses, type CodecScheme } from './codec';
import {
  QUANT_MATMUL_FIELDS,
  WG,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  quantizedMatmulExtras,
  type QuantMatmulConfig,
} from './wmatmul';

export const PACKED_DOT_FEATURE = 'packed_4x8_integer_dot_product';

/** True only when the runtime reports its WGSL language features and this one is missing. */
export function packedDotKnownMissing(): boolean {
  const gpu = (globalThis as { navigator?: { gpu?: { wgslLanguageFeatures?: ReadonlySet<string> } } }).navigator?.gpu;
  const features = gpu?.wgslLanguageFeatures;
  return features !== undefined && !features.has(PACKED_DOT_FEATURE);
}

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  dot: oneOf('Integer dot product', 'builtin', [
    ['builtin', 'dot4I8Packed builtin (needs packed_4x8_integer_dot_product)'],
    ['manual', 'manual: shift and sign-extend each byte'],
  ]),
  actQuant: oneOf('Activation quantization', 'gpu', [
    ['gpu', 'on the GPU, inside the timed run (as at inference)'],
    ['host', 'ahead of time on the host (times the integer matmul alone)'],
  ]),
});

interface W8A8Config extends QuantMatmulConfig {
  dot: 'builtin' | 'manual';
  actQuant: 'gpu' | 'host';
}

const MATMUL_BINDINGS = [
  readOnly('xq', 'array<u32>', 'M×K/4 packed int8 activations'),
  readOnly('sx', 'array<f32>', 'M row scales'),
  readOnly('wq', 'array<u32>', 'N×K/4 packed int8 weights'),
  readOnly('sw', 'array<f32>', 'N channel scales'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export const PACK_BINDINGS = [
  readOnly('q', 'array<u32>', 'codes (i32 bits), then scales (f32 bits)', 'xCodes'),
  readWrite('xq', 'array<u32>', 'M×K/4 packed int8 activations'),
  readWrite('sx', 'array<f32>', 'M row scales'),
];

export function gemmW8A8Wgsl(cfg: W8A8Config): string {
  const { M, N, K, TM } = cfg;
  const builtin = cfg.dot === 'builtin';
  const dot = builtin ? 'dot4I8Packed(a, b)' : 'dot_i8x4(a, b)';
  const manual = builtin
    ? ''
    : /* wgsl */ `
// Σ_j a_j·b_j over the four signed bytes, by shifting each byte to the top and back (sign extension).
fn dot_i8x4(a : u32, b : u32) -> i32 {
  var sum = 0;
  for (var j = 0u; j < 4u; j++) {
    let shift = 24u - 8u * j;
    sum += (bitcast<i32>(a << shift) >> 24u) * (bitcast<i32>(b << shift) >> 24u);
  }
  return sum;
}
`;
  return /* wgsl */ `${builtin ? `requires ${PACKED_DOT_FEATURE};\n` : ''}// Y = X·Wᵀ with int8 activations and weights (W8A8), ${builtin ? 'dot4I8Packed' : 'manual byte unpacking'}.
const M = ${M}u;
const N = ${N}u;
const WORDS = ${K / 4}u; // 4 int8 per u32 along K
const TM = ${TM}u;

${declareBindings(MATMUL_BINDINGS)}
${manual}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  var acc : array<i32, ${TM}>;
  for (var w = 0u; w < WORDS; w++) {
    let b = wq[n * WORDS + w];
    for (var r = 0u; r < TM; r++) {
      let m = min(m0 + r, M - 1u);
      let a = xq[m * WORDS + w];
      acc[r] += ${dot};
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = f32(acc[r]) * sx[m0 + r] * sw[n];
    }
  }
}
`;
}

/** The codec scheme of the activations' quantization: int8, symmetric, one scale per row. */
function activationScheme({ M, K }: W8A8Config): CodecScheme {
  return { format: 'int', bits: 8, symmetric: true, granularity: 'channel', groupSize: K, rows: M, cols: K, rounding: 'nearest-even', srSeed: 1 };
}

/** Packs the codec's output (M·K int8 codes as i32 bits, then M f32 scales) into xq and sx. */
export function packActivationsWgsl(M: number, K: number, stride: number, codes = 'int8'): string {
  return /* wgsl */ `// pack ${codes} activation codes 4 per u32 (byte j = element 4w+j) and copy the row scales
const WORDS = ${(M * K) / 4}u;
const M = ${M}u;
const STRIDE = ${stride}u; // invocations per row of the 2-D dispatch

${declareBindings(PACK_BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let w = gid.x + gid.y * STRIDE;
  if (w < WORDS) {
    let i = 4u * w;
    xq[w] = (q[i] & 0xffu) | ((q[i + 1u] & 0xffu) << 8u) | ((q[i + 2u] & 0xffu) << 16u) | ((q[i + 3u] & 0xffu) << 24u);
  }
  if (w < M) {
    sx[w] = bitcast<f32>(q[WORDS * 4u + w]);
  }
}
`;
}

export const gemmW8A8 = defineVariant({
  family: 'quant',
  id: 'gemm-w8a8',
  label: 'Matmul, int8 weights and activations (W8A8, dot4I8Packed)',
  summary:
    'Activations quantized per row and weights per channel to int8, multiplied four bytes at a time with the packed integer dot product; exact integer sums, one float scale at the end.',
  schema,
  config: (v): W8A8Config => matmulConfig(v),
  limits: (cfg, caps) => {
    const { M, N, K, TM } = cfg;
    const problems: string[] = [];
    if (cfg.dot === 'builtin' && packedDotKnownMissing()) {
      problems.push(`this browser's WGSL lacks the language feature ${PACKED_DOT_FEATURE} (dot4I8Packed); choose the manual dot product`);
    }
    if (K % 4 !== 0) problems.push(`K = ${K} must be a multiple of 4 (4 int8 per packed word)`);
    if (K > 16384) problems.push(`K = ${K}: the int32 sum is exact only up to K = 16384 here`);
    problems.push(...checkWorkgroup(caps, [WG, 1, 1], 0));
    problems.push(...checkDispatch(caps, [Math.ceil(N / WG), Math.ceil(M / TM)]));
    problems.push(
      ...checkBuffers(caps, [
        ['X int8', M * K],
        ['W int8', N * K],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const qx = quantize(x, { format: 'int', bits: 8, granularity: 'channel', shape: [M, K] });
    const qw = quantize(w, { format: 'int', bits: 8, granularity: 'channel', shape: [N, K] });
    return {
      x,
      w,
      xCodes: qx.codes,
      wCodes: qw.codes,
      sx: qx.scales!,
      sw: qw.scales!,
      xq: packBytes(qx.codes, M * K),
      wq: packBytes(qw.codes, N * K),
    };
  },
  reference: ({ M, N, K }, inputs) => {
    const xc = inputs.xCodes as Int32Array;
    const wc = inputs.wCodes as Int32Array;
    const sx = inputs.sx as Float32Array;
    const sw = inputs.sw as Float32Array;
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    // The integer sum is exact; f32(acc) and the two scale multiplies round three times.
    const g = gamma(3);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += xc[m * K + k] * wc[n * K + k];
        const v = acc * sx[m] * sw[n];
        values[m * N + n] = v;
        bound[m * N + n] = g * Math.abs(v) + 1e-30;
      }
    }
    return { values, bound, boundNote: 'exact int32 sum of int8 products; |error| ≤ γ_3·|y| from f32(acc)·sx·sw', rows: M, cols: N };
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, TM } = cfg;
    const matmul = {
      label: `matmul W8A8 (${cfg.dot})`,
      wgsl: gemmW8A8Wgsl(cfg),
      bindings: MATMUL_BINDINGS,
      workgroups: [Math.ceil(N / WG), Math.ceil(M / TM)] as [number, number],
    };
    const weights = [
      { name: 'wq', data: inputs.wq, usage: 'storage' as const },
      { name: 'sw', data: inputs.sw, usage: 'storage' as const },
      { name: 'y', bytes: 4 * M * N, usage: 'storage' as const },
    ];
    const output = { buffer: 'y', type: 'f32' as const, count: M * N };
    if (cfg.actQuant === 'host') {
      return {
        buffers: [{ name: 'xq', data: inputs.xq, usage: 'storage' }, { name: 'sx', data: inputs.sx, usage: 'storage' }, ...weights],
        dispatches: [matmul],
        output,
      };
    }
    // Quantize X per row on the GPU (codec scales pass, codes pass), pack, then multiply.
    const scheme = activationScheme(cfg);
    const layout = codecLayout(scheme);
    const codec = codecPasses(scheme, caps, { x: 'x', out: 'xCodes' });
    const packGroups = dispatch1d(Math.max((M * K) / 4, M), caps.limits.maxComputeWorkgroupsPerDimension);
    return {
      buffers: [
        { name: 'x', data: bitsOf(inputs.x as Float32Array), usage: 'storage' },
        { name: 'xCodes', bytes: 4 * layout.outputCount, usage: 'storage' },
        { name: 'xq', bytes: M * K, usage: 'storage' },
        { name: 'sx', bytes: 4 * M, usage: 'storage' },
        ...weights,
      ],
      dispatches: [
        { label: 'quantize activations: row scales', wgsl: codec.wgsl, entryPoint: 'scales', bindings: codec.scaleBindings, workgroups: codec.scaleWorkgroups },
        { label: 'quantize activations: int8 codes', wgsl: codec.wgsl, entryPoint: 'codes', bindings: codec.codeBindings, workgroups: codec.codeWorkgroups },
        { label: 'pack activations', wgsl: packActivationsWgsl(M, K, 64 * packGroups[0]), bindings: PACK_BINDINGS, workgroups: packGroups },
        matmul,
      ],
      output,
    };
  },
  work: ({ M, N, K, actQuant }) => {
    // With GPU activation quantization, X is also read as f32 (twice) and its codes written and read.
    const activationBytes = actQuant === 'host' ? M * K : 2 * 4 * M * K + 2 * 4 * M * K + M * K;
    return { flops: 2 * M * N * K, bytes: activationBytes + N * K + 4 * (M + N) + 4 * M * N };
  },
  shape: matmulShape,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 8 + 32 / cfg.K),
});
