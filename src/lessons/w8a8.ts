import type { Lesson } from './types';

const SHAPE = 'M=4&N=256&K=512&TM=4&dist=gaussian&outliers=0';

export const w8a8Lesson: Lesson = {
  id: 'w8a8-dot4',
  title: 'W8A8 with packed dot products',
  family: 'quant',
  summary: 'Quantize weights and activations to int8 and multiply four pairs at once with WGSL’s dot4I8Packed.',
  steps: [
    {
      title: 'The float32 baseline',
      body: ['The same problem in float32: 4 rows of activations times a 256×512 weight matrix.'],
      experiment: `#v=1&f=quant&k=gemm-f32&${SHAPE}&strategy=split-k&seed=1&reps=3`,
      lookFor: 'The time and the (tiny) float32 error: the reference point.',
      tryNext: 'Next: int8 weights and activations.',
    },
    {
      title: 'dot4I8Packed: four int8 products per instruction',
      body: [
        'Weights are int8 per output channel; activations are quantized per row on the GPU inside the timed run, as at inference. Four int8 values live in one u32, and dot4I8Packed(a, b) multiplies the four pairs and adds them into an i32 — exact integer arithmetic; the only errors are the two quantizations.',
      ],
      experiment: `#v=1&f=quant&k=gemm-w8a8&${SHAPE}&dot=builtin&actQuant=gpu&seed=1&reps=3`,
      lookFor:
        'The error against float64 is now the error of the two 8-bit quantizations (compare its SQNR with the float32 step), not rounding; the time against the f32 baseline. GPUs with int8 dot-product units run this several times faster; a software adapter emulates the instruction.',
      tryNext: 'Next: the same arithmetic without the builtin.',
    },
    {
      title: 'The same products, unpacked by hand',
      body: ['Unpacking with shifts and sign extension, then four multiplies: identical results, more instructions.'],
      experiment: `#v=1&f=quant&k=gemm-w8a8&${SHAPE}&dot=manual&actQuant=gpu&seed=1&reps=3`,
      lookFor: 'The same error as the builtin step (bit-identical integer sums), and a time that shows what the packed instruction saves on this device.',
      tryNext: 'Set actQuant to host to time the integer matmul alone, without quantizing the activations.',
    },
  ],
};
