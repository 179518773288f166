import type { Lesson } from './types';

export const tilingLesson: Lesson = {
  id: 'tiling',
  title: 'Why tiling matters',
  family: 'matmul',
  summary: 'Naive versus tiled matrix multiplication: the same arithmetic, very different memory traffic.',
  steps: [
    {
      title: 'The naive kernel',
      body: [
        'C = A·B with A of size M×K and B of size K×N takes 2·M·N·K floating-point operations. The naive kernel gives each output C[i][j] to one GPU invocation, which walks along row i of A and column j of B.',
        'Every invocation loads 2·K numbers from memory and does 2·K operations: one operation per number loaded. Neighbouring invocations load the same rows and columns again and again; only the cache stands between the kernel and the memory bus.',
      ],
      experiment: '#v=1&f=matmul&k=naive&M=256&N=256&K=256&wg=8&seed=1&reps=5',
      lookFor: 'Note the GFLOP/s and that every output is within the float32 error bound γ_K·Σ|a·b|: the result is right, the question is speed.',
      tryNext: 'Change the workgroup side from 8 to 4 or 16 and run again: the arithmetic is identical, only the grouping changes.',
    },
    {
      title: 'The tiled kernel',
      body: [
        'A tiled kernel lets a T×T workgroup cooperate. Together they copy a T×T panel of A and a T×T panel of B into fast workgroup (shared) memory, wait at a barrier, and then each invocation reads T values of each panel from there.',
        'Each number fetched from global memory is now used T times, so global traffic falls by a factor T — at the price of two barriers per panel and T² invocations per workgroup.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=256&N=256&K=256&tile=16&seed=1&reps=5',
      lookFor:
        'Compare GFLOP/s with the naive step. On a discrete GPU tiling usually wins clearly; on a software (CPU) adapter barriers are expensive and it may not — the lab measures rather than assumes.',
      tryNext: 'Open the Compare tab after pinning both runs in History to see them side by side.',
    },
    {
      title: 'The error does not change',
      body: [
        'Tiling changes the order in which the K products are added, so individual results may differ in the last bits, but the float32 error bound γ_K·Σ|a·b| with γ_K ≈ K·2⁻²⁴ holds for any summation order.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=128&N=128&K=2048&tile=8&seed=1&reps=3',
      lookFor: 'With K = 2048 the maximum error grows (roughly with √K in practice, K in the worst case), yet every element stays within the bound.',
      tryNext: 'Run the same experiment on the CPU: the sequential float32 sum has a different error pattern in the heatmap.',
    },
  ],
};
