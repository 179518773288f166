// Mixture-of-experts layers as a block-sparse product (MegaBlocks: Gale, Narayanan, Young and
// Zaharia, "MegaBlocks: Efficient Sparse Training with Mixture-of-Experts", 2022): seeded top-1
// routing of T tokens to E experts, the tokens grouped by expert, the row blocks of the
// block-diagonal layout, what padding to the busiest expert wastes, and the float64 reference.
//
// Expert e multiplies its c_e tokens (rows of X, T×D) by its own weights W_e (D×F). Grouped by
// expert, the E products form one block-diagonal product: tokens of expert e × columns of expert e.
import { gamma, F32_UNIT_ROUNDOFF } from './metrics';
import { Rng, deriveSeed } from './prng';
import { nonZeroUniformArray, randomPermutation } from './sparsePatterns';

/**
 * Expert shares for a routing skew in percent: the expert of rank r (a seeded ranking) gets a
 * share proportional to ρ^r with ρ = 1 − skew/100. 0 is uniform, 100 sends every token to one
 * expert. Powers by repeated multiplication: the same bits on every machine (no Math.pow).
 */
export function expertShares(E: number, skewPercent: number, seed: number): Float64Array {
  const rho = 1 - Math.max(0, Math.min(100, skewPercent)) / 100;
  const rank = randomPermutation(E, new Rng(seed));
  const byRank = new Float64Array(E);
  let w = 1;
  let total = 0;
  for (let r = 0; r < E; r++) {
    byRank[r] = w;
    total += w;
    w *= rho;
  }
  const shares = new Float64Array(E);
  for (let e = 0; e < E; e++) shares[e] = byRank[rank[e]] / total;
  return shares;
}

/** Seeded top-1 routing: each token draws its expert from the shares (a multinomial draw). */
export function routeTokens(T: number, E: number, skewPercent: number, seed: number): Uint32Array {
  const shares = expertShares(E, skewPercent, deriveSeed(seed, 0));
  const cumulative = new Float64Array(E);
  let sum = 0;
  let lastPositive = 0;
  for (let e = 0; e < E; e++) {
    sum += shares[e];
    cumulative[e] = sum;
    if (shares[e] > 0) lastPositive = e;
  }
  const rng = new Rng(deriveSeed(seed, 1));
  const expertOf = new Uint32Array(T);
  for (let t = 0; t < T; t++) {
    const u = rng.nextUnit();
    let e = 0;
    while (e < E && !(u < cumulative[e])) e++;
    // Rounding can leave the last cumulative share just below 1.
    expertOf[t] = e < E && shares[e] > 0 ? e : lastPositive;
  }
  return expertOf;
}

export function expertCounts(expertOf: Uint32Array, E: number): number[] {
  const counts = new Array<number>(E).fill(0);
  for (const e of expertOf) counts[e]++;
  return counts;
}

export interface ExpertGrouping {
  counts: number[];
  /** offsets[e] … offsets[e + 1] − 1: positions of expert e's tokens in expert order. */
  offsets: number[];
  /** order[i]: the token at position i in expert order (stable: tokens keep their order within an expert). */
  order: Uint32Array;
}

export function groupByExpert(expertOf: Uint32Array, E: number): ExpertGrouping {
  const counts = expertCounts(expertOf, E);
  const offsets = [0];
  for (let e = 0; e < E; e++) offsets.push(offsets[e] + counts[e]);
  const next = offsets.slice(0, E);
  const order = new Uint32Array(expertOf.length);
  for (let t = 0; t < expertOf.length; t++) order[next[expertOf[t]]++] = t;
  return { counts, offsets, order };
}

/**
 * The row blocks of the block-diagonal layout: each expert's tokens cut into blocks of at most S
 * rows, three u32 per block (expert, first row in expert order, rows). An expert with no tokens
 * has no block; no block holds tokens of two experts; no token is dropped or padded in memory.
 */
export function rowBlocks(counts: number[], S: number): Uint32Array {
  const blocks: number[] = [];
  let first = 0;
  counts.forEach((c, e) => {
    for (let r = 0; r < c; r += S) blocks.push(e, first + r, Math.min(S, c - r));
    first += c;
  });
  return Uint32Array.from(blocks);
}

/** Rows X·W actually multiplies under each layout, and what that costs beyond the useful work. */
export interface MoeCost {
  /** Rows of X multiplied, padding included (each a D×F row-times-matrix product). */
  rowsComputed: number;
  /** Rows of X and Y held in memory (padding rows included). */
  rowsStored: number;
  /** Flops beyond the useful 2·T·D·F: padding rows and the idle rows of partly filled tiles. */
  wastedFlops: number;
  /** Bytes of padding moved beyond the useful X, W and Y: padding rows of X read and of Y written. */
  wastedBytes: number;
  dispatches: number;
}

/**
 * The three layouts of one MoE layer, for counts c_e, D, F and S-row tiles:
 *  - block-sparse: Σ⌈c_e/S⌉ tiles of S rows in one dispatch; only the idle rows of each expert's
 *    last tile are wasted, and only as arithmetic (nothing padded is stored);
 *  - padded batched GEMM: every expert padded to C = max c_e rows (capacity = the busiest expert,
 *    so nothing is dropped): E·C rows stored, read and multiplied;
 *  - per-expert loop: the block-sparse tiles, one dispatch per expert that has tokens.
 */
export function moeCosts(counts: number[], D: number, F: number, S: number): { blockSparse: MoeCost; padded: MoeCost; perExpert: MoeCost } {
  const T = counts.reduce((a, b) => a + b, 0);
  const E = counts.length;
  const capacity = Math.max(0, ...counts);
  const tiledRows = counts.reduce((a, c) => a + Math.ceil(c / S) * S, 0);
  const paddedTiledRows = E * Math.ceil(capacity / S) * S;
  const flops = (rows: number) => 2 * rows * D * F;
  const tiled: MoeCost = { rowsComputed: tiledRows, rowsStored: T, wastedFlops: flops(tiledRows - T), wastedBytes: 0, dispatches: 1 };
  return {
    blockSparse: tiled,
    padded: {
      rowsComputed: paddedTiledRows,
      rowsStored: E * capacity,
      wastedFlops: flops(paddedTiledRows - T),
      wastedBytes: 4 * (E * capacity - T) * (D + F),
      dispatches: 1,
    },
    perExpert: { ...tiled, dispatches: counts.filter((c) => c > 0).length },
  };
}

/** The seeded MoE problem: tokens X (T×D), the E experts' weights W (E×D×F, stacked), the routing. */
export function makeMoeProblem(T: number, D: number, F: number, E: number, skewPercent: number, seed: number) {
  return {
    x: nonZeroUniformArray(T * D, deriveSeed(seed, 10)),
    w: nonZeroUniformArray(E * D * F, deriveSeed(seed, 11)),
    expertOf: routeTokens(T, E, skewPercent, deriveSeed(seed, 12)),
  };
}

/**
 * Y = X_e·W_e for every token, in float64, in the output layout of `rowOf` (the output row of
 * the token at position i in expert order), with the float32 bound. Each output is a dot product
 * of length D, so any order and grouping of the float32 sum gives |error| ≤ γ_D·Σ|x·w| (Higham
 * §3.1), plus u·|y| of slack for the final rounding, as the family's bound has. Rows no token
 * lands on (padding) must be exactly 0: padded rows of X are zeros and 0·w summed is exactly 0.
 */
export function moeReference(
  x: Float32Array,
  w: Float32Array,
  grouping: ExpertGrouping,
  D: number,
  F: number,
  outputRows: number,
  rowOf: (position: number, expert: number, indexInExpert: number) => number,
): { values: Float64Array; bound: Float64Array } {
  const values = new Float64Array(outputRows * F);
  const bound = new Float64Array(outputRows * F);
  const g = gamma(D);
  const acc = new Float64Array(F);
  const abs = new Float64Array(F);
  grouping.counts.forEach((count, e) => {
    for (let i = 0; i < count; i++) {
      const position = grouping.offsets[e] + i;
      const token = grouping.order[position];
      acc.fill(0);
      abs.fill(0);
      for (let k = 0; k < D; k++) {
        const xv = x[token * D + k];
        const wRow = (e * D + k) * F;
        for (let j = 0; j < F; j++) {
          acc[j] += xv * w[wRow + j];
          abs[j] += Math.abs(xv * w[wRow + j]);
        }
      }
      const row = rowOf(position, e, i);
      for (let j = 0; j < F; j++) {
        values[row * F + j] = acc[j];
        bound[row * F + j] = g * abs[j] + F32_UNIT_ROUNDOFF * Math.abs(acc[j]);
      }
    }
  });
  return { values, bound };
}

/** Max over mean of the expert counts (1 is perfectly balanced), and the experts with no token. */
export function routingImbalance(counts: number[]): { maxOverMean: number; empty: number } {
  const T = counts.reduce((a, b) => a + b, 0);
  const mean = T / Math.max(1, counts.length);
  return { maxOverMean: mean > 0 ? Math.max(...counts) / mean : 0, empty: counts.filter((c) => c === 0).length };
}
