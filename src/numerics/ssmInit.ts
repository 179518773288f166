// Initialisations of diagonal state-space models, in float64, and what they remember.
//
//  - HiPPO-LegS (Gu et al., "HiPPO", 2020; "How to Train Your HiPPO", 2023): the N×N matrix
//      A_nk = −√(2n+1)·√(2k+1) (n > k),  −(n+1) (n = k),  0 (n < k);   B_n = √(2n+1).
//    As a time-invariant SSM x' = Ax + Bu, state n's impulse response is the exponentially warped
//    Legendre polynomial K_n(t) = √(2n+1)·e^{−t}·P_n(2e^{−t} − 1) ("How to Train Your HiPPO";
//    hippoLegsKernel below, checked against e^{tA}B in the tests). A is not normal: its exact
//    eigenvalues are −1 … −N but its eigenvector matrix is exponentially ill-conditioned.
//  - S4D-Real: λ_n = −(n+1), B = 1 (the real eigenvalues; Mamba's A = −(n+1)).
//  - S4D-LegS (DSS; Gu et al., "On the Parameterization and Initialization of Diagonal SSMs"):
//    the eigenvalues of the normal part S = A + P·Pᵀ, P_n = √(n + 1/2) (S = −½·I + skew-symmetric,
//    so Re λ = −½ exactly), B̃ = V^{-1}B.
//  - S4D-Lin: λ_n = −½ + iπn;  S4D-Inv: λ_n = −½ + i(N/π)(N/(2n+1) − 1);  B = 1 (same paper).
//  - PTD (Yu et al., "Robustifying State-space Models for Long Sequences via Approximate
//    Diagonalization"): perturb, then diagonalize: Ã = A + E with ‖E‖_F = ε·‖A‖_F, E a seeded
//    Gaussian matrix (the paper chooses E by an optimisation; a random E is the simplest PTD, and
//    the pseudospectral theory it rests on says random perturbations already regularise the
//    eigenvectors), Ã = ṼΛṼ^{-1}, B̃ = Ṽ^{-1}B, C̃ = CṼ.
// Real matrices have conjugate eigenvalue pairs; a "mode" is one eigenvalue of the upper half
// plane (Im λ ≥ 0), standing for itself and its conjugate (output 2·Re(…), as S4D does).
//
// Discretisation: zero-order hold with step Δ, Ā = e^{Δλ}, B̄ = (Ā − 1)/λ·B̃ (S4D's default).
import { eig, complexMatrix, solve, type ComplexMatrix } from './eig';
import { Rng, deriveSeed } from './prng';

export type SsmInit = 's4d-real' | 'legs' | 'lin' | 'inv' | 'ptd';

export const SSM_INITS: { value: SsmInit; label: string }[] = [
  { value: 's4d-real', label: 'S4D-Real λ = −(n+1)' },
  { value: 'legs', label: 'S4D-LegS (HiPPO-LegS normal part)' },
  { value: 'lin', label: 'S4D-Lin λ = −½ + iπn' },
  { value: 'inv', label: 'S4D-Inv λ = −½ + i(N/π)(N/(2n+1) − 1)' },
  { value: 'ptd', label: 'PTD (perturbed HiPPO-LegS, diagonalized)' },
];

/** The relative size of the PTD perturbation, ‖E‖_F / ‖A‖_F. */
export const PTD_EPSILON = 3e-3;
/** The seed of PTD's perturbation E. */
export const PTD_SEED = 1;
/** The largest HiPPO matrix diagonalized here (the QR algorithm is O(N³) and runs in the page). */
export const MAX_EIG_SIZE = 64;

export interface DiagonalSsm {
  init: SsmInit;
  /** The size N of the real SSM the modes come from. */
  size: number;
  /** Modes (one per conjugate pair or real eigenvalue): eigenvalue, input and output weights. */
  lambdaRe: Float64Array;
  lambdaIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
  cRe: Float64Array;
  cIm: Float64Array;
  /** κ_F(V) = ‖V‖_F·‖V^{-1}‖_F of the diagonalizing basis (1 for the closed-form inits). */
  conditionF: number;
}

/** HiPPO-LegS A (row-major) and B. */
export function hippoLegs(N: number): { A: Float64Array; B: Float64Array } {
  const A = new Float64Array(N * N);
  const B = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    B[n] = Math.sqrt(2 * n + 1);
    for (let k = 0; k <= n; k++) A[n * N + k] = n === k ? -(n + 1) : -Math.sqrt((2 * n + 1) * (2 * k + 1));
  }
  return { A, B };
}

/** K_n(t) = √(2n+1)·e^{−t}·P_n(2e^{−t} − 1) for n = 0 … N−1 (P_n Legendre, by its recurrence). */
export function hippoLegsKernel(N: number, t: number): Float64Array {
  const out = new Float64Array(N);
  const w = Math.exp(-t);
  const x = 2 * w - 1;
  let p0 = 1;
  let p1 = x;
  for (let n = 0; n < N; n++) {
    const p = n === 0 ? p0 : n === 1 ? p1 : 0;
    let pn = p;
    if (n >= 2) {
      pn = ((2 * n - 1) * x * p1 - (n - 1) * p0) / n;
      p0 = p1;
      p1 = pn;
    }
    out[n] = Math.sqrt(2 * n + 1) * w * pn;
  }
  return out;
}

const cache = new Map<string, DiagonalSsm>();

/**
 * The first `modes` modes of an initialisation (closed forms for any count; the eigen-based
 * LegS and PTD come from a HiPPO matrix of size min(2·modes, MAX_EIG_SIZE), and modes past the
 * ones it has repeat cyclically). PTD's perturbation is one fixed seeded matrix per size (an
 * initialisation, not part of an experiment's random inputs). Cached.
 */
export function diagonalSsm(init: SsmInit, modes: number): DiagonalSsm {
  const seed = PTD_SEED;
  const key = `${init}:${modes}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const made = makeSsm(init, Math.max(1, modes), seed);
  cache.set(key, made);
  return made;
}

function makeSsm(init: SsmInit, modes: number, seed: number): DiagonalSsm {
  const N = 2 * modes;
  const ones = () => new Float64Array(modes).fill(1);
  if (init === 's4d-real' || init === 'lin' || init === 'inv') {
    const re = new Float64Array(modes);
    const im = new Float64Array(modes);
    for (let n = 0; n < modes; n++) {
      re[n] = init === 's4d-real' ? -(n + 1) : -0.5;
      im[n] = init === 'lin' ? Math.PI * n : init === 'inv' ? (N / Math.PI) * (N / (2 * n + 1) - 1) : 0;
    }
    return {
      init,
      size: init === 's4d-real' ? modes : N,
      lambdaRe: re,
      lambdaIm: im,
      bRe: ones(),
      bIm: new Float64Array(modes),
      cRe: ones(),
      cIm: new Float64Array(modes),
      conditionF: 1,
    };
  }
  const size = Math.min(N, MAX_EIG_SIZE);
  const { A, B } = hippoLegs(size);
  const M = complexMatrix(size, A);
  if (init === 'legs') {
    // The normal part: S = A + P·Pᵀ with P_n = √(n + ½).
    for (let n = 0; n < size; n++) for (let k = 0; k < size; k++) M.re[n * size + k] += Math.sqrt((n + 0.5) * (k + 0.5));
  } else {
    perturb(M, seed, PTD_EPSILON);
  }
  return fromEigen(init, size, M, B, modes);
}

/** Ã = A + E, ‖E‖_F = PTD_EPSILON·‖A‖_F, E seeded Gaussian (Box–Muller on the project PRNG). */
function perturb(M: ComplexMatrix, seed: number, epsilon: number) {
  const rng = new Rng(deriveSeed(seed, 40));
  const E = new Float64Array(M.re.length);
  for (let i = 0; i < E.length; i++) {
    const u1 = Math.max(rng.nextUnit(), 1e-300);
    E[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextUnit());
  }
  const norm = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  const scale = (epsilon * norm(M.re)) / norm(E);
  for (let i = 0; i < E.length; i++) M.re[i] += scale * E[i];
}

/** Modes of a real matrix from its eigen-decomposition: B̃ = V^{-1}B, C̃ = 1ᵀV, κ_F(V). */
function fromEigen(init: SsmInit, size: number, M: ComplexMatrix, B: Float64Array, modes: number): DiagonalSsm {
  const e = eig(M);
  const V = e.vectors;
  const Bt = solve(V, B, new Float64Array(size));
  // Upper half plane (a real eigenvalue's imaginary part is only rounding), by frequency.
  const order = Array.from({ length: size }, (_, k) => k)
    .filter((k) => e.im[k] >= -1e-9 * Math.hypot(e.re[k], e.im[k]))
    .sort((p, q) => e.im[p] - e.im[q] || e.re[q] - e.re[p]);
  const pick = (k: number) => order[k % order.length];
  const out: DiagonalSsm = {
    init,
    size,
    lambdaRe: new Float64Array(modes),
    lambdaIm: new Float64Array(modes),
    bRe: new Float64Array(modes),
    bIm: new Float64Array(modes),
    cRe: new Float64Array(modes),
    cIm: new Float64Array(modes),
    conditionF: conditionF(V),
  };
  for (let m = 0; m < modes; m++) {
    const k = pick(m);
    out.lambdaRe[m] = e.re[k];
    out.lambdaIm[m] = Math.max(0, e.im[k]);
    out.bRe[m] = Bt.re[k];
    out.bIm[m] = Bt.im[k];
    let sr = 0;
    let si = 0;
    for (let i = 0; i < size; i++) {
      sr += V.re[i * size + k];
      si += V.im[i * size + k];
    }
    out.cRe[m] = sr;
    out.cIm[m] = si;
  }
  return out;
}

/** ‖V‖_F·‖V^{-1}‖_F (an upper bound on the 2-norm condition number, within a factor N). */
export function conditionF(V: ComplexMatrix): number {
  const n = V.n;
  let normV = 0;
  for (let i = 0; i < n * n; i++) normV += V.re[i] ** 2 + V.im[i] ** 2;
  let normInv = 0;
  for (let j = 0; j < n; j++) {
    const eRe = new Float64Array(n);
    eRe[j] = 1;
    const col = solve(V, eRe, new Float64Array(n));
    for (let i = 0; i < n; i++) normInv += col.re[i] ** 2 + col.im[i] ** 2;
  }
  return Math.sqrt(normV * normInv);
}

/**
 * The continuous-time kernel of the full set of eigenvalues of the eigen-based inits against
 * HiPPO-LegS's: max over t ∈ [0, horizon] of |C·e^{tÃ}·B − C·e^{tA}·B| / max|C·e^{tA}·B| with C = 1ᵀ,
 * i.e. how far the diagonal system's input-to-output map is from HiPPO-LegS's. Computed from the
 * whole spectrum (both halves of every pair), sampled at `samples` points.
 */
export function hippoKernelDeviation(
  init: 'legs' | 'ptd',
  size: number,
  epsilon = PTD_EPSILON,
  horizon = 10,
  samples = 200,
  seed = PTD_SEED,
): { deviation: number; conditionF: number } {
  const { A, B } = hippoLegs(size);
  const M = complexMatrix(size, A);
  if (init === 'legs') for (let n = 0; n < size; n++) for (let k = 0; k < size; k++) M.re[n * size + k] += Math.sqrt((n + 0.5) * (k + 0.5));
  else perturb(M, seed, epsilon);
  const e = eig(M);
  const V = e.vectors;
  const Bt = solve(V, B, new Float64Array(size));
  let worst = 0;
  let peak = 0;
  for (let s = 0; s <= samples; s++) {
    const t = (horizon * s) / samples;
    const truth = hippoLegsKernel(size, t).reduce((a, v) => a + v, 0);
    let approx = 0;
    for (let k = 0; k < size; k++) {
      let cr = 0;
      let ci = 0;
      for (let i = 0; i < size; i++) {
        cr += V.re[i * size + k];
        ci += V.im[i * size + k];
      }
      // Re(C̃_k·B̃_k·e^{tλ_k})
      const mag = Math.exp(t * e.re[k]);
      const er = mag * Math.cos(t * e.im[k]);
      const ei = mag * Math.sin(t * e.im[k]);
      const wr = cr * Bt.re[k] - ci * Bt.im[k];
      const wi = cr * Bt.im[k] + ci * Bt.re[k];
      approx += wr * er - wi * ei;
    }
    worst = Math.max(worst, Math.abs(approx - truth));
    peak = Math.max(peak, Math.abs(truth));
  }
  return { deviation: worst / peak, conditionF: conditionF(V) };
}

/** Zero-order hold: Ā = e^{Δλ}, B̄ = (Ā − 1)/λ·B̃, per mode. */
export function discretize(ssm: DiagonalSsm, dt: number) {
  const m = ssm.lambdaRe.length;
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const lr = ssm.lambdaRe[k];
    const li = ssm.lambdaIm[k];
    const mag = Math.exp(dt * lr);
    aRe[k] = mag * Math.cos(dt * li);
    aIm[k] = mag * Math.sin(dt * li);
    // (Ā − 1)/λ
    const nr = aRe[k] - 1;
    const ni = aIm[k];
    const den = lr * lr + li * li;
    const qr = (nr * lr + ni * li) / den;
    const qi = (ni * lr - nr * li) / den;
    bRe[k] = qr * ssm.bRe[k] - qi * ssm.bIm[k];
    bIm[k] = qr * ssm.bIm[k] + qi * ssm.bRe[k];
  }
  return { aRe, aIm, bRe, bIm };
}

/** The smallest lag t at which a mode decaying as |Ā|^t has fallen below 1% of its peak (at t = 0). */
export function memoryLag(decay: number): number {
  if (!(decay < 1)) return Infinity;
  if (decay <= 0) return 1;
  return Math.ceil(Math.log(0.01) / Math.log(decay));
}

// ---- a diagonal SSM as linear-scan channels -------------------------------------------------------

/** The step Δ of the SSM initialisations in the linear-scan experiments (S4D samples Δ in [0.001, 0.1]). */
export const SSM_DT = 0.01;

/** Whether an init's modes are complex (two real channels each) or real (one channel each). */
export function isComplexInit(init: SsmInit): boolean {
  return init !== 's4d-real';
}

/** What linear-scan channel c carries: the real or imaginary part of mode `mode`. */
export function channelRole(init: SsmInit, c: number): { mode: number; part: 're' | 'im' } {
  return isComplexInit(init) ? { mode: Math.floor(c / 2), part: c % 2 === 0 ? 're' : 'im' } : { mode: c, part: 're' };
}

export function modesForChannels(init: SsmInit, channels: number): number {
  return isComplexInit(init) ? Math.ceil(channels / 2) : channels;
}

/**
 * A diagonal SSM driven by one seeded input u_t ∈ [−1, 1), as REAL linear-scan channels. A complex
 * mode h_t = Ā·h_{t−1} + B̄·u_t (Ā = r·e^{iθ}) is demodulated, g_t = e^{−iθt}·h_t:
 *     g_t = r·g_{t−1} + e^{−iθt}·B̄·u_t,
 * a recurrence with the REAL decay r whose real and imaginary parts are two independent real
 * scans (channels 2m and 2m+1); h_t = e^{iθt}·g_t is exact in exact arithmetic. A real mode is
 * one channel with a = Ā. So every channel is h_t = a_t·h_{t−1} + b_t with a constant a = |Ā| < 1,
 * and its float64 reference and bound are those of every linear scan, on these float32 inputs.
 */
export function ssmScanInputs(channels: number, length: number, seed: number, init: SsmInit): { a: Float32Array; b: Float32Array; u: Float64Array } {
  const ssm = diagonalSsm(init, modesForChannels(init, channels));
  const d = discretize(ssm, SSM_DT);
  const rng = new Rng(deriveSeed(seed, 12));
  const u = new Float64Array(length);
  for (let t = 0; t < length; t++) u[t] = Math.fround(-1 + 2 * rng.nextUnit());
  const a = new Float32Array(channels * length);
  const b = new Float32Array(channels * length);
  for (let c = 0; c < channels; c++) {
    const { mode, part } = channelRole(init, c);
    const r = Math.hypot(d.aRe[mode], d.aIm[mode]);
    const theta = SSM_DT * ssm.lambdaIm[mode];
    for (let t = 0; t < length; t++) {
      // e^{−iθt}·B̄ (real part, or imaginary part), times u_t.
      const cos = Math.cos(theta * t);
      const sin = Math.sin(theta * t);
      const w = part === 're' ? cos * d.bRe[mode] + sin * d.bIm[mode] : cos * d.bIm[mode] - sin * d.bRe[mode];
      a[c * length + t] = r;
      b[c * length + t] = w * u[t];
    }
  }
  return { a, b, u };
}

/** Impulse responses Re(B̄·Ā^t) and envelopes |B̄|·|Ā|^t of some modes, at `points` lags in [0, horizon]. */
export function impulseResponses(ssm: DiagonalSsm, dt: number, modes: number[], horizon: number, points = 160) {
  const d = discretize(ssm, dt);
  const lags = Array.from({ length: points }, (_, i) => Math.round((horizon * i) / (points - 1)));
  const series = modes.map((m) => {
    const r = Math.hypot(d.aRe[m], d.aIm[m]);
    const phase = Math.atan2(d.aIm[m], d.aRe[m]);
    const bAbs = Math.hypot(d.bRe[m], d.bIm[m]);
    const bPhase = Math.atan2(d.bIm[m], d.bRe[m]);
    return {
      mode: m,
      re: lags.map((t) => bAbs * r ** t * Math.cos(bPhase + phase * t)),
      envelope: lags.map((t) => bAbs * r ** t),
    };
  });
  return { lags, series };
}
