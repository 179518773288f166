// Weight encodings that let a matmul run without multiplications.
//
// Ternary (Scalable MatMul-free Language Modeling, arXiv 2406.02528, after BitNet b1.58): every
// weight is −1, 0 or +1 times one scale per tensor or per row, the absmean of the weights:
// γ = mean|W|, t = clamp(round(W/γ), −1, 1) with W/γ rounded once to float32 and then to the
// nearest integer, ties to even. Packed 2 bits per weight (0 → 0, 1 → +1, 2 → −1), or 5 weights
// per byte in base 3 (1.6 bits: byte = Σ_j (t_j + 1)·3^j, 3^5 = 243 ≤ 256).
//
// Binary coding with power-of-two scales (ShiftAddLLM, arXiv 2406.05981, after BCQ): each group of
// G weights along a row is W ≈ Σ_i α_i·B_i with B_i ∈ {−1, +1}^G, fitted greedily: α_i = mean|R|
// of the residual R, B_i = sign(R) (+1 at 0), R ← R − α_i·B_i. With `powerOfTwo`, α_i is rounded
// to the nearest power of two in the log domain (2^e with e = round(log2 α)) before the residual
// is updated, so later planes correct the rounding; then x·α_i is an exponent add (a shift).

const fr = Math.fround;

export interface TernaryWeights {
  /** −1, 0 or +1 per weight, row-major N×K. */
  trits: Int8Array;
  /** One scale per tensor (length 1) or per row (length N). */
  scales: Float32Array;
  perRow: boolean;
}

export function ternaryQuantize(w: Float32Array, rows: number, cols: number, perRow: boolean): TernaryWeights {
  const scales = new Float32Array(perRow ? rows : 1);
  const trits = new Int8Array(rows * cols);
  const meanAbs = (start: number, end: number) => {
    let s = 0;
    for (let i = start; i < end; i++) s += Math.abs(w[i]);
    return fr(s / (end - start));
  };
  if (!perRow) scales[0] = meanAbs(0, w.length);
  for (let r = 0; r < rows; r++) {
    if (perRow) scales[r] = meanAbs(r * cols, (r + 1) * cols);
    const s = scales[perRow ? r : 0];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (s === 0) continue;
      const v = fr(w[i] / s);
      const fl = Math.floor(v);
      const d = v - fl;
      const q = d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
      trits[i] = Math.max(-1, Math.min(1, q));
    }
  }
  return { trits, scales, perRow };
}

/** 2 bits per weight, 16 per u32: weight 16w+j of a row in bits 2j…2j+1 (0 → 0, 1 → +1, 2 → −1). */
export function packTernary2(trits: Int8Array, rows: number, cols: number): Uint32Array {
  const words = Math.ceil(cols / 16);
  const out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const t = trits[r * cols + c];
      out[r * words + (c >> 4)] |= (t === 1 ? 1 : t === -1 ? 2 : 0) << (2 * (c & 15));
    }
  }
  return out;
}

/** Base 3, 5 weights per byte (byte = Σ_j (t_j + 1)·3^j), 4 bytes per u32: 20 weights per word, rows padded with 0. */
export function packTernaryBase3(trits: Int8Array, rows: number, cols: number): Uint32Array {
  const words = Math.ceil(cols / 20);
  const out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < 4 * words; b++) {
      let byte = 0;
      for (let j = 4; j >= 0; j--) {
        const c = 5 * b + j;
        byte = byte * 3 + (c < cols ? trits[r * cols + c] + 1 : 1);
      }
      out[r * words + (b >> 2)] |= byte << (8 * (b & 3));
    }
  }
  return out;
}

/** For each byte value < 243: its 5 base-3 digits as 2-bit codes (0 → 0, 1 → +1, 2 → −1), digit j in bits 2j…2j+1. */
export function base3DecodeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 243; byte++) {
    let v = byte;
    let codes = 0;
    for (let j = 0; j < 5; j++) {
      const t = (v % 3) - 1;
      v = Math.floor(v / 3);
      codes |= (t === 1 ? 1 : t === -1 ? 2 : 0) << (2 * j);
    }
    table[byte] = codes;
  }
  return table;
}

export interface BinaryCodedWeights {
  /** B_i per weight as +1/−1, plane-major: planes[((n·groups + g)·q + i)·G + j]. */
  signs: Int8Array;
  /** α_i per (row, group, plane): a power of two 2^exponent when powerOfTwo, else any float32. */
  alphas: Float32Array;
  /** log2 of α_i when powerOfTwo (−1000 for an all-zero group's planes). */
  exponents: Int32Array;
  planes: number;
  groupSize: number;
}

/** Greedy binary coding (see the header). */
export function binaryCodingQuantize(w: Float32Array, rows: number, cols: number, planes: number, groupSize: number, powerOfTwo: boolean): BinaryCodedWeights {
  const groups = Math.ceil(cols / groupSize);
  const signs = new Int8Array(rows * groups * planes * groupSize);
  const alphas = new Float32Array(rows * groups * planes);
  const exponents = new Int32Array(rows * groups * planes);
  const residual = new Float64Array(groupSize);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const len = Math.min(groupSize, cols - g * groupSize);
      for (let j = 0; j < len; j++) residual[j] = w[r * cols + g * groupSize + j];
      for (let i = 0; i < planes; i++) {
        let mean = 0;
        for (let j = 0; j < len; j++) mean += Math.abs(residual[j]);
        mean /= len;
        const at = (r * groups + g) * planes + i;
        let alpha: number;
        if (powerOfTwo) {
          if (mean === 0) {
            exponents[at] = -1000;
            alpha = 0;
          } else {
            // Nearest power of two in the log domain: 2^e or 2^(e+1), split at 2^e·√2.
            let e = Math.floor(Math.log2(mean));
            if (2 ** e > mean) e -= 1; // guard the log2 of values just below a power of two
            if (2 ** (e + 1) <= mean) e += 1;
            if (mean >= 2 ** e * Math.SQRT2) e += 1;
            exponents[at] = e;
            alpha = 2 ** e;
          }
        } else alpha = fr(mean);
        alphas[at] = alpha;
        for (let j = 0; j < len; j++) {
          const s = residual[j] >= 0 ? 1 : -1;
          signs[at * groupSize + j] = s;
          residual[j] -= alpha * s;
        }
        for (let j = len; j < groupSize; j++) signs[at * groupSize + j] = 1;
      }
    }
  }
  return { signs, alphas, exponents, planes, groupSize };
}

/** The weight a binary coding stands for: Σ_i α_i·B_i (exact in float64). */
export function binaryCodedWeight(b: BinaryCodedWeights, cols: number, r: number, c: number): number {
  const groups = Math.ceil(cols / b.groupSize);
  const g = Math.floor(c / b.groupSize);
  const j = c - g * b.groupSize;
  let v = 0;
  for (let i = 0; i < b.planes; i++) {
    const at = (r * groups + g) * b.planes + i;
    v += b.alphas[at] * b.signs[at * b.groupSize + j];
  }
  return v;
}
