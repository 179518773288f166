import { describe, expect, it } from 'vitest';
import { meanRelativeError, predict, rSquared, rooflineGflops, scoreModel } from '../../src/kernels/matmul/model';
import { findVariant } from '../../src/kernels/registry';
import type { Params } from '../../src/kernels/types';

// Each variant's traffic facet (the model's input).
const trafficOf = (variant: string, params: Params) => findVariant('matmul', variant)?.traffic?.(params) ?? null;

const roofs = { peakGflops: 30, bandwidthGBs: 2 };

describe('matmul performance model', () => {
  it('counts work and traffic from the tiling', () => {
    const shape = { M: 512, N: 512, K: 512 };
    const naive = trafficOf('naive', shape)!;
    expect(naive.flops).toBe(2 * 512 ** 3);
    expect(naive.registerLoadBytes).toBe(8 * 512 ** 3);
    const rb = trafficOf('regblock', { ...shape, BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global' })!;
    expect(rb.flops).toBe(2 * 512 ** 3);
    // (M/8)(N/8)·K invocation-steps, each loading 8 + 8 floats for 64 FMAs (naive: 2 per FMA): 1/8.
    expect(rb.registerLoadBytes).toBe(naive.registerLoadBytes / 8);
    // A is read N/BN = 8 times, B M/BM = 8 times, C written once.
    expect(rb.globalBytes).toBe(4 * (512 * 512 * 8 * 2) + 4 * 512 * 512);
    expect(rb.barriers).toBe(0);
    const staged = trafficOf('regblock', { ...shape, BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'workgroup' })!;
    expect(staged.barriers).toBe(64 * 2 * 64);
    // Edge tiles are padded: 65 rows with BM = 64 compute two full tiles of rows.
    expect(trafficOf('regblock', { M: 65, N: 64, K: 8, BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global' })!.flops).toBe(2 * 128 * 64 * 8);
    const tiled = trafficOf('tiled', { ...shape, tile: 16 })!;
    expect(tiled.globalBytes).toBe(4 * 32 * 32 * 32 * 2 * 256 + 4 * 512 * 512);
    expect(trafficOf('unknown', shape)).toBeNull();
  });

  it('predicts under the roofs: max for overlap, sum for none', () => {
    const t = { flops: 60e9, globalBytes: 1e9, registerLoadBytes: 4e9, barriers: 0 };
    expect(predict(t, roofs, 'global', 'max').seconds).toBeCloseTo(2, 12);
    expect(predict(t, roofs, 'global', 'max').bound).toBe('compute');
    expect(predict(t, roofs, 'register', 'max').seconds).toBeCloseTo(2, 12);
    expect(predict(t, roofs, 'register', 'sum').seconds).toBeCloseTo(4, 12);
    expect(predict(t, roofs).intensity).toBe(60);
    expect(rooflineGflops(1, roofs)).toBe(2);
    expect(rooflineGflops(100, roofs)).toBe(30);
  });

  it('R² and mean relative error', () => {
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBeCloseTo(0, 12);
    expect(rSquared([1, 2, 3], [3, 2, 1])).toBeCloseTo(-3, 12);
    expect(meanRelativeError([1, 2, 4], [1.1, 1.8, 4])).toBeCloseTo((0.1 + 0.1 + 0) / 3, 12);
    expect(() => rSquared([], [])).toThrow();
  });

  it('scores a sweep: a model fed its own predictions is perfect, a wrong one is not', () => {
    const configs = [4, 8].flatMap((TM) => [32, 64].map((BM) => ({ M: 256, N: 256, K: 256, BM, BN: 64, BK: 8, TM, TN: 8, staging: 'global' })));
    const exact = configs.map((params) => ({
      variant: 'regblock',
      params,
      traffic: trafficOf('regblock', params)!,
      seconds: predict(trafficOf('regblock', params)!, roofs, 'register', 'sum').seconds,
    }));
    const fit = scoreModel(exact, roofs)!;
    expect(fit.rSquared).toBeCloseTo(1, 12);
    expect(fit.meanRelativeError).toBeCloseTo(0, 12);
    const doubled = exact.map((r, i) => ({ ...r, seconds: r.seconds * (i % 2 ? 2 : 1) }));
    expect(scoreModel(doubled, roofs)!.meanRelativeError).toBeGreaterThan(0.2);
  });
});

describe('matmul model: GEMV', () => {
  it('counts cpi + M loads per k per invocation', () => {
    const t = trafficOf('gemv', { M: 1, N: 4096, K: 4096, wg: 64, cpi: 8 })!;
    expect(t.registerLoadBytes).toBe(4 * 512 * 4096 * 9);
    expect(t.globalBytes).toBe(4 * (4096 + 4096 * 4096) + 4 * 4096);
  });
});

describe('matmul model: barriers', () => {
  it('charges each barrier to every invocation that waits at it', () => {
    const t = trafficOf('tiled', { M: 64, N: 64, K: 64, tile: 16 })!;
    // 16 workgroups × 4 K-steps × 2 barriers × 256 invocations.
    expect(t.invocationBarriers).toBe(16 * 4 * 2 * 256);
    const free = predict(t, roofs, 'register', 'sum');
    const paid = predict(t, { ...roofs, barrierSeconds: 1e-7 }, 'register', 'sum');
    expect(free.barrierSeconds).toBe(0);
    expect(paid.seconds - free.seconds).toBeCloseTo(16 * 4 * 2 * 256 * 1e-7, 12);
    expect(trafficOf('regblock', { M: 64, N: 64, K: 64, BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global' })!.invocationBarriers).toBe(0);
  });
});
