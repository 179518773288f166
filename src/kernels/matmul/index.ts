import type { BenchCase, FamilyDef, Params } from '../types';
import { naive } from './naive';
import { tiled } from './tiled';
import { regblock, regblockExact, regblockSubgroup, REGBLOCK_DEFAULT } from './regblock';
import { barrierCost, copyBandwidth, fmaPeak } from './roofline';
import { gemv } from './gemv';
import { splitK } from './splitk';
import { reduce, reduceSubgroup } from './reduce';
import { f16Acc16, f16Acc32 } from './f16';
import { SUBGROUP_MATRIX_DEFAULT, subgroupMatrix } from './subgroupMatrix';
import { regblockBt } from './regblockBt';
import { REGBLOCK_QUAD_DEFAULT, regblockQuad } from './regblockQuad';

const VARIANTS = [
  naive,
  tiled,
  regblock,
  regblockExact,
  regblockSubgroup,
  regblockBt,
  regblockQuad,
  subgroupMatrix,
  gemv,
  splitK,
  reduce,
  reduceSubgroup,
  f16Acc32,
  f16Acc16,
  fmaPeak,
  copyBandwidth,
  barrierCost,
];

/** A bench case with only the parameters the variant has (the shared configurations carry more). */
function bench(variant: string, params: Params, label?: string, reps = 3): BenchCase {
  const keys = new Set(VARIANTS.find((v) => v.id === variant)?.params.map((p) => p.key));
  const own = Object.fromEntries(Object.entries(params).filter(([key]) => keys.has(key)));
  return { ...(label ? { label } : {}), experiment: { family: 'matmul', variant, params: own, seed: 1, reps } };
}

export const matmulFamily: FamilyDef = {
  id: 'matmul',
  label: 'Matrix multiplication',
  summary: 'C = A·B in float32: how tiling and data reuse change speed, checked against float64.',
  variants: VARIANTS,
  benchSuite() {
    const cases: BenchCase[] = [];
    // The two roofs first: every GFLOP/s below is a fraction of the first line.
    cases.push(bench('roofline-fma', { workgroups: 32, iters: 4096 }, 'peak FMA', 5));
    cases.push(bench('roofline-copy', { MiB: 32 }, 'copy', 5));
    cases.push(bench('roofline-barrier', { wg: 64, workgroups: 64, steps: 256 }, 'barrier cost', 5));
    for (const size of [512, 1024]) {
      const shape = { M: size, N: size, K: size };
      cases.push(bench('naive', { ...shape, wg: 8 }, undefined, size > 512 ? 2 : 3));
      if (size <= 512) cases.push(bench('tiled', { ...shape, tile: 16 }));
      cases.push(bench('regblock', { ...shape, ...REGBLOCK_DEFAULT }, 'regblock (default)'));
      cases.push(bench('regblock', { ...shape, ...REGBLOCK_DEFAULT, BM: 32, BN: 32 }, 'regblock 32×32 t8×8'));
      cases.push(bench('regblock-exact', { ...shape, ...REGBLOCK_DEFAULT }, 'regblock-exact (default)'));
      cases.push(bench('regblock-subgroup', { ...shape, ...REGBLOCK_DEFAULT }, 'regblock-subgroup'));
      cases.push(bench('regblock-bt', { ...shape, BM: 64, BN: 64, TM: 8, TN: 8, vec4: true }, 'regblock-bt 64×64 t8×8 vec4'));
      // Only where the adapter has subgroups (quadBroadcast).
      cases.push(bench('regblock-quad', { ...shape, ...REGBLOCK_QUAD_DEFAULT }, 'regblock-quad (default)'));
      // Only where the adapter has subgroup matrices with these types (elsewhere: the reason).
      cases.push(bench('subgroup-matrix', { ...shape, ...SUBGROUP_MATRIX_DEFAULT, types: 'f32-f32' }, 'subgroup-matrix f32'));
      cases.push(bench('subgroup-matrix', { ...shape, ...SUBGROUP_MATRIX_DEFAULT, types: 'f16-f16' }, 'subgroup-matrix f16→f16'));
      cases.push(bench('subgroup-matrix', { ...shape, ...SUBGROUP_MATRIX_DEFAULT, types: 'f16-f32' }, 'subgroup-matrix f16→f32'));
    }
    // A few configurations at 512³: micro-tile size, staging, vec4.
    const s512 = { M: 512, N: 512, K: 512 };
    cases.push(bench('regblock', { ...s512, ...REGBLOCK_DEFAULT, BM: 32, BN: 32, TM: 4, TN: 4 }, 'regblock 4×4'));
    cases.push(bench('regblock', { ...s512, ...REGBLOCK_DEFAULT, vec4: true }, 'regblock vec4'));
    cases.push(bench('regblock', { ...s512, ...REGBLOCK_DEFAULT, staging: 'workgroup', BK: 16 }, 'regblock wg-mem'));
    cases.push(bench('regblock', { ...s512, ...REGBLOCK_DEFAULT, BM: 128, TM: 16 }, 'regblock 16×8'));
    // Shapes where the specialised kernels should win, each next to the general kernels.
    const decode = { M: 1, N: 4096, K: 4096 };
    cases.push(bench('gemv', { ...decode, wg: 64, cpi: 8 }, 'gemv 1×4096×4096'));
    cases.push(bench('naive', { ...decode, wg: 8 }, 'naive 1×4096×4096'));
    cases.push(bench('regblock', { ...decode, ...REGBLOCK_DEFAULT }, 'regblock 1×4096×4096'));
    const longK = { M: 32, N: 32, K: 16384 };
    cases.push(bench('splitk', { ...longK, splits: 8 }, 'split-K 32×32×16384'));
    cases.push(bench('regblock', { ...longK, ...REGBLOCK_DEFAULT, BM: 32, BN: 32, TM: 4, TN: 4 }, 'regblock 32×32×16384'));
    const tiny = { M: 4, N: 4, K: 16384 };
    cases.push(bench('reduce', { ...tiny, wg: 64 }, 'reduce 4×4×16384'));
    cases.push(bench('reduce-subgroup', { ...tiny, wg: 64 }, 'reduce-sg 4×4×16384'));
    cases.push(bench('naive', { ...tiny, wg: 8 }, 'naive 4×4×16384'));
    // Only where the adapter has shader-f16 (elsewhere the bench prints the reason and goes on).
    cases.push(bench('f16-acc32', { M: 512, N: 512, K: 512 }, 'f16 storage, f32 acc'));
    cases.push(bench('f16-acc16', { M: 512, N: 512, K: 512 }, 'f16 storage, f16 acc'));
    return cases;
  },
};
