// Blelloch's work-efficient scan (Blelloch, "Prefix sums and their applications", 1990):
// one workgroup per channel, tiles of 2·WG elements. Up-sweep builds a balanced tree of partial
// combines in place; the root is replaced by the identity; the down-sweep pushes prefixes down
// (left child gets the parent's prefix, right child gets prefix ∘ left subtree). For a
// non-commutative ∘ the order of the operands in the down-sweep matters.
// 2·log2(2WG) steps and ≈ 2·(2WG) combines per tile: work-efficient.
// Right-operand depth R = log2(2WG) (up) + log2(2WG) (down) + 1 (element) + 1 (carry) + 1 (margin).
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

export function blellochWgsl(cfg: WorkgroupScanConfig): string {
  const { wg } = cfg;
  const tile = 2 * wg;
  return /* wgsl */ `${scanHeader(cfg)}
const WG = ${wg}u;
const TILE = ${tile}u;

var<workgroup> tree : array<vec2f, ${tile}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let channel = wid.x;
  let base = channel * L;
  let i = lid.x;
  var carry = IDENTITY;
  for (var tile = 0u; tile < L; tile += TILE) {
    // Two elements per invocation, loaded side by side across the workgroup.
    var element0 = IDENTITY;
    var element1 = IDENTITY;
    if (tile + i < L) {
      element0 = vec2f(a[base + tile + i], b[base + tile + i]);
    }
    if (tile + WG + i < L) {
      element1 = vec2f(a[base + tile + WG + i], b[base + tile + WG + i]);
    }
    tree[i] = element0;
    tree[WG + i] = element1;

    // Up-sweep: at distance d, node right = left ∘ right.
    var offset = 1u;
    for (var busy = WG; busy > 0u; busy /= 2u) {
      workgroupBarrier();
      if (i < busy) {
        let left = offset * (2u * i + 1u) - 1u;
        let right = offset * (2u * i + 2u) - 1u;
        tree[right] = combine(tree[left], tree[right]);
      }
      offset *= 2u;
    }
    workgroupBarrier();
    let tileTotal = tree[TILE - 1u];
    workgroupBarrier();
    if (i == 0u) {
      tree[TILE - 1u] = IDENTITY;
    }

    // Down-sweep: left child ← parent prefix; right child ← parent prefix ∘ old left subtree.
    for (var busy = 1u; busy < TILE; busy *= 2u) {
      offset /= 2u;
      workgroupBarrier();
      if (i < busy) {
        let left = offset * (2u * i + 1u) - 1u;
        let right = offset * (2u * i + 2u) - 1u;
        let leftSubtree = tree[left];
        tree[left] = tree[right];
        tree[right] = combine(tree[right], leftSubtree);
      }
    }
    workgroupBarrier();

    // tree[k] now holds the tile-local exclusive prefix of element k.
    var out0 = combine(carry, tree[i]);
    var out1 = combine(carry, tree[WG + i]);
    if (!EXCLUSIVE) {
      out0 = combine(out0, element0);
      out1 = combine(out1, element1);
    }
    if (tile + i < L) {
      h[base + tile + i] = out0.y;
    }
    if (tile + WG + i < L) {
      h[base + tile + WG + i] = out1.y;
    }
    carry = combine(carry, tileTotal);
    workgroupBarrier();
  }
}
`;
}

export const blelloch = defineVariant({
  ...linearScanShared,
  id: 'blelloch',
  label: 'Blelloch (workgroup, work-efficient)',
  summary:
    'One workgroup per channel, tiles of 2·WG elements: an up-sweep builds a tree of partial combines, a down-sweep ' +
    'hands each element its prefix. 2·log2(2WG) steps, ≈ 4·WG combines per tile.',
  schema: WORKGROUP_SCAN_SCHEMA,
  config: (v: WorkgroupScanValues) => workgroupScanConfig(v, 2 * log2(2 * v.wg) + 3),
  // A tree of 2·WG pairs (8 bytes each).
  limits: (cfg, caps) => workgroupScanLimits(cfg, caps, 2 * cfg.wg * 8),
  plan: (cfg, inputs) => workgroupScanPlan(cfg, inputs, 'blelloch', blellochWgsl(cfg)),
  dataflow: () => 'blelloch',
});
