import type { Lesson } from './types';

export const accumulationLesson: Lesson = {
  id: 'f16-accumulation',
  title: 'f16 versus f32 accumulation',
  family: 'matmul',
  summary: 'The accumulator’s precision sets the error of a long dot product: f16 accumulators are about 2¹³ times worse than f32.',
  steps: [
    {
      title: 'The float32 error grows with K',
      body: [
        'A dot product of length K in float32 is within γ_K·Σ|a·b| of the truth, γ_K ≈ K·2⁻²⁴: the longer the sum, the larger the possible error. In practice it grows like √K.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=32&N=32&K=256&tile=16&seed=1&reps=2',
      lookFor: 'The max error and the relative Frobenius error at K = 256.',
      tryNext: 'Next step: the same with K = 8192.',
    },
    {
      title: 'Sixteen times longer',
      body: ['Each addition rounds to the accumulator’s 24-bit significand; more additions, more rounding.'],
      experiment: '#v=1&f=matmul&k=tiled&M=32&N=32&K=8192&tile=16&seed=1&reps=2',
      lookFor: 'The error grew, by roughly √32 ≈ 6, far less than the 32× the worst-case bound allows, and every element is within the bound.',
      tryNext: 'Open the accumulator-precision panel below.',
    },
    {
      title: 'An f16 accumulator',
      body: [
        'float16 has an 11-bit significand: its unit roundoff 2⁻¹¹ is 2¹³ times float32’s. The accumulator-precision panel below plots the error against K of f16 and f32 accumulation of the same f16 inputs, with an exact CPU emulation that works on every device.',
        'GPUs with shader-f16 also run the f16 matmul kernels (f16 storage with f16 or f32 accumulators) and plot their own runs beside the emulation; a software adapter has no shader-f16, so here only the emulation runs.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=32&N=32&K=4096&tile=16&seed=1&reps=2',
      lookFor:
        'Open "Accumulator precision: f16 against f32 as K grows" in the lab panel: the two curves about 2¹³ apart, and how early the f16 accumulator’s error reaches the size of the result itself.',
      tryNext: 'On a GPU with shader-f16, pick the f16-acc16 variant and compare its measured error with the emulation.',
    },
  ],
};
