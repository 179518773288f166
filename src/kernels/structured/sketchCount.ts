// CountSketch: row t of A and of B goes to bucket h(t) ∈ [0, k) with sign σ(t) (the same seeded
// hash for both), so SA has k rows, each a signed sum of the rows hashed to it — n additions
// instead of k·n multiply-adds. Then Ŵ = (SA)ᵀ(SB) on the register-blocked kernel. Unbiased,
// rms error ≤ sqrt(2/k)·‖A‖_F‖B‖_F (Clarkson & Woodruff 2013).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { bucketLists, countSketch, boundedProduct, type Bounded } from '../../numerics/sketch';
import { defineVariant, type Inputs } from '../define';
import { paramSchema } from '../params';
import type { DeviceCaps } from '../types';
import { FAMILY, WG, dataBuffer, grid, scratchBuffer } from './common';
import { SKETCH_FIELDS, boundedReference, finalProduct, sketchBufferProblems, sketchExtras, sketchProblem, type SketchConfig } from './sketchCommon';

const schema = paramSchema(SKETCH_FIELDS);

const BINDINGS = [
  readOnly('at', 'array<f32>', 'Aᵀ, d×n'),
  readOnly('b', 'array<f32>', 'B, n×m'),
  readOnly('offsets', 'array<u32>', 'bucket j holds rows[offsets[j] .. offsets[j+1])'),
  readOnly('rows', 'array<u32>', 'rows of A and B, grouped by bucket'),
  readOnly('signs', 'array<f32>', 'σ(t) of each row t'),
  readWrite('sat', 'array<f32>', '(SA)ᵀ, d×k'),
  readWrite('sb', 'array<f32>', 'SB, k×m'),
];

export function countSketchWgsl(cfg: SketchConfig, gridX: number): string {
  return /* wgsl */ `
const N = ${cfg.n}u;
const D = ${cfg.d}u;
const M = ${cfg.m}u;
const K = ${cfg.k}u;
const GRID_X = ${gridX}u;

${declareBindings(BINDINGS)}

// One invocation per (bucket, column): the signed sum of the bucket's rows in that column.
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= K * max(D, M)) {
    return;
  }
  let bucket = id % K;
  let col = id / K;
  var sumA = 0.0;
  var sumB = 0.0;
  for (var e = offsets[bucket]; e < offsets[bucket + 1u]; e++) {
    let t = rows[e];
    let sign = signs[t];
    if (col < D) {
      sumA += sign * at[col * N + t];
    }
    if (col < M) {
      sumB += sign * b[t * M + col];
    }
  }
  if (col < D) {
    sat[col * K + bucket] = sumA;
  }
  if (col < M) {
    sb[bucket * M + col] = sumB;
  }
}
`;
}

function hashes(cfg: SketchConfig, seed: number) {
  const { bucket, sign } = countSketch(cfg.k, cfg.n, seed);
  return { bucket, sign, ...bucketLists(bucket, cfg.k) };
}

/** (SA)ᵀ and SB in float64: bucket sums of c terms are within γ_c·Σ|terms| (signs are exact). */
function sketched(cfg: SketchConfig, inputs: Inputs): { sat: Bounded; sb: Bounded } {
  const { offsets, rows, signs } = { offsets: inputs.offsets as Uint32Array, rows: inputs.rows as Uint32Array, signs: inputs.signs as Float32Array };
  const u = 2 ** -24;
  const sat = { values: new Float64Array(cfg.d * cfg.k), err: new Float64Array(cfg.d * cfg.k) };
  const sb = { values: new Float64Array(cfg.k * cfg.m), err: new Float64Array(cfg.k * cfg.m) };
  for (let j = 0; j < cfg.k; j++) {
    const c = offsets[j + 1] - offsets[j];
    const g = c * u < 1 ? (c * u) / (1 - c * u) : Infinity;
    for (let e = offsets[j]; e < offsets[j + 1]; e++) {
      const t = rows[e];
      const s = signs[t];
      for (let i = 0; i < cfg.d; i++) {
        const v = inputs.a[t * cfg.d + i];
        sat.values[i * cfg.k + j] += s * v;
        sat.err[i * cfg.k + j] += g * Math.abs(v);
      }
      for (let i = 0; i < cfg.m; i++) {
        const v = inputs.b[t * cfg.m + i];
        sb.values[j * cfg.m + i] += s * v;
        sb.err[j * cfg.m + i] += g * Math.abs(v);
      }
    }
  }
  return { sat, sb };
}

export const sketchCount = defineVariant({
  family: FAMILY,
  id: 'sketch-countsketch',
  label: 'Sketched AᵀB, CountSketch',
  summary: 'Each row is hashed to one of k buckets with a random sign: the sketch is n signed additions, then one k-long product.',
  schema,
  config: ({ sketch, ...v }): SketchConfig => ({ ...v, k: sketch }),
  limits: (cfg, caps: DeviceCaps) => sketchBufferProblems(cfg, caps),
  inputs: (cfg, seed) => {
    const h = hashes(cfg, seed);
    return { ...sketchProblem(cfg, seed), offsets: h.offsets, rows: h.rows, signs: h.sign };
  },
  reference: (cfg, inputs) => {
    const { sat, sb } = sketched(cfg, inputs);
    return boundedReference(boundedProduct(sat, sb, cfg.d, cfg.k, cfg.m), cfg, 'CountSketch');
  },
  noEmulationReason: 'the sketches run on the GPU only (their float64 reference runs everywhere)',
  plan: (cfg, inputs, caps) => {
    const g = grid(cfg.k * Math.max(cfg.d, cfg.m), WG, caps);
    return {
      buffers: [
        dataBuffer('at', inputs.at as Float32Array),
        dataBuffer('b', inputs.b as Float32Array),
        dataBuffer('offsets', inputs.offsets as Uint32Array),
        dataBuffer('rows', inputs.rows as Uint32Array),
        dataBuffer('signs', inputs.signs as Float32Array),
        scratchBuffer('sat', cfg.d * cfg.k),
        scratchBuffer('sb', cfg.k * cfg.m),
        scratchBuffer('w', cfg.d * cfg.m),
      ],
      dispatches: [
        { label: `CountSketch of A and B into ${cfg.k} buckets`, wgsl: countSketchWgsl(cfg, g.gridX), bindings: BINDINGS, workgroups: g.workgroups },
        finalProduct(cfg, cfg.k),
      ],
      output: { buffer: 'w', type: 'f32', count: cfg.d * cfg.m },
    };
  },
  work: (cfg) => ({ flops: cfg.n * (cfg.d + cfg.m) + 2 * cfg.k * cfg.d * cfg.m, bytes: 4 * (cfg.n * (cfg.d + cfg.m) + cfg.d * cfg.m) }),
  shape: (cfg) => `AᵀB: ${cfg.d}×${cfg.n} by ${cfg.n}×${cfg.m}, k = ${cfg.k}${cfg.input === 'sparse' ? `, ${cfg.nnz} non-zeros per row` : ''}`,
  baseline: (cfg) => ({ variant: 'dense', params: { M: cfg.d, K: cfg.n, N: cfg.m } }),
  extras: (cfg, inputs, output, ref) => {
    const extras = sketchExtras(cfg, inputs, output, ref, 'CountSketch', { a: cfg.k * cfg.d, b: cfg.k * cfg.m });
    extras.costs.flops = cfg.n * (cfg.d + cfg.m) + 2 * cfg.k * cfg.d * cfg.m;
    return extras;
  },
  notes: () => ['The sketch is n·(d + m) additions, about the cost of reading A and B once: CountSketch is the cheap linear sketch.'],
});
