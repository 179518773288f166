// The conv lab's series study on WebGPU (Dawn): every method at one shape, in one job, each run
// checked against float64; refusals listed with their reasons; requests from outside validated.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment } from '../../src/kernels';
import { seriesSteps } from '../../src/kernels/conv/series';
import { convSeriesStudy } from '../../src/kernels/conv/studies';
import type { ConvSeriesResult } from '../../src/kernels/conv/studyTypes';

describe('conv series study', () => {
  it('runs every 2-D method at one shape; the 1×1 GEMM and Winograd refuse a strided 3×3 with their reasons', async () => {
    const { device, caps, adapter } = await nodeDevice();
    const base = defaultExperiment('conv', 'im2col');
    const experiment = { ...base, params: { ...base.params, cin: 3, cout: 5, height: 7, width: 6, stride: 2 }, reps: 1 };
    const partials: ConvSeriesResult[] = [];
    const result = await convSeriesStudy.run(
      { device, caps, adapter, cancel: { cancelled: false }, onProgress: () => {}, onPartial: (r) => partials.push(r) },
      { kind: 'methods', experiment },
    );
    expect(result.rows.map((r) => r.variant)).toEqual(['direct', 'direct-blocked', 'im2col', 'gemm-1x1', 'indirect', 'im2win', 'winograd']);
    for (const row of result.rows) {
      if (row.variant === 'gemm-1x1') expect(row.error).toMatch(/needs kernel size 1/);
      else if (row.variant === 'winograd') expect(row.error).toMatch(/need stride 1/);
      else expect(row.result?.metrics.boundViolations, row.variant).toBe(0);
    }
    // Same inputs for every method: the same shape and seed.
    expect(new Set(result.rows.flatMap((r) => (r.result ? [r.result.shape] : []))).size).toBe(1);
    expect(partials.at(-1)!.rows.length).toBe(7);
    expect(convSeriesStudy.runsOf!(result).length).toBe(5);
  });

  it('a length series steps through every 1-D method at each length, K following N', () => {
    const steps = seriesSteps('length', { ...defaultExperiment('conv', 'fft'), reps: 9 });
    expect(steps.length).toBe(12);
    expect(new Set(steps.map((s) => s.experiment.params.length))).toEqual(new Set([64, 256, 1024, 4096]));
    for (const s of steps) {
      expect(s.experiment.params.filter).toBe(0);
      expect(s.experiment.reps).toBe(3);
    }
  });

  it('a kernel series uses "same" padding for each kernel size', () => {
    const steps = seriesSteps('kernel', { ...defaultExperiment('conv', 'direct'), params: { ...defaultExperiment('conv', 'direct').params, dilation: 2 } });
    for (const s of steps) expect(s.experiment.params.pad).toBe(((Number(s.experiment.params.kernel) - 1) / 2) * 2);
  });

  it('refuses malformed requests with the reasons', () => {
    expect(convSeriesStudy.parseRequest(null).problems.join(' ')).toMatch(/not an object/);
    expect(convSeriesStudy.parseRequest({ kind: 'everything', experiment: defaultExperiment('conv', 'direct') }).problems.join(' ')).toMatch(
      /"kind" must be one of/,
    );
    expect(convSeriesStudy.parseRequest({ kind: 'methods', experiment: defaultExperiment('matmul') }).problems.join(' ')).toMatch(
      /convolution experiments only/,
    );
    const ok = convSeriesStudy.parseRequest({ kind: 'methods', experiment: defaultExperiment('conv', 'direct') });
    expect(ok.problems).toEqual([]);
    expect(ok.request?.kind).toBe('methods');
  });
});
