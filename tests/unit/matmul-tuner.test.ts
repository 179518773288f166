import { describe, expect, it } from 'vitest';
import { cartesian, compareToSweep, confirmInterleaved, exhaustiveSweep, tune } from '../../src/kernels/matmul/tuner';
import { Rng } from '../../src/numerics/prng';

type Cfg = { BM: number; TM: number; BK: number };
const GRID = cartesian<Cfg>({ BM: [16, 32, 64, 128], TM: [1, 2, 4, 8], BK: [4, 8, 16, 32] });

// A synthetic cost surface with one best point (BM 64, TM 4, BK 16) and seeded ±3 % noise.
function syntheticMeasure(seed: number, noise = 0.03) {
  const rng = new Rng(seed);
  const calls: Cfg[] = [];
  const trueSeconds = (c: Cfg) =>
    1e-3 * (1 + 0.3 * Math.abs(Math.log2(c.BM / 64)) + 0.5 * Math.abs(Math.log2(c.TM / 4)) + 0.2 * Math.abs(Math.log2(c.BK / 16)));
  const measure = async (c: Cfg) => {
    calls.push(c);
    return trueSeconds(c) * (1 + noise * (2 * rng.nextUnit() - 1));
  };
  return { measure, trueSeconds, calls };
}

describe('successive-halving tuner', () => {
  it('finds the best point of a small synthetic grid, with fewer measurements than a 3-sample sweep', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { measure, calls } = syntheticMeasure(seed);
      const result = await tune({ grid: GRID, measure, budgetSeconds: 1e9 });
      expect(result.best?.config).toEqual({ BM: 64, TM: 4, BK: 16 });
      expect(result.stoppedBy).toBe('converged');
      expect(calls.length).toBe(result.measurements);
      expect(result.measurements).toBeLessThan(3 * GRID.length);
    }
  });

  it('compares with an exhaustive sweep of the same grid (within 5 %)', async () => {
    const { measure, trueSeconds } = syntheticMeasure(9);
    const tuned = await tune({ grid: GRID, measure, budgetSeconds: 1e9 });
    const sweep = await exhaustiveSweep(GRID, measure, 1);
    expect(sweep.points).toHaveLength(GRID.length);
    const cmp = compareToSweep(tuned, sweep, trueSeconds);
    expect(cmp.withinFivePercent).toBe(true);
    expect(cmp.ratio).toBeGreaterThan(0.95);
  });

  it('respects the time budget (fake clock) and reports progress after every measurement', async () => {
    let clock = 0;
    const progress: number[] = [];
    const result = await tune({
      grid: GRID,
      measure: async (c: Cfg) => {
        clock += 1; // every measurement costs one second
        return c.BM * 1e-6;
      },
      budgetSeconds: 10,
      now: () => clock,
      onProgress: (p) => progress.push(p.measured),
    });
    expect(result.stoppedBy).toBe('budget');
    expect(result.measurements).toBe(10);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.unmeasured).toBe(GRID.length - 10);
    expect(result.best?.config.BM).toBe(16);
  });

  it('skips configurations whose measurement throws and never picks them', async () => {
    const result = await tune({
      grid: GRID,
      measure: async (c: Cfg) => {
        if (c.BM === 16) throw new Error('needs more workgroup memory than the device has');
        return c.BM * 1e-6 + c.TM * 1e-7;
      },
      budgetSeconds: 1e9,
    });
    expect(result.best?.config).toMatchObject({ BM: 32, TM: 1 });
    expect(result.points.filter((p) => p.error).length).toBe(16);
  });

  it('can be cancelled', async () => {
    let n = 0;
    const result = await tune({ grid: GRID, measure: async () => ++n * 1e-3, budgetSeconds: 1e9, cancelled: () => n >= 3 });
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.measurements).toBe(3);
  });

  it('cartesian builds every combination', () => {
    expect(GRID).toHaveLength(64);
    expect(new Set(GRID.map((c) => JSON.stringify(c))).size).toBe(64);
  });
});

describe('tuner first-round order', () => {
  it('a seeded shuffle spreads a short budget over the whole grid, the same way every time', async () => {
    const run = async () => {
      let clock = 0;
      const seen: Cfg[] = [];
      await tune({ grid: GRID, measure: async (c: Cfg) => (seen.push(c), (clock += 1), 1), budgetSeconds: 16, now: () => clock, shuffleSeed: 7 });
      return seen;
    };
    const a = await run();
    expect(a).toHaveLength(16);
    expect(await run()).toEqual(a);
    // The grid order would give only BM = 16; the shuffle reaches other tile sizes.
    expect(new Set(a.map((c) => c.BM)).size).toBeGreaterThan(2);
  });
});

describe('tuner statistic', () => {
  it("'min' ignores interference spikes that 'median' of two samples would not", async () => {
    const { summarise } = await import('../../src/kernels/matmul/tuner');
    expect(summarise([3, 1, 10], 'min')).toBe(1);
    expect(summarise([3, 1, 10], 'median')).toBe(3);
    expect(summarise([], 'min')).toBe(Infinity);
    // A config whose every other sample is hit by a 3× slowdown from other work still wins under 'min'.
    let calls = 0;
    const result = await tune({
      grid: [{ id: 'fast' }, { id: 'slow' }],
      measure: async (c: { id: string }) => (c.id === 'fast' ? (calls++ % 2 ? 3e-3 : 1e-3) : 1.5e-3),
      budgetSeconds: 1e9,
      finalSurvivors: 2,
    });
    expect(result.best?.config.id).toBe('fast');
  });
});

describe('interleaved confirmation', () => {
  it('alternates the two candidates and compares their fastest samples', async () => {
    const order: string[] = [];
    // Background load halves speed on every other call: alternating exposes both to it equally.
    let call = 0;
    const base: Record<string, number> = { tuned: 1.02e-3, swept: 1e-3 };
    const cmp = await confirmInterleaved('tuned', 'swept', async (c: string) => {
      order.push(c);
      return base[c] * (Math.floor(call++ / 2) % 2 ? 2 : 1);
    }, 3);
    expect(order).toEqual(['tuned', 'swept', 'tuned', 'swept', 'tuned', 'swept']);
    expect(cmp.tunedSeconds).toBeCloseTo(1.02e-3, 12);
    expect(cmp.sweptSeconds).toBeCloseTo(1e-3, 12);
    expect(cmp.ratio).toBeCloseTo(1 / 1.02, 10);
    expect(cmp.withinFivePercent).toBe(true);
    const far = await confirmInterleaved('tuned', 'swept', async (c: string) => (c === 'tuned' ? 2e-3 : 1e-3), 2);
    expect(far.withinFivePercent).toBe(false);
  });
});

describe('the tuner offers a pick only when it passed float64 and beat the default (decideTuned)', () => {
  const ok = { pickIsDefault: false, pickPassedCheck: true };
  it('offers a pick whose median, re-timed alternately, is below the default’s', async () => {
    const { decideTuned } = await import('../../src/kernels/matmul/tuner');
    // One round where the pick was hit by background load: the median ignores it.
    const d = decideTuned({ ...ok, pickSeconds: [1.0, 5.0, 1.1, 0.9, 1.0], defaultSeconds: [2.0, 2.1, 1.9, 2.0, 2.2] });
    expect(d.offerPick).toBe(true);
    expect(d.speedup).toBeCloseTo(2.0 / 1.0, 12);
    expect(d.reason).toMatch(/beat the default/);
  });

  it('keeps the default when the pick is not faster (slower, or exactly as fast)', async () => {
    const { decideTuned } = await import('../../src/kernels/matmul/tuner');
    const slower = decideTuned({ ...ok, pickSeconds: [1.4, 1.5, 1.3], defaultSeconds: [1.0, 1.1, 0.9] });
    expect(slower.offerPick).toBe(false);
    expect(slower.speedup).toBeCloseTo(1.0 / 1.4, 12);
    expect(slower.reason).toMatch(/not faster/);
    // The pick's fastest sample beats the default's, but its median does not: not offered.
    expect(decideTuned({ ...ok, pickSeconds: [0.5, 1.2, 1.3], defaultSeconds: [1.0, 1.0, 1.0] }).offerPick).toBe(false);
    expect(decideTuned({ ...ok, pickSeconds: [1, 1, 1], defaultSeconds: [1, 1, 1] }).offerPick).toBe(false);
  });

  it('keeps the default when the pick failed its float64 re-check, however fast it was', async () => {
    const { decideTuned } = await import('../../src/kernels/matmul/tuner');
    const d = decideTuned({ pickIsDefault: false, pickPassedCheck: false, pickSeconds: [0.1, 0.1, 0.1], defaultSeconds: [1, 1, 1] });
    expect(d.offerPick).toBe(false);
    expect(d.reason).toMatch(/float64/);
  });

  it('keeps the default without enough alternate rounds, or when the rounds do not pair up', async () => {
    const { decideTuned, MIN_CONFIRM_ROUNDS } = await import('../../src/kernels/matmul/tuner');
    expect(MIN_CONFIRM_ROUNDS).toBeGreaterThanOrEqual(3);
    expect(decideTuned({ ...ok, pickSeconds: [0.1, 0.1], defaultSeconds: [1, 1] }).offerPick).toBe(false);
    expect(decideTuned({ ...ok, pickSeconds: [], defaultSeconds: [] }).offerPick).toBe(false);
    expect(decideTuned({ ...ok, pickSeconds: [0.1, 0.1, 0.1, 0.1], defaultSeconds: [1, 1, 1] }).offerPick).toBe(false);
    expect(decideTuned({ ...ok, pickSeconds: [NaN, NaN, NaN], defaultSeconds: [1, 1, 1] }).offerPick).toBe(false);
  });

  it('says the default stays, at speed 1, when the search picked the default itself', async () => {
    const { decideTuned } = await import('../../src/kernels/matmul/tuner');
    const d = decideTuned({ pickIsDefault: true, pickPassedCheck: true, pickSeconds: [], defaultSeconds: [] });
    expect(d).toMatchObject({ offerPick: false, speedup: 1 });
  });

  it('re-times two candidates alternately, one sample each per round', async () => {
    const { retimeAlternately } = await import('../../src/kernels/matmul/tuner');
    const order: string[] = [];
    const { aSeconds, bSeconds } = await retimeAlternately('pick', 'default', async (c: string) => (order.push(c), c === 'pick' ? 1 : 2), 3);
    expect(order).toEqual(['pick', 'default', 'pick', 'default', 'pick', 'default']);
    expect(aSeconds).toEqual([1, 1, 1]);
    expect(bSeconds).toEqual([2, 2, 2]);
  });
});
