// A multilevel Monte Carlo estimate of AᵀB (after Wu & Polydorides, "A Multilevel Monte Carlo
// Estimator for Matrix Multiplication"): the telescoping sum of basic sampling estimators P_ℓ with
// c₀·2^ℓ rows each (drawn with p_t ∝ ‖a_t‖‖b_t‖, Drineas–Kannan–Mahoney), each correction
// P_ℓ − P_{ℓ−1} coupled through shared samples, N_ℓ = 2^{L−ℓ} replicas per level (numerics/sketch.ts).
// Unbiased; its exact variance is shown beside that of one plain estimator with the same number of
// samples — with every sample equally expensive, as here, the plain one has the smaller variance.
// With L = 0 it is the plain importance-sampling estimator.
import { atb64, mlmcSample, rowNormsSquared } from '../../numerics/sketch';
import { frobenius } from '../../numerics/linalg';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { FAMILY } from './common';
import {
  SKETCH_FIELDS,
  boundedReference,
  nonZeros,
  sampledPlan,
  sampledReference,
  sketchBufferProblems,
  sketchExtras,
  sketchProblem,
  type SketchConfig,
} from './sketchCommon';

const schema = paramSchema({ ...SKETCH_FIELDS, levels: int('Levels L (0 = plain importance sampling)', 2, 0, 6, { choices: [0, 1, 2, 3] }) });

interface MlmcConfig extends SketchConfig {
  levels: number;
  /** Samples of the coarsest estimator: the largest c₀ (even when L ≥ 1) with (L + 1)·c₀·2^L ≤ k. */
  c0: number;
}

function config({ sketch, ...rest }: Omit<SketchConfig, 'k'> & { sketch: number; levels: number }): MlmcConfig {
  const v = { ...rest, k: sketch };
  const per = (v.levels + 1) * 2 ** v.levels;
  let c0 = Math.max(1, Math.floor(v.k / per));
  if (v.levels > 0) c0 = Math.max(2, c0 - (c0 % 2));
  return { ...v, c0 };
}

function draw(cfg: MlmcConfig, inputs: Inputs, seed: number) {
  return mlmcSample(inputs.a, inputs.b, cfg.n, cfg.d, cfg.m, cfg.c0, cfg.levels, seed);
}

export const mlmc = defineVariant({
  family: FAMILY,
  id: 'mlmc',
  label: 'Multilevel Monte Carlo AᵀB',
  summary:
    'A telescoping sum of row-sampling estimators with 2^ℓ·c₀ samples, the corrections coupled through shared samples: unbiased, with its variance shown against plain sampling.',
  schema,
  config,
  limits: (cfg, caps) => sketchBufferProblems(cfg, caps),
  inputs: (cfg, seed) => {
    const problem = sketchProblem(cfg, seed);
    const s = draw(cfg, problem, seed);
    return { ...problem, rows: s.sample.rows, weights: s.sample.weights };
  },
  reference: (cfg, inputs) =>
    boundedReference(
      sampledReference(cfg, inputs, { rows: inputs.rows as Uint32Array, weights: inputs.weights as Float32Array }),
      cfg,
      'multilevel Monte Carlo',
    ),
  noEmulationReason: 'the sketches run on the GPU only (their float64 reference runs everywhere)',
  plan: (cfg, inputs, caps) => sampledPlan(cfg, inputs, { rows: inputs.rows as Uint32Array, weights: inputs.weights as Float32Array }, caps),
  work: (cfg) => ({ flops: 2 * (cfg.levels + 1) * cfg.c0 * 2 ** cfg.levels * cfg.d * cfg.m, bytes: 4 * (cfg.n * (cfg.d + cfg.m) + cfg.d * cfg.m) }),
  shape: (cfg) => `AᵀB: ${cfg.d}×${cfg.n} by ${cfg.n}×${cfg.m}, L = ${cfg.levels}, c₀ = ${cfg.c0} (${(cfg.levels + 1) * cfg.c0 * 2 ** cfg.levels} samples)`,
  baseline: (cfg) => ({ variant: 'dense', params: { M: cfg.d, K: cfg.n, N: cfg.m } }),
  extras: (cfg, inputs, output, ref) => {
    const na = rowNormsSquared(inputs.a, cfg.n, cfg.d);
    const nb = rowNormsSquared(inputs.b, cfg.n, cfg.m);
    const sumNorms = na.reduce((acc, x, t) => acc + Math.sqrt(x * nb[t]), 0);
    const perLevel = Array.from({ length: cfg.levels + 1 }, (_, level) => ({ level, samples: cfg.c0 * 2 ** level, replicas: 2 ** (cfg.levels - level) }));
    const totalSamples = inputs.rows.length;
    const exactProduct = atb64(inputs.a, inputs.b, cfg.n, cfg.d, cfg.m);
    const scale = (frobenius(inputs.a) * frobenius(inputs.b)) ** 2;
    // One sample's variance V₁ = (Σ‖a_t‖‖b_t‖)² − ‖AᵀB‖²; level ℓ contributes V₁/(c_ℓ·N_ℓ).
    const v1 = sumNorms ** 2 - frobenius(exactProduct) ** 2;
    const variance = perLevel.reduce((acc, l) => acc + v1 / (l.samples * l.replicas), 0);
    const rowsUsed = new Set(inputs.rows);
    let storedA = 0;
    let storedB = 0;
    for (const t of rowsUsed) {
      storedA += nonZeros(inputs.a.subarray(t * cfg.d, (t + 1) * cfg.d)) + 1;
      storedB += nonZeros(inputs.b.subarray(t * cfg.m, (t + 1) * cfg.m)) + 1;
    }
    const extras = sketchExtras(
      { ...cfg, k: totalSamples },
      inputs,
      output,
      ref,
      `MLMC, L = ${cfg.levels}`,
      { a: storedA, b: storedB },
      {
        expectedRelVariance: variance / Math.max(1e-300, scale),
        levels: perLevel,
      },
    );
    extras.costs.flops = 2 * totalSamples * cfg.d * cfg.m;
    return extras;
  },
  notes: (cfg) => [
    `${(cfg.levels + 1) * cfg.c0 * 2 ** cfg.levels} samples in all: level ℓ has ${cfg.c0}·2^ℓ samples and 2^(${cfg.levels}−ℓ) replicas. ` +
      'Each correction only carries the difference between two halves of its samples; with every sample equally costly the levels do not pay for themselves here, and the panel shows the exact variance of both.',
  ],
});
