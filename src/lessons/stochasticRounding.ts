import type { Lesson } from './types';

const TENSOR = 'format=int&bits=3&symmetric=1&granularity=group&groupSize=32&rows=64&cols=256&dist=gaussian&outliers=0';

export const stochasticRoundingLesson: Lesson = {
  id: 'stochastic-rounding',
  title: 'Stochastic rounding and bias',
  family: 'quant',
  summary:
    'Round-to-nearest is the smallest error per value but always rounds the same way; stochastic rounding is unbiased on average at the price of more noise.',
  steps: [
    {
      title: 'Round to nearest',
      body: [
        'Round-to-nearest-even picks the closest level: the smallest possible error for each value. But the error is a deterministic function of the value: a small update that is always below half a level is always lost — the reason low-precision training stalls.',
      ],
      experiment: `#v=1&f=quant&k=codec&${TENSOR}&rounding=nearest-even&seed=1&reps=2`,
      lookFor: 'The SQNR and max error with 3-bit codes.',
      tryNext: 'Next: the same codes, rounded stochastically.',
    },
    {
      title: 'Stochastic rounding',
      body: [
        'Round up with probability equal to the distance from the level below (in units of a level), down otherwise. The expected rounded value is exactly the input: unbiased. Each single value is noisier — its error can reach a whole level, not half.',
        'The GPU kernel draws its random bits from a counter-based hash of the seed and the element index, so the codes are bit-identical to the CPU codec’s.',
      ],
      experiment: `#v=1&f=quant&k=codec&${TENSOR}&rounding=stochastic&srSeed=1&seed=1&reps=2`,
      lookFor:
        'A lower SQNR and a larger max error than round-to-nearest: the cost. The gain is the absence of bias, which shows when many rounded values are summed or many small updates applied.',
      tryNext: 'Change srSeed: other codes, about the same SQNR.',
    },
    {
      title: 'Another seed, another draw',
      body: ['Averaging several independent stochastic roundings converges to the input, which no number of round-to-nearest results can do.'],
      experiment: `#v=1&f=quant&k=codec&${TENSOR}&rounding=stochastic&srSeed=2&seed=1&reps=2`,
      lookFor: 'The same SQNR within noise, with different codes (the histogram moves slightly).',
      tryNext: 'Try 8 bits: with fine levels the difference between the two roundings almost vanishes.',
    },
  ],
};
