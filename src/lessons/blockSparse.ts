import type { Lesson } from './types';

const SHAPE = 'M=256&N=64&K=256&density=10&block=8';

export const blockSparseLesson: Lesson = {
  id: 'block-reordering',
  title: 'Block sparsity and reordering',
  family: 'sparse',
  summary: 'Blocked sparse kernels reuse a dense micro-kernel on every stored block; a permutation can gather scattered non-zeros into fewer, fuller blocks.',
  steps: [
    {
      title: 'Non-zeros in aligned blocks',
      body: [
        'When the non-zeros come in 8×8 blocks, BSR stores the blocks and a register-blocked micro-kernel multiplies each densely: regular loads, full use of every loaded value.',
      ],
      experiment: `#v=1&f=sparse&k=bsr&${SHAPE}&pattern=block&bsr=8&tn=16&reorder=0&seed=1&reps=3`,
      lookFor: 'The blocks stored and the time: the best case for BSR.',
      tryNext: 'Next: the same blocks with rows and columns shuffled.',
    },
    {
      title: 'The same blocks, shuffled',
      body: [
        'Shuffle the rows and columns: the same number of non-zeros, but now scattered. Every 8×8 block that holds one non-zero must be stored whole, mostly zeros.',
      ],
      experiment: `#v=1&f=sparse&k=bsr&${SHAPE}&pattern=block-shuffled&bsr=8&tn=16&reorder=0&seed=1&reps=3`,
      lookFor: 'Many more blocks stored, and a slower run, for the same non-zeros.',
      tryNext: 'Next: let the kernel reorder first.',
    },
    {
      title: 'Reorder, then multiply',
      body: [
        'A clustering permutation groups rows with similar column patterns (and columns alike), recovering dense blocks; the result is permuted back. The lab panel draws the blocks before and after.',
        'The permutation is computed once per matrix, so it pays when the matrix is reused, as weights are.',
      ],
      experiment: `#v=1&f=sparse&k=bsr&${SHAPE}&pattern=block-shuffled&bsr=8&tn=16&reorder=1&seed=1&reps=3`,
      lookFor: 'Fewer blocks than the shuffled step and a time near the aligned one; every element still within its float64 bound after the permutation back.',
      tryNext: 'Try pattern random: there is no hidden structure to recover.',
    },
  ],
};
