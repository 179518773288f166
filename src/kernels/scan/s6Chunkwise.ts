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
import { declareBindings } from '../../gpu/bindings';
import { s6ChunkwiseBound, s6Reference } from '../../numerics/scan';
import { defineVariant } from '../define';
import { int, paramSchema, type Decoded } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import { chunkConst, s6ChunkStatesWgsl } from './s6Chunked';
import {
  CHUNK_STATES_IN,
  CHUNK_TOTALS_OUT,
  OUT_BINDING,
  S6_FIELDS,
  s6BufferChecks,
  s6ChunkConfig,
  s6ChunkedPlan,
  s6InputBindings,
  s6InputsOf,
  s6Shared,
  s6TokenWgsl,
  s6Work,
  type S6ChunkConfig,
} from './s6common';

export function s6ChunkwiseTotalsWgsl(cfg: S6ChunkConfig) {
  const bindings = [...s6InputBindings(cfg, false), CHUNK_TOTALS_OUT];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, false)}${chunkConst(cfg)}
@compute @workgroup_size(${cfg.state})
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

export function s6ChunkwiseOutputWgsl(cfg: S6ChunkConfig) {
  const { T } = cfg;
  const bindings = [...s6InputBindings(cfg, true), CHUNK_STATES_IN, OUT_BINDING];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, true)}${chunkConst(cfg)}
// The chunk's Δ, Δ·u and B (T × N), the entering state and A, staged once for all T tokens.
var<workgroup> stepShared : array<f32, T>;
var<workgroup> stepUShared : array<f32, T>;
var<workgroup> bShared : array<f32, ${T * cfg.state}>;
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

const schema = paramSchema({ ...S6_FIELDS, chunk: int('Chunk length T (tokens)', 32, 1, 256, { choices: [8, 16, 32, 64, 128] }) });

export const s6Chunkwise = defineVariant({
  ...s6Shared,
  id: 's6-chunkwise',
  label: 'Selective scan (S6): chunkwise matrix form (SSD-style)',
  summary:
    "Inside each chunk the outputs are a masked, decay-weighted product over (token, state) pairs, as Mamba-2's SSD and " +
    'gated linear attention compute it; only chunk-to-chunk state passing is a recurrence. T²·N work per chunk.',
  schema,
  config: (v: Decoded<typeof schema.fields>): S6ChunkConfig => s6ChunkConfig(v),
  reference: (cfg, inputs) => {
    const x = s6InputsOf(inputs);
    const ref = s6Reference(cfg, x, 1);
    return {
      values: ref.values,
      bound: s6ChunkwiseBound(cfg, x, cfg.T),
      boundNote:
        'first-order float32 bound of the chunkwise form: segment sums and WGSL exp accuracy per decay, 4u per product, ' +
        'γ_K over the K summands of each y_t, and the chunk-to-chunk walk',
      rows: cfg.rows,
      cols: cfg.length + cfg.state,
    };
  },
  limits: (cfg, caps) => {
    const { T, state } = cfg;
    // The outputs pass stages Δ and Δ·u (T each), B (T × N), the entering state and A (N each).
    const shared = 4 * (2 * T + T * state + 2 * state);
    return [
      ...checkWorkgroup(caps, [T, 1, 1], shared, `a chunk of T = ${T} tokens with N = ${state}`),
      ...checkWorkgroup(caps, [state, 1, 1], 0, `a workgroup of N = ${state}`),
      ...checkDispatch(caps, [cfg.chunks, cfg.rows]),
      ...s6BufferChecks(cfg, caps),
    ];
  },
  plan: (cfg, inputs) =>
    s6ChunkedPlan(cfg, inputs, 's6 chunkwise', {
      totals: s6ChunkwiseTotalsWgsl(cfg),
      states: s6ChunkStatesWgsl(cfg, true),
      statesLabel: 'walk chunks',
      outputs: s6ChunkwiseOutputWgsl(cfg),
    }),
  work: (cfg) => {
    const base = s6Work(cfg);
    // Intra-chunk pairs: ≈ T·(T+1)/2 per chunk and state, 5 operations each (+ exp).
    const pairs = cfg.rows * cfg.state * cfg.length * ((Math.min(cfg.T, cfg.length) + 1) / 2);
    return { flops: base.flops + 5 * pairs, bytes: base.bytes };
  },
  dataflow: () => 'chunked',
  notes: () => [
    'Chunk-to-chunk states follow this two-level pattern; inside a chunk every output sums over all earlier tokens of the chunk at once (a masked, decay-weighted product).',
  ],
});
