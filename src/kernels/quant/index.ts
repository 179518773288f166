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
  summary: 'Number formats from ternary and int2 to FP8, MX, NF4 and learned tables: exact codecs on the GPU and quantized matmuls against float32.',
  variants: [
    codec,
    gemmF32,
    gemmW4,
    gemmNf4,
    gemmMxfp4,
    gemmW8A8,
    lmulMatmul,
    bitplane,
    lutGemv,
    gemvF32,
    gemvW4,
    gemmW4Fp8,
    gemmW4Ax,
    ternary,
    shiftAdd,
    any4,
    hadamardMx,
    reorderBlocks,
  ],
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
        cases.push({
          label: `int4 w ${strategy}`,
          experiment: { family: 'quant', variant: 'gemm-w4', params: { ...common, groupSize: 32 }, seed: 1, reps: 5 },
        });
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
    // Issue 18's seed variants, beside the int4 and W8A8 rows of the same shapes.
    const seeds = (variant: string, label: string, params: Record<string, number | string | boolean>) =>
      cases.push({ label, experiment: { family: 'quant', variant, params: { dist: 'gaussian', outliers: 0, outlierScale: 20, ...params }, seed: 1, reps: 5 } });
    for (const shape of shapes) {
      seeds('gemm-w4-fp8', 'int4 × FP8 E4M3 (FireQ)', { ...shape, weightScale: 'group', groupSize: 32 });
      for (const a8Channels of [0, 32, shape.K]) {
        seeds('gemm-w4ax', a8Channels === 0 ? 'W4A4 uniform' : a8Channels === shape.K ? 'W4A8 uniform' : `W4A4 + ${a8Channels} A8 channels (COMET)`, {
          ...shape,
          a8Channels,
          outliers: 4,
        });
      }
    }
    const gemv = { M: 1, N: 4096, K: 4096, TM: 1 };
    for (const packing of ['2bit', 'base3']) seeds('ternary', `ternary ${packing}`, { ...gemv, packing, scale: 'channel' });
    for (const planes of [2, 3]) seeds('shift-add', `shift-add q=${planes}`, { ...gemv, planes, groupSize: 64 });
    for (const M of [1, 16]) seeds('any4', `any4 M=${M}`, { M, N: 1024, K: 1024, TM: Math.min(M, 8), strategy: 'row', groupSize: 64 });
    const gemm = { M: 16, N: 1024, K: 1024, TM: 1 };
    for (const rotate of [false, true]) seeds('hadamard-mxfp4', `MXFP4 W4A4${rotate ? ' after RHT b=64' : ''}`, { ...gemm, rotate, block: 64, outliers: 8 });
    for (const reorder of [false, true])
      seeds('reorder-blocks', `BFP m4 acts${reorder ? ', rearranged' : ''}`, { ...gemm, reorder, format: 'bfp', bits: 4, blockSize: 32, outliers: 8 });
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
