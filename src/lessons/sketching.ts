import type { Lesson } from './types';

export const sketchingLesson: Lesson = {
  id: 'sketching',
  title: 'Sketching AᵀB: error against sketch size',
  family: 'structured',
  summary:
    'Random sketches replace a long sum by a short one: the error falls like 1/√k, as the theory line says — and for sparse inputs, sampling beats linear sketches.',
  steps: [
    {
      title: 'A Gaussian sketch',
      body: [
        'AᵀB with A of n×d and B of n×m sums n outer products. A k×n Gaussian sketch S with E[SᵀS] = I gives the unbiased estimate (SA)ᵀ(SB), whose error satisfies E‖·‖²_F ≤ 2‖A‖²_F‖B‖²_F/k. The sketch is seeded: this link reproduces the same S on any machine.',
        'The sweep runs k = 16 … 128 on the GPU; each estimate is checked against the float64 evaluation of the same sketch, and its distance to the exact AᵀB is plotted beside the lines sqrt(2/k) (rms) and sqrt(2/(0.1·k)) (exceeded with probability at most 10%).',
      ],
      experiment: '#v=1&f=structured&k=sketch-gaussian&n=2048&d=32&m=32&sketch=64&input=dense&nnz=4&seed=1&reps=3&sw=sketch:16,32,64,128',
      lookFor: 'The measured error follows the slope of 1/√k and stays under the 90% line.',
      tryNext: 'Change the seed: another sketch, another error, the same law.',
    },
    {
      title: 'CountSketch: the cheap linear sketch',
      body: [
        'CountSketch hashes each row to one of k buckets with a random sign: building the sketch costs n additions instead of k·n multiply-adds, and the same error bound holds.',
      ],
      experiment: '#v=1&f=structured&k=sketch-countsketch&n=2048&d=32&m=32&sketch=64&input=dense&nnz=4&seed=1&reps=3&sw=sketch:16,32,64,128',
      lookFor: 'About the same error as the Gaussian sketch at each k, for far less sketching work.',
      tryNext: 'Press “Measure against dense” with k varied: where does sketching stop paying?',
    },
    {
      title: 'Sparse inputs: coordinated sampling',
      body: [
        'When A and B have s non-zeros per row, each side can keep about k of its rows, chosen by a shared hash with probability ∝ its row norm² — without seeing the other side. The rows both kept, reweighted, estimate AᵀB with the same error guarantee, and each side stores about k·s numbers instead of a linear sketch’s k·d.',
      ],
      experiment: '#v=1&f=structured&k=sample-coordinated&n=4096&d=256&m=256&sketch=64&input=sparse&nnz=4&seed=1&reps=3',
      lookFor: 'The “stored” line: a few hundred numbers against 16384 for a k×d linear sketch, at an error of the same order.',
      tryNext: 'Run CountSketch on the same sparse input and compare its error and storage.',
    },
  ],
};
