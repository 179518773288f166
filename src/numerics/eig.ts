// Eigen-decomposition of a general (non-normal) complex matrix in float64, for the SSM
// initialisations (src/numerics/ssmInit.ts): Householder reduction to Hessenberg form, then the
// shifted QR algorithm with Wilkinson shifts and deflation to the complex Schur form T = QᴴAQ,
// eigenvectors of T by back substitution, V = Q·Y (Golub & Van Loan, "Matrix Computations",
// §7.4–7.6). N up to a few hundred. Matrices are row-major with separate real and imaginary parts.

export interface ComplexMatrix {
  n: number;
  re: Float64Array;
  im: Float64Array;
}

export function complexMatrix(n: number, re?: ArrayLike<number>, im?: ArrayLike<number>): ComplexMatrix {
  return { n, re: re ? Float64Array.from(re) : new Float64Array(n * n), im: im ? Float64Array.from(im) : new Float64Array(n * n) };
}

export interface Eigen {
  /** Eigenvalues λ_k. */
  re: Float64Array;
  im: Float64Array;
  /** Eigenvectors as the columns of V (unit 2-norm), A·V = V·diag(λ). */
  vectors: ComplexMatrix;
}

const EPS = 2 ** -52;

/** Eigenvalues and eigenvectors of A (A is not modified). Throws if the QR iteration stalls. */
export function eig(A: ComplexMatrix): Eigen {
  const { n } = A;
  const Hr = Float64Array.from(A.re);
  const Hi = Float64Array.from(A.im);
  const Qr = new Float64Array(n * n);
  const Qi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Qr[i * n + i] = 1;
  hessenberg(n, Hr, Hi, Qr, Qi);
  schur(n, Hr, Hi, Qr, Qi);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    re[k] = Hr[k * n + k];
    im[k] = Hi[k * n + k];
  }
  // Eigenvectors of the triangular T: (T − λ_k I)·y = 0 with y_k = 1, y_j = 0 below k.
  const Yr = new Float64Array(n * n);
  const Yi = new Float64Array(n * n);
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.hypot(Hr[i], Hi[i]));
  const small = Math.max(norm * EPS, Number.MIN_VALUE);
  for (let k = 0; k < n; k++) {
    Yr[k * n + k] = 1;
    for (let i = k - 1; i >= 0; i--) {
      let sr = 0;
      let si = 0;
      for (let j = i + 1; j <= k; j++) {
        const tr = Hr[i * n + j];
        const ti = Hi[i * n + j];
        const yr = Yr[j * n + k];
        const yi = Yi[j * n + k];
        sr += tr * yr - ti * yi;
        si += tr * yi + ti * yr;
      }
      let dr = Hr[i * n + i] - re[k];
      const di = Hi[i * n + i] - im[k];
      if (Math.hypot(dr, di) < small) dr = small; // a repeated eigenvalue: perturb the pivot
      const den = dr * dr + di * di;
      // y_i = −s / (T_ii − λ_k)
      Yr[i * n + k] = -(sr * dr + si * di) / den;
      Yi[i * n + k] = -(si * dr - sr * di) / den;
    }
  }
  const V = complexMatrix(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j <= k; j++) {
        const qr = Qr[i * n + j];
        const qi = Qi[i * n + j];
        const yr = Yr[j * n + k];
        const yi = Yi[j * n + k];
        sr += qr * yr - qi * yi;
        si += qr * yi + qi * yr;
      }
      V.re[i * n + k] = sr;
      V.im[i * n + k] = si;
    }
  }
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V.re[i * n + k] ** 2 + V.im[i * n + k] ** 2;
    const scale = 1 / Math.sqrt(s);
    for (let i = 0; i < n; i++) {
      V.re[i * n + k] *= scale;
      V.im[i * n + k] *= scale;
    }
  }
  return { re, im, vectors: V };
}

/** Householder reduction to upper Hessenberg form, accumulating the unitary factor into Q. */
function hessenberg(n: number, Hr: Float64Array, Hi: Float64Array, Qr: Float64Array, Qi: Float64Array) {
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm += Hr[i * n + k] ** 2 + Hi[i * n + k] ** 2;
    xnorm = Math.sqrt(xnorm);
    if (xnorm === 0) continue;
    const x0r = Hr[(k + 1) * n + k];
    const x0i = Hi[(k + 1) * n + k];
    const x0abs = Math.hypot(x0r, x0i);
    // α = −e^{i·arg x0}·‖x‖, v = x − α·e1 (no cancellation in v0).
    const pr = x0abs === 0 ? 1 : x0r / x0abs;
    const pi = x0abs === 0 ? 0 : x0i / x0abs;
    vr.fill(0);
    vi.fill(0);
    for (let i = k + 1; i < n; i++) {
      vr[i] = Hr[i * n + k];
      vi[i] = Hi[i * n + k];
    }
    vr[k + 1] += pr * xnorm;
    vi[k + 1] += pi * xnorm;
    let vnorm = 0;
    for (let i = k + 1; i < n; i++) vnorm += vr[i] ** 2 + vi[i] ** 2;
    vnorm = Math.sqrt(vnorm);
    for (let i = k + 1; i < n; i++) {
      vr[i] /= vnorm;
      vi[i] /= vnorm;
    }
    // H ← (I − 2vvᴴ)·H: rows k+1…, all columns.
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let i = k + 1; i < n; i++) {
        // conj(v_i)·H_ij
        sr += vr[i] * Hr[i * n + j] + vi[i] * Hi[i * n + j];
        si += vr[i] * Hi[i * n + j] - vi[i] * Hr[i * n + j];
      }
      for (let i = k + 1; i < n; i++) {
        Hr[i * n + j] -= 2 * (vr[i] * sr - vi[i] * si);
        Hi[i * n + j] -= 2 * (vr[i] * si + vi[i] * sr);
      }
    }
    // H ← H·(I − 2vvᴴ) and Q ← Q·(I − 2vvᴴ): columns k+1…, all rows.
    for (const [Mr, Mi] of [
      [Hr, Hi],
      [Qr, Qi],
    ]) {
      for (let i = 0; i < n; i++) {
        let sr = 0;
        let si = 0;
        for (let j = k + 1; j < n; j++) {
          sr += Mr[i * n + j] * vr[j] - Mi[i * n + j] * vi[j];
          si += Mr[i * n + j] * vi[j] + Mi[i * n + j] * vr[j];
        }
        for (let j = k + 1; j < n; j++) {
          // (M·v)_i · conj(v_j)
          Mr[i * n + j] -= 2 * (sr * vr[j] + si * vi[j]);
          Mi[i * n + j] -= 2 * (si * vr[j] - sr * vi[j]);
        }
      }
    }
  }
}

/** Shifted QR iteration on the Hessenberg H (Givens rotations) to upper triangular T; Q accumulates. */
function schur(n: number, Hr: Float64Array, Hi: Float64Array, Qr: Float64Array, Qi: Float64Array) {
  const cs = new Float64Array(n);
  const snr = new Float64Array(n);
  const sni = new Float64Array(n);
  let hi = n - 1;
  let iterations = 0;
  let sinceDeflation = 0;
  const at = (i: number, j: number) => Math.hypot(Hr[i * n + j], Hi[i * n + j]);
  while (hi > 0) {
    if (++iterations > 100 * n) throw new Error(`the QR iteration did not converge for a ${n}×${n} matrix`);
    // Find the active window [lo, hi]: the last negligible subdiagonal entry above hi.
    let lo = hi;
    while (lo > 0) {
      const scale = at(lo, lo) + at(lo - 1, lo - 1);
      if (at(lo, lo - 1) <= EPS * (scale === 0 ? 1 : scale)) {
        Hr[lo * n + lo - 1] = 0;
        Hi[lo * n + lo - 1] = 0;
        break;
      }
      lo--;
    }
    if (lo === hi) {
      hi--;
      sinceDeflation = 0;
      continue;
    }
    // Wilkinson shift: the eigenvalue of the trailing 2×2 block closer to its last entry
    // (an exceptional shift after 10 and 20 stalled iterations).
    sinceDeflation++;
    let mr: number;
    let mi: number;
    if (sinceDeflation % 11 === 10) {
      mr = Hr[hi * n + hi] + 0.75 * at(hi, hi - 1);
      mi = Hi[hi * n + hi];
    } else {
      const ar = Hr[(hi - 1) * n + hi - 1];
      const ai = Hi[(hi - 1) * n + hi - 1];
      const br = Hr[(hi - 1) * n + hi];
      const bi = Hi[(hi - 1) * n + hi];
      const cr = Hr[hi * n + hi - 1];
      const ci = Hi[hi * n + hi - 1];
      const dr = Hr[hi * n + hi];
      const di = Hi[hi * n + hi];
      // λ = (a + d)/2 ± sqrt(((a − d)/2)² + b·c)
      const hr = (ar - dr) / 2;
      const hI = (ai - di) / 2;
      const qr = hr * hr - hI * hI + (br * cr - bi * ci);
      const qi = 2 * hr * hI + (br * ci + bi * cr);
      const [sr, si] = csqrt(qr, qi);
      const tr = (ar + dr) / 2;
      const ti = (ai + di) / 2;
      const l1 = [tr + sr, ti + si];
      const l2 = [tr - sr, ti - si];
      const d1 = Math.hypot(l1[0] - dr, l1[1] - di);
      const d2 = Math.hypot(l2[0] - dr, l2[1] - di);
      [mr, mi] = d1 <= d2 ? l1 : l2;
    }
    for (let k = lo; k <= hi; k++) {
      Hr[k * n + k] -= mr;
      Hi[k * n + k] -= mi;
    }
    // Left: rotations G_k zero H[k+1][k] (rows k, k+1; columns k…n−1).
    for (let k = lo; k < hi; k++) {
      const ar = Hr[k * n + k];
      const ai = Hi[k * n + k];
      const br = Hr[(k + 1) * n + k];
      const bi = Hi[(k + 1) * n + k];
      const aAbs = Math.hypot(ar, ai);
      const r = Math.hypot(aAbs, Math.hypot(br, bi));
      let c: number;
      let sr: number;
      let si: number;
      if (r === 0) {
        c = 1;
        sr = 0;
        si = 0;
      } else if (aAbs === 0) {
        c = 0;
        sr = br / r;
        si = -bi / r;
      } else {
        // c = |a|/r, s = (a/|a|)·conj(b)/r
        c = aAbs / r;
        const ur = ar / aAbs;
        const ui = ai / aAbs;
        sr = (ur * br + ui * bi) / r;
        si = (ui * br - ur * bi) / r;
      }
      cs[k] = c;
      snr[k] = sr;
      sni[k] = si;
      for (let j = k; j < n; j++) {
        const xr = Hr[k * n + j];
        const xi = Hi[k * n + j];
        const yr = Hr[(k + 1) * n + j];
        const yi = Hi[(k + 1) * n + j];
        // [x; y] ← [c·x + s·y; −conj(s)·x + c·y]
        Hr[k * n + j] = c * xr + (sr * yr - si * yi);
        Hi[k * n + j] = c * xi + (sr * yi + si * yr);
        Hr[(k + 1) * n + j] = -(sr * xr + si * xi) + c * yr;
        Hi[(k + 1) * n + j] = -(sr * xi - si * xr) + c * yi;
      }
    }
    // Right: H ← H·G_kᴴ (columns k, k+1; rows 0…min(k+2, hi)), Q ← Q·G_kᴴ.
    for (let k = lo; k < hi; k++) {
      const c = cs[k];
      const sr = snr[k];
      const si = sni[k];
      const rotate = (Mr: Float64Array, Mi: Float64Array, rows: number) => {
        for (let i = 0; i < rows; i++) {
          const xr = Mr[i * n + k];
          const xi = Mi[i * n + k];
          const yr = Mr[i * n + k + 1];
          const yi = Mi[i * n + k + 1];
          // [x, y] ← [x·c + y·conj(s), −x·s + y·c]
          Mr[i * n + k] = xr * c + (yr * sr + yi * si);
          Mi[i * n + k] = xi * c + (yi * sr - yr * si);
          Mr[i * n + k + 1] = -(xr * sr - xi * si) + yr * c;
          Mi[i * n + k + 1] = -(xr * si + xi * sr) + yi * c;
        }
      };
      rotate(Hr, Hi, Math.min(k + 2, hi) + 1);
      rotate(Qr, Qi, n);
    }
    for (let k = lo; k <= hi; k++) {
      Hr[k * n + k] += mr;
      Hi[k * n + k] += mi;
    }
  }
}

function csqrt(re: number, im: number): [number, number] {
  const r = Math.hypot(re, im);
  const sr = Math.sqrt((r + re) / 2);
  const si = Math.sqrt(Math.max(0, (r - re) / 2));
  return [sr, im < 0 ? -si : si];
}

/** x solving A·x = b (Gaussian elimination with partial pivoting, complex). */
export function solve(A: ComplexMatrix, bRe: ArrayLike<number>, bIm: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const { n } = A;
  const Mr = Float64Array.from(A.re);
  const Mi = Float64Array.from(A.im);
  const xr = Float64Array.from(bRe);
  const xi = Float64Array.from(bIm);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.hypot(Mr[i * n + k], Mi[i * n + k]) > Math.hypot(Mr[p * n + k], Mi[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        [Mr[k * n + j], Mr[p * n + j]] = [Mr[p * n + j], Mr[k * n + j]];
        [Mi[k * n + j], Mi[p * n + j]] = [Mi[p * n + j], Mi[k * n + j]];
      }
      [xr[k], xr[p]] = [xr[p], xr[k]];
      [xi[k], xi[p]] = [xi[p], xi[k]];
    }
    const pr = Mr[k * n + k];
    const pi = Mi[k * n + k];
    const den = pr * pr + pi * pi;
    if (den === 0) throw new Error('singular matrix');
    for (let i = k + 1; i < n; i++) {
      // f = M_ik / M_kk
      const fr = (Mr[i * n + k] * pr + Mi[i * n + k] * pi) / den;
      const fi = (Mi[i * n + k] * pr - Mr[i * n + k] * pi) / den;
      for (let j = k; j < n; j++) {
        Mr[i * n + j] -= fr * Mr[k * n + j] - fi * Mi[k * n + j];
        Mi[i * n + j] -= fr * Mi[k * n + j] + fi * Mr[k * n + j];
      }
      xr[i] -= fr * xr[k] - fi * xi[k];
      xi[i] -= fr * xi[k] + fi * xr[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let sr = xr[k];
    let si = xi[k];
    for (let j = k + 1; j < n; j++) {
      sr -= Mr[k * n + j] * xr[j] - Mi[k * n + j] * xi[j];
      si -= Mr[k * n + j] * xi[j] + Mi[k * n + j] * xr[j];
    }
    const pr = Mr[k * n + k];
    const pi = Mi[k * n + k];
    const den = pr * pr + pi * pi;
    xr[k] = (sr * pr + si * pi) / den;
    xi[k] = (si * pr - sr * pi) / den;
  }
  return { re: xr, im: xi };
}
