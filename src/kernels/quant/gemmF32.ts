// Baseline: the weight-only kernel with plain float32 weights (two vec4 loads per 8 weights). The
// quantized matmuls are measured against this one, shape for shape.
import { readOnly } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import type { Inputs } from '../define';
import {
  F32_BASELINE_ID,
  WEIGHT_ONLY_FIELDS,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  quantizedMatmulExtras,
  weightOnlyLimits,
  weightOnlyPlan,
  weightOnlyReference,
  weightOnlyWgsl,
  type WeightFormat,
  type WeightOnlyConfig,
} from './wmatmul';

const F32_WEIGHTS: WeightFormat = {
  header: '// Y = X·Wᵀ with float32 weights (baseline).',
  weights: [readOnly('wf', 'array<vec4f>', 'N×K float32 weights', 'w')],
  decode: `    let wi = n * (K / 4u) + 2u * w;
    let w_lo = wf[wi];
    let w_hi = wf[wi + 1u];`,
};

export function gemmF32Wgsl(cfg: WeightOnlyConfig): string {
  return weightOnlyWgsl(cfg, F32_WEIGHTS);
}

export const gemmF32 = defineVariant({
  family: 'quant',
  id: F32_BASELINE_ID,
  label: 'Matmul, float32 weights (baseline)',
  summary: 'Y = X·Wᵀ with 32-bit weights: the same kernel as the quantized ones, so the speed ratio isolates the weight format.',
  schema: paramSchema(WEIGHT_ONLY_FIELDS),
  config: (v): WeightOnlyConfig => matmulConfig(v),
  role: 'baseline',
  limits: (cfg, caps) => weightOnlyLimits(cfg, caps, 4 * cfg.N * cfg.K, []),
  inputs: (cfg, seed): Inputs => makeActivationsAndWeights(cfg, seed),
  reference: (cfg, inputs) => {
    const w = inputs.w as Float32Array;
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => w[n * cfg.K + k], cfg, 0);
  },
  plan: (cfg, inputs) => weightOnlyPlan(cfg, 'matmul f32 weights', inputs.x, F32_WEIGHTS, { w: inputs.w }),
  work: ({ M, N, K }) => ({ flops: 2 * M * N * K, bytes: 4 * (M * K + N * K + M * N) }),
  shape: matmulShape,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 32),
});
