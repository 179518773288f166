// A dot product of any length with one workgroup: each invocation walks the vectors with a stride
// of 256 (a "grid-stride" loop), then the workgroup reduces the 256 partial sums.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { gamma } from '../numerics/metrics';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 256;

const BINDINGS = [
  readOnly('x', 'array<f32>', 'n values'),
  readOnly('y', 'array<f32>', 'n values'),
  readWrite('result', 'array<f32>', 'one value: x·y'),
  uniform('sizes', 'Sizes', 'n'),
];

const HEADER = `struct Sizes {
  n : u32,
}
${declareBindings(BINDINGS)}

var<workgroup> partial : array<f32, ${WG}>;`;

const starter = `${HEADER}

// One workgroup computes the whole dot product.
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid : u32) {
  var acc = 0.0;
  // TODO: walk every element that belongs to this invocation, not just one.
  if (lid < sizes.n) {
    acc = x[lid] * y[lid];
  }
  partial[lid] = acc;
  workgroupBarrier();
  // TODO: reduce partial[0…${WG - 1}] into partial[0].
  if (lid == 0u) {
    result[0] = partial[0];
  }
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid : u32) {
  // Invocation lid takes elements lid, lid + ${WG}, lid + ${2 * WG}, …: neighbours read neighbours.
  var acc = 0.0;
  for (var i = lid; i < sizes.n; i += ${WG}u) {
    acc += x[i] * y[i];
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = ${WG / 2}u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    result[0] = partial[0];
  }
}
`;

const schema = paramSchema({ n: int('n (elements)', 1000, 1, 1 << 22) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-dot',
  label: 'Exercise: dot product',
  summary: 'x·y with one workgroup and a strided loop.',
  schema,
  limits: () => [],
  inputs: ({ n }, seed) => ({ x: uniformArray(n, deriveSeed(seed, 0)), y: uniformArray(n, deriveSeed(seed, 1)), sizes: sizesUniform(n) }),
  reference: ({ n }, inputs) => {
    const x = inputs.x as Float32Array;
    const y = inputs.y as Float32Array;
    let dot = 0;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      dot += x[i] * y[i];
      abs += Math.abs(x[i] * y[i]);
    }
    // A float32 dot product of length n, in any order, is within γ_n·Σ|x·y| (Higham §3.1).
    const bound = gamma(n) * abs + (n + 1) * TINY;
    return { values: Float64Array.of(dot), bound: Float64Array.of(bound), boundNote: `|error| ≤ γ_n·Σ|x·y| with n = ${n}`, rows: 1, cols: 1 };
  },
  noEmulationReason: NO_EMULATION,
  plan: (_cfg, inputs) =>
    onePlan({
      label: 'dot',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [1],
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'y', data: inputs.y, usage: 'storage' },
        { name: 'result', bytes: 4, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'result', type: 'f32', count: 1 },
    }),
  work: ({ n }) => ({ flops: 2 * n, bytes: 8 * n + 4 }),
  shape: ({ n }) => `n = ${n}`,
});

export const dotExercise: Exercise = {
  id: 'dot',
  title: 'A dot product of any length',
  level: 2,
  family: 'matmul',
  teaches: 'A strided loop lets a fixed number of invocations cover any n; then one reduction combines their partial sums.',
  statement: [
    `Compute x·y = Σ x[i]·y[i] for vectors of any length n, with a single workgroup of ${WG} invocations. Write it to result[0].`,
    `Each invocation first sums its own elements — lid, lid + ${WG}, lid + ${2 * WG}, … — then the workgroup adds the ${WG} partial sums as in the block-sum exercise.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'result',
    workgroupSize: [WG, 1, 1],
    grid: '1 × 1 × 1 workgroup',
    notes: ['result holds one float. sizes.n can be anything from 1 to millions.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    `for (var i = lid; i < sizes.n; i += ${WG}u) visits every element exactly once across the workgroup.`,
    'Only one invocation may write result[0]: reduce the partials first (with a barrier after every step), then let invocation 0 write.',
  ],
  solution,
  wrong: [
    {
      mistake: 'every invocation writes its own partial sum to result[0]',
      source: `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid : u32) {
  var acc = 0.0;
  for (var i = lid; i < sizes.n; i += ${WG}u) {
    acc += x[i] * y[i];
  }
  partial[lid] = acc;
  result[0] = acc;
}
`,
      verdict: 'hazard',
    },
    {
      mistake: 'a loop condition that the stride jumps over (i != n)',
      source: solution.replace('for (var i = lid; i < sizes.n; i += 256u) {', 'for (var i = lid; i != sizes.n; i += 256u) {'),
      verdict: 'endless-loop',
    },
    {
      mistake: 'no strided loop: only the first 256 elements count',
      source: solution.replace('for (var i = lid; i < sizes.n; i += 256u) {', 'for (var i = lid; i < min(sizes.n, 256u); i += 256u) {'),
      verdict: 'wrong',
    },
  ],
  shapes: [{ params: { n: 1 } }, { params: { n: 7 } }, { params: { n: 256 } }, { params: { n: 257 } }, { params: { n: 1000 } }, { params: { n: 10007 } }],
  checkShape: { params: { n: 600 } },
  harness,
  where: () => 'result[0]',
  shapeText: (p) => `n = ${p.n}`,
  lessons: [{ lesson: 'tiling', step: 3, why: 'the float32 error bound γ_K·Σ|a·b| of a dot product, whatever the order of the sum' }],
};
