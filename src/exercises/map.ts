// Map: one invocation per element, y[i] = x[i]². The first kernel: global ids, one workgroup of 64
// after another, and the guard that keeps the last partial workgroup inside the array.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, U, ceilDiv, xToYPlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 64;

const BINDINGS = [readOnly('x', 'array<f32>', 'n inputs'), readWrite('y', 'array<f32>', 'n outputs: y[i] = x[i]²'), uniform('sizes', 'Sizes', 'n')];

const HEADER = `struct Sizes {
  n : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= sizes.n) {
    return;
  }
  // TODO: write x[i] squared.
  y[i] = x[i];
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  // The last workgroup runs past n when n is not a multiple of ${WG}.
  if (i >= sizes.n) {
    return;
  }
  y[i] = x[i] * x[i];
}
`;

const schema = paramSchema({ n: int('n (elements)', 1000, 1, 1 << 22) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-map',
  label: 'Exercise: map',
  summary: 'y[i] = x[i]², one invocation per element.',
  schema,
  limits: ({ n }, caps) => checkDispatch(caps, [ceilDiv(n, WG)]),
  inputs: ({ n }, seed) => ({ x: uniformArray(n, deriveSeed(seed, 0)), sizes: sizesUniform(n) }),
  reference: ({ n }, inputs) => {
    const x = inputs.x as Float32Array;
    const values = new Float64Array(n);
    const bound = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = x[i] * x[i];
      // One float32 multiplication, rounded once: |error| ≤ u·x²; plus a flushed subnormal.
      bound[i] = U * values[i] + TINY;
    }
    return { values, bound, boundNote: '|error| ≤ u·x² (one rounding), u = 2⁻²⁴', rows: 1, cols: n };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ n }, inputs) => xToYPlan({ label: 'map', wgsl: solution, bindings: BINDINGS, workgroups: [ceilDiv(n, WG)], inputs, count: n }),
  work: ({ n }) => ({ flops: n, bytes: 8 * n }),
  shape: ({ n }) => `n = ${n}`,
});

export const mapExercise: Exercise = {
  id: 'map',
  title: 'Map: square every element',
  level: 1,
  family: 'matmul',
  teaches: 'One invocation per element: global_invocation_id, workgroups of 64, and the guard for the last partial workgroup.',
  statement: [
    'Write y[i] = x[i]² for every i < n.',
    `The harness launches ⌈n / ${WG}⌉ workgroups of ${WG} invocations; invocation gid.x handles element gid.x. When n is not a multiple of ${WG}, the last workgroup has invocations with nothing to do.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: `⌈n / ${WG}⌉ × 1 × 1 workgroups`,
    notes: ['sizes.n is the number of elements; x and y hold n floats each.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'The starter already finds its element and returns when it has none; only the value written is wrong.',
    'x[i] * x[i] is one float32 multiplication, rounded once: that is all the bound allows.',
  ],
  solution,
  wrong: [
    { mistake: 'doubles instead of squaring', source: solution.replace('y[i] = x[i] * x[i];', 'y[i] = x[i] * 2.0;'), verdict: 'wrong' },
    {
      mistake: 'uses the invocation index within its workgroup',
      source: solution.replace('@builtin(global_invocation_id) gid : vec3u', '@builtin(local_invocation_id) gid : vec3u'),
      // Every workgroup writes y[0…63] again: the checker proves the race, and the results past 63 are never written.
      verdict: 'hazard',
    },
  ],
  shapes: [{ params: { n: 1 } }, { params: { n: 63 } }, { params: { n: 64 } }, { params: { n: 1000 } }, { params: { n: 4097 } }],
  checkShape: { params: { n: 70 } },
  harness,
  where: (_p, i) => `y[${i}]`,
  shapeText: (p) => `n = ${p.n}`,
  lessons: [{ lesson: 'tiling', step: 1, why: 'how invocations and workgroups map onto outputs' }],
};
