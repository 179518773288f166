// Monarch, fused: both block-diagonal products in one dispatch. A workgroup takes T vectors,
// computes Z = R·x for all of them into workgroup memory, waits at one barrier, and applies L
// through the shuffle reading Z from there — Z never goes to memory. Workgroup memory holds
// T·b·m floats, which caps T·n (16 KiB: T·n ≤ 4096).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkWorkgroup } from '../schema';
import type { DeviceCaps } from '../types';
import { BLOCK_FIELDS, blockConfig, blockExtras, blockInputs, blockProblems, bttOf, emptyBtt, type BlockConfig } from './blockdiag';
import { FAMILY, dataBuffer, grid, gridProblems, layerBaseline, layerEmulate, layerReference, layerWork, scratchBuffer, WG } from './common';

const schema = paramSchema({
  ...BLOCK_FIELDS,
  tokens: int('Vectors per workgroup T (Z of all T stays in workgroup memory)', 2, 1, 8, { choices: [1, 2, 4, 8] }),
});

interface FusedConfig extends BlockConfig {
  tokens: number;
}

const BINDINGS = [
  readOnly('x', 'array<f32>', 'X, batch×n, one vector per row'),
  readOnly('coreR', 'array<f32>', 'R: b blocks of m×m, R[j][l][k]', 'r'),
  readOnly('coreL', 'array<f32>', 'L: m blocks of b×b, L[l][i][j]', 'l'),
  readWrite('y', 'array<f32>', 'Y, batch×n'),
];

const each = (count: number, f: (u: number) => string, sep = '\n    ') => Array.from({ length: count }, (_, u) => f(u)).join(sep);

export function monarchFusedWgsl(cfg: FusedConfig, gridX: number): string {
  const { n, blocks: b, m, batch, tokens: T } = cfg;
  return /* wgsl */ `
const N = ${n}u;
const B = ${b}u;
const M = ${m}u;
const BM = ${b * m}u; // z entries per vector (n padded to b·m)
const BATCH = ${batch}u;
const T = ${T}u; // vectors per workgroup
const GRID_X = ${gridX}u;

${declareBindings(BINDINGS)}

var<workgroup> zs : array<f32, ${T * b * m}>; // Z of the T vectors, [vector][j·M + l]

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let t0 = (wid.x + wid.y * GRID_X) * T;
  // Vectors past the batch (the last workgroup) read the last row and are not stored. The
  // workgroup never returns early: every invocation must reach the barrier.
  ${each(T, (u) => `let row${u} = min(t0 + ${u}u, BATCH - 1u) * N;`, '\n  ')}

  // Stage 1: z[j·M + l] = Σ_k R[j][l][k]·x[j·M + k], each weight loaded once for the T vectors.
  for (var item = lid.x; item < BM; item += ${WG}u) {
    let j = item / M;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var k = 0u; k < M; k++) {
      let col = j * M + k;${
        cfg.n % cfg.blocks
          ? `
      if (col >= N) {
        break; // padding of the last block
      }`
          : ''
      }
      let w = coreR[item * M + k];
      ${each(T, (u) => `acc${u} = fma(w, x[row${u} + col], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `zs[${u}u * BM + item] = acc${u};`)}
  }
  workgroupBarrier();

  // Stage 2, through the shuffle: y[i·M + l] = Σ_j L[l][i][j]·z[j·M + l].
  for (var o = lid.x; o < BM; o += ${WG}u) {
    let i = o / M;
    let l = o % M;${
      cfg.n % cfg.blocks
        ? `
    if (i * M + l >= N) {
      continue; // a padded output row
    }`
        : ''
    }
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var j = 0u; j < B; j++) {
      let w = coreL[(l * B + i) * B + j];
      ${each(T, (u) => `acc${u} = fma(w, zs[${u}u * BM + j * M + l], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `if (t0 + ${u}u < BATCH) { y[(t0 + ${u}u) * N + i * M + l] = acc${u}; }`)}
  }
}
`;
}

function workgroups(cfg: FusedConfig, caps: DeviceCaps) {
  return grid(Math.ceil(cfg.batch / cfg.tokens), 1, caps);
}

export const monarchFused = defineVariant({
  family: FAMILY,
  id: 'monarch-fused',
  label: 'Monarch, fused (Z in workgroup memory)',
  summary: 'M = P·L·Pᵀ·R in one dispatch: each workgroup computes R·x for T vectors into workgroup memory, then applies L through the shuffle.',
  schema,
  config: ({ tokens, ...v }): FusedConfig => ({ ...blockConfig(v, 1), tokens }),
  limits: (cfg, caps) => [
    ...blockProblems(cfg),
    ...checkWorkgroup(caps, [WG, 1, 1], 4 * cfg.tokens * cfg.blocks * cfg.m, `Z of ${cfg.tokens} vectors of ${cfg.blocks * cfg.m}`),
    ...gridProblems(Math.ceil(cfg.batch / cfg.tokens), 1, caps, 'this batch'),
    ...checkBuffers(caps, [['X', 4 * cfg.batch * cfg.n]]),
  ],
  inputs: (cfg, seed) => blockInputs(cfg, seed),
  reference: (cfg, inputs) => layerReference(bttOf(cfg, inputs), inputs.x, cfg.batch),
  emulate: (cfg, inputs) => layerEmulate(bttOf(cfg, inputs), inputs.x, cfg.batch),
  plan: (cfg, inputs, caps) => {
    const g = workgroups(cfg, caps);
    return {
      buffers: [
        dataBuffer('x', inputs.x as Float32Array),
        dataBuffer('r', inputs.r as Float32Array),
        dataBuffer('l', inputs.l as Float32Array),
        scratchBuffer('y', cfg.batch * cfg.n),
      ],
      dispatches: [
        {
          label: `Monarch fused, b = ${cfg.blocks}, ${cfg.tokens} vectors per workgroup`,
          wgsl: monarchFusedWgsl(cfg, g.gridX),
          bindings: BINDINGS,
          workgroups: g.workgroups,
        },
      ],
      output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.n },
    };
  },
  work: (cfg) => layerWork(emptyBtt(cfg), cfg.batch),
  shape: (cfg) => `n ${cfg.n}, b ${cfg.blocks} (m ${cfg.m}), batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.n, cfg.n),
  extras: (cfg, inputs, output) => blockExtras(cfg, inputs, output),
  notes: (cfg) => [
    `One dispatch, one barrier per workgroup; Z (${4 * cfg.tokens * cfg.blocks * cfg.m} bytes for ${cfg.tokens} vectors) never leaves workgroup memory.`,
  ],
});
