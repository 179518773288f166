// Packed low-bit weight layouts, bit-exact pack/unpack.
//
// Kernel Lab's own int4 layout (used by the W4 kernels): weights W are N×K (row n = output
// channel, contiguous along K, as a Linear layer stores them), signed codes q ∈ [−8, 7] stored as
// the unsigned nibble q + 8, 8 per u32: element k = 8·w + j of a row sits in bits 4j…4j+3 of word
// w of that row (element 0 in the low nibble). Scales: one float32 per group of G along K.

/** Packs signed 4-bit codes (N×K row-major, K a multiple of 8) into N×K/8 words. */
export function packInt4(codes: ArrayLike<number>, n: number, k: number): Uint32Array {
  if (k % 8 !== 0) throw new Error(`K = ${k} must be a multiple of 8 to pack 8 nibbles per word`);
  const words = new Uint32Array((n * k) / 8);
  for (let i = 0; i < n * k; i++) {
    const q = codes[i];
    if (!(q >= -8 && q <= 7)) throw new Error(`code ${q} at ${i} is outside the int4 range −8…7`);
    words[i >> 3] |= ((q + 8) & 0xf) << (4 * (i & 7));
  }
  return words;
}

export function unpackInt4(words: Uint32Array, n: number, k: number): Int32Array {
  const codes = new Int32Array(n * k);
  for (let i = 0; i < n * k; i++) codes[i] = ((words[i >> 3] >>> (4 * (i & 7))) & 0xf) - 8;
  return codes;
}

/** Packs unsigned 4-bit codes 0…15 (NF4, E2M1 codes) 8 per word, element 0 in the low nibble. */
export function packNibbles(codes: ArrayLike<number>, count: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) {
    const c = codes[i];
    if (!(c >= 0 && c <= 15)) throw new Error(`code ${c} at ${i} is not a nibble`);
    words[i >> 3] |= c << (4 * (i & 7));
  }
  return words;
}

/**
 * Packs byte codes 4 per u32, element 4w+j in byte j of word w: int8 codes as two's complement
 * (W8A8), E8M0 scale codes (MXFP4).
 */
export function packBytes(codes: ArrayLike<number>, count: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(count / 4));
  for (let i = 0; i < count; i++) words[i >> 2] |= (codes[i] & 0xff) << (8 * (i & 3));
  return words;
}

export function unpackNibbles(words: Uint32Array, count: number): Int32Array {
  const codes = new Int32Array(count);
  for (let i = 0; i < count; i++) codes[i] = (words[i >> 3] >>> (4 * (i & 7))) & 0xf;
  return codes;
}
