// Gaussian sketch: AᵀB ≈ (SA)ᵀ(SB) with S a k×n matrix of independent entries of variance 1/k
// (E[SᵀS] = I, so the estimate is unbiased). Three register-blocked products: (SA)ᵀ = Aᵀ·Sᵀ,
// SB = S·B, then (SA)ᵀ·(SB). Its error is Johnson–Lindenstrauss-like: rms ≤ sqrt(2/k)·‖A‖_F‖B‖_F.
// S is seeded (the same link gives the same sketch); its entries are Irwin–Hall sums of 12
// uniforms (numerics/structured.ts normalish), not exact Gaussians.
import { exact, boundedProduct, gaussianSketch } from '../../numerics/sketch';
import { transpose64 } from '../../numerics/linalg';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { FAMILY, dataBuffer, denseProduct, scratchBuffer } from './common';
import { SKETCH_FIELDS, boundedReference, finalProduct, sketchBufferProblems, sketchExtras, sketchProblem, type SketchConfig } from './sketchCommon';

const schema = paramSchema(SKETCH_FIELDS);

export const sketchGaussian = defineVariant({
  family: FAMILY,
  id: 'sketch-gaussian',
  label: 'Sketched AᵀB, Gaussian sketch',
  summary: 'AᵀB ≈ (SA)ᵀ(SB) with a seeded k×n Gaussian S: three dense products of a k-row sketch instead of one n-long one.',
  schema,
  config: ({ sketch, ...v }): SketchConfig => ({ ...v, k: sketch }),
  limits: (cfg, caps) => sketchBufferProblems(cfg, caps, [['S', 4 * cfg.k * cfg.n]]),
  inputs: (cfg, seed) => {
    const s = gaussianSketch(cfg.k, cfg.n, seed);
    return { ...sketchProblem(cfg, seed), s, st: Float32Array.from(transpose64(s, cfg.k, cfg.n)) };
  },
  reference: (cfg, inputs) => {
    const sat = boundedProduct(exact(inputs.at), exact(inputs.st), cfg.d, cfg.n, cfg.k);
    const sb = boundedProduct(exact(inputs.s), exact(inputs.b), cfg.k, cfg.n, cfg.m);
    return boundedReference(boundedProduct(sat, sb, cfg.d, cfg.k, cfg.m), cfg, 'Gaussian sketch');
  },
  noEmulationReason: 'the sketches run on the GPU only (their float64 reference runs everywhere)',
  plan: (cfg, inputs) => ({
    buffers: [
      dataBuffer('at', inputs.at as Float32Array),
      dataBuffer('b', inputs.b as Float32Array),
      dataBuffer('s', inputs.s as Float32Array),
      dataBuffer('st', inputs.st as Float32Array),
      scratchBuffer('sat', cfg.d * cfg.k),
      scratchBuffer('sb', cfg.k * cfg.m),
      scratchBuffer('w', cfg.d * cfg.m),
    ],
    dispatches: [
      denseProduct('(SA)ᵀ = Aᵀ·Sᵀ', { M: cfg.d, K: cfg.n, N: cfg.k }, { a: 'at', b: 'st', c: 'sat' }),
      denseProduct('SB = S·B', { M: cfg.k, K: cfg.n, N: cfg.m }, { a: 's', b: 'b', c: 'sb' }),
      finalProduct(cfg, cfg.k),
    ],
    output: { buffer: 'w', type: 'f32', count: cfg.d * cfg.m },
  }),
  work: (cfg) => ({ flops: 2 * cfg.k * (cfg.n * (cfg.d + cfg.m) + cfg.d * cfg.m), bytes: 4 * (cfg.n * (cfg.d + cfg.m) + cfg.k * cfg.n + cfg.d * cfg.m) }),
  shape: (cfg) => `AᵀB: ${cfg.d}×${cfg.n} by ${cfg.n}×${cfg.m}, k = ${cfg.k}${cfg.input === 'sparse' ? `, ${cfg.nnz} non-zeros per row` : ''}`,
  baseline: (cfg) => ({ variant: 'dense', params: { M: cfg.d, K: cfg.n, N: cfg.m } }),
  extras: (cfg, inputs, output, ref) => {
    const extras = sketchExtras(cfg, inputs, output, ref, 'Gaussian', { a: cfg.k * cfg.d, b: cfg.k * cfg.m });
    extras.costs.flops = 2 * cfg.k * (cfg.n * (cfg.d + cfg.m) + cfg.d * cfg.m);
    return extras;
  },
  notes: (cfg) => [
    `Sketching costs k·n·(d + m) multiply-adds — more than the exact n·d·m unless k < d·m/(d + m) = ${Math.floor((cfg.d * cfg.m) / (cfg.d + cfg.m))}: a dense Gaussian sketch saves communication and memory (each side ships a k-row sketch), not flops.`,
  ],
});
