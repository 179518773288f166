import { describe, expect, it } from 'vitest';
import { cartesian, compareToSweep, confirmInterleaved, exhaustiveSweep, medianInterval, tune, TUNER_BAR } from '../../src/kernels/matmul/tuner';
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

describe('noise-aware successive-halving tuner', () => {
  it('finds the best point of a synthetic grid with ±3 % noise, with fewer measurements than a 3-round sweep', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { measure, calls } = syntheticMeasure(seed);
      const result = await tune({ grid: GRID, measure, budgetSeconds: 1e9, anchor: 0, shuffleSeed: seed });
      expect(result.best?.config).toEqual({ BM: 64, TM: 4, BK: 16 });
      expect(result.stoppedBy).toBe('converged');
      expect(calls.length).toBe(result.measurements);
      expect(result.measurements).toBeLessThan(3 * GRID.length);
    }
  });

  it('compares with an exhaustive sweep of the same grid (at least TUNER_BAR of its best)', async () => {
    const { measure, trueSeconds } = syntheticMeasure(9, 0.1);
    const tuned = await tune({ grid: GRID, measure, budgetSeconds: 1e9, anchor: 0 });
    const sweep = await exhaustiveSweep(GRID, measure, { rounds: 3 });
    expect(sweep.points.every((p) => p.samples.length === 3)).toBe(true);
    const cmp = compareToSweep(tuned, sweep, trueSeconds);
    expect(TUNER_BAR).toBe(0.98);
    expect(cmp.reachesBar).toBe(true);
  });

  it('the anchor is measured first and in every later round, and never eliminated, however slow', async () => {
    const rounds: number[] = [];
    const result = await tune({
      grid: GRID,
      measure: async (c: Cfg) => c.BM * 1e-6 + c.TM * 1e-7,
      budgetSeconds: 1e9,
      anchor: GRID.length - 1, // BM 128: among the slowest
      onProgress: (p) => {
        if (p.last === p.points[GRID.length - 1]) rounds.push(p.round);
      },
    });
    expect(result.anchor?.config).toEqual(GRID[GRID.length - 1]);
    expect(result.finals.points).toContain(result.anchor);
    // Measured twice in the screening (the second sample prices a repeat), then in every halving and final round.
    expect(rounds).toEqual([0, ...Array.from({ length: result.rounds }, (_, i) => i)]);
    expect(result.finals.rounds).toHaveLength(5);
    expect(result.best?.config).toMatchObject({ BM: 16, TM: 1 });
  });

  it('interleaves: a load that grows over time does not favour what was measured early', async () => {
    // Every measurement is 0.5 % slower than the one before (a machine filling up with jobs).
    // The true best is B; A is 3 % slower. Measured one after the other, A would win.
    let call = 0;
    const base: Record<string, number> = { A: 1.03, B: 1, C: 1.5, D: 1.6, E: 1.7 };
    const grid = Object.keys(base);
    const result = await tune({
      grid,
      measure: async (c: string) => base[c] * (1 + 0.005 * call++),
      budgetSeconds: 1e9,
      anchor: 4,
      finalists: 2,
      finalRounds: 7,
    });
    expect(result.best?.config).toBe('B');
  });

  it('ranks by median: one sample hit by a 3× slowdown does not eliminate the fastest', async () => {
    let fastCalls = 0;
    const result = await tune({
      grid: ['fast', 'slow', 'slower'],
      measure: async (c: string) => (c === 'fast' ? (fastCalls++ === 2 ? 3e-3 : 1e-3) : c === 'slow' ? 1.5e-3 : 2e-3),
      budgetSeconds: 1e9,
      finalists: 2,
    });
    expect(result.best?.config).toBe('fast');
    expect(result.best!.samples.some((s) => s === 3e-3)).toBe(true);
  });

  it('keeps a reserve of the budget for the finals (fake clock), and reports progress after every measurement', async () => {
    let clock = 0;
    const progress: number[] = [];
    const result = await tune({
      grid: GRID,
      measure: async (c: Cfg) => {
        clock += 1; // every measurement costs one second
        return c.BM * 1e-6;
      },
      budgetSeconds: 40,
      anchor: 0,
      now: () => clock,
      onProgress: (p) => progress.push(p.measured),
    });
    expect(result.stoppedBy).toBe('budget');
    expect(result.measurements).toBeLessThanOrEqual(40);
    expect(progress).toEqual(Array.from({ length: result.measurements }, (_, i) => i + 1));
    expect(result.unmeasured).toBeGreaterThan(0);
    // The finals still ran in full: 3 finalists and the anchor, 5 rounds.
    expect(result.finals.points).toHaveLength(4);
    expect(result.finals.rounds).toHaveLength(5);
    expect(result.best?.config.BM).toBe(16);
  });

  it('spends what is left of the budget after converging on more rounds of the finals, up to maxFinalRounds, never past the budget', async () => {
    const run = async (budgetSeconds: number, maxFinalRounds: number) => {
      let clock = 0;
      let firstPlanned = 0;
      let lastPlanned = 0;
      const result = await tune({
        grid: GRID,
        measure: async (c: Cfg) => {
          clock += 1;
          return c.BM * 1e-6;
        },
        budgetSeconds,
        anchor: 0,
        finalRounds: 5,
        maxFinalRounds,
        now: () => clock,
        onProgress: (p) => {
          firstPlanned ||= p.planned;
          lastPlanned = p.planned;
        },
      });
      return { result, clock, firstPlanned, lastPlanned };
    };
    const roomy = await run(10_000, 12);
    expect(roomy.result.finals.rounds).toHaveLength(12); // capped by maxFinalRounds
    expect(roomy.result.stoppedBy).toBe('converged');
    // The plan grew by the extra rounds' measurements (7 rounds of the finalists and the anchor).
    expect(roomy.lastPlanned - roomy.firstPlanned).toBe(7 * roomy.result.finals.points.length);
    const base = await run(10_000, 5);
    expect(base.result.finals.rounds).toHaveLength(5);
    // A budget that covers two extra rounds but not three: the extra rounds stop before the budget.
    const perRound = base.result.finals.points.length;
    const tight = await run(base.clock + 2 * perRound + 1, 12);
    expect(tight.result.finals.rounds).toHaveLength(7);
    expect(tight.clock).toBeLessThanOrEqual(base.clock + 2 * perRound + 1);
  });

  it('screens in the order of a prior guess when one is given (it orders only: the ranking is measured)', async () => {
    const seen: Cfg[] = [];
    // The prior favours large BM, the opposite of the true costs (BM·1e-6).
    const result = await tune({
      grid: GRID,
      measure: async (c: Cfg) => {
        seen.push(c);
        return c.BM * 1e-6;
      },
      budgetSeconds: 1e9,
      anchor: 0,
      prior: GRID.map((c) => -c.BM),
    });
    // The anchor twice (the second sample prices a repeat), then the 16 candidates with BM 128.
    expect(seen.slice(0, 2)).toEqual([GRID[0], GRID[0]]);
    expect(seen.slice(2, 18).every((c) => c.BM === 128)).toBe(true);
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
    expect(result.finals.rounds).toHaveLength(0);
  });

  it('cartesian builds every combination', () => {
    expect(GRID).toHaveLength(64);
    expect(new Set(GRID.map((c) => JSON.stringify(c))).size).toBe(64);
  });

  it('a seeded order spreads a short budget over the whole grid, the same way every time', async () => {
    const run = async () => {
      let clock = 0;
      const seen: Cfg[] = [];
      await tune({
        grid: GRID,
        measure: async (c: Cfg) => {
          seen.push(c);
          clock += 1;
          return 1;
        },
        budgetSeconds: 16,
        now: () => clock,
        shuffleSeed: 7,
        finalists: 1,
        finalRounds: 1,
      });
      return seen;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    // The grid order would give only BM = 16; the shuffle reaches other tile sizes.
    expect(new Set(a.map((c) => c.BM)).size).toBeGreaterThan(2);
  });
});

describe('medianInterval (distribution-free)', () => {
  it('uses the order statistics whose binomial coverage reaches the level', () => {
    const xs = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    const ci = medianInterval(xs);
    expect(ci.median).toBe(5);
    // n = 9: [x(2), x(8)] covers with 1 − 2·P(Bin(9, ½) ≤ 1) = 1 − 2·10/512.
    expect([ci.low, ci.high]).toEqual([2, 8]);
    expect(ci.coverage).toBeCloseTo(1 - 20 / 512, 12);
    // n = 5 cannot reach 95 %: the whole range, with its smaller coverage said.
    const small = medianInterval([3, 1, 2, 5, 4]);
    expect([small.low, small.high]).toEqual([1, 5]);
    expect(small.coverage).toBeCloseTo(1 - 2 / 32, 12);
    expect(medianInterval([]).coverage).toBe(0);
  });

  it('covers the true median about as often as it says (seeded simulation)', () => {
    const rng = new Rng(3);
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      // Skewed noise: exponential around a true median of ln 2.
      const xs = Array.from({ length: 11 }, () => -Math.log(1 - rng.nextUnit()));
      const ci = medianInterval(xs);
      if (ci.low <= Math.LN2 && Math.LN2 <= ci.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.94);
  });
});

describe('interleaved confirmation', () => {
  it('alternates the two candidates, flipping who goes first, and compares per-round ratios', async () => {
    const order: string[] = [];
    // Background load doubles the time of every other round: pairing cancels it.
    let call = 0;
    const base: Record<string, number> = { tuned: 1.02e-3, swept: 1e-3 };
    const cmp = await confirmInterleaved(
      'tuned',
      'swept',
      async (c: string) => {
        order.push(c);
        return base[c] * (Math.floor(call++ / 2) % 2 ? 2 : 1);
      },
      4,
    );
    expect(order).toEqual(['tuned', 'swept', 'swept', 'tuned', 'tuned', 'swept', 'swept', 'tuned']);
    expect(cmp.roundRatios).toHaveLength(4);
    expect(cmp.ratio).toBeCloseTo(1 / 1.02, 10);
    expect(cmp.reachesBar).toBe(true);
    const far = await confirmInterleaved('tuned', 'swept', async (c: string) => (c === 'tuned' ? 2e-3 : 1e-3), 3);
    expect(far.reachesBar).toBe(false);
    expect(far.high).toBeCloseTo(0.5, 12);
  });

  it('the same configuration is the same kernel: ratio 1, nothing re-timed', async () => {
    let calls = 0;
    const cmp = await confirmInterleaved({ a: 1 }, { a: 1 }, async () => ++calls, 5);
    expect(cmp).toMatchObject({ sameConfig: true, ratio: 1, reachesBar: true });
    expect(calls).toBe(0);
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
    const { aSeconds, bSeconds } = await retimeAlternately(
      'pick',
      'default',
      async (c: string) => {
        order.push(c);
        return c === 'pick' ? 1 : 2;
      },
      3,
    );
    expect(order).toEqual(['pick', 'default', 'pick', 'default', 'pick', 'default']);
    expect(aSeconds).toEqual([1, 1, 1]);
    expect(bSeconds).toEqual([2, 2, 2]);
  });
});
