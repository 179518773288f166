import type { Lesson } from './types';

const SHAPE = 'layout=nhwc&batch=1&cin=32&cout=32&height=32&width=32&kernel=3&stride=1&pad=1&dilation=1';
const TILE = 'BM=32&BN=32&TM=4&TN=4';

export const convMemoryLesson: Lesson = {
  id: 'conv-im2col-indirect',
  title: 'im2col versus indirect: the memory you do not need',
  family: 'conv',
  summary:
    'The same 3×3 convolution by copying every window (im2col), by pointing at it (indirect) and by laying the rows out in window order (Im2win): bytes against speed.',
  steps: [
    {
      title: 'im2col: copy every window, then one big GEMM',
      body: [
        'A convolution layer with C = 32 input channels and a 3×3 kernel gives each output pixel a dot product of C·R·S = 288 terms. Caffe’s im2col copies those 288 inputs into one row of a column matrix per output pixel, and a tuned GEMM multiplies that matrix with the filter.',
        'Neighbouring windows overlap, so every input is copied up to 9 times: the column matrix is R·S = 9 times the input (1.1 MiB here, against 128 KiB of input), written once and read again by the GEMM.',
      ],
      experiment: `#v=1&f=conv&k=im2col&${SHAPE}&${TILE}&seed=1&reps=3`,
      lookFor:
        'In the lab panel, the bytes chart and table: the column matrix is the “workspace” part of im2col’s bar. The result must be within its bound γ_n·Σ|w·x| with n = 288.',
      tryNext: 'Point at different outputs in the picture: each one’s im2col row copies 288 values, zeros included for the padding.',
    },
    {
      title: 'Indirect convolution: point, do not copy',
      body: [
        'The Indirect Convolution Algorithm keeps an indirection buffer instead: for each output pixel, 9 pointers — one per kernel tap — to the input pixel that tap reads (or to a shared row of zeros in the padding). In NHWC a pixel’s 32 channels lie together, so one pointer serves all 32.',
        'The buffer is C = 32 times smaller than the column matrix (36 KiB here) and depends only on the shape. The GEMM micro-kernel loads A through the pointers, with the same register blocking as before.',
      ],
      experiment: `#v=1&f=conv&k=indirect&${SHAPE}&${TILE}&seed=1&reps=3`,
      lookFor: 'The extra bytes drop from 1.1 MiB to 36 KiB; the picture draws each pointer as a line into the input. Same answer, same bound.',
      tryNext: 'Set the input channels to 3 (an RGB first layer): the saving shrinks to 3×, as the paper says (it is proportional to C).',
    },
    {
      title: 'Im2win: window order',
      body: [
        'Im2win copies, for each output row, only the 3 input rows it reads, stored column by column. Each window is then one contiguous run, and the next window starts one column later — overlapping in memory instead of being copied again.',
        'Its workspace is about S / stride = 3 times smaller than im2col’s, and every load of the micro-kernel walks forward through memory.',
      ],
      experiment: `#v=1&f=conv&k=im2win&${SHAPE}&${TILE}&seed=1&reps=3`,
      lookFor: 'The strip in the picture: the highlighted run is the window of the output you point at; move along an output row and watch it slide.',
      tryNext: 'Set dilation to 2: the window splits into three runs, two columns apart.',
    },
    {
      title: 'Every method, one run',
      body: [
        'Which is fastest depends on the device and the shape: the copy costs a pass over memory and its bytes, the GEMM gains a regular operand, the pointers cost an extra load per tap. Only a measurement on your device answers it.',
        'The direct kernels copy nothing at all, but re-read every input for each output that needs it; the register-blocked one reuses each load for 8 output channels.',
      ],
      experiment: `#v=1&f=conv&k=direct-blocked&${SHAPE}&block=8&seed=1&reps=3`,
      lookFor:
        'Press “Run every method at this shape” in the lab panel: the table gives each method’s time as a multiple of the fastest, its extra bytes, and its error against float64.',
      tryNext: 'Press “Time against kernel size”: im2col’s matrix grows with R·S, the indirection buffer with R·S too but C times smaller.',
    },
    {
      title: 'The 1×1 case: no transformation at all',
      body: [
        'A 1×1 convolution with stride 1 and no padding is already a matrix product: in NHWC the input is a (pixels × C) matrix. The matmul lab’s register-blocked GEMM runs on the buffers as they are — no copy, no pointers.',
        'Any other shape (a 3×3 kernel, a stride, padding) is refused by this variant with the reason: it is not a plain GEMM of the input.',
      ],
      experiment: `#v=1&f=conv&k=gemm-1x1&layout=nhwc&batch=1&cin=32&cout=32&height=32&width=32&kernel=1&stride=1&pad=0&dilation=1&${TILE}&seed=1&reps=3`,
      lookFor: 'Zero extra bytes, and the time against the general methods at the same 1×1 shape (run every method again).',
      tryNext: 'Set stride 2: the variant refuses and says why; im2col and indirect still run.',
    },
  ],
};
