// A pure-TypeScript autotuner: successive halving over a list of candidates within a time budget
// (Jamieson & Talwalkar 2016, "Non-stochastic best arm identification and hyperparameter
// optimization"), made noise-aware for shared devices:
//  - rounds are interleaved: each round measures every surviving candidate once, in a fresh
//    seeded order, so all of them see the same background load, and drift between rounds hits
//    all alike;
//  - candidates are ranked by the median of their samples (one noisy sample rarely decides);
//  - an anchor (the default configuration) is measured in every round and never eliminated, so
//    the pick is always judged against it;
//  - the budget keeps a reserve for the finals: the last few candidates (and the anchor) are
//    re-timed over several interleaved rounds, and those paired samples are what the pick and
//    its comparison with the anchor rest on.
// No GPU here: the caller passes `measure(config) => seconds` (a real run, or a synthetic one).

export interface TunerPoint<C> {
  config: C;
  /** Seconds of every measurement taken (lower is better). */
  samples: number[];
  /** The median of the samples; for a finalist, of its samples in the finals (Infinity when none succeeded). */
  seconds: number;
  /** Why this point could not be measured (it threw), if so. */
  error?: string;
}

export type TunerPhase = 'screening' | 'halving' | 'finals';

export interface TunerProgress<C> {
  round: number;
  phase: TunerPhase;
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
  /** Index in `grid` of the anchor (the default): measured every round, never eliminated. Omit for none. */
  anchor?: number;
  /** Candidates besides the anchor that reach the finals (default 3). */
  finalists?: number;
  /** Interleaved rounds of the finals (default 5; the budget may cut them short). */
  finalRounds?: number;
  /**
   * Up to this many rounds of finals while the budget lasts (default finalRounds): a search that
   * converged early spends what is left on re-timing the finalists, which is where close
   * candidates are told apart on a noisy device.
   */
  maxFinalRounds?: number;
  /** Called after every measurement. */
  onProgress?: (p: TunerProgress<C>) => void;
  /** A clock in seconds (injectable for tests); defaults to performance.now() / 1000. */
  now?: () => number;
  /** Stops the search early (e.g. a Cancel button). */
  cancelled?: () => boolean;
  /** Seed of every round's order (the same orders on every machine); default 1. */
  shuffleSeed?: number;
  /**
   * A guess of each candidate's cost (same order as `grid`; lower first): the screening round
   * visits candidates in this order (ties in the seeded order), so a budget too small for the
   * whole grid is spent on the likeliest. It decides nothing else: every ranking is measured.
   */
  prior?: number[];
}

export interface TunerResult<C> {
  best: TunerPoint<C> | null;
  points: TunerPoint<C>[];
  /** The anchor's point (null without one). */
  anchor: TunerPoint<C> | null;
  /** The finals: who took part, and per round each finalist's sample (same order; NaN where it was not measured). */
  finals: { points: TunerPoint<C>[]; rounds: number[][] };
  measurements: number;
  rounds: number;
  elapsedSeconds: number;
  /** Candidates never measured because the budget ran out in the first round. */
  unmeasured: number;
  /** 'budget': the budget cut some round short or skipped one (what was measured still decides). */
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

export interface MedianInterval {
  median: number;
  /** A distribution-free confidence interval for the median: order statistics of the sample. */
  low: number;
  high: number;
  /** Its coverage (≥ the level asked for), or 0 when the sample is too small for any interval. */
  coverage: number;
  n: number;
}

/**
 * The median of xs with a distribution-free confidence interval: [x_(j), x_(n+1−j)] covers the
 * population median with probability 1 − 2·P(Bin(n, ½) < j) (the sign-test interval; e.g.
 * Hollander & Wolfe, "Nonparametric Statistical Methods", §3.6). It assumes only independent
 * samples, not normality, which suits timing noise (skewed, with bursts). With n < 6 no interval
 * reaches 95 %: the whole range is returned with its coverage.
 */
export function medianInterval(xs: number[], level = 0.95): MedianInterval {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { median: NaN, low: NaN, high: NaN, coverage: 0, n };
  // cdf[j] = P(Bin(n, ½) ≤ j)
  const cdf: number[] = [];
  let term = 0.5 ** n;
  let acc = 0;
  for (let j = 0; j <= n; j++) {
    acc += term;
    cdf.push(acc);
    term = (term * (n - j)) / (j + 1);
  }
  // The largest j (1-based order statistic) whose interval still covers at least `level`.
  let j = 1;
  while (j + 1 <= n / 2 && 1 - 2 * cdf[j] >= level) j++;
  const coverage = 1 - 2 * (j >= 1 ? cdf[j - 1] : 0);
  return { median: median(s), low: s[j - 1], high: s[n - j], coverage, n };
}

/**
 * Successive halving within a budget, noise-aware (see the header): returns the candidate with
 * the lowest median among the finalists.
 */
export async function tune<C>(options: TunerOptions<C>): Promise<TunerResult<C>> {
  const now = options.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const elapsed = () => now() - t0;
  const finalistCount = Math.max(1, options.finalists ?? 3);
  const finalRounds = Math.max(1, options.finalRounds ?? 5);
  const maxFinalRounds = Math.max(finalRounds, options.maxFinalRounds ?? finalRounds);
  const seed = options.shuffleSeed ?? 1;
  const points: TunerPoint<C>[] = options.grid.map((config) => ({ config, samples: [], seconds: Infinity }));
  const anchor = options.anchor !== undefined && points[options.anchor] ? points[options.anchor] : null;
  let measurements = 0;
  let round = 0;
  let phase: TunerPhase = 'screening';
  let stoppedBy = 'converged' as TunerResult<C>['stoppedBy'];
  let best: TunerPoint<C> | null = null;
  // The plan: every candidate once, then halving rounds, then the finals.
  let planned = points.length;
  for (let n = Math.ceil(points.length / 2); n > finalistCount; n = Math.ceil(n / 2)) planned += n + (anchor ? 1 : 0);
  planned += (Math.min(finalistCount, points.length) + (anchor ? 1 : 0)) * finalRounds;

  const ok = (p: TunerPoint<C>) => !p.error && p.samples.length > 0;
  const measureOnce = async (p: TunerPoint<C>): Promise<number> => {
    let sample = NaN;
    const repeat = p.samples.length > 0;
    const started = now();
    try {
      const s = await options.measure(p.config);
      if (!(s > 0) || !Number.isFinite(s)) throw new Error(`measurement returned ${s}`);
      p.samples.push(s);
      p.seconds = median(p.samples);
      sample = s;
    } catch (e) {
      p.error = e instanceof Error ? e.message : String(e);
      p.seconds = Infinity;
    }
    measurements++;
    if (repeat) {
      repeatSeconds += now() - started;
      repeats++;
    }
    best = points.filter(ok).reduce<TunerPoint<C> | null>((a, b) => (!a || b.seconds < a.seconds ? b : a), null);
    options.onProgress?.({ round, phase, measured: measurements, planned, elapsedSeconds: elapsed(), best, last: p, points });
    return sample;
  };
  const cancelled = () => {
    if (options.cancelled?.()) stoppedBy = 'cancelled';
    return stoppedBy === 'cancelled';
  };
  // What a repeat measurement costs (the first of each candidate also compiles and prepares it):
  // the mean wall time of repeats so far, else an estimate from the samples themselves.
  let repeatSeconds = 0;
  let repeats = 0;
  const perMeasurement = () => {
    if (repeats) return repeatSeconds / repeats;
    const seen = points.filter(ok).map((p) => p.samples[0]);
    return seen.length ? 1.5 * median(seen) + 0.02 : 0;
  };
  const reserve = (finalists: number) => perMeasurement() * (finalists + (anchor ? 1 : 0)) * finalRounds;
  const outOfTime = (keep: number) => {
    if (elapsed() + keep >= options.budgetSeconds) {
      stoppedBy = 'budget';
      return true;
    }
    return false;
  };
  /** One interleaved round over `group` (anchor included); false if stopped. */
  const roundOver = async (group: TunerPoint<C>[], keep: number): Promise<number[] | null> => {
    const order = shuffled(
      group.map((_, i) => i),
      seed + 7919 * round,
    );
    const samples = group.map(() => NaN);
    for (const i of order) {
      if (group[i].error) continue;
      if (cancelled() || outOfTime(keep)) return null;
      samples[i] = await measureOnce(group[i]);
    }
    return samples;
  };
  const withAnchor = (group: TunerPoint<C>[]) => (anchor && !group.includes(anchor) ? [anchor, ...group] : group);
  const ranked = (group: TunerPoint<C>[]) => group.filter(ok).sort((a, b) => a.seconds - b.seconds);

  // Screening: the anchor first (it is always measured), then every candidate once, while the
  // time left covers the finals (the budget cuts screening and halving short, never the finals'
  // reserve; only Cancel stops everything).
  // The first candidate is measured twice: the second sample says what a repeat costs (the first
  // also compiled it), which sizes the finals' reserve.
  const first = anchor ?? shuffled(points, seed)[0];
  if (first && !cancelled()) {
    await measureOnce(first);
    if (!first.error && !cancelled()) await measureOnce(first);
  }
  const screeningOrder = shuffled(points, seed);
  if (options.prior) {
    const prior = new Map(points.map((p, i) => [p, options.prior![i] ?? Infinity]));
    screeningOrder.sort((a, b) => prior.get(a)! - prior.get(b)!);
  }
  for (const p of screeningOrder) {
    if (p === first) continue;
    if (cancelled() || outOfTime(reserve(finalistCount))) break;
    await measureOnce(p);
  }
  let survivors = ranked(points.filter((p) => p !== anchor));
  // Halving: the faster half (by median) goes on, measured again in an interleaved round.
  while (!cancelled() && stoppedBy !== 'budget' && survivors.length > finalistCount) {
    const next = survivors.slice(0, Math.max(finalistCount, Math.ceil(survivors.length / 2)));
    // No time for another whole round: the finals take the best so far.
    if (outOfTime(reserve(finalistCount) + perMeasurement() * (next.length + 1))) break;
    round++;
    phase = 'halving';
    await roundOver(withAnchor(next), reserve(finalistCount));
    survivors = ranked(next);
  }
  // Finals: the finalists and the anchor, several interleaved rounds; their samples decide.
  const finalists = withAnchor(survivors.slice(0, finalistCount)).filter(ok);
  const finalSamples: number[][] = [];
  if (!cancelled()) {
    phase = 'finals';
    const before = new Map(finalists.map((p) => [p, p.samples.length]));
    for (let r = 0; r < maxFinalRounds; r++) {
      // Past the planned rounds, another only while the budget covers a whole one.
      if (r >= finalRounds) {
        if (cancelled() || elapsed() + perMeasurement() * finalists.length >= options.budgetSeconds) break;
        planned += finalists.length;
      }
      round++;
      const samples = await roundOver(finalists, 0);
      if (!samples) break;
      finalSamples.push(samples);
    }
    // The finals' samples alone rank the finalists (all taken under the same conditions).
    for (const p of finalists) {
      const own = p.samples.slice(before.get(p));
      if (own.length) p.seconds = median(own);
    }
  }
  // The pick: lowest median among the finalists (or, if the budget cut the search short before
  // the finals, among everything measured).
  const pool = finalists.length ? finalists : points.filter(ok);
  const pick = pool.filter(ok).reduce<TunerPoint<C> | null>((a, b) => (!a || b.seconds < a.seconds ? b : a), null);
  return {
    best: pick,
    points,
    anchor,
    finals: { points: finalists, rounds: finalSamples },
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
  rounds: number;
  elapsedSeconds: number;
}

/**
 * Measures every configuration in `rounds` interleaved rounds (each round every configuration
 * once, in a fresh seeded order) and ranks them by median: the exhaustive baseline the tuner is
 * judged by, measured the same noise-aware way.
 */
export async function exhaustiveSweep<C>(
  grid: C[],
  measure: (config: C) => Promise<number>,
  options: { rounds?: number; seed?: number; onPoint?: (p: TunerPoint<C>, measured: number) => void; now?: () => number; cancelled?: () => boolean } = {},
): Promise<SweepResult<C>> {
  const now = options.now ?? (() => performance.now() / 1000);
  const rounds = Math.max(1, options.rounds ?? 3);
  const t0 = now();
  const points: TunerPoint<C>[] = grid.map((config) => ({ config, samples: [], seconds: Infinity }));
  let measured = 0;
  let done = 0;
  for (let r = 0; r < rounds; r++) {
    if (options.cancelled?.()) break;
    for (const p of shuffled(points, (options.seed ?? 2) + 7919 * r)) {
      if (p.error) continue;
      try {
        const s = await measure(p.config);
        if (!(s > 0) || !Number.isFinite(s)) throw new Error(`measurement returned ${s}`);
        p.samples.push(s);
        p.seconds = median(p.samples);
      } catch (e) {
        p.error = e instanceof Error ? e.message : String(e);
        p.seconds = Infinity;
      }
      options.onPoint?.(p, ++measured);
    }
    done++;
  }
  const ok = points.filter((p) => Number.isFinite(p.seconds));
  return { points, best: ok.length ? ok.reduce((a, b) => (b.seconds < a.seconds ? b : a)) : null, rounds: done, elapsedSeconds: now() - t0 };
}

/** Runs per sample of the exhaustive sweep and of its re-timing against the pick (the fastest counts). */
export const SWEEP_RUNS_PER_SAMPLE = 3;

/** The bar the tuner's pick is held to: at least this fraction of the exhaustive sweep's best speed. */
export const TUNER_BAR = 0.98;

export interface TunerComparison {
  /** Seconds of the sweep's best / seconds of the tuner's pick (1 = as good; TUNER_BAR is the bar). */
  ratio: number;
  reachesBar: boolean;
  tunerMeasurements: number;
  sweepMeasurements: number;
}

/**
 * How the tuner's pick compares with the exhaustive sweep's best, by `secondsOf` (e.g. a
 * synthetic cost surface's true seconds), so both sides use the same numbers.
 */
export function compareToSweep<C>(tuned: TunerResult<C>, sweep: SweepResult<C>, secondsOf: (config: C) => number): TunerComparison {
  const sweepMeasurements = sweep.points.reduce((n, p) => n + p.samples.length, 0);
  if (!tuned.best || !sweep.best) return { ratio: 0, reachesBar: false, tunerMeasurements: tuned.measurements, sweepMeasurements };
  const ratio = secondsOf(sweep.best.config) / secondsOf(tuned.best.config);
  return { ratio, reachesBar: ratio >= TUNER_BAR, tunerMeasurements: tuned.measurements, sweepMeasurements };
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
  /** The two are the same configuration (then nothing is re-timed: the ratio is 1 by identity). */
  sameConfig: boolean;
  /** Per round: the sweep's best's seconds / the pick's seconds, measured back to back. */
  roundRatios: number[];
  /** Median of the per-round ratios (≥ TUNER_BAR: the pick is within 2 % of the sweep's best). */
  ratio: number;
  /** Distribution-free confidence interval of that median (medianInterval). */
  low: number;
  high: number;
  coverage: number;
  reachesBar: boolean;
}

/**
 * Re-times the tuner's pick and the sweep's best alternately (A, B, B, A, A, B, …: the order
 * flips each round, so neither always runs first), and compares them by the median of per-round
 * ratios, with its confidence interval. A sweep and a tuner run minutes apart see different
 * background load; paired rounds expose both to the same conditions.
 */
export async function confirmInterleaved<C>(
  tuned: C,
  swept: C,
  measure: (config: C) => Promise<number>,
  rounds = 9,
  same?: (a: C, b: C) => boolean,
): Promise<InterleavedComparison<C>> {
  const sameConfig = (same ?? ((a, b) => JSON.stringify(a) === JSON.stringify(b)))(tuned, swept);
  if (sameConfig) return { tuned, swept, sameConfig, roundRatios: [], ratio: 1, low: 1, high: 1, coverage: 1, reachesBar: true };
  const roundRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t: number;
    let s: number;
    if (r % 2 === 0) {
      t = await measure(tuned);
      s = await measure(swept);
    } else {
      s = await measure(swept);
      t = await measure(tuned);
    }
    roundRatios.push(s / t);
  }
  const ci = medianInterval(roundRatios);
  return { tuned, swept, sameConfig, roundRatios, ratio: ci.median, low: ci.low, high: ci.high, coverage: ci.coverage, reachesBar: ci.median >= TUNER_BAR };
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
    return {
      offerPick: false,
      speedup: null,
      reason: `the pick was re-timed against the default in ${rounds} round(s); at least ${MIN_CONFIRM_ROUNDS} are needed to judge`,
    };
  }
  const pick = median(input.pickSeconds);
  const base = median(input.defaultSeconds);
  if (!(pick > 0 && Number.isFinite(pick) && base > 0 && Number.isFinite(base)))
    return { offerPick: false, speedup: null, reason: 'the re-timing gave no usable times' };
  const speedup = base / pick;
  const times = `median ${(pick * 1e3).toPrecision(3)} ms against the default's ${(base * 1e3).toPrecision(3)} ms over ${rounds} alternate rounds`;
  return pick < base
    ? { offerPick: true, speedup, reason: `it beat the default re-timed alternately: ${times}` }
    : { offerPick: false, speedup, reason: `re-timed alternately it was not faster than the default: ${times}` };
}

/** Times `a` and `b` alternately (a, b, a, b, …), one sample each per round. */
export async function retimeAlternately<C>(
  a: C,
  b: C,
  measure: (config: C) => Promise<number>,
  rounds: number,
): Promise<{ aSeconds: number[]; bSeconds: number[] }> {
  const aSeconds: number[] = [];
  const bSeconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    aSeconds.push(await measure(a));
    bSeconds.push(await measure(b));
  }
  return { aSeconds, bSeconds };
}
