// Guard: a kernel that is right when n is a multiple of the workgroup size and reads and writes
// past the end otherwise. WebGPU clamps or drops such accesses silently, so the numbers can even
// look right: the bounds checker is what catches it.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, ceilDiv, xToYPlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 128;

const BINDINGS = [readOnly('x', 'array<f32>', 'n values'), readWrite('y', 'array<f32>', 'n outputs: y[i] = max(x[i], 0)'), uniform('sizes', 'Sizes', 'n')];

const HEADER = `struct Sizes {
  n : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

// Right when n is a multiple of ${WG}. Make it right for every n.
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  let n = sizes.n; // the number of elements
  y[i] = max(x[i], 0.0);
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  // Invocations past the end of the arrays have nothing to do: neither read nor write.
  if (i >= sizes.n) {
    return;
  }
  y[i] = max(x[i], 0.0);
}
`;

const schema = paramSchema({ n: int('n (elements)', 1000, 1, 1 << 22) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-guard',
  label: 'Exercise: guard (ReLU)',
  summary: 'y[i] = max(x[i], 0) for any n.',
  schema,
  limits: ({ n }, caps) => checkDispatch(caps, [ceilDiv(n, WG)]),
  inputs: ({ n }, seed) => ({ x: uniformArray(n, deriveSeed(seed, 0)), sizes: sizesUniform(n) }),
  reference: ({ n }, inputs) => {
    const x = inputs.x as Float32Array;
    const values = Float64Array.from(x, (v) => Math.max(v, 0));
    // max() is exact: the bound is zero.
    return { values, bound: new Float64Array(n), boundNote: 'exact: max(x, 0) involves no rounding', rows: 1, cols: n };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ n }, inputs) => xToYPlan({ label: 'guard', wgsl: solution, bindings: BINDINGS, workgroups: [ceilDiv(n, WG)], inputs, count: n }),
  work: ({ n }) => ({ flops: n, bytes: 8 * n }),
  shape: ({ n }) => `n = ${n}`,
});

export const guardExercise: Exercise = {
  id: 'guard',
  title: 'Guard: any n, not just multiples of 128',
  level: 1,
  family: 'matmul',
  teaches: 'Bounds: the last workgroup runs past the end, and WebGPU does not fail an out-of-bounds access — it clamps or drops it, silently.',
  statement: [
    `The starter computes y[i] = max(x[i], 0) (ReLU) and is right when n is a multiple of ${WG}. For any other n its last workgroup reads x and writes y past their ends.`,
    'Make it right for every n. Note that the numbers may come out right even without your fix: WebGPU keeps every access inside the buffer (it clamps the index or drops the write), so the error is silent. The judge runs the bounds checker to catch it.',
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: `⌈n / ${WG}⌉ × 1 × 1 workgroups`,
    notes: ['sizes.n is the number of elements; x and y hold exactly n floats each.'],
  },
  starter,
  starterVerdict: 'out-of-bounds',
  hints: [
    `With n = 1000 the harness launches 8 workgroups: 1024 invocations for 1000 elements.`,
    'Return before touching x or y when gid.x is not below sizes.n. Mind the comparison: index n itself is already past the end.',
  ],
  solution,
  wrong: [{ mistake: 'off by one: stops at i > n', source: solution.replace('if (i >= sizes.n)', 'if (i > sizes.n)'), verdict: 'out-of-bounds' }],
  shapes: [{ params: { n: 1 } }, { params: { n: 127 } }, { params: { n: 128 } }, { params: { n: 1000 } }, { params: { n: 5003 } }],
  checkShape: { params: { n: 130 } },
  harness,
  where: (_p, i) => `y[${i}]`,
  shapeText: (p) => `n = ${p.n}`,
  lessons: [{ lesson: 'tiling', step: 2, why: 'the tiled kernel guards every load and store at the edges of the matrix' }],
};
