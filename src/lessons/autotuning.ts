import type { Lesson } from './types';

export const autotuningLesson: Lesson = {
  id: 'autotuning',
  title: 'Autotuning on your device',
  family: 'matmul',
  summary: 'The best tile sizes differ between GPUs: measure a few configurations, keep the fastest that is still right.',
  steps: [
    {
      title: 'The default configuration',
      body: [
        'The register-blocked kernel has five knobs (BM, BN, BK, TM, TN) and a staging choice. Its default was measured fastest on the development machine — which says little about yours.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=3',
      lookFor: 'The time and GFLOP/s of the default on this device.',
      tryNext: 'The next step sweeps one knob.',
    },
    {
      title: 'One knob at a time',
      body: [
        'Sweep the workgroup tile’s rows BM. Larger tiles reuse more but leave fewer workgroups to spread over the GPU: at 256×256 a 128-row tile leaves only two rows of workgroups.',
        'Every point is checked against float64, so a configuration that is fast but wrong never looks good.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=3&sw=BM:16,32,64,128',
      lookFor:
        'Where the curve peaks. A real GPU with many compute units prefers more workgroups at this size; a CPU adapter with two cores often prefers fewer, larger ones.',
      tryNext: 'Sweep TM, or the staging, with the other knobs fixed.',
    },
    {
      title: 'Let the tuner search',
      body: [
        'Knobs interact, so one at a time misses the best pair. The autotuner in the lab panel below does successive halving over the whole grid within the time budget you give it: every candidate is timed briefly, the better half timed again longer, and so on.',
        'Its pick is offered only if it passed its float64 re-check and beat the default when both were re-timed alternately — otherwise the default stays. It is remembered per device.',
      ],
      experiment: '#v=1&f=matmul&k=regblock&M=256&N=256&K=256&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=3',
      lookFor:
        'Run the autotuner with a 20-second budget at this size, and see whether its pick beats the default on this device and by how much (interleaved medians, not one lucky run).',
      tryNext: 'Tune at 512³ too: the best configuration often changes with the size.',
    },
  ],
};
