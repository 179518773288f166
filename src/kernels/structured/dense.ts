// The dense baseline every structure is timed against: C = A·B with the matmul lab's
// register-blocked kernel (the same WGSL as matmul/regblock, default configuration), on the
// shape a structure's baseline facet names — for a layer Y = X·Wᵀ that is M = batch, K = n_in,
// N = n_out.
import { gamma, F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { matmulFloat32Emulated, matmulReference } from '../../numerics/matmul';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import { FAMILY, dataBuffer, denseProduct, fitRegBlock, scratchBuffer } from './common';
import type { StructuredExtras } from './extras';

const schema = paramSchema({
  M: int('M (rows of A and C: the batch of a layer)', 64, 1, 8192, { choices: [1, 64, 256, 512, 1024] }),
  N: int('N (columns of B and C: a layer’s n_out)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048] }),
  K: int('K (inner dimension: a layer’s n_in)', 256, 1, 16384, { choices: [64, 128, 256, 512, 1024, 2048] }),
});

type Shape = { M: number; N: number; K: number };

export const dense = defineVariant({
  family: FAMILY,
  id: 'dense',
  label: 'Dense baseline (register-blocked matmul)',
  summary: 'C = A·B with the matmul lab’s register-blocked kernel: the time every structure of the same shape has to beat.',
  schema,
  role: 'baseline',
  limits: (s: Shape, caps) => {
    const cfg = fitRegBlock(s.M, s.N);
    return [
      ...checkDispatch(caps, [Math.ceil(s.N / cfg.BN), Math.ceil(s.M / cfg.BM)]),
      ...checkBuffers(caps, [
        ['A', 4 * s.M * s.K],
        ['B', 4 * s.K * s.N],
        ['C', 4 * s.M * s.N],
      ]),
    ];
  },
  inputs: (s, seed) => ({ a: uniformArray(s.M * s.K, deriveSeed(seed, 0)), b: uniformArray(s.K * s.N, deriveSeed(seed, 1)) }),
  reference: (s, inputs) => {
    const { c, absSum } = matmulReference(inputs.a as Float32Array, inputs.b as Float32Array, s.M, s.N, s.K);
    // A float32 dot product of length K: |error| ≤ γ_K·Σ|a·b| (Higham §3.1), plus u·|c| for the store.
    const g = gamma(s.K);
    const bound = c.map((v, i) => g * absSum[i] + F32_UNIT_ROUNDOFF * Math.abs(v) + 1e-30);
    return { values: c, bound, boundNote: `|error| ≤ γ_K·Σ|a·b| with K = ${s.K}`, rows: s.M, cols: s.N };
  },
  emulate: (s, inputs) => matmulFloat32Emulated(inputs.a as Float32Array, inputs.b as Float32Array, s.M, s.N, s.K),
  plan: (s, inputs) => ({
    buffers: [dataBuffer('a', inputs.a as Float32Array), dataBuffer('b', inputs.b as Float32Array), scratchBuffer('c', s.M * s.N)],
    dispatches: [denseProduct('dense C = A·B', s, { a: 'a', b: 'b', c: 'c' })],
    output: { buffer: 'c', type: 'f32', count: s.M * s.N },
  }),
  work: (s) => ({ flops: 2 * s.M * s.N * s.K, bytes: 4 * (s.M * s.K + s.K * s.N + s.M * s.N) }),
  shape: (s) => `${s.M}×${s.N}×${s.K}`,
  extras: (s): StructuredExtras => ({
    kind: 'layer',
    nIn: s.K,
    nOut: s.N,
    batch: s.M,
    costs: { params: s.K * s.N, denseParams: s.K * s.N, flops: 2 * s.M * s.N * s.K, denseFlops: 2 * s.M * s.N * s.K },
    picture: { type: 'full', rows: s.N, cols: s.K },
  }),
  notes: () => ['The dense product reads every weight once per batch tile and does n_in·n_out multiply-adds per vector: the structures below do fewer.'],
});
