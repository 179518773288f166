// A pure-TypeScript autotuner: successive halving over a configuration grid within a time budget
// (Jamieson & Talwalkar 2016, "Non-stochastic best arm identification and hyperparameter
// optimization"). Every candidate is measured once; the faster half is measured again, and so on,
// so noisy measurements of the leaders are averaged while slow points cost one run each.
// No GPU here: the caller passes `measure(config) => seconds` (a real run, or a synthetic one).

export interface TunerPoint<C> {
  config: C;
  /** Seconds of every measurement taken (lower is better). */
  samples: number[];
  /** The samples' summary statistic (see TunerOptions.statistic; Infinity when none succeeded). */
  seconds: number;
  /** Why this point could not be measured (it threw), if so. */
  error?: string;
}

export interface TunerProgress<C> {
  round: number;
  measured: number;
  /** Measurements the plan expects (a guide for a progress bar; the budget may cut it short). */
  planned: number;
  elapsedSeconds: number;
  best: TunerPoint<C> | null;
  last: TunerPoint<C>;
  /** Every candidate, measured or not yet (the live list: copy what you keep). */
  points: TunerPoint<C>[];
}

export interface TunerOptions<C> {
  grid: C[];
  measure: (config: C) => Promise<number>;
  /** Wall-clock budget for the whole search, in seconds. */
  budgetSeconds: number;
  /** Stop halving when this many survive (they are all measured at least `finalSamples` times). */
  finalSurvivors?: number;
  /** Called after every measurement. */
  onProgress?: (p: TunerProgress<C>) => void;
  /** A clock in seconds (injectable for tests); defaults to performance.now() / 1000. */
  now?: () => number;
  /** Stops the search early (e.g. a Cancel button). */
  cancelled?: () => boolean;
  /**
   * Seed for the order of the first round (a seeded shuffle), so that a budget too small for the
   * whole grid samples it evenly rather than only its first rows. Omit to keep the grid order.
   */
  shuffleSeed?: number;
  /**
   * How a point's samples are summarised. 'min' (the default) estimates the uncontended time and
   * is the robust choice when other work shares the device (another tab, other jobs on a CPU
   * adapter): interference only ever adds time. 'median' suits a quiet, dedicated device.
   */
  statistic?: Statistic;
}

export type Statistic = 'min' | 'median';

export function summarise(xs: number[], statistic: Statistic): number {
  if (xs.length === 0) return Infinity;
  return statistic === 'min' ? Math.min(...xs) : median(xs);
}

export interface TunerResult<C> {
  best: TunerPoint<C> | null;
  points: TunerPoint<C>[];
  measurements: number;
  rounds: number;
  elapsedSeconds: number;
  /** Candidates never measured because the budget ran out in the first round. */
  unmeasured: number;
  stoppedBy: 'converged' | 'budget' | 'cancelled';
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Infinity;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Fisher–Yates with a small integer LCG (the same order on every machine). */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Successive halving within a budget; returns the fastest configuration (by `statistic`). */
export async function tune<C>(options: TunerOptions<C>): Promise<TunerResult<C>> {
  const now = options.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const elapsed = () => now() - t0;
  const finalSurvivors = Math.max(1, options.finalSurvivors ?? 2);
  const statistic = options.statistic ?? 'min';
  const points: TunerPoint<C>[] = options.grid.map((config) => ({ config, samples: [], seconds: Infinity }));
  let measurements = 0;
  let round = 0;
  let stoppedBy: TunerResult<C>['stoppedBy'] = 'converged';
  let best: TunerPoint<C> | null = null;
  // The plan: n + n/2 + n/4 + … measurements.
  let planned = 0;
  for (let n = points.length; n > finalSurvivors; n = Math.ceil(n / 2)) planned += n;
  planned += 2 * Math.min(finalSurvivors, points.length);

  const measureOnce = async (p: TunerPoint<C>) => {
    try {
      const s = await options.measure(p.config);
      if (!(s > 0) || !Number.isFinite(s)) throw new Error(`measurement returned ${s}`);
      p.samples.push(s);
      p.seconds = summarise(p.samples, statistic);
    } catch (e) {
      p.error = e instanceof Error ? e.message : String(e);
      p.seconds = Infinity;
    }
    measurements++;
    if (p.seconds < (best?.seconds ?? Infinity)) best = p;
    else if (best) best = points.reduce((a, b) => (b.seconds < a.seconds ? b : a), best);
    options.onProgress?.({ round, measured: measurements, planned, elapsedSeconds: elapsed(), best, last: p, points });
  };
  const stop = (): boolean => {
    if (options.cancelled?.()) {
      stoppedBy = 'cancelled';
      return true;
    }
    if (elapsed() >= options.budgetSeconds) {
      stoppedBy = 'budget';
      return true;
    }
    return false;
  };

  let survivors = options.shuffleSeed === undefined ? points : shuffled(points, options.shuffleSeed);
  outer: while (true) {
    const last = survivors.length <= finalSurvivors;
    // Final round: the survivors get two more samples each to settle the order.
    const repeats = last ? 2 : 1;
    for (let r = 0; r < repeats; r++) {
      for (const p of survivors) {
        if (p.error) continue;
        if (stop()) break outer;
        await measureOnce(p);
      }
    }
    if (last) break;
    const ranked = survivors.filter((p) => !p.error && p.samples.length > 0).sort((a, b) => a.seconds - b.seconds);
    if (ranked.length === 0) break;
    survivors = ranked.slice(0, Math.max(finalSurvivors, Math.ceil(ranked.length / 2)));
    round++;
  }
  // The pick comes from the last survivors (the most-measured points), so a point eliminated
  // early cannot win on fewer, luckier samples than the survivors got. If the budget cut
  // the first round short, every measured point competes.
  const finalists = survivors.filter((p) => p.samples.length > 0 && !p.error);
  const measured = finalists.length ? finalists : points.filter((p) => p.samples.length > 0 && !p.error);
  const finalBest = measured.length ? measured.reduce((a, b) => (b.seconds < a.seconds ? b : a)) : null;
  return {
    best: finalBest,
    points,
    measurements,
    rounds: round + 1,
    elapsedSeconds: elapsed(),
    unmeasured: points.filter((p) => p.samples.length === 0 && !p.error).length,
    stoppedBy,
  };
}

export interface SweepResult<C> {
  points: TunerPoint<C>[];
  best: TunerPoint<C> | null;
  elapsedSeconds: number;
}

/** Measures every configuration `samples` times (the exhaustive baseline the tuner is judged by). */
export async function exhaustiveSweep<C>(
  grid: C[],
  measure: (config: C) => Promise<number>,
  samples = 1,
  onPoint?: (p: TunerPoint<C>, index: number) => void,
  now: () => number = () => performance.now() / 1000,
  statistic: Statistic = 'min',
): Promise<SweepResult<C>> {
  const t0 = now();
  const points: TunerPoint<C>[] = [];
  for (let i = 0; i < grid.length; i++) {
    const p: TunerPoint<C> = { config: grid[i], samples: [], seconds: Infinity };
    for (let s = 0; s < samples; s++) {
      try {
        p.samples.push(await measure(grid[i]));
      } catch (e) {
        p.error = e instanceof Error ? e.message : String(e);
        break;
      }
    }
    p.seconds = p.error ? Infinity : summarise(p.samples, statistic);
    points.push(p);
    onPoint?.(p, i);
  }
  const ok = points.filter((p) => Number.isFinite(p.seconds));
  return { points, best: ok.length ? ok.reduce((a, b) => (b.seconds < a.seconds ? b : a)) : null, elapsedSeconds: now() - t0 };
}

export interface TunerComparison {
  /** Seconds of the sweep's best / seconds of the tuner's pick (1 = as good; ≥ 0.95 is the bar). */
  ratio: number;
  withinFivePercent: boolean;
  tunerMeasurements: number;
  sweepMeasurements: number;
}

/**
 * How the tuner's pick compares with the exhaustive sweep's best. `secondsOf` re-times a config
 * fairly (e.g. the sweep's own figure for it), so both sides use the same numbers.
 */
export function compareToSweep<C>(tuned: TunerResult<C>, sweep: SweepResult<C>, secondsOf: (config: C) => number): TunerComparison {
  if (!tuned.best || !sweep.best) return { ratio: 0, withinFivePercent: false, tunerMeasurements: tuned.measurements, sweepMeasurements: sweep.points.length };
  const ratio = sweep.best.seconds / secondsOf(tuned.best.config);
  return {
    ratio,
    withinFivePercent: ratio >= 0.95,
    tunerMeasurements: tuned.measurements,
    sweepMeasurements: sweep.points.reduce((n, p) => n + p.samples.length, 0),
  };
}

/** Every combination of the given values, e.g. grid({BM: [32, 64], TM: [4, 8]}). */
export function cartesian<T extends object>(axes: { [K in keyof T]: T[K][] }): T[] {
  let out: Record<string, unknown>[] = [{}];
  for (const key of Object.keys(axes)) {
    const values = (axes as Record<string, unknown[]>)[key];
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
  }
  return out as T[];
}

export interface InterleavedComparison<C> {
  tuned: C;
  swept: C;
  /** Fastest sample of each over the interleaved rounds. */
  tunedSeconds: number;
  sweptSeconds: number;
  /** sweptSeconds / tunedSeconds: ≥ 0.95 means the tuner's pick is within 5 % of the sweep's best. */
  ratio: number;
  withinFivePercent: boolean;
}

/**
 * Re-times the tuner's pick and the sweep's best alternately (A, B, A, B, …). A sweep and a
 * tuner run minutes apart see different background load on a shared device; alternating the two
 * candidates exposes both to the same conditions, so the comparison is fair.
 */
export async function confirmInterleaved<C>(tuned: C, swept: C, measure: (config: C) => Promise<number>, rounds = 3): Promise<InterleavedComparison<C>> {
  let tunedSeconds = Infinity;
  let sweptSeconds = Infinity;
  for (let r = 0; r < rounds; r++) {
    tunedSeconds = Math.min(tunedSeconds, await measure(tuned));
    sweptSeconds = Math.min(sweptSeconds, await measure(swept));
  }
  const ratio = sweptSeconds / tunedSeconds;
  return { tuned, swept, tunedSeconds, sweptSeconds, ratio, withinFivePercent: ratio >= 0.95 };
}

// ---- Whether to offer the pick: the decision rule --------------------------------------------

/** Rounds of alternate re-timing below which no pick is offered (a median of fewer says little). */
export const MIN_CONFIRM_ROUNDS = 3;

export interface TunerDecisionInput {
  /** The search's pick is the default configuration itself. */
  pickIsDefault: boolean;
  /** The pick's run against float64: every output finite and within its bound. */
  pickPassedCheck: boolean;
  /** Seconds of the pick and of the default, re-timed alternately (pick, default, pick, default, …). */
  pickSeconds: number[];
  defaultSeconds: number[];
}

export interface TunerDecision {
  /** Offer the pick (true), or keep the default (false). */
  offerPick: boolean;
  /** median(default) / median(pick) over the alternate re-timing; 1 when the pick is the default; null when not re-timed. */
  speedup: number | null;
  /** Why, in words. */
  reason: string;
}

/**
 * The tuner offers its pick only when the pick passed its float64 re-check AND, re-timed
 * alternately against the default (at least MIN_CONFIRM_ROUNDS rounds, so both see the same
 * background load), its median time is below the default's. Anything else keeps the default.
 */
export function decideTuned(input: TunerDecisionInput): TunerDecision {
  if (input.pickIsDefault) return { offerPick: false, speedup: 1, reason: 'the default was the fastest configuration the search measured' };
  if (!input.pickPassedCheck) return { offerPick: false, speedup: null, reason: 'the pick failed its float64 re-check' };
  const rounds = Math.min(input.pickSeconds.length, input.defaultSeconds.length);
  if (rounds < MIN_CONFIRM_ROUNDS || input.pickSeconds.length !== input.defaultSeconds.length) {
    return { offerPick: false, speedup: null, reason: `the pick was re-timed against the default in ${rounds} round(s); at least ${MIN_CONFIRM_ROUNDS} are needed to judge` };
  }
  const pick = median(input.pickSeconds);
  const base = median(input.defaultSeconds);
  if (!(pick > 0 && Number.isFinite(pick) && base > 0 && Number.isFinite(base))) return { offerPick: false, speedup: null, reason: 'the re-timing gave no usable times' };
  const speedup = base / pick;
  const times = `median ${(pick * 1e3).toPrecision(3)} ms against the default's ${(base * 1e3).toPrecision(3)} ms over ${rounds} alternate rounds`;
  return pick < base
    ? { offerPick: true, speedup, reason: `it beat the default re-timed alternately: ${times}` }
    : { offerPick: false, speedup, reason: `re-timed alternately it was not faster than the default: ${times}` };
}

/** Times `a` and `b` alternately (a, b, a, b, …), one sample each per round. */
export async function retimeAlternately<C>(a: C, b: C, measure: (config: C) => Promise<number>, rounds: number): Promise<{ aSeconds: number[]; bSeconds: number[] }> {
  const aSeconds: number[] = [];
  const bSeconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    aSeconds.push(await measure(a));
    bSeconds.push(await measure(b));
  }
  return { aSeconds, bSeconds };
}
