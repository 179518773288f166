import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { reduceSubgroup } from '../../src/kernels/matmul/reduce';
import { gemv } from '../../src/kernels/matmul/gemv';
import { problemsFor } from '../../src/kernels/schema';

const subgroups = (await nodeDevice()).caps.features.includes('subgroups');

async function check(variant: string, extra: Record<string, number>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('matmul', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 1, seed: 5 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Any float32 summation order of the K products is within γ_K·Σ|a·b| (+u·|c|) of float64 (common.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  expect(result.medianSeconds).toBeGreaterThan(0);
  return result;
}

describe('shape-specialised matmul kernels against float64', () => {
  for (const [shape, extra] of [
    [[1, 1, 1], { cpi: 1, wg: 1 }],
    [[1, 300, 1000], { cpi: 8, wg: 32 }],
    [[3, 129, 77], { cpi: 4, wg: 64 }],
    [[16, 65, 33], { cpi: 2, wg: 16 }],
  ] as [[number, number, number], Record<string, number>][]) {
    it(`gemv ${shape.join('×')} cpi ${extra.cpi}`, async () => {
      await check('gemv', extra, shape);
    });
  }
  it('gemv refuses M above 16 in words', () => {
    const base = defaultExperiment('matmul', 'gemv');
    expect(problemsFor(gemv, { ...base.params, M: 17 }, SPEC_DEFAULT_CAPS)).toContain(
      'GEMV keeps accumulators for every row: M = 17 is above 16; use the register-blocked variant',
    );
    expect(problemsFor(gemv, base.params, SPEC_DEFAULT_CAPS)).toEqual([]);
  });
  for (const [shape, splits] of [
    [[1, 1, 1], 4],
    [[33, 17, 1000], 7],
    [[64, 64, 4096], 16],
    [[5, 70, 3], 8],
  ] as [[number, number, number], number][]) {
    it(`split-K ${shape.join('×')} S=${splits}`, async () => {
      await check('splitk', { splits }, shape);
    });
  }
  // The subgroup variant runs where the adapter has subgroups (SwiftShader and most GPUs do);
  // elsewhere it is refused in words (the test below).
  for (const variant of subgroups ? ['reduce', 'reduce-subgroup'] : ['reduce']) {
    for (const [shape, wg] of [
      [[1, 1, 1], 64],
      [[3, 2, 5000], 64],
      [[4, 4, 777], 16],
      [[1, 3, 100], 1],
    ] as [[number, number, number], number][]) {
      it(`${variant} ${shape.join('×')} wg ${wg}`, async () => {
        await check(variant, { wg }, shape);
      });
    }
  }

  it('the subgroup variant is unavailable, with a reason, without the feature (and refused by runExperiment here if this adapter lacks it)', async () => {
    expect(reduceSubgroup.unavailableReason?.(SPEC_DEFAULT_CAPS)).toMatch(/does not offer the "subgroups" feature/);
    expect(reduceSubgroup.unavailableReason?.({ ...SPEC_DEFAULT_CAPS, features: ['subgroups'] })).toBeNull();
    const { device, caps } = await nodeDevice();
    if (!subgroups) {
      const base = defaultExperiment('matmul', 'reduce-subgroup');
      await expect(runExperiment(device, { ...base, params: { ...base.params, M: 2, N: 2, K: 64 }, reps: 1 }, { caps })).rejects.toThrow(/subgroups/);
    } else {
      expect(reduceSubgroup.unavailableReason?.(caps)).toBeNull();
    }
  });
});

describe('f16 variants on this adapter', () => {
  it('run within their bound where the adapter has shader-f16, and are refused with the feature named where it lacks it', async () => {
    const { device, caps } = await nodeDevice();
    const experiment: Experiment = { family: 'matmul', variant: 'f16-acc32', params: { M: 8, N: 8, K: 8 }, seed: 1, reps: 1 };
    if (caps.features.includes('shader-f16')) {
      // On an adapter with f16 the kernel must run and meet its bound.
      const r = await runExperiment(device, experiment, { caps, targetSampleSeconds: 0.001 });
      expect(r.metrics.boundViolations).toBe(0);
    } else {
      await expect(runExperiment(device, experiment, { caps })).rejects.toThrow(/shader-f16/);
    }
  });
});
