// What the Mamba selective-scan (S6) variants share: shape parameters, seeded inputs, the float64
// reference and its bound (src/numerics/scan.ts, `s6Reference`), buffers and the WGSL that turns
// one token into the pair (ΔA, ΔBu) exactly as `selective_scan_ref` does:
//   Δ ← softplus(Δ + bias) (optional), ΔA = exp(Δ·A), ΔBu = Δ·B·u, x ← ΔA·x + ΔBu,
//   y = Σ_n C·x + D·u, y ·= silu(z) (optional); the last state is returned too.
// Output layout: one row per (batch, channel): y_0 … y_{L−1} followed by the last state x_0 … x_{N−1}.
import { readOnly, readWrite } from '../../gpu/bindings';
import { s6Float32, s6Inputs, s6Reference, type S6Inputs, type S6Shape } from '../../numerics/scan';
import type { Inputs } from '../define';
import { SSM_INITS, type SsmInit } from '../../numerics/ssmInit';
import { flag, int, oneOf, type Decoded } from '../params';
import { checkBuffers } from '../schema';
import type { Binding, BufferSpec, DeviceCaps, DispatchSpec, GpuPlan, HostArray, ReferenceResult, WorkModel } from '../types';
import { float32Input } from './common';
import type { S6Extras } from './extras';
import { s6Ssm } from './ssmExtras';

export const S6_FIELDS = {
  batch: int('Batch B', 1, 1, 16, { choices: [1, 2, 4] }),
  channels: int('Channels D', 8, 1, 4096, { choices: [1, 8, 64, 256, 1024] }),
  state: int('State size N', 16, 1, 256, { choices: [1, 4, 16, 64] }),
  length: int('Sequence length L', 256, 1, 65536, { choices: [1, 64, 256, 1024, 4096, 16384] }),
  gate: flag('Gate y by silu(z)', true),
  deltaBias: flag('Add a Δ bias', true),
  softplus: flag('Δ ← softplus(Δ)', true),
  init: oneOf<SsmInit>(
    'Initialisation of A',
    's4d-real',
    SSM_INITS.map((i) => [i.value, i.label]),
    "The S6 kernels are real (as Mamba's for language): a complex initialisation enters as the real parts of its eigenvalues, A_n = Re λ_n.",
  ),
};

/** The decoded S6_FIELDS (configs annotate their argument with it; see ScanShapeValues in common.ts). */
export type S6Values = Decoded<typeof S6_FIELDS>;

export function s6Shape(v: S6Values): S6Shape {
  return {
    batch: v.batch,
    channels: v.channels,
    state: v.state,
    length: v.length,
    hasZ: v.gate,
    hasDeltaBias: v.deltaBias,
    softplus: v.softplus,
    init: v.init,
  };
}

/** The inputs as the float64 reference reads them. */
export function s6InputsOf(inputs: Inputs): S6Inputs {
  const f = (name: string) => float32Input(inputs, name);
  return { u: f('u'), delta: f('delta'), A: f('A'), B: f('B'), C: f('C'), D: f('D'), z: f('z'), deltaBias: f('deltaBias') };
}

/** The reference for a variant whose terms are the right operand of ∘ at most `rightDepth` times. */
export function s6ReferenceWith(rightDepth: number) {
  return (shape: S6Shape, inputs: Inputs): ReferenceResult => {
    const R = rightDepth;
    const ref = s6Reference(shape, s6InputsOf(inputs), R);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote:
        `first-order float32 bound: WGSL's exp/log/÷ accuracy for Δ, ΔA, ΔBu, carried through the recurrence ` +
        `(scan rounding with R = ${R}), then γ_{N+1} for y = Σ C·x + D·u and the silu gate`,
      rows: shape.batch * shape.channels,
      cols: shape.length + shape.state,
    };
  };
}

export function s6Work(s: S6Shape): WorkModel {
  const { batch, channels, state, length, hasZ } = s;
  const tokens = batch * channels * length;
  // Per token and state: exp, 3 multiplies, a multiply-add (state), a multiply-add (C·x).
  const flops = tokens * state * 8 + tokens * 6;
  const bytes = 4 * (tokens * (hasZ ? 4 : 3) + 2 * batch * state * length + channels * (state + 2) + batch * channels * state);
  return { flops, bytes };
}

export function s6ShapeLabel(s: S6Shape): string {
  return `B${s.batch} D${s.channels} N${s.state} L${s.length}`;
}

export function s6BufferChecks(s: S6Shape, caps: DeviceCaps): string[] {
  return checkBuffers(caps, [
    ['u, Δ, z', 4 * s.batch * s.channels * s.length],
    ['B, C', 4 * s.batch * s.state * s.length],
    ['output (y and last state)', 4 * s.batch * s.channels * (s.length + s.state)],
  ]);
}

/** Input buffers (z and the Δ bias only when used), plus the output. */
export function s6Buffers(s: S6Shape, inputs: Inputs): BufferSpec[] {
  const names = ['u', 'delta', 'A', 'B', 'C', 'D'];
  if (s.hasZ) names.push('z');
  if (s.hasDeltaBias) names.push('deltaBias');
  const buffers: BufferSpec[] = names.map((name) => ({ name, data: inputs[name], usage: 'storage' }));
  buffers.push({ name: 'out', bytes: 4 * s.batch * s.channels * (s.length + s.state), usage: 'storage' });
  return buffers;
}

export function s6Output(s: S6Shape): GpuPlan['output'] {
  return { buffer: 'out', type: 'f32', count: s.batch * s.channels * (s.length + s.state) };
}

// The S6 inputs as shaders bind them. B, C and D are bound as Bm, Cm and Dskip: the header's D is
// the channel count.
const U = readOnly('u', 'array<f32>', 'u (batch, D, L)');
const DELTA = readOnly('delta', 'array<f32>', 'Δ before bias and softplus (batch, D, L)');
const A_MATRIX = readOnly('A', 'array<f32>', 'A (D, N)');
const B_INPUT = readOnly('Bm', 'array<f32>', 'B (batch, N, L)', 'B');
const C_INPUT = readOnly('Cm', 'array<f32>', 'C (batch, N, L)', 'C');
const D_SKIP = readOnly('Dskip', 'array<f32>', 'D, the skip weight (D)', 'D');
const Z_GATE = readOnly('z', 'array<f32>', 'z, the gate (batch, D, L)');
const DELTA_BIAS = readOnly('deltaBias', 'array<f32>', 'Δ bias (D)');

/** The output rows: y_0 … y_{L−1} then the last state x_0 … x_{N−1}, per (batch, channel). */
export const OUT_BINDING = readWrite('out', 'array<f32>', 'per (batch, channel): y_0 … y_{L−1}, then the last state');
export const CHUNK_TOTALS_OUT = readWrite('chunkTotals', 'array<vec2f>', 'per (row, n, chunk): (Π ΔA, state from 0)');
export const CHUNK_TOTALS_IN = readOnly('chunkTotals', 'array<vec2f>', 'per (row, n, chunk): (Π ΔA, state from 0)');
export const CHUNK_STATES_OUT = readWrite('chunkStates', 'array<f32>', 'per (row, n, chunk): the state entering the chunk');
export const CHUNK_STATES_IN = readOnly('chunkStates', 'array<f32>', 'per (row, n, chunk): the state entering the chunk');

/**
 * The read-only inputs a shader uses: u, Δ, A, B (and the Δ bias when used); `withOutput` adds C,
 * D and z (needed to form y). The shader's own outputs follow.
 */
export function s6InputBindings(shape: S6Shape, withOutput: boolean): Binding[] {
  const bindings = [U, DELTA, A_MATRIX, B_INPUT];
  if (withOutput) bindings.push(C_INPUT, D_SKIP);
  if (withOutput && shape.hasZ) bindings.push(Z_GATE);
  if (shape.hasDeltaBias) bindings.push(DELTA_BIAS);
  return bindings;
}

/** Sizes and the per-token helpers; the including shader declares the inputs (see s6InputBindings). */
export function s6TokenWgsl(shape: S6Shape, withOutput: boolean): string {
  const biasLine = shape.hasDeltaBias ? 'dt = dt + deltaBias[d];' : '';
  const softplusLine = shape.softplus
    ? `// softplus with torch's threshold: above 20 it returns its argument.
  if (dt <= 20.0) {
    dt = log(1.0 + exp(dt));
  }`
    : '';
  const finishWgsl = outputWgsl(shape);
  return /* wgsl */ `
const BATCH = ${shape.batch}u;
const D = ${shape.channels}u;
const N = ${shape.state}u;
const L = ${shape.length}u;
const ROW = L + N; // output row: y_0 … y_{L−1}, then the last state

// Δ for token i of channel d.
fn stepSize(d : u32, i : u32) -> f32 {
  var dt = delta[i];
  ${biasLine}
  ${softplusLine}
  return dt;
}
${withOutput ? finishWgsl : ''}`;
}

function outputWgsl(shape: S6Shape): string {
  const gateLines = shape.hasZ
    ? `let zv = z[i];
  return y * (zv / (1.0 + exp(-zv))); // y · silu(z)`
    : 'return y;';
  return /* wgsl */ `
// y for token i of channel d from Σ_n C·x (already summed): + D·u, then the gate.
fn finishOutput(d : u32, i : u32, sumCx : f32, uv : f32) -> f32 {
  let y = sumCx + Dskip[d] * uv;
  ${gateLines}
}
`;
}

export function s6Extras(shape: S6Shape, inputs: Inputs, output: HostArray, ref: ReferenceResult): S6Extras {
  const { state: N, length: L } = shape;
  // States over time for channel (b = 0, d = 0) from the float64 reference (the kernels only
  // return the last state), ≤ 256 time columns.
  const full = s6Reference(shape, s6InputsOf(inputs), 1).states00;
  const stride = Math.max(1, Math.ceil(L / 256));
  const times: number[] = [];
  for (let t = 0; t < L; t += stride) times.push(t);
  const states: number[][] = [];
  for (let n = 0; n < N; n++) states.push(times.map((t) => full[n * L + t]));
  // |y error| and its bound over time for channel (0, 0).
  const yError = times.map((t) => Math.abs(output[t] - ref.values[t]));
  const yBound = times.map((t) => (ref.bound ? ref.bound[t] : 0));
  const lastStateError = Array.from({ length: N }, (_, n) => Math.abs(output[L + n] - ref.values[L + n]));
  const ssm = s6Ssm(shape, s6InputsOf(inputs), output, ref);
  return { family: 'scan', kind: 's6', stateHeatmap: { times, states, source: 'float64 reference, batch 0, channel 0' }, yError, yBound, lastStateError, ssm };
}

/**
 * The members every S6 variant written with defineVariant takes as they are. No `baseline`: the
 * selective scan moves its own compulsory bytes, which no copy of a and b matches.
 */
export const s6Shared = {
  family: 'scan' as const,
  inputs: (s: S6Shape, seed: number): Inputs => ({ ...s6Inputs(s, seed) }),
  emulate: (s: S6Shape, inputs: Inputs) => s6Float32(s, s6InputsOf(inputs)),
  work: s6Work,
  shape: s6ShapeLabel,
  extras: s6Extras,
};

/** Shape, chunk length T and chunk count of the chunked S6 variants. */
export interface S6ChunkConfig extends S6Shape {
  /** Tokens per chunk. */
  T: number;
  chunks: number;
  /** Rows of the output: batch × channels. */
  rows: number;
}

export function s6ChunkConfig(v: S6Values & { chunk: number }): S6ChunkConfig {
  const shape = s6Shape(v);
  return { ...shape, T: v.chunk, chunks: Math.max(1, Math.ceil(shape.length / v.chunk)), rows: shape.batch * shape.channels };
}

type Pass = Pick<DispatchSpec, 'wgsl' | 'bindings'>;

/**
 * The three-pass plan both chunked S6 forms share: per-chunk totals (a workgroup per chunk and
 * row), a walk over chunks for the entering states (one per row), then the outputs. Only the
 * generated shaders differ.
 */
export function s6ChunkedPlan(
  cfg: S6ChunkConfig,
  inputs: Inputs,
  name: string,
  passes: { totals: Pass; states: Pass; statesLabel: string; outputs: Pass },
): GpuPlan {
  const { T, chunks, rows } = cfg;
  return {
    buffers: [
      ...s6Buffers(cfg, inputs),
      { name: 'chunkTotals', bytes: 8 * rows * cfg.state * chunks, usage: 'storage' },
      { name: 'chunkStates', bytes: 4 * rows * cfg.state * chunks, usage: 'storage' },
    ],
    dispatches: [
      { label: `${name} T${T}: chunk totals`, ...passes.totals, workgroups: [chunks, rows] },
      { label: `${name} T${T}: ${passes.statesLabel}`, ...passes.states, workgroups: [rows] },
      { label: `${name} T${T}: outputs`, ...passes.outputs, workgroups: [chunks, rows] },
    ],
    output: s6Output(cfg),
  };
}
