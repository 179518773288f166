import type { Lesson } from './types';

export const tileSweepLesson: Lesson = {
  id: 'tile-sweep',
  title: 'The tile-size sweep',
  family: 'matmul',
  summary: 'Sweep the tile size T from 1 to 32 and find your GPU’s sweet spot.',
  steps: [
    {
      title: 'Sweep T',
      body: [
        'With a T×T tile, each element loaded from global memory is reused T times, and a workgroup needs 2·T²·4 bytes of workgroup memory and T² invocations.',
        'Small T gives little reuse; large T gives fewer workgroups to hide latency, more time waiting at barriers, and eventually breaks the device’s limit on invocations per workgroup (often 256 or 1024).',
        'Studies of tiled GEMM on GPUs found 16×16 a good balance on many devices, with several-fold differences between the best and worst tile.',
      ],
      experiment: '#v=1&f=matmul&k=tiled&M=128&N=128&K=128&tile=16&seed=1&reps=2&sw=tile:1,2,4,8,16,32',
      lookFor: 'The chart fills in one point per tile size. Tiles your device cannot run are listed with the limit they break.',
      tryNext: 'Change N to 512 and sweep again: does the best tile move?',
    },
    {
      title: 'Sweep the size',
      body: ['Throughput also depends on the problem size: small matrices cannot fill the GPU, and per-dispatch overhead dominates.'],
      experiment: '#v=1&f=matmul&k=tiled&M=128&N=256&K=128&tile=8&seed=1&reps=2&sw=N:32,64,128,256,512',
      lookFor: 'GFLOP/s rising with N until the GPU is full.',
      tryNext: 'Share the link with a classmate and compare their curve with yours.',
    },
  ],
};
