// Float64 references for scans, written directly from the recurrences, with float32 error bounds.
//
// 1. The linear recurrence h_t = a_t·h_{t−1} + b_t (h_{−1} = 0), many independent channels,
//    stored channel-major: a[c·L + t]. Inclusive output y_t = h_t; exclusive y_t = h_{t−1}
//    (y_0 = 0). Every parallel scan evaluates it with the associative operator on pairs
//        (a1, b1) ∘ (a2, b2) = (a1·a2, a2·b1 + b2)      ("first, then second")
//    which is what the Mamba CUDA kernel scans too.
//
// 2. The Mamba selective scan (S6), as `selective_scan_ref` in mamba_ssm
//    (ops/selective_scan_interface.py): u, Δ (B, D, L); A (D, N); B, C (B, N, L); D (D);
//    optional Δ bias and softplus; optional gate z (B, D, L); returns y (B, D, L) and the last
//    state (B, D, N).
//
// Error bound for a float32 scan in ANY association order (derivation; used by every variant).
// Write h_t = Σ_{s≤t} term_s with term_s = b_s·Π_{r∈(s,t]} a_r. In a tree of ∘ operations the
// term for b_s is formed by exactly t−s multiplications (each a_r joins its product once,
// whatever the bracketing), each rounded once. Additions: whenever the segment holding b_s is
// the LEFT operand of ∘, the right segment brings at least one new index in (s, t], so that
// happens at most t−s times; the number of times it is the RIGHT operand is an algorithm
// property R (1 for the sequential loop, ~log2 of the tree size for Hillis–Steele/Blelloch, the
// look-back walk length for decoupled look-back…). So the computed term carries a factor
// Π(1+δ_i) with at most k_s = 2(t−s)+R roundings, |Π − 1| ≤ γ_{k_s} (Higham, Lemma 3.1), and
//     |ĥ_t − h_t| ≤ Σ_s γ_{2(t−s)+R}·|term_s| ≤ u'·(2·W_t + R·G_t),   u' = u / (1 − (2t+R)·u)
// with the "|terms|" scans G_t = |a_t|·G_{t−1} + |b_t| and W_t = Σ_s (t−s)|term_s| =
// |a_t|·(W_{t−1} + G_{t−1}). FMA contraction only removes roundings. We add the float64
// reference's own error (≤ (2t+2)·2^−53·G_t) and, because WGSL lets a GPU flush subnormals to
// zero, an absolute (4t+8)·2^−126 (every input has |a| ≤ 1, so a flushed value is never amplified).

import { F32_UNIT_ROUNDOFF as U, gamma } from './metrics';
import { Rng, deriveSeed } from './prng';
import { diagonalSsm, ssmScanInputs, type SsmInit } from './ssmInit';

const TINY = 2 ** -126;
const F64_U = 2 ** -53;

// ---- the linear recurrence ---------------------------------------------------------------------

/**
 * How the decays a_t are drawn (every mode keeps |a| ≤ 1): random, or the channels of a diagonal
 * SSM with one of the initialisations of src/numerics/ssmInit.ts (ssmScanInputs).
 */
export type DecayMode = 'decay' | 'signed' | 'ones' | 'zeros' | SsmInit;

const SSM_DECAYS: ReadonlySet<string> = new Set<SsmInit>(['s4d-real', 'legs', 'lin', 'inv', 'ptd']);

/** The SSM initialisation a decay mode stands for, or null for the random modes. */
export function ssmInitOf(mode: DecayMode): SsmInit | null {
  return SSM_DECAYS.has(mode) ? (mode as SsmInit) : null;
}

/**
 * Seeded inputs. 'decay': a = 1/(1+q) with q uniform in [0.001, 0.3], i.e. a = exp(−softplus(ln q))
 * as an SSM's exp(−Δ) gate (computed with one division, no transcendental, so the bits are the
 * same on every JS engine); 'signed': a uniform in [−1, 1); 'ones': a = 1 (a plain prefix sum);
 * 'zeros': a = 0 (h_t = b_t). b is uniform in [−1, 1).
 */
export function linearScanInputs(channels: number, length: number, seed: number, mode: DecayMode): { a: Float32Array; b: Float32Array } {
  const init = ssmInitOf(mode);
  if (init) {
    const { a, b } = ssmScanInputs(channels, length, seed, init);
    return { a, b };
  }
  const n = channels * length;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const ra = new Rng(deriveSeed(seed, 10));
  const rb = new Rng(deriveSeed(seed, 11));
  for (let i = 0; i < n; i++) {
    if (mode === 'decay') a[i] = 1 / (1 + (0.001 + 0.299 * ra.nextUnit()));
    else if (mode === 'signed') a[i] = -1 + 2 * ra.nextUnit();
    else a[i] = mode === 'ones' ? 1 : 0;
    b[i] = -1 + 2 * rb.nextUnit();
  }
  return { a, b };
}

export interface ScanReference {
  values: Float64Array;
  bound: Float64Array;
  /** G_t for each output (the |terms| scan), useful for relative error views. */
  absScan: Float64Array;
}

/**
 * Float64 truth of the linear recurrence and the float32 bound above, for an algorithm whose
 * terms are the right operand of ∘ at most `rightDepth` times.
 */
export function linearScanReference(
  a: Float32Array,
  b: Float32Array,
  channels: number,
  length: number,
  exclusive: boolean,
  rightDepth: number,
  format: ScanFormat = F32_FORMAT,
): ScanReference {
  const values = new Float64Array(channels * length);
  const bound = new Float64Array(channels * length);
  const absScan = new Float64Array(channels * length);
  const R = rightDepth;
  for (let c = 0; c < channels; c++) {
    const base = c * length;
    let h = 0;
    let G = 0;
    let W = 0;
    for (let t = 0; t < length; t++) {
      const at = a[base + t];
      const bt = b[base + t];
      const absA = Math.abs(at);
      if (exclusive) {
        // y_t is the state after t−1; its bound is the inclusive one at t−1 (0 elements: exactly 0).
        values[base + t] = h;
        absScan[base + t] = G;
        bound[base + t] = t === 0 ? format.tiny : scanBound(G, W, t - 1, R, format);
      }
      W = absA * (W + G);
      G = absA * G + Math.abs(bt);
      h = at * h + bt;
      if (!exclusive) {
        values[base + t] = h;
        absScan[base + t] = G;
        bound[base + t] = scanBound(G, W, t, R, format);
      }
    }
  }
  return { values, bound, absScan };
}

function scanBound(G: number, W: number, t: number, R: number, format: ScanFormat): number {
  const k = 2 * t + R;
  // γ_k needs k·u < 1; beyond that (f16 after ~1000 steps) the derivation guarantees nothing.
  if (k * format.unitRoundoff >= 0.5) return Infinity;
  const uPrime = format.unitRoundoff / (1 - k * format.unitRoundoff);
  return uPrime * (2 * W + R * G) + (2 * t + 2) * F64_U * G + (4 * t + 8) * format.tiny;
}

/** The arithmetic format of a scan: unit roundoff and the smallest normal (flush-to-zero step). */
export interface ScanFormat {
  unitRoundoff: number;
  tiny: number;
}
export const F32_FORMAT: ScanFormat = { unitRoundoff: U, tiny: TINY };
/** IEEE binary16: 11-bit significand (u = 2^−11), smallest normal 2^−14. */
export const F16_FORMAT: ScanFormat = { unitRoundoff: 2 ** -11, tiny: 2 ** -14 };

/** The same bound, but the loose order-free form γ_{2t+R}·G_t (shown next to the tight one). */
export function looseScanBound(G: number, t: number, R: number): number {
  return gamma(2 * t + R) * G;
}

/** What the sequential float32 loop (no FMA) returns: the CPU emulation. */
export function linearScanFloat32(a: Float32Array, b: Float32Array, channels: number, length: number, exclusive: boolean): Float32Array {
  const out = new Float32Array(channels * length);
  const fr = Math.fround;
  for (let c = 0; c < channels; c++) {
    const base = c * length;
    let h = 0;
    for (let t = 0; t < length; t++) {
      if (exclusive) out[base + t] = h;
      h = fr(fr(a[base + t] * h) + b[base + t]);
      if (!exclusive) out[base + t] = h;
    }
  }
  return out;
}

// ---- the Mamba selective scan (S6) ---------------------------------------------------------------

export interface S6Shape {
  batch: number;
  /** D: channels (model width). */
  channels: number;
  /** N: state size per channel. */
  state: number;
  /** L: sequence length. */
  length: number;
  hasZ: boolean;
  hasDeltaBias: boolean;
  softplus: boolean;
  /** Where A comes from: the real parts of an SSM initialisation's modes (default S4D-Real, A_n = −(n+1)). */
  init?: SsmInit;
}

export interface S6Inputs {
  u: Float32Array; // (B, D, L)
  delta: Float32Array; // (B, D, L)
  A: Float32Array; // (D, N)
  B: Float32Array; // (B, N, L)
  C: Float32Array; // (B, N, L)
  D: Float32Array; // (D)
  z: Float32Array; // (B, D, L)
  deltaBias: Float32Array; // (D)
}

/**
 * Seeded S6 inputs shaped like a trained Mamba layer's: A_n = Re λ_n of the chosen initialisation
 * (default S4D-Real, A = −(n+1), Mamba's A_log = log(1…N); the S6 kernels are real, as Mamba's are
 * for language, so a complex init enters as its real part), raw Δ uniform in [−4, −1] and Δ bias in [−1, 0.5] so that softplus(Δ + bias)
 * lies in ≈ [0.007, 0.47]; u, B, C, D uniform in [−1, 1); z uniform in [−2, 2).
 * Without softplus, Δ is drawn in [0.001, 0.25] (already a positive step).
 */
export function s6Inputs(shape: S6Shape, seed: number): S6Inputs {
  const { batch: Bt, channels: D, state: N, length: L } = shape;
  const unif = (count: number, stream: number, lo: number, hi: number) => {
    const rng = new Rng(deriveSeed(seed, stream));
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * rng.nextUnit();
    return out;
  };
  const A = new Float32Array(D * N);
  const modes = diagonalSsm(shape.init ?? 's4d-real', N);
  for (let d = 0; d < D; d++) for (let n = 0; n < N; n++) A[d * N + n] = modes.lambdaRe[n];
  return {
    u: unif(Bt * D * L, 20, -1, 1),
    delta: shape.softplus ? unif(Bt * D * L, 21, -4, -1) : unif(Bt * D * L, 21, 0.001, 0.25),
    A,
    B: unif(Bt * N * L, 22, -1, 1),
    C: unif(Bt * N * L, 23, -1, 1),
    D: unif(D, 24, -1, 1),
    z: unif(Bt * D * L, 25, -2, 2),
    deltaBias: shape.softplus ? unif(D, 26, -1, 0.5) : unif(D, 26, 0, 0.05),
  };
}

/** softplus as torch.nn.functional.softplus (β = 1, threshold 20): x above 20 is returned as is. */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

export interface S6Reference {
  /** Per channel row (b·D + d): y_0 … y_{L−1}, then the last state x_0 … x_{N−1}. */
  values: Float64Array;
  bound: Float64Array;
  /** States over time for channel (b = 0, d = 0): N rows × L columns, row-major. */
  states00: Float64Array;
}

// WGSL accuracy (WGSL spec, "Floating point accuracy", f32): x+y, x−y, x·y correctly rounded;
// x/y 2.5 ULP; exp(x) 3 + 2·|x| ULP; log(x) absolute 2^−21 on [0.5, 2], else 3 ULP. One ULP of a
// normal float32 v is at most 2^−23·|v|.
const ULP = 2 ** -23;

/**
 * Float64 truth of S6 and a first-order float32 error bound for the kernels, which compute
 *   x̃ = Δ + bias;  Δ = x̃ > 20 ? x̃ : log(1 + exp(x̃));  ΔA = exp(Δ·A);  ΔBu = (Δ·u)·B;
 *   x ← ΔA·x + ΔBu (any bracketing with right-operand depth R, see the header);
 *   y = Σ_n C·x + D·u (N+1 products summed in float32: γ_{N+1}·Σ|·|);  y ·= z / (1 + exp(−z)).
 * Input errors propagate through the recurrence: with G the |terms| scan and P the bound on |x̂ − x|,
 *   P_t = |ΔA_t|·(P_{t−1} + (ε_A,t + 2u')·G_{t−1}) + e_B,t + R·u'·|ΔBu_t|,
 * ε_A the relative error of ΔA and e_B the absolute error of ΔBu. The perturbations are first order:
 * the result is multiplied by 1.01, which covers the second-order terms while Σε ≤ 0.01.
 */
export function s6Reference(shape: S6Shape, x: S6Inputs, rightDepth: number): S6Reference {
  const { batch: Bt, channels: D, state: N, length: L } = shape;
  const row = L + N;
  const values = new Float64Array(Bt * D * row);
  const bound = new Float64Array(Bt * D * row);
  const states00 = new Float64Array(N * L);
  const R = rightDepth;
  const uP = U / (1 - (2 * L + R + N + 2) * U);
  const h = new Float64Array(N);
  const G = new Float64Array(N);
  const P = new Float64Array(N);
  for (let b = 0; b < Bt; b++) {
    for (let d = 0; d < D; d++) {
      h.fill(0);
      G.fill(0);
      P.fill(0);
      const ch = b * D + d;
      for (let l = 0; l < L; l++) {
        const i = ch * L + l;
        const uv = x.u[i];
        const { dt, eDt } = stepWithError(shape, x, d, i);
        const eDtU = eDt * Math.abs(uv);
        let yDot = 0;
        let yAbs = 0;
        let yErr = 0;
        for (let n = 0; n < N; n++) {
          const An = x.A[d * N + n];
          const p = dt * An;
          const eP = Math.abs(An) * eDt + U * Math.abs(p);
          const dA = Math.exp(p);
          const epsA = 1.01 * eP + (3 + 2 * (Math.abs(p) + eP)) * ULP + TINY / Math.max(dA, TINY);
          const Bv = x.B[(b * N + n) * L + l];
          const dBu = dt * uv * Bv;
          const eB = eDtU * Math.abs(Bv) + 2 * uP * Math.abs(dBu) + TINY;
          const absA = Math.abs(dA);
          P[n] = absA * (P[n] + (epsA + 2 * uP) * G[n]) + eB + R * uP * Math.abs(dBu);
          G[n] = absA * G[n] + Math.abs(dBu);
          h[n] = dA * h[n] + dBu;
          if (ch === 0) states00[n * L + l] = h[n];
          const Cv = x.C[(b * N + n) * L + l];
          yDot += Cv * h[n];
          yAbs += Math.abs(Cv) * (Math.abs(h[n]) + P[n]);
          yErr += Math.abs(Cv) * P[n];
        }
        const du = x.D[d] * uv;
        yDot += du;
        yAbs += Math.abs(du);
        // The dot product's rounding (N+1 products, any order) plus the propagated state error.
        yErr += gamma(N + 1) * yAbs;
        let y = yDot;
        if (shape.hasZ) {
          const z = x.z[i];
          const e = Math.exp(-z);
          const g = z / (1 + e);
          const epsG = (3 + 2 * Math.abs(z)) * ULP * (e / (1 + e)) + U + 2.5 * ULP + U;
          y = yDot * g;
          yErr = Math.abs(g) * yErr + (Math.abs(yDot) + yErr) * Math.abs(g) * epsG + U * Math.abs(y);
        }
        values[ch * row + l] = y;
        bound[ch * row + l] = 1.01 * yErr + 1e-12 * (yAbs + Math.abs(y)) + TINY * (N + 4);
      }
      for (let n = 0; n < N; n++) {
        values[ch * row + L + n] = h[n];
        bound[ch * row + L + n] = 1.01 * P[n] + 1e-12 * G[n] + TINY * (4 * L + 8);
      }
    }
  }
  return { values, bound, states00 };
}

/**
 * Δ for token i of channel d as the kernels compute it (Δ + bias, then softplus), in float64, and
 * a bound on the float32 kernel's absolute error in it (WGSL exp/log accuracy, see above).
 */
export function stepWithError(shape: S6Shape, x: S6Inputs, d: number, i: number): { dt: number; eDt: number } {
  let xt = x.delta[i];
  let eX = 0;
  if (shape.hasDeltaBias) {
    xt += x.deltaBias[d];
    eX = U * Math.abs(xt);
  }
  let dt = xt;
  let eDt = eX;
  if (shape.softplus && xt <= 20) {
    dt = softplus(xt);
    const E = Math.exp(xt);
    const arg = 1 + E;
    // exp's own error, the argument's error, and the rounding of 1 + exp(x̃).
    const eArg = E * ((3 + 2 * Math.abs(xt)) * ULP + 1.01 * eX) + U * arg;
    const logOwn = arg <= 2 ? 2 ** -21 : 3 * ULP * Math.log(arg);
    eDt = 1.01 * (eArg / arg) + logOwn;
  }
  return { dt, eDt };
}

/**
 * Float32 bound of the chunkwise ("matrix") form of S6 with chunks of T tokens, as the
 * s6-chunkwise kernels compute it (truth values are the same as s6Reference's). Per chunk
 * [c0, c1) and output t:
 *   y_t = Σ_{s=c0..t} Σ_n C_t,n·B_s,n·exp(A_n·seg(s,t))·(Δ_s·u_s) + Σ_n C_t,n·exp(A_n·seg(c0−1,t))·x_in,n + D·u_t,
 * seg(s, t) = Σ_{r∈(s,t]} Δ_r summed directly (the stable segment sum of Mamba-2's ssd_minimal),
 * x_in the state entering the chunk (chunk totals (exp(A_n·seg(chunk)), local end state) walked in order).
 * Each decay's relative error: |A_n|·(Σ e_Δ + γ_k·seg) + u·|A_n·seg| in the exponent, plus exp's
 * (3 + 2|arg|) ULP; each product term adds 4u and e_Δ/Δ; the K summands of y_t add γ_K·Σ|·|;
 * the state entering a chunk carries the error of the walk (same recurrence as in s6Reference).
 */
export function s6ChunkwiseBound(shape: S6Shape, x: S6Inputs, T: number): Float64Array {
  const { batch: Bt, channels: D, state: N, length: L } = shape;
  const row = L + N;
  const bound = new Float64Array(Bt * D * row);
  const dts = new Float64Array(L);
  const eDts = new Float64Array(L);
  const xin = new Float64Array(N); // |x| entering the chunk (float64 truth)
  const Pin = new Float64Array(N); // bound on its float32 error
  const decayErr = (An: number, seg: number, eSeg: number) => {
    const arg = Math.abs(An * seg);
    const eArg = Math.abs(An) * eSeg + U * arg;
    return 1.01 * eArg + (3 + 2 * (arg + eArg)) * ULP;
  };
  for (let b = 0; b < Bt; b++) {
    for (let d = 0; d < D; d++) {
      const ch = b * D + d;
      for (let l = 0; l < L; l++) {
        const r = stepWithError(shape, x, d, ch * L + l);
        dts[l] = r.dt;
        eDts[l] = r.eDt;
      }
      const h = new Float64Array(N); // true state entering the chunk
      xin.fill(0);
      Pin.fill(0);
      for (let c0 = 0; c0 < L; c0 += T) {
        const c1 = Math.min(L, c0 + T);
        // Outputs of this chunk.
        for (let t = c0; t < c1; t++) {
          const i = ch * L + t;
          let yTrue = 0;
          let absSum = 0;
          let err = 0;
          let seg = 0;
          let eSegInputs = 0;
          let k = 0;
          for (let s = t; s >= c0; s--) {
            const dtu = dts[s] * x.u[ch * L + s];
            const relDtu = eDts[s] / dts[s] + U;
            for (let n = 0; n < N; n++) {
              const An = x.A[d * N + n];
              const term = x.C[(b * N + n) * L + t] * x.B[(b * N + n) * L + s] * Math.exp(An * seg) * dtu;
              const eSeg = 1.01 * eSegInputs + gamma(Math.max(1, k)) * seg;
              yTrue += term;
              absSum += Math.abs(term);
              err += Math.abs(term) * (decayErr(An, seg, eSeg) + relDtu + 3 * U);
            }
            seg += dts[s];
            eSegInputs += eDts[s];
            k++;
          }
          for (let n = 0; n < N; n++) {
            const An = x.A[d * N + n];
            const eSeg = 1.01 * eSegInputs + gamma(k) * seg;
            const cDecay = Math.abs(x.C[(b * N + n) * L + t]) * Math.exp(An * seg);
            yTrue += x.C[(b * N + n) * L + t] * Math.exp(An * seg) * h[n];
            absSum += cDecay * xin[n];
            err += cDecay * xin[n] * (decayErr(An, seg, eSeg) + 2 * U) + cDecay * Pin[n];
          }
          const du = x.D[d] * x.u[i];
          yTrue += du;
          absSum += Math.abs(du);
          const K = (t - c0 + 1) * N + N + 1;
          err += gamma(K) * (absSum + err);
          let yErr = err;
          if (shape.hasZ) {
            const z = x.z[i];
            const e = Math.exp(-z);
            const g = z / (1 + e);
            const epsG = (3 + 2 * Math.abs(z)) * ULP * (e / (1 + e)) + U + 2.5 * ULP + U;
            yErr = Math.abs(g) * yErr + (Math.abs(yTrue) + yErr) * Math.abs(g) * epsG + U * Math.abs(yTrue * g);
          }
          bound[ch * row + t] = 1.01 * yErr + 1e-12 * absSum + TINY * (K + 4);
        }
        // The chunk total and the walk to the next chunk's entering state.
        for (let n = 0; n < N; n++) {
          const An = x.A[d * N + n];
          let seg = 0;
          let eSegInputs = 0;
          let local = 0;
          let localAbs = 0;
          let localErr = 0;
          let k = 0;
          for (let s = c1 - 1; s >= c0; s--) {
            const dtu = dts[s] * x.u[ch * L + s];
            const eSeg = 1.01 * eSegInputs + gamma(Math.max(1, k)) * seg;
            const term = x.B[(b * N + n) * L + s] * Math.exp(An * seg) * dtu;
            local += term;
            localAbs += Math.abs(term);
            localErr += Math.abs(term) * (decayErr(An, seg, eSeg) + eDts[s] / dts[s] + 3 * U);
            seg += dts[s];
            eSegInputs += eDts[s];
            k++;
          }
          localErr += gamma(c1 - c0) * (localAbs + localErr);
          const decay = Math.exp(An * seg);
          const eDecay = decayErr(An, seg, 1.01 * eSegInputs + gamma(k) * seg);
          h[n] = decay * h[n] + local;
          const xNext = decay * xin[n] + localAbs;
          Pin[n] = decay * Pin[n] + (eDecay + 2 * U) * decay * xin[n] + localErr + U * xNext + TINY;
          xin[n] = xNext;
        }
      }
      for (let n = 0; n < N; n++) bound[ch * row + L + n] = 1.01 * Pin[n] + 1e-12 * xin[n] + TINY * (4 * L + 8);
    }
  }
  return bound;
}

/** A float32 CPU emulation of the sequential S6 loop (Math.exp/log rounded to float32). */
export function s6Float32(shape: S6Shape, x: S6Inputs): Float32Array {
  const { batch: Bt, channels: D, state: N, length: L } = shape;
  const fr = Math.fround;
  const row = L + N;
  const out = new Float32Array(Bt * D * row);
  const h = new Float32Array(N);
  for (let b = 0; b < Bt; b++) {
    for (let d = 0; d < D; d++) {
      h.fill(0);
      const ch = b * D + d;
      for (let l = 0; l < L; l++) {
        const i = ch * L + l;
        const uv = x.u[i];
        let dt = x.delta[i];
        if (shape.hasDeltaBias) dt = fr(dt + x.deltaBias[d]);
        if (shape.softplus && dt <= 20) dt = fr(Math.log(fr(1 + fr(Math.exp(dt)))));
        const dtu = fr(dt * uv);
        let y = 0;
        for (let n = 0; n < N; n++) {
          const dA = fr(Math.exp(fr(dt * x.A[d * N + n])));
          const dBu = fr(dtu * x.B[(b * N + n) * L + l]);
          h[n] = fr(fr(dA * h[n]) + dBu);
          y = fr(y + fr(h[n] * x.C[(b * N + n) * L + l]));
        }
        y = fr(y + fr(x.D[d] * uv));
        if (shape.hasZ) {
          const z = x.z[i];
          y = fr(y * fr(z / fr(1 + fr(Math.exp(-z)))));
        }
        out[ch * row + l] = y;
      }
      for (let n = 0; n < N; n++) out[ch * row + L + n] = h[n];
    }
  }
  return out;
}
