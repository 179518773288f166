import type { Lesson } from './types';

export const nf4Int4Lesson: Lesson = {
  id: 'nf4-vs-int4',
  title: 'NF4 versus INT4 on Gaussian weights',
  family: 'quant',
  summary: 'NF4’s 16 levels are quantiles of a normal distribution: on Gaussian weights they beat evenly spaced INT4 at the same 4 bits.',
  steps: [
    {
      title: 'INT4: 16 evenly spaced levels',
      body: [
        'Symmetric INT4 with a scale per group of 64 spaces its levels evenly between −amax and amax. Gaussian weights crowd near zero, where evenly spaced levels are scarce relative to the data.',
      ],
      experiment: '#v=1&f=quant&k=codec&format=int&bits=4&symmetric=1&granularity=group&groupSize=64&rows=64&cols=256&dist=gaussian&outliers=0&seed=1&reps=2',
      lookFor: 'The SQNR, and in the histogram where the levels sit relative to the bell.',
      tryNext: 'Next: NF4 on the same tensor.',
    },
    {
      title: 'NF4: levels at the normal quantiles',
      body: [
        'NF4 (QLoRA) places its 16 levels so each holds an equal share of a standard normal, after scaling the group by its absmax. More levels where the weights are.',
      ],
      experiment: '#v=1&f=quant&k=codec&format=nf4&granularity=group&groupSize=64&rows=64&cols=256&dist=gaussian&outliers=0&seed=1&reps=2',
      lookFor: 'A higher SQNR than INT4 at the same bits per weight.',
      tryNext: 'Change the distribution to uniform: the advantage flips.',
    },
    {
      title: 'On uniform data the evenly spaced grid wins',
      body: ['NF4 is tuned for a bell; uniformly spread values fit evenly spaced levels. A format is a bet on the distribution.'],
      experiment: '#v=1&f=quant&k=codec&format=nf4&granularity=group&groupSize=64&rows=64&cols=256&dist=uniform&outliers=0&seed=1&reps=2',
      lookFor: 'Compare with INT4 on the same uniform tensor (set the format back to int).',
      tryNext: 'Run the NF4 GEMV kernel (gemm-nf4): a 16-entry table lookup per weight instead of a subtract.',
    },
  ],
};
