// Weights stored as 4-bit codes into a 16-entry table times one scale per block along K: NF4 and
// MXFP4 differ only in the table, the block length and how a block's scale is stored, so both are
// this one variant builder with their own generator. Codes are packed 8 per u32, element 0 in the
// low nibble; the decode is a table lookup times the block's scale, in registers.
import { readOnly } from '../../gpu/bindings';
import type { Binding, HostArray } from '../types';
import { packNibbles } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { paramSchema } from '../params';
import { f32Literal } from './wgslCodec';
import {
  WEIGHT_ONLY_FIELDS,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  quantizedMatmulExtras,
  weightOnlyLimits,
  weightOnlyPlan,
  weightOnlyReference,
  type WeightFormat,
  type WeightOnlyConfig,
} from './wmatmul';

/** What one table format is: its identity, its table and block scale, and its host quantizer. */
export interface TableWeightFormat {
  id: string;
  label: string;
  summary: string;
  /** The format's name, for the dispatch label. */
  name: string;
  /** Weights per scale, along K. */
  block: number;
  /** Bits of one stored scale (32 for a float32 absmax, 8 for an E8M0 exponent). */
  scaleBits: number;
  /** The WGSL name of the table and its 16 float32 values, code 0…15. */
  tableName: string;
  table: ArrayLike<number>;
  /** A WGSL comment on the format (first line of the shader), and helpers the scale needs. */
  comment: string;
  helpers?: string;
  /** The scale binding (after wq). */
  scale: Binding;
  /** WGSL that sets `s` (f32) from the block index `block`. */
  scaleWgsl: string;
  /**
   * Quantizes W (N×K, row-major): the codes 0…15, the scale buffer's data, and each block's scale
   * as the kernel multiplies by it (exact in float32).
   */
  quantize(w: Float32Array): { codes: Int32Array; scaleData: HostArray; scaleValues: Float32Array };
}

function weightFormat(f: TableWeightFormat): WeightFormat {
  const table = Array.from(f.table, (v) => f32Literal(v)).join(', ');
  const T = f.tableName;
  return {
    header: `${f.comment}
const WORDS_PER_BLOCK = ${f.block / 8}u;
var<private> ${T} : array<f32, 16> = array<f32, 16>(${table});${f.helpers ? `\n${f.helpers}` : ''}`,
    weights: [readCodes, f.scale],
    decode: `    let packed = wq[n * WORDS + w];
    let block = (n * WORDS + w) / WORDS_PER_BLOCK;
    ${f.scaleWgsl}
    let w_lo = vec4f(${T}[packed & 0xfu], ${T}[(packed >> 4u) & 0xfu], ${T}[(packed >> 8u) & 0xfu], ${T}[(packed >> 12u) & 0xfu]) * s;
    let w_hi = vec4f(${T}[(packed >> 16u) & 0xfu], ${T}[(packed >> 20u) & 0xfu], ${T}[(packed >> 24u) & 0xfu], ${T}[packed >> 28u]) * s;`,
  };
}

const readCodes = readOnly('wq', 'array<u32>', 'N×K/8 packed 4-bit codes');

/** The weight-only matmul variant of a table format. */
export function defineTableWeightGemm(f: TableWeightFormat) {
  const format = weightFormat(f);
  const scaleBuffer = f.scale.buffer ?? f.scale.name;
  const scaleBytes = (cfg: WeightOnlyConfig) => (cfg.N * cfg.K * f.scaleBits) / 8 / f.block;
  return defineVariant({
    family: 'quant',
    id: f.id,
    label: f.label,
    summary: f.summary,
    schema: paramSchema(WEIGHT_ONLY_FIELDS),
    config: (v): WeightOnlyConfig => matmulConfig(v),
    limits: (cfg, caps) => weightOnlyLimits(cfg, caps, (cfg.N * cfg.K) / 2, [[scaleBuffer, scaleBytes(cfg)]], f.block),
    inputs: (cfg, seed): Inputs => {
      const { x, w } = makeActivationsAndWeights(cfg, seed);
      // Blocks run along each row (K is a multiple of the block, so no block spans two rows).
      const { codes, scaleData, scaleValues } = f.quantize(w);
      return { x, w, codes, scaleValues, wq: packNibbles(codes, cfg.N * cfg.K), scaleData };
    },
    reference: (cfg, inputs) => {
      const codes = inputs.codes as Int32Array;
      const scales = inputs.scaleValues as Float32Array;
      // Table value × block scale, exact in float64; the kernel's decode multiply rounds once.
      return weightOnlyReference(inputs.x as Float32Array, (n, k) => f.table[codes[n * cfg.K + k]] * scales[((n * cfg.K + k) / f.block) | 0], cfg, 1);
    },
    plan: (cfg, inputs) => weightOnlyPlan(cfg, `matmul ${f.name} weights`, inputs.x, format, { wq: inputs.wq, [scaleBuffer]: inputs.scaleData }),
    work: (cfg) => ({ flops: 2 * cfg.M * cfg.N * cfg.K, bytes: 4 * cfg.M * cfg.K + (cfg.N * cfg.K) / 2 + scaleBytes(cfg) + 4 * cfg.M * cfg.N }),
    shape: matmulShape,
    baseline: f32Baseline,
    extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 4 + f.scaleBits / f.block),
  });
}
