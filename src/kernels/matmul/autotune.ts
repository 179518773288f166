// Device-side glue for the tuner and the roofline, as plain functions the studies call:
//  - candidateRunner: times candidates cheaply (each compiled and prepared once, timing.ts);
//  - autotune: the noise-aware successive halving of tuner.ts on the device within a budget,
//    over the candidates of grid.ts (three register-blocked kernels, pruned by the device's
//    features and limits before timing) with the default as the anchor; the pick is re-checked
//    against float64 and offered only when it passed and beat the default over the finals'
//    paired rounds (tuner.ts, decideTuned);
//  - sweepAndCompare: the exhaustive sweep of the same candidates and the pick re-timed
//    alternately against its best, with a confidence interval (the yardstick of the tuner);
//  - measureRoofs: the two roofs and the barrier cost from their microbenchmarks (all checked).
import type { CancelToken } from '../../gpu/runner';
import { CancelledError } from '../../gpu/runner';
import type { Inputs } from '../define';
import { runExperiment } from '../run';
import type { AdapterDescription, DeviceCaps, Experiment, ExperimentResult, Params } from '../types';
import type { Roofs } from './model';
import { barrierCost, barrierSecondsPerInvocation, copyBandwidth, fmaPeak } from './roofline';
import { preparePlan, type PreparedPlan } from './timing';
import {
  confirmInterleaved,
  decideTuned,
  exhaustiveSweep,
  MIN_CONFIRM_ROUNDS,
  medianInterval,
  retimeAlternately,
  SWEEP_RUNS_PER_SAMPLE,
  tune,
  type InterleavedComparison,
  type MedianInterval,
  type SweepResult,
  type TunerDecision,
  type TunerPoint,
  type TunerProgress,
  type TunerResult,
} from './tuner';
import { candidateKey, sameCandidate, TUNE_DEFAULT, TUNED_VARIANTS, tuneCandidates, type InvalidCandidate, type TuneCandidate } from './grid';

export { DEFAULT_GRID, QUICK_GRID, regBlockGrid, tuneCandidates, TUNE_DEFAULT, type GridAxes, type GridPoint, type TuneCandidate } from './grid';

type Shape = { M: number; N: number; K: number };

/** Interleaved rounds of the finals: the pick and the default paired in each (odd, for a clean median). */
export const CONFIRM_ROUNDS = 5;

/** The variant object of a candidate. */
export function variantOf(c: TuneCandidate) {
  const v = TUNED_VARIANTS.find((x) => x.id === c.variant);
  if (!v) throw new Error(`unknown tuned variant "${c.variant}"`);
  return v;
}

export const candidateParams = (shape: Shape, c: TuneCandidate): Params => ({ ...shape, ...c.config });

export interface CandidateRunner {
  /** Seconds per run of the candidate (one sample; compiled and prepared on first use). */
  measure(c: TuneCandidate): Promise<number>;
  /** The fastest of n samples taken back to back. */
  bestOf(c: TuneCandidate, n: number): Promise<number>;
  dispose(): void;
}

/**
 * Times candidates on one shape: each is prepared once (buffers, pipeline, a first untimed run)
 * and every later sample is one submission (timing.ts). At most `keep` candidates stay prepared
 * (the least recently used is released; its compiled pipeline stays cached).
 */
export function candidateRunner(device: GPUDevice, caps: DeviceCaps, shape: Shape, seed = 1, cancel?: CancelToken, keep = 24): CandidateRunner {
  const inputs = new Map<string, Inputs>();
  const prepared = new Map<string, Promise<PreparedPlan>>();
  const prepare = async (c: TuneCandidate): Promise<PreparedPlan> => {
    const variant = variantOf(c);
    const params = candidateParams(shape, c);
    const problems = [...(variant.unavailableReason?.(caps) ? [variant.unavailableReason(caps)!] : []), ...variant.checkLimits(params, caps)];
    if (problems.length) throw new Error(problems.join('; '));
    // Every variant makes the same seeded A and B (regblock-bt adds Bᵀ): one set per variant.
    let own = inputs.get(c.variant);
    if (!own) {
      own = variant.makeInputs(params, seed);
      inputs.set(c.variant, own);
    }
    return preparePlan(device, variant.plan(params, own, caps));
  };
  const runner: CandidateRunner = {
    async bestOf(c, n) {
      let best = Infinity;
      for (let i = 0; i < Math.max(1, n); i++) best = Math.min(best, await runner.measure(c));
      return best;
    },
    async measure(c) {
      if (cancel?.cancelled) throw new CancelledError();
      const key = candidateKey(c);
      let p = prepared.get(key);
      if (p)
        prepared.delete(key); // re-inserted below: most recently used last
      else {
        p = prepare(c);
        p.catch(() => prepared.delete(key));
      }
      prepared.set(key, p);
      while (prepared.size > keep) {
        const [oldest, plan] = prepared.entries().next().value!;
        prepared.delete(oldest);
        plan.then(
          (x) => x.destroy(),
          () => {},
        );
      }
      return (await p).sample();
    },
    dispose() {
      for (const p of prepared.values())
        p.then(
          (x) => x.destroy(),
          () => {},
        );
      prepared.clear();
    },
  };
  return runner;
}

export interface AutotuneOptions {
  budgetSeconds: number;
  /** The candidates: the quick or full grid of grid.ts, or a list (pruned for this device all the same). */
  grid?: 'quick' | 'full' | TuneCandidate[];
  onProgress?: (p: TunerProgress<TuneCandidate>) => void;
  /** Called when the search is over and the pick is being checked. */
  onPhase?: (phase: 'checking' | 'confirming') => void;
  cancel?: CancelToken;
  seed?: number;
  /** The device's description, recorded in the checked runs' provenance. */
  adapter?: AdapterDescription | null;
  confirmRounds?: number;
}

export interface AutotuneResult {
  tuner: TunerResult<TuneCandidate>;
  invalid: InvalidCandidate[];
  /** The pick, run again with a float64 check (null if nothing could be measured). */
  tuned: ExperimentResult | null;
  /** The default configuration, run with a float64 check, for "how much better". */
  baseline: ExperimentResult | null;
  /** The pick and the default in the same rounds (the finals' paired samples, or a re-timing). */
  confirmation: { pickSeconds: number[]; defaultSeconds: number[] } | null;
  decision: TunerDecision | null;
  /** What the tuner offers: the pick if it passed and beat the default, else the default. */
  offered: TuneCandidate | null;
  speedupOverDefault: number | null;
  /** Per round, the default's seconds / the pick's: median and its confidence interval. */
  speedupInterval: MedianInterval | null;
}

/** The pick's and the anchor's samples in the finals' rounds where both were measured. */
function pairedFinals(tuner: TunerResult<TuneCandidate>, pick: TunerPoint<TuneCandidate>): { pickSeconds: number[]; defaultSeconds: number[] } | null {
  const { points, rounds } = tuner.finals;
  const i = points.indexOf(pick);
  const j = tuner.anchor ? points.indexOf(tuner.anchor) : -1;
  if (i < 0 || j < 0) return null;
  const pickSeconds: number[] = [];
  const defaultSeconds: number[] = [];
  for (const r of rounds) {
    if (Number.isFinite(r[i]) && Number.isFinite(r[j])) {
      pickSeconds.push(r[i]);
      defaultSeconds.push(r[j]);
    }
  }
  return { pickSeconds, defaultSeconds };
}

/**
 * A static guess of a candidate's cost, from its traffic facet: bytes loaded into registers per
 * flop, plus a charge per barrier-invocation (each counted as one flop's worth of loads). On a CPU
 * adapter loads and barriers cost instructions, so this orders the screening well there; on a
 * GPU, where a budget covers every candidate, the order does not matter. It only orders.
 */
export function screeningPrior(shape: Shape, c: TuneCandidate): number {
  const t = variantOf(c).traffic?.(candidateParams(shape, c));
  if (!t) return Infinity;
  return (t.registerLoadBytes + (t.invocationBarriers ?? 0) * 4) / t.flops;
}

export async function autotune(device: GPUDevice, caps: DeviceCaps, shape: Shape, options: AutotuneOptions): Promise<AutotuneResult> {
  const { candidates, invalid } = tuneCandidates(shape, caps, options.grid ?? 'quick');
  const runner = candidateRunner(device, caps, shape, options.seed, options.cancel);
  try {
    const anchor = candidates.findIndex((c) => sameCandidate(c, TUNE_DEFAULT));
    const tuner = await tune({
      grid: candidates,
      measure: runner.measure,
      budgetSeconds: options.budgetSeconds,
      anchor: anchor >= 0 ? anchor : undefined,
      finalists: 4,
      finalRounds: options.confirmRounds ?? CONFIRM_ROUNDS,
      // Time left when the search converges goes to more paired rounds of the finals.
      maxFinalRounds: 3 * (options.confirmRounds ?? CONFIRM_ROUNDS),
      onProgress: options.onProgress,
      cancelled: () => options.cancel?.cancelled === true,
      shuffleSeed: options.seed ?? 1,
      prior: candidates.map((c) => screeningPrior(shape, c)),
    });
    if (!tuner.best)
      return {
        tuner,
        invalid,
        tuned: null,
        baseline: null,
        confirmation: null,
        decision: null,
        offered: null,
        speedupOverDefault: null,
        speedupInterval: null,
      };
    const confirmation = sameCandidate(tuner.best.config, TUNE_DEFAULT) ? null : pairedFinals(tuner, tuner.best);
    return { tuner, invalid, ...(await judgePick(device, caps, shape, tuner.best.config, { ...options, confirmation, runner })) };
  } finally {
    runner.dispose();
  }
}

export type Judgement = Omit<AutotuneResult, 'tuner' | 'invalid'>;

/**
 * Whether to offer `pick` over the default: both run with the float64 check; a pick that passed
 * is compared with the default over paired rounds — the finals' (`confirmation`), or, without
 * enough of them, a fresh alternate re-timing — and decideTuned rules (tuner.ts).
 */
export async function judgePick(
  device: GPUDevice,
  caps: DeviceCaps,
  shape: Shape,
  pick: TuneCandidate,
  options: Pick<AutotuneOptions, 'onPhase' | 'cancel' | 'seed' | 'adapter' | 'confirmRounds'> & {
    confirmation?: { pickSeconds: number[]; defaultSeconds: number[] } | null;
    runner?: CandidateRunner;
  } = {},
): Promise<Judgement> {
  const run = (c: TuneCandidate) => {
    const experiment: Experiment = { family: 'matmul', variant: c.variant, params: candidateParams(shape, c), seed: options.seed ?? 1, reps: 3 };
    return runExperiment(device, experiment, { caps, adapter: options.adapter ?? null, cancel: options.cancel });
  };
  options.onPhase?.('checking');
  const baseline = await run(TUNE_DEFAULT);
  const pickIsDefault = sameCandidate(pick, TUNE_DEFAULT);
  const tuned = pickIsDefault ? baseline : await run(pick);
  const pickPassedCheck = (tuned.metrics.boundViolations ?? 0) === 0 && tuned.metrics.nonFinite === 0;
  let confirmation: Judgement['confirmation'] = null;
  if (!pickIsDefault && pickPassedCheck) {
    confirmation = options.confirmation ?? null;
    // Finals cut short by the budget (fewer paired rounds than a decision needs): re-time afresh.
    if (!confirmation || confirmation.pickSeconds.length < MIN_CONFIRM_ROUNDS) {
      options.onPhase?.('confirming');
      const runner = options.runner ?? candidateRunner(device, caps, shape, options.seed, options.cancel);
      try {
        const { aSeconds, bSeconds } = await retimeAlternately(pick, TUNE_DEFAULT, runner.measure, options.confirmRounds ?? CONFIRM_ROUNDS);
        confirmation = { pickSeconds: aSeconds, defaultSeconds: bSeconds };
      } finally {
        if (!options.runner) runner.dispose();
      }
    }
  }
  const decision = decideTuned({
    pickIsDefault,
    pickPassedCheck,
    pickSeconds: confirmation?.pickSeconds ?? [],
    defaultSeconds: confirmation?.defaultSeconds ?? [],
  });
  const speedupInterval = confirmation ? medianInterval(confirmation.defaultSeconds.map((d, i) => d / confirmation!.pickSeconds[i])) : null;
  return { tuned, baseline, confirmation, decision, offered: decision.offerPick ? pick : TUNE_DEFAULT, speedupOverDefault: decision.speedup, speedupInterval };
}

export interface SweepComparison {
  sweep: SweepResult<TuneCandidate>;
  /** The offered candidate re-timed alternately against the sweep's best (null if the sweep measured nothing). */
  comparison: InterleavedComparison<TuneCandidate> | null;
}

/**
 * The exhaustive sweep of the same candidates (`rounds` interleaved rounds each, ranked by
 * median), then `offered` re-timed alternately against the sweep's best over `confirmRounds`
 * paired rounds: the ratio (sweep best's seconds / offered's) with its confidence interval.
 * Every sample of this judgement (sweep and re-timing alike) is the fastest of `runsPerSample`
 * runs back to back (default 3): outside load lengthens a run and never shortens it, so on a
 * shared machine the minimum of a few runs is the steadier measure of a kernel's own time
 * (single 512³ runs on the 2-core software adapter vary by ±30 % between rounds).
 */
export async function sweepAndCompare(
  device: GPUDevice,
  caps: DeviceCaps,
  shape: Shape,
  candidates: TuneCandidate[],
  offered: TuneCandidate,
  options: {
    rounds?: number;
    confirmRounds?: number;
    runsPerSample?: number;
    seed?: number;
    cancel?: CancelToken;
    onPoint?: (p: TunerPoint<TuneCandidate>, measured: number) => void;
  } = {},
): Promise<SweepComparison> {
  const runner = candidateRunner(device, caps, shape, options.seed, options.cancel, candidates.length + 1);
  const runs = options.runsPerSample ?? SWEEP_RUNS_PER_SAMPLE;
  const measure = (c: TuneCandidate) => runner.bestOf(c, runs);
  try {
    const sweep = await exhaustiveSweep(candidates, measure, {
      rounds: options.rounds ?? 3,
      onPoint: options.onPoint,
      cancelled: () => options.cancel?.cancelled === true,
    });
    const comparison = sweep.best ? await confirmInterleaved(offered, sweep.best.config, measure, options.confirmRounds ?? 9, sameCandidate) : null;
    return { sweep, comparison };
  } finally {
    runner.dispose();
  }
}

export interface RoofMeasurement {
  roofs: Roofs;
  fma: ExperimentResult;
  copy: ExperimentResult;
  barrier: ExperimentResult;
}

/**
 * Both roofs and the barrier cost, each from a checked run (FMA against its float64 recurrence,
 * copy bit-exact, barrier counts exact).
 */
export async function measureRoofs(
  device: GPUDevice,
  caps: DeviceCaps,
  options: {
    fmaParams?: Params;
    copyParams?: Params;
    barrierParams?: Params;
    reps?: number;
    cancel?: CancelToken;
    adapter?: AdapterDescription | null;
    /** Called after each of the three runs. */
    onRun?: (run: ExperimentResult, index: number) => void;
  } = {},
): Promise<RoofMeasurement> {
  const reps = options.reps ?? 5;
  const barrierParams = options.barrierParams ?? { wg: 64, workgroups: 64, steps: 256 };
  const plan: [string, Params][] = [
    [fmaPeak.id, options.fmaParams ?? { workgroups: 32, iters: 4096 }],
    [copyBandwidth.id, options.copyParams ?? { MiB: 32 }],
    [barrierCost.id, barrierParams],
  ];
  const runs: ExperimentResult[] = [];
  for (const [variant, params] of plan) {
    const r = await runExperiment(
      device,
      { family: 'matmul', variant, params, seed: 1, reps },
      { caps, adapter: options.adapter ?? null, cancel: options.cancel },
    );
    if (r.metrics.boundViolations !== 0 || r.metrics.nonFinite !== 0) throw new Error(`${r.variantLabel} returned wrong values: its figure cannot be trusted`);
    runs.push(r);
    options.onRun?.(r, runs.length - 1);
  }
  const [fma, copy, barrier] = runs;
  return {
    roofs: { peakGflops: fma.gflops, bandwidthGBs: copy.gbps, barrierSeconds: barrierSecondsPerInvocation(barrierParams, barrier.medianSeconds) },
    fma,
    copy,
    barrier,
  };
}
