// 2D indexing: transpose a matrix with a 2D grid of 16×16 workgroups. Each invocation has a row
// and a column, both of which can fall outside the matrix at its right and bottom edges.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, ceilDiv, matrixWhere, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const S = 16;

const BINDINGS = [
  readOnly('a', 'array<f32>', 'rows×cols, row-major'),
  readWrite('at', 'array<f32>', 'cols×rows, row-major: at[c][r] = a[r][c]'),
  uniform('sizes', 'Sizes', 'rows, cols (of a)'),
];

const HEADER = `struct Sizes {
  rows : u32,
  cols : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

@compute @workgroup_size(${S}, ${S})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let col = gid.x; // a column of a
  let row = gid.y; // a row of a
  if (row >= sizes.rows || col >= sizes.cols) {
    return;
  }
  // TODO: this copies a; write it transposed.
  at[row * sizes.cols + col] = a[row * sizes.cols + col];
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${S}, ${S})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let col = gid.x; // a column of a
  let row = gid.y; // a row of a
  // The grid is rounded up to whole workgroups in both directions.
  if (row >= sizes.rows || col >= sizes.cols) {
    return;
  }
  // at is cols×rows: its row c has rows elements.
  at[col * sizes.rows + row] = a[row * sizes.cols + col];
}
`;

const schema = paramSchema({ rows: int('rows', 33, 1, 4096), cols: int('cols', 65, 1, 4096) });

const harness = defineVariant({
  family: 'matmul',
  id: 'exercise-transpose',
  label: 'Exercise: transpose (2D indexing)',
  summary: 'at[c][r] = a[r][c] on a 2D grid.',
  schema,
  limits: ({ rows, cols }, caps) => checkDispatch(caps, [ceilDiv(cols, S), ceilDiv(rows, S)]),
  inputs: ({ rows, cols }, seed) => ({ a: uniformArray(rows * cols, deriveSeed(seed, 0)), sizes: sizesUniform(rows, cols) }),
  reference: ({ rows, cols }, inputs) => {
    const a = inputs.a as Float32Array;
    const values = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[c * rows + r] = a[r * cols + c];
    // Moving a number is exact.
    return { values, bound: new Float64Array(rows * cols), boundNote: 'exact: a transpose only moves numbers', rows: cols, cols: rows };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ rows, cols }, inputs) =>
    onePlan({
      label: 'transpose',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(cols, S), ceilDiv(rows, S)],
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'at', bytes: 4 * rows * cols, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'at', type: 'f32', count: rows * cols },
    }),
  work: ({ rows, cols }) => ({ flops: 0, bytes: 8 * rows * cols }),
  shape: ({ rows, cols }) => `${rows}×${cols}`,
});

export const transposeExercise: Exercise = {
  id: 'transpose',
  title: '2D indexing: transpose a matrix',
  level: 1,
  family: 'matmul',
  teaches: 'A 2D grid: gid.x and gid.y as column and row, a guard in both directions, and the stride of a row-major matrix of another shape.',
  statement: [
    'a is a rows×cols matrix (row-major). Write its transpose at, a cols×rows matrix: at[c][r] = a[r][c].',
    `The harness launches a 2D grid of ${S}×${S} workgroups, ⌈cols / ${S}⌉ across and ⌈rows / ${S}⌉ down: invocation (gid.x, gid.y) handles column gid.x and row gid.y of a.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'at',
    workgroupSize: [S, S, 1],
    grid: `⌈cols / ${S}⌉ × ⌈rows / ${S}⌉ × 1 workgroups`,
    notes: ['sizes.rows and sizes.cols are the shape of a; a and at hold rows·cols floats each.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: ['Element [r][c] of a row-major matrix with C columns sits at r·C + c.', 'at has rows columns (it is cols×rows), so at[c][r] sits at c·rows + r.'],
  solution,
  wrong: [
    {
      mistake: 'uses the row length of a for at',
      source: solution.replace('at[col * sizes.rows + row]', 'at[col * sizes.cols + row]'),
      verdict: 'out-of-bounds',
    },
    {
      mistake: 'guards the columns only',
      source: solution.replace('if (row >= sizes.rows || col >= sizes.cols)', 'if (col >= sizes.cols)'),
      verdict: 'out-of-bounds',
    },
  ],
  shapes: [
    { params: { rows: 1, cols: 1 } },
    { params: { rows: 1, cols: 17 } },
    { params: { rows: 17, cols: 1 } },
    { params: { rows: 33, cols: 65 } },
    { params: { rows: 64, cols: 64 } },
    { params: { rows: 100, cols: 3 } },
  ],
  checkShape: { params: { rows: 17, cols: 20 } },
  harness,
  where: (p, i) => matrixWhere('at', Number(p.rows), i),
  shapeText: (p) => `${p.rows}×${p.cols}`,
  lessons: [{ lesson: 'tiling', step: 2, why: 'a 2D grid of workgroups over a matrix, guarded at its edges' }],
};
