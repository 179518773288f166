import type { Lesson } from './types';

export const formatsLesson: Lesson = {
  id: 'formats-outliers',
  title: 'Number formats under outliers: INT4, FP8, MXFP4',
  family: 'quant',
  summary: 'Why a few large values ruin per-tensor INT4, and how floating-point and block-scaled formats cope.',
  steps: [
    {
      title: 'INT4 with one scale for the whole tensor',
      body: [
        'Symmetric INT4 stores round(x / s) in [−7, 7] with s = max|x| / 7. With one scale for the whole tensor, a single large value sets s for everyone.',
        'LLM activations and weights have a few outlier channels many times larger than the rest. Here four columns are scaled up 20×.',
        'SQNR = 20·log10(‖x‖ / ‖x̂ − x‖) measures the damage in decibels: every 6 dB is about one bit.',
      ],
      experiment:
        '#v=1&f=quant&k=codec&format=int&bits=4&symmetric=1&granularity=tensor&groupSize=32&rows=64&cols=256&dist=gaussian&outliers=4&outlierScale=20&seed=1&reps=3',
      lookFor:
        'The SQNR in the lab panel’s “GPU codec” line (the results table compares the GPU’s codes with the CPU codec instead: ∞ dB means bit-identical), and the histogram: almost all values fall into the few INT4 levels around zero.',
      tryNext: 'Set outliers to 0 and run again: how many dB did the outliers cost?',
    },
    {
      title: 'Smaller groups',
      body: [
        'Giving every group of 32 consecutive values its own scale confines an outlier’s damage to its own group, at the price of storing more scales (here 16 extra bits per 32 values).',
      ],
      experiment:
        '#v=1&f=quant&k=codec&format=int&bits=4&symmetric=1&granularity=group&groupSize=32&rows=64&cols=256&dist=gaussian&outliers=4&outlierScale=20&seed=1&reps=3',
      lookFor: 'The codec line’s SQNR rises by many dB for the same 4 bits per value (plus the scales).',
      tryNext: 'Try group sizes 64 and 128.',
    },
    {
      title: 'FP8 E4M3',
      body: [
        'A floating-point format spends bits on an exponent, so its relative precision is about the same for small and large values: E4M3 has 3 mantissa bits (relative step 2⁻³) over a range up to 448.',
      ],
      experiment:
        '#v=1&f=quant&k=codec&format=e4m3&bits=4&symmetric=1&granularity=group&groupSize=32&rows=64&cols=256&dist=gaussian&outliers=4&outlierScale=20&seed=1&reps=3',
      lookFor: 'Twice the bits of INT4; an SQNR that barely notices the outliers.',
      tryNext: 'Compare E5M2: more range, less precision.',
    },
    {
      title: 'MXFP4: 4-bit floats with a shared scale per 32',
      body: [
        'OCP Microscaling formats store each block of 32 values as 4-bit E2M1 floats plus one 8-bit power-of-two scale, chosen from the block’s largest magnitude as 2^(floor(log2 amax) − 2).',
        'That is 4.25 bits per value: the dynamic range of a float inside each block, and a scale that follows the outliers block by block.',
      ],
      experiment:
        '#v=1&f=quant&k=codec&format=mxfp4&bits=4&symmetric=1&granularity=group&groupSize=32&rows=64&cols=256&dist=gaussian&outliers=4&outlierScale=20&seed=1&reps=3',
      lookFor: 'Compare its SQNR with per-tensor INT4 (step 1) and grouped INT4 (step 2) at nearly the same bits per value.',
      tryNext: 'Switch the distribution to student-t (heavy tails) and rerun all three formats.',
    },
  ],
};
