// What every matmul variant shares: the shape fields, seeded inputs, the float64 reference with
// its float32 error bound, the work model and C = A·B's bindings. C = A·B, A: M×K, B: K×N,
// row-major, float32. Everything here is a function of a typed shape (MatmulShape), decoded once
// by each variant's schema.
import { gamma, F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { matmulFloat32Emulated, matmulReference } from '../../numerics/matmul';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import type { Inputs } from '../define';
import { int, type IntField } from '../params';
import { checkBuffers } from '../schema';
import type { DeviceCaps, ReferenceResult, WorkModel } from '../types';

/** The shape fields every matmul variant's schema starts with. */
export const MATMUL_SHAPE = {
  M: int('M (rows of A and C)', 256, 1, 8192, { choices: [1, 64, 128, 256, 512, 1024, 2048] }),
  N: int('N (columns of B and C)', 256, 1, 8192, { choices: [64, 128, 256, 512, 1024, 2048] }),
  K: int('K (inner dimension)', 256, 1, 16384, { choices: [64, 128, 256, 512, 1024, 2048, 4096] }),
};

type ShapeOverrides = Partial<Record<keyof typeof MATMUL_SHAPE, Partial<Pick<IntField, 'default' | 'max' | 'choices'>>>>;

/** The shape fields with another default (or range) for a variant made for other shapes (GEMV, split-K…). */
export function matmulShapeWith(over: ShapeOverrides): typeof MATMUL_SHAPE {
  return {
    M: { ...MATMUL_SHAPE.M, ...over.M },
    N: { ...MATMUL_SHAPE.N, ...over.N },
    K: { ...MATMUL_SHAPE.K, ...over.K },
  };
}

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
}

/** Seeded A (M×K) and B (K×N), uniform in [-1, 1): the same bits on every machine. */
export function matmulInputs(s: MatmulShape, seed: number): Inputs {
  return { a: uniformArray(s.M * s.K, deriveSeed(seed, 0)), b: uniformArray(s.K * s.N, deriveSeed(seed, 1)) };
}

/** The float64 product with its float32 bound, for C = A·B of this shape. */
export function matmulReferenceOf({ M, N, K }: MatmulShape, inputs: Inputs): ReferenceResult {
  const { c, absSum } = matmulReference(inputs.a as Float32Array, inputs.b as Float32Array, M, N, K);
  // A float32 dot product of length K, summed in any order, is within γ_K·Σ|a·b| of the truth
  // (Higham §3.1); the final rounding of the result to float32 adds at most u·|c|.
  const g = gamma(K);
  const bound = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) bound[i] = g * absSum[i] + F32_UNIT_ROUNDOFF * Math.abs(c[i]) + 1e-30;
  return { values: c, bound, boundNote: `|error| ≤ γ_K·Σ|a·b| with K = ${K}, γ_K ≈ ${g.toExponential(2)}`, rows: M, cols: N };
}

/** A float32 machine's sequential multiply-then-add, for the CPU path. */
export function matmulEmulateOf(s: MatmulShape, inputs: Inputs): Float32Array {
  return matmulFloat32Emulated(inputs.a as Float32Array, inputs.b as Float32Array, s.M, s.N, s.K);
}

/** 2MNK flops; A, B read and C written once (the compulsory bytes). */
export function matmulWorkOf(s: MatmulShape, elemBytes = 4): WorkModel {
  return { flops: 2 * s.M * s.N * s.K, bytes: elemBytes * (s.M * s.K + s.K * s.N) + 4 * s.M * s.N };
}

export function matmulShapeText(s: MatmulShape): string {
  return `${s.M}×${s.N}×${s.K}`;
}

/** The members every float32 matmul variant written with defineVariant takes as they are. */
export const matmulShared = {
  family: 'matmul' as const,
  inputs: matmulInputs,
  reference: matmulReferenceOf,
  emulate: matmulEmulateOf,
  work: (s: MatmulShape): WorkModel => matmulWorkOf(s),
  shape: matmulShapeText,
};

/** C = A·B's three buffers as every plain matmul shader binds them. */
export const MATMUL_BINDINGS = [
  readOnly('a', 'array<f32>', 'A, M×K, row-major'),
  readOnly('b', 'array<f32>', 'B, K×N, row-major'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
];

/** The WGSL declarations of MATMUL_BINDINGS. */
export const MATMUL_BINDING_WGSL = declareBindings(MATMUL_BINDINGS);

/** Buffer-size checks of a plain C = A·B (elemBytes: bytes per element of A and B). */
export function matmulBufferProblems(s: MatmulShape, caps: DeviceCaps, elemBytes = 4): string[] {
  const words = (n: number) => 4 * Math.ceil((elemBytes * n) / 4);
  return checkBuffers(caps, [
    ['A', words(s.M * s.K)],
    ['B', words(s.K * s.N)],
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

/** The output of a plain C = A·B plan. */
export function matmulOutput(s: MatmulShape) {
  return { buffer: 'c', type: 'f32' as const, count: s.M * s.N };
}

export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
