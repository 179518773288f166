// The tuner is trustworthy (issue 12, item 8): whatever the budget, what it offers passed its
// float64 re-check and was not slower than the default. Real runs on this adapter (Dawn +
// SwiftShader), on a grid that excludes nothing a user could pick: it holds configurations that
// are several times slower than the default (one row per invocation, 4×4 workgroup tiles), so a
// tiny budget, which measures each candidate once, can pick a slower one by noise.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { autotune, candidateRunner, judgePick } from '../../src/kernels/matmul/autotune';
import { regBlockCandidates, TUNE_DEFAULT, type TuneCandidate } from '../../src/kernels/matmul/grid';
import { median, retimeAlternately } from '../../src/kernels/matmul/tuner';

const SHAPE = { M: 128, N: 128, K: 128 };
const AXES = { BM: [4, 16, 64], BN: [4, 64], BK: [8], TM: [1, 8], TN: [4, 8], staging: ['global' as const], vec4: [false] };
// One row and four columns per invocation in 4×4 tiles: 5 loads per 4 FMAs against the default's
// 16 per 64, and 1024 tiny workgroups (measured here 3–10× slower than the default at 128³).
const SLOW: TuneCandidate = { variant: 'regblock', config: { BM: 4, BN: 4, BK: 8, TM: 1, TN: 4, staging: 'global', vec4: false } };

describe('the tuner never offers a pick slower than the default', () => {
  for (const budgetSeconds of [0.3, 2]) {
    it(`budget ${budgetSeconds} s`, async () => {
      const { device, caps, adapter } = await nodeDevice();
      const result = await autotune(device, caps, SHAPE, { budgetSeconds, grid: regBlockCandidates(AXES), adapter });
      // The default is always a candidate, measured first.
      expect(result.tuner.points[0].config).toEqual(TUNE_DEFAULT);
      expect(result.tuner.anchor).toBe(result.tuner.points[0]);
      expect(result.tuner.points[0].samples.length).toBeGreaterThan(0);
      expect(result.decision).not.toBeNull();
      // The checked runs carry this device's provenance (not "no GPU").
      expect(result.tuned!.provenance.backend).toBe('webgpu');
      expect(result.tuned!.provenance.adapter).toEqual(adapter);
      if (!result.decision!.offerPick) {
        expect(result.offered).toEqual(TUNE_DEFAULT);
        return;
      }
      // Offered: it passed float64 and its alternate re-timing beat the default's…
      expect(result.offered).toEqual(result.tuner.best!.config);
      expect(result.tuned!.metrics.boundViolations).toBe(0);
      expect(median(result.confirmation!.pickSeconds)).toBeLessThan(median(result.confirmation!.defaultSeconds));
      // …and timed again, independently, it is not slower than the default. The 1.25 allows for
      // this shared 2-core machine's noise; the slow configurations of the grid are 3–10× slower.
      const runner = candidateRunner(device, caps, SHAPE);
      const again = await retimeAlternately(result.offered!, TUNE_DEFAULT, runner.measure, 5);
      runner.dispose();
      expect(median(again.aSeconds)).toBeLessThan(1.25 * median(again.bSeconds));
    }, 120_000);
  }

  it('a slower pick is refused: the default stays, and the reason says so', async () => {
    const { device, caps, adapter } = await nodeDevice();
    const judged = await judgePick(device, caps, SHAPE, SLOW, { adapter });
    // The slow pick is a correct kernel (it passes float64) and is still not offered.
    expect(judged.tuned!.metrics.boundViolations).toBe(0);
    expect(judged.confirmation!.pickSeconds).toHaveLength(5);
    expect(judged.decision!.offerPick).toBe(false);
    expect(judged.decision!.reason).toMatch(/not faster than the default/);
    expect(judged.offered).toEqual(TUNE_DEFAULT);
    expect(judged.speedupOverDefault!).toBeLessThan(1);
  }, 120_000);
});
