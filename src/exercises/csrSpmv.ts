// CSR sparse matrix × vector: one invocation per row walks that row's non-zeros, from row_ptr[r]
// to row_ptr[r + 1], gathering x at each stored column. Rows differ in length, some are empty.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { Rng, deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, ceilDiv, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 64;

const BINDINGS = [
  readOnly('row_ptr', 'array<u32>', 'rows + 1 offsets: row r is entries row_ptr[r] … row_ptr[r + 1] − 1'),
  readOnly('cols', 'array<u32>', 'the column of each stored entry'),
  readOnly('vals', 'array<f32>', 'the value of each stored entry'),
  readOnly('x', 'array<f32>', 'the dense vector (one value per column)'),
  readWrite('y', 'array<f32>', 'rows outputs: y[r] = Σ vals[j]·x[cols[j]] over row r'),
  uniform('sizes', 'Sizes', 'rows'),
];

const HEADER = `struct Sizes {
  rows : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

// One invocation per row.
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let row = gid.x;
  if (row >= sizes.rows) {
    return;
  }
  var acc = 0.0;
  // TODO: every stored entry of the row, not just the first.
  let first = row_ptr[row];
  if (first < row_ptr[row + 1u]) {
    acc = vals[first] * x[cols[first]];
  }
  y[row] = acc;
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let row = gid.x;
  if (row >= sizes.rows) {
    return;
  }
  var acc = 0.0;
  // An empty row has row_ptr[row] == row_ptr[row + 1]: the loop does not run and y is 0.
  for (var j = row_ptr[row]; j < row_ptr[row + 1u]; j++) {
    acc += vals[j] * x[cols[j]];
  }
  y[row] = acc;
}
`;

const schema = paramSchema({
  rows: int('rows', 70, 1, 65535),
  cols: int('columns', 33, 1, 65535),
  density: int('density (% of entries stored)', 10, 1, 100),
});

/** A seeded CSR matrix: each entry stored with probability density/100, and every fifth row (3, 8, 13…) empty. */
function csrOf(rows: number, cols: number, density: number, seed: number) {
  const rng = new Rng(deriveSeed(seed, 6));
  const rowPtr = new Uint32Array(rows + 1);
  const colList: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (r % 5 !== 3) for (let c = 0; c < cols; c++) if (rng.nextU32() % 100 < density) colList.push(c);
    rowPtr[r + 1] = colList.length;
  }
  const nnz = colList.length;
  // Values are never zero, so every stored entry matters.
  const vals = uniformArray(Math.max(nnz, 1), deriveSeed(seed, 7), 0.05, 1).map((v, i) => (i % 2 ? -v : v));
  return { rowPtr, cols: Uint32Array.from(nnz ? colList : [0]), vals, nnz };
}

const harness = defineVariant({
  family: 'sparse',
  id: 'exercise-csr-spmv',
  label: 'Exercise: CSR SpMV',
  summary: 'y = A·x for a CSR matrix, one invocation per row.',
  schema,
  limits: ({ rows }, caps) => checkDispatch(caps, [ceilDiv(rows, WG)]),
  inputs: ({ rows, cols, density }, seed) => {
    const csr = csrOf(rows, cols, density, seed);
    return { row_ptr: csr.rowPtr, cols: csr.cols, vals: csr.vals, x: uniformArray(cols, deriveSeed(seed, 8)), sizes: sizesUniform(rows) };
  },
  reference: ({ rows }, inputs) => {
    const rowPtr = inputs.row_ptr as Uint32Array;
    const colOf = inputs.cols as Uint32Array;
    const vals = inputs.vals as Float32Array;
    const x = inputs.x as Float32Array;
    const values = new Float64Array(rows);
    const bound = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let abs = 0;
      const len = rowPtr[r + 1] - rowPtr[r];
      for (let j = rowPtr[r]; j < rowPtr[r + 1]; j++) {
        sum += vals[j] * x[colOf[j]];
        abs += Math.abs(vals[j] * x[colOf[j]]);
      }
      values[r] = sum;
      // A float32 dot product of the row's len entries, in any order: within γ_len·Σ|a·x|; an
      // empty row is exactly 0.
      bound[r] = len === 0 ? 0 : gamma(len) * abs + len * TINY;
    }
    return { values, bound, boundNote: '|error| ≤ γ_len·Σ|a·x| for a row of len stored entries; empty rows exactly 0', rows: 1, cols: rows };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ rows }, inputs) =>
    onePlan({
      label: 'csr spmv',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [ceilDiv(rows, WG)],
      buffers: [
        { name: 'row_ptr', data: inputs.row_ptr, usage: 'storage' },
        { name: 'cols', data: inputs.cols, usage: 'storage' },
        { name: 'vals', data: inputs.vals, usage: 'storage' },
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'y', bytes: 4 * rows, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'y', type: 'f32', count: rows },
    }),
  work: ({ rows, cols, density }) => {
    const nnz = (rows * cols * density) / 100;
    return { flops: 2 * nnz, bytes: 12 * nnz + 4 * (2 * rows + cols) };
  },
  shape: ({ rows, cols, density }) => `${rows}×${cols}, ${density}% stored`,
});

export const csrSpmvExercise: Exercise = {
  id: 'csr-spmv',
  title: 'Sparse matrix × vector in CSR',
  level: 3,
  family: 'sparse',
  teaches: 'Compressed sparse rows: loops whose length depends on the data, gathers through an index array, and empty rows.',
  statement: [
    'A is a sparse rows×columns matrix in CSR form: row r stores its non-zeros as entries row_ptr[r] … row_ptr[r + 1] − 1, each with a column (cols) and a value (vals). Write y = A·x: y[r] = Σ vals[j]·x[cols[j]] over the entries of row r.',
    `One invocation per row: ⌈rows / ${WG}⌉ workgroups of ${WG}. Rows have different lengths, and some have none.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: `⌈rows / ${WG}⌉ × 1 × 1 workgroups`,
    notes: ['row_ptr has rows + 1 entries, row_ptr[0] = 0 and row_ptr[rows] = the number of stored entries.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'for (var j = row_ptr[row]; j < row_ptr[row + 1u]; j++) visits the row’s entries; an empty row runs it zero times.',
    'x is indexed by the entry’s column, cols[j], not by j.',
  ],
  solution,
  wrong: [
    {
      mistake: 'runs one entry past the end of the row',
      source: solution.replace('j < row_ptr[row + 1u]; j++', 'j <= row_ptr[row + 1u]; j++'),
      verdict: 'out-of-bounds',
    },
    {
      mistake: 'overwrites instead of accumulating',
      source: solution.replace('acc += vals[j] * x[cols[j]];', 'acc = vals[j] * x[cols[j]];'),
      verdict: 'wrong',
    },
  ],
  shapes: [
    { params: { rows: 1, cols: 1, density: 100 } },
    { params: { rows: 1, cols: 50, density: 10 } },
    { params: { rows: 70, cols: 33, density: 10 } },
    { params: { rows: 200, cols: 300, density: 5 } },
    { params: { rows: 64, cols: 64, density: 50 } },
  ],
  checkShape: { params: { rows: 70, cols: 33, density: 10 } },
  harness,
  where: (_p, i) => `y[${i}] (row ${i})`,
  shapeText: (p) => `${p.rows}×${p.cols}, ${p.density}% stored`,
  lessons: [{ lesson: 'sparsity-crossover', why: 'when CSR beats the dense kernel, and the bytes each format stores' }],
};
