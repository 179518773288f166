// Long 1-D convolution with the FFT written as matrix multiplications — FlashFFTConv's
// decomposition (Fu et al., 2023), which lets matrix units do the FFT. A length L = N1·N2 signal
// is an N1×N2 matrix X0[n1][n2] = x[N2·n1 + n2]; then
//   Y = F_N1 · X0          (N1-point DFTs of the columns: a matmul with the DFT matrix)
//   Y ∘= T,  T[k1][n2] = ω_L^(k1·n2)   (twiddles, fused into the first matmul's epilogue)
//   Z = Y · F_N2           (N2-point DFTs of the rows: a second matmul)
// and Z[k1][k2] = X[k1 + N1·k2]: the spectrum in a transposed order the convolution never needs
// to undo — the pointwise product is order-blind, and the inverse runs the steps backwards with
// conjugated matrices, giving back x's natural order. L need not be a power of two: any N1·N2
// works, so the padding can stop close to N + K − 1. Work is O(L·(N1 + N2)) instead of O(L log L).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { fftConv32, fftMatmulConv32, linearFftSize, matmulFftEpsilon, type Conv1dShape } from '../../numerics/conv1d';
import { dftMatrix, twiddleMatrix } from '../../numerics/fft';
import { computeMetrics } from '../../numerics/metrics';
import { int, paramSchema } from '../params';
import type { DispatchSpec } from '../types';
import {
  channelScales,
  CONV1D_SHAPE,
  conv1dBufferProblems,
  conv1dConfig,
  conv1dShapeProblems,
  conv1dShared,
  directBaseline1d,
  FFT_WG,
  OUTPUT_BINDINGS,
  outputWgsl,
  PACK_BINDINGS,
  packWgsl,
  PRODUCT_BINDINGS,
  productWgsl,
  rowGrid,
  rowGridProblems,
  sequenceError,
} from './common1d';
import { convMemory, defineConvVariant } from './facet';
import { fftNormwiseBounds, fftReference, MAX_FFT } from './fftConv';

interface FftMatmulConfig extends Conv1dShape {
  N1: number;
  N2: number;
  L: number;
  sizeProblems: string[];
}

/** Largest DFT matrix side offered (a 1024×1024 complex matrix is 8 MiB). */
export const MAX_FACTOR = 1024;

/** Below this many complex values (C·L) the extras also run the classic FFT's float32 emulation for comparison. */
const CLASSIC_COMPARE_LIMIT = 1 << 20;

/** The split of L: given sizes are checked; missing ones are chosen (N1 a multiple of 16 near √(N + K − 1)). */
export function chooseSplit(need: number, fft: number, n1: number): { N1: number; N2: number; L: number; problems: string[] } {
  const problems: string[] = [];
  let N1: number;
  let N2: number;
  if (fft > 0) {
    N1 = n1 > 0 ? n1 : largestDivisorUpTo(fft, Math.sqrt(fft));
    if (fft % N1 !== 0) problems.push(`N1 = ${N1} does not divide L = ${fft}: choose N1 among its divisors (or 0 to pick one)`);
    N2 = Math.max(1, Math.round(fft / N1));
    if (fft < need) problems.push(`L = ${fft} is less than N + K − 1 = ${need}: the circular convolution would wrap around into the outputs`);
  } else {
    N1 = n1 > 0 ? n1 : 16 * Math.ceil(Math.sqrt(need) / 16);
    N2 = Math.ceil(need / N1);
  }
  const L = N1 * N2;
  if (N1 > MAX_FACTOR || N2 > MAX_FACTOR)
    problems.push(`N1 = ${N1} and N2 = ${N2}: each DFT matrix may be at most ${MAX_FACTOR}×${MAX_FACTOR} here; choose a larger N1 or a smaller sequence`);
  if (L > MAX_FFT) problems.push(`L = ${L} is above the largest transform offered here (${MAX_FFT})`);
  return { N1, N2, L, problems };
}

function largestDivisorUpTo(n: number, limit: number): number {
  for (let d = Math.floor(limit); d >= 1; d--) if (n % d === 0) return d;
  return 1;
}

type Step = 'left' | 'right';

/** A matmul step's bindings: source and destination rows, its DFT matrix, and the twiddles when it applies them. */
function stepBindings(src: string, dst: string, dft: 'f1' | 'f2', twiddle: boolean) {
  return [
    readOnly('src', 'array<vec2<f32>>', 'rows of N1×N2 complex values', src),
    readWrite('dst', 'array<vec2<f32>>', 'rows of N1×N2 complex values', dst),
    readOnly('dft', 'array<vec2<f32>>', dft === 'f1' ? 'F_N1, N1×N1' : 'F_N2, N2×N2', dft),
    ...(twiddle ? [readOnly('tw', 'array<vec2<f32>>', 'T[k1][n2] = exp(−2πi·k1·n2/L)')] : []),
  ];
}

/** Outputs per invocation along a row of the N1×N2 matrix (neighbouring columns). */
const COLS = 4;
/** Invocations per row of L values. */
const perRow = (N1: number, N2: number) => N1 * Math.ceil(N2 / COLS);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * One complex matmul step over `rows` rows of L = N1·N2 values; each invocation computes four
 * neighbouring outputs out[a][n0 … n0+3] (register blocking: the shared operand is loaded once):
 *  - 'left':  out[a][n] = Σ_b F1[a][b]·in[b][n]     (F_N1 from the left; one F load, four inputs)
 *  - 'right': out[a][n] = Σ_b in[a][b]·F2[b][n]     (F_N2 from the right; one input, four F loads)
 * conjugated for the inverse; with `twiddle`, out ∘= T (forward) or conj(T) (inverse) before the
 * store. Complex multiply-adds as four fma, in the order of numerics/fft.ts matmulFft32:
 * re += p.re·q.re − p.im·q.im, im += p.re·q.im + p.im·q.re.
 */
export function matmulStepWgsl(N1: number, N2: number, step: Step, inverse: boolean, twiddle: boolean, rows: number): string {
  const bindings = stepBindings('src', 'dst', step === 'left' ? 'f1' : 'f2', twiddle);
  const conj = inverse ? '-' : '';
  const minus = inverse ? '' : '-';
  const cols = range(COLS);
  // p·q accumulated into acc${q}: F·v for 'left', v·F for 'right' (F conjugated for the inverse).
  const mac = (q: number, p: string, v: string, fOnLeft: boolean) =>
    fOnLeft
      ? [
          `acc${q}.x = fma(${p}.x, ${v}.x, acc${q}.x);`,
          `acc${q}.x = fma(${minus}${p}.y, ${v}.y, acc${q}.x);`,
          `acc${q}.y = fma(${p}.x, ${v}.y, acc${q}.y);`,
          `acc${q}.y = fma(${conj}${p}.y, ${v}.x, acc${q}.y);`,
        ]
      : [
          `acc${q}.x = fma(${v}.x, ${p}.x, acc${q}.x);`,
          `acc${q}.x = fma(${minus}${v}.y, ${p}.y, acc${q}.x);`,
          `acc${q}.y = fma(${v}.y, ${p}.x, acc${q}.y);`,
          `acc${q}.y = fma(${conj}${v}.x, ${p}.y, acc${q}.y);`,
        ];
  const body =
    step === 'left'
      ? [
          `  for (var b = 0u; b < N1; b++) {`,
          `    let f = dft[a * N1 + b];`,
          ...cols.map((q) => `    let v${q} = src[base + b * N2 + c${q}];`),
          ...cols.flatMap((q) => mac(q, 'f', `v${q}`, true).map((l) => `    ${l}`)),
          `  }`,
        ]
      : [
          `  for (var b = 0u; b < N2; b++) {`,
          `    let v = src[base + a * N2 + b];`,
          ...cols.map((q) => `    let f${q} = dft[b * N2 + c${q}];`),
          ...cols.flatMap((q) => mac(q, `f${q}`, 'v', false).map((l) => `    ${l}`)),
          `  }`,
        ];
  const stores = cols.map((q) => {
    const value = twiddle ? `twiddled(acc${q}, tw[a * N2 + c${q}])` : `acc${q}`;
    return `  if (n0 + ${q}u < N2) { dst[base + a * N2 + n0 + ${q}u] = ${value}; }`;
  });
  return /* wgsl */ `// FFT as matmul: ${step === 'left' ? 'F_N1 · X (column DFTs)' : 'X · F_N2 (row DFTs)'}${inverse ? ', conjugated (inverse)' : ''}${twiddle ? ', twiddles fused' : ''}; ${COLS} outputs per invocation
const N1 = ${N1}u;
const N2 = ${N2}u;
const L = ${N1 * N2}u;
const GROUPS = ${Math.ceil(N2 / COLS)}u; // invocations per matrix row
const ROWS = ${rows}u;

${declareBindings(bindings)}
${
  twiddle
    ? `
// v·t for the twiddle t${inverse ? ', conjugated' : ''}
fn twiddled(v : vec2<f32>, t : vec2<f32>) -> vec2<f32> {
  let ty = ${conj}t.y;
  return vec2<f32>(v.x * t.x - v.y * ty, v.x * ty + v.y * t.x);
}
`
    : ''
}
@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let e = gid.x;
  let row = gid.y;
  if (e >= N1 * GROUPS || row >= ROWS) { return; }
  let base = row * L;
  let a = e / GROUPS; // matrix row
  let n0 = (e % GROUPS) * ${COLS}u; // first of four neighbouring columns
${cols.map((q) => `  let c${q} = min(n0 + ${q}u, N2 - 1u); // clamped for reads; stores are guarded`).join('\n')}
${cols.map((q) => `  var acc${q} = vec2<f32>(0.0);`).join('\n')}
${body.join('\n')}
${stores.join('\n')}
}
`;
}

function planDispatches(c: FftMatmulConfig): DispatchSpec[] {
  const C = c.channels;
  const L = c.L;
  const out: DispatchSpec[] = [];
  out.push({
    label: `conv1d fft-matmul pack L${L}`,
    wgsl: packWgsl(c, L),
    bindings: PACK_BINDINGS.map((b) => (b.name === 'spec' ? { ...b, buffer: 'specA' } : b)),
    workgroups: rowGrid(L, 2 * C),
  });
  out.push({
    label: `conv1d F_${c.N1} · X, twiddles`,
    wgsl: matmulStepWgsl(c.N1, c.N2, 'left', false, true, 2 * C),
    bindings: stepBindings('specA', 'specB', 'f1', true),
    workgroups: rowGrid(perRow(c.N1, c.N2), 2 * C),
  });
  out.push({
    label: `conv1d Y · F_${c.N2}`,
    wgsl: matmulStepWgsl(c.N1, c.N2, 'right', false, false, 2 * C),
    bindings: stepBindings('specB', 'specA', 'f2', false),
    workgroups: rowGrid(perRow(c.N1, c.N2), 2 * C),
  });
  out.push({
    label: 'conv1d fft-matmul pointwise product',
    wgsl: productWgsl(c, L),
    bindings: PRODUCT_BINDINGS.map((b) => ({ ...b, buffer: 'specA' })),
    workgroups: rowGrid(L, C),
  });
  out.push({
    label: `conv1d Z · conj(F_${c.N2}), conj twiddles`,
    wgsl: matmulStepWgsl(c.N1, c.N2, 'right', true, true, C),
    bindings: stepBindings('specA', 'specB', 'f2', true),
    workgroups: rowGrid(perRow(c.N1, c.N2), C),
  });
  out.push({
    label: `conv1d conj(F_${c.N1}) · Y`,
    wgsl: matmulStepWgsl(c.N1, c.N2, 'left', true, false, C),
    bindings: stepBindings('specB', 'specA', 'f1', false),
    workgroups: rowGrid(perRow(c.N1, c.N2), C),
  });
  out.push({
    label: 'conv1d fft-matmul output',
    wgsl: outputWgsl(c, L),
    bindings: OUTPUT_BINDINGS.map((b) => (b.name === 'spec' ? { ...b, buffer: 'specA' } : b)),
    workgroups: rowGrid(c.length, C),
  });
  return out;
}

const interleave = (m: { re: Float32Array; im: Float32Array }) => {
  const out = new Float32Array(2 * m.re.length);
  for (let i = 0; i < m.re.length; i++) {
    out[2 * i] = m.re[i];
    out[2 * i + 1] = m.im[i];
  }
  return out;
};

const memoryOf = (c: FftMatmulConfig) => {
  const C = c.channels;
  const x = { name: 'x', bytes: 4 * C * c.length, role: 'input' as const, what: 'signals, channels × N' };
  const h = { name: 'h', bytes: 4 * C * c.filter, role: 'filter' as const, what: 'filters, channels × K' };
  const y = { name: 'y', bytes: x.bytes, role: 'output' as const, what: 'output, channels × N' };
  const spec = 8 * 2 * C * c.L;
  const f1 = { name: 'f1', bytes: 8 * c.N1 * c.N1, role: 'table' as const, what: `DFT matrix F_${c.N1}` };
  const f2 = { name: 'f2', bytes: 8 * c.N2 * c.N2, role: 'table' as const, what: `DFT matrix F_${c.N2}` };
  const tw = { name: 'tw', bytes: 8 * c.L, role: 'table' as const, what: `twiddles, ${c.N1}×${c.N2}` };
  const buffers = [
    x,
    h,
    y,
    f1,
    f2,
    tw,
    { name: 'specA', bytes: spec, role: 'workspace' as const, what: `2·C rows of L = ${c.L} complex values` },
    { name: 'specB', bytes: spec, role: 'workspace' as const, what: 'the other operand of each matmul step' },
  ];
  return convMemory(buffers, [
    { pass: 'pack (zero-pad)', readBytes: x.bytes + h.bytes, writeBytes: spec },
    { pass: `F_${c.N1}·X with twiddles`, readBytes: spec + f1.bytes + tw.bytes, writeBytes: spec },
    { pass: `Y·F_${c.N2}`, readBytes: spec + f2.bytes, writeBytes: spec },
    { pass: 'pointwise product', readBytes: spec, writeBytes: spec / 2 },
    { pass: `Z·conj(F_${c.N2}) with twiddles`, readBytes: spec / 2 + f2.bytes + tw.bytes, writeBytes: spec / 2 },
    { pass: `conj(F_${c.N1})·Y`, readBytes: spec / 2 + f1.bytes, writeBytes: spec / 2 },
    { pass: 'scale and output', readBytes: 8 * C * c.length, writeBytes: y.bytes },
  ]);
};

/** 8 flops per complex multiply-add: 8·L·(N1 + N2) per transform, 3·C transforms, plus twiddles and products. */
const matmulFlops = (c: FftMatmulConfig) => 3 * c.channels * 8 * c.L * (c.N1 + c.N2) + 2 * c.channels * 6 * c.L + 6 * c.channels * c.L;

export const fftMatmul = defineConvVariant(
  {
    ...conv1dShared,
    id: 'fft-matmul',
    label: '1-D FFT as matrix multiplication (FlashFFTConv)',
    summary:
      'The FFT of length L = N1·N2 as two matmuls with DFT matrices and a twiddle step, forward and back: the form that runs on matrix units. Any N1·N2, not only powers of two.',
    schema: paramSchema({
      ...CONV1D_SHAPE,
      n1: int('N1, the first DFT matrix side (0 = a multiple of 16 near √L)', 0, 0, MAX_FACTOR, { choices: [0, 16, 32, 64, 128] }),
      fft: int('FFT size L = N1·N2 (0 = the smallest N1·N2 ≥ N + K − 1)', 0, 0, MAX_FFT),
    }),
    config: (v): FftMatmulConfig => {
      const s = conv1dConfig(v);
      const split = chooseSplit(s.length + s.filter - 1, v.fft, v.n1);
      return { ...s, N1: split.N1, N2: split.N2, L: split.L, sizeProblems: split.problems };
    },
    limits: (c, caps) => {
      const shape = [...conv1dShapeProblems(c), ...c.sizeProblems];
      if (shape.length) return shape;
      return [...conv1dBufferProblems(caps, memoryOf(c)), ...rowGridProblems(caps, c.L, 2 * c.channels, 'the matmul steps')];
    },
    reference: (c, inputs) => fftReference(c, inputs, c.L, matmulFftEpsilon(c.N1, c.N2), `L = ${c.N1}·${c.N2},`),
    emulate: (c, inputs) => fftMatmulConv32(c, inputs.x as Float32Array, inputs.h as Float32Array, c.N1, c.N2),
    plan: (c, inputs) => {
      const spec = 8 * 2 * c.channels * c.L;
      return {
        buffers: [
          { name: 'x', data: inputs.x, usage: 'storage' },
          { name: 'h', data: inputs.h, usage: 'storage' },
          { name: 'f1', data: interleave(dftMatrix(c.N1)), usage: 'storage' },
          { name: 'f2', data: interleave(dftMatrix(c.N2)), usage: 'storage' },
          { name: 'tw', data: interleave(twiddleMatrix(c.N1, c.N2)), usage: 'storage' },
          { name: 'specA', bytes: spec, usage: 'storage' },
          { name: 'specB', bytes: spec, usage: 'storage' },
          { name: 'y', bytes: 4 * c.channels * c.length, usage: 'storage' },
        ],
        dispatches: planDispatches(c),
        output: { buffer: 'y', type: 'f32', count: c.channels * c.length },
      };
    },
    baseline: directBaseline1d,
    work: (c) => ({ flops: matmulFlops(c), bytes: memoryOf(c).movedBytes }),
    extras: (c, inputs, output, ref) => {
      const epsilon = matmulFftEpsilon(c.N1, c.N2);
      const sequence = {
        ...sequenceError(c, inputs, output, ref.values, ref.bound, fftNormwiseBounds(c, inputs, c.L, epsilon, ref)),
        fftSize: c.L,
        factors: [c.N1, c.N2],
        epsilon,
      };
      if (c.channels * linearFftSize(c) <= CLASSIC_COMPARE_LIMIT) {
        // Against the classic FFT: the radix-2 Stockham algorithm in float32 on the same inputs.
        const classic = fftConv32(c, inputs.x as Float32Array, inputs.h as Float32Array, linearFftSize(c), 2);
        const m = computeMetrics(output, classic);
        const scales = channelScales(c, inputs);
        let normwise = 0;
        for (let ch = 0; ch < c.channels; ch++) {
          let e2 = 0;
          for (let t = 0; t < c.length; t++) e2 += (output[ch * c.length + t] - classic[ch * c.length + t]) ** 2;
          normwise = Math.max(normwise, Math.sqrt(e2) / (scales[ch] || 1));
        }
        return {
          family: 'conv',
          dims: '1d',
          memory: memoryOf(c),
          sequence: { ...sequence, againstClassic: { maxAbs: m.maxAbs, relFrobenius: m.relFrobenius, normwise } },
        };
      }
      return { family: 'conv', dims: '1d', memory: memoryOf(c), sequence };
    },
    notes: (c) => [
      `L = ${c.N1}·${c.N2} = ${c.L} (${c.L - (c.length + c.filter - 1)} zeros beyond N + K − 1; the radix FFT would pad to ${linearFftSize(c)}).`,
      `${c.N1 + c.N2} complex multiply-adds per value and transform, against log₂L ≈ ${Math.log2(c.L).toFixed(1)} butterflies for the radix-2 FFT: more arithmetic, in the shape matrix units run.`,
    ],
  },
  { dims: '1d', picture: 'dft-matrices', memory: memoryOf },
);
