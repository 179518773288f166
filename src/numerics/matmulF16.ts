// IEEE binary16 (f16: 1-5-10, bias 15) for the matmul lab's f16 variants, done with integer bit
// manipulation because WGSL does not fix how f32→f16 conversion rounds: round to nearest, ties
// to even, gradual underflow, overflow to ±Inf.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const F16_UNIT_ROUNDOFF = 2 ** -11;
export const F16_MAX = 65504;

/** The f16 bit pattern nearest to x (x is first rounded to float32). */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal f16 (value = r·2^-24) or zero.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 2 ** (shift - 1);
    let r = Math.floor(mant / 2 ** shift);
    const rem = mant - r * 2 ** shift;
    if (rem > half || (rem === half && (r & 1) === 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1)) r++; // a carry may reach Inf: correct
  return sign | r;
}

export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

export function roundToF16(x: number): number {
  return f16BitsToNumber(f32ToF16Bits(x));
}

/** f16 values packed two per u32, element 0 in the low half (the layout of array<f16> in WGSL). */
export function packF16(values: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= f32ToF16Bits(values[i]) << (16 * (i & 1));
  return out;
}

export function unpackF16(packed: Uint32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = f16BitsToNumber((packed[i >> 1] >>> (16 * (i & 1))) & 0xffff);
  return out;
}
