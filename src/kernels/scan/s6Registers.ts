// Selective scan with all N states of a channel in one invocation's registers (the layout of the
// Mamba CUDA kernel, where a thread owns a channel), over chunks of T tokens so that a long
// sequence still has parallel work:
//   1. chunk totals: each invocation (row, chunk) walks its T tokens once for all N states:
//      Δ (with bias and softplus) and Δ·u are computed ONCE per token, not once per state;
//   2. chunk states: per (row, n), the walk over chunk totals (the s6-chunked pass);
//   3. outputs: each invocation reruns its chunk from the entering states and sums y = Σ_n C·x
//      in registers: no workgroup memory, no barriers.
// Per token and state: one exp, two loads (B, C) and three multiply-adds; the workgroup forms
// (s6-sequential, s6-chunked) also recompute softplus per state and stage C·x through workgroup
// memory. For N ≤ 32 the per-state code is unrolled into named registers. Same bracketing as s6-chunked, so the same bound: R = 1 (in chunk) + 1 (walk) + 1
// (rerun) + 1 margin = 4; y sums its N + 1 products in order (γ_{N+1}).
import { declareBindings } from '../../gpu/bindings';
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
  s6Buffers,
  s6ChunkConfig,
  s6InputBindings,
  s6Output,
  s6ReferenceWith,
  s6Shared,
  s6TokenWgsl,
  type S6ChunkConfig,
} from './s6common';

/** Invocations per workgroup of passes 1 and 3 (one (row, chunk) each). */
const WG = 64;

interface S6RegistersConfig extends S6ChunkConfig {
  /** rows · chunks invocations, in ⌈· / WG⌉ workgroups. */
  workgroups: number;
}

/**
 * The per-state code of one token, unrolled over n = 0 … N−1 into named registers x0, x1, … when
 * N ≤ UNROLL_MAX (straight-line code: a CPU adapter keeps a private array in memory and runs every
 * loop as masked code), or as a loop over a private array for larger N.
 */
const UNROLL_MAX = 32;

function perState(N: number, line: (n: string) => string): string {
  if (N > UNROLL_MAX) return `    for (var n = 0u; n < N; n++) {\n  ${line('n')}\n    }`;
  return Array.from({ length: N }, (_, n) => line(`${n}`)).join('\n');
}

/** Names of state n's registers: x3 (unrolled) or x[n] (array). */
function reg(N: number, name: string, n: string): string {
  return N > UNROLL_MAX ? `${name}[${n}]` : `${name}${n}`;
}

function declare(N: number, name: string, init: (n: string) => string, mutable = true): string {
  if (N > UNROLL_MAX) return `  var ${name} : array<f32, N>;\n  for (var n = 0u; n < N; n++) {\n    ${name}[n] = ${init('n')};\n  }`;
  return Array.from({ length: N }, (_, n) => `  ${mutable ? 'var' : 'let'} ${name}${n} = ${init(`${n}u`)};`).join('\n');
}

const nu = (N: number, n: string) => (N > UNROLL_MAX ? n : `${n}u`);

export function s6RegistersTotalsWgsl(cfg: S6RegistersConfig) {
  const N = cfg.state;
  const bindings = [...s6InputBindings(cfg, false), CHUNK_TOTALS_OUT];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, false)}${chunkConst(cfg)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let chunk = gid.x % CHUNKS;
  let row = gid.x / CHUNKS; // batch · D + d
  if (row >= BATCH * D) {
    return;
  }
  let batch = row / D;
  let d = row % D;
  // Per state: A_n, the state the chunk produces from x = 0, and Π ΔA over the chunk.
${declare(N, 'An', (n) => `A[d * N + ${n}]`, false)}
${declare(N, 'x', () => '0.0')}
${declare(N, 'decay', () => '1.0')}
  for (var l = chunk * T; l < min(L, chunk * T + T); l++) {
    let i = row * L + l;
    let dt = stepSize(d, i);
    let dtu = dt * u[i];
${perState(
  N,
  (n) => `    let dA${N > UNROLL_MAX ? '' : n} = exp(dt * ${reg(N, 'An', n)});
    ${reg(N, 'x', n)} = dA${N > UNROLL_MAX ? '' : n} * ${reg(N, 'x', n)} + dtu * Bm[(batch * N + ${nu(N, n)}) * L + l];
    ${reg(N, 'decay', n)} = ${reg(N, 'decay', n)} * dA${N > UNROLL_MAX ? '' : n};`,
)}
  }
${perState(N, (n) => `  chunkTotals[(row * N + ${nu(N, n)}) * CHUNKS + chunk] = vec2f(${reg(N, 'decay', n)}, ${reg(N, 'x', n)});`)}
}
`;
  return { wgsl, bindings };
}

export function s6RegistersOutputWgsl(cfg: S6RegistersConfig) {
  const N = cfg.state;
  const bindings = [...s6InputBindings(cfg, true), CHUNK_STATES_IN, OUT_BINDING];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(cfg, true)}${chunkConst(cfg)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let chunk = gid.x % CHUNKS;
  let row = gid.x / CHUNKS;
  if (row >= BATCH * D) {
    return;
  }
  let batch = row / D;
  let d = row % D;
${declare(N, 'An', (n) => `A[d * N + ${n}]`, false)}
${declare(N, 'x', (n) => `chunkStates[(row * N + ${n}) * CHUNKS + chunk]`)}
  for (var l = chunk * T; l < min(L, chunk * T + T); l++) {
    let i = row * L + l;
    let uv = u[i];
    let dt = stepSize(d, i);
    let dtu = dt * uv;
    var sumCx = 0.0; // Σ_n C·x in order n = 0 … N−1
${perState(
  N,
  (n) => `    ${reg(N, 'x', n)} = exp(dt * ${reg(N, 'An', n)}) * ${reg(N, 'x', n)} + dtu * Bm[(batch * N + ${nu(N, n)}) * L + l];
    sumCx += Cm[(batch * N + ${nu(N, n)}) * L + l] * ${reg(N, 'x', n)};`,
)}
    out[row * ROW + l] = finishOutput(d, i, sumCx, uv);
  }
  if (chunk == CHUNKS - 1u) {
${perState(N, (n) => `    out[row * ROW + L + ${nu(N, n)}] = ${reg(N, 'x', n)};`)}
  }
}
`;
  return { wgsl, bindings };
}

const schema = paramSchema({ ...S6_FIELDS, chunk: int('Chunk length T (tokens)', 64, 1, 4096, { choices: [16, 32, 64, 128, 256, 1024] }) });

export const s6Registers = defineVariant({
  ...s6Shared,
  id: 's6-registers',
  label: "Selective scan (S6): a channel's states in registers, chunks per invocation",
  summary:
    'One invocation per (channel, chunk of T tokens) holds all N states in registers: Δ, softplus and Δ·u once per token, ' +
    'one exp per token and state, y summed in registers; chunk totals, a short walk over chunks, then every chunk rerun.',
  schema,
  config: (v: Decoded<typeof schema.fields>): S6RegistersConfig => {
    const chunked = s6ChunkConfig(v);
    return { ...chunked, workgroups: Math.ceil((chunked.rows * chunked.chunks) / WG) };
  },
  reference: s6ReferenceWith(4),
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [WG, 1, 1], 0, `a workgroup of ${WG}`),
    ...checkWorkgroup(caps, [cfg.state, 1, 1], 0, `the chunk walk (a workgroup of N = ${cfg.state})`),
    ...checkDispatch(caps, [cfg.workgroups, cfg.rows]),
    ...s6BufferChecks(cfg, caps),
  ],
  plan: (cfg, inputs) => {
    const totals = s6RegistersTotalsWgsl(cfg);
    const states = s6ChunkStatesWgsl(cfg);
    const outputs = s6RegistersOutputWgsl(cfg);
    return {
      buffers: [
        ...s6Buffers(cfg, inputs),
        { name: 'chunkTotals', bytes: 8 * cfg.rows * cfg.state * cfg.chunks, usage: 'storage' },
        { name: 'chunkStates', bytes: 4 * cfg.rows * cfg.state * cfg.chunks, usage: 'storage' },
      ],
      dispatches: [
        { label: `s6 registers T${cfg.T}: chunk totals`, ...totals, workgroups: [cfg.workgroups] },
        { label: `s6 registers T${cfg.T}: chunk states`, ...states, workgroups: [cfg.rows] },
        { label: `s6 registers T${cfg.T}: outputs`, ...outputs, workgroups: [cfg.workgroups] },
      ],
      output: s6Output(cfg),
    };
  },
  dataflow: () => 'chunked',
  notes: (cfg) => [
    `Each invocation owns one channel's ${cfg.state} states over a chunk of ${cfg.T} tokens: the per-token step Δ is computed once for all states ` +
      'and y is summed in registers, with no workgroup memory and no barriers.',
  ],
});
