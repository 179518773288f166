// Bipolar-INT quantization and bit planes (the ABQ-LLM idea, arXiv 2409.17870): a b-bit code
// n = Σ b_i·2^i stands for the odd integer v = Σ (2b_i − 1)·2^i = 2n − (2^b − 1), so every bit
// plane is a ±1 vector and a dot product of two planes is 32·words − 2·popcount(a XOR b)… here
// written as 4·popc(a∧b) − 2·popc(a) − 2·popc(b) + 32 per 32-bit word.

const fr = Math.fround;

export interface BipolarRows {
  /** n per element (0…2^b − 1), row-major rows×cols. */
  codes: Uint8Array;
  /** One float32 scale per row: value = (2n − (2^b − 1))·scale. */
  scales: Float32Array;
  bits: number;
  rows: number;
  cols: number;
}

/** Per-row bipolar quantization: scale = amax/(2^b − 1), n = clamp(round((x/scale + 2^b − 1)/2)). */
export function quantizeBipolarRows(data: Float32Array, rows: number, cols: number, bits: number): BipolarRows {
  if (!(bits >= 1 && bits <= 8)) throw new Error(`bits must be 1…8, got ${bits}`);
  const levels = 2 ** bits - 1;
  const codes = new Uint8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let amax = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
    }
    const scale = fr(amax / levels);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      const u = scale > 0 && Number.isFinite(v) ? (fr(v / scale) + levels) / 2 : levels / 2;
      const fl = Math.floor(u);
      const d = u - fl;
      const n = d > 0.5 || (d === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
      codes[r * cols + c] = Math.min(levels, Math.max(0, n));
    }
  }
  return { codes, scales, bits, rows, cols };
}

export function bipolarValue(n: number, bits: number): number {
  return 2 * n - (2 ** bits - 1);
}

/** Bit planes: word ((r·bits + i)·cols/32 + j) holds bit i of elements 32j…32j+31 of row r (element 32j+t in bit t). */
export function packBitPlanes(q: BipolarRows): Uint32Array {
  const { rows, cols, bits, codes } = q;
  if (cols % 32 !== 0) throw new Error(`row length ${cols} must be a multiple of 32 (bipolar padding cannot be 0)`);
  const words = cols / 32;
  const planes = new Uint32Array(rows * bits * words);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const n = codes[r * cols + c];
      for (let i = 0; i < bits; i++) if ((n >> i) & 1) planes[(r * bits + i) * words + (c >> 5)] |= 1 << (c & 31);
    }
  }
  return planes;
}
