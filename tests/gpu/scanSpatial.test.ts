import { describe, expect, it } from 'vitest';
import { nodeAssetLoader, nodeDevice } from '../../src/gpu/node-device';
import { parsePgm, resampleBilinear } from '../../src/numerics/spatialScan';
import { readFileSync } from 'node:fs';
import { defaultExperiment, runExperiment, type Experiment, type Params } from '../../src/kernels';

async function check(params: Params) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('scan', 'spatial-mamba');
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed: 1 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001, loadAsset: nodeAssetLoader });
  // Within the raster-scan bound (R = 4) carried through the fusion (src/numerics/spatialScan.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  return result;
}

describe('Spatial-Mamba-style 2D scan + dilated state fusion on WebGPU', () => {
  for (const [width, height, dilations, image] of [
    [4, 4, '1', 'procedural'],
    [37, 23, '1,3', 'procedural'],
    [96, 96, '1,3,5', 'procedural'],
    [37, 23, '1,3', 'mandrill'],
    [96, 96, '1,3,5', 'mandrill'],
  ] as const) {
    it(`${width}×${height}, dilations ${dilations}, ${image} image`, async () => {
      await check({ width, height, dilations, image });
    });
  }

  it('the sample image comes from public/ and is used as loaded', async () => {
    const r = await check({ width: 128, height: 128, dilations: '1', image: 'mandrill' });
    const pgm = parsePgm(new Uint8Array(readFileSync('public/samples/mandrill-128.pgm')));
    expect(pgm).toMatchObject({ width: 128, height: 128 });
    // At the native size the bilinear resampling is the identity.
    expect([...resampleBilinear(pgm.pixels, 128, 128, 128, 128)]).toEqual([...pgm.pixels]);
    expect(r.shape).toContain('128×128');
  });

  it('without a way to load files the variant says what it needs instead of failing silently', async () => {
    const { device, caps } = await nodeDevice();
    const base = defaultExperiment('scan', 'spatial-mamba');
    await expect(runExperiment(device, { ...base, params: { ...base.params, width: 8, height: 8, image: 'mandrill' }, reps: 1 }, { caps })).rejects.toThrow(
      'needs samples/mandrill-128.pgm',
    );
  });

  it('the fusion reaches rows below the centre that the raster scan alone never sees', async () => {
    const r = await check({ width: 64, height: 64, dilations: '1,3,5' });
    const e = r.extras as { reachScanOnly: { rowsBelowCentre: number }; reachFused: { rowsBelowCentre: number; pixelsAbove1Percent: number } };
    expect(e.reachScanOnly.rowsBelowCentre).toBe(0);
    expect(e.reachFused.rowsBelowCentre).toBeGreaterThan(0);
  });
});
