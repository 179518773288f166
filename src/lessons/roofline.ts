import type { Lesson } from './types';

export const rooflineLesson: Lesson = {
  id: 'roofline',
  title: 'The roofline: how fast can it be?',
  family: 'matmul',
  summary: 'Measure your GPU’s two roofs — arithmetic and memory bandwidth — and see how close a matmul gets to them.',
  steps: [
    {
      title: 'The compute roof',
      body: [
        'A kernel is limited either by how fast the GPU can do arithmetic or by how fast it can move bytes. The first roof is measured with a kernel that does nothing but independent fused multiply-adds (FMAs) on values held in registers.',
        'Its result is checked too: the same recurrence x ← m·x + c is evaluated in float64 and every output must stay within the float32 rounding bound.',
      ],
      experiment: '#v=1&f=matmul&k=roofline-fma&workgroups=64&iters=1024&seed=1&reps=5',
      lookFor: 'The GFLOP/s figure: the most arithmetic this device does per second in WGSL.',
      tryNext: 'Double iters: the figure should stay about the same (it is a rate), while the time doubles.',
    },
    {
      title: 'The memory roof',
      body: [
        'The second roof is a copy kernel: it reads and writes each byte once and does no arithmetic. Its GB/s is the bandwidth a kernel can hope for.',
        'Arithmetic intensity is flops per byte moved. Below intensity = peak / bandwidth a kernel is memory-bound; above it, compute-bound. Roof(I) = min(peak, bandwidth × I).',
      ],
      experiment: '#v=1&f=matmul&k=roofline-copy&MiB=32&seed=1&reps=5',
      lookFor: 'The GB/s figure. Press “Measure the roofs” in the lab panel below to save both roofs for this device.',
      tryNext: 'Try 8 MiB and 64 MiB: small copies may fit in a cache and look faster than memory really is.',
    },
    {
      title: 'A matmul under the roofs',
      body: [
        'A square matmul of size n does 2n³ flops on 12n² compulsory bytes, so its intensity n/6 is high: it should be compute-bound. Reaching the roof needs register blocking — each loaded value feeding several FMAs.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=5',
      lookFor: 'The roofline chart places every saved run by intensity and GFLOP/s; the model line says what percentage of the roof this run reaches.',
      tryNext: 'Run the naive kernel at the same size: same intensity, far below the roof. Then run the autotuner.',
    },
  ],
};
