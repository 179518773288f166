import type { Lesson } from './types';

const SHAPE = 'channels=4&length=8192&mode=inclusive&decay=decay&wg=256&items=4&stage=1';

export const lookbackLesson: Lesson = {
  id: 'lookback-progress',
  title: 'Why decoupled look-back needs forward progress',
  family: 'scan',
  summary: 'A single-pass scan waits on earlier workgroups; WebGPU does not promise they ever run, so a safe version must fall back.',
  steps: [
    {
      title: 'Three passes, no waiting',
      body: [
        'Reduce-then-scan: every chunk is reduced, the chunk totals are scanned, then every chunk is scanned with its prefix. No workgroup ever waits for another — three passes over memory, always safe.',
      ],
      experiment: `#v=1&f=scan&k=reduce-then-scan&${SHAPE}&seed=1&reps=3`,
      lookFor: 'GB/s against the copy kernel of the same bytes.',
      tryNext: 'Next: one pass, with look-back.',
    },
    {
      title: 'One pass with decoupled look-back',
      body: [
        'Each workgroup publishes its chunk’s aggregate, then looks back at its predecessors’ published values until it finds an inclusive prefix, and publishes its own. One pass over memory — if the predecessors run.',
        'That needs forward progress: a workgroup that spins on its predecessor must not keep the predecessor from being scheduled. CUDA promises it on current hardware; WebGPU promises nothing (a GPU may run workgroups in any order, or not concurrently at all). Kernel Lab’s look-back gives up after a spin limit and recomputes the predecessor’s chunk itself.',
      ],
      experiment: `#v=1&f=scan&k=lookback&${SHAPE}&spin=1024&seed=1&reps=3`,
      lookFor:
        'The time against reduce-then-scan. On a discrete GPU the single pass approaches the copy kernel; on a software adapter workgroups may run one after another, so look-backs find their prefix ready or fall back.',
      tryNext: 'Next: a spin limit of 0, every look-back falling back.',
    },
    {
      title: 'Always fall back',
      body: ['With spin limit 0, no workgroup waits at all: each recomputes what it needs. Still right — and the cost of never relying on another workgroup.'],
      experiment: `#v=1&f=scan&k=lookback&${SHAPE}&spin=0&seed=1&reps=3`,
      lookFor: 'Every output still within the bound; the time shows what the fallback costs against the step before.',
      tryNext: 'The exercise "A linear-recurrence scan" scans one chunk inside a workgroup, where barriers do guarantee progress.',
    },
  ],
};
