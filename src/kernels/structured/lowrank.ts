// Low rank: W = U·Vᵀ (U n_out×r, V n_in×r), so y = U(Vᵀx) costs r·(n_in + n_out) multiply-adds
// instead of n_in·n_out. Two register-blocked products: T = X·V (batch×r), then Y = T·Uᵀ.
// With source 'project' the factors are the best rank-r approximation of a dense W (truncated
// SVD in float64 on the CPU, Eckart–Young): the panel shows the approximation's error (matrix
// and output) apart from the kernel's (GPU against the float64 product of the same factors).
import { rankErrorCurve } from '../../numerics/linalg';
import { DENSE_TARGETS, denseTarget, memoSvd, projectLowRank, relativeApproximationError, type DenseTarget, type LowRank } from '../../numerics/structured';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { frobenius, frobeniusDiff, matmul64, transpose64 } from '../../numerics/linalg';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import {
  BATCH,
  FAMILY,
  dataBuffer,
  denseProduct,
  layerBaseline,
  layerBufferProblems,
  layerEmulate,
  layerReference,
  layerWork,
  layerX,
  scratchBuffer,
} from './common';
import type { StructuredExtras } from './extras';

/** The float64 SVD of an n×n matrix on the CPU costs O(n³) per sweep: kept to sizes that take seconds. */
export const SVD_LIMIT = 256;

const schema = paramSchema({
  nIn: int('n_in (columns of W)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048] }),
  nOut: int('n_out (rows of W)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048] }),
  rank: int('Rank r', 16, 1, 4096, { choices: [1, 4, 8, 16, 32, 64, 128, 256] }),
  batch: BATCH,
  source: oneOf('Factors', 'random', [
    ['random', 'Random factors (the kernel error only)'],
    ['project', 'Best rank-r approximation of a dense W (truncated SVD)'],
  ]),
  target: oneOf(
    'Dense W to approximate',
    'decay',
    DENSE_TARGETS.map((t) => [t.value, t.label] as [DenseTarget, string]),
  ),
});

interface Config {
  nIn: number;
  nOut: number;
  rank: number;
  batch: number;
  source: 'random' | 'project';
  target: DenseTarget;
}

function structureOf(cfg: Config, inputs: Inputs): LowRank {
  return { kind: 'lowrank', nIn: cfg.nIn, nOut: cfg.nOut, rank: cfg.rank, v: inputs.v, ut: inputs.ut };
}

export const lowrank = defineVariant({
  family: FAMILY,
  id: 'lowrank',
  label: 'Low rank: y = U(Vᵀx)',
  summary: 'W = U·Vᵀ of rank r: two thin products instead of one dense one; optionally the best rank-r approximation of a dense matrix (truncated SVD).',
  schema,
  config: (v): Config => v,
  limits: (cfg, caps) => {
    const problems: string[] = [];
    const full = Math.min(cfg.nIn, cfg.nOut);
    if (cfg.rank > full) problems.push(`rank r = ${cfg.rank} is above min(n_in, n_out) = ${full}: such a factorization is no longer low rank`);
    if (cfg.source === 'project') {
      if (cfg.nIn !== cfg.nOut) problems.push(`projecting a dense W needs a square W (n_in = n_out); here ${cfg.nOut}×${cfg.nIn}`);
      if (Math.max(cfg.nIn, cfg.nOut) > SVD_LIMIT)
        problems.push(`the float64 SVD on the CPU is limited to n ≤ ${SVD_LIMIT} (it is O(n³) per sweep); use random factors for larger n`);
    }
    return [
      ...problems,
      ...layerBufferProblems(caps, [
        ['X', 4 * cfg.batch * cfg.nIn],
        ['Y', 4 * cfg.batch * cfg.nOut],
        ['V', 4 * cfg.nIn * cfg.rank],
      ]),
    ];
  },
  inputs: (cfg, seed) => {
    const x = layerX(cfg.batch, cfg.nIn, seed);
    if (cfg.source === 'project') {
      // W as stored (float32); its SVD in float64.
      const w = Float32Array.from(denseTarget(cfg.target, cfg.nIn, deriveSeed(seed, 10)));
      const d = memoSvd(w, cfg.nIn);
      const { v, ut } = projectLowRank(d, cfg.rank);
      const projected: Inputs = { x, v: Float32Array.from(v), ut: Float32Array.from(ut), w, sigma: Float32Array.from(d.s) };
      return projected;
    }
    // Random factors scaled so that y has entries of order 1: U·Vᵀ entries ~ 1/√n_in.
    const scaleV = Math.sqrt(3 / cfg.nIn);
    const scaleU = Math.sqrt(3 / cfg.rank);
    const v = uniformArray(cfg.nIn * cfg.rank, deriveSeed(seed, 11)).map((z) => z * scaleV);
    const ut = uniformArray(cfg.rank * cfg.nOut, deriveSeed(seed, 12)).map((z) => z * scaleU);
    return { x, v, ut };
  },
  reference: (cfg, inputs) => layerReference(structureOf(cfg, inputs), inputs.x, cfg.batch),
  emulate: (cfg, inputs) => layerEmulate(structureOf(cfg, inputs), inputs.x, cfg.batch),
  plan: (cfg, inputs) => ({
    buffers: [
      dataBuffer('x', inputs.x as Float32Array),
      dataBuffer('v', inputs.v as Float32Array),
      dataBuffer('ut', inputs.ut as Float32Array),
      scratchBuffer('t', cfg.batch * cfg.rank),
      scratchBuffer('y', cfg.batch * cfg.nOut),
    ],
    dispatches: [
      denseProduct('T = X·V', { M: cfg.batch, K: cfg.nIn, N: cfg.rank }, { a: 'x', b: 'v', c: 't' }),
      denseProduct('Y = T·Uᵀ', { M: cfg.batch, K: cfg.rank, N: cfg.nOut }, { a: 't', b: 'ut', c: 'y' }),
    ],
    output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.nOut },
  }),
  work: (cfg) => layerWork({ kind: 'lowrank', nIn: cfg.nIn, nOut: cfg.nOut, rank: cfg.rank, v: [], ut: [] }, cfg.batch),
  shape: (cfg) => `${cfg.nOut}×${cfg.nIn} rank ${cfg.rank}, batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.nIn, cfg.nOut),
  extras: (cfg, inputs, output): StructuredExtras => {
    const s = structureOf(cfg, inputs);
    const dense = cfg.nIn * cfg.nOut;
    const extras: StructuredExtras = {
      kind: 'layer',
      nIn: cfg.nIn,
      nOut: cfg.nOut,
      batch: cfg.batch,
      costs: {
        params: cfg.rank * (cfg.nIn + cfg.nOut),
        denseParams: dense,
        flops: 2 * cfg.batch * cfg.rank * (cfg.nIn + cfg.nOut),
        denseFlops: 2 * cfg.batch * dense,
      },
      picture: { type: 'factors', nIn: cfg.nIn, nOut: cfg.nOut, rank: cfg.rank },
    };
    if (cfg.source === 'project' && inputs.w) {
      const w = inputs.w;
      const yDense = matmul64(inputs.x, transpose64(w, cfg.nOut, cfg.nIn), cfg.batch, cfg.nIn, cfg.nOut);
      const curve = rankErrorCurve(inputs.sigma);
      extras.approximation = {
        target: DENSE_TARGETS.find((t) => t.value === cfg.target)?.label ?? cfg.target,
        matrixError: relativeApproximationError(w, s),
        outputError: frobeniusDiff(output, yDense) / Math.max(1e-300, frobenius(yDense)),
      };
      extras.curve = {
        title: 'Approximation error against rank',
        xLabel: 'rank r',
        yLabel: '‖W − W_r‖_F / ‖W‖_F',
        series: [{ name: 'best rank-r (Eckart–Young: from the singular values)', points: curve.map((y, r) => ({ x: r, y })), dashed: true }],
        marker: { x: cfg.rank, y: extras.approximation.matrixError, label: `this run (float32 factors), r = ${cfg.rank}` },
        note: 'The line is exact theory for this W: ‖W − W_r‖_F² = Σ_{i>r} σ_i². The marker is the error of the float32 factors this run used.',
      };
    }
    return extras;
  },
  notes: (cfg) => [
    `${cfg.rank}·(${cfg.nIn} + ${cfg.nOut}) = ${cfg.rank * (cfg.nIn + cfg.nOut)} multiply-adds per vector against ${cfg.nIn * cfg.nOut} dense: ` +
      `fewer while r < ${Math.floor((cfg.nIn * cfg.nOut) / (cfg.nIn + cfg.nOut))}.`,
  ],
});
