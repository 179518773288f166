import type { Lesson } from './types';

export const memoryBoundGemvLesson: Lesson = {
  id: 'memory-bound-gemv',
  title: 'A GEMV is bound by memory',
  family: 'matmul',
  summary: 'Matrix × vector does 2 flops per weight loaded: its speed is the memory bandwidth, whatever the arithmetic.',
  steps: [
    {
      title: 'The memory roof',
      body: ['The copy kernel reads and writes a buffer as fast as this device can: that bandwidth is the roof for every kernel that streams its data once.'],
      experiment: '#v=1&f=matmul&k=roofline-copy&MiB=16&seed=1&reps=3',
      lookFor: 'The GB/s of the copy: remember it for the next step.',
      tryNext: 'Next: a GEMV, the decode step of a language model.',
    },
    {
      title: 'Matrix × vector',
      body: [
        'y = W·x with W of N×K: every weight is loaded once and used once, for one multiply-add. 2 flops per 4 bytes — far below what any GPU computes per byte moved, so the kernel waits on memory.',
        'This is why quantized weights speed up inference: 4-bit weights move an eighth of the bytes.',
      ],
      experiment: '#v=1&f=matmul&k=gemv&M=1&N=256&K=4096&wg=64&cpi=8&seed=1&reps=3',
      lookFor: 'GB/s close to the copy’s and GFLOP/s far below the compute roof. On a discrete GPU the gap to the compute roof is a factor of 50 to 100.',
      tryNext: 'The exercise "An int4 GEMV, dequantized in registers" moves 4-bit weights instead.',
    },
    {
      title: 'Batch the vectors',
      body: [
        'With M vectors at once (a batch of tokens), each weight loaded serves M multiply-adds: the same bytes, M times the flops, until the kernel reaches the compute roof.',
      ],
      experiment: '#v=1&f=matmul&k=gemv&M=16&N=256&K=4096&wg=64&cpi=8&seed=1&reps=3',
      lookFor: 'GFLOP/s should grow nearly 16× while the weight bytes stay the same.',
      tryNext: 'Sweep M from 1 to 64 and watch where the growth stops.',
    },
  ],
};
