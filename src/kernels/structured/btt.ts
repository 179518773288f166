// Two-core block tensor-train (BTT, Qiu et al., "Compute Better Spent", 2024) of rank ρ: the
// Monarch layout with each block slice of rank ρ instead of 1,
//   W[(i·m + l), (j·m + k)] = Σ_{α<ρ} L[l][i][j][α]·R[j][l][α][k],
// computed as two dispatches (core R, then core L through the shuffle). ρ·n·(m + b) multiply-adds
// per vector; ρ = 1 is Monarch.
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers } from '../schema';
import { BLOCK_FIELDS, blockConfig, blockExtras, blockInputs, blockProblems, bttOf, emptyBtt, twoStageDispatches } from './blockdiag';
import { FAMILY, dataBuffer, gridProblems, layerBaseline, layerEmulate, layerReference, layerWork, scratchBuffer, WG } from './common';

const schema = paramSchema({
  ...BLOCK_FIELDS,
  rank: int('BTT rank ρ (1 = Monarch)', 2, 1, 64, { choices: [1, 2, 3, 4, 8] }),
});

export const btt = defineVariant({
  family: FAMILY,
  id: 'btt',
  label: 'Block tensor-train, two cores of rank ρ',
  summary: 'Compute Better Spent’s BTT: the Monarch layout with every block slice of rank ρ; ρ = 1 is Monarch.',
  schema,
  config: ({ rank, ...v }) => blockConfig(v, rank),
  limits: (cfg, caps) => [
    ...blockProblems(cfg),
    ...(cfg.rank > Math.min(cfg.blocks, cfg.m)
      ? [`rank ρ = ${cfg.rank} is above min(b, m) = ${Math.min(cfg.blocks, cfg.m)}: each b×m slice has no higher rank`]
      : []),
    ...gridProblems(cfg.blocks * cfg.m * cfg.rank * Math.ceil(cfg.batch / 4), WG, caps, 'this batch, n and rank'),
    ...checkBuffers(caps, [
      ['X', 4 * cfg.batch * cfg.n],
      ['Z', 4 * cfg.batch * cfg.blocks * cfg.m * cfg.rank],
    ]),
  ],
  inputs: (cfg, seed) => blockInputs(cfg, seed),
  reference: (cfg, inputs) => layerReference(bttOf(cfg, inputs), inputs.x, cfg.batch),
  emulate: (cfg, inputs) => layerEmulate(bttOf(cfg, inputs), inputs.x, cfg.batch),
  plan: (cfg, inputs, caps) => ({
    buffers: [
      dataBuffer('x', inputs.x as Float32Array),
      dataBuffer('r', inputs.r as Float32Array),
      dataBuffer('l', inputs.l as Float32Array),
      scratchBuffer('z', cfg.batch * cfg.blocks * cfg.m * cfg.rank),
      scratchBuffer('y', cfg.batch * cfg.n),
    ],
    dispatches: twoStageDispatches(cfg, caps, `BTT ρ${cfg.rank}`),
    output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.n },
  }),
  work: (cfg) => layerWork(emptyBtt(cfg), cfg.batch),
  shape: (cfg) => `n ${cfg.n}, b ${cfg.blocks} (m ${cfg.m}), rank ${cfg.rank}, batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.n, cfg.n),
  extras: (cfg, inputs, output) => blockExtras(cfg, inputs, output),
  notes: (cfg) => [`ρ·n·(m + b) = ${cfg.rank * cfg.n * (cfg.m + cfg.blocks)} multiply-adds per vector against n² = ${cfg.n * cfg.n}.`],
});
