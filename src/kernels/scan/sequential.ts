// Sequential scan: one invocation per channel walks its whole sequence, h = a·h + b.
// L dependent steps per channel, no parallelism inside a channel: the baseline every parallel
// scan is measured against. Each term is the right operand of ∘ once (R = 1).
import { intParam } from '../schema';
import type { KernelVariant } from '../types';
import { SCAN_SHAPE_PARAMS, scanBuffers, scanCommon, scanHeader, scanLimitChecks, scanReferenceWith, scanShapeOf } from './common';

const WG = 64;

export function sequentialWgsl(channels: number, length: number, exclusive: boolean): string {
  return /* wgsl */ `${scanHeader(channels, length, exclusive)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let channel = gid.x;
  if (channel >= CHANNELS) {
    return;
  }
  let base = channel * L;
  var state = 0.0;
  for (var t = 0u; t < L; t++) {
    let next = a[base + t] * state + b[base + t];
    if (EXCLUSIVE) {
      h[base + t] = state;
    } else {
      h[base + t] = next;
    }
    state = next;
  }
}
`;
}

export const sequential: KernelVariant = {
  ...scanCommon,
  id: 'sequential',
  label: 'Sequential (one invocation per channel)',
  summary: 'Each invocation walks one channel from t = 0 to L−1: L dependent steps, parallel only across channels.',
  params: [...SCAN_SHAPE_PARAMS],
  reference: scanReferenceWith(() => 1),
  checkLimits(params, caps) {
    const { channels } = scanShapeOf(params);
    return scanLimitChecks(params, caps, WG, 0, [Math.ceil(channels / WG)]);
  },
  plan(params, inputs) {
    const { channels, length, exclusive } = scanShapeOf(params);
    return {
      buffers: scanBuffers(inputs, params),
      dispatches: [
        {
          label: 'scan sequential',
          wgsl: sequentialWgsl(channels, length, exclusive),
          bindings: ['a', 'b', 'h'],
          workgroups: [Math.ceil(intParam(params, 'channels') / WG)],
        },
      ],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    };
  },
};
