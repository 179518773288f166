// Long 1-D convolution by FFT: zero-pad x and h to L ≥ N + K − 1 (so the circular convolution
// the FFT computes equals the linear one on the first N outputs), transform both with a radix-2/4
// Stockham FFT in WGSL, multiply pointwise, transform back, scale by 1/L. O(L log L) work per
// channel instead of O(N·K). Each stage is one dispatch that reads one buffer and writes the
// other (Stockham: no bit reversal), over all rows at once. Twiddles come from a table computed
// in float64 and rounded (WGSL's sin/cos are only accurate to about 2^-11).
// Index mapping: Govindaraju et al., SC 2008 (see numerics/fft.ts stockhamFft32, the same steps).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { classicFftEpsilon, fftConv32, fftConvBound, isPowerOfTwo, linearFftSize, type Conv1dShape } from '../../numerics/conv1d';
import { stockhamRadices, twiddleTable } from '../../numerics/fft';
import type { Inputs } from '../define';
import { int, paramSchema } from '../params';
import type { DispatchSpec, ReferenceResult } from '../types';
import {
  channelSpectra,
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
  truthNote,
  truthOf,
} from './common1d';
import { convMemory, defineConvVariant } from './facet';

interface FftConfig extends Conv1dShape {
  L: number;
  radix: 2 | 4;
  radices: number[];
  /** Why L cannot be used (the size was given and is not a power of two, or wraps around). */
  sizeProblems: string[];
}

/** The largest transform the variant offers (buffers of 2·C·L complex values). */
export const MAX_FFT = 1 << 22;

/** One Stockham stage: radix R, stride NS (the product of the radices before it), over `rows` rows. */
export function stageWgsl(L: number, R: number, NS: number, inverse: boolean, rows: number): string {
  const bindings = [
    readOnly('src', 'array<vec2<f32>>', 'rows of L complex values'),
    readWrite('dst', 'array<vec2<f32>>', 'rows of L complex values'),
    readOnly('tw', 'array<vec2<f32>>', 'exp(−2πi·t/L), t < L, float64 rounded'),
  ];
  const butterfly =
    R === 2
      ? `  let out0 = v0 + v1;
  let out1 = v0 - v1;`
      : `  // 4-point DFT: two levels of additions; the ${inverse ? '+i' : '−i'} factor only swaps and negates
  let t0 = v0 + v2;
  let t1 = v0 - v2;
  let t2 = v1 + v3;
  let d = v1 - v3;
  let t3 = vec2<f32>(${inverse ? '-d.y, d.x' : 'd.y, -d.x'});
  let out0 = t0 + t2;
  let out1 = t1 + t3;
  let out2 = t0 - t2;
  let out3 = t1 - t3;`;
  const loads = Array.from({ length: R }, (_, r) =>
    r === 0 ? `  let v0 = src[base + j];` : `  let v${r} = cmul(src[base + j + ${r}u * STRIDE], twiddle(${r === 1 ? 'step' : `${r}u * step`}));`,
  ).join('\n');
  const stores = Array.from({ length: R }, (_, r) => `  dst[base + d0 + ${r}u * NS] = out${r};`).join('\n');
  return /* wgsl */ `// Stockham FFT stage: radix ${R}, NS = ${NS}, ${inverse ? 'inverse' : 'forward'}, ${rows} rows
const L = ${L}u;
const R = ${R}u;
const NS = ${NS}u; // length of the sub-transforms already done
const STRIDE = ${L / R}u; // L / R: distance between the inputs of one butterfly
const ROWS = ${rows}u;

${declareBindings(bindings)}

fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// exp(${inverse ? '+' : '−'}2πi·t/L) from the forward table${inverse ? ' (conjugated)' : ''}
fn twiddle(t : u32) -> vec2<f32> {
  let w = tw[t];
  return vec2<f32>(w.x, ${inverse ? '-w.y' : 'w.y'});
}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let j = gid.x; // butterfly index, < L / R
  let row = gid.y;
  if (j >= STRIDE || row >= ROWS) { return; }
  let base = row * L;
  let k = j % NS; // position inside the current sub-transform
  let step = k * (L / (NS * R)); // table index of exp(∓2πi·k/(NS·R))
${loads}
${butterfly}
  let d0 = (j / NS) * NS * R + k; // expand(j, NS, R)
${stores}
}
`;
}

function fftPlanDispatches(c: FftConfig): DispatchSpec[] {
  const C = c.channels;
  const L = c.L;
  const dispatches: DispatchSpec[] = [];
  const stageBindings = (src: string, dst: string) => [
    readOnly('src', 'array<vec2<f32>>', 'rows of L complex values', src),
    readWrite('dst', 'array<vec2<f32>>', 'rows of L complex values', dst),
    readOnly('tw', 'array<vec2<f32>>', 'exp(−2πi·t/L), t < L, float64 rounded'),
  ];
  const packBindings = PACK_BINDINGS.map((b) => (b.name === 'spec' ? { ...b, buffer: 'specA' } : b));
  dispatches.push({ label: `conv1d fft pack L${L}`, wgsl: packWgsl(c, L), bindings: packBindings, workgroups: rowGrid(L, 2 * C) });
  let current = 'specA';
  const other = (b: string) => (b === 'specA' ? 'specB' : 'specA');
  const runStages = (inverse: boolean, rows: number) => {
    let NS = 1;
    for (const R of c.radices) {
      const next = other(current);
      dispatches.push({
        label: `conv1d fft ${inverse ? 'inverse' : 'forward'} radix ${R} NS ${NS}`,
        wgsl: stageWgsl(L, R, NS, inverse, rows),
        bindings: stageBindings(current, next),
        workgroups: rowGrid(L / R, rows),
      });
      current = next;
      NS *= R;
    }
  };
  runStages(false, 2 * C); // X and H together
  dispatches.push({
    label: 'conv1d fft pointwise product',
    wgsl: productWgsl(c, L),
    bindings: PRODUCT_BINDINGS.map((b) => ({ ...b, buffer: current })),
    workgroups: rowGrid(L, C),
  });
  runStages(true, C);
  dispatches.push({
    label: 'conv1d fft output',
    wgsl: outputWgsl(c, L),
    bindings: OUTPUT_BINDINGS.map((b) => (b.name === 'spec' ? { ...b, buffer: current } : b)),
    workgroups: rowGrid(c.length, C),
  });
  return dispatches;
}

/** Per channel, the normwise bound on ‖ŷ − truth‖₂, keyed by the per-element bound fftReference returned. */
const normwiseBounds = new WeakMap<Float64Array, number[]>();

/**
 * The normwise bounds per channel behind an FFT reference's per-element bound: fftConvBound plus
 * ‖the truth's own error‖₂ (triangle inequality). Recomputed when the reference is not one of ours.
 */
export function fftNormwiseBounds(s: Conv1dShape, inputs: Inputs, L: number, epsilon: number, ref: ReferenceResult): number[] {
  return (ref.bound && normwiseBounds.get(ref.bound)) ?? fftChannelBounds(s, inputs, L, epsilon);
}

function fftChannelBounds(s: Conv1dShape, inputs: Inputs, L: number, epsilon: number): number[] {
  const spectra = channelSpectra(s, inputs, L);
  return spectra.map((norms) => fftConvBound({ ...norms, epsilon, L }));
}

/** The FFT convolution bound (normwise, per channel; numerics/conv1d.ts fftConvBound), on every element. */
export function fftReference(s: Conv1dShape, inputs: Inputs, L: number, epsilon: number, what: string): ReferenceResult {
  const truth = truthOf(s, inputs);
  const perChannel = fftChannelBounds(s, inputs, L, epsilon);
  const bound = new Float64Array(truth.values.length);
  const normwise: number[] = [];
  for (let c = 0; c < s.channels; c++) {
    const b = perChannel[c];
    let own2 = 0;
    for (let t = 0; t < s.length; t++) {
      bound[c * s.length + t] = b + truth.ownError[c * s.length + t] + 1e-30;
      own2 += truth.ownError[c * s.length + t] ** 2;
    }
    normwise.push(b + Math.sqrt(own2));
  }
  normwiseBounds.set(bound, normwise);
  return {
    values: truth.values,
    bound,
    boundNote: `normwise: ‖error‖₂ per channel ≤ ε(‖x‖‖H‖∞ + ‖X‖∞‖h‖) + (ε + γ₂)‖y‖ + …, ${what} ε = ${epsilon.toExponential(2)}, applied to every element; ${truthNote(truth)}`,
    rows: s.channels,
    cols: s.length,
  };
}

const memoryOf = (c: FftConfig) => {
  const C = c.channels;
  const x = { name: 'x', bytes: 4 * C * c.length, role: 'input' as const, what: 'signals, channels × N' };
  const h = { name: 'h', bytes: 4 * C * c.filter, role: 'filter' as const, what: 'filters, channels × K' };
  const y = { name: 'y', bytes: x.bytes, role: 'output' as const, what: 'output, channels × N' };
  const spec = 8 * 2 * C * c.L;
  const tw = { name: 'tw', bytes: 8 * c.L, role: 'table' as const, what: `twiddle table, ${c.L} complex values` };
  const buffers = [
    x,
    h,
    y,
    tw,
    { name: 'specA', bytes: spec, role: 'workspace' as const, what: `2·C rows of L = ${c.L} complex values` },
    { name: 'specB', bytes: spec, role: 'workspace' as const, what: 'the other half of each Stockham stage' },
  ];
  const passes = [{ pass: 'pack (zero-pad)', readBytes: x.bytes + h.bytes, writeBytes: spec }];
  for (const R of c.radices) passes.push({ pass: `forward radix-${R} stage`, readBytes: spec + tw.bytes, writeBytes: spec });
  passes.push({ pass: 'pointwise product', readBytes: spec, writeBytes: spec / 2 });
  for (const R of c.radices) passes.push({ pass: `inverse radix-${R} stage`, readBytes: spec / 2 + tw.bytes, writeBytes: spec / 2 });
  passes.push({ pass: 'scale and output', readBytes: 8 * C * c.length, writeBytes: y.bytes });
  return convMemory(buffers, passes);
};

/** 5·L·log₂L flops per complex transform (the usual FFT count), 3·C transforms, and 6·L per product. */
const fftFlops = (c: FftConfig) => 3 * c.channels * 5 * c.L * Math.log2(c.L) + 6 * c.channels * c.L;

export const fftConv = defineConvVariant(
  {
    ...conv1dShared,
    id: 'fft',
    label: '1-D FFT convolution (radix-2/4 Stockham)',
    summary:
      'Zero-pads to a power of two L ≥ N + K − 1, FFTs x and h with radix-4 (and one radix-2) Stockham stages in WGSL, multiplies, and transforms back: O(L log L).',
    schema: paramSchema({
      ...CONV1D_SHAPE,
      radix: int('FFT radix', 4, 2, 4, { pow2: true, choices: [2, 4], help: '4: radix-4 stages and one radix-2 stage when log₂L is odd' }),
      fft: int('FFT size L (0 = the smallest power of two ≥ N + K − 1)', 0, 0, MAX_FFT),
    }),
    config: (v): FftConfig => {
      const s = conv1dConfig(v);
      const need = s.length + s.filter - 1;
      const L = v.fft === 0 ? linearFftSize(s) : v.fft;
      const sizeProblems: string[] = [];
      if (!isPowerOfTwo(L))
        sizeProblems.push(
          `the radix-2/4 FFT needs a power-of-two size; L = ${L} is not (the next is ${linearFftSize({ length: L, filter: 1 })}); the FFT as matrix multiplication takes any L = N1·N2`,
        );
      if (L < need) sizeProblems.push(`L = ${L} is less than N + K − 1 = ${need}: the circular convolution would wrap around into the outputs`);
      if (L > MAX_FFT) sizeProblems.push(`L = ${L} is above the largest transform offered here (${MAX_FFT})`);
      const radix = v.radix === 2 ? 2 : 4;
      return { ...s, L, radix, radices: sizeProblems.length ? [] : stockhamRadices(L, radix), sizeProblems };
    },
    limits: (c, caps) => {
      const shape = [...conv1dShapeProblems(c), ...c.sizeProblems];
      if (shape.length) return shape;
      return [...conv1dBufferProblems(caps, memoryOf(c)), ...rowGridProblems(caps, c.L, 2 * c.channels, 'the FFT passes')];
    },
    reference: (c, inputs) => fftReference(c, inputs, c.L, classicFftEpsilon(c.L), `radix-${c.radix} FFT of L = ${c.L},`),
    emulate: (c, inputs) => fftConv32(c, inputs.x as Float32Array, inputs.h as Float32Array, c.L, c.radix),
    plan: (c, inputs) => {
      const table = twiddleTable(c.L);
      const tw = new Float32Array(2 * c.L);
      for (let t = 0; t < c.L; t++) {
        tw[2 * t] = table.re[t];
        tw[2 * t + 1] = table.im[t];
      }
      const spec = 8 * 2 * c.channels * c.L;
      return {
        buffers: [
          { name: 'x', data: inputs.x, usage: 'storage' },
          { name: 'h', data: inputs.h, usage: 'storage' },
          { name: 'tw', data: tw, usage: 'storage' },
          { name: 'specA', bytes: spec, usage: 'storage' },
          { name: 'specB', bytes: spec, usage: 'storage' },
          { name: 'y', bytes: 4 * c.channels * c.length, usage: 'storage' },
        ],
        dispatches: fftPlanDispatches(c),
        output: { buffer: 'y', type: 'f32', count: c.channels * c.length },
      };
    },
    baseline: directBaseline1d,
    work: (c) => ({ flops: fftFlops(c), bytes: memoryOf(c).movedBytes }),
    extras: (c, inputs, output, ref) => ({
      family: 'conv',
      dims: '1d',
      memory: memoryOf(c),
      sequence: {
        ...sequenceError(c, inputs, output, ref.values, ref.bound, fftNormwiseBounds(c, inputs, c.L, classicFftEpsilon(c.L), ref)),
        fftSize: c.L,
        factors: c.radices,
        epsilon: classicFftEpsilon(c.L),
      },
    }),
    notes: (c) => [
      `L = ${c.L} = ${c.radices.join('·') || '?'}: ${c.radices.length} stages forward and ${c.radices.length} back; ${c.L - (c.length + c.filter - 1)} zeros of padding beyond N + K − 1.`,
    ],
  },
  { dims: '1d', picture: 'fft-stages', memory: memoryOf },
);
