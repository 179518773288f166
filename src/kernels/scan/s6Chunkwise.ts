// Selective scan in chunkwise ("matrix") form, after Mamba-2's state-space duality
// (ssd_minimal.py) and gated linear attention's chunkwise form: inside a chunk of T tokens the
// outputs are a masked, decay-weighted product
//   y_t = Σ_{s≤t} [Σ_n C_t,n·B_s,n·exp(A_n·seg(s,t))]·(Δ_s·u_s)  +  Σ_n C_t,n·exp(A_n·seg(c0−1,t))·x_in,n  + D·u_t
// with the stable segment sums seg(s, t) = Σ_{r∈(s,t]} Δ_r (no differences of cumulative sums), and
// only the chunk-to-chunk state passing is a recurrence. In Mamba-2, A is one scalar per head, so
// the bracket is (C·Bᵀ) ⊙ decay mask, a true matmul; with S6's per-state A it stays a contraction
// over n inside the mask. Work grows as T²·N per chunk (T·N for the scan): the trade the matrix
// form makes to use matmul-shaped work. Passes:
//   1. chunk totals (exp(A_n·Σ Δ), end state from 0) as sums over the chunk (one invocation per n);
//   2. walk the chunks: entering states and the last state (one invocation per (channel, n));
//   3. outputs: one invocation per token t of a chunk, summing over s ≤ t and n.
// Bound: s6ChunkwiseBound in src/numerics/scan.ts.
import { s6ChunkwiseBound, s6Reference, type S6Inputs, type S6Shape } from '../../numerics/scan';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { KernelVariant } from '../types';
import { chunkConst, s6ChunkStatesWgsl } from './s6Chunked';
import { S6_PARAMS, s6ChunkConfig, s6ChunkedPlan, s6Bindings, s6BufferChecks, s6Common, s6TokenWgsl } from './s6common';

export function s6ChunkwiseTotalsWgsl(shape: S6Shape, T: number, chunks: number) {
  const { declarations, bindings } = s6Bindings(shape, false, [{ wgsl: 'chunkTotals', buffer: 'chunkTotals', type: 'array<vec2f>', access: 'read_write' }]);
  const wgsl = /* wgsl */ `${declarations}
${s6TokenWgsl(shape, false)}${chunkConst(T, chunks)}
@compute @workgroup_size(${shape.state})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let n = lid.x;
  let chunk = wid.x;
  let row = wid.y;
  let batch = row / D;
  let d = row % D;
  let An = A[d * N + n];
  let first = chunk * T;
  let last = min(L, first + T) - 1u;
  var seg = 0.0;      // Σ Δ_r over (s, last]
  var endState = 0.0; // Σ_s exp(A_n·seg(s, last))·B_s,n·Δ_s·u_s
  for (var s = i32(last); s >= i32(first); s--) {
    let i = row * L + u32(s);
    let dt = stepSize(d, i);
    endState += Bm[(batch * N + n) * L + u32(s)] * exp(An * seg) * (dt * u[i]);
    seg += dt;
  }
  chunkTotals[(row * N + n) * CHUNKS + chunk] = vec2f(exp(An * seg), endState);
}
`;
  return { wgsl, bindings };
}

export function s6ChunkwiseOutputWgsl(shape: S6Shape, T: number, chunks: number) {
  const { declarations, bindings } = s6Bindings(shape, true, [
    { wgsl: 'chunkStates', buffer: 'chunkStates', type: 'array<f32>', access: 'read' },
    { wgsl: 'out', buffer: 'out', type: 'array<f32>', access: 'read_write' },
  ]);
  const wgsl = /* wgsl */ `${declarations}
${s6TokenWgsl(shape, true)}${chunkConst(T, chunks)}
// The chunk's Δ, Δ·u and B (T × N), the entering state and A, staged once for all T tokens.
var<workgroup> stepShared : array<f32, T>;
var<workgroup> stepUShared : array<f32, T>;
var<workgroup> bShared : array<f32, ${T * shape.state}>;
var<workgroup> stateIn : array<f32, N>;
var<workgroup> aShared : array<f32, N>;

@compute @workgroup_size(${T})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let k = lid.x; // token within the chunk
  let chunk = wid.x;
  let row = wid.y;
  let batch = row / D;
  let d = row % D;
  let first = chunk * T;
  let t = first + k;
  let valid = t < L;
  var dt = 0.0;
  var uv = 0.0;
  if (valid) {
    dt = stepSize(d, row * L + t);
    uv = u[row * L + t];
  }
  stepShared[k] = dt;
  stepUShared[k] = dt * uv;
  for (var n = 0u; n < N; n++) {
    var bv = 0.0;
    if (valid) {
      bv = Bm[(batch * N + n) * L + t];
    }
    bShared[k * N + n] = bv;
  }
  for (var n = k; n < N; n += T) {
    stateIn[n] = chunkStates[(row * N + n) * CHUNKS + chunk];
    aShared[n] = A[d * N + n];
  }
  workgroupBarrier();
  if (!valid) {
    return;
  }
  var sum = 0.0;
  var seg = 0.0; // Σ Δ_r over (s, t]
  for (var s = i32(k); s >= 0; s--) {
    let j = u32(s);
    for (var n = 0u; n < N; n++) {
      sum += Cm[(batch * N + n) * L + t] * bShared[j * N + n] * exp(aShared[n] * seg) * stepUShared[j];
    }
    seg += stepShared[j];
  }
  // The state entering the chunk, decayed over Δ_first … Δ_t.
  for (var n = 0u; n < N; n++) {
    sum += Cm[(batch * N + n) * L + t] * exp(aShared[n] * seg) * stateIn[n];
  }
  out[row * ROW + t] = finishOutput(d, row * L + t, sum, uv);
}
`;
  return { wgsl, bindings };
}

const config = s6ChunkConfig;

export const s6Chunkwise: KernelVariant = {
  ...s6Common,
  id: 's6-chunkwise',
  label: 'Selective scan (S6): chunkwise matrix form (SSD-style)',
  summary:
    'Inside each chunk the outputs are a masked, decay-weighted product over (token, state) pairs, as Mamba-2\'s SSD and ' +
    'gated linear attention compute it; only chunk-to-chunk state passing is a recurrence. T²·N work per chunk.',
  params: [...S6_PARAMS, { key: 'chunk', label: 'Chunk length T (tokens)', kind: 'int', default: 32, min: 1, max: 256, choices: [8, 16, 32, 64, 128] }],
  reference(params, inputs) {
    const { shape, T } = config(params);
    const x = inputs as unknown as S6Inputs;
    const ref = s6Reference(shape, x, 1);
    return {
      values: ref.values,
      bound: s6ChunkwiseBound(shape, x, T),
      boundNote:
        'first-order float32 bound of the chunkwise form: segment sums and WGSL exp accuracy per decay, 4u per product, ' +
        'γ_K over the K summands of each y_t, and the chunk-to-chunk walk',
      rows: shape.batch * shape.channels,
      cols: shape.length + shape.state,
    };
  },
  checkLimits(params, caps) {
    const { shape, T, chunks } = config(params);
    const shared = 4 * (2 * T + T * shape.state + 2 * shape.state);
    return [
      ...checkWorkgroup(caps, [T, 1, 1], shared, `a chunk of T = ${T} tokens with N = ${shape.state}`),
      ...checkWorkgroup(caps, [shape.state, 1, 1], 0, `a workgroup of N = ${shape.state}`),
      ...checkDispatch(caps, [chunks, shape.batch * shape.channels]),
      ...s6BufferChecks(params, caps),
    ];
  },
  plan(params, inputs) {
    const { shape, T, chunks } = config(params);
    return s6ChunkedPlan(params, inputs, 's6 chunkwise', {
      totals: s6ChunkwiseTotalsWgsl(shape, T, chunks),
      states: s6ChunkStatesWgsl(shape, T, chunks, true),
      statesLabel: 'walk chunks',
      outputs: s6ChunkwiseOutputWgsl(shape, T, chunks),
    });
  },
  work(params) {
    const { shape, T } = config(params);
    const base = s6Common.work(params);
    // Intra-chunk pairs: ≈ T·(T+1)/2 per chunk and state, 5 operations each (+ exp).
    const pairs = shape.batch * shape.channels * shape.state * shape.length * ((Math.min(T, shape.length) + 1) / 2);
    return { flops: base.flops + 5 * pairs, bytes: base.bytes };
  },
};
