// Kronecker product: (A⊗B)·x without forming A⊗B. With x read as an a2×b2 matrix X (x[i·b2 + k]),
// (A⊗B)·x is the a1×b1 matrix A·(X·Bᵀ): stage 1 T = X·Bᵀ (a2×b1, dots of b2), stage 2 Y = A·T
// (dots of a2). One dispatch: each workgroup keeps T of its vectors in workgroup memory between
// the two stages. a2·b1·b2 + a1·a2·b1 multiply-adds per vector against (a1·b1)·(a2·b2) dense.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import type { Kronecker } from '../../numerics/structured';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkWorkgroup } from '../schema';
import { BATCH, FAMILY, WG, dataBuffer, grid, gridProblems, layerBaseline, layerEmulate, layerReference, layerWork, layerX, scratchBuffer } from './common';
import type { StructuredExtras } from './extras';

const schema = paramSchema({
  a1: int('Rows of A', 16, 1, 256, { choices: [2, 4, 8, 16, 32, 64] }),
  a2: int('Columns of A', 16, 1, 256, { choices: [2, 4, 8, 16, 32, 64] }),
  b1: int('Rows of B', 16, 1, 256, { choices: [2, 4, 8, 16, 32, 64] }),
  b2: int('Columns of B', 16, 1, 256, { choices: [2, 4, 8, 16, 32, 64] }),
  batch: BATCH,
  tokens: int('Vectors per workgroup T', 2, 1, 8, { choices: [1, 2, 4, 8] }),
});

interface Config {
  a1: number;
  a2: number;
  b1: number;
  b2: number;
  batch: number;
  tokens: number;
  nIn: number;
  nOut: number;
}

const BINDINGS = [
  readOnly('x', 'array<f32>', 'X, batch×(a2·b2), one vector per row'),
  readOnly('fa', 'array<f32>', 'A, a1×a2', 'a'),
  readOnly('fb', 'array<f32>', 'B, b1×b2', 'b'),
  readWrite('y', 'array<f32>', 'Y, batch×(a1·b1)'),
];

const each = (count: number, f: (u: number) => string, sep = '\n    ') => Array.from({ length: count }, (_, u) => f(u)).join(sep);

export function kroneckerWgsl(cfg: Config, gridX: number): string {
  const { a1, a2, b1, b2, batch, tokens: T } = cfg;
  return /* wgsl */ `
const A1 = ${a1}u;
const A2 = ${a2}u;
const B1 = ${b1}u;
const B2 = ${b2}u;
const NIN = ${a2 * b2}u;
const NOUT = ${a1 * b1}u;
const TS = ${a2 * b1}u; // entries of T = X·Bᵀ per vector
const BATCH = ${batch}u;
const T = ${T}u;
const GRID_X = ${gridX}u;

${declareBindings(BINDINGS)}

var<workgroup> ts : array<f32, ${T * a2 * b1}>; // [vector][i·B1 + s]

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let t0 = (wid.x + wid.y * GRID_X) * T;
  ${each(T, (u) => `let row${u} = min(t0 + ${u}u, BATCH - 1u) * NIN;`, '\n  ')}
  // Stage 1: T[i][s] = Σ_k B[s][k]·X[i][k], X[i][k] = x[i·B2 + k].
  for (var item = lid.x; item < TS; item += ${WG}u) {
    let i = item / B1;
    let s = item % B1;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var k = 0u; k < B2; k++) {
      let w = fb[s * B2 + k];
      ${each(T, (u) => `acc${u} = fma(w, x[row${u} + i * B2 + k], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `ts[${u}u * TS + item] = acc${u};`)}
  }
  workgroupBarrier();
  // Stage 2: Y[p][s] = Σ_i A[p][i]·T[i][s], stored at y[p·B1 + s].
  for (var o = lid.x; o < NOUT; o += ${WG}u) {
    let p = o / B1;
    let s = o % B1;
    ${each(T, (u) => `var acc${u} = 0.0;`)}
    for (var i = 0u; i < A2; i++) {
      let w = fa[p * A2 + i];
      ${each(T, (u) => `acc${u} = fma(w, ts[${u}u * TS + i * B1 + s], acc${u});`, '\n      ')}
    }
    ${each(T, (u) => `if (t0 + ${u}u < BATCH) { y[(t0 + ${u}u) * NOUT + o] = acc${u}; }`)}
  }
}
`;
}

function structureOf(cfg: Config, inputs: Inputs): Kronecker {
  return { kind: 'kronecker', a1: cfg.a1, a2: cfg.a2, b1: cfg.b1, b2: cfg.b2, a: inputs.a, b: inputs.b };
}

export const kronecker = defineVariant({
  family: FAMILY,
  id: 'kronecker',
  label: 'Kronecker: (A⊗B)x = vec(A·X·Bᵀ)',
  summary: 'W = A⊗B applied as two small products on x reshaped to a matrix; A⊗B is never formed.',
  schema,
  config: (v): Config => ({ ...v, nIn: v.a2 * v.b2, nOut: v.a1 * v.b1 }),
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [WG, 1, 1], 4 * cfg.tokens * cfg.a2 * cfg.b1, `X·Bᵀ of ${cfg.tokens} vectors (${cfg.a2}×${cfg.b1})`),
    ...gridProblems(Math.ceil(cfg.batch / cfg.tokens), 1, caps, 'this batch'),
    ...checkBuffers(caps, [
      ['X', 4 * cfg.batch * cfg.nIn],
      ['Y', 4 * cfg.batch * cfg.nOut],
    ]),
  ],
  inputs: (cfg, seed) => ({
    x: layerX(cfg.batch, cfg.nIn, seed),
    // Scaled so that (A⊗B)x has entries of order 1: entries of A⊗B ~ 1/√n_in.
    a: uniformArray(cfg.a1 * cfg.a2, deriveSeed(seed, 14)).map((v) => v * Math.sqrt(3 / cfg.a2)),
    b: uniformArray(cfg.b1 * cfg.b2, deriveSeed(seed, 15)).map((v) => v * Math.sqrt(3 / cfg.b2)),
  }),
  reference: (cfg, inputs) => layerReference(structureOf(cfg, inputs), inputs.x, cfg.batch),
  emulate: (cfg, inputs) => layerEmulate(structureOf(cfg, inputs), inputs.x, cfg.batch),
  plan: (cfg, inputs, caps) => {
    const g = grid(Math.ceil(cfg.batch / cfg.tokens), 1, caps);
    return {
      buffers: [
        dataBuffer('x', inputs.x as Float32Array),
        dataBuffer('a', inputs.a as Float32Array),
        dataBuffer('b', inputs.b as Float32Array),
        scratchBuffer('y', cfg.batch * cfg.nOut),
      ],
      dispatches: [
        {
          label: `Kronecker (${cfg.a1}×${cfg.a2})⊗(${cfg.b1}×${cfg.b2}), ${cfg.tokens} vectors per workgroup`,
          wgsl: kroneckerWgsl(cfg, g.gridX),
          bindings: BINDINGS,
          workgroups: g.workgroups,
        },
      ],
      output: { buffer: 'y', type: 'f32', count: cfg.batch * cfg.nOut },
    };
  },
  work: (cfg) => layerWork(structureOf(cfg, { a: new Float32Array(), b: new Float32Array() }), cfg.batch),
  shape: (cfg) => `(${cfg.a1}×${cfg.a2})⊗(${cfg.b1}×${cfg.b2}) = ${cfg.nOut}×${cfg.nIn}, batch ${cfg.batch}`,
  baseline: (cfg) => layerBaseline(cfg.batch, cfg.nIn, cfg.nOut),
  extras: (cfg): StructuredExtras => {
    const macs = cfg.a2 * cfg.b1 * cfg.b2 + cfg.a1 * cfg.a2 * cfg.b1;
    const dense = cfg.nIn * cfg.nOut;
    return {
      kind: 'layer',
      nIn: cfg.nIn,
      nOut: cfg.nOut,
      batch: cfg.batch,
      costs: { params: cfg.a1 * cfg.a2 + cfg.b1 * cfg.b2, denseParams: dense, flops: 2 * cfg.batch * macs, denseFlops: 2 * cfg.batch * dense },
      picture: { type: 'kron', a1: cfg.a1, a2: cfg.a2, b1: cfg.b1, b2: cfg.b2 },
    };
  },
  notes: (cfg) => [
    `${cfg.a1 * cfg.a2 + cfg.b1 * cfg.b2} parameters describe a ${cfg.nOut}×${cfg.nIn} matrix: Kronecker factors are the most compressed structure here, and the least expressive.`,
  ],
});
