// Long 1-D convolution (one filter per channel, as in Hyena and other long-convolution models):
// y_c[t] = Σ_{j<K} h_c[j]·x_c[t − j] for t < N (causal; x_c[t] = 0 for t < 0). Float64 references,
// per-element error bounds derived from float32 arithmetic, and float32 CPU emulations.
import { dft64, fft64, isPowerOfTwo, matmulFft32, nextPowerOfTwo, stockhamFft32, stockhamRadices, twiddleTable, dftMatrix, twiddleMatrix } from './fft';

/** Unit roundoff of float32 and float64 (round to nearest). */
const U32 = 2 ** -24;
const U64 = 2 ** -53;
const gamma = (n: number, u = U32) => (n * u < 1 ? (n * u) / (1 - n * u) : Infinity);

export interface Conv1dShape {
  channels: number;
  /** Sequence length N. */
  length: number;
  /** Filter length K (≤ N). */
  filter: number;
}

/** Above this many multiply-adds the float64 truth is computed by a float64 FFT instead of directly. */
export const DIRECT_REFERENCE_LIMIT = 1 << 26;

/** Multiply-adds of the direct form: Σ_t min(K, t + 1) per channel. */
export function directMacs(s: Conv1dShape): number {
  const { length: N, filter: K } = s;
  const full = Math.max(0, N - K); // outputs t ≥ K − 1 use all K taps
  return s.channels * (full * K + (K * (K + 1)) / 2 - (K > N ? ((K - N) * (K - N + 1)) / 2 : 0));
}

export interface Conv1dTruth {
  /** y in float64, channel-major (channels × N). */
  values: Float64Array;
  /** Σ_j |h_j·x_{t−j}| per output (the scale of a float32 dot product's error). */
  absSum: Float64Array;
  /** How the truth was computed, and a bound on its own error where it is not exact-as-float64. */
  method: 'direct' | 'fft64';
  /** Bound on |truth − exact| per element (zero-ish for the direct sum; see conv1dTruth). */
  ownError: Float64Array;
}

/**
 * The float64 truth. Direct when small: float32 inputs make each product exact in float64 and the
 * float64 sum is within γ_K(2^-53)·Σ|h·x|, ~2^-29 of any float32 bound. Otherwise by float64 FFT of
 * length ≥ N + K − 1 (no wrap-around), whose own error is bounded by the normwise FFT bound below
 * with u = 2^-53 (and the same for Σ|h·x|, an FFT convolution of |h| and |x|).
 */
export function conv1dTruth(s: Conv1dShape, x: Float32Array, h: Float32Array): Conv1dTruth {
  const { channels: C, length: N, filter: K } = s;
  const values = new Float64Array(C * N);
  const absSum = new Float64Array(C * N);
  const ownError = new Float64Array(C * N);
  if (directMacs(s) <= DIRECT_REFERENCE_LIMIT) {
    for (let c = 0; c < C; c++) {
      const xo = c * N;
      const ho = c * K;
      for (let t = 0; t < N; t++) {
        let sum = 0;
        let abs = 0;
        const jMax = Math.min(K - 1, t);
        for (let j = 0; j <= jMax; j++) {
          const p = h[ho + j] * x[xo + t - j];
          sum += p;
          abs += Math.abs(p);
        }
        values[xo + t] = sum;
        absSum[xo + t] = abs;
        ownError[xo + t] = gamma(jMax + 1, U64) * abs;
      }
    }
    return { values, absSum, method: 'direct', ownError };
  }
  const L = nextPowerOfTwo(N + K - 1);
  for (let c = 0; c < C; c++) {
    const xs = x.subarray(c * N, (c + 1) * N);
    const hs = h.subarray(c * K, (c + 1) * K);
    const y = fftConvolve64(xs, hs, L);
    const xa = Float64Array.from(xs, Math.abs);
    const ha = Float64Array.from(hs, Math.abs);
    const ya = fftConvolve64(xa, ha, L);
    const err = fftConvBound({ epsilon: classicFftEpsilon(L, U64), L, u: U64, ...spectralNorms(xs, hs, L) });
    const errAbs = fftConvBound({ epsilon: classicFftEpsilon(L, U64), L, u: U64, ...spectralNorms(xa, ha, L) });
    for (let t = 0; t < N; t++) {
      values[c * N + t] = y[t];
      // Σ|h·x| is itself computed with error ≤ errAbs: take its upper end, so bounds built on it stay valid.
      absSum[c * N + t] = Math.max(0, ya[t]) + errAbs;
      ownError[c * N + t] = err;
    }
  }
  return { values, absSum, method: 'fft64', ownError };
}

/** Linear convolution of a and b (first a.length outputs) by a float64 FFT of length L. */
function fftConvolve64(a: ArrayLike<number>, b: ArrayLike<number>, L: number): Float64Array {
  const ar = new Float64Array(L);
  const ai = new Float64Array(L);
  const br = new Float64Array(L);
  const bi = new Float64Array(L);
  for (let i = 0; i < a.length; i++) ar[i] = a[i];
  for (let i = 0; i < b.length; i++) br[i] = b[i];
  fft64(ar, ai);
  fft64(br, bi);
  for (let k = 0; k < L; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    const i = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
    ai[k] = i;
  }
  fft64(ar, ai, true);
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = ar[t] / L;
  return out;
}

// ---- error bounds ---------------------------------------------------------------------------

/**
 * Relative normwise error ε of a radix-2 FFT of length L = 2^t computed in floating point with
 * twiddles accurate to μ = u (tabulated in float64, rounded): Higham, "Accuracy and Stability of
 * Numerical Algorithms", Thm. 24.2: ‖ŷ − y‖₂ ≤ (t·η / (1 − t·η))·‖y‖₂, η = μ + γ₄(√2 + μ).
 * A radix-4 stage is two levels of butterflies with one twiddle multiply per input and exact
 * ∓i factors, so its error is within that of two radix-2 levels: the same t levels bound it.
 */
export function classicFftEpsilon(L: number, u = U32): number {
  const t = Math.log2(L);
  const mu = u;
  const eta = mu + gamma(4, u) * (Math.SQRT2 + mu);
  return t * eta < 1 ? (t * eta) / (1 - t * eta) : Infinity;
}

/**
 * Relative normwise error of one length-n DFT computed as a dense complex matrix-vector product
 * (the FFT-as-matmul form). Each output is Σ_j w_j·x_j with |w_j| = 1: its real and its imaginary
 * part are each a real dot product of 2n terms with Σ ≤ Σ_j |w_j||x_j|, so (Higham §3.1, any order)
 * |ŷ_k − y_k| ≤ √2·γ_{2n}·(1 + u)·‖x‖₁ + u·‖x‖₁ (the last term: entries of F rounded, |ŵ − w| ≤ u).
 * With ‖x‖₁ ≤ √n‖x‖₂ and ‖y‖₂ = √n‖x‖₂: ‖ŷ − y‖₂ ≤ √n·(√2γ_{2n}(1 + u) + u)·‖y‖₂.
 */
export function denseDftEpsilon(n: number, u = U32): number {
  return Math.sqrt(n) * (Math.SQRT2 * gamma(2 * n, u) * (1 + u) + u);
}

/**
 * Relative normwise error of the whole FFT as matrix multiplications, L = N1·N2: the three steps
 * (N1-point DFTs, twiddles, N2-point DFTs) are each a scaled unitary map (‖A v‖ = ‖A‖‖v‖), so their
 * relative errors compose as a product: (1 + ε_N1)(1 + η_T)(1 + ε_N2) − 1. The twiddle step
 * multiplies by tabulated unit roots: |fl(ŵ·y) − w·y| ≤ (u + √2γ₂(1 + u))·|y| (Higham Lemma 3.5).
 */
export function matmulFftEpsilon(N1: number, N2: number, u = U32): number {
  const twiddle = u + Math.SQRT2 * gamma(2, u) * (1 + u);
  return (1 + denseDftEpsilon(N1, u)) * (1 + twiddle) * (1 + denseDftEpsilon(N2, u)) - 1;
}

export interface SpectralNorms {
  /** ‖x‖₂ and ‖h‖₂ of the (zero-padded) signals. */
  xNorm: number;
  hNorm: number;
  /** max_k |X_k| and max_k |H_k| of their length-L spectra. */
  xSpecMax: number;
  hSpecMax: number;
  /** ‖x ⊛ h‖₂: the 2-norm of the exact length-L circular convolution (= the linear one, no wrap). */
  yNorm: number;
}

/** The norms the FFT-convolution bound needs, computed in float64. */
export function spectralNorms(x: ArrayLike<number>, h: ArrayLike<number>, L: number): SpectralNorms {
  const xr = new Float64Array(L);
  const hr = new Float64Array(L);
  let xNorm = 0;
  let hNorm = 0;
  for (let i = 0; i < x.length; i++) {
    xr[i] = x[i];
    xNorm += x[i] * x[i];
  }
  for (let i = 0; i < h.length; i++) {
    hr[i] = h[i];
    hNorm += h[i] * h[i];
  }
  const X = dft64(xr, new Float64Array(L));
  const H = dft64(hr, new Float64Array(L));
  let xSpecMax = 0;
  let hSpecMax = 0;
  let pSq = 0;
  for (let k = 0; k < L; k++) {
    const xm = Math.hypot(X.re[k], X.im[k]);
    const hm = Math.hypot(H.re[k], H.im[k]);
    xSpecMax = Math.max(xSpecMax, xm);
    hSpecMax = Math.max(hSpecMax, hm);
    pSq += (xm * hm) ** 2;
  }
  // Parseval: ‖z‖₂ = ‖X ⊙ H‖₂ / √L for z = F⁻¹(X ⊙ H).
  return { xNorm: Math.sqrt(xNorm), hNorm: Math.sqrt(hNorm), xSpecMax, hSpecMax, yNorm: Math.sqrt(pSq / L) };
}

/**
 * A normwise bound on ‖ẑ − z‖₂ for z = (1/L)·F*(F x ⊙ F h) computed in floating point, where each
 * length-L transform has relative normwise error ε (classicFftEpsilon or matmulFftEpsilon), F is
 * the unnormalised DFT (‖F v‖₂ = √L‖v‖₂) and P = X ⊙ H, so ‖z‖₂ = ‖P‖₂/√L:
 *  1. X̂ = X + E_x, ‖E_x‖₂ ≤ ε√L‖x‖₂; Ĥ = H + E_h, ‖E_h‖₂ ≤ ε√L‖h‖₂.
 *  2. X̂⊙Ĥ − X⊙H = E_x⊙Ĥ + X⊙E_h, so its norm is ≤ Δ₁ = ‖E_x‖₂‖Ĥ‖_∞ + ‖X‖_∞‖E_h‖₂, with
 *     ‖Ĥ‖_∞ ≤ ‖H‖_∞ + ‖E_h‖₂.
 *  3. Each complex product rounds with |P̂_k − X̂_kĤ_k| ≤ √2γ₂|X̂_k||Ĥ_k| (Higham Lemma 3.5), and
 *     ‖|X̂|⊙|Ĥ|‖₂ ≤ ‖P‖₂ + Δ₁, so ‖P̂ − P‖₂ ≤ Δ = Δ₁ + √2γ₂(‖P‖₂ + Δ₁).
 *  4. The inverse transform adds E with ‖E‖₂ ≤ ε√L‖P̂‖₂ ≤ ε√L(‖P‖₂ + Δ), and the scaling by fl(1/L)
 *     is within γ₂ relative of the exact scaling of what it is given.
 * Dividing by √L (d = Δ/√L, d₁ = Δ₁/√L = ε(‖x‖₂‖Ĥ‖_∞ + ‖X‖_∞‖h‖₂)):
 *   ‖ẑ − z‖₂ ≤ d + (ε + γ₂(1 + ε))·(‖z‖₂ + d),   d = d₁ + √2γ₂(‖z‖₂ + d₁).
 * The bound holds for the whole error vector of one channel (its first N entries are a part of
 * it), so every element's error is at most that: |e_t| ≤ ‖e‖₂. It serves as the per-element
 * bound — a normwise bound, stated as such, not a componentwise one. Its size grows with
 * ε ∝ log₂L (classic FFT) or ∝ √N1·N1 + √N2·N2 (dense DFTs), times ‖x‖‖H‖_∞ + ‖X‖_∞‖h‖.
 */
export function fftConvBound(p: SpectralNorms & { epsilon: number; L: number; u?: number }): number {
  const u = p.u ?? U32;
  const g2 = gamma(2, u);
  const eps = p.epsilon;
  const rootL = Math.sqrt(p.L);
  const eh = eps * rootL * p.hNorm; // ≥ ‖E_h‖₂
  const d1 = eps * (p.xNorm * (p.hSpecMax + eh) + p.xSpecMax * p.hNorm);
  const d = d1 + Math.SQRT2 * g2 * (p.yNorm + d1);
  return d + (eps + g2 * (1 + eps)) * (p.yNorm + d);
}

// ---- float32 emulations (the CPU path, and "against the classic FFT") --------------------------

/** Direct causal convolution in float32 (fma-like: each product exact, one rounding per step). */
export function conv1dDirect32(s: Conv1dShape, x: Float32Array, h: Float32Array): Float32Array {
  const { channels: C, length: N, filter: K } = s;
  const y = new Float32Array(C * N);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < N; t++) {
      let acc = 0;
      const jMax = Math.min(K - 1, t);
      for (let j = 0; j <= jMax; j++) acc = Math.fround(h[c * K + j] * x[c * N + t - j] + acc);
      y[c * N + t] = acc;
    }
  }
  return y;
}

/** Zero-pads one channel of x (length N) and h (length K) to L complex values. */
function padded(src: Float32Array, offset: number, count: number, L: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(L);
  re.set(src.subarray(offset, offset + count));
  return { re, im: new Float32Array(L) };
}

/** FFT convolution in float32 with the Stockham radix-2/4 algorithm the GPU kernel runs. */
export function fftConv32(s: Conv1dShape, x: Float32Array, h: Float32Array, L: number, radix: 2 | 4): Float32Array {
  const { channels: C, length: N, filter: K } = s;
  const radices = stockhamRadices(L, radix);
  const table = twiddleTable(L);
  const scale = Math.fround(1 / L);
  const y = new Float32Array(C * N);
  for (let c = 0; c < C; c++) {
    const xa = padded(x, c * N, N, L);
    const ha = padded(h, c * K, K, L);
    const X = stockhamFft32(xa.re, xa.im, radices, false, table);
    const H = stockhamFft32(ha.re, ha.im, radices, false, table);
    const pr = new Float32Array(L);
    const pi = new Float32Array(L);
    for (let k = 0; k < L; k++) {
      pr[k] = Math.fround(Math.fround(X.re[k] * H.re[k]) - Math.fround(X.im[k] * H.im[k]));
      pi[k] = Math.fround(Math.fround(X.re[k] * H.im[k]) + Math.fround(X.im[k] * H.re[k]));
    }
    const z = stockhamFft32(pr, pi, radices, true, table);
    for (let t = 0; t < N; t++) y[c * N + t] = Math.fround(z.re[t] * scale);
  }
  return y;
}

/** FFT convolution in float32 with the FFT written as matrix multiplications (L = N1·N2). */
export function fftMatmulConv32(s: Conv1dShape, x: Float32Array, h: Float32Array, N1: number, N2: number): Float32Array {
  const { channels: C, length: N, filter: K } = s;
  const L = N1 * N2;
  const mats = { f1: dftMatrix(N1), f2: dftMatrix(N2), tw: twiddleMatrix(N1, N2) };
  const scale = Math.fround(1 / L);
  const y = new Float32Array(C * N);
  for (let c = 0; c < C; c++) {
    const xa = padded(x, c * N, N, L);
    const ha = padded(h, c * K, K, L);
    const X = matmulFft32(xa.re, xa.im, N1, N2, false, mats);
    const H = matmulFft32(ha.re, ha.im, N1, N2, false, mats);
    const pr = new Float32Array(L);
    const pi = new Float32Array(L);
    for (let k = 0; k < L; k++) {
      pr[k] = Math.fround(Math.fround(X.re[k] * H.re[k]) - Math.fround(X.im[k] * H.im[k]));
      pi[k] = Math.fround(Math.fround(X.re[k] * H.im[k]) + Math.fround(X.im[k] * H.re[k]));
    }
    const z = matmulFft32(pr, pi, N1, N2, true, mats);
    for (let t = 0; t < N; t++) y[c * N + t] = Math.fround(z.re[t] * scale);
  }
  return y;
}

/** The smallest power of two ≥ N + K − 1: the radix FFT's size with no wrap-around. */
export function linearFftSize(s: Pick<Conv1dShape, 'length' | 'filter'>): number {
  return nextPowerOfTwo(s.length + s.filter - 1);
}

export type Crossover = { kind: 'between'; length: number; below: number; above: number } | { kind: 'fft-always' } | { kind: 'direct-always' };

/**
 * Where the FFT's time drops below the direct form's, from times measured at increasing lengths:
 * the first length at which the FFT is faster and the one before it, with the crossing placed by
 * interpolating log(time ratio) linearly in log(length). Null with fewer than two lengths.
 */
export function crossoverLength(points: { length: number; direct: number; fft: number }[]): Crossover | null {
  const sorted = points.filter((p) => p.direct > 0 && p.fft > 0).sort((a, b) => a.length - b.length);
  if (sorted.length < 2) return null;
  const first = sorted.findIndex((p) => p.fft < p.direct);
  if (first === -1) return { kind: 'direct-always' };
  if (first === 0) return { kind: 'fft-always' };
  const a = sorted[first - 1];
  const b = sorted[first];
  const ra = Math.log(a.fft / a.direct); // ≥ 0: direct was faster
  const rb = Math.log(b.fft / b.direct); // < 0: the FFT is faster
  const f = ra / (ra - rb);
  return { kind: 'between', length: Math.exp(Math.log(a.length) + f * (Math.log(b.length) - Math.log(a.length))), below: a.length, above: b.length };
}

export { isPowerOfTwo };
