// Matrix functions built from matrix products, in float64, with the error bounds of their float32
// GPU runs:
//  - Newton–Schulz orthogonalization (the iteration Muon and Dion use): X₀ = G/‖G‖_F,
//      X_{k+1} = a·X_k + b·(X_kX_kᵀ)X_k + c·(X_kX_kᵀ)²X_k,
//    which maps every singular value σ of X_k to f(σ) = aσ + bσ³ + cσ⁵ and keeps the singular
//    vectors: with the cubic (1.5, −0.5, 0) the σ's converge to 1 (X → the polar factor U·Vᵀ);
//    Muon's quintic (3.4445, −4.7750, 2.0315) (K. Jordan et al., 2024) pushes them into ≈ [0.7, 1.2]
//    in five steps instead and never converges exactly.
//  - the coupled Newton–Schulz iteration for the square root of a symmetric positive definite A
//    (Higham, "Functions of Matrices", §6.3, eq. 6.35): Y₀ = A/c, Z₀ = I,
//      T_k = (3I − Z_kY_k)/2,  Y_{k+1} = Y_k·T_k,  Z_{k+1} = T_k·Z_k  →  Y → (A/c)^{1/2}, Z → (A/c)^{−1/2},
//    converging when ‖I − A/c‖ < 1; the Denman–Beavers iteration Y ← (Y + Z⁻¹)/2, Z ← (Z + Y⁻¹)/2
//    (the same limits, with inverses) on the CPU for comparison;
//  - the matrix Taylor polynomial (MTP) of "Fast Differentiable Matrix Square Root" (Song et al.):
//    (A/c)^{1/2} = Σ_k binom(1/2, k)·(−Z)^k with Z = I − A/c, truncated after K terms.
import { frobenius, frobeniusDiff, identity64, inverse64, matmul64, polarFactor, svd, symmetricFunction, transpose64 } from './linalg';

const U = 2 ** -24;
function gamma(k: number, u = U): number {
  const nu = k * u;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

export type NsCoefficients = 'cubic' | 'quintic';

/** (a, b, c) of f(σ) = aσ + bσ³ + cσ⁵. */
export const NS_COEFFICIENTS: Record<NsCoefficients, [number, number, number]> = {
  cubic: [1.5, -0.5, 0],
  quintic: [3.4445, -4.775, 2.0315],
};

export function nsPolynomial(coefficients: [number, number, number], s: number): number {
  const [a, b, c] = coefficients;
  const s2 = s * s;
  return s * (a + s2 * (b + c * s2));
}

function absMat(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x as ArrayLike<number>, Math.abs);
}

/** One Newton–Schulz step in float64 (X: m×n, m ≤ n). */
export function nsStep(x: ArrayLike<number>, m: number, n: number, coefficients: [number, number, number]): Float64Array {
  const [a, b, c] = coefficients;
  const A = matmul64(x, transpose64(x, m, n), m, n, m);
  const B = c !== 0 ? matmul64(A, A, m, m, m) : null;
  const P = A.map((v, i) => b * v + (B ? c * B[i] : 0));
  const PX = matmul64(P, x, m, m, n);
  return PX.map((v, i) => a * x[i] + v);
}

/**
 * A bound on ‖X̂_{k+1} − F(X̂_k)‖_F: the rounding of one float32 step from the same X̂_k, with the
 * step computed as the GPU does — A = XXᵀ (dots of n), B = A·A (dots of m), P = b·A + c·B,
 * Y = a·X + P·X (a dot of m, then one addition). Componentwise, first order (Higham §3.5):
 *   |ΔA| ≤ γ_n|X||X|ᵀ;  |ΔB| ≤ |ΔA||A| + |A||ΔA| + γ_m|A||A|;  |ΔP| ≤ |b||ΔA| + |c||ΔB| + γ_2(|bA| + |cB|);
 *   |ΔY| ≤ |ΔP||X| + γ_{m+1}(|P||X| + |a||X|).
 */
export function nsLocalBound(x: ArrayLike<number>, m: number, n: number, coefficients: [number, number, number], u = U): number {
  const [a, b, c] = coefficients;
  const ax = absMat(x);
  const A = matmul64(x, transpose64(x, m, n), m, n, m);
  const absA = absMat(A);
  const dA = matmul64(ax, transpose64(ax, m, n), m, n, m).map((v) => gamma(n, u) * v);
  let dB: Float64Array = new Float64Array(m * m);
  let absB: Float64Array = new Float64Array(m * m);
  if (c !== 0) {
    absB = absMat(matmul64(A, A, m, m, m));
    const t1 = matmul64(dA, absA, m, m, m);
    const t2 = matmul64(absA, dA, m, m, m);
    const t3 = matmul64(absA, absA, m, m, m);
    dB = t1.map((v, i) => v + t2[i] + gamma(m, u) * t3[i]);
  }
  const absP = absA.map((v, i) => Math.abs(b) * v + Math.abs(c) * absB[i]);
  const dP = dA.map((v, i) => Math.abs(b) * v + Math.abs(c) * dB[i] + gamma(2, u) * absP[i]);
  const t4 = matmul64(dP, ax, m, m, n);
  const t5 = matmul64(absP, ax, m, m, n);
  const dY = t4.map((v, i) => v + gamma(m + 1, u) * (t5[i] + Math.abs(a) * ax[i]));
  return frobenius(dY) * 1.01;
}

/**
 * max over the spectrum of the Fréchet derivative's gain of F(X) = X·p(XᵀX) in the Frobenius norm:
 * for X = UΣVᵀ the derivative acts on (i, j) components by the divided differences f[σ_i, σ_j] and
 * f[σ_i, −σ_j] = (f(σ_i) + f(σ_j))/(σ_i + σ_j), and on directions outside the row space (m < n) by
 * f(σ_i)/σ_i. So ‖F(X + E) − F(X)‖_F ≤ L·‖E‖_F + O(‖E‖²) with L the largest of these.
 */
export function nsLipschitz(sigmas: ArrayLike<number>, coefficients: [number, number, number], square: boolean): number {
  const f = (s: number) => nsPolynomial(coefficients, s);
  const fp = (s: number) => {
    const [a, b, c] = coefficients;
    return a + 3 * b * s * s + 5 * c * s ** 4;
  };
  let L = 0;
  const s = Array.from(sigmas);
  for (let i = 0; i < s.length; i++) {
    for (let j = i; j < s.length; j++) {
      const x = s[i];
      const y = s[j];
      const dd = Math.abs(x - y) < 1e-12 ? Math.abs(fp(x)) : Math.abs((f(x) - f(y)) / (x - y));
      const sum = x + y > 1e-300 ? Math.abs((f(x) + f(y)) / (x + y)) : Math.abs(fp(0));
      L = Math.max(L, dd, sum);
    }
    if (!square) L = Math.max(L, s[i] > 1e-300 ? Math.abs(f(s[i]) / s[i]) : Math.abs(fp(0)));
  }
  return L;
}

export interface IterationRecord {
  /** ‖X_k − target‖_F / ‖target‖_F of the float64 iteration. */
  toTarget: number;
}

/**
 * The float64 Newton–Schulz iterates X₁ … X_T from X₀ (m×n, m ≤ n, as the GPU receives it), the
 * forward error bound of a float32 run (E_{k+1} ≤ L_k·E_k + R_k with R_k the local rounding bound
 * and L_k the derivative gain on X_k's singular values, which evolve exactly as σ ← f(σ)), and
 * the distance of each iterate to the polar factor of X₀.
 */
export function newtonSchulzReference(x0: ArrayLike<number>, m: number, n: number, steps: number, coefficients: [number, number, number], u = U) {
  const polar = polarFactor(x0, m, n);
  const polarNorm = frobenius(polar);
  let sigmas = Array.from(svd(x0, m, n).s);
  const iterates: Float64Array[] = [];
  const forwardBound: number[] = [];
  const toPolar: number[] = [];
  const sigmaRange: [number, number][] = [];
  let x: Float64Array = Float64Array.from(x0 as ArrayLike<number>);
  let E = 0;
  for (let k = 0; k < steps; k++) {
    const L = nsLipschitz(sigmas, coefficients, m === n);
    const R = nsLocalBound(x, m, n, coefficients, u);
    x = nsStep(x, m, n, coefficients);
    E = L * E + R;
    sigmas = sigmas.map((s) => nsPolynomial(coefficients, s));
    iterates.push(x);
    forwardBound.push(E * 1.01);
    toPolar.push(frobeniusDiff(x, polar) / polarNorm);
    sigmaRange.push([Math.min(...sigmas), Math.max(...sigmas)]);
  }
  return { iterates, forwardBound, toPolar, sigmaRange, polar };
}

// ---- square roots -------------------------------------------------------------------------------

/** One coupled Newton–Schulz square-root step (Y, Z n×n). */
export function sqrtNsStep(y: ArrayLike<number>, z: ArrayLike<number>, n: number): { y: Float64Array; z: Float64Array } {
  const zy = matmul64(z, y, n, n, n);
  const t = zy.map((v, i) => ((i % (n + 1) === 0 ? 3 : 0) - v) / 2);
  return { y: matmul64(y, t, n, n, n), z: matmul64(t, z, n, n, n) };
}

/**
 * Rounding of one float32 coupled step from the same (Y, Z): ZY (dots of n), T = (3I − ZY)/2
 * (one subtraction, an exact halving), Y·T and T·Z (dots of n):
 *   |ΔT| ≤ (γ_n|Z||Y| + u|3I − ZY|)/2;  |ΔY'| ≤ |Y||ΔT| + γ_n|Y||T|;  |ΔZ'| ≤ |ΔT||Z| + γ_n|T||Z|.
 */
export function sqrtNsLocalBound(y: ArrayLike<number>, z: ArrayLike<number>, n: number, u = U): { y: number; z: number } {
  const ay = absMat(y);
  const az = absMat(z);
  const zy = matmul64(z, y, n, n, n);
  const t = zy.map((v, i) => ((i % (n + 1) === 0 ? 3 : 0) - v) / 2);
  const at = absMat(t);
  const zyAbs = matmul64(az, ay, n, n, n);
  const dT = zyAbs.map((v, i) => (gamma(n, u) * v + u * 2 * at[i]) / 2);
  const dy1 = matmul64(ay, dT, n, n, n);
  const dy2 = matmul64(ay, at, n, n, n);
  const dz1 = matmul64(dT, az, n, n, n);
  const dz2 = matmul64(at, az, n, n, n);
  return {
    y: frobenius(dy1.map((v, i) => v + gamma(n, u) * dy2[i])) * 1.01,
    z: frobenius(dz1.map((v, i) => v + gamma(n, u) * dz2[i])) * 1.01,
  };
}

/**
 * Float64 iterates of the coupled iteration from Y₀ = A/c, Z₀ = I, and a forward bound for a float32
 * run. Y_k and Z_k are polynomials in A, so their spectral norms follow the scalar recurrence on A's
 * eigenvalues λ/c: y ← y·t, z ← t·z, t = (3 − z·y)/2. With ‖PQ‖_F ≤ ‖P‖₂‖Q‖_F, first order:
 *   e_T ≤ (‖Z‖₂e_Y + ‖Y‖₂e_Z)/2,  e_Y' ≤ ‖T‖₂e_Y + ‖Y‖₂e_T + r_Y,  e_Z' ≤ ‖T‖₂e_Z + ‖Z‖₂e_T + r_Z.
 * This bound ignores that the iteration damps errors along its fixed point, so it grows with the
 * condition number and the step count; the per-step (local) check is the tight one.
 */
export function sqrtNsReference(a: ArrayLike<number>, n: number, scale: number, steps: number, u = U) {
  const { value: root, eigenvalues } = symmetricFunction(a, n, (l) => Math.sqrt(Math.max(0, l / scale)));
  const rootNorm = frobenius(root);
  let y: Float64Array = Float64Array.from(a as ArrayLike<number>, (v) => v / scale);
  let z: Float64Array = identity64(n);
  let ys = Array.from(eigenvalues, (l) => l / scale);
  let zs = ys.map(() => 1);
  const iterates: Float64Array[] = [];
  const zIterates: Float64Array[] = [];
  const forwardBound: number[] = [];
  const zBound: number[] = [];
  const toRoot: number[] = [];
  let eY = 0;
  let eZ = 0;
  for (let k = 0; k < steps; k++) {
    const ts = ys.map((yy, i) => (3 - zs[i] * yy) / 2);
    const nY = Math.max(...ys.map(Math.abs));
    const nZ = Math.max(...zs.map(Math.abs));
    const nT = Math.max(...ts.map(Math.abs));
    const r = sqrtNsLocalBound(y, z, n, u);
    const eT = (nZ * eY + nY * eZ) / 2;
    const nextEY = nT * eY + nY * eT + r.y;
    const nextEZ = nT * eZ + nZ * eT + r.z;
    eY = nextEY;
    eZ = nextEZ;
    const step = sqrtNsStep(y, z, n);
    y = step.y;
    z = step.z;
    ys = ys.map((yy, i) => yy * ts[i]);
    zs = zs.map((zz, i) => zz * ts[i]);
    iterates.push(y);
    zIterates.push(z);
    forwardBound.push(eY * 1.01);
    zBound.push(eZ * 1.01);
    toRoot.push(frobeniusDiff(y, root) / rootNorm);
  }
  return { iterates, zIterates, forwardBound, zBound, toRoot, root, eigenvalues };
}

/** Denman–Beavers (with inverses, float64, CPU): the distance of Y_k to (A/c)^{1/2} per step. */
export function denmanBeavers(a: ArrayLike<number>, n: number, scale: number, steps: number, root: ArrayLike<number>): number[] {
  let y: Float64Array = Float64Array.from(a as ArrayLike<number>, (v) => v / scale);
  let z: Float64Array = identity64(n);
  const rootNorm = frobenius(root);
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    const yi = inverse64(y, n);
    const zi = inverse64(z, n);
    const ny = y.map((v, i) => (v + zi[i]) / 2);
    const nz = z.map((v, i) => (v + yi[i]) / 2);
    y = ny;
    z = nz;
    out.push(frobeniusDiff(y, root) / rootNorm);
  }
  return out;
}

/** binom(1/2, k)·(−1)^k: the coefficients of (1 − z)^{1/2} = Σ_k c_k z^k. */
export function taylorSqrtCoefficients(terms: number): number[] {
  const out: number[] = [];
  let c = 1;
  for (let k = 0; k < terms; k++) {
    out.push(c);
    // c_{k+1} = c_k·(k − 1/2)/(k + 1)
    c = (c * (k - 0.5)) / (k + 1);
  }
  return out;
}

/**
 * Partial sums S_K = Σ_{k<K} c_k·Z^k of the Taylor series of (I − Z)^{1/2} in float64, for the
 * float32 Z the GPU holds (the GPU forms P_k = P_{k−1}·Z, then S ← S + c_k·P_k), with a forward
 * bound: ‖Z‖₂ = ρ < 1 (Z symmetric), so errors in P shrink:
 *   e_{P,k} ≤ ρ·e_{P,k−1} + γ_n‖|P_{k−1}||Z|‖_F;  e_{S,k} ≤ e_{S,k−1} + |c_k|·e_{P,k} + u‖|S_{k−1} + c_kP_k|‖_F + u‖|c_kP_k|‖_F
 * (the product c_k·P_k and the sum each rounded once).
 */
export function taylorSqrtReference(z: ArrayLike<number>, n: number, terms: number, u = U) {
  const target = Float64Array.from(z as ArrayLike<number>, (v, i) => (i % (n + 1) === 0 ? 1 : 0) - v);
  const { value: root, eigenvalues } = symmetricFunction(target, n, (l) => Math.sqrt(Math.max(0, l)));
  const rootNorm = frobenius(root);
  const rho = Math.max(...Array.from(eigenvalues, (l) => Math.abs(1 - l)));
  const coeffs = taylorSqrtCoefficients(terms);
  let p: Float64Array = identity64(n);
  let s: Float64Array = identity64(n);
  const iterates: Float64Array[] = [];
  const forwardBound: number[] = [];
  const powerBound: number[] = [];
  const toRoot: number[] = [];
  let eP = 0;
  let eS = 0;
  const az = absMat(z);
  for (let k = 1; k < terms; k++) {
    const rounding = frobenius(matmul64(absMat(p), az, n, n, n)) * gamma(n, u);
    p = matmul64(p, z, n, n, n);
    eP = rho * eP + rounding;
    const scaled = p.map((v) => coeffs[k] * v);
    const next = s.map((v, i) => v + scaled[i]);
    eS = eS + Math.abs(coeffs[k]) * eP + u * frobenius(next) + u * frobenius(scaled);
    s = next;
    iterates.push(s);
    forwardBound.push(eS * 1.01);
    powerBound.push(eP * 1.01);
    toRoot.push(frobeniusDiff(s, root) / rootNorm);
  }
  return { iterates, forwardBound, powerBound, toRoot, root, eigenvalues, rho };
}

// ---- input precisions ------------------------------------------------------------------------------

/** bfloat16 round to nearest even, from the float32 bits (REFERENCE.md: (u + ((u >> 16) & 1) + 0x7FFF) >> 16). */
export function roundBf16(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  if (Number.isNaN(f[0])) return NaN;
  u[0] = ((u[0] + ((u[0] >>> 16) & 1) + 0x7fff) >>> 16) << 16;
  return f[0];
}

/** A seeded symmetric positive definite n×n matrix with eigenvalues spread over [1/κ, 1] (κ = condition number). */
export function spdMatrix(n: number, kappa: number, q: ArrayLike<number>): Float64Array {
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = n === 1 ? 1 : kappa ** -(k / (n - 1));
    for (let i = 0; i < n; i++) {
      const f = lambda * q[k * n + i];
      for (let j = 0; j < n; j++) a[i * n + j] += f * q[k * n + j];
    }
  }
  // Exactly symmetric (the two triangles were summed with different roundings).
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] = (a[i * n + j] + a[j * n + i]) / 2;
  return a;
}
