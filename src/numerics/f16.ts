// IEEE binary16 (f16: 1-5-10, bias 15): the one f16 codec. The f16 matmul and scan variants, the
// W4A16 kernel's host data and the quantization codec (formats.ts, format 'f16') all convert
// through these two functions. Rounding is done here, in exact arithmetic, because WGSL does not
// fix how f32→f16 conversion rounds: to nearest, ties to even, with gradual underflow, on the
// exact value of the input (a float32 input is exact; a wider number is rounded once, not first
// to float32). NaN gives the quiet NaN 0x7E00.
//
// Overflow: IEEE arithmetic gives ±Infinity (f16Bits: the f16 kernels' emulations); the
// quantization codecs saturate finite values to ±65504 (f16BitsSaturated: formats.ts's rule for
// every element format). ±Infinity stays ±Infinity in both.

export const F16_UNIT_ROUNDOFF = 2 ** -11;
export const F16_MAX = 65504;

/** The f16 bit pattern nearest to x (ties to even); beyond the largest finite value, ±Infinity. */
export function f16Bits(x: number): number {
  return encodeF16(x, 0x7c00);
}

/** As f16Bits, but a finite x beyond the largest finite value gives ±65504 (0x7BFF). */
export function f16BitsSaturated(x: number): number {
  return encodeF16(x, 0x7bff);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** 2^k for k = −40…40, at index k + 40 (exact; a table is much faster than 2 ** k in the hot loop). */
const POW2 = Float64Array.from({ length: 81 }, (_, i) => 2 ** (i - 40));

function encodeF16(x: number, overflowCode: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  // a = r·2^(e − 10) with e = max(floor(log2 a), −14): r ∈ [2^10, 2^11) in a normal binade,
  // r < 2^10 below it (subnormals share the quantum 2^−24).
  let e = -14;
  if (a >= POW2[40 - 14]) {
    // floor(log2 a) from the exponent bits of a as float32, which may have rounded a up into the
    // next binade (then a < 2^e); a beyond the float32 range reads as exponent 128.
    f32[0] = a;
    e = ((u32[0] >>> 23) & 0xff) - 127;
    if (e > 15) return sign | overflowCode; // a ≥ 2^16 − 2^−8 > 65520: rounds beyond 65504
    if (a < POW2[40 + e]) e--;
  }
  const r = a * POW2[40 + 10 - e]; // exact: scaling by a power of two
  let q = Math.floor(r);
  const rest = r - q; // exact
  if (rest > 0.5 || (rest === 0.5 && (q & 1) === 1)) q++;
  // Exponent field e + 15 (0 for subnormals) and mantissa: (e + 14)·2^10 + q, where the hidden
  // bit of a normal q (2^10) adds the 1 and a carry to 2^11 moves into the next binade.
  const code = (e + 14) * 1024 + q;
  if (code >= 0x7c00) return sign | overflowCode;
  return sign | code;
}

/** The value of f16 bit pattern h. */
export function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** Rounds x to the nearest f16 value (IEEE overflow to ±Infinity). */
export function roundF16(x: number): number {
  return f16Value(f16Bits(x));
}

/** Packs values as f16, two per 32-bit word (element 2k in the low half), as WGSL array<f16> reads them. */
export function packF16(values: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= f16Bits(values[i]) << ((i & 1) * 16);
  return out;
}

/** The first `count` f16 values of packed words (the inverse of packF16). */
export function unpackF16(packed: Uint32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = f16Value((packed[i >> 1] >>> (16 * (i & 1))) & 0xffff);
  return out;
}
