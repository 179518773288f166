// The structured and approximate matmul family: products cheaper than dense (low rank, Monarch,
// Kronecker, block tensor-train, BLAST), fast algorithms (Strassen, and with checksums against
// faults), randomized estimates of AᵀB (sketches, sampling, multilevel Monte Carlo) and matrix
// functions from matmuls (Newton–Schulz, square roots) — each against float64, and each timed
// against the dense register-blocked kernel of the same shape ('dense').
import type { BenchCase, FamilyDef, Params } from '../types';
import { blast } from './blast';
import { btt } from './btt';
import { dense } from './dense';
import { kronecker } from './kronecker';
import { lowrank } from './lowrank';
import { matrixSqrt } from './matrixSqrt';
import { mlmc } from './mlmc';
import { monarchFused } from './monarchFused';
import { monarchUnfused } from './monarchUnfused';
import { newtonSchulz } from './newtonSchulz';
import { sampleCoordinated } from './sampleCoordinated';
import { sketchCount } from './sketchCount';
import { sketchGaussian } from './sketchGaussian';
import { strassen } from './strassen';
import { strassenAbft } from './strassenAbft';

const VARIANTS = [
  dense,
  lowrank,
  monarchFused,
  monarchUnfused,
  kronecker,
  btt,
  blast,
  strassen,
  strassenAbft,
  sketchGaussian,
  sketchCount,
  sampleCoordinated,
  mlmc,
  newtonSchulz,
  matrixSqrt,
];

function bench(variant: string, params: Params, label: string, reps = 3): BenchCase {
  return { label, experiment: { family: 'structured', variant, params, seed: 1, reps } };
}

/**
 * Every structure next to the dense kernel of its own shape, in the same run: layers at n = 256,
 * 512 and 1024 (batch 64), low rank across ranks at n = 512, Strassen at 256 and 512, the
 * sketches across k, and the matrix functions. The crossovers are read as ratios of neighbouring
 * rows.
 */
export function structuredBenchSuite(): BenchCase[] {
  const cases: BenchCase[] = [];
  const batch = 64;
  for (const n of [256, 512, 1024]) {
    const b = Math.round(Math.sqrt(n)) === Math.sqrt(n) ? Math.sqrt(n) : 2 ** Math.round(Math.log2(Math.sqrt(n)));
    cases.push(bench('dense', { M: batch, K: n, N: n }, `dense ${batch}×${n}×${n}`));
    cases.push(bench('monarch-fused', { n, blocks: b, batch, tokens: 4096 / n >= 4 ? 4 : Math.max(1, Math.floor(4096 / n)) }, `monarch fused n=${n} b=${b}`));
    cases.push(bench('monarch-unfused', { n, blocks: b, batch }, `monarch unfused n=${n} b=${b}`));
    cases.push(bench('btt', { n, blocks: b, batch, rank: 2 }, `btt rank 2 n=${n}`));
    cases.push(bench('lowrank', { nIn: n, nOut: n, rank: n / 8, batch }, `lowrank n=${n} r=${n / 8}`));
    const side = Math.sqrt(n);
    if (Number.isInteger(side)) cases.push(bench('kronecker', { a1: side, a2: side, b1: side, b2: side, batch, tokens: 4 }, `kronecker ${side}²⊗${side}²`));
    cases.push(bench('blast', { n, blocks: 4, rank: n / 16, batch, tokens: 2 }, `blast n=${n} b=4 r=${n / 16}`));
  }
  for (const rank of [16, 64, 128, 256, 384]) cases.push(bench('lowrank', { nIn: 512, nOut: 512, rank, batch }, `lowrank n=512 r=${rank}`));
  for (const size of [256, 512]) {
    const shape = { M: size, N: size, K: size };
    cases.push(bench('dense', shape, `dense ${size}³`));
    cases.push(bench('strassen', { ...shape, levels: 1 }, `strassen 1 level ${size}³`));
    cases.push(bench('strassen', { ...shape, levels: 2 }, `strassen 2 levels ${size}³`));
    cases.push(bench('strassen-abft', { ...shape, fault: 'none', product: 1, row: 0, col: 0, bit: 26 }, `strassen+checksums ${size}³`));
  }
  const sketch = { n: 4096, d: 64, m: 64, input: 'dense', nnz: 4 };
  cases.push(bench('dense', { M: 64, K: 4096, N: 64 }, 'dense AᵀB 64×4096×64'));
  for (const k of [64, 256, 1024]) {
    cases.push(bench('sketch-gaussian', { ...sketch, sketch: k }, `gaussian k=${k}`));
    cases.push(bench('sketch-countsketch', { ...sketch, sketch: k }, `countsketch k=${k}`));
    cases.push(bench('sample-coordinated', { ...sketch, sketch: k }, `coordinated k=${k}`));
    cases.push(bench('mlmc', { ...sketch, sketch: k, levels: 2 }, `mlmc L=2 k=${k}`));
  }
  cases.push(bench('dense', { M: 128, K: 128, N: 128 }, 'dense 128³'));
  cases.push(bench('newton-schulz', { rows: 128, cols: 128, steps: 5, coefficients: 'quintic', precision: 'f32' }, 'newton-schulz quintic 5 steps'));
  cases.push(bench('matrix-sqrt', { n: 64, method: 'newton-schulz', steps: 10, kappa: 10, precision: 'f32' }, 'sqrt newton-schulz 10 steps'));
  cases.push(bench('matrix-sqrt', { n: 64, method: 'taylor', steps: 10, kappa: 10, precision: 'f32' }, 'sqrt taylor 10 terms'));
  return cases;
}

export const structuredFamily: FamilyDef = {
  id: 'structured',
  label: 'Structured and approximate matmul',
  summary:
    'Cheaper than dense: low rank, Monarch, Kronecker, BTT, BLAST, Strassen (and with checksums), sketches and matrix functions — each against float64 and the dense kernel of the same shape.',
  variants: VARIANTS,
  benchSuite: structuredBenchSuite,
};
