// A mixture-of-experts layer, Y = X_e·W_e for each token's expert e, in three layouts measured on
// the same routing (MegaBlocks: Gale et al., 2022):
//  - block-sparse: the tokens grouped by expert form a block-diagonal product; one dispatch walks
//    a table of row blocks (expert, first row, rows), each cut at its expert's last token, so no
//    token is dropped and nothing is padded to the busiest expert;
//  - padded: a batched GEMM over E experts each padded to the busiest expert's count (capacity =
//    max count, so nothing is dropped either), the padding rows read, multiplied and written;
//  - per-expert: the block-sparse tiles, one dispatch per expert that has tokens (a loop of GEMMs).
// All three run the register-blocked micro-kernel of BSR and dense blocked (microKernel.ts), so
// they differ only in which rows they visit and how many dispatches they take. The gather of
// tokens by expert (a permutation) is done on the host for all three and not timed; Y comes out in
// expert order (the un-permute is the inverse gather).
import { declareBindings, readOnly, uniform } from '../../gpu/bindings';
import { gamma } from '../../numerics/metrics';
import { groupByExpert, makeMoeProblem, moeCosts, moeReference, rowBlocks, type ExpertGrouping } from '../../numerics/sparseMoe';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers } from '../schema';
import type { BufferSpec, DeviceCaps, DispatchSpec, GpuPlan, ReferenceResult } from '../types';
import { checkGrid, gridFor } from './common';
import { moeExtras } from './extras';
import { C_BINDING, PADDED_B_BINDING, blockedProblems, columnTiles, microKernelWgsl, padColumnsTo4 } from './microKernel';

export type MoeStrategy = 'block-sparse' | 'padded' | 'per-expert';

export const MOE_STRATEGIES: [MoeStrategy, string][] = [
  ['block-sparse', 'Block-sparse: one kernel over the block-diagonal layout (MegaBlocks)'],
  ['padded', 'Padded batched GEMM: every expert padded to the busiest one'],
  ['per-expert', 'Loop of per-expert GEMMs: one dispatch per expert'],
];

const schema = paramSchema({
  tokens: int('Tokens T (each routed to one expert)', 1024, 1, 65536, { choices: [64, 256, 1024, 4096] }),
  hidden: int('Hidden size D (columns of X, rows of each W_e)', 256, 1, 4096, { choices: [64, 128, 256, 512] }),
  ffn: int('Expert width F (columns of each W_e and of Y)', 256, 1, 4096, { choices: [64, 128, 256, 512] }),
  experts: int('Experts E', 8, 1, 64, { choices: [1, 2, 4, 8, 16, 32, 64] }),
  skew: int('Routing skew (%)', 20, 0, 100, {
    choices: [0, 10, 20, 40, 70, 100],
    help: 'Each expert’s share of tokens is (100 − skew)% of the next busier one’s, in a seeded order: 0 routes uniformly, 100 sends every token to one expert.',
  }),
  strategy: oneOf('Layout', 'block-sparse', MOE_STRATEGIES),
  tile: int('Tile rows S (S×S blocks of X staged in workgroup memory)', 16, 1, 32, { choices: [4, 8, 16, 32] }),
  tn: int('Invocations per workgroup (4 columns each)', 16, 1, 256, { choices: [4, 8, 16, 32, 64] }),
});

export interface MoeConfig {
  tokens: number;
  hidden: number;
  ffn: number;
  experts: number;
  skew: number;
  strategy: MoeStrategy;
  tile: number;
  tn: number;
}

// ---- WGSL ---------------------------------------------------------------------------------------

const X_BINDING = readOnly('x', 'array<f32>', 'tokens X in expert order (T×D; padded: E·capacity×D), row-major');
const W_BINDING = { ...PADDED_B_BINDING, note: 'W_0 … W_{E−1} stacked, E·D×F4 vec4s, columns zero-padded to a multiple of 4' };
const Y_BINDING = { ...C_BINDING, note: 'Y in expert order (T×F; padded: E·capacity×F), row-major' };

export const BLOCK_SPARSE_BINDINGS = [readOnly('rowBlocks', 'array<RowBlock>', 'the row blocks of the block-diagonal layout'), X_BINDING, W_BINDING, Y_BINDING];
export const PADDED_BINDINGS = [X_BINDING, W_BINDING, Y_BINDING];
export const PER_EXPERT_BINDINGS = (expert: number) => [
  uniform('gemm', 'ExpertGemm', 'this dispatch’s expert and its rows', `gemm${expert}`),
  X_BINDING,
  W_BINDING,
  Y_BINDING,
];

/** What the three shaders share: constants, the row-block type and the tile loop around the micro-kernel. */
function moeCommonWgsl(cfg: MoeConfig, gridX: number): string {
  const { experts: E, hidden: D, ffn: F, tile: S, tn: TN } = cfg;
  return /* wgsl */ `
const D = ${D}u; // hidden size: columns of X, rows of each W_e
const K = ${E * D}u; // rows of the stacked weights (the micro-kernel's K)
const N = ${F}u; // expert width: columns of W_e and of Y
const N4 = ${Math.ceil(F / 4)}u; // columns of the padded weights, in vec4s
const S = ${S}u;
const TN = ${TN}u;
const COL_TILES = ${columnTiles(F, TN)}u;
const GRID_X = ${gridX}u;

// Rows firstRow … firstRow + rows − 1 of X (at most S), all routed to one expert.
struct RowBlock {
  expert : u32,
  firstRow : u32,
  rows : u32,
}`;
}

function tileLoopWgsl(S: number): string {
  return /* wgsl */ `
var<workgroup> blockTile : array<f32, ${S * S}>;

// Y[rows of the block, 4·col4 … 4·col4 + 3] = X[rows of the block, :] · W_expert. X's S×S tiles are
// staged with zeros past the block's rows and past D; the micro-kernel then reads weight rows
// expert·D + k0 + kk, which past D belong to the next expert, but meet staged zeros: 0·w adds
// exactly nothing.
fn multiplyRows(block : RowBlock, col4 : u32, lid : u32) {
  var acc : array<vec4f, ${S}>;
  for (var k0 = 0u; k0 < D; k0 += S) {
    for (var i = lid; i < S * S; i += TN) {
      let r = i / S;
      let k = k0 + i % S;
      var value = 0.0;
      if (r < block.rows && k < D) {
        value = x[(block.firstRow + r) * D + k];
      }
      blockTile[i] = value;
    }
    workgroupBarrier();
    if (col4 < N4) {
      multiplyBlock(block.expert * D + k0, col4, &acc);
    }
    workgroupBarrier();
  }
  if (col4 < N4) {
    for (var r = 0u; r < block.rows; r++) {
      storeRow(block.firstRow + r, col4, acc[r]);
    }
  }
}`;
}

export function moeBlockSparseWgsl(cfg: MoeConfig, blockCount: number, gridX: number): string {
  return /* wgsl */ `${moeCommonWgsl(cfg, gridX)}
const BLOCKS = ${blockCount}u;

${declareBindings(BLOCK_SPARSE_BINDINGS)}
${microKernelWgsl(cfg.tile)}
${tileLoopWgsl(cfg.tile)}

@compute @workgroup_size(${cfg.tn})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let index = wid.x + wid.y * GRID_X;
  if (index >= BLOCKS * COL_TILES) {
    return;
  }
  let col4 = (index % COL_TILES) * TN + lid.x;
  multiplyRows(rowBlocks[index / COL_TILES], col4, lid.x);
}
`;
}

export function moePaddedWgsl(cfg: MoeConfig, capacity: number, gridX: number): string {
  const tilesPerExpert = Math.ceil(capacity / cfg.tile);
  return /* wgsl */ `${moeCommonWgsl(cfg, gridX)}
const E = ${cfg.experts}u;
const CAPACITY = ${capacity}u; // rows per expert: the busiest expert's count
const TILES_PER_EXPERT = ${tilesPerExpert}u;

${declareBindings(PADDED_BINDINGS)}
${microKernelWgsl(cfg.tile)}
${tileLoopWgsl(cfg.tile)}

@compute @workgroup_size(${cfg.tn})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let index = wid.x + wid.y * GRID_X;
  if (index >= E * TILES_PER_EXPERT * COL_TILES) {
    return;
  }
  // Expert e owns rows e·CAPACITY … (e + 1)·CAPACITY − 1, its padding rows (zeros) included.
  let tile = index / COL_TILES;
  let expert = tile / TILES_PER_EXPERT;
  let firstInExpert = (tile % TILES_PER_EXPERT) * S;
  let block = RowBlock(expert, expert * CAPACITY + firstInExpert, min(S, CAPACITY - firstInExpert));
  multiplyRows(block, (index % COL_TILES) * TN + lid.x, lid.x);
}
`;
}

export function moePerExpertWgsl(cfg: MoeConfig, gridX: number): string {
  return /* wgsl */ `${moeCommonWgsl(cfg, gridX)}

// One GEMM's arguments, as a host loop would pass them to each call.
struct ExpertGemm {
  expert : u32,
  firstRow : u32,
  rows : u32,
}

${declareBindings(PER_EXPERT_BINDINGS(0))}
${microKernelWgsl(cfg.tile)}
${tileLoopWgsl(cfg.tile)}

@compute @workgroup_size(${cfg.tn})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let index = wid.x + wid.y * GRID_X;
  let tiles = (gemm.rows + S - 1u) / S;
  if (index >= tiles * COL_TILES) {
    return;
  }
  let firstInExpert = (index / COL_TILES) * S;
  let block = RowBlock(gemm.expert, gemm.firstRow + firstInExpert, min(S, gemm.rows - firstInExpert));
  multiplyRows(block, (index % COL_TILES) * TN + lid.x, lid.x);
}
`;
}

// ---- layout and plan ----------------------------------------------------------------------------

function groupingOf(inputs: Inputs, E: number): ExpertGrouping {
  return groupByExpert(inputs.expertOf as Uint32Array, E);
}

/** Rows of X in expert order; with `capacity`, expert e's tokens start at row e·capacity and the rest are zeros. */
function gatherTokens(x: Float32Array, g: ExpertGrouping, D: number, capacity?: number): Float32Array {
  const E = g.counts.length;
  const out = new Float32Array((capacity === undefined ? g.order.length : E * capacity) * D);
  for (let e = 0; e < E; e++) {
    for (let i = 0; i < g.counts[e]; i++) {
      const row = capacity === undefined ? g.offsets[e] + i : e * capacity + i;
      const token = g.order[g.offsets[e] + i];
      out.set(x.subarray(token * D, token * D + D), row * D);
    }
  }
  return out;
}

/** The output row of the i-th token of expert e (position p in expert order) in each layout. */
function outputLayout(cfg: MoeConfig, g: ExpertGrouping): { rows: number; rowOf: (p: number, e: number, i: number) => number } {
  if (cfg.strategy !== 'padded') return { rows: cfg.tokens, rowOf: (p) => p };
  const capacity = Math.max(...g.counts);
  return { rows: cfg.experts * capacity, rowOf: (_p, e, i) => e * capacity + i };
}

function plan(cfg: MoeConfig, inputs: Inputs, caps: DeviceCaps): GpuPlan {
  const { tokens: T, hidden: D, ffn: F, experts: E, tile: S } = cfg;
  const g = groupingOf(inputs, E);
  const x = inputs.x as Float32Array;
  const weights: BufferSpec = { name: 'b', data: padColumnsTo4(inputs.w as Float32Array, E * D, F), usage: 'storage' };
  const colTiles = columnTiles(F, cfg.tn);
  const output = (rows: number): BufferSpec => ({ name: 'c', bytes: 4 * rows * F, usage: 'storage' });
  if (cfg.strategy === 'padded') {
    const capacity = Math.max(...g.counts);
    const { workgroups, gridX } = gridFor(E * Math.ceil(capacity / S) * colTiles, caps);
    return {
      buffers: [{ name: 'x', data: gatherTokens(x, g, D, capacity), usage: 'storage' }, weights, output(E * capacity)],
      dispatches: [
        { label: `padded batched GEMM: ${E} experts × ${capacity} rows`, wgsl: moePaddedWgsl(cfg, capacity, gridX), bindings: PADDED_BINDINGS, workgroups },
      ],
      output: { buffer: 'c', type: 'f32', count: E * capacity * F },
    };
  }
  const xGrouped: BufferSpec = { name: 'x', data: gatherTokens(x, g, D), usage: 'storage' };
  if (cfg.strategy === 'per-expert') {
    const buffers: BufferSpec[] = [xGrouped, weights, output(T)];
    const dispatches: DispatchSpec[] = [];
    // The grid of the largest expert fits every expert; each shader returns past its own tiles.
    const { gridX } = gridFor(Math.ceil(Math.max(...g.counts) / S) * colTiles, caps);
    const wgsl = moePerExpertWgsl(cfg, gridX);
    g.counts.forEach((count, e) => {
      if (count === 0) return; // a loop over experts launches nothing for an expert without tokens
      buffers.push({ name: `gemm${e}`, data: Uint32Array.of(e, g.offsets[e], count, 0), usage: 'uniform' });
      const tiles = Math.ceil(count / S) * colTiles;
      dispatches.push({
        label: `expert ${e}: ${count} tokens`,
        wgsl,
        bindings: PER_EXPERT_BINDINGS(e),
        workgroups: [Math.min(gridX, tiles), Math.ceil(tiles / gridX)],
      });
    });
    return { buffers, dispatches, output: { buffer: 'c', type: 'f32', count: T * F } };
  }
  const blocks = rowBlocks(g.counts, S);
  const blockCount = blocks.length / 3;
  const { workgroups, gridX } = gridFor(blockCount * colTiles, caps);
  return {
    buffers: [{ name: 'rowBlocks', data: blocks, usage: 'storage' }, xGrouped, weights, output(T)],
    dispatches: [
      {
        label: `block-sparse: ${blockCount} row blocks of ≤ ${S} rows`,
        wgsl: moeBlockSparseWgsl(cfg, blockCount, gridX),
        bindings: BLOCK_SPARSE_BINDINGS,
        workgroups,
      },
    ],
    output: { buffer: 'c', type: 'f32', count: T * F },
  };
}

function reference(cfg: MoeConfig, inputs: Inputs): ReferenceResult {
  const g = groupingOf(inputs, cfg.experts);
  const layout = outputLayout(cfg, g);
  const { values, bound } = moeReference(inputs.x as Float32Array, inputs.w as Float32Array, g, cfg.hidden, cfg.ffn, layout.rows, layout.rowOf);
  const padding = layout.rows - cfg.tokens;
  return {
    values,
    bound,
    boundNote:
      `|error| ≤ γ_D·Σ|x·w| per output (D = ${cfg.hidden}, γ ≈ ${gamma(cfg.hidden).toExponential(2)}), rows in expert order` +
      (padding > 0 ? `; the ${padding} padding rows must be exactly 0` : ''),
    rows: layout.rows,
    cols: cfg.ffn,
  };
}

function limits(cfg: MoeConfig, caps: DeviceCaps): string[] {
  const { tokens: T, hidden: D, ffn: F, experts: E, tile: S, tn: TN } = cfg;
  const colTiles = columnTiles(F, TN);
  // The padded layout is as large as E·capacity rows, at worst (one expert takes every token) E·T.
  const rows = cfg.strategy === 'padded' ? E * T : T;
  const what = cfg.strategy === 'padded' ? ' (padded, if one expert took every token)' : '';
  return [
    ...blockedProblems({ M: T, N: F, bsr: S, tn: TN }, caps),
    ...checkGrid((cfg.strategy === 'padded' ? E * Math.ceil(T / S) : Math.ceil(T / S) + E) * colTiles, caps, `the tiles of ${T} tokens`),
    ...checkBuffers(caps, [
      [`X${what}`, 4 * rows * D],
      ['W (all experts)', 4 * E * D * Math.ceil(F / 4) * 4],
      [`Y${what}`, 4 * rows * F],
    ]),
  ];
}

export const moeGrouped = defineVariant({
  family: 'sparse',
  id: 'moe-grouped',
  label: 'Mixture-of-experts GEMM: block-sparse, padded or per expert (MegaBlocks)',
  summary:
    'Tokens routed to E experts with uneven counts, multiplied by their expert’s weights: one block-sparse kernel over the block-diagonal layout (no token dropped, none padded), against a padded batched GEMM and a loop of per-expert GEMMs on the same routing.',
  schema,
  config: (v): MoeConfig => v,
  limits,
  inputs: (cfg, seed) => makeMoeProblem(cfg.tokens, cfg.hidden, cfg.ffn, cfg.experts, cfg.skew, seed),
  reference,
  noEmulationReason: 'no CPU version: the three layouts compute the same float32 sums and differ only in how they use the GPU',
  plan,
  // Useful work (2·T·D·F flops; X, W and Y once) for every layout, so GFLOP/s compare like time;
  // what padding adds is in the lab's cost table (extras).
  work: (cfg) => ({
    flops: 2 * cfg.tokens * cfg.hidden * cfg.ffn,
    bytes: 4 * (cfg.tokens * cfg.hidden + cfg.experts * cfg.hidden * cfg.ffn + cfg.tokens * cfg.ffn),
  }),
  shape: (cfg) => `T=${cfg.tokens} D=${cfg.hidden} F=${cfg.ffn} E=${cfg.experts} skew ${cfg.skew}%`,
  extras: (cfg, inputs) => {
    const g = groupingOf(inputs, cfg.experts);
    return moeExtras({
      counts: g.counts,
      hidden: cfg.hidden,
      ffn: cfg.ffn,
      tile: cfg.tile,
      strategy: cfg.strategy,
      costs: moeCosts(g.counts, cfg.hidden, cfg.ffn, cfg.tile),
      layouts: MOE_STRATEGIES.map(([strategy, label]) => ({ strategy, label, params: { ...cfg, strategy } })),
    });
  },
  notes: (cfg) => [
    'The tokens are grouped by expert on the host, untimed, for every layout; Y is written in expert order.',
    cfg.strategy === 'per-expert'
      ? 'One dispatch per expert that has tokens, in one compute pass; an expert without tokens launches nothing.'
      : cfg.strategy === 'padded'
        ? 'Capacity is the busiest expert’s count, so no token is dropped: every other expert computes and stores padding rows.'
        : 'Each expert’s last row block is cut at its last token: rows of one block never belong to two experts.',
  ],
  baseline: (cfg) => (cfg.strategy === 'padded' ? null : { variant: 'moe-grouped', params: { ...cfg, strategy: 'padded' } }),
});
