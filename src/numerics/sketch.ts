// Randomized estimates of AᵀB (A: n×d, B: n×m, n large): linear sketches (Gaussian, CountSketch),
// coordinated row sampling for sparse inputs, and a multilevel Monte Carlo (MLMC) estimator. Each
// estimate has the form Σ_s w_s·(row t_s of A)ᵀ(row t'_s of B) or (SA)ᵀ(SB); the GPU computes it
// and a float64 reference of the same estimate (same seed, same sketch) checks the kernel, while the
// estimate's own error against the exact AᵀB is the quantity of interest.
//
// Error contract (measured, probabilistic). For all four estimators here
//   E‖Ŵ − AᵀB‖_F² ≤ 2·‖A‖_F²·‖B‖_F² / k        (k = sketch size: rows of S, or expected samples)
//  - Gaussian S (k×n, entries of variance 1/k): E‖·‖² = (‖A‖_F²‖B‖_F² + ‖AᵀB‖_F²)/k ≤ 2/k·‖A‖²‖B‖²
//    (the entries here are Irwin–Hall sums of 12 uniforms: fourth moment 2.9 < 3, which only lowers
//    the variance);
//  - CountSketch (each row hashed to one of k buckets with a random sign): ≤ 2/k·‖A‖²‖B‖²
//    (Clarkson & Woodruff 2013);
//  - coordinated threshold sampling (below): Σ_t (1/min(p_t, q_t) − 1)·‖a_t‖²‖b_t‖² ≤ 2/k·‖A‖²‖B‖²
//    (Daliri et al., "Matrix Product Sketching via Coordinated Sampling", 2025);
//  - i.i.d. importance sampling with p_t ∝ ‖a_t‖‖b_t‖ (Drineas, Kannan & Mahoney 2006):
//    ≤ (Σ‖a_t‖‖b_t‖)²/k ≤ ‖A‖²‖B‖²/k; the MLMC combination keeps it unbiased and its variance is the
//    sum of its levels' (computed exactly below).
// By Markov's inequality P(‖Ŵ − AᵀB‖_F > ε‖A‖_F‖B‖_F) ≤ 2/(kε²): with confidence 1 − δ the error is
// below ε(k, δ) = sqrt(2/(δk)). The tests check this over seeds; it is a bound on a probability,
// not on every run.
import { Rng, deriveSeed } from './prng';
import { normalish } from './structured';

/** ε(k, δ) = sqrt(2/(δ·k)): the relative error ‖Ŵ − AᵀB‖_F/(‖A‖_F‖B‖_F) exceeded with probability ≤ δ. */
export function sketchEpsilon(k: number, delta: number): number {
  return Math.sqrt(2 / (delta * k));
}

/** sqrt(2/k): the root-mean-square bound on the same relative error. */
export function sketchRms(k: number): number {
  return Math.sqrt(2 / k);
}

export type SketchInput = 'dense' | 'sparse';

/**
 * Seeded A (n×d) and B (n×m), as float32 values. 'sparse': each row keeps s random entries (the
 * paper's setting: at most s non-zeros per row), values uniform in [−1, 1); rows of B share the
 * sparsity of... nothing: A and B are independent. 'dense': every entry uniform in [−1, 1), plus a
 * shared low-rank part so that AᵀB is not ≈ 0 (A = G + Z·P, B = H + Z·Q with a common n×4 factor Z).
 */
export function sketchInputs(n: number, d: number, m: number, input: SketchInput, nnzPerRow: number, seed: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(n * d);
  const b = new Float32Array(n * m);
  const rng = new Rng(deriveSeed(seed, 60));
  if (input === 'sparse') {
    const fill = (x: Float32Array, cols: number) => {
      const s = Math.min(cols, nnzPerRow);
      for (let t = 0; t < n; t++) {
        // s distinct columns by a partial Fisher–Yates shuffle.
        const idx = Array.from({ length: cols }, (_, i) => i);
        for (let i = 0; i < s; i++) {
          const j = i + Math.floor(rng.nextUnit() * (cols - i));
          [idx[i], idx[j]] = [idx[j], idx[i]];
          x[t * cols + idx[i]] = rng.uniform(-1, 1);
        }
      }
    };
    fill(a, d);
    fill(b, m);
    return { a, b };
  }
  const shared = 4;
  const z = new Float64Array(n * shared);
  for (let i = 0; i < z.length; i++) z[i] = normalish(rng);
  const p = new Float64Array(shared * d).map(() => rng.uniform(-1, 1));
  const q = new Float64Array(shared * m).map(() => rng.uniform(-1, 1));
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < d; j++) {
      let acc = rng.uniform(-1, 1);
      for (let c = 0; c < shared; c++) acc += 0.5 * z[t * shared + c] * p[c * d + j];
      a[t * d + j] = acc;
    }
    for (let j = 0; j < m; j++) {
      let acc = rng.uniform(-1, 1);
      for (let c = 0; c < shared; c++) acc += 0.5 * z[t * shared + c] * q[c * m + j];
      b[t * m + j] = acc;
    }
  }
  return { a, b };
}

/** Exact AᵀB in float64. */
export function atb64(a: ArrayLike<number>, b: ArrayLike<number>, n: number, d: number, m: number): Float64Array {
  const c = new Float64Array(d * m);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < d; i++) {
      const ati = a[t * d + i];
      if (ati === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += ati * b[t * m + j];
    }
  }
  return c;
}

export function rowNormsSquared(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[t * cols + j] ** 2;
    out[t] = s;
  }
  return out;
}

// ---- linear sketches ----------------------------------------------------------------------------

/** Gaussian sketch S (k×n), entries of variance 1/k, as float32. */
export function gaussianSketch(k: number, n: number, seed: number): Float32Array {
  const rng = new Rng(deriveSeed(seed, 61));
  const s = new Float32Array(k * n);
  const scale = 1 / Math.sqrt(k);
  for (let i = 0; i < s.length; i++) s[i] = normalish(rng) * scale;
  return s;
}

/** CountSketch: row t goes to bucket[t] ∈ [0, k) with sign[t] ∈ {−1, +1}. */
export function countSketch(k: number, n: number, seed: number): { bucket: Uint32Array; sign: Float32Array } {
  const rng = new Rng(deriveSeed(seed, 62));
  const bucket = new Uint32Array(n);
  const sign = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    bucket[t] = rng.nextU32() % k;
    sign[t] = rng.nextU32() & 1 ? 1 : -1;
  }
  return { bucket, sign };
}

/** Rows grouped by bucket (CSR-like): offsets (k + 1) and the rows of each bucket in order. */
export function bucketLists(bucket: Uint32Array, k: number): { offsets: Uint32Array; rows: Uint32Array } {
  const offsets = new Uint32Array(k + 1);
  for (const b of bucket) offsets[b + 1]++;
  for (let i = 0; i < k; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, k);
  const rows = new Uint32Array(bucket.length);
  bucket.forEach((b, t) => {
    rows[fill[b]++] = t;
  });
  return { offsets, rows };
}

/** S·X for a k×n sketch given as a dense matrix, in float64. */
export function applyDenseSketch(s: ArrayLike<number>, x: ArrayLike<number>, k: number, n: number, cols: number): Float64Array {
  const out = new Float64Array(k * cols);
  for (let i = 0; i < k; i++)
    for (let t = 0; t < n; t++) {
      const sit = s[i * n + t];
      if (sit === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] += sit * x[t * cols + j];
    }
  return out;
}

// ---- sampling estimators: Σ_s w_s·a_{t_s}ᵀ b_{t_s} -------------------------------------------------

/** A sampling estimate: rows t_s of A and B with weights w_s (Ŵ = Σ_s w_s·a_{t_s}ᵀ b_{t_s}). */
export interface RowSample {
  rows: Uint32Array;
  weights: Float32Array;
}

/** A shared hash of each row index in [0, 1): the only thing the two parties share (the seed). */
export function sharedHash(n: number, seed: number): Float64Array {
  const rng = new Rng(deriveSeed(seed, 63));
  return Float64Array.from({ length: n }, () => rng.nextUnit());
}

/**
 * Coordinated threshold sampling (Daliri et al. 2025): party A keeps row t when h(t) < p_t with
 * p_t = min(1, k·‖a_t‖²/‖A‖_F²), party B when h(t) < q_t = min(1, k·‖b_t‖²/‖B‖_F²), each from its own
 * matrix and the shared hash h. Both kept ⇔ h(t) < min(p_t, q_t), so weighting those rows by
 * 1/min(p_t, q_t) gives an unbiased estimate. Each party stores about k rows (of s non-zeros each
 * when sparse); nothing but the seed is exchanged before the product.
 */
export function coordinatedSample(a: ArrayLike<number>, b: ArrayLike<number>, n: number, d: number, m: number, k: number, seed: number) {
  const na = rowNormsSquared(a, n, d);
  const nb = rowNormsSquared(b, n, m);
  const fa = na.reduce((x, y) => x + y, 0);
  const fb = nb.reduce((x, y) => x + y, 0);
  const h = sharedHash(n, seed);
  const rows: number[] = [];
  const weights: number[] = [];
  let keptA = 0;
  let keptB = 0;
  let nnzA = 0;
  let nnzB = 0;
  let variance = 0;
  for (let t = 0; t < n; t++) {
    const p = fa > 0 ? Math.min(1, (k * na[t]) / fa) : 0;
    const q = fb > 0 ? Math.min(1, (k * nb[t]) / fb) : 0;
    const inA = h[t] < p;
    const inB = h[t] < q;
    if (inA) {
      keptA++;
      for (let j = 0; j < d; j++) if (a[t * d + j] !== 0) nnzA++;
    }
    if (inB) {
      keptB++;
      for (let j = 0; j < m; j++) if (b[t * m + j] !== 0) nnzB++;
    }
    const both = Math.min(p, q);
    if (both > 0) variance += (1 / both - 1) * na[t] * nb[t];
    if (inA && inB) {
      rows.push(t);
      weights.push(1 / both);
    }
  }
  return {
    sample: { rows: Uint32Array.from(rows), weights: Float32Array.from(weights) } satisfies RowSample,
    keptA,
    keptB,
    /** Numbers each party stores: the non-zeros of its kept rows (plus their row indices). */
    storedA: nnzA + keptA,
    storedB: nnzB + keptB,
    /** E‖Ŵ − AᵀB‖_F², exactly, for these A and B (the estimator's terms are independent). */
    variance,
  };
}

/**
 * Multilevel Monte Carlo estimate of AᵀB (after Wu & Polydorides, "A Multilevel Monte Carlo
 * Estimator for Matrix Multiplication"): the basic estimator P_ℓ averages c_ℓ = c₀·2^ℓ i.i.d. rows
 * drawn with p_t ∝ ‖a_t‖‖b_t‖, each rescaled by 1/p_t; the telescoping sum
 *   Ŵ = Σ_ℓ (1/N_ℓ) Σ_{i ≤ N_ℓ} (P_ℓ⁽ⁱ⁾ − P_{ℓ−1}⁽ⁱ⁾),   P_{−1} = 0,
 * couples each correction's coarse term to the first half of its own fine samples, so the
 * correction only carries the difference between two halves. Every P_ℓ is unbiased, so Ŵ is; its
 * variance is Σ_ℓ V_ℓ/N_ℓ. Expanded, every sample contributes w_s·a_tᵀb_t with w_s = ±1/(N_ℓ·c_ℓ·p_t)
 * (first half −, second half +; level 0 all +). N_ℓ halves from level to level (N_L = 1).
 */
export function mlmcSample(a: ArrayLike<number>, b: ArrayLike<number>, n: number, d: number, m: number, c0: number, levels: number, seed: number) {
  const na = rowNormsSquared(a, n, d);
  const nb = rowNormsSquared(b, n, m);
  const weight = Float64Array.from(na, (x, t) => Math.sqrt(x * nb[t]));
  const total = weight.reduce((x, y) => x + y, 0);
  const cdf = new Float64Array(n);
  let run = 0;
  for (let t = 0; t < n; t++) cdf[t] = run += weight[t] / Math.max(total, 1e-300);
  const rng = new Rng(deriveSeed(seed, 64));
  const draw = () => {
    const u = rng.nextUnit() * run;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const rows: number[] = [];
  const weights: number[] = [];
  const perLevel: { level: number; samples: number; replicas: number }[] = [];
  for (let level = 0; level <= levels; level++) {
    const c = c0 * 2 ** level;
    const replicas = 2 ** (levels - level);
    perLevel.push({ level, samples: c, replicas });
    for (let rep = 0; rep < replicas; rep++) {
      for (let i = 0; i < c; i++) {
        const t = draw();
        const p = weight[t] / total;
        // P_ℓ weight +1/(c p); the coarse P_{ℓ−1} (first half only) subtracts 1/((c/2) p).
        const w = level === 0 ? 1 / (c * p) : i < c / 2 ? 1 / (c * p) - 2 / (c * p) : 1 / (c * p);
        rows.push(t);
        weights.push(w / replicas);
      }
    }
  }
  // Variance of the basic estimator with one sample, V₁ = Σ‖a_t‖‖b_t‖·Σ‖a_t‖‖b_t‖ − ‖AᵀB‖²: needs AᵀB,
  // left to the caller. The samples drawn in all: Σ_ℓ N_ℓ·c_ℓ = (L + 1)·c₀·2^L.
  return {
    sample: { rows: Uint32Array.from(rows), weights: Float32Array.from(weights) } satisfies RowSample,
    perLevel,
    totalSamples: rows.length,
    sumNorms: total,
  };
}

/** Σ_s w_s·a_{t_s}ᵀ b_{t_s} in float64 (weights and rows as the GPU receives them). */
export function sampledProduct(a: ArrayLike<number>, b: ArrayLike<number>, d: number, m: number, sample: RowSample): Float64Array {
  const c = new Float64Array(d * m);
  for (let s = 0; s < sample.rows.length; s++) {
    const t = sample.rows[s];
    const w = sample.weights[s];
    for (let i = 0; i < d; i++) {
      const wa = w * a[t * d + i];
      if (wa === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += wa * b[t * m + j];
    }
  }
  return c;
}

// ---- float32 error of chained products --------------------------------------------------------------

/** A float64 matrix with a componentwise bound on how far a float32 computation of it may be. */
export interface Bounded {
  values: Float64Array;
  err: Float64Array;
}

export function exact(values: ArrayLike<number>): Bounded {
  return { values: Float64Array.from(values as ArrayLike<number>), err: new Float64Array(values.length) };
}

const U24 = 2 ** -24;
function gammaK(k: number): number {
  const nu = k * U24;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

/**
 * C = A·B (A: m×k, B: k×n) where A and B were themselves computed with errors e_A, e_B:
 *   |Ĉ − C| ≤ e_A·(|B| + e_B) + |A|·e_B + γ_k·(|A| + e_A)(|B| + e_B)
 * (the inputs' errors carried through, plus the rounding of a length-k float32 dot product).
 */
export function boundedProduct(A: Bounded, B: Bounded, m: number, k: number, n: number): Bounded {
  const values = new Float64Array(m * n);
  const err = new Float64Array(m * n);
  const g = gammaK(k);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A.values[i * k + p];
      const ea = A.err[i * k + p];
      const absA = Math.abs(a);
      if (a === 0 && ea === 0) continue;
      for (let j = 0; j < n; j++) {
        const b = B.values[p * n + j];
        const eb = B.err[p * n + j];
        const absB = Math.abs(b);
        values[i * n + j] += a * b;
        err[i * n + j] += ea * (absB + eb) + absA * eb + g * (absA + ea) * (absB + eb);
      }
    }
  }
  return { values, err };
}
