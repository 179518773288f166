import type { Lesson } from './types';

const SHAPE = 'M=512&N=64&K=512&block=8';

export const twoFourLesson: Lesson = {
  id: 'two-four',
  title: 'Why 2:4 sparsity rarely wins on WebGPU',
  family: 'sparse',
  summary: '2:4 keeps 2 of every 4 weights. Sparse tensor cores skip the zeros; WebGPU has no access to them, so only the bytes shrink.',
  steps: [
    {
      title: 'The dense kernel',
      body: ['The register-blocked dense kernel on the same 2:4-pruned matrix, zeros stored: the baseline every sparse format has to beat.'],
      experiment: `#v=1&f=sparse&k=dense&${SHAPE}&density=50&pattern=nm24&kernel=blocked&bsr=8&tn=16&tm=64&tk=32&seed=1&reps=3`,
      lookFor: 'The time: it multiplies every zero.',
      tryNext: 'Next: the compressed 2:4 kernel.',
    },
    {
      title: 'Compressed 2:4',
      body: [
        'The 2:4 format stores the two kept values of each group of four and a 2-bit index for each: 56% of the dense bytes in float32. On NVIDIA’s sparse tensor cores the hardware skips the zeros and doubles the throughput.',
        'WebGPU exposes no sparse tensor cores. A shader must gather B’s rows by the stored indices, which costs more instructions than the multiply it saves, and irregular access instead of the dense kernel’s blocked loads.',
      ],
      experiment: `#v=1&f=sparse&k=nm&${SHAPE}&density=50&pattern=nm24&wg=64&rows=1&seed=1&reps=3`,
      lookFor: 'The compressed kernel against the dense one: on WebGPU it saves bytes, not multiplications, and is often slower.',
      tryNext: '1:4 (pattern nm14, density 25): half the values again — does it win now?',
    },
    {
      title: 'Sparser structure: 1:4',
      body: ['Keeping one weight of four halves the work again: the gather overhead is now spread over more skipped zeros.'],
      experiment: `#v=1&f=sparse&k=nm&${SHAPE}&density=25&pattern=nm14&wg=64&rows=1&seed=1&reps=3`,
      lookFor: 'Whether 1:4 beats the dense kernel on this device where 2:4 did not. The lesson "When does sparsity pay?" finds the crossover density for CSR.',
      tryNext: 'Run the dense kernel at density 25 with pattern nm14 to compare like with like.',
    },
  ],
};
