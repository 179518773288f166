// The autotuner's pick against an exhaustive sweep of the same candidates: a timed property,
// so this file runs alone after the rest of the suite (`npm test`; vite.config.ts keeps tests/timing
// out of the parallel run), with no other test file sharing the cores.
import { describe, expect, it } from 'vitest';
import { SLOW_CANDIDATE, TUNER_TEST_GRID } from '../gpu/tunerGrid';
import { nodeDevice } from '../../src/gpu/node-device';
import { autotune, sweepAndCompare } from '../../src/kernels/matmul/autotune';
import { sameCandidate, TUNE_DEFAULT, tuneCandidates } from '../../src/kernels/matmul/grid';
import { TUNER_BAR } from '../../src/kernels/matmul/tuner';

describe('autotuner on the GPU (small grid): the 0.98 bar', () => {
  const GRID = TUNER_TEST_GRID;
  const SLOW = SLOW_CANDIDATE;

  // Retried twice: a burst of load from outside can push one interval below the bar; a pick
  // that is really slower than the sweep's best fails all three.
  it('tunes within its budget, re-checks the pick against float64, and its pick reaches 0.98 of an exhaustive sweep (confidence interval)', {
    timeout: 300_000,
    retry: 2,
  }, async () => {
    const { device, caps } = await nodeDevice();
    const shape = { M: 256, N: 256, K: 256 };
    const progress: number[] = [];
    const result = await autotune(device, caps, shape, { budgetSeconds: 30, grid: GRID, confirmRounds: 7, onProgress: (p) => progress.push(p.measured) });
    expect(result.tuner.stoppedBy).toBe('converged');
    expect(progress.length).toBe(result.tuner.measurements);
    // The default is a candidate, and a finalist.
    expect(result.tuner.finals.points.map((p) => p.config)).toContainEqual(TUNE_DEFAULT);
    expect(result.tuned?.metrics.boundViolations).toBe(0);
    expect(sameCandidate(result.tuner.best!.config, SLOW)).toBe(false);
    // The same candidates swept exhaustively (3 interleaved rounds each, by median), then the
    // offered configuration and the sweep's best re-timed alternately over 15 paired rounds. On
    // this shared 2-core machine single rounds vary by tens of percent (a median of 11 by about
    // ±10 %), so the test asserts what the measurements can support: the 95 % interval of the
    // median ratio does not lie wholly below the 0.98 bar. A pick that is really slower is caught
    // once its interval excludes the bar (the next test shows the slow candidate is; the others
    // here are 10–50 % slower than the best). The 0.98 itself, at 512³ in 30 s, is
    // measured by `npm run bench:tune`.
    const { sweep, comparison } = await sweepAndCompare(device, caps, shape, tuneCandidates(shape, caps, GRID).candidates, result.offered!, {
      rounds: 3,
      confirmRounds: 15,
    });
    expect(sweep.points.every((p) => p.samples.length === 3 || p.error)).toBe(true);
    expect(comparison).not.toBeNull();
    if (!comparison!.sameConfig) {
      expect(comparison!.coverage).toBeGreaterThanOrEqual(0.95);
      expect(comparison!.high).toBeGreaterThanOrEqual(TUNER_BAR);
    }
  });
});
