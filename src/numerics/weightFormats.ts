// Import and export of the common 4-bit weight layouts, bit-exact. W is N×K (row n = output
// channel, contiguous along K, as a Linear layer stores it); codes are grouped along K.
//
// MLC-LLM q4f16_1 (mlc_llm/quantization/group_quantization.py, linear_weight_layout "NK"):
//   q_weight: uint32 [N, K/8]; element k of row n sits in word k/8, bits 4·(k%8)…+3 (element 0 in
//             the low nibble, `pack_weight` in quantization/utils.py); stored value q ∈ [0, 14].
//   q_scale:  float16 [N, K/32]; scale = max|w| / 7 over the group of 32.
//   dequantized w = (q − 7) · scale.
// ONNX Runtime com.microsoft.MatMulNBits with bits = 4:
//   B:           uint8 [N, K/block, block/2]; in each byte the even element is in the low nibble
//                and the odd one in the high nibble (codes packed low-first along K).
//   scales:      float [N · K/block].
//   zero_points: optional uint8 [N · ceil((K/block)/2)], two per byte, low nibble first; absent
//                means 8.
//   dequantized w = (q − zero_point) · scale.
import { decodeElement, encodeElement, roundToInteger } from './formats';

const fr = Math.fround;

// ---- MLC q4f16_1 -------------------------------------------------------------------------------

export const MLC_GROUP = 32;

export interface MlcQ4f16 {
  qWeight: Uint32Array;
  /** float16 bit patterns. */
  qScale: Uint16Array;
  n: number;
  k: number;
}

/**
 * Quantizes float32 weights the MLC q4f16_1 way: scale = f16(max|w| / 7), stored
 * q = clamp(round_half_even(fl32(w / scale)) + 7, 0, 14). (MLC computes in float16 on float16
 * weights; from float32 input the codes can differ from MLC's own at rounding boundaries. The
 * layout, which is what import/export must get right, is identical.)
 */
export function quantizeMlcQ4f16(w: Float32Array, n: number, k: number): MlcQ4f16 {
  if (k % MLC_GROUP !== 0) throw new Error(`K = ${k} must be a multiple of the q4f16_1 group size 32`);
  const groups = k / MLC_GROUP;
  const qScale = new Uint16Array(n * groups);
  const stored = new Uint8Array(n * k);
  for (let g = 0; g < n * groups; g++) {
    const start = g * MLC_GROUP;
    let amax = 0;
    for (let i = start; i < start + MLC_GROUP; i++) if (Number.isFinite(w[i])) amax = Math.max(amax, Math.abs(w[i]));
    qScale[g] = encodeElement('f16', fr(amax / 7));
    const scale = decodeElement('f16', qScale[g]);
    for (let i = start; i < start + MLC_GROUP; i++) {
      let q = 7;
      if (scale > 0 && Number.isFinite(w[i])) {
        const v = fr(w[i] / scale);
        q = (v < 0 ? -roundToInteger(-v) : roundToInteger(v)) + 7;
      }
      stored[i] = Math.min(14, Math.max(0, q));
    }
  }
  return { qWeight: packStoredNibbles(stored, n * k), qScale, n, k };
}

/** Stored MLC values (0…14) and float scales from the layout. */
export function unpackMlcQ4f16(m: MlcQ4f16): { stored: Uint8Array; scales: Float32Array } {
  const stored = new Uint8Array(m.n * m.k);
  for (let i = 0; i < stored.length; i++) stored[i] = (m.qWeight[i >> 3] >>> (4 * (i & 7))) & 0xf;
  const scales = Float32Array.from(m.qScale, (h) => decodeElement('f16', h));
  return { stored, scales };
}

export function dequantizeMlcQ4f16(m: MlcQ4f16): Float32Array {
  const { stored, scales } = unpackMlcQ4f16(m);
  return Float32Array.from(stored, (q, i) => (q - 7) * scales[Math.floor(i / MLC_GROUP)]);
}

/** Packs stored values 0…15 into MLC words (identical nibble order to Kernel Lab's own layout). */
export function packMlcQ4f16(stored: ArrayLike<number>, scalesF16: Uint16Array, n: number, k: number): MlcQ4f16 {
  if (k % MLC_GROUP !== 0) throw new Error(`K = ${k} must be a multiple of 32`);
  if (scalesF16.length !== (n * k) / MLC_GROUP) throw new Error(`expected ${(n * k) / MLC_GROUP} scales, got ${scalesF16.length}`);
  return { qWeight: packStoredNibbles(stored, n * k), qScale: Uint16Array.from(scalesF16), n, k };
}

function packStoredNibbles(stored: ArrayLike<number>, count: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) {
    const v = stored[i];
    if (!(v >= 0 && v <= 15)) throw new Error(`stored value ${v} at ${i} is not a nibble`);
    words[i >> 3] |= v << (4 * (i & 7));
  }
  return words;
}

// ---- ONNX Runtime MatMulNBits (4 bits) ---------------------------------------------------------

export interface MatMulNBits4 {
  /** uint8 [N, K/block, block/2]. */
  b: Uint8Array;
  scales: Float32Array;
  /** Packed uint8 zero points, or undefined (then every zero point is 8). */
  zeroPoints?: Uint8Array;
  n: number;
  k: number;
  blockSize: number;
}

/**
 * Exports unsigned 4-bit codes (0…15, N×K row-major), one scale per block and optional per-block
 * zero points (0…15) to the MatMulNBits layout.
 */
export function packMatMulNBits4(
  codes: ArrayLike<number>,
  scales: Float32Array,
  n: number,
  k: number,
  blockSize: number,
  zeroPoints?: ArrayLike<number>,
): MatMulNBits4 {
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`block size ${blockSize} must be a power of two ≥ 16`);
  if (k % blockSize !== 0) throw new Error(`K = ${k} must be a multiple of the block size ${blockSize}`);
  const blocks = k / blockSize;
  if (scales.length !== n * blocks) throw new Error(`expected ${n * blocks} scales, got ${scales.length}`);
  const b = new Uint8Array((n * k) / 2);
  for (let i = 0; i < n * k; i++) {
    const c = codes[i];
    if (!(c >= 0 && c <= 15)) throw new Error(`code ${c} at ${i} is not a nibble`);
    b[i >> 1] |= (i & 1 ? c << 4 : c) & 0xff;
  }
  let zp: Uint8Array | undefined;
  if (zeroPoints) {
    const perRow = Math.ceil(blocks / 2);
    zp = new Uint8Array(n * perRow);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < blocks; j++) {
        const z = zeroPoints[r * blocks + j];
        if (!(z >= 0 && z <= 15)) throw new Error(`zero point ${z} is not a nibble`);
        zp[r * perRow + (j >> 1)] |= j & 1 ? z << 4 : z;
      }
    }
  }
  return { b, scales: Float32Array.from(scales), zeroPoints: zp, n, k, blockSize };
}

export function unpackMatMulNBits4(m: MatMulNBits4): { codes: Uint8Array; zeroPoints: Uint8Array } {
  const codes = new Uint8Array(m.n * m.k);
  for (let i = 0; i < codes.length; i++) codes[i] = (m.b[i >> 1] >> (i & 1 ? 4 : 0)) & 0xf;
  const blocks = m.k / m.blockSize;
  const perRow = Math.ceil(blocks / 2);
  const zeroPoints = new Uint8Array(m.n * blocks).fill(8);
  if (m.zeroPoints) {
    for (let r = 0; r < m.n; r++) for (let j = 0; j < blocks; j++) zeroPoints[r * blocks + j] = (m.zeroPoints[r * perRow + (j >> 1)] >> (j & 1 ? 4 : 0)) & 0xf;
  }
  return { codes, zeroPoints };
}

export function dequantizeMatMulNBits4(m: MatMulNBits4): Float32Array {
  const { codes, zeroPoints } = unpackMatMulNBits4(m);
  return Float32Array.from(codes, (q, i) => {
    const block = Math.floor(i / m.blockSize);
    return (q - zeroPoints[block]) * m.scales[block];
  });
}

/**
 * Kernel Lab int4 (symmetric codes −7…7 / −8…7, our packing stores q + 8) to MatMulNBits with the
 * default zero point 8: the nibbles are the same values, only the byte order of the container
 * differs. Requires the group size to equal the block size.
 */
export function kernelLabInt4ToMatMulNBits(codes: Int32Array, scales: Float32Array, n: number, k: number, groupSize: number): MatMulNBits4 {
  return packMatMulNBits4(
    Uint8Array.from(codes, (q) => q + 8),
    scales,
    n,
    k,
    groupSize,
  );
}
