// Broadcast: add a bias vector to every row of a matrix, out[r][c] = x[r][c] + bias[c]. One
// invocation per element of a flat index space: the row and column come from a division.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, U, ceilDiv, matrixWhere, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 64;

const BINDINGS = [
  readOnly('x', 'array<f32>', 'rows×cols, row-major'),
  readOnly('bias', 'array<f32>', 'cols values, one per column'),
  readWrite('out', 'array<f32>', 'rows×cols: out[r][c] = x[r][c] + bias[c]'),
  uniform('sizes', 'Sizes', 'rows, cols'),
];

const HEADER = `struct Sizes {
  rows : u32,
  cols : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= sizes.rows * sizes.cols) {
    return;
  }
  // TODO: add the bias of this element's column.
  out[i] = x[i] + bias[0];
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= sizes.rows * sizes.cols) {
    return;
  }
  // Row-major: element i sits in row i / cols, column i % cols.
  let col = i % sizes.cols;
  out[i] = x[i] + bias[col];
}
`;

const schema = paramSchema({ rows: int('rows', 33, 1, 4096), cols: int('cols', 17, 1, 4096) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-broadcast',
  label: 'Exercise: broadcast a bias',
  summary: 'out[r][c] = x[r][c] + bias[c].',
  schema,
  limits: ({ rows, cols }, caps) => checkDispatch(caps, [ceilDiv(rows * cols, WG)]),
  inputs: ({ rows, cols }, seed) => ({
    x: uniformArray(rows * cols, deriveSeed(seed, 0)),
    bias: uniformArray(cols, deriveSeed(seed, 1)),
    sizes: sizesUniform(rows, cols),
  }),
  reference: ({ rows, cols }, inputs) => {
    const x = inputs.x as Float32Array;
    const bias = inputs.bias as Float32Array;
    const values = new Float64Array(rows * cols);
    const bound = new Float64Array(rows * cols);
    for (let i = 0; i < rows * cols; i++) {
      values[i] = x[i] + bias[i % cols];
      // One float32 addition, rounded once.
      bound[i] = U * Math.abs(values[i]) + TINY;
    }
    return { values, bound, boundNote: '|error| ≤ u·|x + bias| (one rounding)', rows, cols };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ rows, cols }, inputs) =>
    onePlan({
      label: 'broadcast',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(rows * cols, WG)],
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'bias', data: inputs.bias, usage: 'storage' },
        { name: 'out', bytes: 4 * rows * cols, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'out', type: 'f32', count: rows * cols },
    }),
  work: ({ rows, cols }) => ({ flops: rows * cols, bytes: 8 * rows * cols + 4 * cols }),
  shape: ({ rows, cols }) => `${rows}×${cols}`,
});

export const broadcastExercise: Exercise = {
  id: 'broadcast',
  title: 'Broadcast: add a bias to every row',
  level: 1,
  family: 'matmul',
  teaches: 'Flat indices and row-major layout: the row is i / cols and the column i % cols; a broadcast operand is indexed by one of them only.',
  statement: [
    'x is a rows×cols matrix stored row by row; bias has one value per column. Write out[r][c] = x[r][c] + bias[c] — the bias of a linear layer, added to every row of a batch.',
    `The harness launches one invocation per element: ⌈rows·cols / ${WG}⌉ workgroups of ${WG}.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'out',
    workgroupSize: [WG, 1, 1],
    grid: `⌈rows·cols / ${WG}⌉ × 1 × 1 workgroups`,
    notes: ['x and out hold rows·cols floats, row-major (element [r][c] at r·cols + c); bias holds cols floats.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: ['Element i of a row-major rows×cols matrix is in column i % cols.', 'The bias depends on the column only: every row adds the same vector.'],
  solution,
  wrong: [{ mistake: 'indexes the bias by the row', source: solution.replace('let col = i % sizes.cols;', 'let col = i / sizes.cols;'), verdict: 'wrong' }],
  shapes: [
    { params: { rows: 1, cols: 1 } },
    { params: { rows: 1, cols: 65 } },
    { params: { rows: 7, cols: 3 } },
    { params: { rows: 33, cols: 17 } },
    { params: { rows: 3, cols: 1000 } },
  ],
  checkShape: { params: { rows: 5, cols: 13 } },
  harness,
  where: (p, i) => matrixWhere('out', Number(p.cols), i),
  shapeText: (p) => `${p.rows}×${p.cols}`,
  lessons: [{ lesson: 'tiling', step: 1, why: 'row-major indexing of matrices, as every matmul kernel does it' }],
};
