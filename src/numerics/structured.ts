// Float64 references for structured matrices applied to a batch of vectors: Y = X·Wᵀ, i.e. every
// row x of X (batch × n_in) is mapped to W·x. Each structure is a short chain of stages, each stage
// a linear map whose outputs are dot products of a known length; the chain gives both the float64
// truth and the float32 error bound (stagedReference). Also: parameter and flop counts, the
// projections of a dense matrix onto each class (truncated SVD for low rank; the analytical
// optimum of the Monarch paper, rank-1 SVDs of reshaped blocks, for Monarch and two-core BTT), the
// dense matrix each structure represents, and the seeded test matrices the lab projects.
import { frobenius, frobeniusDiff, svd, truncatedSvd, type Svd } from './linalg';
import { Rng, deriveSeed } from './prng';

const U32 = 2 ** -24;
function gammaOf(k: number): number {
  const nu = k * U32;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

// ---- structures ------------------------------------------------------------------------------

/** W = U·Vᵀ: U n_out×r (stored transposed, r×n_out), V n_in×r. */
export interface LowRank {
  kind: 'lowrank';
  nIn: number;
  nOut: number;
  rank: number;
  /** V, n_in×r row-major. */
  v: ArrayLike<number>;
  /** Uᵀ, r×n_out row-major. */
  ut: ArrayLike<number>;
}

/**
 * Two-core block tensor-train of rank ρ on n = b·m (padded): the input is read as b blocks of m;
 * core R maps block j to z[j][l][α] = Σ_k R[j][l][α][k]·x[j·m + k] (l < m, α < ρ), core L maps,
 * for each l, y[i·m + l] = Σ_{j, α} L[l][i][j][α]·z[j][l][α] (i < b). With ρ = 1 this is a Monarch
 * matrix P·L·Pᵀ·R (L: m blocks of b×b, R: b blocks of m×m, P the perfect shuffle). Entries:
 * W[(i·m + l), (j·m + k)] = Σ_α L[l][i][j][α]·R[j][l][α][k]. Rows and columns beyond n are padding.
 */
export interface Btt {
  kind: 'btt';
  n: number;
  blocks: number;
  m: number;
  rank: number;
  /** R[j][l][α][k], index ((j·m + l)·ρ + α)·m + k. */
  r: ArrayLike<number>;
  /** L[l][i][j][α], index ((l·b + i)·b + j)·ρ + α. */
  l: ArrayLike<number>;
}

/** W = A⊗B, A: a1×a2, B: b1×b2; n_out = a1·b1, n_in = a2·b2. */
export interface Kronecker {
  kind: 'kronecker';
  a1: number;
  a2: number;
  b1: number;
  b2: number;
  a: ArrayLike<number>;
  b: ArrayLike<number>;
}

/**
 * BLAST (block-level adaptive structured): W split into b×b blocks of p×p (n = b·p, padded); block
 * (i, j) = U_i·diag(s_ij)·V_jᵀ with bases U_i, V_j (p×r) shared along block rows and columns.
 * Stages: z_j = V_jᵀx_j, w_i = Σ_j s_ij ⊙ z_j, y_i = U_i·w_i.
 */
export interface Blast {
  kind: 'blast';
  n: number;
  blocks: number;
  p: number;
  rank: number;
  /** U[i][k][α], index (i·p + k)·r + α. */
  u: ArrayLike<number>;
  /** V[j][k][α], index (j·p + k)·r + α. */
  v: ArrayLike<number>;
  /** s[i][j][α], index (i·b + j)·r + α. */
  s: ArrayLike<number>;
}

export type Structure = LowRank | Btt | Kronecker | Blast;

export function dimsOf(s: Structure): { nIn: number; nOut: number } {
  switch (s.kind) {
    case 'lowrank':
      return { nIn: s.nIn, nOut: s.nOut };
    case 'btt':
    case 'blast':
      return { nIn: s.n, nOut: s.n };
    case 'kronecker':
      return { nIn: s.a2 * s.b2, nOut: s.a1 * s.b1 };
  }
}

/** Numbers stored for the structure, and multiply-adds per input vector (padding included). */
export function costOf(s: Structure): { params: number; macsPerVector: number } {
  switch (s.kind) {
    case 'lowrank':
      return { params: s.rank * (s.nIn + s.nOut), macsPerVector: s.rank * (s.nIn + s.nOut) };
    case 'btt': {
      const { blocks: b, m, rank } = s;
      const params = rank * (b * m * m + m * b * b);
      return { params, macsPerVector: params };
    }
    case 'kronecker':
      return { params: s.a1 * s.a2 + s.b1 * s.b2, macsPerVector: s.a2 * s.b1 * s.b2 + s.a1 * s.a2 * s.b1 };
    case 'blast': {
      const { blocks: b, p, rank } = s;
      return { params: rank * (2 * b * p + b * b), macsPerVector: rank * (2 * b * p + b * b) };
    }
  }
}

/**
 * How a stage is evaluated: 'f64' exactly as written, 'abs' with every coefficient replaced by its
 * absolute value (for error bounds), 'f32' with every product and sum rounded to float32 (the CPU
 * emulation of a GPU run).
 */
export type StageMode = 'f64' | 'abs' | 'f32';

/** One stage of a structured product: out = W_stage·in, every output a dot product of `length` terms. */
interface Stage {
  length: number;
  apply(input: Float64Array, mode: StageMode): Float64Array;
}

const fr = Math.fround;
/** acc + w·x in the stage's arithmetic. */
function mac(mode: StageMode, acc: number, w: number, x: number): number {
  if (mode === 'abs') return acc + Math.abs(w) * x;
  if (mode === 'f32') return fr(acc + fr(w * x));
  return acc + w * x;
}

function stagesOf(s: Structure): Stage[] {
  switch (s.kind) {
    case 'lowrank': {
      const { nIn, nOut, rank: r, v, ut } = s;
      return [
        {
          length: nIn,
          apply(x, mode) {
            const t = new Float64Array(r);
            for (let k = 0; k < nIn; k++) for (let a = 0; a < r; a++) t[a] = mac(mode, t[a], v[k * r + a], x[k]);
            return t;
          },
        },
        {
          length: r,
          apply(t, mode) {
            const y = new Float64Array(nOut);
            for (let a = 0; a < r; a++) for (let i = 0; i < nOut; i++) y[i] = mac(mode, y[i], ut[a * nOut + i], t[a]);
            return y;
          },
        },
      ];
    }
    case 'btt': {
      const { n, blocks: b, m, rank: rho, r, l } = s;
      return [
        {
          // z[j][l][α]: a dot product over the (at most m) real inputs of block j.
          length: m,
          apply(x, mode) {
            const z = new Float64Array(b * m * rho);
            for (let j = 0; j < b; j++) {
              for (let ll = 0; ll < m; ll++) {
                for (let a = 0; a < rho; a++) {
                  let acc = 0;
                  const base = ((j * m + ll) * rho + a) * m;
                  for (let k = 0; k < m && j * m + k < n; k++) acc = mac(mode, acc, r[base + k], x[j * m + k]);
                  z[(j * m + ll) * rho + a] = acc;
                }
              }
            }
            return z;
          },
        },
        {
          length: b * rho,
          apply(z, mode) {
            const y = new Float64Array(n);
            for (let ll = 0; ll < m; ll++) {
              for (let i = 0; i < b; i++) {
                if (i * m + ll >= n) continue;
                let acc = 0;
                for (let j = 0; j < b; j++) for (let a = 0; a < rho; a++) acc = mac(mode, acc, l[((ll * b + i) * b + j) * rho + a], z[(j * m + ll) * rho + a]);
                y[i * m + ll] = acc;
              }
            }
            return y;
          },
        },
      ];
    }
    case 'kronecker': {
      const { a1, a2, b1, b2, a, b } = s;
      return [
        {
          // T[i][s] = Σ_k B[s][k]·x[i·b2 + k]
          length: b2,
          apply(x, mode) {
            const t = new Float64Array(a2 * b1);
            for (let i = 0; i < a2; i++)
              for (let q = 0; q < b1; q++) {
                let acc = 0;
                for (let k = 0; k < b2; k++) acc = mac(mode, acc, b[q * b2 + k], x[i * b2 + k]);
                t[i * b1 + q] = acc;
              }
            return t;
          },
        },
        {
          // y[p·b1 + q] = Σ_i A[p][i]·T[i][q]
          length: a2,
          apply(t, mode) {
            const y = new Float64Array(a1 * b1);
            for (let p = 0; p < a1; p++)
              for (let q = 0; q < b1; q++) {
                let acc = 0;
                for (let i = 0; i < a2; i++) acc = mac(mode, acc, a[p * a2 + i], t[i * b1 + q]);
                y[p * b1 + q] = acc;
              }
            return y;
          },
        },
      ];
    }
    case 'blast': {
      const { n, blocks: b, p, rank: r, u, v, s: cpl } = s;
      return [
        {
          length: p,
          apply(x, mode) {
            const z = new Float64Array(b * r);
            for (let j = 0; j < b; j++)
              for (let a = 0; a < r; a++) {
                let acc = 0;
                for (let k = 0; k < p && j * p + k < n; k++) acc = mac(mode, acc, v[(j * p + k) * r + a], x[j * p + k]);
                z[j * r + a] = acc;
              }
            return z;
          },
        },
        {
          length: b,
          apply(z, mode) {
            const w = new Float64Array(b * r);
            for (let i = 0; i < b; i++)
              for (let a = 0; a < r; a++) {
                let acc = 0;
                for (let j = 0; j < b; j++) acc = mac(mode, acc, cpl[(i * b + j) * r + a], z[j * r + a]);
                w[i * r + a] = acc;
              }
            return w;
          },
        },
        {
          length: r,
          apply(w, mode) {
            const y = new Float64Array(n);
            for (let i = 0; i < b; i++)
              for (let k = 0; k < p && i * p + k < n; k++) {
                let acc = 0;
                for (let a = 0; a < r; a++) acc = mac(mode, acc, u[(i * p + k) * r + a], w[i * r + a]);
                y[i * p + k] = acc;
              }
            return y;
          },
        },
      ];
    }
  }
}

/**
 * Y = X·Wᵀ in float64 for a batch of `batch` rows, and a per-element bound on what a float32 kernel
 * that computes the stages in order (each intermediate rounded to float32, any summation order)
 * may differ from it. For one stage out = W·in computed from an input that carries error e:
 *   |out^ − out| ≤ |W|·e + γ_k·|W|·(|in| + e)            (Higham §3.1: a length-k dot product)
 * so e_next = (1 + γ_k)·|W|·e + γ_k·|W|·|in|, starting from e = 0 (X is exact float32).
 */
export function stagedReference(s: Structure, x: ArrayLike<number>, batch: number): { values: Float64Array; bound: Float64Array } {
  const { nIn, nOut } = dimsOf(s);
  const stages = stagesOf(s);
  const values = new Float64Array(batch * nOut);
  const bound = new Float64Array(batch * nOut);
  for (let t = 0; t < batch; t++) {
    let v: Float64Array = new Float64Array(nIn);
    for (let k = 0; k < nIn; k++) v[k] = x[t * nIn + k];
    let e: Float64Array = new Float64Array(nIn);
    for (const stage of stages) {
      const g = gammaOf(stage.length);
      const next = stage.apply(v, 'f64');
      const absIn = stage.apply(v.map(Math.abs), 'abs');
      const propagated = stage.apply(e, 'abs');
      e = propagated.map((p, i) => (1 + g) * p + g * absIn[i]);
      v = next;
    }
    values.set(v, t * nOut);
    // A tiny absolute floor keeps exact zeros (padding) from needing an exactly zero error.
    for (let i = 0; i < nOut; i++) bound[t * nOut + i] = e[i] * (1 + 1e-6) + 1e-30;
  }
  return { values, bound };
}

/** The dense n_out×n_in matrix the structure represents (for approximation errors and pictures). */
export function denseOf(s: Structure): Float64Array {
  const { nIn, nOut } = dimsOf(s);
  const stages = stagesOf(s);
  const w = new Float64Array(nOut * nIn);
  for (let c = 0; c < nIn; c++) {
    let v: Float64Array = new Float64Array(nIn);
    v[c] = 1;
    for (const stage of stages) v = stage.apply(v, 'f64');
    for (let i = 0; i < nOut; i++) w[i * nIn + c] = v[i];
  }
  return w;
}

/** What a float32 kernel computing the stages in order would return (the CPU emulation). */
export function stagedFloat32(s: Structure, x: ArrayLike<number>, batch: number): Float32Array {
  const { nIn, nOut } = dimsOf(s);
  const stages = stagesOf(s);
  const out = new Float32Array(batch * nOut);
  for (let t = 0; t < batch; t++) {
    let v: Float64Array = new Float64Array(nIn);
    for (let k = 0; k < nIn; k++) v[k] = x[t * nIn + k];
    for (const stage of stages) v = stage.apply(v, 'f32');
    out.set(v, t * nOut);
  }
  return out;
}

// ---- seeded test matrices ---------------------------------------------------------------------

/** Approximately standard normal: the Irwin–Hall sum of 12 uniforms minus 6 (no transcendental functions, so the same bits in every browser). */
export function normalish(rng: Rng): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += rng.nextUnit();
  return s - 6;
}

export function normalArray(count: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = scale * normalish(rng);
  return out;
}

/** An n×n orthogonal matrix: modified Gram–Schmidt on a seeded normal matrix (rows orthonormal). */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const q = normalArray(n * n, seed);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[i * n + k] * q[j * n + k];
      for (let k = 0; k < n; k++) q[i * n + k] -= dot * q[j * n + k];
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += q[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) q[i * n + k] /= norm;
  }
  return q;
}

export type DenseTarget = 'decay' | 'near-monarch' | 'gaussian';

export const DENSE_TARGETS: { value: DenseTarget; label: string }[] = [
  { value: 'decay', label: 'Decaying spectrum (singular values 1/(1+i))' },
  { value: 'near-monarch', label: 'A Monarch matrix (√n blocks) plus 5% noise' },
  { value: 'gaussian', label: 'Gaussian (no structure)' },
];

/**
 * A seeded dense n×n matrix to project, scaled so that ‖W‖_F = √n (an output of norm ≈ ‖x‖):
 * 'decay' = Q₁·diag(1/(1+i))·Q₂ with random orthogonal Q's (low rank helps); 'near-monarch' = a
 * random Monarch matrix with b = round(√n) blocks plus 5% Gaussian noise (full rank, Monarch helps);
 * 'gaussian' = i.i.d. entries (nothing helps).
 */
export function denseTarget(target: DenseTarget, n: number, seed: number): Float64Array {
  let w: Float64Array;
  if (target === 'decay') {
    const q1 = randomOrthogonal(n, deriveSeed(seed, 40));
    const q2 = randomOrthogonal(n, deriveSeed(seed, 41));
    w = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const f = q1[i * n + k] / (1 + k);
        if (f === 0) continue;
        for (let j = 0; j < n; j++) w[i * n + j] += f * q2[k * n + j];
      }
  } else if (target === 'near-monarch') {
    const b = Math.max(1, Math.round(Math.sqrt(n)));
    const mon = randomBtt(n, b, 1, deriveSeed(seed, 42));
    w = denseOf(mon);
    const noise = normalArray(n * n, deriveSeed(seed, 43));
    const scale = (0.05 * frobenius(w)) / Math.max(1e-30, frobenius(noise));
    for (let i = 0; i < w.length; i++) w[i] += scale * noise[i];
  } else {
    w = normalArray(n * n, deriveSeed(seed, 44));
  }
  const f = Math.sqrt(n) / Math.max(1e-30, frobenius(w));
  for (let i = 0; i < w.length; i++) w[i] *= f;
  return w;
}

/** Random factors whose product has entries of order 1/√n_in (outputs of order ‖x‖/√n_in·√n_in). */
function factorScale(length: number): number {
  return 1 / Math.sqrt(Math.max(1, length));
}

export function randomBtt(n: number, blocks: number, rank: number, seed: number): Btt {
  const m = Math.ceil(n / blocks);
  const rng = new Rng(seed);
  const r = new Float64Array(blocks * m * rank * m);
  const l = new Float64Array(m * blocks * blocks * rank);
  for (let i = 0; i < r.length; i++) r[i] = Math.fround(rng.uniform(-1, 1) * Math.sqrt(3) * factorScale(m));
  for (let i = 0; i < l.length; i++) l[i] = Math.fround(rng.uniform(-1, 1) * Math.sqrt(3) * factorScale(blocks * rank));
  return { kind: 'btt', n, blocks, m, rank, r, l };
}

// ---- projections onto a class ----------------------------------------------------------------

const svdMemo = new Map<string, Svd>();

/** The SVD of a square n×n matrix, memoised on a fingerprint of its entries (a sweep over the rank reuses it). */
export function memoSvd(w: ArrayLike<number>, n: number): Svd {
  const key = `${n}:${w[0]}:${w[Math.floor(w.length / 3)]}:${w[Math.floor((2 * w.length) / 3)]}:${w[w.length - 1]}`;
  let d = svdMemo.get(key);
  if (!d) {
    d = svd(w, n, n);
    if (svdMemo.size > 4) svdMemo.delete(svdMemo.keys().next().value as string);
    svdMemo.set(key, d);
  }
  return d;
}

/** The best rank-r factors of W (truncated SVD), in the kernel's layout (V n×r, Uᵀ r×n). */
export function projectLowRank(decomposition: Svd, rank: number): { v: Float64Array; ut: Float64Array; tailError: number } {
  const m = decomposition.rows;
  const t = truncatedSvd(decomposition, rank);
  const ut = new Float64Array(t.rank * m);
  for (let i = 0; i < m; i++) for (let k = 0; k < t.rank; k++) ut[k * m + i] = t.us[i * t.rank + k];
  return { v: t.v, ut, tailError: t.tailError };
}

/**
 * The Frobenius-nearest two-core BTT of rank ρ (a Monarch matrix for ρ = 1) to a dense n×n W.
 * W's entries at (i·m + l, j·m + k) for fixed (l, j) form a b×m slice that the structure makes
 * Σ_α L[l][i][j][α]·R[j][l][α][k]: a rank-ρ matrix in (i, k), and different (l, j) share no
 * parameters. So the best fit is the truncated SVD of each slice, separately (the analytical
 * optimum of Dao et al., "Monarch", §3.4, for ρ = 1). W is zero-padded to b·m.
 */
export function projectBtt(w: ArrayLike<number>, n: number, blocks: number, rank: number): Btt {
  const b = blocks;
  const m = Math.ceil(n / b);
  const r = new Float64Array(b * m * rank * m);
  const l = new Float64Array(m * b * b * rank);
  const slice = new Float64Array(b * m);
  for (let ll = 0; ll < m; ll++) {
    for (let j = 0; j < b; j++) {
      slice.fill(0);
      for (let i = 0; i < b; i++) {
        const row = i * m + ll;
        if (row >= n) continue;
        for (let k = 0; k < m; k++) {
          const col = j * m + k;
          if (col < n) slice[i * m + k] = w[row * n + col];
        }
      }
      const d = svd(slice, b, m);
      const p = d.s.length;
      for (let a = 0; a < Math.min(rank, p); a++) {
        for (let i = 0; i < b; i++) l[((ll * b + i) * b + j) * rank + a] = d.u[i * p + a] * d.s[a];
        for (let k = 0; k < m; k++) r[((j * m + ll) * rank + a) * m + k] = d.v[k * p + a];
      }
    }
  }
  return { kind: 'btt', n, blocks: b, m, rank, r, l };
}

/** ‖W − W_structure‖_F / ‖W‖_F over the n_out×n_in matrix. */
export function relativeApproximationError(w: ArrayLike<number>, s: Structure): number {
  return frobeniusDiff(w, denseOf(s)) / Math.max(1e-300, frobenius(w));
}

/** Rounds every factor of a structure to float32 (what the GPU stores). */
export function roundFactors<S extends Structure>(s: S): S {
  const r = (a: ArrayLike<number>) => Float32Array.from(a as ArrayLike<number>);
  switch (s.kind) {
    case 'lowrank':
      return { ...s, v: r(s.v), ut: r(s.ut) };
    case 'btt':
      return { ...s, r: r(s.r), l: r(s.l) };
    case 'kronecker':
      return { ...s, a: r(s.a), b: r(s.b) };
    case 'blast':
      return { ...s, u: r(s.u), v: r(s.v), s: r(s.s) };
  }
}

// ---- speed: where the structure overtakes dense ------------------------------------------------

/**
 * Where the structure's time crosses the dense time: the last sign change of log(dense/structure)
 * over the measured points (sorted by x), placed by linear interpolation between the two points
 * that bracket it — past it, every measured point is on one side. Returns null when the ratio
 * never changes sign, and says which side it stayed on; earlier sign changes (noise, or a second
 * regime) are mentioned.
 */
export function crossoverOf(points: { x: number; structured: number; dense: number }[]): { x: number | null; note: string } {
  const pts = points.filter((p) => p.structured > 0 && p.dense > 0).sort((a, b) => a.x - b.x);
  if (pts.length < 2) return { x: null, note: 'needs at least two points measured with both kernels' };
  const ratio = pts.map((p) => Math.log(p.dense / p.structured));
  const changes: number[] = [];
  for (let i = 1; i < pts.length; i++) if (ratio[i] !== 0 && ratio[i - 1] !== 0 && Math.sign(ratio[i - 1]) !== Math.sign(ratio[i])) changes.push(i);
  if (changes.length === 0) {
    return {
      x: null,
      note: ratio[ratio.length - 1] > 0 ? 'the structure was faster than dense at every point measured' : 'dense was faster at every point measured',
    };
  }
  const i = changes[changes.length - 1];
  const t = ratio[i - 1] / (ratio[i - 1] - ratio[i]);
  const x = pts[i - 1].x + t * (pts[i].x - pts[i - 1].x);
  const side = ratio[i] > 0 ? 'the structure is faster than dense at every point measured above it' : 'dense is faster at every point measured above it';
  const earlier =
    changes.length > 1
      ? ` (the ratio also crossed 1 at smaller values: ${changes.length - 1} more sign change${changes.length > 2 ? 's' : ''} — noise, or a second regime)`
      : '';
  return { x, note: side + earlier };
}
