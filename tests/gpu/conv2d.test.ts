// The 2-D convolution methods on WebGPU (Dawn + SwiftShader) against float64, on odd shapes:
// odd channel counts, stride 2 with padding, dilation, 1×1, batch 1 and 3, both layouts. Every
// output must be within γ_n·Σ|w·x| (n = C·R·S; numerics/conv2d.ts conv2dBound) of the truth.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, type Experiment, type Params } from '../../src/kernels';
import { problemsFor } from '../../src/kernels/schema';
import { findVariant } from '../../src/kernels/registry';

async function run(variant: string, params: Params, seed = 7) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('conv', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed };
  return runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
}

async function check(variant: string, params: Params) {
  const result = await run(variant, params);
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  // Not vacuous: the outputs are sums of products of values in [-1, 1), not zeros.
  expect(result.metrics.relFrobenius).toBeLessThan(1e-5);
  return result;
}

const SHAPES: [string, Params][] = [
  ['odd channels 3→5, 9×7, 3×3 pad 1', { batch: 1, cin: 3, cout: 5, height: 9, width: 7, kernel: 3, stride: 1, pad: 1, dilation: 1 }],
  ['stride 2 with padding 2, 5×5, batch 3', { batch: 3, cin: 5, cout: 7, height: 11, width: 10, kernel: 5, stride: 2, pad: 2, dilation: 1 }],
  ['dilation 2, 3×3, no padding', { batch: 1, cin: 4, cout: 6, height: 12, width: 13, kernel: 3, stride: 1, pad: 0, dilation: 2 }],
  ['dilation 3 stride 2 pad 3, batch 3', { batch: 3, cin: 3, cout: 9, height: 14, width: 15, kernel: 3, stride: 2, pad: 3, dilation: 3 }],
  ['1×1, batch 3, 37 channels', { batch: 3, cin: 37, cout: 19, height: 5, width: 6, kernel: 1, stride: 1, pad: 0, dilation: 1 }],
  ['1 channel in, 1 out, 1×1 image with 3×3 kernel and pad 1', { batch: 1, cin: 1, cout: 1, height: 1, width: 1, kernel: 3, stride: 1, pad: 1, dilation: 1 }],
];

const TILES: Record<string, Params> = {
  im2col: { BM: 16, BN: 16, TM: 2, TN: 4 },
  indirect: { BM: 16, BN: 8, TM: 4, TN: 4 },
  im2win: { BM: 8, BN: 16, TM: 2, TN: 8 },
  'direct-blocked': { block: 8 },
};

describe('2-D convolution on WebGPU (Dawn) against float64', () => {
  for (const variant of ['direct', 'direct-blocked', 'im2col', 'indirect', 'im2win']) {
    for (const layout of ['nhwc', 'nchw']) {
      describe(`${variant} ${layout}`, () => {
        for (const [name, shape] of SHAPES) {
          it(name, async () => {
            await check(variant, { ...shape, ...TILES[variant], layout });
          });
        }
      });
    }
  }

  it('every method gives the same answer on the same seeded inputs (each within its bound of one truth)', async () => {
    const shape = { layout: 'nhwc', batch: 2, cin: 6, cout: 10, height: 8, width: 9, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const results = await Promise.all(['direct', 'direct-blocked', 'im2col', 'indirect', 'im2win'].map((v) => check(v, shape)));
    for (const r of results) expect(r.shape).toBe(results[0].shape);
  });

  describe('1×1 as a plain GEMM', () => {
    for (const [name, params] of [
      ['NHWC batch 3, odd channels', { layout: 'nhwc', batch: 3, cin: 13, cout: 7, height: 5, width: 9 }],
      ['NCHW batch 1', { layout: 'nchw', batch: 1, cin: 13, cout: 7, height: 5, width: 9 }],
      ['NHWC batch 1, one pixel', { layout: 'nhwc', batch: 1, cin: 3, cout: 5, height: 1, width: 1 }],
    ] as [string, Params][]) {
      it(name, async () => {
        await check('gemm-1x1', { ...params, kernel: 1, stride: 1, pad: 0, dilation: 1, BM: 16, BN: 16, TM: 2, TN: 4 });
      });
    }
    it('refuses, with the reason, what is not a plain GEMM of the input', async () => {
      const { caps } = await nodeDevice();
      const v = findVariant('conv', 'gemm-1x1')!;
      const base = defaultExperiment('conv', 'gemm-1x1').params;
      expect(problemsFor(v, { ...base, kernel: 3 }, caps).join(' ')).toMatch(/kernel size 1/);
      expect(problemsFor(v, { ...base, stride: 2 }, caps).join(' ')).toMatch(/stride 1/);
      expect(problemsFor(v, { ...base, pad: 1 }, caps).join(' ')).toMatch(/padding 0/);
      expect(problemsFor(v, { ...base, layout: 'nchw', batch: 3 }, caps).join(' ')).toMatch(/NCHW each image/);
      expect(problemsFor(v, base, caps)).toEqual([]);
    });
  });

  it('a shape with no output is refused, not run', async () => {
    const { caps } = await nodeDevice();
    const v = findVariant('conv', 'im2col')!;
    expect(problemsFor(v, { ...defaultExperiment('conv', 'im2col').params, height: 2, width: 2, kernel: 7, pad: 0 }, caps).join(' ')).toMatch(
      /there is no output/,
    );
  });
});

describe('Winograd F(2×2, 3×3) on WebGPU against float64, within its own bound', () => {
  const shapes: [string, Params][] = [
    ['odd image 9×7, pad 1, odd channels 3→5', { batch: 1, cin: 3, cout: 5, height: 9, width: 7, pad: 1 }],
    ['no padding, batch 3, 13×10', { batch: 3, cin: 4, cout: 9, height: 13, width: 10, pad: 0 }],
    ['pad 2 (outputs beyond the input), 6×6, 32 channels', { batch: 1, cin: 32, cout: 8, height: 6, width: 6, pad: 2 }],
    ['one pixel, pad 1', { batch: 1, cin: 2, cout: 3, height: 1, width: 1, pad: 1 }],
  ];
  for (const layout of ['nhwc', 'nchw']) {
    for (const [name, shape] of shapes) {
      it(`${layout}: ${name}`, async () => {
        await check('winograd', { ...shape, kernel: 3, stride: 1, dilation: 1, layout });
      });
    }
  }
  it('the CPU emulation (the path without WebGPU) meets the same bound', async () => {
    const { runExperimentCpu } = await import('../../src/kernels');
    const base = defaultExperiment('conv', 'winograd');
    const r = await runExperimentCpu({ ...base, params: { ...base.params, layout: 'nchw', batch: 2, cin: 5, cout: 6, height: 7, width: 8 }, reps: 1 });
    expect(r.metrics.boundViolations).toBe(0);
    expect(r.metrics.relFrobenius).toBeLessThan(1e-5);
  });
  it('refuses other kernels, strides and dilations with the reason', async () => {
    const { caps } = await nodeDevice();
    const v = findVariant('conv', 'winograd')!;
    const base = defaultExperiment('conv', 'winograd').params;
    expect(problemsFor(v, { ...base, kernel: 5 }, caps).join(' ')).toMatch(/written for 3×3 kernels/);
    expect(problemsFor(v, { ...base, stride: 2 }, caps).join(' ')).toMatch(/need stride 1/);
    expect(problemsFor(v, { ...base, dilation: 2 }, caps).join(' ')).toMatch(/dilation 1/);
  });
});
