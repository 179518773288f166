// The quantization seed variants of issue 18 on WebGPU: odd shapes against float64 with their
// derived bounds, the papers' effects (error before and after), and for each variant a
// deliberately broken kernel run on the GPU and caught by the same check.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { defaultExperiment, runExperiment, type Experiment, type ExperimentResult } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { findVariant } from '../../src/kernels/registry';
import type { GpuPlan, HostArray } from '../../src/kernels/types';
import { computeMetrics } from '../../src/numerics/metrics';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';

type P = Record<string, number | string | boolean>;

async function check(variant: string, params: P, seed = 5): Promise<ExperimentResult> {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('quant', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  expect(result.metrics.nonFinite, `${variant} ${JSON.stringify(params)}`).toBe(0);
  expect(result.metrics.boundViolations, `${variant} ${JSON.stringify(params)}: ${result.boundNote}`).toBe(0);
  return result;
}

function matmulExtras(r: ExperimentResult) {
  const e = extrasOf(r, 'quant');
  if (e?.kind !== 'matmul') throw new Error(`expected matmul extras, got ${e?.kind}`);
  return e;
}

/**
 * Runs the variant's own plan with a broken kernel (an edited dispatch, or edited weight data) on
 * the GPU and returns how many outputs break the variant's bound.
 */
async function violationsWhenBroken(
  variant: string,
  params: P,
  broken: { label: RegExp; edit: (wgsl: string) => string } | ((plan: GpuPlan, inputs: Record<string, HostArray>) => void),
): Promise<number> {
  const { device, caps } = await nodeDevice();
  const v = findVariant('quant', variant)!;
  const p = { ...defaultExperiment('quant', variant).params, ...params };
  const inputs = v.makeInputs(p, 5);
  const plan = v.plan(p, inputs, caps);
  if (typeof broken === 'function') broken(plan, inputs);
  else {
    const d = plan.dispatches.find((x) => broken.label.test(x.label));
    if (!d) throw new Error(`no dispatch matches ${broken.label}`);
    const edited = broken.edit(d.wgsl);
    expect(edited, 'the edit changed the kernel').not.toBe(d.wgsl);
    d.wgsl = edited;
  }
  const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
  const ref = v.reference(p, inputs);
  return computeMetrics(run.output as Float32Array, ref.values, ref.bound).boundViolations ?? 0;
}

describe('int4 weights × FP8 E4M3 activations (FireQ)', () => {
  for (const [M, N, K, TM] of [
    [1, 7, 64, 1],
    [5, 33, 256, 4],
    [3, 64, 96, 2],
  ]) {
    for (const weightScale of ['group', 'channel']) {
      it(`${M}×${N}×${K} TM=${TM}, int4 per ${weightScale}`, async () => {
        await check('gemm-w4-fp8', { M, N, K, TM, weightScale, groupSize: 32, dist: 'student-t', outliers: 2 });
      });
    }
  }

  it('its error sits beside W4A32 and W8A8: FP8 activations add little to the int4 weights’ error', async () => {
    const e = matmulExtras(await check('gemm-w4-fp8', { M: 8, N: 64, K: 256, TM: 4 }));
    const [w4a32, w8a8] = e.comparison!;
    expect(w4a32.label).toMatch(/W4A32/);
    expect(w8a8.label).toMatch(/W8A8/);
    expect(e.relFrobeniusVsF32Weights!).toBeLessThan(1.2 * w4a32.relFrobenius);
    expect(e.relFrobeniusVsF32Weights!).toBeGreaterThan(w8a8.relFrobenius);
  });

  it('a broken E4M3 decode (exponent rebiased by 119 instead of 120) is caught', async () => {
    const n = await violationsWhenBroken(
      'gemm-w4-fp8',
      { M: 3, N: 20, K: 64, TM: 1 },
      { label: /matmul int4 × E4M3/, edit: (w) => w.replace('vec4u(0x3c000000u)', 'vec4u(0x3b800000u)') },
    );
    expect(n).toBeGreaterThan(0);
  });
});

describe('mixed-precision activations with outlier channels (COMET)', () => {
  for (const a8Channels of [0, 8, 32, 64]) {
    it(`3×37×64, ${a8Channels} channels at 8 bits`, async () => {
      await check('gemm-w4ax', { M: 3, N: 37, K: 64, TM: 2, a8Channels, outliers: 3 });
    });
  }
  it('odd shapes: 1×9×136 (17 words) with 16 outlier channels, 7×70×256 TM=4', async () => {
    await check('gemm-w4ax', { M: 1, N: 9, K: 136, TM: 1, a8Channels: 16, outliers: 2 });
    await check('gemm-w4ax', { M: 7, N: 70, K: 256, TM: 4, a8Channels: 8, dist: 'laplace', outliers: 4, outlierScale: 100 });
  });

  it('keeping the outlier channels at 8 bits recovers most of W4A8’s accuracy at W4A4 cost', async () => {
    const e = matmulExtras(await check('gemm-w4ax', { M: 8, N: 64, K: 256, TM: 4, a8Channels: 8, outliers: 4, outlierScale: 20 }));
    const [w4a4, w4a8] = e.comparison!;
    expect(e.relFrobeniusVsF32Weights!).toBeLessThan(0.7 * w4a4.relFrobenius);
    expect(e.relFrobeniusVsF32Weights!).toBeLessThan(1.3 * w4a8.relFrobenius);
  });

  it('a kernel with the 4-bit and 8-bit row scales swapped is caught', async () => {
    const n = await violationsWhenBroken(
      'gemm-w4ax',
      { M: 3, N: 20, K: 64, TM: 1, a8Channels: 16, outliers: 2 },
      {
        label: /matmul W4A4\/A8/,
        edit: (w) => w.replace('f32(acc4[r]) * s4[m0 + r] + f32(acc8[r]) * s8[m0 + r]', 'f32(acc4[r]) * s8[m0 + r] + f32(acc8[r]) * s4[m0 + r]'),
      },
    );
    expect(n).toBeGreaterThan(0);
  });
});

describe('ternary weights (MatMul-free LM) and shift-add weights (ShiftAddLLM)', () => {
  for (const packing of ['2bit', 'base3']) {
    for (const scale of ['channel', 'tensor']) {
      it(`ternary ${packing}, scale per ${scale}, on 1×7×30, 3×33×90 and 2×65×256`, async () => {
        for (const [M, N, K] of [
          [1, 7, 30],
          [3, 33, 90],
          [2, 65, 256],
        ])
          await check('ternary', { M, N, K, packing, scale, dist: 'laplace' });
      });
    }
  }

  it('ternary removes all but M·N multiplications, at a cost in error between int2 and int4', async () => {
    const e = matmulExtras(await check('ternary', { M: 4, N: 64, K: 256 }));
    expect(e.arithmetic!.multiplies).toBe(4 * 64);
    expect(e.arithmetic!.denseMultiplies).toBe(4 * 64 * 256);
    expect(e.arithmetic!.zeroWeightFraction!).toBeGreaterThan(0.2);
    const [int2, int4] = e.comparison!;
    expect(e.relFrobeniusVsF32Weights!).toBeLessThan(int2.relFrobenius);
    expect(e.relFrobeniusVsF32Weights!).toBeGreaterThan(int4.relFrobenius);
  });

  it('a ternary kernel with the signs swapped (−1 added, +1 subtracted) is caught', async () => {
    const n = await violationsWhenBroken(
      'ternary',
      { M: 2, N: 20, K: 64 },
      { label: /ternary matmul/, edit: (w) => w.replace('if (code == 1u) {', 'if (code == 2u) {') },
    );
    expect(n).toBeGreaterThan(0);
  });

  for (const planes of [1, 2, 4]) {
    it(`shift-add, ${planes} planes, on 1×5×64 (G = 32) and 3×41×256 (G = 64)`, async () => {
      await check('shift-add', { M: 1, N: 5, K: 64, planes, groupSize: 32 });
      await check('shift-add', { M: 3, N: 41, K: 256, planes, groupSize: 64, dist: 'student-t', outliers: 1 });
    });
  }

  it('shift-add uses no multiplication; more planes, less error', async () => {
    const e1 = matmulExtras(await check('shift-add', { M: 2, N: 32, K: 256, planes: 1 }));
    const e3 = matmulExtras(await check('shift-add', { M: 2, N: 32, K: 256, planes: 3 }));
    expect(e3.arithmetic!.multiplies).toBe(0);
    expect(e3.arithmetic!.shifts).toBe(2 * 32 * (256 / 64) * 3);
    expect(e3.relFrobeniusVsF32Weights!).toBeLessThan(0.6 * e1.relFrobeniusVsF32Weights!);
  });

  it('a shift-add kernel that shifts the wrong way (2^−e) is caught', async () => {
    const n = await violationsWhenBroken(
      'shift-add',
      { M: 2, N: 20, K: 128, planes: 2 },
      { label: /shift-add matmul/, edit: (w) => w.replace(/exps\[base \+ 0u\]\)/, '-exps[base + 0u])') },
    );
    expect(n).toBeGreaterThan(0);
  });
});

describe('per-row learned codebooks (any4)', () => {
  for (const strategy of ['row', 'split-k']) {
    it(`${strategy}: 1×9×64 (G = 32), 5×37×256 (G = 64), 2×16×384 (G = 128)`, async () => {
      await check('any4', { M: 1, N: 9, K: 64, TM: 1, strategy, groupSize: 32 });
      await check('any4', { M: 5, N: 37, K: 256, TM: 4, strategy, groupSize: 64 });
      await check('any4', { M: 2, N: 16, K: 384, TM: 2, strategy, groupSize: 128 });
    });
  }

  it('beats int4 and NF4 on the product, and the fit is deterministic for a seed', async () => {
    const a = matmulExtras(await check('any4', { M: 8, N: 48, K: 256, TM: 4, groupSize: 64 }));
    const b = matmulExtras(await check('any4', { M: 8, N: 48, K: 256, TM: 4, groupSize: 64 }));
    expect(b.relFrobeniusVsF32Weights).toBe(a.relFrobeniusVsF32Weights);
    const [int4, nf4, fp4] = a.comparison!;
    expect(a.relFrobeniusVsF32Weights!).toBeLessThan(int4.relFrobenius);
    expect(a.relFrobeniusVsF32Weights!).toBeLessThan(nf4.relFrobenius);
    expect(a.relFrobeniusVsF32Weights!).toBeLessThan(fp4.relFrobenius);
    expect(a.perRow!.map((r) => r.label)).toEqual(['any4', int4.label, nf4.label, fp4.label]);
    expect(a.perRow![0].relFrobenius).toHaveLength(32);
  });

  it('a kernel that looks up the next row’s table is caught', async () => {
    const n = await violationsWhenBroken(
      'any4',
      { M: 2, N: 20, K: 64, TM: 1, strategy: 'row', groupSize: 32 },
      { label: /any4/, edit: (w) => w.replace('let table = n * 16u;', 'let table = min(n + 1u, N - 1u) * 16u;') },
    );
    expect(n).toBeGreaterThan(0);
  });
});

describe('random Hadamard transform before MXFP4', () => {
  for (const block of [32, 64, 256]) {
    for (const rounding of ['nearest-even', 'stochastic']) {
      it(`blocks of ${block}, ${rounding} rounding, on 1×7×256 and 3×20×512 (bit-exact transform, so γ_K holds)`, async () => {
        await check('hadamard-mxfp4', { M: 1, N: 7, K: 256, block, rounding, outliers: 2 });
        await check('hadamard-mxfp4', { M: 3, N: 20, K: 512, block, rounding, dist: 'student-t', outliers: 4 });
      });
    }
  }

  it('under outlier channels the rotation brings the activations’ error back to the level without outliers', async () => {
    // Activations alone (float32 weights): 8 outlier channels ×20 raise MXFP4's error; rotated, it is
    // about what it is without outliers.
    const p = { M: 8, N: 32, K: 512, outlierScale: 20, weights: 'f32' };
    const withOutliers = matmulExtras(await check('hadamard-mxfp4', { ...p, outliers: 8 }));
    const clean = matmulExtras(await check('hadamard-mxfp4', { ...p, outliers: 0 }));
    const unrotated = withOutliers.comparison![0].relFrobenius;
    expect(withOutliers.relFrobeniusVsF32Weights!).toBeLessThan(0.8 * unrotated);
    expect(withOutliers.relFrobeniusVsF32Weights!).toBeLessThan(1.25 * clean.comparison![0].relFrobenius);
    expect(Math.abs(clean.relFrobeniusVsF32Weights! / clean.comparison![0].relFrobenius - 1)).toBeLessThan(0.25);
    // Both operands MXFP4: the weights' own error (which no rotation of the activations removes) remains.
    const both = matmulExtras(await check('hadamard-mxfp4', { ...p, outliers: 8, weights: 'mxfp4' }));
    expect(both.relFrobeniusVsF32Weights!).toBeLessThan(both.comparison![0].relFrobenius);
  });

  it('broken transforms are caught: a butterfly that adds twice, and the inverse rotation missing from the weights', async () => {
    const p = { M: 2, N: 16, K: 256, block: 64, outliers: 2 };
    expect(
      await violationsWhenBroken('hadamard-mxfp4', p, { label: /random Hadamard transform/, edit: (w) => w.replace('v[i + h] = a - c;', 'v[i + h] = a + c;') }),
    ).toBeGreaterThan(0);
    // The weights unrotated (plain MXFP4 of W) while the activations are rotated on the GPU.
    const unrotated = findVariant('quant', 'hadamard-mxfp4')!.makeInputs({ ...defaultExperiment('quant', 'hadamard-mxfp4').params, ...p, rotate: false }, 5);
    expect(
      await violationsWhenBroken('hadamard-mxfp4', p, (plan) => {
        plan.buffers.find((b) => b.name === 'weights')!.data = unrotated.wq;
      }),
    ).toBeGreaterThan(0);
  });

  it('limits: the rotation block must be a power of two dividing K', () => {
    const v = findVariant('quant', 'hadamard-mxfp4')!;
    const base = defaultExperiment('quant', 'hadamard-mxfp4').params;
    expect(v.checkLimits({ ...base, K: 96, block: 64 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/multiple of the block 64/);
    expect(v.checkLimits({ ...base, K: 480, block: 96 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/power of two/);
  });
});

describe('channel rearrangement before block quantization', () => {
  for (const format of ['bfp', 'mxfp4', 'mxint8', 'mxfp8-e4m3']) {
    for (const reorder of [true, false]) {
      it(`${format}, ${reorder ? 'rearranged' : 'in order'}, on 1×9×64 and 5×33×160`, async () => {
        await check('reorder-blocks', { M: 1, N: 9, K: 64, format, reorder, bits: 4, blockSize: 16 });
        await check('reorder-blocks', { M: 5, N: 33, K: 160, format, reorder, bits: 3, blockSize: 32, dist: 'laplace' });
      });
    }
  }

  it('with 8 outlier channels, rearranging them into shared blocks lowers the BFP error', async () => {
    const e = matmulExtras(await check('reorder-blocks', { M: 8, N: 32, K: 256, format: 'bfp', bits: 4, blockSize: 32, outliers: 8 }));
    expect(e.relFrobeniusVsF32Weights!).toBeLessThan(0.85 * e.comparison![0].relFrobenius);
  });

  it('a gather off by one channel (the weights permuted by the true order) is caught', async () => {
    const n = await violationsWhenBroken(
      'reorder-blocks',
      { M: 3, N: 16, K: 128 },
      { label: /rearrange activation channels/, edit: (w) => w.replace('order[i % K]]', 'order[(i + 1u) % K]]') },
    );
    expect(n).toBeGreaterThan(0);
  });
});
