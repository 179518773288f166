// The harness shared by the matmul exercises (naive, tiled, micro-tile): the same bindings, seeded
// inputs, float64 reference and bound as the matmul lab; only the block of C a workgroup covers
// (and so the workgroup count) and the solution differ.
import { readOnly, readWrite, uniform } from '../gpu/bindings';
import { matmulInputs, matmulReferenceOf, matmulWorkOf } from '../kernels/matmul/common';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { ceilDiv, NO_EMULATION, onePlan, sizesUniform } from './harness';

export const MATMUL_BINDINGS = [
  readOnly('a', 'array<f32>', 'A, M×K, row-major'),
  readOnly('b', 'array<f32>', 'B, K×N, row-major'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
  uniform('sizes', 'Sizes', 'M, N, K'),
];

export function matmulExerciseHarness(spec: {
  id: string;
  label: string;
  summary: string;
  /** The default (odd) shape the editor opens with. */
  shape: { M: number; N: number; K: number };
  /** Rows and columns of C one workgroup computes: the dispatch is ⌈N / cols⌉ × ⌈M / rows⌉. */
  block: { rows: number; cols: number };
  planLabel: string;
  solution: string;
}) {
  const { rows, cols } = spec.block;
  return defineVariant({
    family: 'matmul',
    id: spec.id,
    label: spec.label,
    summary: spec.summary,
    schema: paramSchema({
      M: int('M (rows of A and C)', spec.shape.M, 1, 2048),
      N: int('N (columns of B and C)', spec.shape.N, 1, 2048),
      K: int('K (inner dimension)', spec.shape.K, 1, 4096),
    }),
    limits: ({ M, N }, caps) => checkDispatch(caps, [ceilDiv(N, cols), ceilDiv(M, rows)]),
    inputs: (s, seed) => ({ ...matmulInputs(s, seed), sizes: sizesUniform(s.M, s.N, s.K) }),
    // |error| ≤ γ_K·Σ|a·b| + u·|c| for a float32 dot product of length K in any order (zero
    // padding in the tiled forms adds exactly).
    reference: matmulReferenceOf,
    noEmulationReason: NO_EMULATION,
    plan: ({ M, N }, inputs) =>
      onePlan({
        label: spec.planLabel,
        wgsl: spec.solution,
        bindings: MATMUL_BINDINGS,
        workgroups: [ceilDiv(N, cols), ceilDiv(M, rows)],
        buffers: [
          { name: 'a', data: inputs.a, usage: 'storage' },
          { name: 'b', data: inputs.b, usage: 'storage' },
          { name: 'c', bytes: 4 * M * N, usage: 'storage' },
          { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
        ],
        output: { buffer: 'c', type: 'f32', count: M * N },
      }),
    work: (s) => matmulWorkOf(s),
    shape: ({ M, N, K }) => `${M}×${N}×${K}`,
  });
}
