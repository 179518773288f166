import type { Lesson } from './types';

export const registerBlockingLesson: Lesson = {
  id: 'register-blocking',
  title: 'Register blocking and micro-tiles',
  family: 'matmul',
  summary: 'From one output per invocation to a TM×TN micro-tile in registers: each loaded value feeds many multiply-adds.',
  steps: [
    {
      title: 'One output per invocation',
      body: [
        'The tiled kernel stages panels in workgroup memory, but each invocation still computes one element of C: for every multiply-add it reads one value of each panel from workgroup memory. Two reads per two flops.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=256&N=256&K=256&tile=16&seed=1&reps=3',
      lookFor: 'The GFLOP/s of the tiled kernel: the baseline for the next steps.',
      tryNext: 'Go to the next step: the same panels, but four outputs per row and column of each invocation.',
    },
    {
      title: 'A 4×4 micro-tile in registers',
      body: [
        'Give each invocation a TM×TN block of C. Per step along K it reads TM values of the A panel and TN of the B panel into registers and does TM·TN multiply-adds with them: 8 reads feed 16 multiply-adds when TM = TN = 4, and a workgroup of 8×8 covers a 32×32 block.',
        'The lab panel’s tiling view shows which outputs one invocation owns and how often each input is loaded.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=32&BN=32&BK=8&TM=4&TN=4&staging=workgroup&vec4=0&seed=1&reps=3',
      lookFor:
        'GFLOP/s against the tiled step. On a discrete GPU register blocking is the biggest single step towards the peak; on a software adapter the "registers" are the CPU’s, and the gain is smaller.',
      tryNext: 'The exercise "Register blocking: a 4×4 micro-tile per invocation" asks you to write this kernel.',
    },
    {
      title: 'Bigger micro-tiles, no barriers',
      body: [
        'An 8×8 micro-tile reuses every loaded value 8 times. With so much reuse in registers, the panels in workgroup memory can even go: each invocation reads its rows of A and columns of B from global memory and relies on the caches, with no barrier at all.',
        'Too large a micro-tile spills registers to memory; where that happens depends on the GPU, which is why the next lesson measures instead of guessing.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=3',
      lookFor:
        'Whether dropping the barriers pays on your device: on CPU-backed adapters barriers are expensive, on GPUs the panels in workgroup memory usually win at large sizes.',
      tryNext: 'Switch staging to "panels in workgroup memory" and compare.',
    },
  ],
};
