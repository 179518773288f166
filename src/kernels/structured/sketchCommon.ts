// What the randomized estimators of AᵀB share (A: n×d, B: n×m): the schema fields, seeded inputs
// (A is handed to the GPU transposed, d×n, so that every product is a plain row-major one), the
// final register-blocked product (SA)ᵀ·(SB), the gather kernel of the sampling estimators, and the
// extras: the estimate's error against the exact AᵀB beside the theory line ε·‖A‖_F‖B‖_F.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { frobenius, frobeniusDiff, transpose64 } from '../../numerics/linalg';
import { atb64, sketchEpsilon, sketchInputs, sketchRms, type Bounded, type RowSample, type SketchInput } from '../../numerics/sketch';
import type { Inputs } from '../define';
import { int, oneOf } from '../params';
import { checkBuffers } from '../schema';
import type { DeviceCaps, DispatchSpec, ReferenceResult } from '../types';
import { WG, dataBuffer, denseProduct, grid, scratchBuffer } from './common';
import type { SketchExtras } from './extras';

export const SKETCH_FIELDS = {
  n: int('n (rows of A and B: the long, summed dimension)', 4096, 2, 65536, { choices: [1024, 4096, 16384] }),
  d: int('d (columns of A)', 64, 1, 1024, { choices: [16, 64, 256, 512] }),
  m: int('m (columns of B)', 64, 1, 1024, { choices: [16, 64, 256, 512] }),
  // Not `k`: that key names the variant in a link.
  sketch: int('Sketch size k', 256, 1, 8192, { choices: [16, 32, 64, 128, 256, 512, 1024] }),
  input: oneOf('Inputs', 'dense', [
    ['dense', 'Dense (uniform, with a shared low-rank part so AᵀB is not ≈ 0)'],
    ['sparse', 'Sparse (s random non-zeros per row)'],
  ]),
  nnz: int('Non-zeros per row s (sparse inputs)', 4, 1, 1024, { choices: [1, 2, 4, 8, 16] }),
};

export interface SketchConfig {
  n: number;
  d: number;
  m: number;
  k: number;
  input: SketchInput;
  nnz: number;
}

/** A (n×d) and B (n×m) as generated, and Aᵀ (d×n) as the GPU reads it. */
export function sketchProblem(cfg: SketchConfig, seed: number): Inputs {
  const { a, b } = sketchInputs(cfg.n, cfg.d, cfg.m, cfg.input, cfg.nnz, seed);
  return { a, b, at: Float32Array.from(transpose64(a, cfg.n, cfg.d)) };
}

export function sketchBufferProblems(cfg: SketchConfig, caps: DeviceCaps, extra: [string, number][] = []): string[] {
  return checkBuffers(caps, [['A', 4 * cfg.n * cfg.d], ['B', 4 * cfg.n * cfg.m], ['AᵀB', 4 * cfg.d * cfg.m], ...extra]);
}

export function boundedReference(result: Bounded, cfg: SketchConfig, what: string): ReferenceResult {
  return {
    values: result.values,
    bound: result.err.map((e) => e * (1 + 1e-6) + 1e-30),
    boundNote: `${what}: the same estimate (same seed, same sketch) in float64; each product’s float32 rounding γ_k·|·||·| carried through`,
    rows: cfg.d,
    cols: cfg.m,
  };
}

/** The last product, Ŵ = (SA)ᵀ·(SB), on the register-blocked kernel. */
export function finalProduct(cfg: SketchConfig, k: number): DispatchSpec {
  return denseProduct('Ŵ = (SA)ᵀ·(SB)', { M: cfg.d, K: Math.max(1, k), N: cfg.m }, { a: 'sat', b: 'sb', c: 'w' });
}

// ---- the sampling estimators: gather the sampled rows, weighted, then one product ---------------------

const GATHER_BINDINGS = [
  readOnly('at', 'array<f32>', 'Aᵀ, d×n'),
  readOnly('b', 'array<f32>', 'B, n×m'),
  readOnly('rows', 'array<u32>', 'the sampled row of each sample'),
  readOnly('weights', 'array<f32>', 'the weight of each sample'),
  readWrite('sat', 'array<f32>', '(SA)ᵀ, d×k: column s = w_s·a_{t_s}'),
  readWrite('sb', 'array<f32>', 'SB, k×m: row s = b_{t_s}'),
];

export function gatherWgsl(cfg: SketchConfig, samples: number, gridX: number): string {
  return /* wgsl */ `
const N = ${cfg.n}u;
const D = ${cfg.d}u;
const M = ${cfg.m}u;
const S = ${samples}u; // samples kept
const GRID_X = ${gridX}u;

${declareBindings(GATHER_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= S * max(D, M)) {
    return;
  }
  let s = id % S;
  let col = id / S;
  let t = rows[s];
  if (col < D) {
    sat[col * S + s] = weights[s] * at[col * N + t];
  }
  if (col < M) {
    sb[s * M + col] = b[t * M + col];
  }
}
`;
}

export function sampledPlan(cfg: SketchConfig, inputs: Inputs, sample: RowSample, caps: DeviceCaps) {
  const S = sample.rows.length;
  const g = grid(Math.max(1, S) * Math.max(cfg.d, cfg.m), WG, caps);
  const dispatches: DispatchSpec[] = [];
  if (S > 0)
    dispatches.push({ label: `gather ${S} sampled rows, weighted`, wgsl: gatherWgsl(cfg, S, g.gridX), bindings: GATHER_BINDINGS, workgroups: g.workgroups });
  dispatches.push(finalProduct(cfg, S));
  return {
    buffers: [
      dataBuffer('at', inputs.at as Float32Array),
      dataBuffer('b', inputs.b as Float32Array),
      dataBuffer('rows', sample.rows),
      dataBuffer('weights', sample.weights),
      // With no sample kept, (SA)ᵀ and SB are one zero column/row: Ŵ = 0.
      scratchBuffer('sat', cfg.d * Math.max(1, S)),
      scratchBuffer('sb', Math.max(1, S) * cfg.m),
      scratchBuffer('w', cfg.d * cfg.m),
    ],
    dispatches,
    output: { buffer: 'w', type: 'f32' as const, count: cfg.d * cfg.m },
  };
}

/** The sampling estimate in float64 with its float32 bound: (SA)ᵀ entries are one product w·a (rounded once), then a dot product of S terms. */
export function sampledReference(cfg: SketchConfig, inputs: Inputs, sample: RowSample): Bounded {
  const S = sample.rows.length;
  const u = 2 ** -24;
  const g = S * u < 1 ? (S * u) / (1 - S * u) : Infinity;
  const values = new Float64Array(cfg.d * cfg.m);
  const err = new Float64Array(cfg.d * cfg.m);
  const a = inputs.a;
  const b = inputs.b;
  for (let s = 0; s < S; s++) {
    const t = sample.rows[s];
    const w = sample.weights[s];
    for (let i = 0; i < cfg.d; i++) {
      const wa = w * a[t * cfg.d + i];
      if (wa === 0) continue;
      const awa = Math.abs(wa);
      for (let j = 0; j < cfg.m; j++) {
        const bj = b[t * cfg.m + j];
        values[i * cfg.m + j] += wa * bj;
        // u·|w·a| from rounding the weighted entry, then γ_S on the dot product of the rounded terms.
        err[i * cfg.m + j] += (u + g * (1 + u)) * awa * Math.abs(bj);
      }
    }
  }
  return { values, err };
}

export function sketchExtras(
  cfg: SketchConfig,
  inputs: Inputs,
  output: ArrayLike<number>,
  ref: ReferenceResult,
  method: string,
  stored: { a: number; b: number },
  more: Partial<SketchExtras> = {},
): SketchExtras {
  const exact = atb64(inputs.a, inputs.b, cfg.n, cfg.d, cfg.m);
  const scale = Math.max(1e-300, frobenius(inputs.a) * frobenius(inputs.b));
  const k = cfg.k;
  return {
    kind: 'sketch',
    method,
    n: cfg.n,
    d: cfg.d,
    m: cfg.m,
    k,
    input: cfg.input,
    relError: frobeniusDiff(output, exact) / scale,
    relErrorF64: frobeniusDiff(ref.values, exact) / scale,
    rms: sketchRms(k),
    eps90: sketchEpsilon(k, 0.1),
    stored: { ...stored, linearA: k * cfg.d, linearB: k * cfg.m },
    picture: { type: 'sketch-shape', n: cfg.n, k, method },
    costs: { params: stored.a + stored.b, denseParams: cfg.n * (cfg.d + cfg.m), flops: 0, denseFlops: 2 * cfg.n * cfg.d * cfg.m },
    ...more,
  };
}

export function nonZeros(x: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) c++;
  return c;
}
