// Tiled matrix multiplication: a 16×16 workgroup stages a 16×16 panel of A and one of B in
// workgroup memory, so every number loaded from global memory is used 16 times. Two barriers per
// panel: after the loads (before anyone reads the panel) and after the reads (before anyone
// overwrites it).
import { declareBindings } from '../gpu/bindings';
import { matrixWhere } from './harness';
import { MATMUL_BINDINGS, matmulExerciseHarness } from './matmulHarness';
import type { Exercise } from './types';

const T = 16;

const BINDINGS = MATMUL_BINDINGS;

const HEADER = `struct Sizes {
  M : u32,
  N : u32,
  K : u32,
}
${declareBindings(BINDINGS)}

const T = ${T}u;
var<workgroup> tileA : array<f32, ${T * T}>; // A[row][k0 + x] at tileA[y·T + x]
var<workgroup> tileB : array<f32, ${T * T}>; // B[k0 + y][col] at tileB[y·T + x]`;

const LOADS = `    // Each invocation stages one element of each panel (zero outside the matrices).
    let aCol = k0 + lid.x;
    var aValue = 0.0;
    if (row < sizes.M && aCol < sizes.K) {
      aValue = a[row * sizes.K + aCol];
    }
    tileA[lid.y * T + lid.x] = aValue;
    let bRow = k0 + lid.y;
    var bValue = 0.0;
    if (bRow < sizes.K && col < sizes.N) {
      bValue = b[bRow * sizes.N + col];
    }
    tileB[lid.y * T + lid.x] = bValue;`;

const starter = `${HEADER}

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < sizes.K; k0 += T) {
${LOADS}
    workgroupBarrier();
    // TODO: multiply the two panels: acc += tileA[row part] · tileB[column part] over k < T,
    // and keep the panels intact until everyone is done with them.
  }
  if (row < sizes.M && col < sizes.N) {
    c[row * sizes.N + col] = acc;
  }
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < sizes.K; k0 += T) {
${LOADS}
    // The panels are complete only when every invocation has stored its element.
    workgroupBarrier();
    for (var k = 0u; k < T; k++) {
      acc += tileA[lid.y * T + k] * tileB[k * T + lid.x];
    }
    // Nobody may overwrite the panels with the next ones while others still read these.
    workgroupBarrier();
  }
  if (row < sizes.M && col < sizes.N) {
    c[row * sizes.N + col] = acc;
  }
}
`;

const harness = matmulExerciseHarness({
  id: 'exercise-tiled-matmul',
  label: 'Exercise: tiled matmul',
  summary: 'C = A·B with 16×16 panels in workgroup memory.',
  shape: { M: 33, N: 17, K: 9 },
  block: { rows: T, cols: T },
  planLabel: 'tiled matmul',
  solution,
});

export const tiledMatmulExercise: Exercise = {
  id: 'tiled-matmul',
  title: 'Matrix multiplication, tiled in workgroup memory',
  level: 3,
  family: 'matmul',
  teaches: 'Data reuse through workgroup memory: cooperative loads, zero padding at the edges, and the two barriers every panel needs.',
  statement: [
    `Write C = A·B as in the naive exercise, but let each ${T}×${T} workgroup compute a ${T}×${T} block of C by walking K in panels: load a ${T}×${T} panel of A and one of B into workgroup memory, then multiply them from there.`,
    `The starter already stages the panels (one element of each per invocation, zero outside the matrices) and writes C. Multiply the panels, and make sure no panel is overwritten while it is still being read.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'c',
    workgroupSize: [T, T, 1],
    grid: `⌈N / ${T}⌉ × ⌈M / ${T}⌉ × 1 workgroups`,
    notes: ['A[i][k] is at i·K + k, B[k][j] at k·N + j, C[i][j] at i·N + j. 2 KiB of workgroup memory for the two panels.'],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    `Invocation (x, y) needs row y of the A panel and column x of the B panel: tileA[y·T + k] and tileB[k·T + x] for k < ${T}.`,
    'After the inner loop, a second workgroupBarrier(): otherwise a fast invocation starts loading the next panel over values a slow one is still reading (write-after-read).',
  ],
  solution,
  wrong: [
    {
      mistake: 'no barrier after the inner loop',
      source: solution.replace('    // Nobody may overwrite the panels with the next ones while others still read these.\n    workgroupBarrier();\n', ''),
      verdict: 'hazard',
    },
    { mistake: 'reads the B panel by row instead of by column', source: solution.replace('tileB[k * T + lid.x]', 'tileB[lid.x * T + k]'), verdict: 'wrong' },
  ],
  shapes: [
    { params: { M: 1, N: 1, K: 1 } },
    { params: { M: 1, N: 33, K: 40 } },
    { params: { M: 17, N: 13, K: 9 } },
    { params: { M: 33, N: 65, K: 31 } },
    { params: { M: 64, N: 48, K: 80 } },
    { params: { M: 128, N: 128, K: 128 } },
  ],
  checkShape: { params: { M: 20, N: 18, K: 20 } },
  harness,
  where: (p, i) => matrixWhere('C', Number(p.N), i),
  shapeText: (p) => `M×N×K = ${p.M}×${p.N}×${p.K}`,
  speedGoal: {
    builtIn: { family: 'matmul', variant: 'tiled', params: { M: 128, N: 128, K: 128, tile: 16 }, seed: 1, reps: 3 },
    label: 'the built-in tiled kernel (T = 16)',
    params: { M: 128, N: 128, K: 128 },
    ratio: 0.5,
  },
  lessons: [
    { lesson: 'tiling', step: 2, why: 'the tiled kernel, and what the panels save in global traffic' },
    { lesson: 'tile-sweep', why: 'how the tile size trades reuse against barriers and occupancy' },
  ],
};
