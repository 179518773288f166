// Selective scan as an associative scan over chunks of T tokens (the (a, b) pairs of the Mamba
// CUDA kernel, (a1, b1) ∘ (a2, b2) = (a1·a2, a2·b1 + b2), combined chunk-wise):
//   1. chunk totals: per (chunk, channel, n), the pair (Π ΔA, state from 0) over the chunk;
//   2. chunk states: per (channel, n), walk the chunk totals: the state entering each chunk;
//   3. outputs: per (chunk, channel), rerun the chunk from its entering state and form y.
// Chunks run in parallel in passes 1 and 3; only pass 2 is sequential, over L/T chunks.
// Right-operand depth: 1 (in chunk) + 1 (chunk walk) + 1 (rerun) (+1 margin) = 4.
import { declareBindings } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema, type Decoded } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import {
  CHUNK_STATES_IN,
  CHUNK_STATES_OUT,
  CHUNK_TOTALS_IN,
  CHUNK_TOTALS_OUT,
  OUT_BINDING,
  S6_FIELDS,
  s6BufferChecks,
  s6ChunkConfig,
  s6ChunkedPlan,
  s6InputBindings,
  s6ReferenceWith,
  s6Shared,
  s6TokenWgsl,
  type S6ChunkConfig,
} from './s6common';

export function chunkConst(cfg: S6ChunkConfig) {
  return `const T = ${cfg.T}u; // tokens per chunk\nconst CHUNKS = ${cfg.chunks}u;\n`;
}

export function s6ChunkTotalsWgsl(cfg: S6ChunkConfig) {
  const bindings = [...s6InputBindings(cfg, false), CHUNK_TOTALS_OUT];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, false)}${chunkConst(cfg)}
@compute @workgroup_size(${cfg.state})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let n = lid.x;
  let chunk = wid.x;
  let row = wid.y; // batch · D + d
  let batch = row / D;
  let d = row % D;
  let An = A[d * N + n];
  var decay = 1.0; // Π ΔA over the chunk
  var x = 0.0;     // the state the chunk produces from x = 0
  for (var l = chunk * T; l < min(L, chunk * T + T); l++) {
    let i = row * L + l;
    let dt = stepSize(d, i);
    let dA = exp(dt * An);
    x = dA * x + (dt * u[i]) * Bm[(batch * N + n) * L + l];
    decay = decay * dA;
  }
  chunkTotals[(row * N + n) * CHUNKS + chunk] = vec2f(decay, x);
}
`;
  return { wgsl, bindings };
}

/** With `writeLastState`, the walk's final state also goes to the output rows (binding `out`). */
export function s6ChunkStatesWgsl(cfg: S6ChunkConfig, writeLastState = false) {
  const bindings = [CHUNK_TOTALS_IN, CHUNK_STATES_OUT, ...(writeLastState ? [OUT_BINDING] : [])];
  const wgsl = /* wgsl */ `
const N = ${cfg.state}u;
const ROW = ${cfg.length + cfg.state}u;
const L = ${cfg.length}u;
${chunkConst(cfg)}
${declareBindings(bindings)}

@compute @workgroup_size(${cfg.state})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let base = (wid.x * N + lid.x) * CHUNKS;
  var x = 0.0;
  for (var c = 0u; c < CHUNKS; c++) {
    chunkStates[base + c] = x; // the state entering chunk c
    let total = chunkTotals[base + c];
    x = total.x * x + total.y;
  }
  ${writeLastState ? 'out[wid.x * ROW + L + lid.x] = x;' : ''}
}
`;
  return { wgsl, bindings };
}

export function s6ChunkOutputWgsl(cfg: S6ChunkConfig) {
  const bindings = [...s6InputBindings(cfg, true), CHUNK_STATES_IN, OUT_BINDING];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, true)}${chunkConst(cfg)}
// C·x for a block of TB tokens × N states: one pair of barriers per block, not per token.
const TB = 32u;
var<workgroup> cTimesX : array<f32, ${cfg.state * 32}>;

@compute @workgroup_size(${cfg.state})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let n = lid.x;
  let chunk = wid.x;
  let row = wid.y;
  let batch = row / D;
  let d = row % D;
  let An = A[d * N + n];
  var x = chunkStates[(row * N + n) * CHUNKS + chunk];
  let chunkEnd = min(L, chunk * T + T);
  for (var l0 = chunk * T; l0 < chunkEnd; l0 += TB) {
    let count = min(TB, chunkEnd - l0);
    for (var j = 0u; j < count; j++) {
      let i = row * L + l0 + j;
      let dt = stepSize(d, i);
      let bc = (batch * N + n) * L + l0 + j;
      x = exp(dt * An) * x + (dt * u[i]) * Bm[bc];
      cTimesX[j * N + n] = Cm[bc] * x;
    }
    workgroupBarrier();
    for (var j = n; j < count; j += N) {
      let i = row * L + l0 + j;
      var sum = 0.0;
      for (var k = 0u; k < N; k++) {
        sum += cTimesX[j * N + k];
      }
      out[row * ROW + l0 + j] = finishOutput(d, i, sum, u[i]);
    }
    workgroupBarrier();
  }
  if (chunk == CHUNKS - 1u) {
    out[row * ROW + L + n] = x;
  }
}
`;
  return { wgsl, bindings };
}

const schema = paramSchema({ ...S6_FIELDS, chunk: int('Chunk length T (tokens)', 64, 1, 4096, { choices: [16, 32, 64, 128, 256] }) });

export const s6Chunked = defineVariant({
  ...s6Shared,
  id: 's6-chunked',
  label: 'Selective scan (S6): associative scan over chunks',
  summary:
    'Splits the sequence into chunks of T tokens: chunk totals (Π ΔA, state from 0) in parallel, a short walk over ' +
    'chunks for the entering states, then every chunk reruns from its state in parallel.',
  schema,
  config: (v: Decoded<typeof schema.fields>): S6ChunkConfig => s6ChunkConfig(v),
  reference: s6ReferenceWith(4),
  // C·x of 32 tokens × N states in workgroup memory (the outputs pass).
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [cfg.state, 1, 1], 4 * 32 * cfg.state, `a workgroup of N = ${cfg.state}`),
    ...checkDispatch(caps, [cfg.chunks, cfg.rows]),
    ...s6BufferChecks(cfg, caps),
  ],
  plan: (cfg, inputs) =>
    s6ChunkedPlan(cfg, inputs, 's6 chunked', {
      totals: s6ChunkTotalsWgsl(cfg),
      states: s6ChunkStatesWgsl(cfg),
      statesLabel: 'chunk states',
      outputs: s6ChunkOutputWgsl(cfg),
    }),
  dataflow: () => 'chunked',
});
