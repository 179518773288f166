// Seeded sparsity patterns: the non-zero values a sparse problem starts from, the pruning rules
// (unstructured random, magnitude, skewed rows, blocks, N:M) and the one seeded problem every
// sparse kernel and the lab panel build from a pattern's name, density and block size.
//
// Conventions: a sparse matrix is held as a dense row-major Float32Array whose zeros are the
// missing entries ("the pattern is where the value is non-zero"). Pattern generators never produce
// an explicit zero at a kept position (values are drawn from (−1, 1) \ {0}), so "kept" and
// "non-zero" are the same thing and every conversion round-trips bit-exactly.
import { Rng, deriveSeed } from './prng';
import { permuteMatrix } from './sparsePermutation';

// ---- seeded values -----------------------------------------------------------------------------

/** Uniform in (−1, 1), never zero: (x + ½)·2^-23 − 1 for a 24-bit integer x, rounded to float32. */
export function nonZeroUniformArray(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((rng.nextU32() >>> 8) + 0.5) * 2 ** -23 - 1;
  return out;
}

/** k distinct integers from 0…n−1 (partial Fisher–Yates), in increasing order. */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Uint32Array {
  const take = Math.max(0, Math.min(n, k));
  // For a small k a map of swapped positions is enough; n may be M·K.
  const swapped = new Map<number, number>();
  const out = new Uint32Array(take);
  for (let i = 0; i < take; i++) {
    const j = i + (rng.nextU32() % (n - i));
    const vi = swapped.get(i) ?? i;
    const vj = swapped.get(j) ?? j;
    swapped.set(j, vi);
    out[i] = vj;
  }
  return out.sort();
}

/** A seeded permutation of 0…n−1. */
export function randomPermutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

// ---- patterns ----------------------------------------------------------------------------------

export type PatternKind = 'random' | 'magnitude' | 'skewed' | 'block' | 'block-shuffled' | 'nm';

export interface PatternSpec {
  kind: PatternKind;
  /** Fraction of entries kept, 0…1 (ignored by 'nm', whose density is n/m). */
  density: number;
  /** Block side for 'block' and 'block-shuffled'. */
  block?: number;
  /** Kept per group and group length for 'nm' (2:4, 1:4, 4:8). */
  n?: number;
  m?: number;
}

/** Keeps exactly round(density·rows·cols) entries chosen uniformly at random. */
export function pruneRandom(dense: Float32Array, rows: number, cols: number, density: number, seed: number): Float32Array {
  const total = rows * cols;
  const keep = sampleWithoutReplacement(total, Math.round(density * total), new Rng(seed));
  const out = new Float32Array(total);
  for (const i of keep) out[i] = dense[i];
  return out;
}

/** Magnitude pruning: keeps the round(density·n) entries of largest |value| (ties: lower index). */
export function pruneMagnitude(dense: Float32Array, density: number): Float32Array {
  const total = dense.length;
  const keep = Math.round(density * total);
  const out = new Float32Array(total);
  if (keep === 0) return out;
  // The keep-th largest |value| is the threshold; entries equal to it are taken in index order.
  const sortedAbs = Float32Array.from(dense, Math.abs).sort();
  const threshold = sortedAbs[total - keep];
  let taken = 0;
  for (let i = 0; i < total; i++) if (Math.abs(dense[i]) > threshold) taken++;
  let tiesLeft = keep - taken;
  for (let i = 0; i < total; i++) {
    const a = Math.abs(dense[i]);
    if (a > threshold || (a === threshold && tiesLeft-- > 0)) out[i] = dense[i];
  }
  return out;
}

/**
 * N:M pruning by magnitude: along each row, every group of m consecutive columns keeps its n
 * entries of largest |value| (ties: lower column). A last, shorter group keeps min(n, its length).
 */
export function pruneNM(dense: Float32Array, rows: number, cols: number, n: number, m: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let g0 = 0; g0 < cols; g0 += m) {
      const len = Math.min(m, cols - g0);
      const idx = Array.from({ length: len }, (_, i) => g0 + i);
      idx.sort((x, y) => Math.abs(dense[r * cols + y]) - Math.abs(dense[r * cols + x]) || x - y);
      for (let i = 0; i < Math.min(n, len); i++) out[r * cols + idx[i]] = dense[r * cols + idx[i]];
    }
  }
  return out;
}

/** Block sparsity: exactly round(density·blocks) of the b×b blocks (edge blocks clipped) are kept whole. */
export function pruneBlocks(dense: Float32Array, rows: number, cols: number, density: number, b: number, seed: number): Float32Array {
  const blockRows = Math.ceil(rows / b);
  const blockCols = Math.ceil(cols / b);
  const nb = blockRows * blockCols;
  const keep = sampleWithoutReplacement(nb, Math.round(density * nb), new Rng(seed));
  const out = new Float32Array(rows * cols);
  for (const blk of keep) {
    const br = Math.floor(blk / blockCols);
    const bc = blk % blockCols;
    for (let r = br * b; r < Math.min(rows, br * b + b); r++) {
      for (let c = bc * b; c < Math.min(cols, bc * b + b); c++) out[r * cols + c] = dense[r * cols + c];
    }
  }
  return out;
}

/**
 * Skewed rows (load-balance stress): row lengths follow a Zipf law, row of rank i (a random rank)
 * weighted 1/(i+1), scaled so the total is about density·rows·cols; each row's columns are random.
 */
export function skewedRowLengths(rows: number, cols: number, density: number, seed: number): Uint32Array {
  const rank = randomPermutation(rows, new Rng(seed));
  let weightSum = 0;
  for (let i = 0; i < rows; i++) weightSum += 1 / (i + 1);
  const target = density * rows * cols;
  const lengths = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) lengths[r] = Math.min(cols, Math.round((target * (1 / (rank[r] + 1))) / weightSum));
  return lengths;
}

export function pruneSkewed(dense: Float32Array, rows: number, cols: number, density: number, seed: number): Float32Array {
  const lengths = skewedRowLengths(rows, cols, density, deriveSeed(seed, 0));
  const rng = new Rng(deriveSeed(seed, 1));
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (const c of sampleWithoutReplacement(cols, lengths[r], rng)) out[r * cols + c] = dense[r * cols + c];
  }
  return out;
}

/** Generates the pattern on `dense` (which must have no zeros). */
export function applyPattern(dense: Float32Array, rows: number, cols: number, spec: PatternSpec, seed: number): Float32Array {
  const d = Math.max(0, Math.min(1, spec.density));
  switch (spec.kind) {
    case 'random':
      return pruneRandom(dense, rows, cols, d, seed);
    case 'magnitude':
      return pruneMagnitude(dense, d);
    case 'skewed':
      return pruneSkewed(dense, rows, cols, d, seed);
    case 'block':
      return pruneBlocks(dense, rows, cols, d, spec.block ?? 8, seed);
    case 'block-shuffled': {
      // Block-sparse, then rows and columns shuffled: the clustering is hidden, and a good
      // permutation (clusterPermutation) can find it again.
      const blocked = pruneBlocks(dense, rows, cols, d, spec.block ?? 8, seed);
      const rng = new Rng(deriveSeed(seed, 7));
      return permuteMatrix(blocked, rows, cols, randomPermutation(rows, rng), randomPermutation(cols, rng));
    }
    case 'nm':
      return pruneNM(dense, rows, cols, spec.n ?? 2, spec.m ?? 4);
  }
}

// ---- one seeded problem, as every sparse kernel and the lab panel build it ----------------------

export type PatternName = 'random' | 'magnitude' | 'skewed' | 'block' | 'block-shuffled' | 'nm24' | 'nm14' | 'nm48';

/** The pattern named `name` at `densityPercent`% with blocks of side `block` (block patterns). */
export function patternSpec(name: PatternName, densityPercent: number, block: number): PatternSpec {
  const density = densityPercent / 100;
  switch (name) {
    case 'nm24':
      return { kind: 'nm', density: 0.5, n: 2, m: 4 };
    case 'nm14':
      return { kind: 'nm', density: 0.25, n: 1, m: 4 };
    case 'nm48':
      return { kind: 'nm', density: 0.5, n: 4, m: 8 };
    case 'block':
    case 'block-shuffled':
      return { kind: name, density, block };
    default:
      return { kind: name, density };
  }
}

/** The pattern described by a parameter set (density in percent, pattern name, block size). */
export function patternSpecOf(params: Record<string, unknown>): PatternSpec {
  return patternSpec(String(params.pattern ?? 'random') as PatternName, Number(params.density ?? 10), Number(params.block ?? 8));
}

/** A (M×K, the pattern applied to non-zero uniform values) and B (K×N), both from the seed. */
export function makeSparseProblem(M: number, N: number, K: number, spec: PatternSpec, seed: number): { a: Float32Array; b: Float32Array } {
  const a = applyPattern(nonZeroUniformArray(M * K, deriveSeed(seed, 0)), M, K, spec, deriveSeed(seed, 1));
  const b = nonZeroUniformArray(K * N, deriveSeed(seed, 2));
  return { a, b };
}
