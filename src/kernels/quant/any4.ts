// any4 weights (arXiv 2507.04610): a learned 16-entry table per row of W, fitted on the CPU by
// activation-weighted k-means (numerics/any4.ts), one absmax per group of G along the row. The
// weight-only kernel (wmatmul.ts) decodes each nibble by a lookup in its row's table, times the
// group scale, in registers. Beside the run, on the same weights: int4, NF4 and FP4 (E2M1 with an
// absmax scale per group) of the same group size, per row and on the product.
import { readOnly } from '../../gpu/bindings';
import { fitRowCodebooks } from '../../numerics/any4';
import { quantize } from '../../numerics/formats';
import { packNibbles } from '../../numerics/packing';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import {
  HOST_PRODUCT_LIMIT,
  WEIGHT_ONLY_FIELDS,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  productError,
  quantizedMatmulExtras,
  rowErrors,
  weightOnlyLimits,
  weightOnlyPlan,
  weightOnlyReference,
  type WeightFormat,
  type WeightOnlyConfig,
} from './wmatmul';

const schema = paramSchema({
  ...WEIGHT_ONLY_FIELDS,
  groupSize: int('Normalisation group size along K (a multiple of 8)', 64, 8, 4096, { choices: [32, 64, 128] }),
});

interface Any4Config extends WeightOnlyConfig {
  groupSize: number;
}

/** Rows whose per-row errors the extras report. */
const ROWS_SHOWN = 32;

function any4Format({ groupSize: G }: Any4Config): WeightFormat {
  const lookups = (first: number) => [0, 1, 2, 3].map((j) => `lut[table + ((packed >> ${4 * (first + j)}u) & 0xfu)]`).join(', ');
  return {
    header: `// Y = X·Wᵀ with any4 weights: 8 codes per u32 (element 8w+j in bits 4j..4j+3), a 16-entry table per
// row of W, one absmax per ${G} weights along K.
const WORDS_PER_GROUP = ${G / 8}u;`,
    weights: [
      readOnly('wq', 'array<u32>', 'N×K/8 packed 4-bit codes'),
      readOnly('lut', 'array<f32>', 'N×16 tables, one per row', 'tables'),
      readOnly('scales', 'array<f32>', `N×K/${G} group absmax`),
    ],
    decode: `    let packed = wq[n * WORDS + w];
    let table = n * 16u; // this row's table
    let s = scales[(n * WORDS + w) / WORDS_PER_GROUP];
    let w_lo = vec4f(${lookups(0)}) * s;
    let w_hi = vec4f(${lookups(4)}) * s;`,
  };
}

export const any4 = defineVariant({
  family: 'quant',
  id: 'any4',
  label: 'Matmul, any4 weights (a learned 16-entry table per row)',
  summary: 'Per-row 4-bit codebooks fitted by activation-weighted k-means on the CPU (seeded); the GEMV/GEMM looks each weight up in its row’s table.',
  schema,
  config: (v): Any4Config => matmulConfig(v),
  limits: (cfg, caps) => {
    const { N, K, groupSize: G } = cfg;
    const problems = G % 8 !== 0 ? [`group size ${G} must be a multiple of 8 (one packed word never spans two groups)`] : [];
    if (N * K > 1 << 22) problems.push(`N × K = ${N * K}: k-means per row runs on the CPU, keep N × K ≤ 4 194 304`);
    return [
      ...problems,
      ...weightOnlyLimits(
        cfg,
        caps,
        (N * K) / 2,
        [
          ['tables', 64 * N],
          ['scales', (4 * N * K) / G],
        ],
        G,
      ),
    ];
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K, groupSize: G } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    // Calibration: E[x_k²] over the rows of this X.
    const importance = new Float64Array(K);
    for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) importance[k] += (x[m * K + k] * x[m * K + k]) / M;
    const fit = fitRowCodebooks(w, N, K, G, importance, seed);
    return { x, w, codes: fit.codes, tables: fit.tables, scales: fit.scales, wDequant: fit.dequantized, wq: packNibbles(fit.codes, N * K) };
  },
  reference: (cfg, inputs) => {
    const { K, groupSize: G } = cfg;
    const codes = inputs.codes as Int32Array;
    const tables = inputs.tables as Float32Array;
    const scales = inputs.scales as Float32Array;
    // Table entry × group scale, exact in float64; the kernel's decode multiply rounds once.
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => tables[n * 16 + codes[n * K + k]] * scales[n * (K / G) + Math.floor(k / G)], cfg, 1);
  },
  plan: (cfg, inputs) => weightOnlyPlan(cfg, 'matmul any4 weights', inputs.x, any4Format(cfg), { wq: inputs.wq, tables: inputs.tables, scales: inputs.scales }),
  work: ({ M, N, K, groupSize: G }) => ({ flops: 2 * M * N * K, bytes: 4 * M * K + (N * K) / 2 + 64 * N + (4 * N * K) / G + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} G=${cfg.groupSize}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => {
    const { M, N, K, groupSize: G } = cfg;
    const bits = 4 + 32 / G + 512 / K;
    const base = quantizedMatmulExtras(cfg, inputs, output, bits);
    const x = inputs.x as Float32Array;
    const w = inputs.w as Float32Array;
    const shape: [number, number] = [N, K];
    const others = [
      {
        label: `int4 per group of ${G}`,
        wHat: quantize(w, { format: 'int', bits: 4, granularity: 'group', groupSize: G, shape }).dequantized,
        bits: 4 + 32 / G,
      },
      { label: `NF4 per block of ${G}`, wHat: quantize(w, { format: 'nf4', blockSize: G, shape }).dequantized, bits: 4 + 32 / G },
      {
        label: `FP4 E2M1, absmax per ${G}`,
        wHat: quantize(w, { format: 'scaled', element: 'e2m1', scale: 'f32', blockSize: G, shape }).dequantized,
        bits: 4 + 32 / G,
      },
    ];
    const rows = Math.min(N, ROWS_SHOWN);
    const perRow = [
      { label: 'any4', relFrobenius: rowErrors(w, inputs.wDequant as Float32Array, K, rows) },
      ...others.map((o) => ({ label: o.label, relFrobenius: rowErrors(w, o.wHat, K, rows) })),
    ];
    if (M * N * K > HOST_PRODUCT_LIMIT) return { ...base, perRow };
    return { ...base, perRow, comparison: others.map((o) => ({ label: o.label, ...productError(x, w, x, o.wHat, cfg), weightBits: o.bits })) };
  },
});
