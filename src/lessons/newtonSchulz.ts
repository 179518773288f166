import type { Lesson } from './types';

export const newtonSchulzLesson: Lesson = {
  id: 'newton-schulz',
  title: 'Orthogonalizing with matmuls: Newton–Schulz',
  family: 'structured',
  summary: 'The iteration behind Muon: each step maps every singular value σ to aσ + bσ³ + cσ⁵; the cubic converges, the quintic is fast and never exact.',
  steps: [
    {
      title: 'The cubic iteration',
      body: [
        'X₀ = G/‖G‖_F has singular values below 1. The step X ← 1.5·X − 0.5·(XXᵀ)X maps each σ to 1.5σ − 0.5σ³: small ones grow by 1.5×, those near 1 converge quadratically. The limit is the polar factor U·Vᵀ of G.',
        'Every iterate is compared with the same iteration in float64, and each single step with float64 applied to the GPU’s own previous iterate — a check that does not blur with the step count.',
      ],
      experiment: '#v=1&f=structured&k=newton-schulz&rows=64&cols=128&steps=8&coefficients=cubic&precision=f32&seed=1&reps=3',
      lookFor:
        'Distance to U·Vᵀ falls slowly at first, then fast; the GPU stays within about 10⁻⁶ of float64 at every step, and every single step is within its rounding bound.',
      tryNext: 'Raise the iterations to 20.',
    },
    {
      title: 'Muon’s quintic',
      body: [
        'The quintic (3.4445, −4.7750, 2.0315) pushes small singular values up much faster, at the price of never converging: it leaves every σ somewhere in about [0.7, 1.2], which is what the optimizer needs.',
      ],
      experiment: '#v=1&f=structured&k=newton-schulz&rows=64&cols=128&steps=8&coefficients=quintic&precision=f32&seed=1&reps=3',
      lookFor: 'After two or three steps the distance to U·Vᵀ stops falling and stays near 0.2, by design; ‖XXᵀ − I‖ stays bounded too.',
      tryNext: 'Choose the bf16-rounded input: the iteration barely notices — the input-rounding floor is printed beside the chart.',
    },
    {
      title: 'A square root from matmuls',
      body: [
        'The coupled Newton–Schulz iteration Y ← Y·T, Z ← T·Z with T = (3I − ZY)/2 converges to A^{1/2} and A^{−1/2} without inverses. Denman–Beavers (with inverses, float64 on the CPU) is drawn beside it.',
      ],
      experiment: '#v=1&f=structured&k=matrix-sqrt&n=48&method=newton-schulz&steps=10&kappa=10&precision=f32&seed=1&reps=3',
      lookFor: 'Quadratic convergence once Z·Y is near I, to the float32 floor.',
      tryNext: 'Switch the method to the matrix Taylor polynomial: one product per term, but linear convergence.',
    },
  ],
};
