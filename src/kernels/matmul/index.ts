import type { BenchCase, FamilyDef } from '../types';
import { naive } from './naive';
import { tiled } from './tiled';
import { regblock, regblockExact } from './regblock';
import { copyBandwidth, fmaPeak } from './roofline';
import { gemv } from './gemv';
import { splitK } from './splitk';
import { reduce, reduceSubgroup } from './reduce';
import { f16Acc16, f16Acc32 } from './f16';

export const matmulFamily: FamilyDef = {
  id: 'matmul',
  label: 'Matrix multiplication',
  summary: 'C = A·B in float32: how tiling and data reuse change speed, checked against float64.',
  variants: [naive, tiled, regblock, regblockExact, gemv, splitK, reduce, reduceSubgroup, f16Acc32, f16Acc16, fmaPeak, copyBandwidth],
  benchSuite() {
    const cases: BenchCase[] = [];
    for (const size of [256, 512]) {
      const shape = { M: size, N: size, K: size };
      cases.push({ experiment: { family: 'matmul', variant: 'naive', params: { ...shape, wg: 8 }, seed: 1, reps: 5 } });
      for (const tile of [4, 8, 16]) {
        cases.push({ experiment: { family: 'matmul', variant: 'tiled', params: { ...shape, tile }, seed: 1, reps: 5 } });
      }
    }
    return cases;
  },
};
