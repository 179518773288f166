import type { Lesson } from './types';

export const monarchLesson: Lesson = {
  id: 'monarch',
  title: 'Monarch: dense-like expressiveness at a fraction of the flops',
  family: 'structured',
  summary: 'Two block-diagonal factors and a shuffle: n·(b + m) multiply-adds instead of n², full rank, and an exact projection from any dense matrix.',
  steps: [
    {
      title: 'The dense layer',
      body: [
        'A dense layer y = W·x with W of size n×n costs n² multiply-adds per vector. Here n = 256 and a batch of 64 vectors: the register-blocked matmul of the matmul lab, the baseline for everything that follows.',
      ],
      experiment: '#v=1&f=structured&k=dense&M=64&N=256&K=256&seed=1&reps=3',
      lookFor: 'The median time: the structures below are measured against this kernel of the same shape.',
      tryNext: 'Double N and K: the time roughly quadruples.',
    },
    {
      title: 'A Monarch matrix',
      body: [
        'A Monarch matrix is M = P·L·Pᵀ·R: R is block-diagonal with b blocks of m×m (m = n/b), L block-diagonal with m blocks of b×b, and P the perfect shuffle between them. Applied to x it costs n·(m + b) multiply-adds: with n = 256 and b = 16, 8192 instead of 65536.',
        'The fused kernel keeps the intermediate R·x of a few vectors in workgroup memory between the two block-diagonal products: one dispatch, one barrier.',
      ],
      experiment: '#v=1&f=structured&k=monarch-fused&n=256&blocks=16&batch=64&source=random&target=near-monarch&tokens=4&seed=1&reps=3',
      lookFor:
        'The cost table: 1/8 of the dense flops. Then press “Measure against dense” in the lab panel: the structure and the dense kernel of each size alternate in one job, and the crossover is drawn.',
      tryNext: 'Compare the fused variant with “Monarch, two dispatches”: the same flops, one more trip through memory.',
    },
    {
      title: 'Expressive: a dense matrix projected onto Monarch',
      body: [
        'Despite its few parameters a Monarch matrix is full rank. The Monarch paper shows that the closest Monarch matrix to any dense W has a closed form: every (l, j) slice of W, a b×m matrix, is replaced by its best rank-1 approximation (its top singular pair). The lab computes it in float64 on the CPU.',
        'W here is a Monarch matrix plus 5% noise. The chart draws the projection error for every b and, dashed, the best low-rank approximation with the same number of parameters (from W’s singular values).',
      ],
      experiment: '#v=1&f=structured&k=monarch-unfused&n=64&blocks=8&batch=16&source=project&target=near-monarch&seed=1&reps=3',
      lookFor:
        'At b = 8 the Monarch error is the noise (≈ 5%); low rank with the same parameters leaves most of W. Kernel error and approximation error are listed apart.',
      tryNext: 'Switch “Dense W to approximate” to the decaying spectrum: now low rank wins — no structure is best for every matrix.',
    },
    {
      title: 'Two cores of rank ρ: the block tensor-train',
      body: [
        'Compute Better Spent’s block tensor-train (BTT) keeps Monarch’s layout but lets every slice have rank ρ. ρ = 2 doubles the cost and halves what the projection leaves of an unstructured matrix’s slices.',
      ],
      experiment: '#v=1&f=structured&k=btt&n=64&blocks=8&batch=16&source=project&target=gaussian&rank=2&seed=1&reps=3',
      lookFor: 'On a Gaussian W nothing compresses well: the projection error is large for every b, and lower for rank 2 than for Monarch.',
      tryNext: 'Set the rank to 8 (= b): every slice is then represented exactly, and so is W.',
    },
  ],
};
