// Channel rearrangement before block quantization (Accurate Block Quantization in LLMs with
// Outliers, arXiv 2403.20137): the columns of X are ordered by their largest magnitude, found once
// on the host (calibration on this X; the paper does it at compile time for the KV cache), so the
// outlier channels share blocks and the other blocks keep fine scales. Per token, on the GPU: a
// gather by that order, then the codec's block quantization (BFP, MXFP4, MXINT8 or MXFP8) and
// dequantization, then a float32 matmul with the weights, whose columns were permuted the same way
// offline (float32: only the activations are block-quantized, as for a KV cache).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { channelOrderByMagnitude, permuteColumns } from '../../numerics/blockTransforms';
import { quantize, type QuantScheme } from '../../numerics/formats';
import { dispatch1d } from './common';
import { defineVariant, type Inputs } from '../define';
import { flag, int, oneOf, paramSchema } from '../params';
import { blockActExtras, blockActLimits, blockActPlan, blockActReference, dequantizedActivations, productError, type BlockActPieces } from './blockActs';
import { schemeOf, type CodecScheme } from './codec';
import { QUANT_MATMUL_FIELDS, f32Baseline, makeActivationsAndWeights, matmulConfig, matmulShape, type QuantMatmulConfig } from './wmatmul';

type BlockFormat = 'bfp' | 'mxfp4' | 'mxint8' | 'mxfp8-e4m3';

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  TM: int('Rows of X per invocation (fixed at 1 here)', 1, 1, 1),
  dist: oneOf('Activation distribution', 'gaussian', [
    ['gaussian', 'Gaussian'],
    ['uniform', 'Uniform [−1, 1)'],
    ['laplace', 'Laplace (heavy tails)'],
    ['student-t', 'Student-t, ν = 3 (heavier tails)'],
  ]),
  outliers: int('Outlier channels (columns scaled up)', 8, 0, 64, { choices: [0, 1, 2, 4, 8, 16] }),
  reorder: flag('Rearrange channels by magnitude before block quantization', true),
  format: oneOf<BlockFormat>('Block format of the activations', 'bfp', [
    ['bfp', 'block floating point (mantissa bits below, block below)'],
    ['mxfp4', 'MXFP4 (block 32)'],
    ['mxint8', 'MXINT8 (block 32)'],
    ['mxfp8-e4m3', 'MXFP8 E4M3 (block 32)'],
  ]),
  bits: int('BFP mantissa bits (magnitude)', 4, 2, 8, { choices: [3, 4, 6] }),
  blockSize: int('BFP block size along K', 32, 8, 256, { choices: [16, 32, 64] }),
});

interface ReorderConfig extends QuantMatmulConfig {
  reorder: boolean;
  format: BlockFormat;
  bits: number;
  blockSize: number;
  /** Elements per scale: the BFP block, or 32 for MX. */
  block: number;
}

const GATHER_BINDINGS = [
  readOnly('x', 'array<u32>', 'M×K activations (float32 bits)'),
  readOnly('order', 'array<u32>', 'K: column j of the result is column order[j] of X'),
  readWrite('xt', 'array<u32>', 'M×K rearranged'),
];

export function gatherWgsl({ M, K }: ReorderConfig, stride: number): string {
  return /* wgsl */ `// Rearrange the channels of X: column j of the result is column order[j].
const K = ${K}u;
const COUNT = ${M * K}u;
const STRIDE = ${stride}u;

${declareBindings(GATHER_BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x + gid.y * STRIDE;
  if (i >= COUNT) {
    return;
  }
  xt[i] = x[(i / K) * K + order[i % K]];
}
`;
}

function codecScheme({ M, K, format, bits, blockSize }: ReorderConfig): CodecScheme {
  return { format, bits, symmetric: true, granularity: 'group', groupSize: blockSize, rows: M, cols: K, rounding: 'nearest-even', srSeed: 1 };
}

function quantScheme(cfg: ReorderConfig): QuantScheme {
  return schemeOf(codecScheme(cfg));
}

function label({ format, bits, blockSize }: ReorderConfig): string {
  return format === 'bfp' ? `BFP m${bits} per ${blockSize}` : format.toUpperCase();
}

export const reorderBlocks = defineVariant({
  family: 'quant',
  id: 'reorder-blocks',
  label: 'Matmul, block-quantized activations after channel rearrangement (BFP / MX)',
  summary:
    'Activation channels ordered by magnitude on the host so that outliers share blocks, gathered on the GPU, then BFP or MX block quantization; the weights’ columns are permuted alike, so the product is unchanged.',
  schema,
  config: (v): ReorderConfig => ({ ...matmulConfig(v), block: v.format === 'bfp' ? v.blockSize : 32 }),
  limits: (cfg, caps) => blockActLimits(cfg, caps, cfg.block),
  inputs: (cfg, seed): Inputs => {
    const { M, N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const order = cfg.reorder ? channelOrderByMagnitude(x, M, K) : Int32Array.from({ length: K }, (_, k) => k);
    return { x, w, order, xt: permuteColumns(x, M, K, order), wt: permuteColumns(w, N, K, order) };
  },
  reference: (cfg, inputs) => blockActReference(cfg, dequantizedActivations(pieces(cfg, inputs, null), quantScheme(cfg)), inputs.wt as Float32Array),
  plan: (cfg, inputs, caps) => {
    const groups = dispatch1d(cfg.M * cfg.K, caps.limits.maxComputeWorkgroupsPerDimension);
    return blockActPlan(cfg, inputs, pieces(cfg, inputs, groups), caps, `activations to ${label(cfg)}`);
  },
  work: ({ M, N, K, reorder }) => ({ flops: 2 * M * N * K, bytes: 4 * M * K * (reorder ? 6 : 4) + 4 * N * K + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} ${label(cfg)}${cfg.reorder ? ' rearranged' : ''}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) =>
    blockActExtras(cfg, inputs, output, 32, () => {
      // The other setting on the same inputs: without the rearrangement, or with it.
      const { M, N, K } = cfg;
      const x = inputs.x as Float32Array;
      const w = inputs.w as Float32Array;
      const order = cfg.reorder ? Int32Array.from({ length: K }, (_, k) => k) : channelOrderByMagnitude(x, M, K);
      const xq = quantize(permuteColumns(x, M, K, order), quantScheme(cfg)).dequantized;
      return { label: `${label(cfg)} ${cfg.reorder ? 'without' : 'after'} the rearrangement`, ...productError(x, w, xq, permuteColumns(w, N, K, order), cfg) };
    }),
});

function pieces(cfg: ReorderConfig, inputs: Inputs, groups: [number, number] | null): BlockActPieces {
  return {
    scheme: codecScheme(cfg),
    transform:
      cfg.reorder && groups
        ? {
            dispatch: { label: 'rearrange activation channels', wgsl: gatherWgsl(cfg, 64 * groups[0]), bindings: GATHER_BINDINGS, workgroups: groups },
            buffers: [{ name: 'order', data: Uint32Array.from(inputs.order as Int32Array), usage: 'storage' }],
          }
        : null,
    transformed: inputs.xt as Float32Array,
    weights: inputs.wt as Float32Array,
    weightBits: 32,
  };
}
