// What the Mamba selective-scan (S6) variants share: shape parameters, seeded inputs, the float64
// reference and its bound (src/numerics/scan.ts, `s6Reference`), buffers and the WGSL that turns
// one token into the pair (ΔA, ΔBu) exactly as `selective_scan_ref` does:
//   Δ ← softplus(Δ + bias) (optional), ΔA = exp(Δ·A), ΔBu = Δ·B·u, x ← ΔA·x + ΔBu,
//   y = Σ_n C·x + D·u, y ·= silu(z) (optional); the last state is returned too.
// Output layout: one row per (batch, channel): y_0 … y_{L−1} followed by the last state x_0 … x_{N−1}.
import { s6Float32, s6Inputs, s6Reference, type S6Inputs, type S6Shape } from '../../numerics/scan';
import { checkBuffers, intParam } from '../schema';
import type { BufferSpec, DeviceCaps, GpuPlan, HostArray, KernelVariant, ParamDef, Params, ReferenceResult, WorkModel } from '../types';

export const S6_PARAMS: ParamDef[] = [
  { key: 'batch', label: 'Batch B', kind: 'int', default: 1, min: 1, max: 16, choices: [1, 2, 4] },
  { key: 'channels', label: 'Channels D', kind: 'int', default: 8, min: 1, max: 4096, choices: [1, 8, 64, 256, 1024] },
  { key: 'state', label: 'State size N', kind: 'int', default: 16, min: 1, max: 256, choices: [1, 4, 16, 64] },
  { key: 'length', label: 'Sequence length L', kind: 'int', default: 256, min: 1, max: 65536, choices: [1, 64, 256, 1024, 4096, 16384] },
  { key: 'gate', label: 'Gate y by silu(z)', kind: 'bool', default: true },
  { key: 'deltaBias', label: 'Add a Δ bias', kind: 'bool', default: true },
  { key: 'softplus', label: 'Δ ← softplus(Δ)', kind: 'bool', default: true },
];

export function s6ShapeOf(params: Params): S6Shape {
  return {
    batch: intParam(params, 'batch'),
    channels: intParam(params, 'channels'),
    state: intParam(params, 'state'),
    length: intParam(params, 'length'),
    hasZ: params.gate !== false,
    hasDeltaBias: params.deltaBias !== false,
    softplus: params.softplus !== false,
  };
}

export function makeS6Inputs(params: Params, seed: number): Record<string, HostArray> {
  return { ...s6Inputs(s6ShapeOf(params), seed) };
}

export function s6ReferenceWith(rightDepth: (params: Params) => number) {
  return (params: Params, inputs: Record<string, HostArray>): ReferenceResult => {
    const shape = s6ShapeOf(params);
    const R = rightDepth(params);
    const ref = s6Reference(shape, inputs as unknown as S6Inputs, R);
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

export function s6Work(params: Params): WorkModel {
  const { batch, channels, state, length, hasZ } = s6ShapeOf(params);
  const tokens = batch * channels * length;
  // Per token and state: exp, 3 multiplies, a multiply-add (state), a multiply-add (C·x).
  const flops = tokens * state * 8 + tokens * 6;
  const bytes = 4 * (tokens * (hasZ ? 4 : 3) + 2 * batch * state * length + channels * (state + 2) + batch * channels * state);
  return { flops, bytes };
}

export function s6ShapeLabel(params: Params): string {
  const s = s6ShapeOf(params);
  return `B${s.batch} D${s.channels} N${s.state} L${s.length}`;
}

export function s6BufferChecks(params: Params, caps: DeviceCaps): string[] {
  const s = s6ShapeOf(params);
  return checkBuffers(caps, [
    ['u, Δ, z', 4 * s.batch * s.channels * s.length],
    ['B, C', 4 * s.batch * s.state * s.length],
    ['output (y and last state)', 4 * s.batch * s.channels * (s.length + s.state)],
  ]);
}

/** Input buffers (z and the Δ bias only when used), plus the output. */
export function s6Buffers(params: Params, inputs: Record<string, HostArray>): { buffers: BufferSpec[]; names: string[] } {
  const s = s6ShapeOf(params);
  const names = ['u', 'delta', 'A', 'B', 'C', 'D'];
  if (s.hasZ) names.push('z');
  if (s.hasDeltaBias) names.push('deltaBias');
  const buffers: BufferSpec[] = names.map((name) => ({ name, data: inputs[name], usage: 'storage' }));
  buffers.push({ name: 'out', bytes: 4 * s.batch * s.channels * (s.length + s.state), usage: 'storage' });
  return { buffers, names };
}

/** WGSL name → buffer name of every S6 input. */
const S6_INPUT_BUFFERS: Record<string, string> = { u: 'u', delta: 'delta', A: 'A', Bm: 'B', Cm: 'C', Dskip: 'D', z: 'z', deltaBias: 'deltaBias' };

/**
 * Declarations (read-only inputs, then the given read-write buffers) and the matching binding
 * list, for the inputs a shader uses: `withOutput` adds C, D and z (needed to form y).
 */
export function s6Bindings(
  shape: S6Shape,
  withOutput: boolean,
  extra: { wgsl: string; buffer: string; type: string; access: 'read' | 'read_write' }[],
): { declarations: string; bindings: string[] } {
  const names = ['u', 'delta', 'A', 'Bm'];
  if (withOutput) names.push('Cm', 'Dskip');
  if (withOutput && shape.hasZ) names.push('z');
  if (shape.hasDeltaBias) names.push('deltaBias');
  const lines = names.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n} : array<f32>;`);
  const bindings = names.map((n) => S6_INPUT_BUFFERS[n]);
  for (const e of extra) {
    lines.push(`@group(0) @binding(${bindings.length}) var<storage, ${e.access}> ${e.wgsl} : ${e.type};`);
    bindings.push(e.buffer);
  }
  return { declarations: lines.join('\n'), bindings };
}

/** Sizes and the per-token helpers; the including shader declares the inputs (see s6Bindings). */
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

export function s6Extras(params: Params, inputs: Record<string, HostArray>, output: HostArray, ref: ReferenceResult) {
  const shape = s6ShapeOf(params);
  const { state: N, length: L } = shape;
  // States over time for channel (b = 0, d = 0) from the float64 reference (the kernels only
  // return the last state), ≤ 256 time columns.
  const full = s6Reference(shape, inputs as unknown as S6Inputs, 1).states00;
  const stride = Math.max(1, Math.ceil(L / 256));
  const times: number[] = [];
  for (let t = 0; t < L; t += stride) times.push(t);
  const states: number[][] = [];
  for (let n = 0; n < N; n++) states.push(times.map((t) => full[n * L + t]));
  // |y error| and its bound over time for channel (0, 0).
  const yError = times.map((t) => Math.abs(output[t] - ref.values[t]));
  const yBound = times.map((t) => (ref.bound ? ref.bound[t] : 0));
  const lastStateError = Array.from({ length: N }, (_, n) => Math.abs(output[L + n] - ref.values[L + n]));
  return { kind: 's6', stateHeatmap: { times, states, source: 'float64 reference, batch 0, channel 0' }, yError, yBound, lastStateError };
}

export const s6Common = {
  family: 'scan',
  makeInputs: makeS6Inputs,
  emulate(params: Params, inputs: Record<string, HostArray>) {
    return s6Float32(s6ShapeOf(params), inputs as unknown as S6Inputs);
  },
  work: s6Work,
  shapeLabel: s6ShapeLabel,
  extras: s6Extras,
} satisfies Partial<KernelVariant>;

/** Shape, chunk length T and chunk count of the chunked S6 variants. */
export function s6ChunkConfig(params: Params) {
  const shape = s6ShapeOf(params);
  const T = intParam(params, 'chunk');
  return { shape, T, chunks: Math.max(1, Math.ceil(shape.length / T)) };
}

type PassWgsl = { wgsl: string; bindings: string[] };

/**
 * The three-pass plan both chunked S6 forms share: per-chunk totals (a workgroup per chunk and
 * row), a walk over chunks for the entering states (one per row), then the outputs.
 */
export function s6ChunkedPlan(
  params: Params,
  inputs: Record<string, HostArray>,
  name: string,
  passes: { totals: PassWgsl; states: PassWgsl; statesLabel: string; outputs: PassWgsl },
): GpuPlan {
  const { shape, T, chunks } = s6ChunkConfig(params);
  const { buffers } = s6Buffers(params, inputs);
  const rows = shape.batch * shape.channels;
  return {
    buffers: [
      ...buffers,
      { name: 'chunkTotals', bytes: 8 * rows * shape.state * chunks, usage: 'storage' },
      { name: 'chunkStates', bytes: 4 * rows * shape.state * chunks, usage: 'storage' },
    ],
    dispatches: [
      { label: `${name} T${T}: chunk totals`, wgsl: passes.totals.wgsl, bindings: passes.totals.bindings, workgroups: [chunks, rows] },
      { label: `${name} T${T}: ${passes.statesLabel}`, wgsl: passes.states.wgsl, bindings: passes.states.bindings, workgroups: [rows] },
      { label: `${name} T${T}: outputs`, wgsl: passes.outputs.wgsl, bindings: passes.outputs.bindings, workgroups: [chunks, rows] },
    ],
    output: { buffer: 'out', type: 'f32', count: rows * (shape.length + shape.state) },
  };
}
