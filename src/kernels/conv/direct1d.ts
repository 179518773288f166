// Long 1-D convolution, direct: y_c[t] = Σ_{j ≤ min(K−1, t)} h_c[j]·x_c[t−j], each invocation
// computing four consecutive outputs from one filter load per tap and a window of x that slides
// by one new load per tap. O(N·K) work — quadratic when the filter is as long as the sequence —
// but no workspace and the tightest error: a float32 dot product of at most K terms per output
// (the window's zeros before t = 0 add exact zero products).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { conv1dDirect32, directMacs, type Conv1dShape } from '../../numerics/conv1d';
import { paramSchema } from '../params';
import type { ReferenceResult } from '../types';
import {
  CONV1D_SHAPE,
  conv1dBufferProblems,
  conv1dConfig,
  conv1dShapeProblems,
  conv1dShared,
  FFT_WG,
  rowGrid,
  rowGridProblems,
  sequenceError,
  truthNote,
  truthOf,
} from './common1d';
import { convMemory, defineConvVariant } from './facet';

const BINDINGS = [
  readOnly('x', 'array<f32>', 'signals, channels × N'),
  readOnly('h', 'array<f32>', 'filters, channels × K'),
  readWrite('y', 'array<f32>', 'output, channels × N'),
];

/** Outputs per invocation: four consecutive t share each loaded filter tap and a sliding window of x. */
export const OUTPUTS_PER_INVOCATION = 4;

export function direct1dWgsl(s: Conv1dShape): string {
  return /* wgsl */ `// direct causal 1-D convolution: each invocation computes outputs t0…t0+3 of one channel
const N = ${s.length}u;
const K = ${s.filter}u;

${declareBindings(BINDINGS)}

fn xAt(row : u32, t : u32) -> f32 {
  if (t < N) { return x[row + t]; }
  return 0.0; // past the end: only feeds outputs that are not stored
}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let t0 = gid.x * 4u;
  let c = gid.y;
  if (t0 >= N) { return; }
  let xRow = c * N;
  let hRow = c * K;
  // win.e = x[t0 + e − j] for the current tap j (zero before the start: the convolution is causal)
  var win = vec4<f32>(xAt(xRow, t0), xAt(xRow, t0 + 1u), xAt(xRow, t0 + 2u), xAt(xRow, t0 + 3u));
  var acc = vec4<f32>(0.0);
  let taps = min(K, t0 + 4u); // no output here has more taps than this
  for (var j = 0u; j < taps; j++) {
    acc = fma(vec4<f32>(h[hRow + j]), win, acc); // one filter load, four multiply-adds
    var next = 0.0;
    if (t0 >= j + 1u) { next = x[xRow + t0 - j - 1u]; }
    win = vec4<f32>(next, win.x, win.y, win.z); // slide: one new input per tap
  }
  for (var e = 0u; e < 4u; e++) {
    if (t0 + e < N) { y[xRow + t0 + e] = acc[e]; }
  }
}
`;
}

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

/**
 * |ŷ_t − y_t| ≤ γ_n·Σ_j |h_j·x_{t−j}| with n = min(K, t + 1) terms (Higham §3.1), plus u·|y_t|
 * for the final rounding and the truth's own error (zero-ish for the direct float64 sum).
 */
function direct1dReference(s: Conv1dShape, inputs: Record<string, Float32Array | Uint32Array | Int32Array>): ReferenceResult {
  const truth = truthOf(s, inputs);
  const bound = new Float64Array(truth.values.length);
  for (let c = 0; c < s.channels; c++) {
    for (let t = 0; t < s.length; t++) {
      const i = c * s.length + t;
      bound[i] = gamma(Math.min(s.filter, t + 1)) * truth.absSum[i] + U * Math.abs(truth.values[i]) + truth.ownError[i] + 1e-30;
    }
  }
  return {
    values: truth.values,
    bound,
    boundNote: `|error| ≤ γ_n·Σ|h·x|, n = min(K, t+1) ≤ ${s.filter} terms; ${truthNote(truth)}`,
    rows: s.channels,
    cols: s.length,
  };
}

const memoryOf = (s: Conv1dShape) => {
  const x = { name: 'x', bytes: 4 * s.channels * s.length, role: 'input' as const, what: 'signals, channels × N' };
  const h = { name: 'h', bytes: 4 * s.channels * s.filter, role: 'filter' as const, what: 'filters, channels × K' };
  const y = { name: 'y', bytes: x.bytes, role: 'output' as const, what: 'output, channels × N' };
  return convMemory([x, h, y], [{ pass: 'direct convolution', readBytes: x.bytes + h.bytes, writeBytes: y.bytes }]);
};

export const direct1d = defineConvVariant(
  {
    ...conv1dShared,
    id: 'direct-1d',
    label: '1-D direct, O(N·K)',
    summary:
      'Long 1-D convolution walking all K filter taps for each output (four outputs per invocation share each tap): quadratic work when K = N, no workspace.',
    schema: paramSchema(CONV1D_SHAPE),
    config: conv1dConfig,
    limits: (s, caps) => {
      const shape = conv1dShapeProblems(s);
      return shape.length
        ? shape
        : [
            ...conv1dBufferProblems(caps, memoryOf(s)),
            ...rowGridProblems(caps, Math.ceil(s.length / OUTPUTS_PER_INVOCATION), s.channels, 'four outputs per invocation'),
          ];
    },
    reference: direct1dReference,
    emulate: (s, inputs) => conv1dDirect32(s, inputs.x as Float32Array, inputs.h as Float32Array),
    plan: (s, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'h', data: inputs.h, usage: 'storage' },
        { name: 'y', bytes: 4 * s.channels * s.length, usage: 'storage' },
      ],
      dispatches: [
        {
          label: `conv1d direct N${s.length} K${s.filter}`,
          wgsl: direct1dWgsl(s),
          bindings: BINDINGS,
          workgroups: rowGrid(Math.ceil(s.length / OUTPUTS_PER_INVOCATION), s.channels),
        },
      ],
      output: { buffer: 'y', type: 'f32', count: s.channels * s.length },
    }),
    work: (s) => ({ flops: 2 * directMacs(s), bytes: memoryOf(s).movedBytes }),
    extras: (s, inputs, output, ref) => ({
      family: 'conv',
      dims: '1d',
      memory: memoryOf(s),
      sequence: sequenceError(s, inputs, output, ref.values, ref.bound),
    }),
    role: 'baseline',
    notes: (s) => [`${directMacs(s)} multiply-adds: K per output once t ≥ K − 1.`],
  },
  { dims: '1d', picture: 'sliding', memory: memoryOf },
);
