import type { Lesson } from './types';

export const spatialMambaLesson: Lesson = {
  id: 'spatial-mamba',
  title: 'The 2D Spatial-Mamba scan',
  family: 'scan',
  summary: 'An image scanned as a sequence, then the states of nearby pixels fused: a 2D neighbourhood from a 1D recurrence.',
  steps: [
    {
      title: 'A 1D scan over an image, and one neighbourhood',
      body: [
        'Vision Mambas flatten an image into a sequence and scan it. Spatial-Mamba then fuses each pixel’s state with its neighbours’ (a dilated 3×3 window), so information flows in 2D, not only along the scan order.',
      ],
      experiment: '#v=1&f=scan&k=spatial-mamba&width=64&height=64&dilations=1&image=mandrill&seed=1&reps=2',
      lookFor: 'The fused states as an image in the lab panel, and the error within its bound.',
      tryNext: 'Next: three dilations, a wider neighbourhood.',
    },
    {
      title: 'Dilations 1, 3 and 5',
      body: ['Several dilations see farther for the same number of weights per window, as dilated convolutions do.'],
      experiment: '#v=1&f=scan&k=spatial-mamba&width=64&height=64&dilations=1,3,5&image=mandrill&seed=1&reps=2',
      lookFor: 'How the fused image changes with the wider neighbourhood, and the time with three windows instead of one.',
      tryNext: 'Switch to the procedural image: edges and flat regions make the fusion easy to see.',
    },
  ],
};
