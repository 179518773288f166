// Long 1-D convolution on WebGPU (Dawn + SwiftShader) against float64: direct (bound γ_K·Σ|h·x|
// per element), the radix-2/4 FFT and the FFT as matmuls (a normwise bound per channel, applied to
// every element; numerics/conv1d.ts fftConvBound). FFT sizes that are and are not powers of two
// where the variant allows them, and the refusals where it does not.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, runExperimentCpu, type Experiment, type Params } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { findVariant } from '../../src/kernels/registry';
import { problemsFor } from '../../src/kernels/schema';

function experiment(variant: string, params: Params, seed = 5): Experiment {
  const base = defaultExperiment('conv', variant);
  return { ...base, params: { ...base.params, ...params }, reps: 1, seed };
}

async function check(variant: string, params: Params) {
  const { device, caps, adapter } = await nodeDevice();
  const result = await runExperiment(device, experiment(variant, params), { caps, adapter, targetSampleSeconds: 0.001 });
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  expect(result.metrics.relFrobenius).toBeLessThan(1e-5); // the convolution, not zeros
  return result;
}

async function refusal(variant: string, params: Params): Promise<string> {
  const { caps } = await nodeDevice();
  return problemsFor(findVariant('conv', variant)!, experiment(variant, params).params, caps).join(' ');
}

const SHAPES: [string, Params][] = [
  ['1 channel, N = 1', { channels: 1, length: 1, filter: 0 }],
  ['3 channels, N = 7, K = N', { channels: 3, length: 7, filter: 0 }],
  ['2 channels, N = 1000, K = N (not a power of two)', { channels: 2, length: 1000, filter: 0 }],
  ['3 channels, N = 1024, K = 3', { channels: 3, length: 1024, filter: 3 }],
  ['1 channel, N = 3001, K = 64', { channels: 1, length: 3001, filter: 64 }],
];

describe('long 1-D convolution on WebGPU (Dawn) against float64', () => {
  for (const [variant, extra] of [
    ['direct-1d', {}],
    ['fft radix-4', { radix: 4 }],
    ['fft radix-2', { radix: 2 }],
    ['fft-matmul', {}],
  ] as [string, Params][]) {
    describe(variant, () => {
      for (const [name, shape] of SHAPES) {
        it(name, async () => {
          await check(variant.split(' ')[0], { ...shape, ...extra });
        });
      }
    });
  }

  describe('radix-2/4 FFT sizes', () => {
    it('a given power-of-two size above N + K − 1 (extra padding) is right', async () => {
      const r = await check('fft', { channels: 2, length: 1000, filter: 0, fft: 4096, radix: 4 });
      expect(extrasOf(r, 'conv')?.sequence?.fftSize).toBe(4096);
      expect(extrasOf(r, 'conv')?.sequence?.factors).toEqual([4, 4, 4, 4, 4, 4]);
    });
    it('an odd log₂L mixes radix-4 stages with one radix-2 stage', async () => {
      const even = await check('fft', { channels: 1, length: 1000, filter: 25, radix: 4 }); // N + K − 1 = 1024 = 4^5
      expect(extrasOf(even, 'conv')?.sequence?.factors).toEqual([4, 4, 4, 4, 4]);
      const mixed = await check('fft', { channels: 1, length: 600, filter: 600, radix: 4 }); // L = 2048 = 4^5·2
      expect(extrasOf(mixed, 'conv')?.sequence?.factors).toEqual([4, 4, 4, 4, 4, 2]);
    });
    it('refuses a size that is not a power of two, naming the matrix form that takes it', async () => {
      expect(await refusal('fft', { channels: 1, length: 1000, filter: 0, fft: 3000 })).toMatch(
        /needs a power-of-two size; L = 3000 is not.*matrix multiplication takes any L/,
      );
    });
    it('refuses a size that would wrap around', async () => {
      expect(await refusal('fft', { channels: 1, length: 1000, filter: 0, fft: 1024 })).toMatch(
        /less than N \+ K − 1 = 1999: the circular convolution would wrap around/,
      );
    });
    it('N = K = 2^16 (float64 FFT truth, with its own error bound added)', async () => {
      const r = await check('fft', { channels: 1, length: 65536, filter: 0, radix: 4 });
      expect(r.boundNote).toMatch(/float64 FFT convolution/);
      expect(extrasOf(r, 'conv')?.sequence?.fftSize).toBe(131072);
    }, 120_000);
  });

  describe('FFT as matrix multiplication: any L = N1·N2', () => {
    it('L = 2000 = 40·50, not a power of two', async () => {
      const r = await check('fft-matmul', { channels: 2, length: 1000, filter: 0, fft: 2000, n1: 40 });
      expect(extrasOf(r, 'conv')?.sequence?.factors).toEqual([40, 50]);
    });
    it('L = 2025 = 45·45, with N1 chosen as the largest divisor ≤ √L', async () => {
      const r = await check('fft-matmul', { channels: 1, length: 1013, filter: 1013, fft: 2025 });
      expect(extrasOf(r, 'conv')?.sequence?.factors).toEqual([45, 45]);
    });
    it('a power of two, 2048 = 32·64', async () => {
      const r = await check('fft-matmul', { channels: 2, length: 1000, filter: 0, fft: 2048, n1: 32 });
      expect(extrasOf(r, 'conv')?.sequence?.factors).toEqual([32, 64]);
    });
    it('the automatic split stops close to N + K − 1 (L = 48·42 = 2016 for 1999), not at 2048', async () => {
      const r = await check('fft-matmul', { channels: 1, length: 1000, filter: 0 });
      expect(extrasOf(r, 'conv')?.sequence?.fftSize).toBe(2016);
    });
    it('agrees with the classic FFT to float32 rounding (against the radix-2 algorithm on the same inputs)', async () => {
      const r = await check('fft-matmul', { channels: 2, length: 1000, filter: 0 });
      const classic = extrasOf(r, 'conv')?.sequence?.againstClassic;
      expect(classic).toBeDefined();
      // Both are within their normwise bounds of the truth; their difference is of the same order.
      expect(classic!.normwise).toBeLessThan(extrasOf(r, 'conv')!.sequence!.normwiseBound);
      expect(classic!.relFrobenius).toBeLessThan(1e-5);
    });
    it('refuses an N1 that does not divide L, a prime L too large for one DFT matrix, and wrap-around', async () => {
      expect(await refusal('fft-matmul', { channels: 1, length: 1000, filter: 0, fft: 2000, n1: 64 })).toMatch(/N1 = 64 does not divide L = 2000/);
      expect(await refusal('fft-matmul', { channels: 1, length: 1000, filter: 0, fft: 2003 })).toMatch(/at most 1024×1024/);
      expect(await refusal('fft-matmul', { channels: 1, length: 1000, filter: 0, fft: 1500 })).toMatch(/wrap around/);
    });
  });

  it('a filter longer than the sequence is refused', async () => {
    expect(await refusal('direct-1d', { channels: 1, length: 100, filter: 200 })).toMatch(/longer than the sequence/);
  });

  it('the CPU emulations (the path without WebGPU) meet the same bounds', async () => {
    for (const v of ['direct-1d', 'fft', 'fft-matmul']) {
      const r = await runExperimentCpu(experiment(v, { channels: 2, length: 700, filter: 0 }));
      expect(r.metrics.boundViolations, v).toBe(0);
      expect(r.metrics.relFrobenius, v).toBeLessThan(1e-5);
    }
  });
});
