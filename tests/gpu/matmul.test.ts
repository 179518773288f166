import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';

// Odd shapes on purpose: 1×1×1, non-multiples of every tile, and a tall-skinny product.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [17, 33, 65],
  [64, 64, 64],
  [5, 129, 31],
  [100, 3, 257],
];

async function check(variant: string, extra: Record<string, number>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('matmul', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 2, seed: 7 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.002 });
  // Every output must be within γ_K·Σ|a·b| of the float64 truth (see matmul/common.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  expect(result.metrics.worstBoundRatio).toBeLessThanOrEqual(1);
  expect(result.seconds).toHaveLength(2);
  expect(result.medianSeconds).toBeGreaterThan(0);
  return result;
}

describe('matmul on WebGPU (Dawn) against float64', () => {
  for (const shape of SHAPES) {
    it(`naive ${shape.join('×')}`, async () => {
      await check('naive', { wg: 8 }, shape);
    });
    for (const tile of [1, 3, 8, 16]) {
      it(`tiled T=${tile} ${shape.join('×')}`, async () => {
        await check('tiled', { tile }, shape);
      });
    }
  }

  it('the bound is not vacuous: one output perturbed beyond it fails (broken kernels: mutations.test.ts)', async () => {
    const result = await check('tiled', { tile: 8 }, [32, 32, 64]);
    // Perturb one output by more than its bound and recompute: the check must fail.
    const { computeMetrics } = await import('../../src/numerics/metrics');
    const { tiled } = await import('../../src/kernels/matmul/tiled');
    const params = result.experiment.params;
    const inputs = tiled.makeInputs(params, result.experiment.seed);
    const ref = tiled.reference(params, inputs);
    const wrong = Float32Array.from(ref.values);
    wrong[5] += 1e-3;
    expect(computeMetrics(wrong, ref.values, ref.bound).boundViolations).toBe(1);
  });
});
