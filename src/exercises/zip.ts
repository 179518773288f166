// Zip: two inputs element by element, z[i] = α·x[i] + y[i] (SAXPY), with α and n in a uniform.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { Rng, deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, ceilDiv, floatBits, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 64;

const BINDINGS = [
  readOnly('x', 'array<f32>', 'n values'),
  readOnly('y', 'array<f32>', 'n values'),
  readWrite('z', 'array<f32>', 'n outputs: z[i] = alpha·x[i] + y[i]'),
  uniform('sizes', 'Sizes', 'n and alpha'),
];

const HEADER = `struct Sizes {
  n : u32,
  alpha : f32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= sizes.n) {
    return;
  }
  // TODO: scale x[i] by sizes.alpha.
  z[i] = x[i] + y[i];
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= sizes.n) {
    return;
  }
  z[i] = sizes.alpha * x[i] + y[i];
}
`;

const schema = paramSchema({ n: int('n (elements)', 1000, 1, 1 << 22) });

/** α is drawn per seed from [−2, 2), a float32. */
function alphaOf(seed: number): number {
  return new Rng(deriveSeed(seed, 2)).uniform(-2, 2);
}

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-zip',
  label: 'Exercise: zip (SAXPY)',
  summary: 'z[i] = α·x[i] + y[i].',
  schema,
  limits: ({ n }, caps) => checkDispatch(caps, [ceilDiv(n, WG)]),
  inputs: ({ n }, seed) => {
    const sizes = sizesUniform(n, 0);
    sizes[1] = floatBits(alphaOf(seed));
    return { x: uniformArray(n, deriveSeed(seed, 0)), y: uniformArray(n, deriveSeed(seed, 1)), sizes };
  },
  reference: ({ n }, inputs) => {
    const x = inputs.x as Float32Array;
    const y = inputs.y as Float32Array;
    const alpha = new Float32Array(inputs.sizes.buffer, 4, 1)[0];
    const values = new Float64Array(n);
    const bound = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = alpha * x[i] + y[i];
      // fl(fl(α·x) + y): the product and the sum are rounded once each, so
      // |error| ≤ u·|αx|(1+u) + u·|αx + y| ≤ γ₂·(|αx| + |y|); a fused multiply-add rounds once.
      bound[i] = gamma(2) * (Math.abs(alpha * x[i]) + Math.abs(y[i])) + 2 * TINY;
    }
    return { values, bound, boundNote: '|error| ≤ γ₂·(|α·x| + |y|): one rounding for the product, one for the sum', rows: 1, cols: n };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ n }, inputs) =>
    onePlan({
      label: 'zip',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(n, WG)],
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'y', data: inputs.y, usage: 'storage' },
        { name: 'z', bytes: 4 * n, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'z', type: 'f32', count: n },
    }),
  work: ({ n }) => ({ flops: 2 * n, bytes: 12 * n }),
  shape: ({ n }) => `n = ${n}`,
});

export const zipExercise: Exercise = {
  id: 'zip',
  title: 'Zip: α·x + y',
  level: 1,
  family: 'matmul',
  teaches: 'Two inputs read at the same index, and a uniform struct that carries both a count (u32) and a coefficient (f32).',
  statement: [
    'Write z[i] = α·x[i] + y[i] for every i < n (SAXPY, the "hello world" of BLAS).',
    `The uniform \`sizes\` holds n and α. The harness launches ⌈n / ${WG}⌉ workgroups of ${WG}.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'z',
    workgroupSize: [WG, 1, 1],
    grid: `⌈n / ${WG}⌉ × 1 × 1 workgroups`,
    notes: ['sizes.n is the number of elements, sizes.alpha the coefficient α (a float32).'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'Fields of a uniform struct are read like any struct: sizes.alpha.',
    'z[i] = sizes.alpha * x[i] + y[i]; the GPU may fuse it into one multiply-add, which the bound allows.',
  ],
  solution,
  wrong: [{ mistake: 'scales the sum instead of x', source: solution.replace('sizes.alpha * x[i] + y[i]', 'sizes.alpha * (x[i] + y[i])'), verdict: 'wrong' }],
  shapes: [{ params: { n: 1 } }, { params: { n: 65 } }, { params: { n: 1000 } }, { params: { n: 4096 } }, { params: { n: 10001 } }],
  checkShape: { params: { n: 100 } },
  harness,
  where: (_p, i) => `z[${i}]`,
  shapeText: (p) => `n = ${p.n}`,
  lessons: [{ lesson: 'roofline', step: 1, why: 'a kernel that does 2 flops per 12 bytes is bound by memory, not arithmetic' }],
};
