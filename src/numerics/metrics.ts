// Error of an approximate result against the float64 reference.
// SQNR = 20·log10(‖ref‖ / ‖approx − ref‖) as torchao's compute_error; relative Frobenius
// ‖approx − ref‖_F / ‖ref‖_F; ULP distance measured in float32 (the output format).

export interface ErrorMetrics {
  count: number;
  maxAbs: number;
  /** max |approx − ref| / |ref| over elements whose |ref| is above `relFloor`. */
  maxRel: number;
  relFrobenius: number;
  ulpMax: number;
  ulpMean: number;
  /** dB; Infinity when the result is exact. */
  sqnrDb: number;
  /** Elements that are NaN or infinite in the approximation but finite in the reference. */
  nonFinite: number;
  /** Elements whose error exceeds the per-element bound, when a bound is given. */
  boundViolations?: number;
  /** The largest error / bound ratio (≤ 1 means every element is within its bound). */
  worstBoundRatio?: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Maps a float32 onto a signed integer line where adjacent floats differ by 1 (−0 ≡ +0). */
export function float32Ordinal(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

/** Number of float32 values between a and b (both rounded to float32 first). */
export function ulpDistance32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(float32Ordinal(a) - float32Ordinal(b));
}

export function computeMetrics(approx: ArrayLike<number>, reference: ArrayLike<number>, bound?: ArrayLike<number>, relFloor = 0): ErrorMetrics {
  const n = reference.length;
  if (approx.length !== n) throw new Error(`length mismatch: ${approx.length} vs ${n}`);
  let maxAbs = 0;
  let maxRel = 0;
  let errSq = 0;
  let refSq = 0;
  let ulpMax = 0;
  let ulpSum = 0;
  let nonFinite = 0;
  let violations = 0;
  let worstRatio = 0;
  for (let i = 0; i < n; i++) {
    const r = reference[i];
    const a = approx[i];
    if (!Number.isFinite(a) && Number.isFinite(r)) {
      nonFinite++;
      maxAbs = Infinity;
      maxRel = Infinity;
      errSq = Infinity;
      ulpMax = Infinity;
      ulpSum = Infinity;
      violations++;
      worstRatio = Infinity;
      continue;
    }
    const err = Math.abs(a - r);
    if (err > maxAbs) maxAbs = err;
    const absRef = Math.abs(r);
    if (absRef > relFloor && absRef > 0) {
      const rel = err / absRef;
      if (rel > maxRel) maxRel = rel;
    }
    errSq += err * err;
    refSq += r * r;
    const ulp = ulpDistance32(a, Math.fround(r));
    if (ulp > ulpMax) ulpMax = ulp;
    ulpSum += ulp;
    if (bound) {
      const b = bound[i];
      const ratio = err === 0 ? 0 : b > 0 ? err / b : Infinity;
      if (ratio > worstRatio) worstRatio = ratio;
      if (err > b) violations++;
    }
  }
  const errNorm = Math.sqrt(errSq);
  const refNorm = Math.sqrt(refSq);
  const metrics: ErrorMetrics = {
    count: n,
    maxAbs,
    maxRel,
    relFrobenius: refNorm > 0 ? errNorm / refNorm : errNorm > 0 ? Infinity : 0,
    ulpMax,
    ulpMean: n > 0 ? ulpSum / n : 0,
    sqnrDb: errNorm === 0 ? Infinity : refNorm === 0 ? -Infinity : 20 * Math.log10(refNorm / errNorm),
    nonFinite,
  };
  if (bound) {
    metrics.boundViolations = violations;
    metrics.worstBoundRatio = worstRatio;
  }
  return metrics;
}

/** Unit roundoff of float32 (round to nearest): 2^-24. */
export const F32_UNIT_ROUNDOFF = 2 ** -24;

/**
 * γ_n = n·u / (1 − n·u): the classic bound on the relative error of an n-term float sum
 * (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1). A dot product of length n
 * computed in float32 in any order satisfies |ŝ − s| ≤ γ_n · Σ|a_i·b_i|.
 */
export function gamma(n: number, u = F32_UNIT_ROUNDOFF): number {
  const nu = n * u;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

/**
 * A worst-case bound can be true and useless: once it exceeds |truth| for most outputs, even an
 * all-zero result would pass. Returns a note saying so (empty when the bound is informative).
 */
export function vacuousBoundNote(bound: ArrayLike<number>, truth: ArrayLike<number>): string {
  let loose = 0;
  for (let i = 0; i < truth.length; i++) if (bound[i] >= Math.abs(truth[i])) loose++;
  if (truth.length === 0 || loose * 2 <= truth.length) return '';
  return `. This worst-case bound exceeds |C| for ${Math.round((100 * loose) / truth.length)}% of the outputs, so it cannot catch an error here: judge by the relative error and SQNR (rounding errors usually grow like √K·u, not K·u)`;
}

/**
 * Downsamples an error field (rows × cols, row-major) to at most maxSide × maxSide cells, each
 * holding the largest |approx − ref| of the elements it covers.
 */
export function errorHeatmap(
  approx: ArrayLike<number>,
  reference: ArrayLike<number>,
  rows: number,
  cols: number,
  maxSide = 64,
): { rows: number; cols: number; values: number[]; cellRows: number; cellCols: number } {
  const cellRows = Math.max(1, Math.ceil(rows / maxSide));
  const cellCols = Math.max(1, Math.ceil(cols / maxSide));
  const outRows = Math.ceil(rows / cellRows);
  const outCols = Math.ceil(cols / cellCols);
  const values = new Array<number>(outRows * outCols).fill(0);
  for (let r = 0; r < rows; r++) {
    const rowBase = Math.floor(r / cellRows) * outCols;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const d = Math.abs(approx[i] - reference[i]);
      const err = Number.isNaN(d) ? Infinity : d;
      const cell = rowBase + Math.floor(c / cellCols);
      if (err > values[cell]) values[cell] = err;
    }
  }
  return { rows: outRows, cols: outCols, values, cellRows, cellCols };
}

/** Median and spread of a sample (the sample is not modified). */
export function summarize(samples: number[]): {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  mean: number;
} {
  if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, q1: NaN, q3: NaN, mean: NaN };
  const s = [...samples].sort((x, y) => x - y);
  const at = (q: number) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  return {
    median: at(0.5),
    min: s[0],
    max: s[s.length - 1],
    q1: at(0.25),
    q3: at(0.75),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}
