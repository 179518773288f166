// What Monarch and the two-core block tensor-train share: the structure on n = b·m (padded), its
// schema fields, seeded or projected factors, the two block-diagonal stages as two dispatches, and
// the panel's extras (costs, picture, approximation error against the number of blocks).
//
//   stage 1 (core R, b blocks):  z[j][l][α] = Σ_k R[j][l][α][k] · x[j·m + k]
//   stage 2 (core L, m blocks):  y[i·m + l] = Σ_{j,α} L[l][i][j][α] · z[j][l][α]
// With rank ρ = 1 this is a Monarch matrix P·L·Pᵀ·R (Dao et al. 2022): R block-diagonal with b
// blocks of m×m, L block-diagonal with m blocks of b×b, P the perfect shuffle that turns "block j,
// offset l" into "block l, offset j". Parameters and multiply-adds per vector: ρ·n·(m + b), against
// n² dense — least at b = √n.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { rankErrorCurve } from '../../numerics/linalg';
import {
  DENSE_TARGETS,
  costOf,
  denseTarget,
  projectBtt,
  randomBtt,
  memoSvd,
  relativeApproximationError,
  roundFactors,
  type Btt,
  type DenseTarget,
} from '../../numerics/structured';
import { deriveSeed } from '../../numerics/prng';
import { frobenius, frobeniusDiff, matmul64, transpose64 } from '../../numerics/linalg';
import type { Inputs } from '../define';
import { int, oneOf } from '../params';
import type { DeviceCaps, DispatchSpec } from '../types';
import { BATCH, WG, grid, layerX } from './common';
import type { LayerExtras } from './extras';
import { SVD_LIMIT } from './lowrank';

/** Projection onto the class is done for n up to this (dense targets are built in O(n³)). */
export const PROJECT_LIMIT = 512;

/** Tokens (vectors) each invocation of the unfused stages computes, reusing every weight it loads. */
export const TOKENS = 4;

export const BLOCK_FIELDS = {
  n: int('n (W is n×n)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048, 4096] }),
  blocks: int('Blocks b (R has b blocks of m×m, m = ⌈n/b⌉)', 16, 1, 4096, { choices: [2, 4, 8, 16, 32, 64] }),
  batch: BATCH,
  source: oneOf('Factors', 'random', [
    ['random', 'Random factors (the kernel error only)'],
    ['project', 'Projection of a dense W onto the class (rank-ρ SVD of each block slice)'],
  ]),
  target: oneOf(
    'Dense W to approximate',
    'near-monarch',
    DENSE_TARGETS.map((t) => [t.value, t.label] as [DenseTarget, string]),
  ),
};

export interface BlockConfig {
  n: number;
  blocks: number;
  /** ⌈n/b⌉: the size of R's blocks and the number of L's blocks. */
  m: number;
  rank: number;
  batch: number;
  source: 'random' | 'project';
  target: DenseTarget;
}

export function blockConfig(v: { n: number; blocks: number; batch: number; source: 'random' | 'project'; target: DenseTarget }, rank: number): BlockConfig {
  return { ...v, rank, m: Math.ceil(v.n / v.blocks) };
}

export function blockProblems(cfg: BlockConfig): string[] {
  const problems: string[] = [];
  if (cfg.blocks > cfg.n) problems.push(`b = ${cfg.blocks} blocks is more than n = ${cfg.n}`);
  if (cfg.source === 'project' && cfg.n > PROJECT_LIMIT)
    problems.push(`projecting a dense W is limited to n ≤ ${PROJECT_LIMIT} here (the dense test matrices are built in O(n³) on the CPU); use random factors`);
  return problems;
}

export function blockInputs(cfg: BlockConfig, seed: number): Inputs {
  const x = layerX(cfg.batch, cfg.n, seed);
  if (cfg.source === 'project') {
    const w = Float32Array.from(denseTarget(cfg.target, cfg.n, deriveSeed(seed, 10)));
    const s = roundFactors(projectBtt(w, cfg.n, cfg.blocks, cfg.rank));
    return { x, r: s.r as Float32Array, l: s.l as Float32Array, w };
  }
  const s = randomBtt(cfg.n, cfg.blocks, cfg.rank, deriveSeed(seed, 13));
  return { x, r: Float32Array.from(s.r), l: Float32Array.from(s.l) };
}

export function bttOf(cfg: BlockConfig, inputs: Inputs): Btt {
  return { kind: 'btt', n: cfg.n, blocks: cfg.blocks, m: cfg.m, rank: cfg.rank, r: inputs.r, l: inputs.l };
}

export function emptyBtt(cfg: BlockConfig): Btt {
  return { kind: 'btt', n: cfg.n, blocks: cfg.blocks, m: cfg.m, rank: cfg.rank, r: [], l: [] };
}

// ---- the two stages as two dispatches -------------------------------------------------------------

const STAGE1_BINDINGS = [
  readOnly('x', 'array<f32>', 'X, batch×n, one vector per row'),
  readOnly('coreR', 'array<f32>', 'core R: R[j][l][α][k]', 'r'),
  readWrite('z', 'array<f32>', 'Z, batch×(b·m·ρ): z[j][l][α] per vector'),
];

const STAGE2_BINDINGS = [
  readOnly('z', 'array<f32>', 'Z from stage 1'),
  readOnly('coreL', 'array<f32>', 'core L: L[l][i][j][α]', 'l'),
  readWrite('y', 'array<f32>', 'Y, batch×n'),
];

const lanes = (f: (u: number) => string) => Array.from({ length: TOKENS }, (_, u) => f(u)).join(', ');

/** Stage 1: one invocation per (group of TOKENS vectors, j, l, α), a dot product over block j of x. */
export function stage1Wgsl(cfg: BlockConfig, gridX: number): string {
  const { n, blocks: b, m, rank: rho, batch } = cfg;
  return /* wgsl */ `
const N = ${n}u;
const B = ${b}u;
const M = ${m}u;
const RHO = ${rho}u;
const BATCH = ${batch}u;
const ITEMS = ${b * m * rho}u; // z entries per vector
const GROUPS = ${Math.ceil(batch / TOKENS)}u; // groups of ${TOKENS} vectors
const GRID_X = ${gridX}u;

${declareBindings(STAGE1_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= ITEMS * GROUPS) {
    return;
  }
  let item = id % ITEMS; // (j·M + l)·RHO + α
  let t0 = (id / ITEMS) * ${TOKENS}u;
  let j = item / (M * RHO);
  // Vectors past the batch read the last row (valid memory) and are not stored.
  ${Array.from({ length: TOKENS }, (_, u) => `let row${u} = min(t0 + ${u}u, BATCH - 1u) * N;`).join('\n  ')}
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < M; k++) {
    let col = j * M + k;${
      cfg.n % cfg.blocks
        ? `
    if (col >= N) {
      break; // the padding of the last block is zero
    }`
        : ''
    }
    let w = coreR[item * M + k];
    acc = fma(vec4<f32>(w), vec4<f32>(${lanes((u) => `x[row${u} + col]`)}), acc);
  }
  ${Array.from({ length: TOKENS }, (_, u) => `if (t0 + ${u}u < BATCH) { z[(t0 + ${u}u) * ITEMS + item] = acc[${u}]; }`).join('\n  ')}
}
`;
}

/** Stage 2: one invocation per (group of TOKENS vectors, output i·m + l), a dot product over j and α. */
export function stage2Wgsl(cfg: BlockConfig, gridX: number): string {
  const { n, blocks: b, m, rank: rho, batch } = cfg;
  return /* wgsl */ `
const N = ${n}u;
const B = ${b}u;
const M = ${m}u;
const RHO = ${rho}u;
const BATCH = ${batch}u;
const ITEMS = ${b * m * rho}u; // z entries per vector
const OUTS = ${b * m}u; // outputs per vector, padding included
const GROUPS = ${Math.ceil(batch / TOKENS)}u;
const GRID_X = ${gridX}u;

${declareBindings(STAGE2_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= OUTS * GROUPS) {
    return;
  }
  let o = id % OUTS;
  let t0 = (id / OUTS) * ${TOKENS}u;
  let i = o / M;
  let l = o % M;
  if (i * M + l >= N) {
    return; // a padded output row
  }
  ${Array.from({ length: TOKENS }, (_, u) => `let zrow${u} = min(t0 + ${u}u, BATCH - 1u) * ITEMS;`).join('\n  ')}
  var acc = vec4<f32>(0.0);
  for (var j = 0u; j < B; j++) {
    for (var a = 0u; a < RHO; a++) {
      let w = coreL[((l * B + i) * B + j) * RHO + a];
      let zi = (j * M + l) * RHO + a;
      acc = fma(vec4<f32>(w), vec4<f32>(${lanes((u) => `z[zrow${u} + zi]`)}), acc);
    }
  }
  ${Array.from({ length: TOKENS }, (_, u) => `if (t0 + ${u}u < BATCH) { y[(t0 + ${u}u) * N + i * M + l] = acc[${u}]; }`).join('\n  ')}
}
`;
}

export function twoStageDispatches(cfg: BlockConfig, caps: DeviceCaps, label: string): DispatchSpec[] {
  const groups = Math.ceil(cfg.batch / TOKENS);
  const g1 = grid(cfg.blocks * cfg.m * cfg.rank * groups, WG, caps);
  const g2 = grid(cfg.blocks * cfg.m * groups, WG, caps);
  return [
    {
      label: `${label} stage 1: Z = R·x (b = ${cfg.blocks} blocks of ${cfg.m}×${cfg.m})`,
      wgsl: stage1Wgsl(cfg, g1.gridX),
      bindings: STAGE1_BINDINGS,
      workgroups: g1.workgroups,
    },
    {
      label: `${label} stage 2: y = P·L·Pᵀ·Z (${cfg.m} blocks of ${cfg.blocks}×${cfg.blocks})`,
      wgsl: stage2Wgsl(cfg, g2.gridX),
      bindings: STAGE2_BINDINGS,
      workgroups: g2.workgroups,
    },
  ];
}

// ---- extras -------------------------------------------------------------------------------------

/** Block counts the approximation curve tries: powers of two up to n, and the run's own b. */
function blockChoices(n: number, own: number): number[] {
  const out = new Set<number>([own]);
  for (let b = 1; b <= n; b *= 2) out.add(b);
  return [...out].sort((x, y) => x - y);
}

export function blockExtras(cfg: BlockConfig, inputs: Inputs, output: ArrayLike<number>): LayerExtras {
  const s = bttOf(cfg, inputs);
  const { params, macsPerVector } = costOf(s);
  const dense = cfg.n * cfg.n;
  const extras: LayerExtras = {
    kind: 'layer',
    nIn: cfg.n,
    nOut: cfg.n,
    batch: cfg.batch,
    costs: { params, denseParams: dense, flops: 2 * cfg.batch * macsPerVector, denseFlops: 2 * cfg.batch * dense },
    picture: { type: 'block-diagonal', n: cfg.n, blocks: cfg.blocks, m: cfg.m, rank: cfg.rank },
  };
  if (cfg.source === 'project' && inputs.w) {
    const w = inputs.w;
    const yDense = matmul64(inputs.x, transpose64(w, cfg.n, cfg.n), cfg.batch, cfg.n, cfg.n);
    const matrixError = relativeApproximationError(w, s);
    extras.approximation = {
      target: DENSE_TARGETS.find((t) => t.value === cfg.target)?.label ?? cfg.target,
      matrixError,
      outputError: frobeniusDiff(output, yDense) / Math.max(1e-300, frobenius(yDense)),
    };
    const series: NonNullable<LayerExtras['curve']>['series'] = [];
    const points = blockChoices(cfg.n, cfg.blocks).map((b) => {
      const p = projectBtt(w, cfg.n, b, cfg.rank);
      return { x: costOf(p).params / dense, y: relativeApproximationError(w, p), b };
    });
    series.push({
      name: `${cfg.rank === 1 ? 'Monarch' : `BTT rank ${cfg.rank}`}, b = ${points.map((p) => p.b).join(', ')} (projection, float64)`,
      points: points.map(({ x, y }) => ({ x, y })),
      markers: true,
    });
    if (cfg.n <= SVD_LIMIT) {
      const d = memoSvd(w, cfg.n);
      const curve = rankErrorCurve(d.s);
      series.push({
        name: 'best low rank r (Eckart–Young), same parameters',
        points: curve.map((y, r) => ({ x: (2 * r * cfg.n) / dense, y })).filter((p) => p.x <= 1),
        dashed: true,
      });
    }
    extras.curve = {
      title: 'Approximation error against parameters',
      xLabel: 'parameters / n² (dense = 1)',
      yLabel: '‖W − W_structure‖_F / ‖W‖_F',
      logX: true,
      series,
      marker: { x: params / dense, y: matrixError, label: `this run: b = ${cfg.blocks} (float32 factors)` },
      note: 'Each Monarch point is the analytical optimum for its b (exact, not fitted); b = 1 and b = n are dense (R or L is one full block). Low rank with the same parameter count is drawn from W’s singular values.',
    };
  }
  return extras;
}
