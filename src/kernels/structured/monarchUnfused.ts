// Monarch, unfused: M = P·L·Pᵀ·R as two dispatches — stage 1 writes Z = R·x (b blocks of m×m) to
// memory, stage 2 reads it back through the shuffle and applies L (m blocks of b×b). The fused
// variant keeps Z in workgroup memory instead; this one pays a round trip of Z through memory.
import { defineVariant } from '../define';
import { paramSchema } from '../params';
import { checkBuffers } from '../schema';
import { BLOCK_FIELDS, blockConfig, blockExtras, blockInputs, blockProblems, bttOf, emptyBtt, twoStageDispatches } from './blockdiag';
import { FAMILY, dataBuffer, gridProblems, layerBaseline, layerEmulate, layerReference, layerWork, scratchBuffer, WG } from './common';

const schema = paramSchema(BLOCK_FIELDS);

export const monarchUnfused = defineVariant({
  family: FAMILY,
  id: 'monarch-unfused',
  label: 'Monarch, two dispatches (Z through memory)',
  summary: 'M = P·L·Pᵀ·R with block-diagonal L and R: one dispatch per block-diagonal factor, the intermediate written to memory between them.',
  schema,
  config: (v) => blockConfig(v, 1),
  limits: (cfg, caps) => [
    ...blockProblems(cfg),
    ...gridProblems(cfg.blocks * cfg.m * Math.ceil(cfg.batch / 4), WG, caps, 'this batch and n'),
    ...checkBuffers(caps, [
      ['X', 4 * cfg.batch * cfg.n],
      ['Z', 4 * cfg.batch * cfg.blocks * cfg.m],
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
      scratchBuffer('z', cfg.batch * cfg.blocks * cfg.m),
      scratchBuffer('y', cfg.batch * cfg.n),
    ],
    dispatches: twoStageDispatches(cfg, caps, 'Monarch'),
    output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.n },
  }),
  work: (cfg) => layerWork(emptyBtt(cfg), cfg.batch),
  shape: (cfg) => `n ${cfg.n}, b ${cfg.blocks} (m ${cfg.m}), batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.n, cfg.n),
  extras: (cfg, inputs, output) => blockExtras(cfg, inputs, output),
  notes: (cfg) => [
    `n·(m + b) = ${cfg.n * (cfg.m + cfg.blocks)} multiply-adds per vector against n² = ${cfg.n * cfg.n}` +
      (cfg.n % cfg.blocks ? `; n is not a multiple of b, so the last block is padded to m = ${cfg.m} (the padding is zero and never stored).` : '.'),
  ],
});
