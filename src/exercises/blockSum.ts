// A workgroup reduction: each workgroup of 256 sums its block of 256 elements in workgroup memory,
// halving the active invocations each step, with a barrier between steps.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, ceilDiv, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 256;

const BINDINGS = [readOnly('x', 'array<f32>', 'n values'), readWrite('sums', 'array<f32>', '⌈n/256⌉ block sums'), uniform('sizes', 'Sizes', 'n')];

const HEADER = `struct Sizes {
  n : u32,
}
${declareBindings(BINDINGS)}

var<workgroup> partial : array<f32, ${WG}>;`;

const starter = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u, @builtin(local_invocation_index) lid : u32, @builtin(workgroup_id) wid : vec3u) {
  // Each invocation brings one element of the block (zero past the end of x).
  var value = 0.0;
  if (gid.x < sizes.n) {
    value = x[gid.x];
  }
  partial[lid] = value;
  workgroupBarrier();
  // TODO: add the ${WG} values of partial together.
  if (lid == 0u) {
    sums[wid.x] = partial[0];
  }
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u, @builtin(local_invocation_index) lid : u32, @builtin(workgroup_id) wid : vec3u) {
  var value = 0.0;
  if (gid.x < sizes.n) {
    value = x[gid.x];
  }
  partial[lid] = value;
  workgroupBarrier();
  // A tree: each step, the first half adds the second half onto itself.
  for (var stride = ${WG / 2}u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    // Everyone must see this step's sums before the next step reads them.
    workgroupBarrier();
  }
  if (lid == 0u) {
    sums[wid.x] = partial[0];
  }
}
`;

const schema = paramSchema({ n: int('n (elements)', 1000, 1, 1 << 22) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-block-sum',
  label: 'Exercise: workgroup reduction',
  summary: 'The sum of each block of 256 elements.',
  schema,
  limits: ({ n }, caps) => checkDispatch(caps, [ceilDiv(n, WG)]),
  inputs: ({ n }, seed) => ({ x: uniformArray(n, deriveSeed(seed, 0)), sizes: sizesUniform(n) }),
  reference: ({ n }, inputs) => {
    const x = inputs.x as Float32Array;
    const blocks = ceilDiv(n, WG);
    const values = new Float64Array(blocks);
    const bound = new Float64Array(blocks);
    for (let b = 0; b < blocks; b++) {
      let sum = 0;
      let abs = 0;
      const count = Math.min(WG, n - b * WG);
      for (let i = b * WG; i < b * WG + count; i++) {
        sum += x[i];
        abs += Math.abs(x[i]);
      }
      values[b] = sum;
      // A float32 sum of m numbers in any order is within γ_{m−1}·Σ|x| (Higham §4.2); zeros
      // added for the padding are exact.
      bound[b] = gamma(Math.max(count - 1, 1)) * abs + count * TINY;
    }
    return { values, bound, boundNote: 'each block sum within γ_{m−1}·Σ|x| for a block of m elements, in any order', rows: 1, cols: blocks };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ n }, inputs) =>
    onePlan({
      label: 'block sum',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(n, WG)],
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'sums', bytes: 4 * ceilDiv(n, WG), usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'sums', type: 'f32', count: ceilDiv(n, WG) },
    }),
  work: ({ n }) => ({ flops: n, bytes: 4 * n + 4 * ceilDiv(n, WG) }),
  shape: ({ n }) => `n = ${n}`,
});

export const blockSumExercise: Exercise = {
  id: 'block-sum',
  title: 'A workgroup reduction: sum each block of 256',
  level: 2,
  family: 'matmul',
  teaches: 'Workgroup memory and barriers: a tree reduction in log₂ 256 = 8 steps, and why each step needs a barrier.',
  statement: [
    `Each workgroup of ${WG} owns a block of ${WG} consecutive elements of x (the last block may be shorter). Write the sum of block w to sums[w].`,
    'The starter already loads the block into workgroup memory, with zeros past the end of x. Add the values together in a tree: 128 invocations add pairs, then 64, … then 1.',
  ],
  contract: {
    bindings: BINDINGS,
    output: 'sums',
    workgroupSize: [WG, 1, 1],
    grid: `⌈n / ${WG}⌉ × 1 × 1 workgroups`,
    notes: [`sums holds ⌈n / ${WG}⌉ floats. Workgroup memory: up to 16 KiB on every device.`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'Loop with a stride that starts at 128 and halves: invocations below the stride add partial[lid + stride] onto partial[lid].',
    'Between two steps every invocation must wait for the others: a workgroupBarrier() inside the loop, reached by all 256 (not inside the if).',
  ],
  solution,
  wrong: [
    {
      mistake: 'no barrier between the steps of the tree',
      source: solution.replace("    // Everyone must see this step's sums before the next step reads them.\n    workgroupBarrier();\n", ''),
      verdict: 'hazard',
    },
    { mistake: 'the tree starts at a stride of 256', source: solution.replace('var stride = 128u;', 'var stride = 256u;'), verdict: 'out-of-bounds' },
  ],
  shapes: [{ params: { n: 1 } }, { params: { n: 255 } }, { params: { n: 256 } }, { params: { n: 257 } }, { params: { n: 1000 } }, { params: { n: 5000 } }],
  checkShape: { params: { n: 300 } },
  harness,
  where: (_p, i) => `sums[${i}]`,
  shapeText: (p) => `n = ${p.n}`,
  lessons: [{ lesson: 'parallel-scans', step: 2, why: 'a tree of combines in log₂ n steps, the same shape as a reduction' }],
};
