// Transforms applied along the rows of a tensor before block quantization, so that outliers hurt
// fewer values of their block.
//
// Random Hadamard transform (Training LLMs with MXFP4, arXiv 2502.20586): a seeded random sign
// per column k (s_k = −1 where the top bit of hash32(k XOR hash32(seed)) is set), then the
// Walsh–Hadamard transform of every block of b consecutive columns (b a power of two), by the
// fast butterfly: stages h = 1, 2, 4, …, b/2, each replacing (v_i, v_{i+h}) by (v_i + v_{i+h},
// v_i − v_{i+h}) for i with bit h clear. Unnormalised (H·H = b·I), so in float32 every step is one
// correctly rounded addition or subtraction and a GPU reproduces it bit for bit in this order.
// In a product X·Wᵀ, rotating both operands along K keeps it: (X·S·H)·(W·S·H)ᵀ = b·X·Wᵀ.
//
// Channel rearrangement (Accurate Block Quantization in LLMs with Outliers, arXiv 2403.20137):
// order the columns by their largest magnitude over the rows (calibration), so that outlier
// channels share blocks and the other blocks keep small scales; the permutation is applied to
// both operands of a product, which it leaves unchanged.
import { hash32, quantize, type QuantScheme } from './formats';

const fr = Math.fround;

/** True where column k's sign is flipped by the seeded random diagonal. */
export function rhtSignFlipped(k: number, seed: number): boolean {
  return hash32((k ^ hash32(seed >>> 0)) >>> 0) >>> 31 === 1;
}

/** The butterfly stages on one block of `b` values in place, each step rounded by `round`. */
function butterflies(v: Float64Array | Float32Array, start: number, b: number, round: (x: number) => number): void {
  for (let h = 1; h < b; h *= 2) {
    for (let t = 0; t < b / 2; t++) {
      const i = start + Math.floor(t / h) * 2 * h + (t % h);
      const a = v[i];
      const c = v[i + h];
      v[i] = round(a + c);
      v[i + h] = round(a - c);
    }
  }
}

/** X·S·H blockwise in float32, exactly as the GPU kernel computes it (see the header). */
export function hadamardRotateF32(x: Float32Array, rows: number, cols: number, block: number, seed: number): Float32Array {
  const out = Float32Array.from(x, (v, i) => (rhtSignFlipped(i % cols, seed) ? -v : v));
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s += block) butterflies(out, r * cols + s, block, fr);
  return out;
}

/** X·S·H·scale blockwise in float64 (for weights prepared offline), rounded to float32 at the end. */
export function hadamardRotateF64(x: Float32Array, rows: number, cols: number, block: number, seed: number, scale = 1): Float32Array {
  const v = Float64Array.from(x, (value, i) => (rhtSignFlipped(i % cols, seed) ? -value : value));
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s += block) butterflies(v, r * cols + s, block, (a) => a);
  return Float32Array.from(v, (a) => a * scale);
}

/** The inverse of hadamardRotate: Y·H·S / b (H is symmetric), in float64. */
export function hadamardUnrotate(y: ArrayLike<number>, rows: number, cols: number, block: number, seed: number): Float64Array {
  const v = Float64Array.from(y as ArrayLike<number>);
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s += block) butterflies(v, r * cols + s, block, (a) => a);
  for (let i = 0; i < v.length; i++) v[i] = (rhtSignFlipped(i % cols, seed) ? -v[i] : v[i]) / block;
  return v;
}

/**
 * A quantization round trip through the rotated domain: rotate, quantize with `scheme`, rotate
 * back. What the rotation does to the tensor's own error (the lab's table); `block` must divide
 * `cols`.
 */
export function hadamardRoundTrip(x: Float32Array, rows: number, cols: number, scheme: QuantScheme, block: number, seed: number): Float32Array {
  const rotated = hadamardRotateF32(x, rows, cols, block, seed);
  const q = quantize(rotated, { ...scheme, shape: [rows, cols] });
  return Float32Array.from(hadamardUnrotate(q.dequantized, rows, cols, block, seed));
}

/** Columns by decreasing max |x| over the rows (ties: lower index first). */
export function channelOrderByMagnitude(x: Float32Array, rows: number, cols: number): Int32Array {
  const peak = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (Number.isFinite(x[r * cols + c])) peak[c] = Math.max(peak[c], Math.abs(x[r * cols + c]));
  return Int32Array.from(Array.from({ length: cols }, (_, c) => c).sort((a, b) => peak[b] - peak[a] || a - b));
}

/** Column j of the result is column order[j] of x. */
export function permuteColumns(x: Float32Array, rows: number, cols: number, order: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + order[j]];
  return out;
}

/** Quantize with the columns rearranged by magnitude, then put them back: the rearrangement's effect on the tensor. */
export function reorderedRoundTrip(x: Float32Array, rows: number, cols: number, scheme: QuantScheme): Float32Array {
  const order = channelOrderByMagnitude(x, rows, cols);
  const q = quantize(permuteColumns(x, rows, cols, order), { ...scheme, shape: [rows, cols] });
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + order[j]] = q.dequantized[r * cols + j];
  return out;
}
