// Long 1-D convolution, direct: one invocation per output y_c[t] = Σ_{j ≤ min(K−1, t)} h_c[j]·x_c[t−j].
// O(N·K) work — quadratic when the filter is as long as the sequence — but no workspace and the
// tightest error: a float32 dot product of at most K terms.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { conv1dDirect32, directMacs, type Conv1dShape } from '../../numerics/conv1d';
import { paramSchema } from '../params';
import type { ReferenceResult } from '../types';
import { CONV1D_SHAPE, conv1dBufferProblems, conv1dConfig, conv1dShapeProblems, conv1dShared, FFT_WG, rowGrid, rowGridProblems, sequenceError, truthNote, truthOf } from './common1d';
import { convMemory, defineConvVariant } from './facet';

const BINDINGS = [readOnly('x', 'array<f32>', 'signals, channels × N'), readOnly('h', 'array<f32>', 'filters, channels × K'), readWrite('y', 'array<f32>', 'output, channels × N')];

export function direct1dWgsl(s: Conv1dShape): string {
  return /* wgsl */ `// direct causal 1-D convolution: one invocation per output
const N = ${s.length}u;
const K = ${s.filter}u;

${declareBindings(BINDINGS)}

@compute @workgroup_size(${FFT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let t = gid.x;
  let c = gid.y;
  if (t >= N) { return; }
  let xRow = c * N;
  let hRow = c * K;
  let taps = min(K, t + 1u); // x[t − j] = 0 for j > t
  var acc = 0.0;
  for (var j = 0u; j < taps; j++) {
    acc = fma(h[hRow + j], x[xRow + t - j], acc);
  }
  y[xRow + t] = acc;
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
  return { values: truth.values, bound, boundNote: `|error| ≤ γ_n·Σ|h·x|, n = min(K, t+1) ≤ ${s.filter} terms; ${truthNote(truth)}`, rows: s.channels, cols: s.length };
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
    summary: 'Long 1-D convolution, one invocation per output walking all K filter taps: quadratic work when K = N, no workspace.',
    schema: paramSchema(CONV1D_SHAPE),
    config: conv1dConfig,
    limits: (s, caps) => {
      const shape = conv1dShapeProblems(s);
      return shape.length ? shape : [...conv1dBufferProblems(caps, memoryOf(s)), ...rowGridProblems(caps, s.length, s.channels, 'one invocation per output')];
    },
    reference: direct1dReference,
    emulate: (s, inputs) => conv1dDirect32(s, inputs.x as Float32Array, inputs.h as Float32Array),
    plan: (s, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'h', data: inputs.h, usage: 'storage' },
        { name: 'y', bytes: 4 * s.channels * s.length, usage: 'storage' },
      ],
      dispatches: [{ label: `conv1d direct N${s.length} K${s.filter}`, wgsl: direct1dWgsl(s), bindings: BINDINGS, workgroups: rowGrid(s.length, s.channels) }],
      output: { buffer: 'y', type: 'f32', count: s.channels * s.length },
    }),
    work: (s) => ({ flops: 2 * directMacs(s), bytes: memoryOf(s).movedBytes }),
    extras: (s, inputs, output, ref) => ({ family: 'conv', dims: '1d', memory: memoryOf(s), sequence: sequenceError(s, inputs, output, ref.values, ref.bound) }),
    role: 'baseline',
    notes: (s) => [`${directMacs(s)} multiply-adds: K per output once t ≥ K − 1.`],
  },
  { dims: '1d', picture: 'sliding', memory: memoryOf },
);
