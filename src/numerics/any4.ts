// Per-row learned 4-bit codebooks (any4, arXiv 2507.04610): each row of W gets its own table of 16
// float32 values. Values are first normalised per group of G along the row by the group's absmax
// (fl32(w / amax), in [−1, 1]); the table is then fitted by weighted k-means (Lloyd's algorithm in
// 1-D, float64), each weight counting as ω_k·s_g²: ω_k = mean over the calibration rows of x_k²
// (the activations that will multiply it) and s_g the group scale, so the fit minimises the
// expected squared output error Σ_k E[x_k²]·(w_k − ŵ_k)² (the activation-weighted objective of
// any4, with the calibration sample being the lab's own X). Starts: the weighted quantiles at
// (j + ½)/16, and `restarts` seeded k-means++ draws (D²·weight sampling with the PRNG); each runs
// Lloyd for at most `iterations` rounds or until no assignment changes (an empty cluster keeps its
// centroid), and the fit with the smallest weighted squared error is kept. The final table is float32, sorted, and
// codes are assigned by the float32 midpoints between neighbours (a value on one takes the lower
// code), so a GPU can reproduce the assignment. ŵ = table[code]·s_g.
import { Rng } from './prng';

const fr = Math.fround;

export interface RowCodebooks {
  /** 0…15 per weight, row-major rows×cols. */
  codes: Int32Array;
  /** 16 entries per row, ascending. */
  tables: Float32Array;
  /** One absmax per group of G along each row. */
  scales: Float32Array;
  /** table[code]·scale per weight, as float32 (what a kernel multiplies by, up to its own rounding). */
  dequantized: Float32Array;
}

export function fitRowCodebooks(
  w: Float32Array,
  rows: number,
  cols: number,
  groupSize: number,
  importance: ArrayLike<number>,
  seed: number,
  iterations = 40,
  restarts = 3,
): RowCodebooks {
  const groups = Math.ceil(cols / groupSize);
  const codes = new Int32Array(rows * cols);
  const tables = new Float32Array(rows * 16);
  const scales = new Float32Array(rows * groups);
  const dequantized = new Float32Array(rows * cols);
  const rng = new Rng(seed);
  const v = new Float64Array(cols);
  const weight = new Float64Array(cols);
  const assign = new Int32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      let amax = 0;
      for (let c = g * groupSize; c < Math.min(cols, (g + 1) * groupSize); c++) amax = Math.max(amax, Math.abs(w[r * cols + c]));
      scales[r * groups + g] = amax;
      for (let c = g * groupSize; c < Math.min(cols, (g + 1) * groupSize); c++) {
        v[c] = amax === 0 ? 0 : fr(w[r * cols + c] / amax);
        weight[c] = Math.max(importance[c], 1e-30) * amax * amax;
      }
    }
    let best: number[] = [];
    let bestError = Infinity;
    for (let start = 0; start <= restarts; start++) {
      const fitted = lloyd(start === 0 ? weightedQuantiles(v, weight, cols) : kMeansPlusPlus(v, weight, cols, rng), v, weight, cols, assign, iterations);
      if (fitted.error < bestError) {
        bestError = fitted.error;
        best = fitted.centroids;
      }
    }
    const centroids = best;
    const table = Float32Array.from(centroids).sort();
    tables.set(table, r * 16);
    const mid = Float32Array.from({ length: 15 }, (_, i) => (table[i] + table[i + 1]) / 2);
    for (let c = 0; c < cols; c++) {
      let code = 0;
      for (let t = 0; t < 15; t++) if (v[c] > mid[t]) code++;
      codes[r * cols + c] = code;
      dequantized[r * cols + c] = fr(table[code] * scales[r * groups + Math.floor(c / groupSize)]);
    }
  }
  return { codes, tables, scales, dequantized };
}

/** Lloyd's algorithm from `start`; the fitted centroids (ascending) and their weighted squared error. */
function lloyd(
  start: number[],
  v: Float64Array,
  weight: Float64Array,
  n: number,
  assign: Int32Array,
  iterations: number,
): { centroids: number[]; error: number } {
  const centroids = [...start].sort((a, b) => a - b);
  assign.fill(-1);
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let c = 0; c < n; c++) {
      const k = nearest(centroids, v[c]);
      if (k !== assign[c]) changed++;
      assign[c] = k;
    }
    if (changed === 0) break;
    const sum = new Float64Array(16);
    const total = new Float64Array(16);
    for (let c = 0; c < n; c++) {
      sum[assign[c]] += weight[c] * v[c];
      total[assign[c]] += weight[c];
    }
    for (let k = 0; k < 16; k++) if (total[k] > 0) centroids[k] = sum[k] / total[k];
    centroids.sort((a, b) => a - b);
  }
  let error = 0;
  for (let c = 0; c < n; c++) error += weight[c] * (v[c] - centroids[nearest(centroids, v[c])]) ** 2;
  return { centroids, error };
}

/** The weighted quantiles at (j + ½)/16 of the values. */
function weightedQuantiles(v: Float64Array, weight: Float64Array, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  let total = 0;
  for (let i = 0; i < n; i++) total += weight[i];
  const out: number[] = [];
  let acc = 0;
  let i = 0;
  for (let j = 0; j < 16; j++) {
    const target = ((j + 0.5) / 16) * total;
    while (i < n - 1 && acc + weight[order[i]] < target) acc += weight[order[i++]];
    out.push(v[order[i]]);
  }
  return out;
}

/** k-means++: the first centroid drawn by weight, each next one by weight × squared distance to the nearest chosen. */
function kMeansPlusPlus(v: Float64Array, weight: Float64Array, n: number, rng: Rng): number[] {
  const draw = (score: (i: number) => number) => {
    let total = 0;
    for (let i = 0; i < n; i++) total += score(i);
    let target = rng.nextUnit() * total;
    for (let i = 0; i < n; i++) {
      target -= score(i);
      if (target < 0) return v[i];
    }
    return v[n - 1];
  };
  const chosen = [draw((i) => weight[i])];
  while (chosen.length < 16) {
    const d = (i: number) => Math.min(...chosen.map((c) => (v[i] - c) ** 2));
    chosen.push(draw((i) => weight[i] * d(i)));
  }
  return chosen;
}

function nearest(table: number[], x: number): number {
  let best = 0;
  for (let k = 1; k < table.length; k++) if (Math.abs(x - table[k]) < Math.abs(x - table[best])) best = k;
  return best;
}
