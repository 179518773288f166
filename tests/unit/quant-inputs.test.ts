import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS, detLog, makeTensor, outlierChannelsOf } from '../../src/numerics/quantInputs';

describe('seeded quantization inputs', () => {
  it('detLog matches Math.log to a few ulps', () => {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: an input just below √½ (the reduction's boundary), not √½ itself.
    for (const x of [1e-300, 1e-40, 0.001, 0.5, 0.70710678, 1, 1.5, 2, 10, 12345.678, 1e300]) {
      expect(Math.abs(detLog(x) - Math.log(x))).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(Math.log(x))));
    }
    expect(detLog(1)).toBe(0);
  });

  it('each distribution is deterministic and has the expected spread', () => {
    for (const { value } of DISTRIBUTIONS) {
      const spec = { rows: 64, cols: 256, distribution: value, seed: 9 };
      const a = makeTensor(spec);
      const b = makeTensor(spec);
      expect(a).toEqual(b);
      expect(makeTensor({ ...spec, seed: 10 })).not.toEqual(a);
      const n = a.length;
      const mean = a.reduce((s, v) => s + v, 0) / n;
      const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
      expect(Math.abs(mean)).toBeLessThan(0.05);
      // Gaussian, Laplace: variance 1; uniform [−1,1): 1/3; t₃: 3 (heavy tails, loose).
      const expected = value === 'uniform' ? 1 / 3 : value === 'student-t' ? 3 : 1;
      expect(variance / expected).toBeGreaterThan(value === 'student-t' ? 0.5 : 0.93);
      expect(variance / expected).toBeLessThan(value === 'student-t' ? 2 : 1.07);
    }
  });

  it('outlier channels scale whole columns', () => {
    const spec = { rows: 8, cols: 32, distribution: 'gaussian' as const, seed: 2 };
    const plain = makeTensor(spec);
    const out = makeTensor({ ...spec, outlierChannels: 2, outlierScale: 50 });
    const channels = outlierChannelsOf({ ...spec, outlierChannels: 2 });
    expect(channels).toHaveLength(2);
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 32; c++) {
        const i = r * 32 + c;
        expect(out[i]).toBe(channels.includes(c) ? Math.fround(plain[i] * 50) : plain[i]);
      }
    }
  });
});
