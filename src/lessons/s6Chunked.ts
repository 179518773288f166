import type { Lesson } from './types';

const SHAPE = 'batch=1&channels=8&state=16&length=256&gate=1&deltaBias=1&softplus=1';

export const s6ChunkedLesson: Lesson = {
  id: 's6-chunked',
  title: 'Mamba’s selective scan: sequential versus chunked',
  family: 'scan',
  summary: 'The S6 recurrence h_t = exp(Δ_t·A)·h_{t−1} + Δ_t·B_t·x_t, walked step by step or split into chunks scanned in parallel.',
  steps: [
    {
      title: 'Sequential: one step after another',
      body: [
        'Mamba’s selective scan updates, per channel, a state of N numbers with input-dependent decays and inputs: the linear recurrence of the parallel-scans lesson, with N states per channel. The sequential kernel walks the sequence in order: L dependent steps, one invocation per (channel, state).',
      ],
      experiment: `#v=1&f=scan&k=s6-sequential&${SHAPE}&seed=1&reps=3`,
      lookFor: 'The time and the error along the sequence against its derived bound (the panel’s plot).',
      tryNext: 'Next: chunks of 64 steps.',
    },
    {
      title: 'Chunked: scan the chunks in parallel',
      body: [
        'Cut the sequence into chunks. Each chunk is scanned from a zero state in parallel, then one pass carries every chunk’s final state into the next: L/chunk dependent steps instead of L.',
        'The decays multiply across a chunk, so the error bound depends on the chunk length too.',
      ],
      experiment: `#v=1&f=scan&k=s6-chunked&${SHAPE}&chunk=64&seed=1&reps=3`,
      lookFor:
        'Against the sequential step: how much parallel work helps at this length. On a GPU with thousands of cores, long sequences gain far more than here.',
      tryNext: 'Sweep the chunk length.',
    },
    {
      title: 'The chunkwise matrix form',
      body: [
        'Mamba-2 writes a chunk as a small matrix product (the decays as a lower-triangular mask), so the work inside a chunk becomes matmul-shaped, which tensor cores run fastest.',
      ],
      experiment: `#v=1&f=scan&k=s6-chunkwise&${SHAPE}&chunk=32&seed=1&reps=3`,
      lookFor: 'The same outputs within the bound, by a third route; the time against the two above.',
      tryNext: 'Raise length to 2048 and compare the three again.',
    },
  ],
};
