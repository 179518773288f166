// Selective scan, sequential in time: one workgroup per (batch, channel) with one invocation per
// state index n; each walks the tokens in order (x ← ΔA·x + ΔBu), and per token the workgroup
// stores C·x for a block of 32 tokens in workgroup memory; then each y is summed over n in order
// (n = 0 … N−1), plus D·u and the gate. L dependent steps, 2 barriers per 32 tokens.
// Right-operand depth R = 1 (+1 margin).
import { checkDispatch, checkWorkgroup } from '../schema';
import type { KernelVariant } from '../types';
import { S6_PARAMS, s6Bindings, s6BufferChecks, s6Buffers, s6Common, s6ReferenceWith, s6ShapeOf, s6TokenWgsl } from './s6common';
import type { S6Shape } from '../../numerics/scan';

export function s6SequentialWgsl(shape: S6Shape): { wgsl: string; bindings: string[] } {
  const { declarations, bindings } = s6Bindings(shape, true, [{ wgsl: 'out', buffer: 'out', type: 'array<f32>', access: 'read_write' }]);
  const wgsl = /* wgsl */ `${declarations}
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

export const s6Sequential: KernelVariant = {
  ...s6Common,
  id: 's6-sequential',
  label: 'Selective scan (S6): sequential per (channel, state)',
  summary:
    'Mamba\'s selective scan as its reference loop: one invocation per (channel, state n) walks the tokens; ' +
    'y = Σ C·x + D·u (× silu(z)) is summed across the workgroup per token.',
  params: [...S6_PARAMS],
  reference: s6ReferenceWith(() => 2),
  checkLimits(params, caps) {
    const s = s6ShapeOf(params);
    return [
      ...checkWorkgroup(caps, [s.state, 1, 1], 4 * 32 * s.state, `a workgroup of N = ${s.state}`),
      ...checkDispatch(caps, [s.channels, s.batch]),
      ...s6BufferChecks(params, caps),
    ];
  },
  plan(params, inputs) {
    const shape = s6ShapeOf(params);
    const { buffers } = s6Buffers(params, inputs);
    const { wgsl, bindings } = s6SequentialWgsl(shape);
    return {
      buffers,
      dispatches: [{ label: 's6 sequential', wgsl, bindings, workgroups: [shape.channels, shape.batch] }],
      output: { buffer: 'out', type: 'f32', count: shape.batch * shape.channels * (shape.length + shape.state) },
    };
  },
};
