// Naive matrix multiplication: C = A·B, one invocation per output element, each walking a row of
// A and a column of B. The same inputs and float64 reference as the matmul lab.
import { declareBindings } from '../gpu/bindings';
import { matrixWhere } from './harness';
import { MATMUL_BINDINGS, matmulExerciseHarness } from './matmulHarness';
import type { Exercise } from './types';

const S = 8;

const BINDINGS = MATMUL_BINDINGS;

const HEADER = `struct Sizes {
  M : u32,
  N : u32,
  K : u32,
}
${declareBindings(BINDINGS)}`;

const starter = `${HEADER}

@compute @workgroup_size(${S}, ${S})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let col = gid.x;
  let row = gid.y;
  if (row >= sizes.M || col >= sizes.N) {
    return;
  }
  // TODO: C[row][col] is the dot product of row \`row\` of A and column \`col\` of B.
  c[row * sizes.N + col] = a[row * sizes.K] * b[col];
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${S}, ${S})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let col = gid.x;
  let row = gid.y;
  if (row >= sizes.M || col >= sizes.N) {
    return;
  }
  var acc = 0.0;
  for (var k = 0u; k < sizes.K; k++) {
    // A[row][k] and B[k][col], both row-major.
    acc += a[row * sizes.K + k] * b[k * sizes.N + col];
  }
  c[row * sizes.N + col] = acc;
}
`;

const harness = matmulExerciseHarness({
  id: 'exercise-naive-matmul',
  label: 'Exercise: naive matmul',
  summary: 'C = A·B, one invocation per output.',
  shape: { M: 33, N: 17, K: 9 },
  block: { rows: S, cols: S },
  planLabel: 'naive matmul',
  solution,
});

export const naiveMatmulExercise: Exercise = {
  id: 'naive-matmul',
  title: 'Matrix multiplication, naive',
  level: 2,
  family: 'matmul',
  teaches: 'The shape of every matmul kernel: a 2D grid over C, a loop over K, row-major strides for A and B.',
  statement: [
    'Write C = A·B for A of size M×K and B of size K×N (row-major, float32): C[i][j] = Σ_k A[i][k]·B[k][j].',
    `One invocation per element of C: the harness launches ⌈N / ${S}⌉ × ⌈M / ${S}⌉ workgroups of ${S}×${S}, with gid.x the column and gid.y the row.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'c',
    workgroupSize: [S, S, 1],
    grid: `⌈N / ${S}⌉ × ⌈M / ${S}⌉ × 1 workgroups`,
    notes: ['A[i][k] is at i·K + k, B[k][j] at k·N + j, C[i][j] at i·N + j.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'Loop k from 0 to K − 1 and accumulate A[row][k]·B[k][col] in a local variable.',
    'Write C once, after the loop: a store per k would be slow and racy-looking.',
  ],
  solution,
  wrong: [
    { mistake: 'reads A as if it were column-major', source: solution.replace('a[row * sizes.K + k]', 'a[k * sizes.M + row]'), verdict: 'wrong' },
    {
      mistake: 'no guard at the edges of C',
      source: solution.replace('  if (row >= sizes.M || col >= sizes.N) {\n    return;\n  }\n', ''),
      verdict: 'out-of-bounds',
    },
  ],
  shapes: [
    { params: { M: 1, N: 1, K: 1 } },
    { params: { M: 1, N: 9, K: 17 } },
    { params: { M: 17, N: 13, K: 9 } },
    { params: { M: 33, N: 65, K: 31 } },
    { params: { M: 64, N: 64, K: 64 } },
  ],
  checkShape: { params: { M: 10, N: 9, K: 5 } },
  harness,
  where: (p, i) => matrixWhere('C', Number(p.N), i),
  shapeText: (p) => `M×N×K = ${p.M}×${p.N}×${p.K}`,
  lessons: [{ lesson: 'tiling', step: 1, why: 'the naive kernel, and why it loads every number K times' }],
};
