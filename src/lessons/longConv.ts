import type { Lesson } from './types';

export const longConvLesson: Lesson = {
  id: 'long-convolutions',
  title: 'Long convolutions: when the FFT wins',
  family: 'conv',
  summary: 'A filter as long as the sequence costs about N²/2 multiply-adds per channel directly and O(N log N) by FFT, whose rounding grows only like log N.',
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
      body: [
        'A sweep over the length shows the N² law: once the sequence is long enough to keep the GPU busy, each doubling of N costs about four times as much (short sequences are dominated by fixed costs).',
      ],
      experiment: '#v=1&f=conv&k=direct-1d&channels=4&length=1024&filter=0&seed=1&reps=2&sw=length:256,512,1024,2048,4096',
      lookFor: 'The sweep chart: the time against N, and how the factor between neighbouring points approaches 4.',
      tryNext: 'Set the filter length to 3: the direct form becomes linear in N and hard to beat.',
    },
    {
      title: 'The FFT: N log N',
      body: [
        'Zero-pad x and h to a power of two L ≥ N + K − 1, transform both, multiply pointwise, transform back: the circular convolution then equals the linear one on the first N outputs. Each transform is log₂L stages of butterflies (radix-4 here, with one radix-2 stage when log₂L is odd).',
        'Its error is bounded normwise: ‖ŷ − y‖₂ ≤ ε(‖x‖‖H‖∞ + ‖X‖∞‖h‖) + …, with ε ≈ log₂L·(u + √2·γ₄) for each transform — the bound grows with log L, applied to every element.',
      ],
      experiment: '#v=1&f=conv&k=fft&channels=4&length=1024&filter=0&radix=4&fft=0&seed=1&reps=3',
      lookFor:
        'Compare the time with step 1 at the same N, and ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂) in the lab panel: the FFT’s bound is far looser than direct’s, yet its actual error is of the same order — at long lengths often smaller, since each output’s rounding passes through log₂L levels of butterflies instead of a sum of K terms.',
      tryNext: 'Set the radix to 2: twice the stages, the same result within rounding.',
    },
    {
      title: 'Find the crossover',
      body: [
        'At the shortest lengths the FFT’s fixed cost (a dozen passes over memory, each a dispatch) can lose to the direct loop; past some length the N log N law wins. Where that crossover lies depends on the device.',
      ],
      experiment: '#v=1&f=conv&k=fft&channels=4&length=256&filter=0&radix=4&fft=0&seed=1&reps=3',
      lookFor: 'Press “Time and error against length” in the lab panel: it runs the three forms at each length and marks where each FFT form overtakes direct.',
      tryNext:
        'Read the error chart of the same series: how each form’s ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂) grows with N — the radix FFT’s like log N at worst, the direct sum’s faster.',
    },
    {
      title: 'The FFT as matrix multiplication',
      body: [
        'FlashFFTConv writes a length L = N1·N2 FFT as two matrix products with DFT matrices (N1- and N2-point) and a pointwise twiddle step, so matrix units can run it. The spectrum comes out in a transposed order that the convolution never has to undo.',
        'Any N1·N2 works, not only powers of two: here L = 48·42 = 2016 for N + K − 1 = 1999, where the radix FFT pads to 2048. The price is more arithmetic (N1 + N2 multiply-adds per value instead of log₂L butterflies) and a larger error bound (a dense n-point DFT’s ε grows like √n·n·u, against log₂n·u for an FFT).',
      ],
      experiment: '#v=1&f=conv&k=fft-matmul&channels=2&length=1000&filter=0&n1=0&fft=0&seed=1&reps=3',
      lookFor: 'The lab panel’s line for this run: L, its factors, ε, and the difference from the classic radix-2 FFT on the same inputs.',
      tryNext: 'Set the FFT size to 2048 and N1 to 32: a power of two again, split 32·64.',
    },
  ],
};
