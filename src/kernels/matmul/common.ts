// What every matmul variant shares: the shape parameters, seeded inputs, the float64 reference
// with its float32 error bound, and the work model. C = A·B, A: M×K, B: K×N, row-major, float32.
import { gamma, F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { matmulFloat32Emulated, matmulReference } from '../../numerics/matmul';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import type { Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, intParam } from '../schema';
import type { DeviceCaps, HostArray, KernelVariant, ParamDef, Params, ReferenceResult, WorkModel } from '../types';

/** The shape fields every matmul variant's schema starts with. */
export const MATMUL_SHAPE = {
  M: int('M (rows of A and C)', 256, 1, 8192, { choices: [1, 64, 128, 256, 512, 1024, 2048] }),
  N: int('N (columns of B and C)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048] }),
  K: int('K (inner dimension)', 256, 1, 16384, { choices: [64, 128, 256, 512, 1024, 2048, 4096] }),
};

export const SHAPE_PARAMS: ParamDef[] = paramSchema(MATMUL_SHAPE).defs;

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
}

export function shapeOf(params: Params): MatmulShape {
  return { M: intParam(params, 'M'), N: intParam(params, 'N'), K: intParam(params, 'K') };
}

export function makeMatmulInputs(params: Params, seed: number): Record<string, HostArray> {
  const { M, N, K } = shapeOf(params);
  return { a: uniformArray(M * K, deriveSeed(seed, 0)), b: uniformArray(K * N, deriveSeed(seed, 1)) };
}

export function matmulReferenceResult(params: Params, inputs: Record<string, HostArray>): ReferenceResult {
  return matmulReferenceOf(shapeOf(params), inputs);
}

/** The float64 product with its float32 bound, for C = A·B of this shape. */
export function matmulReferenceOf({ M, N, K }: MatmulShape, inputs: Record<string, HostArray>): ReferenceResult {
  const { c, absSum } = matmulReference(inputs.a as Float32Array, inputs.b as Float32Array, M, N, K);
  // A float32 dot product of length K, summed in any order, is within γ_K·Σ|a·b| of the truth
  // (Higham §3.1); the final rounding of the result to float32 adds at most u·|c|.
  const g = gamma(K);
  const bound = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) bound[i] = g * absSum[i] + F32_UNIT_ROUNDOFF * Math.abs(c[i]) + 1e-30;
  return { values: c, bound, boundNote: `|error| ≤ γ_K·Σ|a·b| with K = ${K}, γ_K ≈ ${g.toExponential(2)}`, rows: M, cols: N };
}

export function matmulEmulate(params: Params, inputs: Record<string, HostArray>): Float32Array {
  const { M, N, K } = shapeOf(params);
  return matmulFloat32Emulated(inputs.a as Float32Array, inputs.b as Float32Array, M, N, K);
}

export function matmulWork(params: Params): WorkModel {
  const { M, N, K } = shapeOf(params);
  return { flops: 2 * M * N * K, bytes: 4 * (M * K + K * N + M * N) };
}

export function matmulBufferChecks(params: Params, caps: DeviceCaps): string[] {
  const { M, N, K } = shapeOf(params);
  return checkBuffers(caps, [
    ['A', 4 * M * K],
    ['B', 4 * K * N],
    ['C', 4 * M * N],
  ]);
}

export function matmulShapeLabel(params: Params): string {
  const { M, N, K } = shapeOf(params);
  return `${M}×${N}×${K}`;
}

/** The members every matmul variant takes as they are. */
export const matmulCommon = {
  family: 'matmul',
  makeInputs: makeMatmulInputs,
  reference: matmulReferenceResult,
  emulate: matmulEmulate,
  work: matmulWork,
  shapeLabel: matmulShapeLabel,
} satisfies Partial<KernelVariant>;

/** Buffers of a plain C = A·B plan. */
export function matmulBuffers(inputs: Record<string, HostArray>, params: Params) {
  const { M, N } = shapeOf(params);
  return [
    { name: 'a', data: inputs.a, usage: 'storage' as const },
    { name: 'b', data: inputs.b, usage: 'storage' as const },
    { name: 'c', bytes: 4 * M * N, usage: 'storage' as const },
  ];
}

// ---- typed forms (defineVariant): functions of a configuration that holds the shape ----------

/** C = A·B's three buffers as every plain matmul shader binds them. */
export const MATMUL_BINDINGS = [
  readOnly('a', 'array<f32>', 'A, M×K, row-major'),
  readOnly('b', 'array<f32>', 'B, K×N, row-major'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
];

/** The WGSL declarations of MATMUL_BINDINGS. */
export const MATMUL_BINDING_WGSL = declareBindings(MATMUL_BINDINGS);

/** The members every matmul variant written with defineVariant takes as they are. */
export const matmulShared = {
  family: 'matmul' as const,
  inputs: (s: MatmulShape, seed: number): Inputs => ({ a: uniformArray(s.M * s.K, deriveSeed(seed, 0)), b: uniformArray(s.K * s.N, deriveSeed(seed, 1)) }),
  reference: matmulReferenceOf,
  emulate: (s: MatmulShape, inputs: Inputs) => matmulFloat32Emulated(inputs.a as Float32Array, inputs.b as Float32Array, s.M, s.N, s.K),
  work: (s: MatmulShape): WorkModel => ({ flops: 2 * s.M * s.N * s.K, bytes: 4 * (s.M * s.K + s.K * s.N + s.M * s.N) }),
  shape: (s: MatmulShape) => `${s.M}×${s.N}×${s.K}`,
};

/** Buffer-size checks of a plain C = A·B. */
export function matmulBufferProblems(s: MatmulShape, caps: DeviceCaps): string[] {
  return checkBuffers(caps, [
    ['A', 4 * s.M * s.K],
    ['B', 4 * s.K * s.N],
    ['C', 4 * s.M * s.N],
  ]);
}

/** The buffers of a plain C = A·B plan. */
export function matmulPlanBuffers(s: MatmulShape, inputs: Inputs) {
  return [
    { name: 'a', data: inputs.a, usage: 'storage' as const },
    { name: 'b', data: inputs.b, usage: 'storage' as const },
    { name: 'c', bytes: 4 * s.M * s.N, usage: 'storage' as const },
  ];
}
