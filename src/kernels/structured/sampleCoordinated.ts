// Coordinated sampling for sparse inputs (Daliri, Freire, Li & Musco, "Matrix Product Sketching
// via Coordinated Sampling", 2025): each side keeps row t when a shared hash h(t) falls below its
// own probability (p_t ∝ ‖a_t‖² for A, q_t ∝ ‖b_t‖² for B, about k rows each), computed from its own
// matrix and the seed alone. The rows both kept are weighted by 1/min(p_t, q_t): an unbiased
// estimate whose error is that of the best linear sketches, while each side stores only its kept
// rows — with s non-zeros per row, about k·s numbers instead of a linear sketch's k·d.
// The row choice (a pass over the row norms) runs on the CPU; the GPU gathers the rows and multiplies.
import { coordinatedSample } from '../../numerics/sketch';
import { frobenius } from '../../numerics/linalg';
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { FAMILY } from './common';
import {
  SKETCH_FIELDS,
  boundedReference,
  sampledPlan,
  sampledReference,
  sketchBufferProblems,
  sketchExtras,
  sketchProblem,
  type SketchConfig,
} from './sketchCommon';

const schema = paramSchema({ ...SKETCH_FIELDS, input: { ...SKETCH_FIELDS.input, default: 'sparse' as const } });

function sample(cfg: SketchConfig, inputs: Record<string, ArrayLike<number>>, seed: number) {
  return coordinatedSample(inputs.a, inputs.b, cfg.n, cfg.d, cfg.m, cfg.k, seed);
}

export const sampleCoordinated = defineVariant({
  family: FAMILY,
  id: 'sample-coordinated',
  label: 'Coordinated sampling (sparse inputs)',
  summary: 'Each side keeps the rows a shared hash selects with probability ∝ its row norm²; the rows both kept, reweighted, give AᵀB.',
  schema,
  config: ({ sketch, ...v }): SketchConfig => ({ ...v, k: sketch }),
  limits: (cfg, caps) => sketchBufferProblems(cfg, caps),
  inputs: (cfg, seed) => {
    const problem = sketchProblem(cfg, seed);
    const s = sample(cfg, problem, seed);
    // What each side keeps and stores, and the estimator's exact variance, for the panel.
    const stats = Float64Array.of(s.storedA, s.storedB, s.variance);
    return { ...problem, rows: s.sample.rows, weights: s.sample.weights, stats: new Float32Array(stats) };
  },
  reference: (cfg, inputs) =>
    boundedReference(sampledReference(cfg, inputs, { rows: inputs.rows as Uint32Array, weights: inputs.weights as Float32Array }), cfg, 'coordinated sampling'),
  noEmulationReason: 'the sketches run on the GPU only (their float64 reference runs everywhere)',
  plan: (cfg, inputs, caps) => sampledPlan(cfg, inputs, { rows: inputs.rows as Uint32Array, weights: inputs.weights as Float32Array }, caps),
  work: (cfg) => ({ flops: 2 * cfg.k * cfg.d * cfg.m, bytes: 4 * (cfg.n * (cfg.d + cfg.m) + cfg.d * cfg.m) }),
  shape: (cfg) => `AᵀB: ${cfg.d}×${cfg.n} by ${cfg.n}×${cfg.m}, k = ${cfg.k}${cfg.input === 'sparse' ? `, ${cfg.nnz} non-zeros per row` : ''}`,
  baseline: (cfg) => ({ variant: 'dense', params: { M: cfg.d, K: cfg.n, N: cfg.m } }),
  extras: (cfg, inputs, output, ref) => {
    const [storedA, storedB, variance] = inputs.stats;
    const scale = (frobenius(inputs.a) * frobenius(inputs.b)) ** 2;
    const extras = sketchExtras(
      cfg,
      inputs,
      output,
      ref,
      'coordinated sampling',
      { a: storedA, b: storedB },
      { expectedRelVariance: variance / Math.max(1e-300, scale) },
    );
    extras.costs.flops = 2 * inputs.rows.length * cfg.d * cfg.m;
    return extras;
  },
  notes: () => ['The expected number of rows each side keeps is at most k; the product uses the rows both kept (often fewer).'],
});
