// Register blocking: each invocation of an 8×8 workgroup accumulates a 4×4 micro-tile of C in
// registers, so a workgroup covers a 32×32 block. Per K-step the panels are staged in workgroup
// memory; each value read from a panel into a register then feeds 4 multiply-adds instead of one.
import { declareBindings } from '../gpu/bindings';
import { matrixWhere } from './harness';
import { MATMUL_BINDINGS, matmulExerciseHarness } from './matmulHarness';
import type { Exercise } from './types';

const W = 8; // workgroup side
const TM = 4; // micro-tile rows per invocation
const TN = 4; // micro-tile columns per invocation
const BM = W * TM; // 32 rows of C per workgroup
const BN = W * TN; // 32 columns
const BK = 8; // K-step

const BINDINGS = MATMUL_BINDINGS;

const HEADER = `struct Sizes {
  M : u32,
  N : u32,
  K : u32,
}
${declareBindings(BINDINGS)}

const BM = ${BM}u; // rows of C per workgroup
const BN = ${BN}u; // columns of C per workgroup
const BK = ${BK}u; // K-step
const TM = ${TM}u; // micro-tile rows per invocation
const TN = ${TN}u; // micro-tile columns per invocation
var<workgroup> tileA : array<f32, ${BM * BK}>; // A[row0 + r][k0 + k] at r·BK + k
var<workgroup> tileB : array<f32, ${BK * BN}>; // B[k0 + k][col0 + j] at k·BN + j`;

// Invocation (x, y) owns the rows y + 8i and the columns x + 8j of its workgroup's block (i < TM,
// j < TN): neighbouring invocations touch neighbouring columns, in the panels and in C.
const STAGE = `    // Stage the panels: ${(BM * BK) / (W * W)} elements of each per invocation, zero outside the matrices.
    for (var s = 0u; s < ${(BM * BK) / (W * W)}u; s++) {
      let e = li + ${W * W}u * s;
      let ar = row0 + e / BK;
      let ak = k0 + e % BK;
      var av = 0.0;
      if (ar < sizes.M && ak < sizes.K) {
        av = a[ar * sizes.K + ak];
      }
      tileA[e] = av;
      let bk = k0 + e / BN;
      let bc = col0 + e % BN;
      var bv = 0.0;
      if (bk < sizes.K && bc < sizes.N) {
        bv = b[bk * sizes.N + bc];
      }
      tileB[e] = bv;
    }
    workgroupBarrier();`;

const STORE = `  for (var i = 0u; i < TM; i++) {
    for (var j = 0u; j < TN; j++) {
      let row = row0 + lid.y + ${W}u * i;
      let col = col0 + lid.x + ${W}u * j;
      if (row < sizes.M && col < sizes.N) {
        c[row * sizes.N + col] = acc[i * TN + j];
      }
    }
  }`;

const PROLOGUE = `@compute @workgroup_size(${W}, ${W})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3u) {
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  // acc[i·TN + j] accumulates C[row0 + y + 8i][col0 + x + 8j].
  var acc : array<f32, ${TM * TN}>;`;

const starter = `${HEADER}

${PROLOGUE}
  for (var k0 = 0u; k0 < sizes.K; k0 += BK) {
${STAGE}
    // TODO: for each k < BK, read your TM values of the A panel and TN values of the B panel
    // into registers, and add all TM·TN products into acc.
    workgroupBarrier();
  }
${STORE}
}
`;

const solution = `${HEADER}

${PROLOGUE}
  var aReg : array<f32, ${TM}>;
  var bReg : array<f32, ${TN}>;
  for (var k0 = 0u; k0 < sizes.K; k0 += BK) {
${STAGE}
    for (var k = 0u; k < BK; k++) {
      // TM + TN reads from workgroup memory feed TM·TN multiply-adds.
      for (var i = 0u; i < TM; i++) {
        aReg[i] = tileA[(lid.y + ${W}u * i) * BK + k];
      }
      for (var j = 0u; j < TN; j++) {
        bReg[j] = tileB[k * BN + lid.x + ${W}u * j];
      }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] += aReg[i] * bReg[j];
        }
      }
    }
    // The next K-step overwrites the panels: wait for everyone's reads.
    workgroupBarrier();
  }
${STORE}
}
`;

const harness = matmulExerciseHarness({
  id: 'exercise-micro-tile',
  label: 'Exercise: register-blocked micro-tile',
  summary: 'C = A·B, a 4×4 micro-tile of C per invocation, 32×32 per workgroup.',
  shape: { M: 40, N: 36, K: 12 },
  block: { rows: BM, cols: BN },
  planLabel: 'micro-tile matmul',
  solution,
});

export const microTileExercise: Exercise = {
  id: 'micro-tile',
  title: 'Register blocking: a 4×4 micro-tile per invocation',
  level: 3,
  family: 'matmul',
  teaches:
    'Register blocking: an invocation that computes TM×TN outputs reuses each loaded value TN (or TM) times from registers, the step from tiled to fast matmul.',
  statement: [
    `Write C = A·B with an ${W}×${W} workgroup computing a ${BM}×${BN} block of C: invocation (x, y) owns a ${TM}×${TN} micro-tile, the rows y + 8i and columns x + 8j of the block (i < ${TM}, j < ${TN}).`,
    `The starter stages a ${BM}×${BK} panel of A and a ${BK}×${BN} panel of B per K-step and writes the micro-tile back to C. Fill in the multiply: for each k < ${BK}, read your ${TM} values of the A panel and ${TN} of the B panel into registers, then add all ${TM * TN} products.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'c',
    workgroupSize: [W, W, 1],
    grid: `⌈N / ${BN}⌉ × ⌈M / ${BM}⌉ × 1 workgroups`,
    notes: ['A[i][k] is at i·K + k, B[k][j] at k·N + j, C[i][j] at i·N + j.', `Workgroup memory: two panels of ${BM * BK} floats (2 KiB).`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    `Your A values for step k are tileA[(y + 8i)·BK + k] for i < ${TM}; your B values tileB[k·BN + x + 8j] for j < ${TN}.`,
    'Keep them in two small arrays (var aReg : array<f32, 4>) and add aReg[i]·bReg[j] into acc[i·TN + j]: 8 reads, 16 multiply-adds.',
    'The barrier at the end of the K-step is what keeps the next staging from overwriting panels that are still being read.',
  ],
  solution,
  wrong: [
    {
      mistake: 'stores the micro-tile without the edge guard',
      source: solution.replace(
        '      if (row < sizes.M && col < sizes.N) {\n        c[row * sizes.N + col] = acc[i * TN + j];\n      }',
        '      c[row * sizes.N + col] = acc[i * TN + j];',
      ),
      verdict: 'out-of-bounds',
    },
    {
      mistake: 'no barrier before the next K-step overwrites the panels',
      source: solution.replace("    // The next K-step overwrites the panels: wait for everyone's reads.\n    workgroupBarrier();\n", ''),
      verdict: 'hazard',
    },
  ],
  shapes: [
    { params: { M: 1, N: 1, K: 1 } },
    { params: { M: 5, N: 70, K: 3 } },
    { params: { M: 40, N: 36, K: 12 } },
    { params: { M: 64, N: 64, K: 64 } },
    { params: { M: 100, N: 33, K: 65 } },
    { params: { M: 128, N: 128, K: 128 } },
  ],
  checkShape: { params: { M: 40, N: 36, K: 12 } },
  harness,
  where: (p, i) => matrixWhere('C', Number(p.N), i),
  shapeText: (p) => `M×N×K = ${p.M}×${p.N}×${p.K}`,
  speedGoal: {
    builtIn: {
      family: 'matmul',
      variant: 'regblock',
      params: { M: 128, N: 128, K: 128, BM: 32, BN: 32, BK: 8, TM: 4, TN: 4, staging: 'workgroup', vec4: false },
      seed: 1,
      reps: 3,
    },
    label: 'the built-in register-blocked kernel (32×32 tiles, 4×4 micro-tiles, panels in workgroup memory)',
    params: { M: 128, N: 128, K: 128 },
    ratio: 0.5,
  },
  lessons: [{ lesson: 'register-blocking', why: 'micro-tiles in registers, and what they do to the loads per multiply-add' }],
};
