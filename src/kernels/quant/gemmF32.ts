// Baseline: the weight-only kernel skeleton with plain float32 weights (two vec4 loads per 8
// weights). The quantized variants are measured against this one, shape for shape.
import type { KernelVariant } from '../types';
import { MATMUL_SHAPE_PARAMS, dimsOf, makeActivationsAndWeights, matmulShapeLabel, weightOnlyDispatch, weightOnlyLimits, weightOnlyReference, quantizedMatmulExtras, weightOnlySkeleton } from './wmatmul';

export function gemmF32Wgsl(params: Parameters<typeof dimsOf>[0]): string {
  const dims = dimsOf(params);
  return weightOnlySkeleton(
    dims,
    '// Y = X·Wᵀ with float32 weights (baseline).',
    '@group(0) @binding(1) var<storage, read> wf : array<vec4f>; // N×K float32 weights',
    `    let wi = n * (K / 4u) + 2u * w;
    let w_lo = wf[wi];
    let w_hi = wf[wi + 1u];`,
    2,
  );
}

export const gemmF32: KernelVariant = {
  family: 'quant',
  id: 'gemm-f32',
  label: 'Matmul, float32 weights (baseline)',
  summary: 'Y = X·Wᵀ with 32-bit weights: the same kernel as the quantized ones, so the speed ratio isolates the weight format.',
  params: MATMUL_SHAPE_PARAMS,
  checkLimits(params, caps) {
    const { N, K } = dimsOf(params);
    return weightOnlyLimits(params, caps, 4 * N * K, []);
  },
  makeInputs(params, seed) {
    return makeActivationsAndWeights(params, seed);
  },
  reference(params, inputs) {
    const dims = dimsOf(params);
    const w = inputs.w as Float32Array;
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => w[n * dims.K + k], dims, 0);
  },
  plan(params, inputs) {
    const dims = dimsOf(params);
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'w', data: inputs.w, usage: 'storage' },
        { name: 'y', bytes: 4 * dims.M * dims.N, usage: 'storage' },
      ],
      dispatches: [{ label: 'matmul f32 weights', wgsl: gemmF32Wgsl(params), bindings: ['x', 'w', 'y'], workgroups: weightOnlyDispatch(dims) }],
      output: { buffer: 'y', type: 'f32', count: dims.M * dims.N },
    };
  },
  work(params) {
    const { M, N, K } = dimsOf(params);
    return { flops: 2 * M * N * K, bytes: 4 * (M * K + N * K + M * N) };
  },
  shapeLabel: matmulShapeLabel,
  extras: (params, inputs, output) => quantizedMatmulExtras(params, inputs, output, 32),
};
