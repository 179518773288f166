import type { Lesson } from './types';

export const scansLesson: Lesson = {
  id: 'parallel-scans',
  title: 'Parallel scans: from a loop to a tree',
  family: 'scan',
  summary: 'The linear recurrence h_t = a_t·h_{t−1} + b_t behind state-space models, computed in parallel.',
  steps: [
    {
      title: 'The sequential scan',
      body: [
        'State-space models such as Mamba update a state with h_t = a_t·h_{t−1} + b_t. Written as a loop it has L dependent steps: one invocation per channel walks the whole sequence.',
        'It does the least work (L combines) but uses only as many invocations as there are channels.',
      ],
      experiment: '#v=1&f=scan&k=sequential&channels=4&length=4096&mode=inclusive&decay=decay&seed=1&reps=3',
      lookFor: 'GB/s compared with the copy kernel of the same bytes (the bandwidth roof).',
      tryNext: 'Raise channels to 256: more parallel work for the same kernel.',
    },
    {
      title: 'Make it associative',
      body: [
        'Pairs (a, b) combine associatively: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂). Any tree of combines gives the same answer, which lets a workgroup scan in log₂ L steps.',
        'Hillis–Steele does L·log₂ L combines in log₂ L steps; Blelloch’s up-sweep and down-sweep do about 2L combines in 2·log₂ L steps. The lab panel draws the dataflow.',
      ],
      experiment: '#v=1&f=scan&k=blelloch&channels=4&length=4096&mode=inclusive&decay=decay&wg=256&seed=1&reps=3',
      lookFor: 'The dataflow diagram: which elements combine at each level, and the depth and work counts.',
      tryNext: 'Switch to Hillis–Steele and compare the work count and the time.',
    },
    {
      title: 'Across workgroups',
      body: [
        'A long sequence spans many workgroups. Reduce-then-scan is the safe way: reduce each chunk, scan the chunk totals, then fix up each chunk — three passes over memory.',
        'A single-pass scan with decoupled look-back reads the data once, but waits on earlier workgroups; WebGPU does not promise that they make progress, so Kernel Lab’s version falls back after a bounded spin.',
      ],
      experiment: '#v=1&f=scan&k=reduce-then-scan&channels=4&length=8192&mode=inclusive&decay=decay&wg=256&items=4&seed=1&reps=2&sw=length:1024,4096,8192',
      lookFor: 'GB/s as the sequence grows, against the copy kernel at the same lengths.',
      tryNext: 'Run the decoupled look-back variant with the same sweep.',
    },
  ],
};
