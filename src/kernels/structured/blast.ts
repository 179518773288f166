// BLAST (Lee et al., "Block-Level Adaptive Structured Matrices", 2024): W in b×b blocks of p×p,
// block (i, j) = U_i·diag(s_ij)·V_jᵀ, the bases U_i (block row i) and V_j (block column j) shared
// and only the r couplings s_ij per block its own. y_i = U_i·Σ_j s_ij ⊙ (V_jᵀx_j): three stages,
// one dispatch (z = Vᵀx and w = Σ s ⊙ z of a workgroup's vectors stay in workgroup memory).
// r·(2n + b²) multiply-adds and parameters against n² dense. The factors here are random: the
// paper fits them to a dense W by gradient descent, which this lab does not do.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import type { Blast } from '../../numerics/structured';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkWorkgroup } from '../schema';
import { BATCH, FAMILY, WG, dataBuffer, grid, gridProblems, layerBaseline, layerEmulate, layerReference, layerWork, layerX, scratchBuffer } from './common';
import type { StructuredExtras } from './extras';

const schema = paramSchema({
  n: int('n (W is n×n)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048, 4096] }),
  blocks: int('Blocks b per side (blocks of p×p, p = ⌈n/b⌉)', 4, 1, 256, { choices: [2, 4, 8, 16] }),
  rank: int('Rank r of the shared bases', 16, 1, 1024, { choices: [4, 8, 16, 32, 64] }),
  batch: BATCH,
  tokens: int('Vectors per workgroup T', 2, 1, 8, { choices: [1, 2, 4, 8] }),
});

interface Config {
  n: number;
  blocks: number;
  p: number;
  rank: number;
  batch: number;
  tokens: number;
}

const BINDINGS = [
  readOnly('x', 'array<f32>', 'X, batch×n, one vector per row'),
  readOnly('bu', 'array<f32>', 'U[i][k][α]: left bases, one per block row', 'u'),
  readOnly('bv', 'array<f32>', 'V[j][k][α]: right bases, one per block column', 'v'),
  readOnly('cs', 'array<f32>', 's[i][j][α]: the diagonal coupling of each block', 's'),
  readWrite('y', 'array<f32>', 'Y, batch×n'),
];

const each = (count: number, f: (u: number) => string, sep = '\n    ') => Array.from({ length: count }, (_, u) => f(u)).join(sep);

export function blastWgsl(cfg: Config, gridX: number): string {
  const { n, blocks: b, p, rank: r, batch, tokens: T } = cfg;
  return /* wgsl */ `
const N = ${n}u;
const B = ${b}u;
const P = ${p}u;
const R = ${r}u;
const BR = ${b * r}u; // z (and w) entries per vector
const BATCH = ${batch}u;
const T = ${T}u;
const GRID_X = ${gridX}u;

${declareBindings(BINDINGS)}

var<workgroup> zs : array<f32, ${T * b * r}>; // z = Vᵀx per block column, [vector][j·R + α]
var<workgroup> ws : array<f32, ${T * b * r}>; // w = Σ_j s ⊙ z per block row, [vector][i·R + α]

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let t0 = (wid.x + wid.y * GRID_X) * T;
  ${each(T, (u) => `let row${u} = min(t0 + ${u}u, BATCH - 1u) * N;`, '\n  ')}
  // Stage 1: z[j][α] = Σ_k V[j][k][α]·x[j·P + k] (the last block may be short).
  for (var item = lid.x; item < BR; item += ${WG}u) {
    let j = item / R;
    let a = item % R;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var k = 0u; k < P; k++) {
      let col = j * P + k;
      if (col >= N) {
        break;
      }
      let w = bv[(j * P + k) * R + a];
      ${each(T, (u) => `acc${u} = fma(w, x[row${u} + col], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `zs[${u}u * BR + item] = acc${u};`)}
  }
  workgroupBarrier();
  // Stage 2: w[i][α] = Σ_j s[i][j][α]·z[j][α].
  for (var item = lid.x; item < BR; item += ${WG}u) {
    let i = item / R;
    let a = item % R;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var j = 0u; j < B; j++) {
      let c = cs[(i * B + j) * R + a];
      ${each(T, (u) => `acc${u} = fma(c, zs[${u}u * BR + j * R + a], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `ws[${u}u * BR + item] = acc${u};`)}
  }
  workgroupBarrier();
  // Stage 3: y[i·P + k] = Σ_α U[i][k][α]·w[i][α].
  for (var o = lid.x; o < N; o += ${WG}u) {
    let i = o / P;
    let k = o % P;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var a = 0u; a < R; a++) {
      let w = bu[(i * P + k) * R + a];
      ${each(T, (u) => `acc${u} = fma(w, ws[${u}u * BR + i * R + a], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `if (t0 + ${u}u < BATCH) { y[(t0 + ${u}u) * N + o] = acc${u}; }`)}
  }
}
`;
}

function structureOf(cfg: Config, inputs: Inputs): Blast {
  return { kind: 'blast', n: cfg.n, blocks: cfg.blocks, p: cfg.p, rank: cfg.rank, u: inputs.u, v: inputs.v, s: inputs.s };
}

export const blast = defineVariant({
  family: FAMILY,
  id: 'blast',
  label: 'BLAST: shared block bases, diagonal couplings',
  summary: 'Each p×p block is U_i·diag(s_ij)·V_jᵀ with bases shared along block rows and columns: three small stages in one dispatch.',
  schema,
  config: (v): Config => ({ ...v, p: Math.ceil(v.n / v.blocks) }),
  limits: (cfg, caps) => [
    ...(cfg.blocks > cfg.n ? [`b = ${cfg.blocks} blocks is more than n = ${cfg.n}`] : []),
    ...checkWorkgroup(caps, [WG, 1, 1], 8 * cfg.tokens * cfg.blocks * cfg.rank, `z and w of ${cfg.tokens} vectors (2·${cfg.blocks}·${cfg.rank})`),
    ...gridProblems(Math.ceil(cfg.batch / cfg.tokens), 1, caps, 'this batch'),
    ...checkBuffers(caps, [['X', 4 * cfg.batch * cfg.n]]),
  ],
  inputs: (cfg, seed) => {
    const { blocks: b, p, rank: r } = cfg;
    // Scales chosen so that y has entries of order 1.
    return {
      x: layerX(cfg.batch, cfg.n, seed),
      u: uniformArray(b * p * r, deriveSeed(seed, 16)).map((v) => v * Math.sqrt(3 / r)),
      v: uniformArray(b * p * r, deriveSeed(seed, 17)).map((v) => v * Math.sqrt(3 / p)),
      s: uniformArray(b * b * r, deriveSeed(seed, 18)).map((v) => v * Math.sqrt(3 / b)),
    };
  },
  reference: (cfg, inputs) => layerReference(structureOf(cfg, inputs), inputs.x, cfg.batch),
  emulate: (cfg, inputs) => layerEmulate(structureOf(cfg, inputs), inputs.x, cfg.batch),
  plan: (cfg, inputs, caps) => {
    const g = grid(Math.ceil(cfg.batch / cfg.tokens), 1, caps);
    return {
      buffers: [
        dataBuffer('x', inputs.x as Float32Array),
        dataBuffer('u', inputs.u as Float32Array),
        dataBuffer('v', inputs.v as Float32Array),
        dataBuffer('s', inputs.s as Float32Array),
        scratchBuffer('y', cfg.batch * cfg.n),
      ],
      dispatches: [
        {
          label: `BLAST b = ${cfg.blocks}, r = ${cfg.rank}, ${cfg.tokens} vectors per workgroup`,
          wgsl: blastWgsl(cfg, g.gridX),
          bindings: BINDINGS,
          workgroups: g.workgroups,
        },
      ],
      output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.n },
    };
  },
  work: (cfg) => layerWork(structureOf(cfg, {}), cfg.batch),
  shape: (cfg) => `n ${cfg.n}, ${cfg.blocks}×${cfg.blocks} blocks of ${cfg.p}, rank ${cfg.rank}, batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.n, cfg.n),
  extras: (cfg): StructuredExtras => {
    const macs = cfg.rank * (2 * cfg.blocks * cfg.p + cfg.blocks * cfg.blocks);
    const dense = cfg.n * cfg.n;
    return {
      kind: 'layer',
      nIn: cfg.n,
      nOut: cfg.n,
      batch: cfg.batch,
      costs: { params: macs, denseParams: dense, flops: 2 * cfg.batch * macs, denseFlops: 2 * cfg.batch * dense },
      picture: { type: 'shared-bases', n: cfg.n, blocks: cfg.blocks, p: cfg.p, rank: cfg.rank },
    };
  },
  notes: (cfg) => [
    `r·(2n + b²) = ${cfg.rank * (2 * cfg.blocks * cfg.p + cfg.blocks * cfg.blocks)} parameters and multiply-adds per vector against n² = ${cfg.n * cfg.n}; the factors are random (BLAST fits them by gradient descent, not done here).`,
  ],
});
