// Hillis–Steele scan in a workgroup (Hillis & Steele, "Data parallel algorithms", CACM 1986):
// one workgroup per channel walks the sequence in tiles of WG elements; inside a tile, at step k
// every element i ≥ 2^k combines with element i − 2^k (double-buffered in workgroup memory).
// Depth log2(WG) per tile but WG·log2(WG) operations: not work-efficient.
// Right-operand depth R = log2(WG) (tree) + 1 (carry) + 1 (margin).
import { defineVariant } from '../define';
import { linearScanShared, log2, scanHeader } from './common';
import {
  WORKGROUP_SCAN_SCHEMA,
  workgroupScanConfig,
  workgroupScanLimits,
  workgroupScanPlan,
  type WorkgroupScanConfig,
  type WorkgroupScanValues,
} from './workgroupScan';

export function hillisSteeleWgsl(cfg: WorkgroupScanConfig): string {
  const { wg } = cfg;
  return /* wgsl */ `${scanHeader(cfg)}
const WG = ${wg}u;

// Two halves: the current level is read from one and written to the other.
var<workgroup> levels : array<vec2f, ${2 * wg}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let channel = wid.x;
  let base = channel * L;
  let i = lid.x;
  var carry = IDENTITY; // everything before this tile, the same in every invocation
  for (var tile = 0u; tile < L; tile += WG) {
    let t = tile + i;
    var element = IDENTITY;
    if (t < L) {
      element = vec2f(a[base + t], b[base + t]);
    }
    levels[i] = element;
    workgroupBarrier();
    var src = 0u;
    for (var offset = 1u; offset < WG; offset *= 2u) {
      var value = levels[src * WG + i];
      if (i >= offset) {
        value = combine(levels[src * WG + i - offset], value);
      }
      levels[(1u - src) * WG + i] = value;
      src = 1u - src;
      workgroupBarrier();
    }
    let tileTotal = levels[src * WG + WG - 1u];
    if (t < L) {
      if (EXCLUSIVE) {
        var before = IDENTITY;
        if (i > 0u) {
          before = levels[src * WG + i - 1u];
        }
        h[base + t] = combine(carry, before).y;
      } else {
        h[base + t] = combine(carry, levels[src * WG + i]).y;
      }
    }
    carry = combine(carry, tileTotal);
    workgroupBarrier(); // the next tile overwrites levels
  }
}
`;
}

export const hillisSteele = defineVariant({
  ...linearScanShared,
  id: 'hillis-steele',
  label: 'Hillis–Steele (workgroup, log-depth)',
  summary:
    'One workgroup per channel, tiles of WG elements; at step k each element combines with the one 2^k before it. ' +
    'log2(WG) steps per tile but WG·log2(WG) combines: fast depth, wasted work.',
  schema: WORKGROUP_SCAN_SCHEMA,
  config: (v: WorkgroupScanValues) => workgroupScanConfig(v, log2(v.wg) + 2),
  // Two levels of WG pairs (8 bytes each).
  limits: (cfg, caps) => workgroupScanLimits(cfg, caps, 2 * cfg.wg * 8),
  plan: (cfg, inputs) => workgroupScanPlan(cfg, inputs, 'hillis-steele', hillisSteeleWgsl(cfg)),
  dataflow: () => 'hillis-steele',
});
