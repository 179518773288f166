// GPU quantize kernels, bit-identical to the TypeScript codec (src/numerics/formats.ts).
// Two passes in one shader: `scales` (one invocation per group/block: absmax or min/max, the scale
// and zero point) and `codes` (one invocation per element). The output buffer holds, as u32:
//   [0, n)            element codes (integer codes as two's-complement i32 bits)
//   [n, n+G)          per-group scale: float32 bits (int, NF4 absmax) or the E8M0 code (MX)
//   [n+G, n+2G)       zero points (asymmetric int only)
// The check is bit-exact: the reference is the TS codec's output in the same layout, bound 0.
import {
  ELEMENT_FORMATS,
  NF4_VALUES_F32,
  SCALE_FORMATS,
  codebookThresholds,
  decodeElement,
  hash32,
  isElementFormat,
  mxElementFormat,
  quantize,
  type QuantResult,
  type ElementFormat,
  type QuantScheme,
  type ScaleFormat,
} from '../../numerics/formats';
import { computeMetrics } from '../../numerics/metrics';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { flag, int, oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import type { Binding, DeviceCaps, Params, ReferenceResult } from '../types';
import { OUTLIER_FIELDS, bitsOf, dispatch1d, distributionField, seededTensor, type TensorSpec } from './common';
import type { CodecExtras } from './extras';
import { ROUNDING_WGSL, decodeElementWgsl, encodeElementWgsl, f32Literal, nf4CodeWgsl, stochasticTableCodeWgsl } from './wgslCodec';

export const CODEC_FORMATS = [
  'int',
  'e4m3',
  'e5m2',
  'e3m2',
  'e2m3',
  'e2m1',
  'e1m2',
  'e3m0',
  'bf16',
  'f16',
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
] as const;

/** Element formats a 'scaled' (block-scaled) codec run can use: the ones of at most 8 bits. */
export const SCALED_ELEMENTS = ['e2m1', 'e1m2', 'e3m0', 'e4m3', 'e5m2', 'e3m2', 'e2m3'] as const;
export type ScaledElement = (typeof SCALED_ELEMENTS)[number];
export type CodecFormat = (typeof CODEC_FORMATS)[number];

const FORMAT_LABELS: Record<CodecFormat, string> = {
  int: 'Integer (bits, symmetric/asymmetric, granularity below)',
  e4m3: 'FP8 E4M3',
  e5m2: 'FP8 E5M2',
  e3m2: 'FP6 E3M2',
  e2m3: 'FP6 E2M3',
  e2m1: 'FP4 E2M1',
  e1m2: 'FP4 E1M2 (uniform grid)',
  e3m0: 'FP4 E3M0 (powers of two)',
  bf16: 'bfloat16',
  f16: 'float16 (bit-exact, integer rounding)',
  'mxfp8-e4m3': 'MXFP8 E4M3 (block 32, E8M0 scale)',
  'mxfp8-e5m2': 'MXFP8 E5M2',
  'mxfp6-e3m2': 'MXFP6 E3M2',
  'mxfp6-e2m3': 'MXFP6 E2M3',
  mxfp4: 'MXFP4 (E2M1, block 32)',
  mxint8: 'MXINT8',
  bfp: 'Block floating point (mantissa bits = integer bits, block = group size)',
  nf4: 'NF4 (block 64 absmax)',
  codebook4: 'Learned 4-bit codebook (k-means on the CPU, group = group size)',
  scaled: 'Block-scaled elements (element and scale format below, block = group size)',
};

const schema = paramSchema({
  format: oneOf<CodecFormat>(
    'Format',
    'int',
    CODEC_FORMATS.map((f): [CodecFormat, string] => [f, FORMAT_LABELS[f]]),
  ),
  bits: int('Integer bits (BFP: mantissa bits)', 4, 2, 8, { choices: [2, 3, 4, 5, 6, 8] }),
  symmetric: flag('Symmetric integer range', true),
  granularity: oneOf('Integer scale granularity', 'group', [
    ['tensor', 'per tensor'],
    ['channel', 'per channel (row)'],
    ['group', 'per group along the row'],
  ]),
  groupSize: int('Group size (integer groups, BFP and block-scaled blocks, codebook groups)', 32, 1, 4096, { choices: [16, 32, 64, 128] }),
  element: oneOf<ScaledElement>(
    'Block-scaled: element format',
    'e2m1',
    SCALED_ELEMENTS.map((e): [ScaledElement, string] => [e, ELEMENT_FORMATS[e].label]),
  ),
  scale: oneOf<ScaleFormat>(
    'Block-scaled: scale format',
    'e8m0',
    SCALE_FORMATS.map((f): [ScaleFormat, string] => [f.value, f.label]),
  ),
  rows: int('Rows', 64, 1, 8192, { choices: [1, 16, 64, 256, 1024] }),
  // Up to 16 384 so that one row can hold every f16 probe value; rows × columns is limited below.
  cols: int('Columns (row length; groups run along it)', 256, 1, 16384, { choices: [64, 256, 1024, 4096] }),
  dist: distributionField(),
  ...OUTLIER_FIELDS,
  rounding: oneOf('Rounding', 'nearest-even', [
    ['nearest-even', 'nearest, ties to even'],
    ['stochastic', 'stochastic (seeded; NF4 / codebook: between the two bracketing entries)'],
  ]),
  srSeed: int('Stochastic rounding seed', 1, 0, 2147483647),
  stage: oneOf('Output checked', 'codes', [
    ['codes', 'quantize: codes, scales and zero points (u32)'],
    ['roundtrip', 'quantize then dequantize on the GPU: float32 values'],
  ]),
});

/** The quantization a codec run performs: what the GPU passes and the TS codec both read. */
export interface CodecScheme {
  format: CodecFormat;
  bits: number;
  symmetric: boolean;
  granularity: 'tensor' | 'channel' | 'group';
  groupSize: number;
  rows: number;
  cols: number;
  rounding: 'nearest-even' | 'stochastic';
  srSeed: number;
  /** 'scaled' only (ignored otherwise; default E2M1 elements with E8M0 scales by the OCP rule). */
  element?: ScaledElement;
  scale?: ScaleFormat;
}

export interface CodecConfig extends CodecScheme, TensorSpec {
  stage: 'codes' | 'roundtrip';
  layout: CodecLayout;
  scheme: QuantScheme;
}

function codecConfigOf(v: ReturnType<typeof schema.read>): CodecConfig {
  return { ...v, layout: codecLayout(v), scheme: schemeOf(v) };
}

/** The typed configuration of validated codec parameters (tests and tools that drive the passes directly). */
export function codecConfig(params: Params): CodecConfig {
  return codecConfigOf(schema.read(params));
}

export interface CodecLayout {
  format: CodecFormat;
  n: number;
  rows: number;
  cols: number;
  /** Rows and columns of the grouping (per-tensor int and block formats see one long row). */
  groupRows: number;
  groupCols: number;
  groupSize: number;
  groups: number;
  hasScales: boolean;
  /** Scales are stored as codes (MX and E8M0 / UE4M3 / UE5M3 codes, BFP exponents), not float32 bits. */
  scaleCodes: boolean;
  hasZeroPoints: boolean;
  outputCount: number;
}

/** The TS codec's scheme for this quantization. */
export function schemeOf(c: CodecScheme): QuantScheme {
  return { ...baseScheme(c), rounding: c.rounding, seed: c.srSeed };
}

function baseScheme(c: CodecScheme): QuantScheme {
  const { format } = c;
  const shape: [number, number] = [c.rows, c.cols];
  if (format === 'int') return { format, bits: c.bits, symmetric: c.symmetric, granularity: c.granularity, groupSize: c.groupSize, shape };
  if (format === 'codebook4') return { format, groupSize: c.groupSize, shape };
  if (format === 'bfp') return { format, bits: c.bits, blockSize: c.groupSize, shape };
  if (format === 'scaled') return { format, element: c.element ?? 'e2m1', scale: c.scale ?? 'e8m0', blockSize: c.groupSize, shape };
  return { format, shape };
}

export function codecLayout(c: CodecScheme): CodecLayout {
  const { format, rows, cols } = c;
  const n = rows * cols;
  let groupRows = 1;
  let groupCols = n;
  let groupSize = 0;
  if (format === 'int') {
    if (c.granularity === 'tensor') groupSize = n;
    else {
      groupRows = rows;
      groupCols = cols;
      groupSize = c.granularity === 'channel' ? cols : c.groupSize;
    }
  } else if (format === 'scaled') {
    groupRows = rows;
    groupCols = cols;
    groupSize = c.groupSize;
  } else if (format === 'nf4') groupSize = 64;
  else if (format === 'bfp' || format === 'codebook4') groupSize = c.groupSize;
  else if (format.startsWith('mx')) groupSize = 32;
  const hasScales = groupSize > 0;
  const groups = hasScales ? groupRows * Math.ceil(groupCols / groupSize) : 0;
  const hasZeroPoints = format === 'int' && !c.symmetric;
  const scaleCodes = format.startsWith('mx') || format === 'bfp' || (format === 'scaled' && c.scale !== 'f32');
  return {
    format,
    n,
    rows,
    cols,
    groupRows,
    groupCols,
    groupSize,
    groups,
    hasScales,
    scaleCodes,
    hasZeroPoints,
    outputCount: n + groups * (hasZeroPoints ? 2 : 1),
  };
}

/** The TS codec's result in the GPU output layout. */
export function expectedCodecOutput(layout: CodecLayout, q: QuantResult): Uint32Array {
  const out = new Uint32Array(layout.outputCount);
  for (let i = 0; i < layout.n; i++) out[i] = q.codes[i] >>> 0;
  if (layout.hasScales) {
    const useCodes = layout.scaleCodes;
    const scaleBits = q.scales ? new Uint32Array(Float32Array.from(q.scales).buffer) : new Uint32Array(0);
    for (let g = 0; g < layout.groups; g++) out[layout.n + g] = useCodes ? q.scaleCodes![g] >>> 0 : scaleBits[g];
  }
  if (layout.hasZeroPoints) for (let g = 0; g < layout.groups; g++) out[layout.n + layout.groups + g] = q.zeroPoints![g] >>> 0;
  return out;
}

// ---- WGSL --------------------------------------------------------------------------------------

const CODEBOOK_CODE_WGSL = /* wgsl */ `
// The learned table (fitted on the CPU, bound as \`table\`): 15 float32 midpoints, then the 16 entries.
fn codebook_code(v : f32) -> u32 {
  var code = 0u;
  for (var t = 0u; t < 15u; t++) {
    code += select(0u, 1u, v > table[t]);
  }
  return code;
}
`;

/** The 15 midpoints and 16 entries of the codebook the TS codec learns for these inputs. */
export function codebookTable(c: CodecScheme, x: Float32Array): Float32Array {
  const q = quantize(x, schemeOf(c));
  const table = new Float32Array(31);
  table.set(codebookThresholds(q.codebook!), 0);
  table.set(q.codebook!, 15);
  return table;
}

/** One scales kernel: an invocation per group g, writing its scale (and zero point) after the codes. */
function scalesKernel(comment: string, body: string): string {
  return /* wgsl */ `
${comment}
@compute @workgroup_size(64)
fn scales(@builtin(global_invocation_id) gid : vec3u) {
  let g = gid.x + gid.y * STRIDE;
  if (g >= G) {
    return;
  }
${body}}
`;
}

/** WGSL helpers the scale kernels share. */
const GROUP_AMAX_WGSL = /* wgsl */ `
// The group's largest finite magnitude, as float32 bits (magnitudes order like their bit
// patterns), and 1 when the group holds NaN or ±Inf.
fn group_amax(g : u32) -> vec2u {
  let range = group_range(g);
  var amax_bits = 0u;
  var non_finite = 0u;
  for (var i = range.x; i < range.y; i++) {
    let b = x[i];
    if (is_finite_bits(b)) {
      amax_bits = max(amax_bits, b & 0x7fffffffu);
    } else {
      non_finite = 1u;
    }
  }
  return vec2u(amax_bits, non_finite);
}

// floor(log2(v)) of a positive finite float32 v, exactly, from its bits (subnormals included):
// a float32 log2 is wrong just below powers of two.
fn floor_log2_bits(bits : u32) -> i32 {
  let field = i32(bits >> 23u);
  if (field == 0) {
    return 31 - i32(countLeadingZeros(bits)) - 149;
  }
  return field - 127;
}
`;

function scalesPassWgsl(layout: CodecLayout, c: CodecScheme): string {
  const f = layout.format;
  if (f === 'int') {
    const bits = c.bits;
    if (!layout.hasZeroPoints) {
      const qmax = 2 ** (bits - 1) - 1;
      return (
        GROUP_AMAX_WGSL +
        scalesKernel(
          `// Symmetric: scale = amax / ${qmax} over the group's finite values, correctly rounded.`,
          `  out[N + g] = div_rne(group_amax(g).x, bitcast<u32>(${f32Literal(qmax)}));
`,
        )
      );
    }
    const qmax = 2 ** bits - 1;
    return scalesKernel(
      `// Asymmetric (PyTorch MinMax observer): range widened to include 0,
// scale = (max(x_max,0) − min(x_min,0)) / ${qmax}, zero point = round(−min/scale) in [0, ${qmax}].`,
      `  let range = group_range(g);
  var lo = 0.0;
  var hi = 0.0;
  for (var i = range.x; i < range.y; i++) {
    let b = x[i];
    if (is_finite_bits(b)) {
      lo = min(lo, bitcast<f32>(b));
      hi = max(hi, bitcast<f32>(b));
    }
  }
  let scale_bits = div_rne(bitcast<u32>(hi - lo), bitcast<u32>(${f32Literal(qmax)}));
  var zero_point = 0u;
  if (scale_bits != 0u) {
    let z = round(bitcast<f32>(div_rne(bitcast<u32>(-lo), scale_bits))); // ties to even
    zero_point = u32(clamp(z, 0.0, ${qmax}.0));
  }
  out[N + g] = scale_bits;
  out[N + G + g] = zero_point;
`,
    );
  }
  if (f === 'nf4' || f === 'codebook4') {
    return (
      GROUP_AMAX_WGSL +
      scalesKernel(
        `// ${f === 'nf4' ? 'NF4' : 'Codebook'}: the block's absmax (finite values) is its scale.`,
        `  out[N + g] = group_amax(g).x;
`,
      )
    );
  }
  if (f === 'bfp') {
    const m = c.bits;
    return (
      GROUP_AMAX_WGSL +
      scalesKernel(
        `// Block floating point: shared exponent e = floor(log2(amax)) − ${m - 1}, so amax / 2^e ∈ [2^${m - 1}, 2^${m});
// stored as e + 127 (not clamped: it is an int here); all-zero blocks use e = −126; NaN/Inf → 255.`,
        `  let amax = group_amax(g);
  var e = -126;
  if (amax.x != 0u) {
    e = floor_log2_bits(amax.x) - ${m - 1};
  }
  out[N + g] = select(bitcast<u32>(e + 127), 255u, amax.y != 0u);
`,
      )
    );
  }
  if (f === 'scaled') return GROUP_AMAX_WGSL + scaledScalesKernel(c);
  // MX: OCP shared exponent floor(log2 amax) − emax_elem from the exponent bits, E8M0 code.
  const emax = f === 'mxint8' ? 0 : ELEMENT_FORMATS[mxElementFormat(f)!].emax;
  return (
    GROUP_AMAX_WGSL +
    scalesKernel(
      `// OCP MX v1.0: X = floor(log2(amax)) − ${emax} (emax of the element format), clamped to [−127, 127],
// stored as E8M0 (X + 127); a block holding NaN or ±Inf gets the NaN scale 0xFF.`,
      `  let amax = group_amax(g);
  var code = 0u; // an all-zero block: X = −127
  if (amax.y != 0u) {
    code = 255u;
  } else if (amax.x != 0u) {
    code = u32(clamp(floor_log2_bits(amax.x) - ${emax}, -127, 127) + 127);
  }
  out[N + g] = code;
`,
    )
  );
}

/** The scale of a block-scaled ('scaled') block: the rules of formats.ts blockScale(). */
function scaledScalesKernel(c: CodecScheme): string {
  const elem = c.element ?? 'e2m1';
  const scale = c.scale ?? 'e8m0';
  const f = ELEMENT_FORMATS[elem];
  if (scale === 'e8m0') {
    return scalesKernel(
      `// E8M0, OCP rule: X = floor(log2(amax)) − ${f.emax} (emax of ${f.label}), clamped to [−127, 127], stored as X + 127;
// NaN or ±Inf in the block → 0xFF; an all-zero block → X = −127.`,
      `  let amax = group_amax(g);
  var code = 0u;
  if (amax.y != 0u) {
    code = 255u;
  } else if (amax.x != 0u) {
    code = u32(clamp(floor_log2_bits(amax.x) - ${f.emax}, -127, 127) + 127);
  }
  out[N + g] = code;
`,
    );
  }
  const maxElem = f32Literal(decodeElement(elem, f.maxCode));
  const quotient = `  let amax = group_amax(g);
  let q = div_rne(amax.x, bitcast<u32>(${maxElem})); // fl32(amax / max element), correctly rounded
`;
  if (scale === 'e8m0-ceil') {
    return scalesKernel(
      `// E8M0, NVIDIA rule: X = ceil(log2(fl32(amax / ${decodeElement(elem, f.maxCode)}))), clamped to [−127, 127], stored as X + 127.`,
      `${quotient}  var code = 0u;
  if (amax.y != 0u) {
    code = 255u;
  } else if (q != 0u) {
    // q is a power of two when its significand is 1 (normal: mantissa bits 0; subnormal: one bit set).
    let power_of_two = select(countOneBits(q) == 1u, (q & 0x7fffffu) == 0u, (q >> 23u) != 0u);
    code = u32(clamp(floor_log2_bits(q) + select(1, 0, power_of_two), -127, 127) + 127);
  }
  out[N + g] = code;
`,
    );
  }
  if (scale === 'f32') {
    return scalesKernel(
      `// float32 scale: fl32(amax / ${decodeElement(elem, f.maxCode)}); NaN when the block holds NaN or ±Inf.`,
      `${quotient}  out[N + g] = select(q, 0x7fc00000u, amax.y != 0u);
`,
    );
  }
  return scalesKernel(
    `// ${scale.toUpperCase()} scale: fl32(amax / ${decodeElement(elem, f.maxCode)}) rounded to ${scale.toUpperCase()} (nearest even, saturating); its NaN code for NaN/Inf blocks.`,
    `${quotient}  out[N + g] = select(encode_${scale}(q, 0), ${scale === 'ue4m3' ? '0x7fu' : '0xffu'}, amax.y != 0u);
`,
  );
}

/** WGSL: the value of block scale code \`sc\` of a 'scaled' format with a multiplied (not power-of-two) scale. */
function scaledScaleValue(scale: ScaleFormat): string {
  return scale === 'f32' ? 'bitcast<f32>(sc)' : `decode_${scale}(sc)`;
}

function codesPassWgsl(layout: CodecLayout, c: CodecScheme): string {
  const f = layout.format;
  const head = /* wgsl */ `
@compute @workgroup_size(64)
fn codes(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x + gid.y * STRIDE;
  if (i >= N) {
    return;
  }
  let b = x[i];`;
  const sr = c.rounding === 'stochastic';
  const h = sr ? ', sr_bits(i)' : '';
  if (isElementFormat(f)) return `${head}\n  out[i] = encode_${f}(b, 0${h});\n}\n`;
  if (f === 'scaled' && c.scale !== 'e8m0' && c.scale !== 'e8m0-ceil') {
    const e = c.element ?? 'e2m1';
    const signShift = ELEMENT_FORMATS[e].bits - 1;
    return `${head}
  let sc = out[N + group_of(i)];
  let s = ${scaledScaleValue(c.scale ?? 'f32')};
  let s_bits = bitcast<u32>(s);
  if ((s_bits & 0x7fffffffu) > 0x7f800000u) {
    out[i] = 0u; // NaN block
    return;
  }
  if (s_bits == 0u) {
    out[i] = (b >> 31u) << ${signShift}u; // the scale rounded to 0: every element is ±0
    return;
  }
  // fl32(x / s), correctly rounded, then the element rounding.
  out[i] = encode_${e}(div_rne(b, s_bits), 0${h});
}
`;
  }
  const elem = f === 'scaled' ? (c.element ?? 'e2m1') : mxElementFormat(f);
  if (elem) {
    return `${head}
  let code = out[N + group_of(i)];
  if (code == 255u) {
    out[i] = 0u; // NaN block: the scale says NaN, the elements are 0
    return;
  }
  out[i] = encode_${elem}(b, i32(code) - 127${h});
}
`;
  }
  if (f === 'mxint8' || f === 'bfp') {
    // MXINT8: unit 2^(X − 6) (six fraction bits), |code| ≤ 127. BFP: unit 2^e, |code| ≤ 2^m − 1.
    const maxCode = f === 'mxint8' ? 127 : 2 ** c.bits - 1;
    const unitExp = f === 'mxint8' ? 'i32(code) - 127 - 6' : 'i32(code) - 127';
    return `${head}
  let code = out[N + group_of(i)];
  let mag = b & 0x7fffffffu;
  if (code == 255u || mag == 0u) {
    out[i] = 0u; // NaN/Inf block (scale 255) or a zero element
    return;
  }
  // |x| / unit rounded to nearest even, clamped to ${maxCode}; |x| = m·2^ex exactly.
  let field = i32(mag >> 23u);
  var m = mag & 0x7fffffu;
  var ex = -149;
  if (field != 0) {
    m = m | 0x800000u;
    ex = field - 150;
  }
  let shift = (${unitExp}) - ex;
  var q = ${maxCode}u;
  if (shift > 0) {
    q = min(${maxCode}u, ${sr ? 'sr_shift(m, u32(shift), sr_bits(i))' : 'rne_shift(m, u32(shift), false)'});
  } else if (shift > -9) {
    q = min(${maxCode}u, m << u32(-shift)); // m ≥ 1, so 9 or more left shifts exceed 255 anyway
  }
  var signed_q = i32(q);
  if ((b >> 31u) == 1u) {
    signed_q = -signed_q;
  }
  out[i] = bitcast<u32>(signed_q);
}
`;
  }
  if (f === 'nf4' || f === 'codebook4') {
    const code = sr ? 'sr_table_code(v, sr_bits(i))' : f === 'nf4' ? 'nf4_code(v)' : 'codebook_code(v)';
    return `${head}
  let amax_bits = out[N + group_of(i)];
  let mag = b & 0x7fffffffu;
  var v = 0.0; // NaN and all-zero blocks map to the code of 0
  if (mag == 0x7f800000u) {
    v = select(1.0, -1.0, (b >> 31u) == 1u);
  } else if (mag < 0x7f800000u && amax_bits != 0u) {
    v = bitcast<f32>(div_rne(b, amax_bits));
  }
  out[i] = ${code};
}
`;
  }
  // Integer.
  const bits = c.bits;
  const sym = !layout.hasZeroPoints;
  const lo = sym ? -(2 ** (bits - 1) - 1) : 0;
  const hi = sym ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return `${head}
  let g = group_of(i);
  let scale_bits = out[N + g];
  let zero_point = ${sym ? '0' : 'i32(out[N + G + g])'};
  var q = zero_point; // NaN, or an all-zero group (scale 0): the code of zero
  let mag = b & 0x7fffffffu;
  if (mag == 0x7f800000u) {
    q = select(${hi}, ${lo}, (b >> 31u) == 1u); // ±Inf clamp to the range ends
  } else if (mag < 0x7f800000u && scale_bits != 0u) {
    let v = bitcast<f32>(div_rne(b, scale_bits));
${
  sr
    ? `    // q = floor(|v|) + (frac(|v|) > u), u = 24 random bits / 2^24 (exact in f32), signed, + zero point.
    let av = abs(v);
    let whole = floor(av);
    let mag = whole + select(0.0, 1.0, av - whole > f32(sr_bits(i)) * ${f32Literal(2 ** -24)});
    q = clamp(i32(select(mag, -mag, v < 0.0)) + zero_point, ${lo}, ${hi});`
    : `    // q = round_half_even(fl32(x / scale)) + zero point, clamped.
    q = clamp(i32(round(v)) + zero_point, ${lo}, ${hi});`
}
  }
  out[i] = bitcast<u32>(q);
}
`;
}

/** Which plan buffers the quantize and dequantize shaders' bindings name. */
export interface CodecBuffers {
  x: string;
  out: string;
}

const CODEC_BUFFERS: CodecBuffers = { x: 'x', out: 'out' };

const TABLE_BINDING = readOnly('table', 'array<f32, 31>', 'the learned codebook: 15 midpoints, then the 16 entries');

/**
 * The quantize shader's bindings: input bits, output, and the codebook's table. The scales pass
 * uses the first two only (a dispatch binds what its entry point uses).
 */
export function quantizeBindings(layout: CodecLayout, buffers = CODEC_BUFFERS): Binding[] {
  return [
    readOnly('x', 'array<u32>', 'float32 bit patterns of the input', buffers.x),
    readWrite('out', 'array<u32>', 'codes, then scales, then zero points', buffers.out),
    ...(layout.format === 'codebook4' ? [TABLE_BINDING] : []),
  ];
}

/** The dequantize shader's bindings: the quantize pass's output in, float32 values out. */
export function dequantBindings(layout: CodecLayout, buffers = CODEC_BUFFERS): Binding[] {
  return [
    readOnly('codes', 'array<u32>', 'codes, then scales, then zero points', buffers.out),
    readWrite('deq', 'array<f32>', 'the dequantized values'),
    ...(layout.format === 'codebook4' ? [TABLE_BINDING] : []),
  ];
}

/** The element format a codec run encodes into (its own, the MX element, or the 'scaled' element). */
function elementOf(c: CodecScheme): ElementFormat | undefined {
  if (c.format === 'scaled') return c.element ?? 'e2m1';
  return isElementFormat(c.format) ? c.format : mxElementFormat(c.format);
}

/** UE4M3 / UE5M3 scale helpers a 'scaled' run needs: the encoder (scales pass) or the decoder. */
function scaleFormatWgsl(c: CodecScheme, kind: 'encode' | 'decode'): string {
  if (c.format !== 'scaled' || (c.scale !== 'ue4m3' && c.scale !== 'ue5m3')) return '';
  return kind === 'encode' ? encodeElementWgsl(c.scale) + decodeElementWgsl(c.scale) : decodeElementWgsl(c.scale);
}

export function codecWgsl(c: CodecScheme, stride: number): string {
  const layout = codecLayout(c);
  const f = layout.format;
  const elem = elementOf(c);
  const gpr = layout.hasScales ? Math.ceil(layout.groupCols / layout.groupSize) : 1;
  const stochastic = c.rounding === 'stochastic';
  const tableFormat = f === 'nf4' || f === 'codebook4';
  return /* wgsl */ `// Quantize ${f}${stochastic ? ' with stochastic rounding' : ''} (bit-exact with formats.ts). Inputs are float32 bit patterns.
const N = ${layout.n}u;      // elements
const G = ${layout.groups}u;      // groups / blocks
const COLS = ${layout.groupCols}u;  // row length of the grouping
const GS = ${Math.max(1, layout.groupSize)}u;      // group size along the row
const GPR = ${gpr}u;    // groups per row
const STRIDE = ${stride}u; // invocations per row of the 2-D dispatch

${declareBindings(quantizeBindings(layout))}

// Element range [start, end) of group g: groups run along rows; the last one of a row may be short.
fn group_range(g : u32) -> vec2u {
  let row = g / GPR;
  let start = row * COLS + (g % GPR) * GS;
  return vec2u(start, min(row * COLS + COLS, start + GS));
}

fn group_of(i : u32) -> u32 {
  return (i / COLS) * GPR + (i % COLS) / GS;
}
${ROUNDING_WGSL}${
  stochastic
    ? `
const SEED_HASH = 0x${hash32(c.srSeed).toString(16)}u; // hash32(seed)

// 24 random bits for element i (formats.ts stochasticUnit).
fn sr_bits(i : u32) -> u32 {
  return hash32(i ^ SEED_HASH) >> 8u;
}
`
    : ''
}${elem ? encodeElementWgsl(elem, stochastic) : ''}${scaleFormatWgsl(c, 'encode')}${f === 'nf4' ? nf4CodeWgsl() : ''}${f === 'codebook4' ? CODEBOOK_CODE_WGSL : ''}${
  stochastic && tableFormat ? stochasticTableCodeWgsl(f === 'nf4' ? 'nf4' : 'table') : ''
}${layout.hasScales ? scalesPassWgsl(layout, c) : ''}${codesPassWgsl(layout, c)}`;
}

/**
 * The quantize kernel's source and the two passes' grids. Both passes index element/group
 * i = gid.x + gid.y·STRIDE with one STRIDE, so wide dispatches fold into 2-D the same way.
 */
export function codecPasses(c: CodecScheme, caps: DeviceCaps, buffers = CODEC_BUFFERS) {
  const layout = codecLayout(c);
  const wx = Math.min(caps.limits.maxComputeWorkgroupsPerDimension, Math.ceil(Math.max(layout.n, layout.groups, 1) / 64));
  const workgroupsFor = (count: number): [number, number] => {
    const total = Math.max(1, Math.ceil(count / 64));
    return [Math.min(wx, total), Math.ceil(total / wx)];
  };
  const bindings = quantizeBindings(layout, buffers);
  return {
    wgsl: codecWgsl(c, 64 * wx),
    wx,
    codeWorkgroups: workgroupsFor(layout.n),
    scaleWorkgroups: workgroupsFor(layout.groups),
    codeBindings: bindings,
    scaleBindings: bindings.slice(0, 2),
  };
}

/** The dequantize pass: codes (and scales) in, float32 values out, exactly as formats.ts decodes. */
export function dequantWgsl(c: CodecScheme, stride: number): string {
  const layout = codecLayout(c);
  const f = layout.format;
  const elem = elementOf(c);
  const gpr = layout.hasScales ? Math.ceil(layout.groupCols / layout.groupSize) : 1;
  let body: string;
  if (isElementFormat(f)) body = `deq[i] = decode_${f}(c);`;
  else if (f === 'scaled' && c.scale !== 'e8m0' && c.scale !== 'e8m0-ceil') {
    body = `let sc = codes[N + group_of(i)];
  let s = ${scaledScaleValue(c.scale ?? 'f32')};
  deq[i] = decode_${elem}(c) * s; // element × block scale, correctly rounded (exact for 4-bit significands)`;
  } else if (elem) {
    body = `let sc = codes[N + group_of(i)];
  // 2^(E − 127)·element, exact (ldexp); the NaN scale 0xFF gives NaN (0x7fc00000).
  deq[i] = select(ldexp(decode_${elem}(c), i32(sc) - 127), bitcast<f32>((sc << 23u) | 0x400000u), sc == 255u);`;
  } else if (f === 'bfp') {
    body = `let sc = codes[N + group_of(i)];
  // code · 2^e with the stored e + 127; 255 marks a NaN/Inf block.
  deq[i] = select(ldexp(f32(bitcast<i32>(c)), bitcast<i32>(sc) - 127), bitcast<f32>((sc << 23u) | 0x400000u), sc == 255u);`;
  } else if (f === 'mxint8') {
    body = `let sc = codes[N + group_of(i)];
  // code · 2^(E − 127 − 6): six fraction bits.
  deq[i] = select(ldexp(f32(bitcast<i32>(c)), i32(sc) - 133), bitcast<f32>((sc << 23u) | 0x400000u), sc == 255u);`;
  } else if (f === 'nf4') {
    body = `deq[i] = NF4[c] * bitcast<f32>(codes[N + group_of(i)]); // NF4 value × block absmax`;
  } else if (f === 'codebook4') {
    body = `deq[i] = table[15u + c] * bitcast<f32>(codes[N + group_of(i)]); // table entry × group absmax`;
  } else {
    const zp = layout.hasZeroPoints ? 'bitcast<i32>(codes[N + G + g])' : '0';
    body = `let g = group_of(i);
  deq[i] = f32(bitcast<i32>(c) - ${zp}) * bitcast<f32>(codes[N + g]); // (q − zero point)·scale`;
  }
  const nf4Table = f === 'nf4' ? `var<private> NF4 : array<f32, 16> = array<f32, 16>(${[...NF4_VALUES_F32].map((v) => f32Literal(v)).join(', ')});\n` : '';
  return /* wgsl */ `// Dequantize ${f}: the codes of the quantize pass back to float32 (bit-exact with formats.ts).
const N = ${layout.n}u;
const G = ${layout.groups}u;
const COLS = ${layout.groupCols}u;
const GS = ${Math.max(1, layout.groupSize)}u;
const GPR = ${gpr}u;
const STRIDE = ${stride}u;

${declareBindings(dequantBindings(layout))}
${nf4Table}
fn group_of(i : u32) -> u32 {
  return (i / COLS) * GPR + (i % COLS) / GS;
}
${elem ? decodeElementWgsl(elem) : ''}${scaleFormatWgsl(c, 'decode')}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x + gid.y * STRIDE;
  if (i >= N) {
    return;
  }
  let c = codes[i];
  ${body}
}
`;
}

function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  }
  return counts;
}

export const codec = defineVariant({
  family: 'quant',
  id: 'codec',
  label: 'Quantize on the GPU (bit-exact codec)',
  summary:
    'Quantizes a seeded tensor on the GPU into integer, FP8/FP6/FP4, bf16/f16, MX or NF4 codes with integer-only rounding; every code and scale must equal the TypeScript codec.',
  schema,
  config: codecConfigOf,
  limits: ({ layout, granularity }, caps) => {
    const problems: string[] = [];
    if (layout.n > 1 << 24) problems.push(`rows × columns = ${layout.n} exceeds the 16 777 216 elements this lab supports`);
    if (layout.format === 'codebook4' && layout.n > 1 << 18) {
      problems.push('the codebook is fitted by k-means on the CPU: keep rows × columns ≤ 262 144 for it');
    }
    if (layout.format === 'int' && granularity === 'tensor' && layout.n > 1 << 20) {
      problems.push('per-tensor scale is found by one invocation: keep rows × columns ≤ 1 048 576');
    }
    problems.push(...checkDispatch(caps, dispatch1d(layout.n, caps.limits.maxComputeWorkgroupsPerDimension)));
    problems.push(
      ...checkBuffers(caps, [
        ['x', 4 * layout.n],
        ['out', 4 * layout.outputCount],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed) => ({ x: seededTensor(cfg, seed, cfg.rows, cfg.cols) }),
  reference: ({ layout, scheme, stage }, inputs): ReferenceResult => {
    const q = quantize(inputs.x as Float32Array, scheme);
    if (stage === 'roundtrip') {
      return {
        values: Float64Array.from(q.dequantized),
        bound: new Float64Array(layout.n),
        boundNote: 'bit-exact: every dequantized float32 must equal the TypeScript codec (bound 0)',
        rows: layout.rows,
        cols: layout.cols,
      };
    }
    const expected = expectedCodecOutput(layout, q);
    return {
      values: Float64Array.from(expected),
      bound: new Float64Array(expected.length),
      boundNote: 'bit-exact: every code, scale and zero point must equal the TypeScript codec (bound 0)',
      rows: 1,
      cols: expected.length,
    };
  },
  plan: (cfg, inputs, caps) => {
    const { layout } = cfg;
    const passes = codecPasses(cfg, caps);
    const roundtrip = cfg.stage === 'roundtrip';
    return {
      buffers: [
        { name: 'x', data: bitsOf(inputs.x as Float32Array), usage: 'storage' },
        { name: 'out', bytes: 4 * layout.outputCount, usage: 'storage' },
        ...(roundtrip ? [{ name: 'deq', bytes: 4 * layout.n, usage: 'storage' as const }] : []),
        ...(layout.format === 'codebook4' ? [{ name: 'table', data: codebookTable(cfg, inputs.x as Float32Array), usage: 'storage' as const }] : []),
      ],
      dispatches: [
        ...(layout.hasScales
          ? [
              {
                label: `quantize ${layout.format}: scales`,
                wgsl: passes.wgsl,
                entryPoint: 'scales',
                bindings: passes.scaleBindings,
                workgroups: passes.scaleWorkgroups,
              },
            ]
          : []),
        { label: `quantize ${layout.format}: codes`, wgsl: passes.wgsl, entryPoint: 'codes', bindings: passes.codeBindings, workgroups: passes.codeWorkgroups },
        ...(roundtrip
          ? [
              {
                label: `dequantize ${layout.format}`,
                wgsl: dequantWgsl(cfg, 64 * passes.wx),
                bindings: dequantBindings(layout),
                workgroups: passes.codeWorkgroups,
              },
            ]
          : []),
      ],
      output: roundtrip ? { buffer: 'deq', type: 'f32' as const, count: layout.n } : { buffer: 'out', type: 'u32' as const, count: layout.outputCount },
    };
  },
  work: ({ layout }) => ({ flops: layout.n, bytes: 4 * layout.n + 4 * layout.outputCount }),
  shape: (cfg) => `${cfg.rows}×${cfg.cols} ${cfg.format}`,
  extras: ({ layout, scheme, stage }, inputs, output): CodecExtras => {
    const x = inputs.x as Float32Array;
    const q = quantize(x, scheme);
    const expected = stage === 'roundtrip' ? q.dequantized : expectedCodecOutput(layout, q);
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (!Object.is(expected[i], output[i]) && !(Number.isNaN(expected[i]) && Number.isNaN(output[i]))) mismatches++;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const m = computeMetrics(q.dequantized, Float64Array.from(x));
    const scales = q.scales ? [...q.scales.slice(0, 4096)] : [];
    return {
      family: 'quant',
      kind: 'tensor',
      scheme,
      bitsPerValue: q.bitsPerValue,
      mismatches,
      sqnrDb: m.sqnrDb,
      relFrobenius: m.relFrobenius,
      maxAbs: m.maxAbs,
      histogram: { lo, hi, counts: histogram(x, 120, lo, hi), dequantized: histogram(q.dequantized, 120, lo, hi) },
      grid: q.grid ?? [],
      scales,
      groupSize: q.groupSize ?? 0,
      bytes: { original: 4 * x.length, quantized: Math.ceil((q.bitsPerValue * x.length) / 8) },
    };
  },
});
