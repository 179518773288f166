// Number formats for the quantization lab: exact element codecs (f16, bf16, FP8, FP6, and the FP4
// formats E2M1, E1M2, E3M0), integer quantization, OCP microscaling (MX) block formats, block-scaled
// elements with a choice of scale format ('scaled': E8M0 by the OCP or the NVIDIA rule, UE4M3,
// UE5M3 or float32 scales, any block size), block floating point, NF4 and a learned 4-bit codebook. This file is the single source of truth for the CPU reference; the GPU
// kernels in src/kernels/quant must produce bit-identical codes.
//
// Public API (stable): encodeElement, decodeElement, quantize. Everything else is exported for the
// kernels, the views and the tests.
//
// Conventions (see REFERENCE.md "Number formats"):
// - Element conversion rounds the exact value of the input (a JS number; float32 inputs are exact)
//   to nearest, ties to even, with gradual underflow. Finite values beyond the largest finite
//   value saturate to ±max (overflow is judged after rounding, on the unbounded grid, so every
//   value above max lands on max). NaN → the format's NaN code where it has one, else +0 (code 0).
//   ±Inf → ±Inf where the format has infinities, else ±max.
// - "Ties to even" means the even code (the least significant bit of the code is 0), as ml_dtypes
//   rounds bit patterns. With one or more mantissa bits that is the even significand; E3M0 has no
//   mantissa bits, so a tie between 2^e and 2^(e+1) goes to the one whose exponent field is even.
// - FP4 variants (Elucidating the Design Space of FP4 Training, arXiv 2509.17791, compares them):
//   E2M1 (bias 1: 0, 0.5, 1, 1.5, 2, 3, 4, 6), E1M2 (bias 0: 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5 — a
//   uniform grid), E3M0 (bias 3, no mantissa: 0, 0.25, 0.5, 1, 2, 4, 8, 16 — powers of two only).
//   None has Inf or NaN. Biases follow the usual 2^(E−1) − 1.
// - 'scaled' (block-scaled elements): blocks of `blockSize` along each row, amax = the largest
//   finite magnitude of the block. Scale choices:
//     'e8m0'      OCP MX rule: 2^X with X = floor(log2 amax) − emax_elem, clamped to [−127, 127];
//                 elements encoded from x·2^−X exactly (as the MX formats here).
//     'e8m0-ceil' NVIDIA's rule (Transformer Engine): X = ceil(log2 q), q = fl32(amax / max_elem),
//                 clamped to [−127, 127]; no element overflows the grid (up to q's rounding).
//     'ue4m3'     NVFP4's scale: q rounded to E4M3 (nearest even, saturating at 448, sign bit 0).
//     'ue5m3'     the paper's suggestion: q rounded to UE5M3 (unsigned, 5 exponent bits, bias 15,
//                 3 mantissa bits; no Inf, 0xFF is NaN, max 0xFE = 114688, min subnormal 2^−17).
//     'f32'       q itself (a float32 per block; per-token FP8 activations use this, block = row).
//   With a UE4M3 / UE5M3 / float32 scale s, an element is encoded from fl32(x / s) (a correctly
//   rounded float32 quotient, then the element rounding: two roundings, as a float32 kernel does),
//   and decodes to fl32(element · s) (exact for 4-bit significands). A scale that rounds to 0 (or
//   an all-zero block) gives every element the code of ±0. A block holding NaN or ±Inf gets the
//   scale's NaN (E8M0 0xFF, UE4M3 0x7F, UE5M3 0xFF, float32 NaN) and element codes 0. NVFP4 proper
//   adds a per-tensor float32 scale in front of the UE4M3 one; here the block scale stands alone.
// - Integer quantization divides in float32 (x/scale rounded once to float32, as PyTorch computes
//   torch.round(x / scale) in float32) and then rounds that quotient half to even.

import { f16BitsSaturated, f16Value } from './f16';
import { Rng } from './prng';

// ---- element formats ---------------------------------------------------------------------------

export type ElementFormat = 'f16' | 'bf16' | 'e4m3' | 'e5m2' | 'e3m2' | 'e2m3' | 'e2m1' | 'e1m2' | 'e3m0';

export interface ElementFormatInfo {
  name: ElementFormat | ScaleElementFormat;
  label: string;
  /** Exponent and mantissa (fraction) bits; one sign bit besides. */
  exponentBits: number;
  mantissaBits: number;
  bias: number;
  bits: number;
  /** IEEE-like: the all-ones exponent holds Inf (mantissa 0) and NaN (otherwise). */
  ieeeSpecials: boolean;
  /** The largest finite magnitude's code (sign bit clear). */
  maxCode: number;
  /** Magnitude code of NaN (sign bit clear), or null when the format has no NaN. */
  nanCode: number | null;
  /** Magnitude code of Inf, or null when the format has no infinities. */
  infCode: number | null;
  /** floor(log2(max finite)): the emax_elem of the OCP MX spec. */
  emax: number;
}

function info(
  name: ElementFormat | ScaleElementFormat,
  label: string,
  exponentBits: number,
  mantissaBits: number,
  bias: number,
  kind: 'ieee' | 'fn' | 'none',
): ElementFormatInfo {
  const bits = 1 + exponentBits + mantissaBits;
  const allOnesExp = (1 << exponentBits) - 1;
  let maxCode: number;
  let nanCode: number | null = null;
  let infCode: number | null = null;
  if (kind === 'ieee') {
    maxCode = ((allOnesExp - 1) << mantissaBits) | ((1 << mantissaBits) - 1);
    infCode = allOnesExp << mantissaBits;
    // The quiet NaN with the top mantissa bit set (f16 0x7E00, bf16 0x7FC0, E5M2 0x7E).
    nanCode = (allOnesExp << mantissaBits) | (1 << (mantissaBits - 1)); // (every IEEE-like format here has M ≥ 2)
  } else if (kind === 'fn') {
    // OCP E4M3 "FN": S.1111.111 is NaN, S.1111.110 is the largest finite value.
    nanCode = (1 << (bits - 1)) - 1;
    maxCode = nanCode - 1;
  } else {
    maxCode = (1 << (bits - 1)) - 1;
  }
  const fi: ElementFormatInfo = { name, label, exponentBits, mantissaBits, bias, bits, ieeeSpecials: kind === 'ieee', maxCode, nanCode, infCode, emax: 0 };
  // emax_elem: floor(log2(max)); no max finite value lies near a power of two, so log2 is safe here.
  fi.emax = Math.floor(Math.log2(decodeWith(fi, maxCode)));
  return fi;
}

export const ELEMENT_FORMATS: Record<ElementFormat, ElementFormatInfo> = {
  f16: info('f16', 'float16 (1-5-10)', 5, 10, 15, 'ieee'),
  bf16: info('bf16', 'bfloat16 (1-8-7)', 8, 7, 127, 'ieee'),
  e4m3: info('e4m3', 'FP8 E4M3 (OCP FN)', 4, 3, 7, 'fn'),
  e5m2: info('e5m2', 'FP8 E5M2', 5, 2, 15, 'ieee'),
  e3m2: info('e3m2', 'FP6 E3M2', 3, 2, 3, 'none'),
  e2m3: info('e2m3', 'FP6 E2M3', 2, 3, 1, 'none'),
  e2m1: info('e2m1', 'FP4 E2M1', 2, 1, 1, 'none'),
  e1m2: info('e1m2', 'FP4 E1M2', 1, 2, 0, 'none'),
  e3m0: info('e3m0', 'FP4 E3M0', 3, 0, 3, 'none'),
};

/** Unsigned 8-bit scale formats: only non-negative values are ever encoded. */
export type ScaleElementFormat = 'ue4m3' | 'ue5m3';

/**
 * The scale formats as element formats whose sign bit is never set: UE4M3 is E4M3 (OCP FN) on
 * non-negative values; UE5M3 is described as a 9-bit "FN" format (1-5-3, bias 15) whose
 * non-negative codes are its 8 stored bits (0xFF NaN, 0xFE the largest finite value).
 */
export const SCALE_ELEMENT_FORMATS: Record<ScaleElementFormat, ElementFormatInfo> = {
  ue4m3: { ...info('e4m3', 'UE4M3', 4, 3, 7, 'fn'), name: 'ue4m3' },
  ue5m3: info('ue5m3', 'UE5M3', 5, 3, 15, 'fn'),
};

export const ELEMENT_FORMAT_NAMES = Object.keys(ELEMENT_FORMATS) as ElementFormat[];

export function isElementFormat(name: string): name is ElementFormat {
  return name in ELEMENT_FORMATS;
}

function decodeWith(f: ElementFormatInfo, code: number): number {
  const M = f.mantissaBits;
  const signBit = 1 << (f.bits - 1);
  const sign = code & signBit ? -1 : 1;
  const mag = code & (signBit - 1);
  if (f.ieeeSpecials) {
    // All-ones exponent: Inf when the mantissa is 0, NaN otherwise.
    if (mag === f.infCode) return sign * Infinity;
    if (mag > (f.infCode as number)) return NaN;
  } else if (mag === f.nanCode) return NaN;
  const field = mag >> M;
  const mant = mag & ((1 << M) - 1);
  const emin = 1 - f.bias;
  if (field === 0) return sign * mant * 2 ** (emin - M);
  return sign * ((1 << M) + mant) * 2 ** (field - f.bias - M);
}

const f64View = new DataView(new ArrayBuffer(8));

/** floor(log2(a)) for a finite a > 0, exactly (from the exponent bits, never Math.log2). */
export function floorLog2(a: number): number {
  f64View.setFloat64(0, a);
  const hi = f64View.getUint32(0);
  const field = (hi >>> 20) & 0x7ff;
  if (field !== 0) return field - 1023;
  // float64 subnormal: normalise by scaling up (exact).
  return floorLog2(a * 2 ** 64) - 64;
}

/** Rounds a non-negative number to an integer: ties to even, or stochastically with `u` ∈ [0,1). */
export function roundToInteger(r: number, u?: number): number {
  const fl = Math.floor(r);
  const d = r - fl; // exact: r and fl share the binade or fl is 0
  if (u !== undefined) return d > u ? fl + 1 : fl;
  if (d > 0.5 || (d === 0.5 && fl % 2 !== 0)) return fl + 1;
  return fl;
}

/**
 * Encodes x·2^-scaleExp (exactly) into `format`. `u`, when given, is a uniform [0,1) number that
 * turns the rounding stochastic (round up with probability equal to the discarded fraction).
 */
export function encodeElementScaled(format: ElementFormat, x: number, scaleExp = 0, u?: number): number {
  // f16 to nearest goes through the one f16 codec (f16.ts), saturating like every format here.
  if (format === 'f16' && scaleExp === 0 && u === undefined) return f16BitsSaturated(x);
  return encodeWith(ELEMENT_FORMATS[format], x, scaleExp, u);
}

/** encodeElementScaled for any format description (the element formats and the scale formats). */
export function encodeWith(f: ElementFormatInfo, x: number, scaleExp = 0, u?: number): number {
  const signBit = 2 ** (f.bits - 1);
  if (Number.isNaN(x)) return f.nanCode ?? 0;
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? signBit : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign + (f.infCode ?? f.maxCode);
  if (a === 0) return sign;
  const M = f.mantissaBits;
  const emin = 1 - f.bias;
  const p = floorLog2(a) - scaleExp;
  const e = Math.max(p, emin);
  // Value / quantum, exact in float64 (scaling by a power of two).
  const r = a * 2 ** (M - e - scaleExp);
  // Normal codes: ((e − emin) << M) + r with r ∈ [2^M, 2^(M+1)] (the hidden bit carries into the
  // exponent field); subnormals have e = emin and r < 2^M.
  const base = (e - emin) * 2 ** M;
  let code: number;
  if (u !== undefined) code = base + roundToInteger(r, u);
  else {
    // Nearest; a tie goes to the even code (base is even unless M = 0).
    const fl = Math.floor(r);
    const d = r - fl;
    code = base + fl + (d > 0.5 || (d === 0.5 && (base + fl) % 2 !== 0) ? 1 : 0);
  }
  if (code > f.maxCode) code = f.maxCode;
  return sign + code;
}

/** The code (an unsigned integer) of x in `format`: round to nearest even, saturating. */
export function encodeElement(format: ElementFormat, x: number): number {
  return encodeElementScaled(format, x, 0);
}

/** The value of `code` in `format`. */
export function decodeElement(format: ElementFormat, code: number): number {
  return format === 'f16' ? f16Value(code) : decodeWith(ELEMENT_FORMATS[format], code);
}

/** The value of a scale format's code (UE4M3, UE5M3). */
export function decodeScaleElement(format: ScaleElementFormat, code: number): number {
  return decodeWith(SCALE_ELEMENT_FORMATS[format], code);
}

/** Every finite non-negative value of a ≤ 8-bit element format, ascending (for grids/histograms). */
export function elementGrid(format: ElementFormat): number[] {
  const f = ELEMENT_FORMATS[format];
  const values: number[] = [];
  for (let c = 0; c <= f.maxCode; c++) {
    const v = decodeWith(f, c);
    if (Number.isFinite(v)) values.push(v);
  }
  return values;
}

// ---- NF4 -----------------------------------------------------------------------------------------

/** The 16 NormalFloat-4 values (bitsandbytes functional.py), code 0…15. */
export const NF4_VALUES = [
  -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0, 0.07958029955625534,
  0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
];
/** NF4 values as float32 (what dequantization multiplies by). */
export const NF4_VALUES_F32 = Float32Array.from(NF4_VALUES);
/**
 * Decision thresholds between consecutive NF4 values, as float32: midpoints of the float32 values
 * computed in float64 and rounded once to float32. A normalised value v gets the code
 * #{thresholds t : v > t} (a value exactly on a threshold goes to the lower code).
 */
export const NF4_THRESHOLDS_F32 = Float32Array.from(NF4_VALUES.slice(1).map((_, i) => (NF4_VALUES_F32[i] + NF4_VALUES_F32[i + 1]) / 2));

export function nf4Code(normalised: number): number {
  let code = 0;
  for (let i = 0; i < 15; i++) if (normalised > NF4_THRESHOLDS_F32[i]) code++;
  return code;
}

// ---- stochastic rounding onto a sorted 16-entry table (NF4, learned codebook) ---------------------

/** Fixed-point resolution of the table rounding: normalised values in [−1, 1] become integers × 2^-29. */
export const TABLE_FIXED_BITS = 29;

/**
 * round_half_even(v · 2^29) for a float32 v in [−1, 1] (|result| ≤ 2^29). The product is exact (a
 * power-of-two scaling) in float64 and in float32 alike, so the GPU's `round(v * 2^29)` agrees.
 */
export function tableFixed(v: number): number {
  const y = v * 2 ** TABLE_FIXED_BITS;
  const fl = Math.floor(y);
  const d = y - fl;
  return d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
}

/**
 * Stochastic rounding of a normalised value onto a sorted table of 16 entries given as fixed-point
 * integers (tableFixed). With lo ≤ v < hi the two entries that bracket v, the upper code is taken
 * with probability (v − lo) / (hi − lo), so the expected decoded value is v (unbiased) up to the
 * 2^-29 fixed-point step and the 2^-24 resolution of the random number. `h` holds 24 random bits
 * (u = h / 2^24). Values at or below the first entry give code 0, at or above the last give 15.
 * The decision v − lo > u·(hi − lo) is made exactly in integers: a 24-step long division
 * q = floor((v − lo)·2^24 / (hi − lo)) with remainder r, and "up" iff q > h or (q = h and r > 0);
 * every intermediate stays below 2^31, so WGSL's u32 does the same (wgslCodec.ts).
 */
export function stochasticTableCode(tableFx: ArrayLike<number>, normalised: number, h: number): number {
  const v = tableFixed(normalised);
  if (v <= tableFx[0]) return 0;
  if (v >= tableFx[15]) return 15;
  let k = 0; // the last entry ≤ v (duplicates in the table are skipped over)
  for (let c = 1; c < 15; c++) if (tableFx[c] <= v) k = c;
  const width = tableFx[k + 1] - tableFx[k]; // > 0: tableFx[k + 1] > v ≥ tableFx[k]
  let rem = v - tableFx[k]; // < width
  let q = 0;
  for (let step = 0; step < 24; step++) {
    rem *= 2;
    q *= 2;
    if (rem >= width) {
      q += 1;
      rem -= width;
    }
  }
  return q > h || (q === h && rem > 0) ? k + 1 : k;
}

/** The NF4 values as fixed-point integers (tableFixed). */
export const NF4_VALUES_FIXED = Int32Array.from(NF4_VALUES_F32, tableFixed);

// ---- quantize() ----------------------------------------------------------------------------------

export type QuantFormat =
  | 'int'
  | 'mxfp8-e4m3'
  | 'mxfp8-e5m2'
  | 'mxfp6-e3m2'
  | 'mxfp6-e2m3'
  | 'mxfp4'
  | 'mxint8'
  | 'bfp'
  | 'nf4'
  | 'codebook4'
  | 'scaled'
  | ElementFormat;

export const QUANT_FORMATS: QuantFormat[] = [
  'int',
  'mxfp8-e4m3',
  'mxfp8-e5m2',
  'mxfp6-e3m2',
  'mxfp6-e2m3',
  'mxfp4',
  'mxint8',
  'bfp',
  'nf4',
  'codebook4',
  'scaled',
  ...ELEMENT_FORMAT_NAMES,
];

/** How the block scale of a 'scaled' format is chosen and stored (see the header). */
export type ScaleFormat = 'e8m0' | 'e8m0-ceil' | 'ue4m3' | 'ue5m3' | 'f32';

export const SCALE_FORMATS: { value: ScaleFormat; label: string; bits: number }[] = [
  { value: 'e8m0', label: 'E8M0, OCP rule (floor)', bits: 8 },
  { value: 'e8m0-ceil', label: 'E8M0, NVIDIA rule (ceil)', bits: 8 },
  { value: 'ue4m3', label: 'UE4M3 (NVFP4)', bits: 8 },
  { value: 'ue5m3', label: 'UE5M3', bits: 8 },
  { value: 'f32', label: 'float32', bits: 32 },
];

export interface QuantScheme {
  format: QuantFormat;
  /** Integer bits (2…8) for 'int'; mantissa bits (magnitude, besides the sign) for 'bfp'. */
  bits?: number;
  /** 'int' only; default true. */
  symmetric?: boolean;
  /** 'int' only; default 'tensor'. */
  granularity?: 'tensor' | 'channel' | 'group';
  /** 'int' per-group size along the rows (K), default 32; 'codebook4' normalisation group, default 128. */
  groupSize?: number;
  /** 'bfp' block size (default 32), 'nf4' (default 64), 'scaled' (default 32). MX blocks are always 32. */
  blockSize?: number;
  /** 'scaled' only: the element format (default E2M1) and how the block scale is stored (default E8M0, OCP rule). */
  element?: ElementFormat;
  scale?: ScaleFormat;
  /**
   * 'stochastic': element i rounds up with probability equal to the discarded fraction, using the
   * counter-based uniform stochasticUnit(hash32(seed), i); NF4 and codebook4 pick between the two
   * table entries that bracket the normalised value (stochasticTableCode).
   */
  rounding?: 'nearest-even' | 'stochastic';
  /** Stochastic rounding seed (default 1); 'codebook4' also seeds its k-means start with it. */
  seed?: number;
  /** [rows, cols] row-major; default [1, length] (one vector). Groups and blocks run along rows. */
  shape?: [number, number];
  /** 'int' per-channel axis: 'row' (one scale per row, default) or 'col'. */
  channelAxis?: 'row' | 'col';
  /** 'codebook4' Lloyd iterations (default 25). */
  iterations?: number;
}

export interface QuantResult {
  dequantized: Float32Array;
  /** Storage cost including scales, zero points and tables, per element. */
  bitsPerValue: number;
  /** One code per element (element formats: the element code; int: the integer code, asymmetric ≥ 0). */
  codes: Int32Array;
  /** One scale per group / block / channel (float32; MX: the decoded E8M0 scale). */
  scales?: Float32Array;
  /** MX E8M0 codes (0…254; 255 = NaN), BFP shared exponents, or a 'scaled' format's 8-bit scale codes. */
  scaleCodes?: Int32Array;
  zeroPoints?: Int32Array;
  /** Elements per scale (group or block size), or the row length per channel. */
  groupSize?: number;
  /** NF4 values or the learned codebook, in code order. */
  codebook?: Float32Array;
  /** Representable values of the normalised grid (before scaling), for the histogram overlay. */
  grid?: number[];
  /** Elements that were NaN or ±Inf on input. */
  nonFinite: number;
}

const fr = Math.fround;

export const MX_BLOCK = 32;

const MX_ELEMENT: Record<string, ElementFormat> = {
  'mxfp8-e4m3': 'e4m3',
  'mxfp8-e5m2': 'e5m2',
  'mxfp6-e3m2': 'e3m2',
  'mxfp6-e2m3': 'e2m3',
  mxfp4: 'e2m1',
};

export function mxElementFormat(format: string): ElementFormat | undefined {
  return MX_ELEMENT[format];
}

/** Max |x| over the finite elements, and whether any was not finite. */
function absMax(data: Float32Array, start: number, end: number, stride = 1): { amax: number; nonFinite: boolean } {
  let amax = 0;
  let nonFinite = false;
  for (let i = start; i < end; i += stride) {
    const v = data[i];
    if (!Number.isFinite(v)) nonFinite = true;
    else if (Math.abs(v) > amax) amax = Math.abs(v);
  }
  return { amax, nonFinite };
}

/**
 * OCP MX shared exponent for a block: floor(log2(amax)) − emax_elem, clamped to [−127, 127]
 * (an all-zero block gets −127). Returns the E8M0 code (exponent + 127); 255 (NaN) when the block
 * holds NaN or ±Inf.
 */
export function mxScaleCode(amax: number, emaxElem: number, nonFinite = false): number {
  if (nonFinite) return 255;
  const e = amax === 0 ? -127 : Math.min(127, Math.max(-127, floorLog2(amax) - emaxElem));
  return e + 127;
}

export function decodeE8M0(code: number): number {
  return code === 255 ? NaN : 2 ** (code - 127);
}

function shapeOf(data: Float32Array, scheme: QuantScheme): [number, number] {
  const [rows, cols] = scheme.shape ?? [1, data.length];
  if (rows * cols !== data.length) throw new Error(`shape ${rows}×${cols} does not match ${data.length} values`);
  return [rows, cols];
}

/** Splits each row into consecutive blocks of `size` (the last one of a row may be shorter). */
function blocks(rows: number, cols: number, size: number): [start: number, end: number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c += size) out.push([r * cols + c, r * cols + Math.min(cols, c + size)]);
  return out;
}

export function quantize(data: Float32Array, scheme: QuantScheme): QuantResult {
  const stochastic = scheme.rounding === 'stochastic';
  const seedHash = hash32((scheme.seed ?? 1) >>> 0);
  const uniform: Uniform = stochastic ? (i) => stochasticUnit(seedHash, i) : () => undefined;
  const bits: RandomBits | undefined = stochastic ? (i) => stochasticBits(seedHash, i) : undefined;
  let nonFinite = 0;
  for (const v of data) if (!Number.isFinite(v)) nonFinite++;
  const format = scheme.format;
  if (isElementFormat(format)) return { ...quantizeElements(data, format, uniform), nonFinite };
  if (format === 'int') return { ...quantizeInt(data, scheme, uniform), nonFinite };
  if (format in MX_ELEMENT) return { ...quantizeMxFloat(data, MX_ELEMENT[format], uniform), nonFinite };
  if (format === 'mxint8') return { ...quantizeBlockInt(data, 32, 7, 0, uniform), nonFinite };
  if (format === 'bfp') {
    const m = scheme.bits ?? 7;
    if (!(m >= 1 && m <= 23)) throw new Error(`bfp mantissa bits must be 1…23, got ${m}`);
    return { ...quantizeBlockInt(data, scheme.blockSize ?? 32, m, m - 1, uniform), nonFinite };
  }
  if (format === 'nf4') return { ...quantizeNf4(data, scheme.blockSize ?? 64, bits), nonFinite };
  if (format === 'codebook4') return { ...quantizeCodebook4(data, scheme, bits), nonFinite };
  if (format === 'scaled') return { ...quantizeScaled(data, scheme, uniform), nonFinite };
  throw new Error(`unknown format ${String(format)}`);
}

/** The uniform number in [0, 1) that stochastic rounding uses for element i (undefined: nearest-even). */
type Uniform = (i: number) => number | undefined;
/** The 24 random bits of element i (stochasticBits), for the table formats. */
type RandomBits = (i: number) => number;

/** A 32-bit integer hash (Chris Wellons' "lowbias32"); the GPU computes the same. */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Counter-based uniform for stochastic rounding: 24 bits of hash32(i XOR hash32(seed)), so any
 * element's random number is known without generating the ones before it (the GPU does the same).
 */
export function stochasticUnit(seedHash: number, i: number): number {
  return stochasticBits(seedHash, i) * 2 ** -24;
}

/** The 24-bit integer behind stochasticUnit (u = bits / 2^24). */
export function stochasticBits(seedHash: number, i: number): number {
  return hash32((i ^ seedHash) >>> 0) >>> 8;
}

function quantizeElements(data: Float32Array, format: ElementFormat, uniform: Uniform) {
  const codes = new Int32Array(data.length);
  const dequantized = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    codes[i] = encodeElementScaled(format, data[i], 0, uniform(i));
    dequantized[i] = decodeElement(format, codes[i]);
  }
  const f = ELEMENT_FORMATS[format];
  return { codes, dequantized, bitsPerValue: f.bits, grid: f.bits <= 8 ? elementGrid(format) : undefined };
}

function quantizeMxFloat(data: Float32Array, elem: ElementFormat, uniform: Uniform) {
  const f = ELEMENT_FORMATS[elem];
  const n = data.length;
  const codes = new Int32Array(n);
  const dequantized = new Float32Array(n);
  const nBlocks = Math.ceil(n / MX_BLOCK);
  const scaleCodes = new Int32Array(nBlocks);
  const scales = new Float32Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    const start = b * MX_BLOCK;
    const end = Math.min(n, start + MX_BLOCK);
    const { amax, nonFinite } = absMax(data, start, end);
    const code = mxScaleCode(amax, f.emax, nonFinite);
    scaleCodes[b] = code;
    scales[b] = decodeE8M0(code);
    for (let i = start; i < end; i++) {
      if (code === 255) {
        codes[i] = 0;
        dequantized[i] = NaN;
        continue;
      }
      codes[i] = encodeElementScaled(elem, data[i], code - 127, uniform(i));
      dequantized[i] = decodeElement(elem, codes[i]) * scales[b];
    }
  }
  return { codes, dequantized, scales, scaleCodes, groupSize: MX_BLOCK, bitsPerValue: f.bits + 8 / MX_BLOCK, grid: elementGrid(elem) };
}

/** ceil(log2(a)) for a finite a > 0, exactly. */
export function ceilLog2(a: number): number {
  const e = floorLog2(a);
  return a === 2 ** e ? e : e + 1;
}

/**
 * The block scale of a 'scaled' format for a block with largest finite magnitude `amax` (and
 * whether it held NaN or ±Inf): its stored code (E8M0 code, UE4M3 / UE5M3 code, or for 'f32' the
 * float32 value itself) and its value. See the header for the rules.
 */
export function blockScale(scale: ScaleFormat, elem: ElementFormat, amax: number, nonFinite: boolean): { code: number; value: number } {
  const f = ELEMENT_FORMATS[elem];
  if (scale === 'e8m0') {
    const code = mxScaleCode(amax, f.emax, nonFinite);
    return { code, value: decodeE8M0(code) };
  }
  const maxElem = decodeElement(elem, f.maxCode);
  const q = fr(amax / maxElem);
  if (scale === 'e8m0-ceil') {
    if (nonFinite) return { code: 255, value: NaN };
    const code = q === 0 ? 0 : Math.min(127, Math.max(-127, ceilLog2(q))) + 127;
    return { code, value: decodeE8M0(code) };
  }
  if (scale === 'f32') return nonFinite ? { code: NaN, value: NaN } : { code: q, value: q };
  const sf = SCALE_ELEMENT_FORMATS[scale];
  const code = nonFinite ? sf.nanCode! : encodeWith(sf, q);
  return { code, value: decodeWith(sf, code) };
}

/** Block-scaled elements ('scaled'): blocks along rows, one scale per block (see the header). */
function quantizeScaled(data: Float32Array, scheme: QuantScheme, uniform: Uniform) {
  const elem = scheme.element ?? 'e2m1';
  const scale = scheme.scale ?? 'e8m0';
  if (elem === 'f16' || elem === 'bf16') throw new Error(`'scaled' needs an element format of at most 8 bits, got ${elem}`);
  const blockSize = scheme.blockSize ?? 32;
  if (!(blockSize >= 1)) throw new Error(`block size must be ≥ 1, got ${blockSize}`);
  const [rows, cols] = shapeOf(data, scheme);
  const spans = blocks(rows, cols, blockSize);
  const n = data.length;
  const codes = new Int32Array(n);
  const dequantized = new Float32Array(n);
  const scales = new Float32Array(spans.length);
  const scaleCodes = new Int32Array(spans.length);
  const powerOfTwo = scale === 'e8m0' || scale === 'e8m0-ceil';
  const signBit = 2 ** (ELEMENT_FORMATS[elem].bits - 1);
  spans.forEach(([start, end], b) => {
    const { amax, nonFinite } = absMax(data, start, end);
    const s = blockScale(scale, elem, amax, nonFinite);
    scales[b] = s.value;
    scaleCodes[b] = scale === 'f32' ? 0 : s.code;
    for (let i = start; i < end; i++) {
      const x = data[i];
      if (Number.isNaN(s.value)) {
        codes[i] = 0;
        dequantized[i] = NaN;
      } else if (powerOfTwo) {
        codes[i] = encodeElementScaled(elem, x, scaleCodes[b] - 127, uniform(i));
        dequantized[i] = decodeElement(elem, codes[i]) * s.value;
      } else if (s.value === 0) {
        codes[i] = x < 0 || Object.is(x, -0) ? signBit : 0;
        dequantized[i] = decodeElement(elem, codes[i]);
      } else {
        codes[i] = encodeElementScaled(elem, fr(x / s.value), 0, uniform(i));
        dequantized[i] = fr(decodeElement(elem, codes[i]) * s.value);
      }
    }
  });
  const bitsPerValue = ELEMENT_FORMATS[elem].bits + (SCALE_FORMATS.find((f) => f.value === scale)!.bits * spans.length) / Math.max(1, n);
  return { codes, dequantized, scales, scaleCodes, groupSize: blockSize, bitsPerValue, grid: elementGrid(elem) };
}

/**
 * Shared-exponent block integers: scale 2^(floor(log2 amax) − fractionShift) … for MXINT8
 * (fractionShift 0, 6 fraction bits: element = code/64 · 2^X, |code| ≤ 127) and for BFP with m
 * magnitude bits (scale = 2^(E − (m − 1)) so that amax/scale ∈ [2^(m−1), 2^m)).
 */
function quantizeBlockInt(data: Float32Array, blockSize: number, magnitudeBits: number, fractionShift: number, uniform: Uniform) {
  const n = data.length;
  const maxCode = 2 ** magnitudeBits - 1;
  const codes = new Int32Array(n);
  const dequantized = new Float32Array(n);
  const nBlocks = Math.ceil(n / blockSize);
  const scaleCodes = new Int32Array(nBlocks);
  const scales = new Float32Array(nBlocks);
  const mxint = magnitudeBits === 7 && fractionShift === 0;
  // MXINT8: value = code · 2^-6 · 2^X. BFP: value = code · 2^(E − fractionShift).
  const fracBits = mxint ? 6 : 0;
  for (let b = 0; b < nBlocks; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    const { amax, nonFinite } = absMax(data, start, end);
    let e: number;
    if (mxint) {
      const code = mxScaleCode(amax, 0, nonFinite);
      e = code === 255 ? NaN : code - 127;
    } else e = nonFinite ? NaN : amax === 0 ? -126 : floorLog2(amax) - fractionShift;
    scaleCodes[b] = Number.isNaN(e) ? 255 : e + 127;
    const unit = Number.isNaN(e) ? NaN : 2 ** (e - fracBits);
    scales[b] = mxint ? decodeE8M0(scaleCodes[b]) : unit;
    for (let i = start; i < end; i++) {
      if (Number.isNaN(unit)) {
        codes[i] = 0;
        dequantized[i] = NaN;
        continue;
      }
      const x = data[i];
      const mag = Math.min(maxCode, roundToInteger(Math.abs(x) / unit, uniform(i)));
      codes[i] = x < 0 ? -mag : mag;
      dequantized[i] = codes[i] * unit; // an integer code: a negative value rounding to 0 gives +0
    }
  }
  const grid: number[] = [];
  for (let c = 0; c <= maxCode; c++) grid.push(mxint ? c / 64 : c);
  return { codes, dequantized, scales, scaleCodes, groupSize: blockSize, bitsPerValue: 1 + magnitudeBits + 8 / blockSize, grid };
}

/** Symmetric integer scale amax / (2^(b−1) − 1), rounded once to float32. */
export function symmetricScale(amax: number, bits: number): number {
  return fr(amax / (2 ** (bits - 1) - 1));
}

/** Asymmetric (PyTorch MinMax observer) parameters from the finite min and max of a group. */
export function asymmetricParams(xmin: number, xmax: number, bits: number): { scale: number; zeroPoint: number } {
  const qmax = 2 ** bits - 1;
  const lo = Math.min(xmin, 0);
  const hi = Math.max(xmax, 0);
  const scale = fr(fr(hi - lo) / qmax);
  if (scale === 0) return { scale: 0, zeroPoint: 0 };
  const zeroPoint = Math.min(qmax, Math.max(0, roundToInteger(Math.abs(fr(lo / scale)))));
  return { scale, zeroPoint };
}

/**
 * Integer code of one element given its group's scale (and zero point when asymmetric):
 * q = round_half_even(fl32(x / scale)) (+ zero point), clamped. NaN → the code of zero; ±Inf → the
 * clamp limits. scale 0 (an all-zero group) → the code of zero.
 */
export function intCode(x: number, scale: number, bits: number, symmetric: boolean, zeroPoint: number, u?: number): number {
  const qmaxSym = 2 ** (bits - 1) - 1;
  const lo = symmetric ? -qmaxSym : 0;
  const hi = symmetric ? qmaxSym : 2 ** bits - 1;
  const zp = symmetric ? 0 : zeroPoint;
  if (Number.isNaN(x) || scale === 0) return zp;
  if (x === Infinity) return hi;
  if (x === -Infinity) return lo;
  const v = fr(x / scale);
  const mag = roundToInteger(Math.abs(v), u);
  const q = (v < 0 ? -mag : mag) + zp;
  return Math.min(hi, Math.max(lo, q));
}

/** A set of elements sharing one scale: count elements from start, stride apart. */
interface Group {
  start: number;
  count: number;
  stride: number;
}

function quantizeInt(data: Float32Array, scheme: QuantScheme, uniform: Uniform) {
  const bits = scheme.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new Error(`int bits must be 2…8, got ${bits}`);
  const symmetric = scheme.symmetric ?? true;
  const granularity = scheme.granularity ?? 'tensor';
  const [rows, cols] = shapeOf(data, scheme);
  const groups: Group[] = [];
  let groupSize: number;
  if (granularity === 'tensor') {
    groups.push({ start: 0, count: data.length, stride: 1 });
    groupSize = data.length;
  } else if (granularity === 'channel') {
    const byCol = scheme.channelAxis === 'col';
    if (byCol) for (let c = 0; c < cols; c++) groups.push({ start: c, count: rows, stride: cols });
    else for (let r = 0; r < rows; r++) groups.push({ start: r * cols, count: cols, stride: 1 });
    groupSize = byCol ? rows : cols;
  } else {
    groupSize = scheme.groupSize ?? 32;
    if (!(groupSize >= 1)) throw new Error(`group size must be ≥ 1, got ${groupSize}`);
    for (const [s, e] of blocks(rows, cols, groupSize)) groups.push({ start: s, count: e - s, stride: 1 });
  }
  const codes = new Int32Array(data.length);
  const dequantized = new Float32Array(data.length);
  const scales = new Float32Array(groups.length);
  const zeroPoints = new Int32Array(groups.length);
  groups.forEach(({ start, count, stride }, g) => {
    let amax = 0;
    let xmin = 0;
    let xmax = 0;
    for (let j = 0, i = start; j < count; j++, i += stride) {
      const v = data[i];
      if (!Number.isFinite(v)) continue;
      amax = Math.max(amax, Math.abs(v));
      xmin = Math.min(xmin, v);
      xmax = Math.max(xmax, v);
    }
    let scale: number;
    let zp = 0;
    if (symmetric) scale = symmetricScale(amax, bits);
    else ({ scale, zeroPoint: zp } = asymmetricParams(xmin, xmax, bits));
    scales[g] = scale;
    zeroPoints[g] = zp;
    for (let j = 0, i = start; j < count; j++, i += stride) {
      const q = intCode(data[i], scale, bits, symmetric, zp, uniform(i));
      codes[i] = q;
      dequantized[i] = fr((q - zp) * scale);
    }
  });
  const metaBits = (symmetric ? 32 : 32 + bits) * groups.length;
  const qmax = symmetric ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const grid: number[] = [];
  for (let q = symmetric ? -qmax : 0; q <= qmax; q++) grid.push(q);
  return { codes, dequantized, scales, zeroPoints: symmetric ? undefined : zeroPoints, groupSize, bitsPerValue: bits + metaBits / data.length, grid };
}

/** NF4 blockwise absmax; nearest by the float32 midpoints, or stochastic (stochasticTableCode) when `bits` is given. */
function quantizeNf4(data: Float32Array, blockSize: number, bits?: RandomBits) {
  const n = data.length;
  const codes = new Int32Array(n);
  const dequantized = new Float32Array(n);
  const nBlocks = Math.ceil(n / blockSize);
  const scales = new Float32Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    const { amax } = absMax(data, start, end);
    scales[b] = amax;
    for (let i = start; i < end; i++) {
      const x = data[i];
      const normalised = amax === 0 || Number.isNaN(x) ? 0 : x === Infinity ? 1 : x === -Infinity ? -1 : fr(x / amax);
      codes[i] = bits ? stochasticTableCode(NF4_VALUES_FIXED, normalised, bits(i)) : nf4Code(normalised);
      dequantized[i] = fr(NF4_VALUES_F32[codes[i]] * amax);
    }
  }
  return { codes, dequantized, scales, groupSize: blockSize, codebook: NF4_VALUES_F32, bitsPerValue: 4 + 32 / blockSize, grid: [...NF4_VALUES_F32] };
}

/**
 * A learned 16-entry codebook (the any4 idea, simplified to one table per tensor): each group of
 * `groupSize` values is normalised by its finite absmax to [−1, 1] in float32 (fl(x / amax); ±Inf
 * → ±1, NaN → 0); Lloyd's algorithm (k-means in 1-D, float64) fits 16 centroids to all normalised
 * values, initialised from 16 distinct values drawn with the seeded PRNG (sorted); 25 iterations
 * or until no assignment changes. The final table is float32 and the final assignment uses the
 * float32 midpoints between neighbouring entries (a value on a midpoint takes the lower code), so
 * the GPU can reproduce it exactly. With stochastic rounding (`bits`), only that final assignment is
 * stochastic (stochasticTableCode on the fitted float32 table); `seed` seeds both the k-means
 * initialisation and the rounding.
 */
function quantizeCodebook4(data: Float32Array, scheme: QuantScheme, bits?: RandomBits) {
  const n = data.length;
  const groupSize = scheme.groupSize ?? 128;
  const nGroups = Math.ceil(n / groupSize);
  const scales = new Float32Array(nGroups);
  const normalised = new Float32Array(n);
  for (let g = 0; g < nGroups; g++) {
    const start = g * groupSize;
    const end = Math.min(n, start + groupSize);
    const { amax } = absMax(data, start, end);
    scales[g] = amax;
    for (let i = start; i < end; i++) {
      const x = data[i];
      normalised[i] = x === Infinity ? 1 : x === -Infinity ? -1 : amax === 0 || Number.isNaN(x) ? 0 : x / amax;
    }
  }
  const rng = new Rng(scheme.seed ?? 1);
  const centroids = initialCentroids(normalised, rng);
  const codes = new Int32Array(n);
  const iterations = scheme.iterations ?? 25;
  for (let it = 0; it <= iterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const c = nearest(centroids, normalised[i]);
      if (c !== codes[i] || it === 0) changed++;
      codes[i] = c;
    }
    if (changed === 0 || it === iterations) break;
    const sum = new Float64Array(16);
    const count = new Float64Array(16);
    for (let i = 0; i < n; i++) {
      sum[codes[i]] += normalised[i];
      count[codes[i]]++;
    }
    for (let c = 0; c < 16; c++) if (count[c] > 0) centroids[c] = sum[c] / count[c];
    // Keep the table sorted so codes stay ordered (Lloyd preserves order in 1-D; this guards ties).
    centroids.sort((x, y) => x - y);
  }
  const codebook = Float32Array.from(centroids).sort();
  const thresholds = codebookThresholds(codebook);
  const tableFx = Int32Array.from(codebook, tableFixed);
  const dequantized = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    if (bits) code = stochasticTableCode(tableFx, normalised[i], bits(i));
    else for (let t = 0; t < 15; t++) if (normalised[i] > thresholds[t]) code++;
    codes[i] = code;
    dequantized[i] = fr(codebook[code] * scales[Math.floor(i / groupSize)]);
  }
  return { codes, dequantized, scales, groupSize, codebook, bitsPerValue: 4 + (32 * nGroups + 16 * 32) / n, grid: [...codebook] };
}

/** float32 midpoints between neighbouring entries of a sorted 16-entry table. */
export function codebookThresholds(codebook: Float32Array): Float32Array {
  return Float32Array.from({ length: 15 }, (_, i) => (codebook[i] + codebook[i + 1]) / 2);
}

function initialCentroids(values: Float32Array, rng: Rng): number[] {
  const distinct = [...new Set(values)].sort((x, y) => x - y);
  if (distinct.length <= 16) {
    const c = [...distinct];
    while (c.length < 16) c.push(c[c.length - 1] ?? 0);
    return c;
  }
  const chosen = new Set<number>();
  while (chosen.size < 16) chosen.add(distinct[Math.floor(rng.nextUnit() * distinct.length)]);
  return [...chosen].sort((x, y) => x - y);
}

function nearest(table: ArrayLike<number>, v: number): number {
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < table.length; c++) {
    const d = Math.abs(v - table[c]);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

/** Short human labels for the formats, for menus and charts. */
export function schemeLabel(s: QuantScheme): string {
  if (s.format === 'int') {
    const g = s.granularity ?? 'tensor';
    return `int${s.bits ?? 8} ${s.symmetric === false ? 'asym' : 'sym'} per-${g}${g === 'group' ? ` ${s.groupSize ?? 32}` : ''}`;
  }
  if (s.format === 'bfp') return `BFP m${s.bits ?? 7} block ${s.blockSize ?? 32}`;
  if (s.format === 'scaled') {
    const scale = SCALE_FORMATS.find((f) => f.value === (s.scale ?? 'e8m0'))!;
    return `${ELEMENT_FORMATS[s.element ?? 'e2m1'].label} × ${scale.label} per ${s.blockSize ?? 32}`;
  }
  if (isElementFormat(s.format)) return ELEMENT_FORMATS[s.format].label;
  return s.format.toUpperCase();
}
