// Sequential scan: one invocation per channel walks its whole sequence, h = a·h + b.
// L dependent steps per channel, no parallelism inside a channel: the baseline every parallel
// scan is measured against. Each term is the right operand of ∘ once (R = 1).
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { SCAN_SHAPE, linearScanShared, scanHeader, scanLimitChecks, scanShape, singleDispatchScanPlan, type ScanShape, type ScanShapeValues } from './common';

const WG = 64;

export function sequentialWgsl(s: ScanShape): string {
  return /* wgsl */ `${scanHeader(s)}
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

export const sequential = defineVariant({
  ...linearScanShared,
  id: 'sequential',
  label: 'Sequential (one invocation per channel)',
  summary: 'Each invocation walks one channel from t = 0 to L−1: L dependent steps, parallel only across channels.',
  schema: paramSchema(SCAN_SHAPE),
  config: (v: ScanShapeValues) => ({ ...scanShape(v), rightDepth: 1, workgroups: Math.ceil(v.channels / WG) }),
  limits: (cfg, caps) => scanLimitChecks(cfg, caps, WG, 0, [cfg.workgroups]),
  plan: (cfg, inputs) => singleDispatchScanPlan(cfg, inputs, { label: 'scan sequential', wgsl: sequentialWgsl(cfg), workgroups: [cfg.workgroups] }),
  dataflow: () => 'sequential',
});
