// The convolution family: 2-D convolution (direct, direct register-blocked, im2col + GEMM, 1×1
// as a GEMM, indirect, Im2win, Winograd F(2×2, 3×3)) and long 1-D convolution three ways (direct, radix-2/4
// FFT, FFT as matrix multiplication). Memory against speed against precision.
import type { BenchCase, FamilyDef, Params } from '../types';
import { direct } from './direct';
import { direct1d } from './direct1d';
import { directBlocked } from './directBlocked';
import { fftConv } from './fftConv';
import { fftMatmul } from './fftMatmul';
import { gemm1x1 } from './gemm1x1';
import { im2col } from './im2col';
import { im2win } from './im2win';
import { indirect } from './indirect';
import { winograd } from './winograd';

const VARIANTS = [direct, directBlocked, im2col, gemm1x1, indirect, im2win, winograd, direct1d, fftConv, fftMatmul];

function bench(variant: string, params: Params, label?: string, reps = 3): BenchCase {
  const keys = new Set(VARIANTS.find((v) => v.id === variant)?.params.map((p) => p.key));
  const own = Object.fromEntries(Object.entries(params).filter(([key]) => keys.has(key)));
  return { ...(label ? { label } : {}), experiment: { family: 'conv', variant, params: own, seed: 1, reps } };
}

/** The 2-D methods that take any shape, in the order the lab compares them. */
const GENERAL_2D = ['direct', 'direct-blocked', 'im2col', 'indirect', 'im2win'];

export const convFamily: FamilyDef = {
  id: 'conv',
  label: 'Convolution',
  summary:
    'The same convolution several ways — direct, im2col + GEMM, 1×1 GEMM, indirect, Im2win, Winograd — and long 1-D convolution by FFT: memory against speed against precision.',
  variants: VARIANTS,
  benchSuite() {
    const cases: BenchCase[] = [];
    // One shape, every method, NHWC then NCHW.
    const shape = { batch: 1, cin: 32, cout: 32, height: 32, width: 32, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    for (const layout of ['nhwc', 'nchw']) {
      for (const v of [...GENERAL_2D, 'winograd']) cases.push(bench(v, { ...shape, layout }, `${v} ${layout} 3×3`));
    }
    // 1×1: the plain GEMM against the general methods.
    const pointwise = { ...shape, layout: 'nhwc', kernel: 1, pad: 0 };
    for (const v of ['gemm-1x1', ...GENERAL_2D]) cases.push(bench(v, pointwise, `${v} nhwc 1×1`));
    // Time against kernel size ("same" padding); 1 and 3 are above.
    for (const kernel of [5, 7]) {
      for (const v of GENERAL_2D)
        if (v !== 'direct') cases.push(bench(v, { ...shape, layout: 'nhwc', kernel, pad: (kernel - 1) / 2 }, `${v} nhwc ${kernel}×${kernel}`));
    }
    // Long 1-D convolution, K = N: direct against the two FFT forms as the length grows.
    for (const length of [64, 256, 1024, 4096]) {
      const seq = { channels: 4, length, filter: 0 };
      cases.push(bench('direct-1d', seq, `direct-1d N=${length}`));
      cases.push(bench('fft', { ...seq, radix: 4 }, `fft radix-4 N=${length}`));
      cases.push(bench('fft', { ...seq, radix: 2 }, `fft radix-2 N=${length}`));
      cases.push(bench('fft-matmul', seq, `fft-matmul N=${length}`));
    }
    // Past where direct is affordable here: the FFT forms alone (the matrix form's O(L·√L) work
    // makes 2^16 a minute-long run on a software adapter, so it stops at 2^14).
    cases.push(bench('fft', { channels: 4, length: 16384, filter: 0, radix: 4 }, 'fft radix-4 N=16384', 2));
    cases.push(bench('fft-matmul', { channels: 4, length: 16384, filter: 0 }, 'fft-matmul N=16384', 2));
    cases.push(bench('fft', { channels: 4, length: 65536, filter: 0, radix: 4 }, 'fft radix-4 N=65536', 2));
    return cases;
  },
};
