// Selective scan, sequential in time: one workgroup per (batch, channel) with one invocation per
// state index n; each walks the tokens in order (x ← ΔA·x + ΔBu), and per token the workgroup
// stores C·x for a block of 32 tokens in workgroup memory; then each y is summed over n in order
// (n = 0 … N−1), plus D·u and the gate. L dependent steps, 2 barriers per 32 tokens.
// Right-operand depth R = 1 (+1 margin).
import { declareBindings } from '../../gpu/bindings';
import type { S6Shape } from '../../numerics/scan';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import {
  OUT_BINDING,
  S6_FIELDS,
  s6BufferChecks,
  s6Buffers,
  s6InputBindings,
  s6Output,
  s6ReferenceWith,
  s6Shape,
  s6Shared,
  s6TokenWgsl,
  type S6Values,
} from './s6common';

export function s6SequentialWgsl(shape: S6Shape) {
  const bindings = [...s6InputBindings(shape, true), OUT_BINDING];
  const wgsl = /* wgsl */ `${declareBindings(bindings)}
${s6TokenWgsl(shape, true)}
// C·x for a block of TB tokens × N states: one pair of barriers per block, not per token.
const TB = 32u;
var<workgroup> cTimesX : array<f32, ${shape.state * 32}>;

@compute @workgroup_size(${shape.state})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let n = lid.x;
  let d = wid.x;
  let batch = wid.y;
  let row = batch * D + d;
  let An = A[d * N + n];
  var x = 0.0;
  for (var l0 = 0u; l0 < L; l0 += TB) {
    let count = min(TB, L - l0);
    for (var j = 0u; j < count; j++) {
      let i = row * L + l0 + j;
      let dt = stepSize(d, i);
      let bc = (batch * N + n) * L + l0 + j;
      let dA = exp(dt * An);
      let dBu = (dt * u[i]) * Bm[bc];
      x = dA * x + dBu;
      cTimesX[j * N + n] = Cm[bc] * x;
    }
    workgroupBarrier();
    // Invocation n forms y for tokens n, n + N, … of the block: Σ over states in order, + D·u, gate.
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
  out[row * ROW + L + n] = x;
}
`;
  return { wgsl, bindings };
}

export const s6Sequential = defineVariant({
  ...s6Shared,
  id: 's6-sequential',
  label: 'Selective scan (S6): sequential per (channel, state)',
  summary:
    "Mamba's selective scan as its reference loop: one invocation per (channel, state n) walks the tokens; " +
    'y = Σ C·x + D·u (× silu(z)) is summed across the workgroup per token.',
  schema: paramSchema(S6_FIELDS),
  config: (v: S6Values): S6Shape => s6Shape(v),
  reference: s6ReferenceWith(2),
  // C·x of 32 tokens × N states in workgroup memory.
  limits: (s, caps) => [
    ...checkWorkgroup(caps, [s.state, 1, 1], 4 * 32 * s.state, `a workgroup of N = ${s.state}`),
    ...checkDispatch(caps, [s.channels, s.batch]),
    ...s6BufferChecks(s, caps),
  ],
  plan: (s, inputs) => {
    const { wgsl, bindings } = s6SequentialWgsl(s);
    return { buffers: s6Buffers(s, inputs), dispatches: [{ label: 's6 sequential', wgsl, bindings, workgroups: [s.channels, s.batch] }], output: s6Output(s) };
  },
  // The walk over time is the sequential scan.
  dataflow: () => 'sequential',
});
