import type { Lesson } from './types';

export const longConvLesson: Lesson = {
  id: 'long-convolutions',
  title: 'Long convolutions: when the FFT wins',
  family: 'conv',
  summary: 'A filter as long as the sequence costs N² multiply-adds directly and N log N by FFT — and the FFT pays in rounding that grows with log N.',
  steps: [
    {
      title: 'Direct: N·K multiply-adds',
      body: [
        'Long-convolution models (Hyena, state-space models run as convolutions) give each channel a filter as long as the sequence. Computed directly, each of the N outputs sums up to K = N products: about N²/2 multiply-adds per channel.',
        'The error is that of a dot product: within γ_K·Σ|h·x| for each output.',
      ],
      experiment: '#v=1&f=conv&k=direct-1d&channels=4&length=1024&filter=0&seed=1&reps=3',
      lookFor: 'The time, and the bound verdict. Note ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂) in the lab panel: the error on the scale the FFT’s error is measured on.',
      tryNext: 'Double the length: the time roughly quadruples.',
    },
    {
      title: 'The quadratic growth',
      body: ['A sweep over the length shows the N² law directly: each doubling of N costs four times as much.'],
      experiment: '#v=1&f=conv&k=direct-1d&channels=4&length=1024&filter=0&seed=1&reps=2&sw=length:64,256,1024,2048',
      lookFor: 'The sweep chart: time rising by about 16× per 4× of length (once the GPU is busy).',
      tryNext: 'Set the filter length to 3: the direct form becomes linear in N and hard to beat.',
    },
    {
      title: 'The FFT: N log N',
      body: [
        'Zero-pad x and h to a power of two L ≥ N + K − 1, transform both, multiply pointwise, transform back: the circular convolution then equals the linear one on the first N outputs. Each transform is log₂L stages of butterflies (radix-4 here, with one radix-2 stage when log₂L is odd).',
        'Its error is bounded normwise: ‖ŷ − y‖₂ ≤ ε(‖x‖‖H‖∞ + ‖X‖∞‖h‖) + …, with ε ≈ log₂L·(u + √2·γ₄) for each transform — the bound grows with log L, applied to every element.',
      ],
      experiment: '#v=1&f=conv&k=fft&channels=4&length=1024&filter=0&radix=4&fft=0&seed=1&reps=3',
      lookFor: 'Compare the time with step 1 at the same N. The error is larger than direct’s, and within its (normwise) bound.',
      tryNext: 'Set the radix to 2: twice the stages, the same result within rounding.',
    },
    {
      title: 'Find the crossover',
      body: [
        'For short sequences the FFT’s fixed cost (a dozen passes over memory, each a dispatch) loses to the direct loop; past some length the N log N law wins. Where that crossover lies depends on the device.',
      ],
      experiment: '#v=1&f=conv&k=fft&channels=4&length=256&filter=0&radix=4&fft=0&seed=1&reps=3',
      lookFor: 'Press “Time and error against length” in the lab panel: it runs the three forms at each length and marks where each FFT form overtakes direct.',
      tryNext: 'Read the error chart of the same series: the FFT forms’ error grows slowly with N, direct’s with √N to N.',
    },
    {
      title: 'The FFT as matrix multiplication',
      body: [
        'FlashFFTConv writes a length L = N1·N2 FFT as two matrix products with DFT matrices (N1- and N2-point) and a pointwise twiddle step, so matrix units can run it. The spectrum comes out in a transposed order that the convolution never has to undo.',
        'Any N1·N2 works, not only powers of two: here L = 48·42 = 2016 for N + K − 1 = 1999, where the radix FFT pads to 2048. The price is more arithmetic (N1 + N2 multiply-adds per value instead of log₂L butterflies) and a larger error bound (dense DFTs: ε grows like √n·n·u).',
      ],
      experiment: '#v=1&f=conv&k=fft-matmul&channels=2&length=1000&filter=0&n1=0&fft=0&seed=1&reps=3',
      lookFor: 'The lab panel’s line for this run: L, its factors, ε, and the difference from the classic radix-2 FFT on the same inputs.',
      tryNext: 'Set the FFT size to 2048 and N1 to 32: a power of two again, split 32·64.',
    },
  ],
};
