// Selective scan as an associative scan over chunks of T tokens (the (a, b) pairs of the Mamba
// CUDA kernel, (a1, b1) ∘ (a2, b2) = (a1·a2, a2·b1 + b2), combined chunk-wise):
//   1. chunk totals: per (chunk, channel, n), the pair (Π ΔA, state from 0) over the chunk;
//   2. chunk states: per (channel, n), walk the chunk totals: the state entering each chunk;
//   3. outputs: per (chunk, channel), rerun the chunk from its entering state and form y.
// Chunks run in parallel in passes 1 and 3; only pass 2 is sequential, over L/T chunks.
// Right-operand depth: 1 (in chunk) + 1 (chunk walk) + 1 (rerun) (+1 margin) = 4.
import { checkDispatch, checkWorkgroup } from '../schema';
import type { KernelVariant } from '../types';
import { S6_PARAMS, s6ChunkConfig, s6ChunkedPlan, s6Bindings, s6BufferChecks, s6Common, s6ReferenceWith, s6TokenWgsl } from './s6common';
import type { S6Shape } from '../../numerics/scan';

export function chunkConst(T: number, chunks: number) {
  return `const T = ${T}u; // tokens per chunk\nconst CHUNKS = ${chunks}u;\n`;
}

export function s6ChunkTotalsWgsl(shape: S6Shape, T: number, chunks: number) {
  const { declarations, bindings } = s6Bindings(shape, false, [{ wgsl: 'chunkTotals', buffer: 'chunkTotals', type: 'array<vec2f>', access: 'read_write' }]);
  const wgsl = /* wgsl */ `${declarations}
${s6TokenWgsl(shape, false)}${chunkConst(T, chunks)}
@compute @workgroup_size(${shape.state})
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
export function s6ChunkStatesWgsl(shape: S6Shape, T: number, chunks: number, writeLastState = false) {
  const wgsl = /* wgsl */ `
const N = ${shape.state}u;
const ROW = ${shape.length + shape.state}u;
const L = ${shape.length}u;
${chunkConst(T, chunks)}
@group(0) @binding(0) var<storage, read> chunkTotals : array<vec2f>;
@group(0) @binding(1) var<storage, read_write> chunkStates : array<f32>;
${writeLastState ? '@group(0) @binding(2) var<storage, read_write> out : array<f32>;' : ''}

@compute @workgroup_size(${shape.state})
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
  return { wgsl, bindings: writeLastState ? ['chunkTotals', 'chunkStates', 'out'] : ['chunkTotals', 'chunkStates'] };
}

export function s6ChunkOutputWgsl(shape: S6Shape, T: number, chunks: number) {
  const { declarations, bindings } = s6Bindings(shape, true, [
    { wgsl: 'chunkStates', buffer: 'chunkStates', type: 'array<f32>', access: 'read' },
    { wgsl: 'out', buffer: 'out', type: 'array<f32>', access: 'read_write' },
  ]);
  const wgsl = /* wgsl */ `${declarations}
${s6TokenWgsl(shape, true)}${chunkConst(T, chunks)}
// C·x for a block of TB tokens × N states: one pair of barriers per block, not per token.
const TB = 32u;
var<workgroup> cTimesX : array<f32, ${shape.state * 32}>;

@compute @workgroup_size(${shape.state})
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

const config = s6ChunkConfig;

export const s6Chunked: KernelVariant = {
  ...s6Common,
  id: 's6-chunked',
  label: 'Selective scan (S6): associative scan over chunks',
  summary:
    'Splits the sequence into chunks of T tokens: chunk totals (Π ΔA, state from 0) in parallel, a short walk over ' +
    'chunks for the entering states, then every chunk reruns from its state in parallel.',
  params: [...S6_PARAMS, { key: 'chunk', label: 'Chunk length T (tokens)', kind: 'int', default: 64, min: 1, max: 4096, choices: [16, 32, 64, 128, 256] }],
  reference: s6ReferenceWith(() => 4),
  checkLimits(params, caps) {
    const { shape, chunks } = config(params);
    return [
      ...checkWorkgroup(caps, [shape.state, 1, 1], 4 * 32 * shape.state, `a workgroup of N = ${shape.state}`),
      ...checkDispatch(caps, [chunks, shape.batch * shape.channels]),
      ...s6BufferChecks(params, caps),
    ];
  },
  plan(params, inputs) {
    const { shape, T, chunks } = config(params);
    return s6ChunkedPlan(params, inputs, 's6 chunked', {
      totals: s6ChunkTotalsWgsl(shape, T, chunks),
      states: s6ChunkStatesWgsl(shape, T, chunks),
      statesLabel: 'chunk states',
      outputs: s6ChunkOutputWgsl(shape, T, chunks),
    });
  },
};
