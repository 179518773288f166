import type { BenchCase, FamilyDef } from '../types';
import { codec } from './codec';
import { gemmF32 } from './gemmF32';
import { gemmW4 } from './gemmW4';
import { gemmNf4 } from './gemmNf4';
import { gemmMxfp4 } from './gemmMxfp4';
import { gemmW8A8 } from './gemmW8A8';
import { lmulMatmul } from './lmul';
import { bitplane } from './bitplane';
import { lutGemv } from './lutGemv';
import { gemvF32 } from './gemvF32';
import { gemvW4 } from './gemvW4';
import { gemmW4Fp8 } from './gemmW4Fp8';
import { gemmW4Ax } from './gemmW4Ax';
import { ternary } from './ternary';
import { shiftAdd } from './shiftAdd';
import { any4 } from './any4';
import { hadamardMx } from './hadamardMx';
import { reorderBlocks } from './reorderBlocks';

export const quantFamily: FamilyDef = {
  id: 'quant',
  label: 'Quantization',
  summary: 'Number formats from int2 to FP8, MX and NF4: exact codecs on the GPU and quantized matmuls against float32.',
  variants: [codec, gemmF32, gemmW4, gemmNf4, gemmMxfp4, gemmW8A8, lmulMatmul, bitplane, lutGemv, gemvF32, gemvW4, gemmW4Fp8, gemmW4Ax, ternary, shiftAdd, any4, hadamardMx, reorderBlocks],
  benchSuite() {
    // Weight-only matmul, float32 weights vs int4 weights of the same shape: the GEMV of LLM
    // decode (M = 1, memory-bound) and a small-batch GEMM. Compare the pairs as ratios.
    const cases: BenchCase[] = [];
    const shapes = [
      { M: 1, N: 4096, K: 4096, TM: 1 },
      { M: 16, N: 1024, K: 1024, TM: 8 },
    ];
    for (const shape of shapes) {
      for (const strategy of ['split-k', 'row', 'subgroup']) {
        const common = { ...shape, strategy, dist: 'gaussian', outliers: 0, outlierScale: 20 };
        cases.push({ label: `f32 w ${strategy}`, experiment: { family: 'quant', variant: 'gemm-f32', params: common, seed: 1, reps: 5 } });
        cases.push({ label: `int4 w ${strategy}`, experiment: { family: 'quant', variant: 'gemm-w4', params: { ...common, groupSize: 32 }, seed: 1, reps: 5 } });
        if (shape.M === 1 && strategy !== 'subgroup') {
          cases.push({ label: `nf4 w ${strategy}`, experiment: { family: 'quant', variant: 'gemm-nf4', params: common, seed: 1, reps: 5 } });
          cases.push({ label: `mxfp4 w ${strategy}`, experiment: { family: 'quant', variant: 'gemm-mxfp4', params: common, seed: 1, reps: 5 } });
        }
      }
    }
    for (const shape of shapes) {
      for (const dot of ['builtin', 'manual']) {
        const params = { ...shape, dot, dist: 'gaussian', outliers: 0, outlierScale: 20, actQuant: 'gpu' };
        cases.push({ label: `w8a8 ${dot}`, experiment: { family: 'quant', variant: 'gemm-w8a8', params, seed: 1, reps: 5 } });
      }
      // The same without the activations' quantization: what it costs is the difference.
      const matmulOnly = { ...shape, dot: 'builtin', dist: 'gaussian', outliers: 0, outlierScale: 20, actQuant: 'host' };
      cases.push({ label: 'w8a8 builtin, X pre-quantized', experiment: { family: 'quant', variant: 'gemm-w8a8', params: matmulOnly, seed: 1, reps: 5 } });
    }
    // The decode GEMV pair (gemv.ts): float32 against int4 weights, several outputs per invocation.
    for (const NR of [4, 8, 16]) {
      const params = { M: 1, N: 4096, K: 4096, TM: 1, NR, dist: 'gaussian', outliers: 0, outlierScale: 20 };
      cases.push({ label: `GEMV f32 NR=${NR}`, experiment: { family: 'quant', variant: 'gemv-f32', params, seed: 1, reps: 5 } });
      cases.push({ label: `GEMV int4 NR=${NR}`, experiment: { family: 'quant', variant: 'gemv-w4', params: { ...params, groupSize: 32 }, seed: 1, reps: 5 } });
    }
    // Bit-plane WxAy GEMV: speed against bit width.
    for (const bits of [1, 2, 4, 8]) {
      const params = { M: 1, N: 4096, K: 4096, TM: 1, wBits: bits, aBits: bits, dist: 'gaussian', outliers: 0, outlierScale: 20 };
      cases.push({ label: `bitplane W${bits}A${bits}`, experiment: { family: 'quant', variant: 'bitplane', params, seed: 1, reps: 5 } });
    }
    for (const bits of [2, 3, 4]) {
      const params = { M: 1, N: 4096, K: 4096, TM: 1, wBits: bits, dist: 'gaussian', outliers: 0, outlierScale: 20 };
      cases.push({ label: `LUT-GEMV W${bits}`, experiment: { family: 'quant', variant: 'lut-gemv', params, seed: 1, reps: 5 } });
    }
    return cases;
  },
};
