// Winograd's minimal filtering F(2×2, 3×3) for 3×3, stride-1 convolution (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016): each 2×2 output tile is
//   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
// with d_c the 4×4 input tile of channel c and g_c the 3×3 filter: 16 multiplications per tile
// and channel instead of 36, paid for with additions — and with rounding error, since the
// transforms' entries (½, ±1) spread each input over several terms that cancel.
import { filterIndex, inputIndex, outputIndex, type Conv2dDims } from './conv2d';

export const BT = [
  [1, 0, -1, 0],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, 1, 0, -1],
];
export const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
];
export const AT = [
  [1, 1, 1, 0],
  [0, 1, -1, -1],
];

/** Output tiles along each axis. */
export const winogradTiles = (d: Conv2dDims) => ({ tilesY: Math.ceil(d.outH / 2), tilesX: Math.ceil(d.outW / 2) });

/** U = G g Gᵀ (4×4) for one filter, in float64, from a 3×3 g given row-major. */
function filterTransform(g: number[], abs = false): number[] {
  const a = (x: number) => (abs ? Math.abs(x) : x);
  const t: number[] = new Array(12).fill(0); // G g: 4×3
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) t[i * 3 + j] += a(G[i][k]) * g[k * 3 + j];
  const u: number[] = new Array(16).fill(0); // (G g) Gᵀ: 4×4
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) u[i * 4 + j] += t[i * 3 + k] * a(G[j][k]);
  return u;
}

/**
 * The transformed filter, float64 rounded once to float32 (as a framework precomputes it):
 * U[c][ξ·4 + ν][co], so four neighbouring output channels are neighbours in memory.
 */
export function winogradFilter(d: Conv2dDims, w: Float32Array): Float32Array {
  const out = new Float32Array(d.cin * 16 * d.cout);
  for (let co = 0; co < d.cout; co++) {
    for (let c = 0; c < d.cin; c++) {
      const g: number[] = [];
      for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) g.push(w[filterIndex(d, co, c, r, s)]);
      filterTransform(g).forEach((v, e) => {
        out[(c * 16 + e) * d.cout + co] = v;
      });
    }
  }
  return out;
}

/** The 4×4 input tile of channel c for output tile (ty, tx), zeros outside the image. */
function inputTile(d: Conv2dDims, x: Float32Array, b: number, c: number, ty: number, tx: number, abs: boolean): number[] {
  const tile: number[] = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const iy = 2 * ty + i - d.pad;
      const ix = 2 * tx + j - d.pad;
      const v = iy >= 0 && iy < d.height && ix >= 0 && ix < d.width ? x[inputIndex(d, b, c, iy, ix)] : 0;
      tile.push(abs ? Math.abs(v) : v);
    }
  }
  return tile;
}

/** Bᵀ d B (or |Bᵀ| d |B| for a non-negative d), 4×4. */
function inputTransform(dt: number[], abs: boolean): number[] {
  const a = (x: number) => (abs ? Math.abs(x) : x);
  const t: number[] = new Array(16).fill(0);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) t[i * 4 + j] += a(BT[i][k]) * dt[k * 4 + j];
  const v: number[] = new Array(16).fill(0);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) v[i * 4 + j] += t[i * 4 + k] * a(BT[j][k]);
  return v;
}

/** Aᵀ M A (or |Aᵀ| M |A|), 2×2. */
function outputTransform(m: number[], abs: boolean): number[] {
  const a = (x: number) => (abs ? Math.abs(x) : x);
  const t: number[] = new Array(8).fill(0);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) t[i * 4 + j] += a(AT[i][k]) * m[k * 4 + j];
  const y: number[] = new Array(4).fill(0);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 4; k++) y[i * 2 + j] += t[i * 4 + k] * a(AT[j][k]);
  return y;
}

const U32 = 2 ** -24;
const gamma = (n: number) => (n * U32) / (1 - n * U32);

/**
 * A per-element bound for the float32 Winograd kernel. Expanded, each output is a sum of terms
 * aᵀ·g·d·b·a (products of transform entries, one filter value and one input value); along its
 * path each term meets at most C + 7 roundings — two in Bᵀ d B (one addition per 1-D pass),
 * one in rounding U to float32, C in the fused multiply-add over channels, four in Aᵀ M A (two
 * additions per 1-D pass) — so by Higham's Lemma 3.1 every term is multiplied by some
 * (1 + θ), |θ| ≤ γ_{C+7}, and
 *   |ŷ − y| ≤ γ_{C+7} · |Aᵀ| [ Σ_c (|G| |g_c| |Gᵀ|) ⊙ (|Bᵀ| |d_c| |B|) ] |A|,
 * the same computation with every entry replaced by its absolute value. That sum is never below
 * direct convolution's Σ|w·x| (each product w·x is a group of terms whose coefficients sum to 1)
 * and is about 7 times it for F(2×2, 3×3): the transforms spread and cancel, Winograd's price —
 * offset, for many channels, by C + 7 roundings per term instead of direct's C·R·S.
 */
export function winogradBound(d: Conv2dDims, x: Float32Array, w: Float32Array): Float64Array {
  const bound = new Float64Array(d.batch * d.cout * d.pixels);
  const { tilesY, tilesX } = winogradTiles(d);
  const g = gamma(d.cin + 7);
  const absU: number[][] = [];
  for (let co = 0; co < d.cout; co++) {
    for (let c = 0; c < d.cin; c++) {
      const gf: number[] = [];
      for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) gf.push(Math.abs(w[filterIndex(d, co, c, r, s)]));
      absU[co * d.cin + c] = filterTransform(gf, true);
    }
  }
  for (let b = 0; b < d.batch; b++) {
    for (let ty = 0; ty < tilesY; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        const absV = Array.from({ length: d.cin }, (_, c) => inputTransform(inputTile(d, x, b, c, ty, tx, true), true));
        for (let co = 0; co < d.cout; co++) {
          const m: number[] = new Array(16).fill(0);
          for (let c = 0; c < d.cin; c++) for (let e = 0; e < 16; e++) m[e] += absU[co * d.cin + c][e] * absV[c][e];
          const y = outputTransform(m, true);
          for (let i = 0; i < 2; i++) {
            for (let j = 0; j < 2; j++) {
              const oy = 2 * ty + i;
              const ox = 2 * tx + j;
              if (oy < d.outH && ox < d.outW) bound[outputIndex(d, b, co, oy, ox)] = g * y[i * 2 + j] + 1e-30;
            }
          }
        }
      }
    }
  }
  return bound;
}

/** rows (n×k) · X (k×m) in float32, for transform rows of 0 and ±1 entries: additions only. */
function leftApply(rows: number[][], X: number[], k: number, m: number): number[] {
  const out: number[] = [];
  for (const row of rows) {
    for (let j = 0; j < m; j++) {
      let acc: number | null = null;
      for (let i = 0; i < k; i++) if (row[i] !== 0) acc = acc === null ? row[i] * X[i * m + j] : Math.fround(acc + row[i] * X[i * m + j]);
      out.push(acc ?? 0);
    }
  }
  return out;
}

/** X (p×k) · rowsᵀ in float32 (the right-hand transform), additions only. */
function rightApply(X: number[], rows: number[][], p: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p; i++) {
    for (const row of rows) {
      let acc: number | null = null;
      for (let j = 0; j < k; j++) if (row[j] !== 0) acc = acc === null ? row[j] * X[i * k + j] : Math.fround(acc + row[j] * X[i * k + j]);
      out.push(acc ?? 0);
    }
  }
  return out;
}

/** The Winograd algorithm in float32 on the CPU (the path without WebGPU), in the kernel's order. */
export function winogradFloat32(d: Conv2dDims, x: Float32Array, w: Float32Array): Float32Array {
  const U = winogradFilter(d, w);
  const y = new Float32Array(d.batch * d.cout * d.pixels);
  const { tilesY, tilesX } = winogradTiles(d);
  for (let b = 0; b < d.batch; b++) {
    for (let ty = 0; ty < tilesY; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        const V = Array.from({ length: d.cin }, (_, c) => rightApply(leftApply(BT, inputTile(d, x, b, c, ty, tx, false), 4, 4), BT, 4, 4));
        for (let co = 0; co < d.cout; co++) {
          const m = new Array<number>(16).fill(0);
          for (let c = 0; c < d.cin; c++) for (let e = 0; e < 16; e++) m[e] = Math.fround(U[(c * 16 + e) * d.cout + co] * V[c][e] + m[e]);
          const yt = rightApply(leftApply(AT, m, 4, 4), AT, 2, 4);
          for (let i = 0; i < 2; i++) {
            for (let j = 0; j < 2; j++) {
              const oy = 2 * ty + i;
              const ox = 2 * tx + j;
              if (oy < d.outH && ox < d.outW) y[outputIndex(d, b, co, oy, ox)] = yt[i * 2 + j];
            }
          }
        }
      }
    }
  }
  return y;
}
