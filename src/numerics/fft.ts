// Float64 discrete Fourier transforms for the convolution references and bounds, and float32
// emulations of the two GPU algorithms (the radix-2/4 Stockham FFT and the FFT written as
// matrix multiplications), so a machine without WebGPU runs the same arithmetic on the CPU.
// Convention: X_k = Σ_n x_n·ω^(n·k), ω = exp(−2πi/L) forward, exp(+2πi/L) inverse (unscaled).

/** True when n is a power of two (1 included). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** In-place radix-2 FFT in float64 (iterative, bit-reversed input order). L must be a power of two. */
export function fft64(re: Float64Array, im: Float64Array, inverse = false): void {
  const L = re.length;
  if (!isPowerOfTwo(L)) throw new Error(`fft64 needs a power-of-two length, got ${L}`);
  for (let i = 1, j = 0; i < L; i++) {
    let bit = L >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= L; len *= 2) {
    const half = len / 2;
    for (let k = 0; k < half; k++) {
      // Twiddles from cos/sin directly (not by repeated multiplication, which accumulates error).
      const angle = (sign * 2 * Math.PI * k) / len;
      const wr = Math.cos(angle);
      const wi = Math.sin(angle);
      for (let s = 0; s < L; s += len) {
        const a = s + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** exp(sign·2πi·num/den) in float64, with the angle reduced exactly first (num mod den). */
export function unitRoot(num: number, den: number, sign: 1 | -1): [number, number] {
  const m = ((num % den) + den) % den;
  const angle = (sign * 2 * Math.PI * m) / den;
  return [Math.cos(angle), Math.sin(angle)];
}

/**
 * The length-L DFT of a real or complex signal in float64, for any L: radix-2 when L is a power
 * of two, otherwise the four-step split L = N1·N2 (N1 the largest divisor ≤ √L) with direct DFTs
 * of each factor — the decomposition the GPU's matrix form uses. The spectrum does not depend on
 * the split; the error bounds need its largest magnitude.
 */
export function dft64(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const L = re.length;
  if (isPowerOfTwo(L)) {
    const r = Float64Array.from(re);
    const i = Float64Array.from(im);
    fft64(r, i);
    return { re: r, im: i };
  }
  const n1 = largestFactorAtMostRoot(L);
  const n2 = L / n1;
  const roots = (n: number) => {
    const c = new Float64Array(n);
    const s = new Float64Array(n);
    for (let t = 0; t < n; t++) [c[t], s[t]] = unitRoot(t, n, -1);
    return { c, s };
  };
  const r1 = roots(n1);
  const r2 = roots(n2);
  // Step 1: Y[k1][j] = Σ_i x[N2·i + j]·ω_N1^(i·k1), then the twiddle ω_L^(j·k1).
  const yr = new Float64Array(L);
  const yi = new Float64Array(L);
  for (let k1 = 0; k1 < n1; k1++) {
    for (let j = 0; j < n2; j++) {
      let sr = 0;
      let si = 0;
      for (let i1 = 0; i1 < n1; i1++) {
        const t = (i1 * k1) % n1;
        const wr = r1.c[t];
        const wi = r1.s[t];
        const xr = re[n2 * i1 + j];
        const xi = im[n2 * i1 + j];
        sr += wr * xr - wi * xi;
        si += wr * xi + wi * xr;
      }
      const [tr, ti] = unitRoot(j * k1, L, -1);
      yr[k1 * n2 + j] = sr * tr - si * ti;
      yi[k1 * n2 + j] = sr * ti + si * tr;
    }
  }
  // Step 2: X[k1 + N1·k2] = Σ_j Y[k1][j]·ω_N2^(j·k2).
  const outR = new Float64Array(L);
  const outI = new Float64Array(L);
  for (let k1 = 0; k1 < n1; k1++) {
    for (let k2 = 0; k2 < n2; k2++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n2; j++) {
        const t = (j * k2) % n2;
        const wr = r2.c[t];
        const wi = r2.s[t];
        const ar = yr[k1 * n2 + j];
        const ai = yi[k1 * n2 + j];
        sr += wr * ar - wi * ai;
        si += wr * ai + wi * ar;
      }
      outR[k1 + n1 * k2] = sr;
      outI[k1 + n1 * k2] = si;
    }
  }
  return { re: outR, im: outI };
}

/** The largest divisor of L that is at most √L (1 when L is prime). */
export function largestFactorAtMostRoot(L: number): number {
  for (let d = Math.floor(Math.sqrt(L)); d >= 1; d--) if (L % d === 0) return d;
  return 1;
}

/** max_k |X_k| of the length-L DFT of a real signal zero-padded to L (float64). */
export function spectrumMax(signal: ArrayLike<number>, L: number): number {
  const re = new Float64Array(L);
  for (let i = 0; i < signal.length; i++) re[i] = signal[i];
  const { re: r, im: i } = dft64(re, new Float64Array(L));
  let max = 0;
  for (let k = 0; k < L; k++) max = Math.max(max, Math.hypot(r[k], i[k]));
  return max;
}

// ---- the radix-2/4 Stockham FFT, as the GPU runs it ------------------------------------------

/**
 * The radices of a Stockham FFT of length L: radix-4 stages while they fit, one radix-2 stage
 * when log2 L is odd (or all radix-2 when asked). Their product is L.
 */
export function stockhamRadices(L: number, radix: 2 | 4): number[] {
  if (!isPowerOfTwo(L)) throw new Error(`the radix-2/4 FFT needs a power-of-two length, got ${L}`);
  const radices: number[] = [];
  let rest = L;
  while (rest > 1) {
    const r = radix === 4 && rest % 4 === 0 ? 4 : 2;
    radices.push(r);
    rest /= r;
  }
  return radices;
}

const f = Math.fround;

/** A float32 complex product (a + ib)(c + id) rounded as the WGSL kernels round it. */
function cmul32(ar: number, ai: number, br: number, bi: number): [number, number] {
  return [f(f(ar * br) - f(ai * bi)), f(f(ar * bi) + f(ai * br))];
}

/**
 * A Stockham FFT in float32 arithmetic (every operation rounded with Math.fround), in place over
 * `re`/`im` (length L), with twiddles taken from a float32 table of exp(−2πi·t/L). The index
 * mapping is the one of Govindaraju et al., "High performance discrete Fourier transforms on
 * graphics processors" (SC 2008): stage with radix R and stride Ns reads j + r·L/R and writes
 * expand(j, Ns, R) + r·Ns, expand(j, Ns, R) = ⌊j/Ns⌋·Ns·R + j mod Ns.
 */
export function stockhamFft32(
  re: Float32Array,
  im: Float32Array,
  radices: number[],
  inverse: boolean,
  table: { re: Float32Array; im: Float32Array },
): { re: Float32Array; im: Float32Array } {
  const L = re.length;
  type Pair = { re: Float32Array; im: Float32Array };
  let src: Pair = { re, im };
  let dst: Pair = { re: new Float32Array(L), im: new Float32Array(L) };
  let Ns = 1;
  for (const R of radices) {
    const stride = L / R;
    for (let j = 0; j < L / R; j++) {
      const k = j % Ns;
      const vr: number[] = [];
      const vi: number[] = [];
      for (let r = 0; r < R; r++) {
        const t = (r * k * L) / (Ns * R); // table index of exp(∓2πi·r·k/(Ns·R))
        const wr = table.re[t];
        const wi = inverse ? -table.im[t] : table.im[t];
        const [pr, pi] = r === 0 ? [src.re[j], src.im[j]] : cmul32(src.re[j + r * stride], src.im[j + r * stride], wr, wi);
        vr.push(pr);
        vi.push(pi);
      }
      const [or, oi] = R === 2 ? butterfly2(vr, vi) : butterfly4(vr, vi, inverse);
      const base = Math.floor(j / Ns) * Ns * R + k;
      for (let r = 0; r < R; r++) {
        dst.re[base + r * Ns] = or[r];
        dst.im[base + r * Ns] = oi[r];
      }
    }
    [src, dst] = [dst, src];
    Ns *= R;
  }
  return src;
}

function butterfly2(vr: number[], vi: number[]): [number[], number[]] {
  return [
    [f(vr[0] + vr[1]), f(vr[0] - vr[1])],
    [f(vi[0] + vi[1]), f(vi[0] - vi[1])],
  ];
}

/** The 4-point DFT: two levels of additions; the ∓i factor only swaps and negates (exact). */
function butterfly4(vr: number[], vi: number[], inverse: boolean): [number[], number[]] {
  const t0r = f(vr[0] + vr[2]),
    t0i = f(vi[0] + vi[2]);
  const t1r = f(vr[0] - vr[2]),
    t1i = f(vi[0] - vi[2]);
  const t2r = f(vr[1] + vr[3]),
    t2i = f(vi[1] + vi[3]);
  // (v1 − v3)·(−i) forward, ·(+i) inverse.
  const dr = f(vr[1] - vr[3]),
    di = f(vi[1] - vi[3]);
  const t3r = inverse ? -di : di;
  const t3i = inverse ? dr : -dr;
  return [
    [f(t0r + t2r), f(t1r + t3r), f(t0r - t2r), f(t1r - t3r)],
    [f(t0i + t2i), f(t1i + t3i), f(t0i - t2i), f(t1i - t3i)],
  ];
}

/** exp(−2πi·t/L) for t < L, computed in float64 and rounded to float32 (error ≤ u per component). */
export function twiddleTable(L: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(L);
  const im = new Float32Array(L);
  for (let t = 0; t < L; t++) {
    const [c, s] = unitRoot(t, L, -1);
    re[t] = c;
    im[t] = s;
  }
  return { re, im };
}

/** The N×N DFT matrix F[k][n] = exp(−2πi·k·n/N), float64 rounded to float32, row-major. */
export function dftMatrix(N: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(N * N);
  const im = new Float32Array(N * N);
  for (let k = 0; k < N; k++) {
    for (let n = 0; n < N; n++) {
      const [c, s] = unitRoot(k * n, N, -1);
      re[k * N + n] = c;
      im[k * N + n] = s;
    }
  }
  return { re, im };
}

/** The N1×N2 twiddle matrix T[k1][n2] = exp(−2πi·k1·n2/L), L = N1·N2, rounded to float32. */
export function twiddleMatrix(N1: number, N2: number): { re: Float32Array; im: Float32Array } {
  const L = N1 * N2;
  const re = new Float32Array(L);
  const im = new Float32Array(L);
  for (let k1 = 0; k1 < N1; k1++) {
    for (let n2 = 0; n2 < N2; n2++) {
      const [c, s] = unitRoot(k1 * n2, L, -1);
      re[k1 * N2 + n2] = c;
      im[k1 * N2 + n2] = s;
    }
  }
  return { re, im };
}

/**
 * The FFT as matrix multiplications (FlashFFTConv's decomposition, Fu et al. 2023), in float32:
 * the signal as an N1×N2 matrix X0[n1][n2] = x[N2·n1 + n2]; Y = F_N1·X0; Y ∘= T (twiddles);
 * Z = Y·F_N2. Z[k1][k2] holds X[k1 + N1·k2]: the spectrum in a transposed order, which the
 * convolution never needs to undo (the inverse runs the same steps backwards, conjugated).
 * Complex dot products accumulate as the GPU does: re += a.re·b.re, re −= a.im·b.im, … (fma).
 */
export function matmulFft32(
  re: Float32Array,
  im: Float32Array,
  N1: number,
  N2: number,
  inverse: boolean,
  mats: { f1: { re: Float32Array; im: Float32Array }; f2: { re: Float32Array; im: Float32Array }; tw: { re: Float32Array; im: Float32Array } },
): { re: Float32Array; im: Float32Array } {
  const L = N1 * N2;
  const s = inverse ? -1 : 1; // conjugate the matrices for the inverse
  const outR = new Float32Array(L);
  const outI = new Float32Array(L);
  const fma = (a: number, b: number, c: number) => f(a * b + c); // float64 product of two floats is exact: one rounding, as fma
  if (!inverse) {
    const yr = new Float32Array(L);
    const yi = new Float32Array(L);
    for (let k1 = 0; k1 < N1; k1++) {
      for (let n2 = 0; n2 < N2; n2++) {
        let ar = 0;
        let ai = 0;
        for (let n1 = 0; n1 < N1; n1++) {
          const wr = mats.f1.re[k1 * N1 + n1];
          const wi = mats.f1.im[k1 * N1 + n1];
          const xr = re[n1 * N2 + n2];
          const xi = im[n1 * N2 + n2];
          ar = fma(wr, xr, ar);
          ar = fma(-wi, xi, ar);
          ai = fma(wr, xi, ai);
          ai = fma(wi, xr, ai);
        }
        const [tr, ti] = cmul32(ar, ai, mats.tw.re[k1 * N2 + n2], mats.tw.im[k1 * N2 + n2]);
        yr[k1 * N2 + n2] = tr;
        yi[k1 * N2 + n2] = ti;
      }
    }
    for (let k1 = 0; k1 < N1; k1++) {
      for (let k2 = 0; k2 < N2; k2++) {
        let ar = 0;
        let ai = 0;
        for (let n2 = 0; n2 < N2; n2++) {
          const wr = mats.f2.re[n2 * N2 + k2];
          const wi = mats.f2.im[n2 * N2 + k2];
          const xr = yr[k1 * N2 + n2];
          const xi = yi[k1 * N2 + n2];
          ar = fma(xr, wr, ar);
          ar = fma(-xi, wi, ar);
          ai = fma(xr, wi, ai);
          ai = fma(xi, wr, ai);
        }
        outR[k1 * N2 + k2] = ar;
        outI[k1 * N2 + k2] = ai;
      }
    }
    return { re: outR, im: outI };
  }
  // Inverse: Y' = Z·conj(F_N2), Y' ∘= conj(T), X0' = conj(F_N1)·Y'.
  const yr = new Float32Array(L);
  const yi = new Float32Array(L);
  for (let k1 = 0; k1 < N1; k1++) {
    for (let n2 = 0; n2 < N2; n2++) {
      let ar = 0;
      let ai = 0;
      for (let k2 = 0; k2 < N2; k2++) {
        const wr = mats.f2.re[k2 * N2 + n2];
        const wi = s * mats.f2.im[k2 * N2 + n2];
        const xr = re[k1 * N2 + k2];
        const xi = im[k1 * N2 + k2];
        ar = fma(xr, wr, ar);
        ar = fma(-xi, wi, ar);
        ai = fma(xr, wi, ai);
        ai = fma(xi, wr, ai);
      }
      const [tr, ti] = cmul32(ar, ai, mats.tw.re[k1 * N2 + n2], s * mats.tw.im[k1 * N2 + n2]);
      yr[k1 * N2 + n2] = tr;
      yi[k1 * N2 + n2] = ti;
    }
  }
  for (let n1 = 0; n1 < N1; n1++) {
    for (let n2 = 0; n2 < N2; n2++) {
      let ar = 0;
      let ai = 0;
      for (let k1 = 0; k1 < N1; k1++) {
        const wr = mats.f1.re[n1 * N1 + k1];
        const wi = s * mats.f1.im[n1 * N1 + k1];
        const xr = yr[k1 * N2 + n2];
        const xi = yi[k1 * N2 + n2];
        ar = fma(wr, xr, ar);
        ar = fma(-wi, xi, ar);
        ai = fma(wr, xi, ai);
        ai = fma(wi, xr, ai);
      }
      outR[n1 * N2 + n2] = ar;
      outI[n1 * N2 + n2] = ai;
    }
  }
  return { re: outR, im: outI };
}
