import type { Lesson } from './types';

export const sparsityLesson: Lesson = {
  id: 'sparsity-crossover',
  title: 'When does sparsity pay?',
  family: 'sparse',
  summary: 'Sparse kernels skip zeros but pay for indices and irregular access: find the density where they overtake dense.',
  steps: [
    {
      title: 'The dense baseline',
      body: [
        'A dense matmul multiplies every entry, zeros included: its time does not depend on how sparse A is. It is the line every sparse kernel must beat.',
      ],
      experiment: '#v=1&f=sparse&k=dense&M=512&N=64&K=512&density=10&pattern=random&block=8&kernel=blocked&bsr=8&tn=64&tm=64&tk=32&seed=1&reps=3',
      lookFor: 'The dense time. In the lab panel, “useful” GFLOP/s counts only the non-zero products.',
      tryNext: 'Change the density: the dense time stays the same.',
    },
    {
      title: 'CSR across densities',
      body: [
        'Compressed Sparse Row (CSR) keeps only the non-zeros with their column indices. Work falls with density, but every value needs an index and its row of B is read through an indirection.',
        'The sweep runs the CSR kernel from 50% down to 1% density.',
      ],
      experiment: '#v=1&f=sparse&k=csr-row&M=512&N=64&K=512&density=10&pattern=random&block=8&wg=64&seed=1&reps=3&sw=density:50,25,10,5,1',
      lookFor: 'Where the CSR time drops below the dense time of step 1: the crossover density on your device.',
      tryNext: 'Use the skewed pattern, then the load-balanced CSR variant.',
    },
    {
      title: '2:4 structured sparsity',
      body: [
        'In 2:4 sparsity every group of 4 consecutive weights keeps its 2 largest. Sparse tensor cores on recent GPUs turn that into a 2× speed-up — but WebGPU has no sparse tensor units.',
        'Here the compressed format halves the values stored and adds 2-bit indices: it saves bytes, not multiplications.',
      ],
      experiment: '#v=1&f=sparse&k=nm&M=512&N=64&K=512&density=50&pattern=nm24&block=8&wg=64&seed=1&reps=3',
      lookFor: 'Compare with the dense time: a win, if any, comes from memory traffic, and is largest for memory-bound (skinny, small N) shapes.',
      tryNext: 'Set N to 8 (a decode-like skinny product) and compare again.',
    },
  ],
};
