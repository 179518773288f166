// Dense float64 linear algebra for the structured-matrix lab's references: products, norms, the
// singular value decomposition (one-sided Jacobi) and what is built on it (truncated SVD, best
// rank-r approximations, the polar factor, symmetric square roots), and a small inverse.
// Matrices are row-major Float64Arrays with their dimensions passed beside them.
//
// The SVD is Hestenes' one-sided Jacobi method: plane rotations orthogonalise the columns of A
// until every pair is orthogonal to working precision; the column norms are then the singular
// values. It is slow (O(n³) per sweep, some 6–10 sweeps) but simple and accurate to a few ulps of
// float64 in every singular value, which is what a reference needs. ("A Unified Perspective on
// Orthogonalization and Diagonalization" casts Jacobi's method and Gram–Schmidt as one family.)

/** C = A·B, A: m×k, B: k×n (any ArrayLike of numbers), in float64. */
export function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const rowC = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const rowB = p * n;
      for (let j = 0; j < n; j++) c[rowC + j] += aip * b[rowB + j];
    }
  }
  return c;
}

/** Aᵀ of a rows×cols matrix. */
export function transpose64(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

export function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** ‖a − b‖_F. */
export function frobeniusDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function identity64(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

export interface Svd {
  /** m×p, orthonormal columns (p = min(m, n)), row-major. */
  u: Float64Array;
  /** Singular values, descending, length p. */
  s: Float64Array;
  /** n×p, orthonormal columns, row-major. */
  v: Float64Array;
  rows: number;
  cols: number;
  /** Jacobi sweeps until every column pair was orthogonal to working precision. */
  sweeps: number;
}

/** Thin SVD A = U·diag(s)·Vᵀ of an m×n matrix (one-sided Jacobi on the taller orientation). */
export function svd(a: ArrayLike<number>, m: number, n: number): Svd {
  if (m < n) {
    // Work on Aᵀ (n×m, taller): Aᵀ = U'ΣV'ᵀ gives A = V'ΣU'ᵀ.
    const t = svd(transpose64(a, m, n), n, m);
    return { u: t.v, s: t.s, v: t.u, rows: m, cols: n, sweeps: t.sweeps };
  }
  // Columns of A (m each) and of V (n each), as separate arrays for cheap column rotations.
  const cols: Float64Array[] = [];
  const vcols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = a[i * n + j];
    cols.push(c);
    const v = new Float64Array(n);
    v[j] = 1;
    vcols.push(v);
  }
  const eps = 2 ** -52;
  let sweeps = 0;
  for (; sweeps < 60; sweeps++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const cp = cols[p];
        const cq = cols[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += cp[i] * cp[i];
          beta += cq[i] * cq[i];
          gamma += cp[i] * cq[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of the 2×2 Gram matrix [[α, γ], [γ, β]].
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = cp[i];
          const y = cq[i];
          cp[i] = c * x - s * y;
          cq[i] = s * x + c * y;
        }
        const vp = vcols[p];
        const vq = vcols[q];
        for (let i = 0; i < n; i++) {
          const x = vp[i];
          const y = vq[i];
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = cols.map((c) => Math.sqrt(c.reduce((acc, x) => acc + x * x, 0)));
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const u = new Float64Array(m * n);
  const v = new Float64Array(n * n);
  const s = new Float64Array(n);
  order.forEach((j, k) => {
    s[k] = norms[j];
    const inv = norms[j] > 0 ? 1 / norms[j] : 0;
    for (let i = 0; i < m; i++) u[i * n + k] = cols[j][i] * inv;
    for (let i = 0; i < n; i++) v[i * n + k] = vcols[j][i];
  });
  return { u, s, v, rows: m, cols: n, sweeps };
}

/**
 * The best rank-r approximation in the Frobenius norm (Eckart–Young): A_r = U_r·diag(s_r)·V_rᵀ,
 * returned as the factors U_r·diag(s_r) (m×r) and V_r (n×r), with the error ‖A − A_r‖_F, which is
 * exactly sqrt(Σ_{i>r} s_i²).
 */
export function truncatedSvd(decomposition: Svd, r: number): { us: Float64Array; v: Float64Array; rank: number; tailError: number } {
  const { u, s, v, rows: m, cols: n } = decomposition;
  const p = s.length;
  const rank = Math.min(r, p);
  const us = new Float64Array(m * rank);
  const vr = new Float64Array(n * rank);
  for (let i = 0; i < m; i++) for (let k = 0; k < rank; k++) us[i * rank + k] = u[i * p + k] * s[k];
  for (let i = 0; i < n; i++) for (let k = 0; k < rank; k++) vr[i * rank + k] = v[i * p + k];
  let tail = 0;
  for (let k = rank; k < p; k++) tail += s[k] * s[k];
  return { us, v: vr, rank, tailError: Math.sqrt(tail) };
}

/** ‖A − A_r‖_F / ‖A‖_F for every r = 0 … p (Eckart–Young, from the singular values alone). */
export function rankErrorCurve(s: ArrayLike<number>): number[] {
  const total = Array.from(s).reduce((acc, x) => acc + x * x, 0);
  const out: number[] = [];
  let tail = total;
  for (let r = 0; r <= s.length; r++) {
    out.push(total > 0 ? Math.sqrt(Math.max(0, tail) / total) : 0);
    if (r < s.length) tail -= s[r] * s[r];
  }
  return out;
}

/** The orthogonal polar factor U·Vᵀ of an m×n matrix (the limit of the Newton–Schulz iteration). */
export function polarFactor(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const { u, v, s } = svd(a, m, n);
  const p = s.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < p; k++) acc += u[i * p + k] * v[j * p + k];
      out[i * n + j] = acc;
    }
  }
  return out;
}

/** f(A) = V·diag(f(λ))·Vᵀ of a symmetric positive semi-definite A (its SVD is its eigendecomposition). */
export function symmetricFunction(a: ArrayLike<number>, n: number, f: (lambda: number) => number): { value: Float64Array; eigenvalues: Float64Array } {
  const { v, s } = svd(a, n, n);
  const out = new Float64Array(n * n);
  const fs = Array.from(s, f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += v[i * n + k] * fs[k] * v[j * n + k];
      out[i * n + j] = acc;
    }
  }
  return { value: out, eigenvalues: s };
}

/** A⁻¹ by Gauss–Jordan elimination with partial pivoting (throws on a singular matrix). */
export function inverse64(a: ArrayLike<number>, n: number): Float64Array {
  const w = Float64Array.from(a as ArrayLike<number>);
  const inv = identity64(n);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(w[r * n + col]) > Math.abs(w[pivot * n + col])) pivot = r;
    const p = w[pivot * n + col];
    if (p === 0) throw new Error('singular matrix');
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        [w[col * n + j], w[pivot * n + j]] = [w[pivot * n + j], w[col * n + j]];
        [inv[col * n + j], inv[pivot * n + j]] = [inv[pivot * n + j], inv[col * n + j]];
      }
    }
    for (let j = 0; j < n; j++) {
      w[col * n + j] /= p;
      inv[col * n + j] /= p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = w[r * n + col];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        w[r * n + j] -= f * w[col * n + j];
        inv[r * n + j] -= f * inv[col * n + j];
      }
    }
  }
  return inv;
}

/** Largest singular value by power iteration on AᵀA (enough for norms in bounds; exact to ~1e-12 relative). */
export function spectralNorm(a: ArrayLike<number>, m: number, n: number, iterations = 200): number {
  let x = new Float64Array(n).fill(1 / Math.sqrt(n));
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const y = matmul64(a, x, m, n, 1);
    const z = matmul64(transpose64(a, m, n), y, n, m, 1);
    const norm = frobenius(z);
    if (norm === 0) return 0;
    const next = Math.sqrt(norm);
    x = z.map((v) => v / norm);
    if (Math.abs(next - sigma) <= 1e-14 * next) return next;
    sigma = next;
  }
  return sigma;
}
