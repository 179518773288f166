import type { Lesson } from './types';

const TENSOR = 'rows=64&cols=256&dist=gaussian&outliers=4&outlierScale=20';

export const mxFormatsLesson: Lesson = {
  id: 'mx-shared-scales',
  title: 'MX formats: tiny elements, one shared scale per 32',
  family: 'quant',
  summary: 'OCP microscaling stores 32 small elements with one power-of-two scale (E8M0): the scale follows the data block by block.',
  steps: [
    {
      title: 'FP8 with no shared scale',
      body: [
        'E4M3 on its own covers ±448 with 3 mantissa bits. Values near zero lose precision and outliers far beyond the grid are clipped or coarse: every element pays for the widest range in the tensor.',
      ],
      experiment: `#v=1&f=quant&k=codec&format=e4m3&granularity=tensor&${TENSOR}&seed=1&reps=2`,
      lookFor: 'The SQNR and the max error with outliers in the tensor.',
      tryNext: 'Next: the same elements with a shared scale per 32.',
    },
    {
      title: 'MXFP8: E4M3 elements, an E8M0 scale per 32',
      body: [
        'MXFP8 divides each block of 32 by a power of two chosen from the block’s largest magnitude, so the block’s values use the element format’s full range. The scale is 8 bits of exponent only: 0.25 bits per element.',
      ],
      experiment: `#v=1&f=quant&k=codec&format=mxfp8-e4m3&granularity=group&groupSize=32&${TENSOR}&seed=1&reps=2`,
      lookFor: 'Higher SQNR than per-tensor E4M3: the outliers now hurt only their own blocks.',
      tryNext: 'Try MXFP6 (E2M3) and MXINT8 with the same tensor.',
    },
    {
      title: 'MXFP4: 4.25 bits per value',
      body: [
        'E2M1 has only the values 0, 0.5, 1, 1.5, 2, 3, 4, 6 (and their negatives). With a shared scale per 32 it is usable for weights, at 4.25 bits per value.',
      ],
      experiment: `#v=1&f=quant&k=codec&format=mxfp4&granularity=group&groupSize=32&${TENSOR}&seed=1&reps=2`,
      lookFor: 'The histogram: the 15 grid points per block, and how far SQNR drops from MXFP8.',
      tryNext: 'The kernel: a GEMV with MXFP4 weights, decoded in registers (next step).',
    },
    {
      title: 'A GEMV with MXFP4 weights',
      body: [
        'Each weight is decoded from its nibble and its block’s scale in registers; the float32 GEMV of the same problem is the baseline. Fewer bytes per weight means a faster memory-bound kernel.',
      ],
      experiment: '#v=1&f=quant&k=gemm-mxfp4&M=1&N=256&K=512&TM=1&strategy=row&dist=gaussian&seed=1&reps=3',
      lookFor:
        'The error against float64 of the dequantized product, and the time beside the f32 baseline. On a GPU where the GEMV is memory-bound the 4-bit weights approach an 8× speedup; a software adapter shows less.',
      tryNext: 'Switch the work split to split-k.',
    },
  ],
};
