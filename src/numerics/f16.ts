// IEEE binary16 (f16: 1-5-10, bias 15) from and to numbers, round to nearest, ties to even, with
// gradual underflow; overflow gives ±Infinity (IEEE). Used by the f16 scan variant, whose inputs
// are stored as f16 and whose reference works on those exact f16 values.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f16 bit pattern nearest to x (x is first rounded to float32, as a GPU would hold it). */
export function f16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // Subnormal or zero: value = mant' · 2^−24.
    if (e < -10) return sign; // below half the smallest subnormal
    const full = mant | 0x800000; // 24-bit significand
    const shift = 14 - e; // bits dropped
    let half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let out = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++; // may carry into the exponent: still right
  return sign | out;
}

export function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds x to the nearest f16 value. */
export function roundF16(x: number): number {
  return f16Value(f16Bits(x));
}

/** Packs values as f16, two per 32-bit word (element 2k in the low half), as WGSL array<f16> reads them. */
export function packF16(values: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= f16Bits(values[i]) << ((i & 1) * 16);
  return out;
}
