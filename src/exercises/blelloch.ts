// Work-efficient (Blelloch) exclusive prefix sum of each row (length ≤ 512), one workgroup of 256
// per row, two elements per invocation: an up-sweep builds partial sums in a tree, the root is
// cleared, and a down-sweep pushes prefixes back down — about 2n additions instead of n·log₂ n.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, matrixWhere, xToYPlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 256;
const N = 2 * WG;

const BINDINGS = [
  readOnly('x', 'array<f32>', 'rows×length, row-major'),
  readWrite('y', 'array<f32>', 'rows×length: y[r][t] = x[r][0] + … + x[r][t − 1], y[r][0] = 0'),
  uniform('sizes', 'Sizes', 'rows, length (≤ 512)'),
];

const HEADER = `struct Sizes {
  rows : u32,
  length : u32,
}
${declareBindings(BINDINGS)}

const N = ${N}u; // elements per row in workgroup memory (two per invocation)
var<workgroup> tree : array<f32, N>;`;

const LOAD = `  let base = wid.x * sizes.length;
  // Invocation i loads elements 2i and 2i + 1 (zero past the end of the row).
  for (var e = 0u; e < 2u; e++) {
    let t = 2u * i + e;
    var value = 0.0;
    if (t < sizes.length) {
      value = x[base + t];
    }
    tree[t] = value;
  }
  // Up-sweep: after the step with stride s, tree[k·2s − 1] holds the sum of its 2s leaves.
  var stride = 1u;
  for (var nodes = N / 2u; nodes > 0u; nodes = nodes / 2u) {
    workgroupBarrier();
    if (i < nodes) {
      let left = stride * (2u * i + 1u) - 1u;
      let right = stride * (2u * i + 2u) - 1u;
      tree[right] = tree[right] + tree[left];
    }
    stride = stride * 2u;
  }`;

const STORE = `  workgroupBarrier();
  for (var e = 0u; e < 2u; e++) {
    let t = 2u * i + e;
    if (t < sizes.length) {
      y[base + t] = tree[t];
    }
  }`;

const starter = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) i : u32, @builtin(workgroup_id) wid : vec3u) {
${LOAD}
  // TODO: clear the root (tree[N − 1]) and sweep down: at each level, a node passes its value
  // to its left child and (its value + the left child's old value) to its right child.
${STORE}
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) i : u32, @builtin(workgroup_id) wid : vec3u) {
${LOAD}
  // The root becomes the identity: the exclusive prefix of element 0.
  if (i == 0u) {
    tree[N - 1u] = 0.0;
  }
  // Down-sweep: each node gives its prefix to its left child, and prefix + left sum to its right.
  for (var nodes = 1u; nodes < N; nodes = nodes * 2u) {
    stride = stride / 2u;
    workgroupBarrier();
    if (i < nodes) {
      let left = stride * (2u * i + 1u) - 1u;
      let right = stride * (2u * i + 2u) - 1u;
      let leftSum = tree[left];
      tree[left] = tree[right];
      tree[right] = tree[right] + leftSum;
    }
  }
${STORE}
}
`;

const schema = paramSchema({ rows: int('rows', 3, 1, 65535), length: int(`length (≤ ${N})`, 300, 1, N) });

const harness = defineVariant({
  family: 'scan',
  id: 'exercise-blelloch',
  label: 'Exercise: work-efficient prefix sum',
  summary: 'Exclusive prefix sum of each row, Blelloch’s up- and down-sweep.',
  schema,
  limits: ({ rows }, caps) => checkDispatch(caps, [rows]),
  inputs: ({ rows, length }, seed) => ({ x: uniformArray(rows * length, deriveSeed(seed, 0)), sizes: sizesUniform(rows, length) }),
  reference: ({ rows, length }, inputs) => {
    const x = inputs.x as Float32Array;
    const values = new Float64Array(rows * length);
    const bound = new Float64Array(rows * length);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let abs = 0;
      for (let t = 0; t < length; t++) {
        values[r * length + t] = sum;
        // y_t is a sum of the t numbers before it in some tree (zeros added are exact): within
        // γ_{t−1}·Σ_{s<t}|x_s| (Higham §4.2); y_0 = 0 exactly.
        bound[r * length + t] = t === 0 ? 0 : gamma(Math.max(t - 1, 1)) * abs + t * TINY;
        sum += x[r * length + t];
        abs += Math.abs(x[r * length + t]);
      }
    }
    return { values, bound, boundNote: 'y_t within γ_{t−1}·Σ_{s<t}|x_s|; y_0 = 0 exactly', rows, cols: length };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ rows, length }, inputs) => xToYPlan({ label: 'blelloch', wgsl: solution, bindings: BINDINGS, workgroups: [rows], inputs, count: rows * length }),
  work: ({ rows, length }) => ({ flops: 2 * rows * length, bytes: 8 * rows * length }),
  shape: ({ rows, length }) => `${rows} rows × ${length}`,
  dataflow: () => 'blelloch',
});

export const blellochExercise: Exercise = {
  id: 'blelloch',
  title: 'Prefix sum, work-efficient (Blelloch)',
  level: 2,
  family: 'scan',
  teaches: 'The work-efficient scan: an up-sweep and a down-sweep over a tree in workgroup memory, 2n additions in 2·log₂ n steps, and an exclusive result.',
  statement: [
    `Each row of x has length ≤ ${N}. Write the exclusive prefix sum of every row: y[r][0] = 0 and y[r][t] = x[r][0] + … + x[r][t − 1].`,
    `One workgroup of ${WG} handles one row, two elements per invocation. The starter loads the row and does the up-sweep (after it, the last element holds the row's total). Write the down-sweep: clear the root, then at each level, from the root down, every node hands its value to its left child and its value plus the left child's old value to its right child.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: 'rows × 1 × 1 workgroups (one per row)',
    notes: [`sizes.length ≤ ${N}; row r starts at r·length in x and y.`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'The down-sweep visits the levels in the opposite order: 1 active node, then 2, 4, … 256, with the stride halving each time.',
    'Every level needs a barrier before it reads what the level above wrote; keep the barrier outside the if, so all 256 invocations reach it.',
    'Swap with a temporary: let leftSum = tree[left]; tree[left] = tree[right]; tree[right] += leftSum.',
  ],
  solution,
  wrong: [
    {
      mistake: 'writes the inclusive scan (adds the element itself)',
      source: solution.replace('      y[base + t] = tree[t];', '      y[base + t] = tree[t] + x[base + t];'),
      verdict: 'wrong',
    },
    {
      mistake: 'no barrier between the levels of the down-sweep',
      source: solution.replace('    stride = stride / 2u;\n    workgroupBarrier();\n', '    stride = stride / 2u;\n'),
      verdict: 'hazard',
    },
  ],
  shapes: [
    { params: { rows: 1, length: 1 } },
    { params: { rows: 1, length: 512 } },
    { params: { rows: 3, length: 5 } },
    { params: { rows: 2, length: 300 } },
    { params: { rows: 4, length: 511 } },
  ],
  checkShape: { params: { rows: 2, length: 300 } },
  harness,
  where: (p, i) => matrixWhere('y', Number(p.length), i),
  shapeText: (p) => `${p.rows} rows × ${p.length}`,
  lessons: [{ lesson: 'parallel-scans', step: 2, why: 'Blelloch’s up- and down-sweep against Hillis–Steele, work and depth' }],
};
