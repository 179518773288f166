import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, type Experiment, type Params } from '../../src/kernels';

async function check(params: Params) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('scan', 'spatial-mamba');
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed: 1 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Within the raster-scan bound (R = 4) carried through the fusion (src/numerics/spatialScan.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  return result;
}

describe('Spatial-Mamba-style 2D scan + dilated state fusion on WebGPU', () => {
  for (const [width, height, dilations] of [
    [4, 4, '1'],
    [37, 23, '1,3'],
    [96, 96, '1,3,5'],
  ] as const) {
    it(`${width}×${height}, dilations ${dilations}`, async () => {
      await check({ width, height, dilations });
    });
  }

  it('the fusion reaches rows below the centre that the raster scan alone never sees', async () => {
    const r = await check({ width: 64, height: 64, dilations: '1,3,5' });
    const e = r.extras as { reachScanOnly: { rowsBelowCentre: number }; reachFused: { rowsBelowCentre: number; pixelsAbove1Percent: number } };
    expect(e.reachScanOnly.rowsBelowCentre).toBe(0);
    expect(e.reachFused.rowsBelowCentre).toBeGreaterThan(0);
  });
});
