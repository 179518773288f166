// WGSL building blocks that reproduce src/numerics/formats.ts bit for bit. Inputs are read as
// the raw float32 bit patterns (array<u32>) and every rounding is done in integer arithmetic, so
// the result cannot depend on how a GPU rounds f32→f16, divides, or flushes subnormals.
import {
  ELEMENT_FORMATS,
  NF4_THRESHOLDS_F32,
  NF4_VALUES_FIXED,
  SCALE_ELEMENT_FORMATS,
  TABLE_FIXED_BITS,
  type ElementFormat,
  type ElementFormatInfo,
  type ScaleElementFormat,
} from '../../numerics/formats';

function infoOf(format: ElementFormat | ScaleElementFormat): ElementFormatInfo {
  return format === 'ue4m3' || format === 'ue5m3' ? SCALE_ELEMENT_FORMATS[format] : ELEMENT_FORMATS[format];
}

const bitsOf = new Uint32Array(1);
const floatOf = new Float32Array(bitsOf.buffer);

/** An exact float32 literal: bitcast from its bit pattern (no decimal parsing involved). */
export function f32Literal(x: number): string {
  floatOf[0] = x;
  return `bitcast<f32>(0x${bitsOf[0].toString(16)}u)`;
}

/** Chris Wellons' lowbias32 integer hash, as formats.ts hash32 (the seeded stochastic rounding and random signs). */
export const HASH32_WGSL = /* wgsl */ `
// Chris Wellons' lowbias32 integer hash (formats.ts hash32).
fn hash32(v : u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}
`;

/** Integer rounding helpers, a correctly rounded float32 division, and hash32. */
export const ROUNDING_WGSL = /* wgsl */ `
// m / 2^s rounded to nearest, ties to even; 'sticky' says bits below m were non-zero.
fn rne_shift(m : u32, s : u32, sticky : bool) -> u32 {
  if (s == 0u) {
    return m;
  }
  if (s >= 32u) {
    return 0u; // every caller has m < 2^26, so m / 2^s < 1/2
  }
  let q = m >> s;
  let rem = m & ((1u << s) - 1u);
  let half = 1u << (s - 1u);
  if (rem > half || (rem == half && (sticky || (q & 1u) == 1u))) {
    return q + 1u;
  }
  return q;
}

// m / 2^s to nearest; a tie goes to the q that makes base + q even ('base_odd': base is odd). For
// formats without mantissa bits (E3M0) the code is base + q, so this is "ties to the even code".
fn rne_shift_parity(m : u32, s : u32, base_odd : bool) -> u32 {
  if (s == 0u) {
    return m;
  }
  if (s >= 32u) {
    return 0u;
  }
  let q = m >> s;
  let rem = m & ((1u << s) - 1u);
  let half = 1u << (s - 1u);
  if (rem > half || (rem == half && (((q & 1u) == 1u) != base_odd))) {
    return q + 1u;
  }
  return q;
}

struct Unpacked {
  m : u32, // 24-bit significand with the hidden bit, in [2^23, 2^24)
  e : i32, // value = m · 2^e
}

// A finite non-zero float32 magnitude as m·2^e, subnormals normalised.
fn unpack_normalised(bits : u32) -> Unpacked {
  let field = (bits >> 23u) & 0xffu;
  var m = bits & 0x7fffffu;
  var e = -149;
  if (field != 0u) {
    m = m | 0x800000u;
    e = i32(field) - 150;
  } else {
    let s = countLeadingZeros(m) - 8u;
    m = m << s;
    e = e - i32(s);
  }
  return Unpacked(m, e);
}

// a / b correctly rounded to float32 (ties to even), as bit patterns; a and b finite, b ≠ 0.
// Long division of the significands: 26 quotient bits plus a sticky bit. (WGSL's own '/' may be
// off by 2.5 ulp, so the codec cannot use it.)
fn div_rne(a_bits : u32, b_bits : u32) -> u32 {
  let sign = (a_bits ^ b_bits) & 0x80000000u;
  if ((a_bits & 0x7fffffffu) == 0u) {
    return sign;
  }
  let a = unpack_normalised(a_bits & 0x7fffffffu);
  let b = unpack_normalised(b_bits & 0x7fffffffu);
  var r = a.m;
  var e = a.e - b.e;
  if (r < b.m) {
    r = r << 1u;
    e = e - 1;
  }
  // Now the quotient is (r / b.m)·2^e with r / b.m in [1, 2).
  var q = 0u;
  for (var i = 0u; i < 26u; i++) {
    q = q << 1u;
    if (r >= b.m) {
      q = q | 1u;
      r = r - b.m;
    }
    r = r << 1u;
  }
  // q = floor(quotient significand · 2^25); the float32 exponent of the result is e.
  let sticky = r != 0u;
  if (e > 127) {
    return sign | 0x7f800000u;
  }
  if (e >= -126) {
    // Normal: (exponent field − 1) << 23 plus the 24-bit significand (its carry bumps the field).
    return sign | ((u32(e + 126) << 23u) + rne_shift(q, 2u, sticky));
  }
  return sign | rne_shift(q, u32(-124 - e), sticky); // subnormal result, in units of 2^-149
}

${HASH32_WGSL}
// floor(m / 2^s), plus one when the discarded fraction rem / 2^s exceeds h / 2^24 (stochastic
// rounding with the 24 random bits h), decided exactly in integers.
fn sr_shift(m : u32, s : u32, h : u32) -> u32 {
  if (s == 0u) {
    return m;
  }
  var q = 0u;
  var rem = m;
  if (s < 32u) {
    q = m >> s;
    rem = m & ((1u << s) - 1u);
  }
  var up = false;
  if (s <= 24u) {
    up = (rem << (24u - s)) > h; // rem·2^24 > h·2^s
  } else {
    let k = s - 24u;
    var hi = 0u;
    var low_nonzero = rem != 0u;
    if (k < 32u) {
      hi = rem >> k;
      low_nonzero = (rem & ((1u << k) - 1u)) != 0u;
    }
    up = hi > h || (hi == h && low_nonzero);
  }
  return q + select(0u, 1u, up);
}

fn is_finite_bits(bits : u32) -> bool {
  return (bits & 0x7f800000u) != 0x7f800000u;
}
`;

/**
 * encode_<format>(x_bits, scale_exp): the code of x·2^-scale_exp in the element format, exactly as
 * encodeElementScaled() in formats.ts (nearest-even, gradual underflow, saturation, NaN/Inf rules).
 */
export function encodeElementWgsl(format: ElementFormat | ScaleElementFormat, stochastic = false): string {
  const f = infoOf(format);
  const nearest =
    f.mantissaBits === 0
      ? `rne_shift_parity(m, u32(shift), (u32(e - ${1 - f.bias}) & 1u) == 1u); // no mantissa: ties to the even exponent field`
      : 'rne_shift(m, u32(shift), false);';
  const emin = 1 - f.bias;
  const signShift = f.bits - 1;
  const nanCode = f.nanCode ?? 0;
  const infOrMax = f.infCode ?? f.maxCode;
  return /* wgsl */ `
// ${f.label}: ${f.exponentBits} exponent bits, ${f.mantissaBits} mantissa bits, bias ${f.bias}.
fn encode_${format}(x_bits : u32, scale_exp : i32${stochastic ? ', h : u32' : ''}) -> u32 {
  let sign = (x_bits >> 31u) << ${signShift}u;
  let mag = x_bits & 0x7fffffffu;
  if (mag > 0x7f800000u) {
    return 0x${nanCode.toString(16)}u; // NaN${f.nanCode === null ? ': this format has none, so +0' : ''}
  }
  if (mag == 0x7f800000u) {
    return sign | 0x${infOrMax.toString(16)}u; // ${f.infCode === null ? '±Inf saturates to ±max' : '±Inf'}
  }
  if (mag == 0u) {
    return sign;
  }
  let field = i32(mag >> 23u);
  var m = mag & 0x7fffffu;
  var ex = -149; // |x| = m · 2^ex
  if (field != 0) {
    m = m | 0x800000u;
    ex = field - 150;
  }
  ex = ex - scale_exp;
  let p = ex + 31 - i32(countLeadingZeros(m)); // floor(log2 |x·2^-scale_exp|)
  let e = max(p, ${emin});                      // subnormals share the smallest exponent
  let shift = (e - ${f.mantissaBits}) - ex;      // quantum 2^(e − M) relative to 2^ex
  var r : u32;
  if (shift <= 0) {
    r = m << u32(-shift);
  } else {
    r = ${stochastic ? 'sr_shift(m, u32(shift), h); // stochastic: round up with probability = fraction' : nearest}
  }
  // ((e − emin) << M) + r: the hidden bit of r carries into the exponent field; subnormals have
  // e = emin and r < 2^M. Finite overflow saturates to the largest finite code.
  let code = (u32(e - ${emin}) << ${f.mantissaBits}u) + r;
  return sign | min(code, 0x${f.maxCode.toString(16)}u);
}
`;
}

/** nf4_code(normalised): #{thresholds t : v > t}, thresholds as exact float32 literals. */
export function nf4CodeWgsl(): string {
  const terms = [...NF4_THRESHOLDS_F32].map((t) => `  code += select(0u, 1u, v > ${f32Literal(t)});`).join('\n');
  return /* wgsl */ `
// NF4: how many decision thresholds (midpoints of the 16 NormalFloat values) lie below v.
fn nf4_code(v : f32) -> u32 {
  var code = 0u;
${terms}
  return code;
}
`;
}

/**
 * decode_<format>(code): the code's value as f32, built exactly: normal values from their bits,
 * subnormals as f32(mantissa)·2^(emin − M) (an exact product), bf16 by a 16-bit shift.
 * Matches decodeElement() in formats.ts, NaN and ±Inf included.
 */
export function decodeElementWgsl(format: ElementFormat | ScaleElementFormat): string {
  const f = infoOf(format);
  const M = f.mantissaBits;
  const signShift = f.bits - 1;
  const magMask = (1 << signShift) - 1;
  if (format === 'bf16') {
    return /* wgsl */ `
// bfloat16 is the top half of a float32.
fn decode_bf16(code : u32) -> f32 {
  return bitcast<f32>(code << 16u);
}
`;
  }
  const specials = f.ieeeSpecials
    ? `  if (mag >= 0x${f.infCode!.toString(16)}u) {
    if (mag == 0x${f.infCode!.toString(16)}u) {
      return bitcast<f32>(sign | 0x7f800000u); // ±Inf
    }
    return bitcast<f32>(0x7fc00000u | sign); // NaN
  }
`
    : f.nanCode !== null
      ? `  if (mag == 0x${f.nanCode.toString(16)}u) {
    return bitcast<f32>(0x7fc00000u | sign); // NaN
  }
`
      : '';
  return /* wgsl */ `
// ${f.label}: value from the code, exactly.
fn decode_${format}(code : u32) -> f32 {
  let sign = ((code >> ${signShift}u) & 1u) << 31u;
  let mag = code & 0x${magMask.toString(16)}u;
${specials}  let field = mag >> ${M}u;
  let mant = mag & 0x${((1 << M) - 1).toString(16)}u;
  if (field == 0u) {
    // subnormal (or zero): mant · 2^(${1 - f.bias} − ${M}), exact in f32
    return bitcast<f32>(sign | bitcast<u32>(f32(mant) * ${f32Literal(2 ** (1 - f.bias - M))}));
  }
  // normal: rebias the exponent, left-align the mantissa in 23 bits
  return bitcast<f32>(sign | ((field + ${127 - f.bias}u) << 23u) | (mant << ${23 - M}u));
}
`;
}

/**
 * sr_table_code(v, h): stochastic rounding of a normalised value onto a sorted 16-entry table,
 * exactly as stochasticTableCode() in formats.ts: fixed point v·2^29 (round half to even), clamp to
 * the end entries, bracket lo ≤ v < hi, then a 24-step long division decides v − lo > u·(hi − lo)
 * with u = h / 2^24. 'nf4' bakes the NF4 entries in as fixed-point literals; 'table' reads the
 * learned codebook's float32 entries from table[15..30] (binding 2, declared by the codes pass).
 */
export function stochasticTableCodeWgsl(source: 'nf4' | 'table'): string {
  const entry =
    source === 'nf4'
      ? `var<private> NF4_FIXED : array<i32, 16> = array<i32, 16>(${[...NF4_VALUES_FIXED].join(', ')}); // NF4 values · 2^${TABLE_FIXED_BITS}

fn entry_fixed(c : u32) -> i32 {
  return NF4_FIXED[c];
}`
      : `fn entry_fixed(c : u32) -> i32 {
  return table_fixed(table[15u + c]);
}`;
  return /* wgsl */ `
// round_half_even(v · 2^${TABLE_FIXED_BITS}) for v in [−1, 1]: the product is exact, WGSL round() ties to even.
fn table_fixed(v : f32) -> i32 {
  return i32(round(v * ${2 ** TABLE_FIXED_BITS}.0));
}

${entry}

// Stochastic rounding onto the table: the upper of the two bracketing entries with probability
// (v − lo) / (hi − lo); at or beyond the ends, the end entry. h holds 24 random bits.
fn sr_table_code(v : f32, h : u32) -> u32 {
  let fx = table_fixed(v);
  if (fx <= entry_fixed(0u)) {
    return 0u;
  }
  if (fx >= entry_fixed(15u)) {
    return 15u;
  }
  var k = 0u; // the last entry ≤ v
  for (var c = 1u; c < 15u; c++) {
    if (entry_fixed(c) <= fx) {
      k = c;
    }
  }
  let width = u32(entry_fixed(k + 1u) - entry_fixed(k)); // ≤ 2^30
  var rem = u32(fx - entry_fixed(k));                    // < width
  var q = 0u;
  for (var step = 0u; step < 24u; step++) {
    rem = rem << 1u; // < 2^31
    q = q << 1u;
    if (rem >= width) {
      q = q | 1u;
      rem = rem - width;
    }
  }
  // q = floor((v − lo)·2^24 / width), rem its remainder: round up iff (v − lo)·2^24 > h·width.
  return select(k, k + 1u, q > h || (q == h && rem > 0u));
}
`;
}
