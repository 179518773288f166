// The tuner and roofs studies end to end on this adapter (Dawn + SwiftShader), as the worker
// runs them: partial results stream, the final one carries the device's provenance, what to
// remember per adapter and the checked runs for the history.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { adapterName } from '../../src/gpu/caps';
import { TUNE_DEFAULT } from '../../src/kernels/matmul/grid';
import type { RoofsSummary, TuneSummary } from '../../src/kernels/matmul/studyTypes';
import { STUDIES } from '../../src/kernels/studies';

async function context<R>(partials: R[]) {
  const { device, caps, adapter } = await nodeDevice();
  return { device, caps, adapter, cancel: { cancelled: false }, onProgress: () => {}, onPartial: (r: R) => partials.push(structuredClone(r)) };
}

describe('studies on the GPU', () => {
  it('the tuner study streams what it measured, then offers a checked configuration with this device as provenance', async () => {
    const study = STUDIES['matmul-tune'];
    const partials: TuneSummary[] = [];
    const ctx = await context(partials);
    const result = await study.run(ctx, { shape: { M: 64, N: 64, K: 64 }, budgetSeconds: 1.5, grid: 'quick', exhaustive: false });
    expect(partials.length).toBeGreaterThan(0);
    expect(partials[0].phase).toBe('searching');
    // Measured points arrive as they are measured (the heatmap paints them).
    expect(Math.max(...partials.map((p) => p.points.length))).toBeGreaterThan(0);
    expect(result.phase).toBe('done');
    expect(result.points.length).toBeGreaterThan(0);
    expect(result.points.every((p) => p.samples > 0 || p.error)).toBe(true);
    expect(result.points.some((p) => p.variant === TUNE_DEFAULT.variant && JSON.stringify(p.config) === JSON.stringify(TUNE_DEFAULT.config))).toBe(true);
    expect(result.tuned!.metrics.boundViolations).toBe(0);
    expect(result.adapter).toBe(adapterName(ctx.adapter));
    const remembered = study.remember!(result);
    expect(remembered).toHaveLength(1);
    expect(remembered[0].key).toBe(`${adapterName(ctx.adapter)}:64x64x64`);
    expect({ variant: remembered[0].value.variant, config: remembered[0].value.config }).toEqual(result.offered);
    expect(remembered[0].value.beatDefault).toBe(result.decision!.offerPick);
    for (const run of study.runsOf!(result)) {
      expect(run.provenance.backend).toBe('webgpu');
      expect(run.provenance.adapter).toEqual(ctx.adapter);
    }
  }, 120_000);

  it('the roofs study streams each roof, and remembers all three for this adapter', async () => {
    const study = STUDIES['matmul-roofs'];
    const partials: RoofsSummary[] = [];
    const ctx = await context(partials);
    const result = await study.run(ctx, {});
    expect(partials.map((p) => [p.peakGflops !== null, p.bandwidthGBs !== null])).toEqual([
      [true, false],
      [true, true],
      [true, true],
    ]);
    expect(result.barrierSeconds! > 0).toBe(true);
    for (const r of [result.fma!, result.copy!, result.barrier!]) expect(r.metrics.boundViolations).toBe(0);
    const [memo] = study.remember!(result);
    expect(memo.key).toBe(adapterName(ctx.adapter));
    expect(memo.value).toMatchObject({ peakGflops: result.peakGflops, bandwidthGBs: result.bandwidthGBs, barrierSeconds: result.barrierSeconds });
  }, 120_000);
});
