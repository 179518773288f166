// Device-side glue for the tuner and the roofline, as plain functions the studies call:
//  - regBlockGrid: the candidate configurations with, for each invalid one, the reasons in words;
//  - autotuneRegBlock: successive halving on the device within a budget, over the grid and the
//    default; the pick is re-checked against float64 and re-timed alternately against the default,
//    and offered only when it passed and was faster (tuner.ts, decideTuned);
//  - measureRoofs: the two roofs and the barrier cost from their microbenchmarks (all checked).
import type { CancelToken } from '../../gpu/runner';
import { runPlan } from '../../gpu/runner';
import { runExperiment } from '../run';
import type { AdapterDescription, DeviceCaps, Experiment, ExperimentResult, Params } from '../types';
import type { Roofs } from './model';
import { REGBLOCK_DEFAULT, regblock, type RegBlockConfig } from './regblock';
import { barrierCost, barrierSecondsPerInvocation, copyBandwidth, fmaPeak } from './roofline';
import { decideTuned, retimeAlternately, shuffled, tune, type TunerDecision, type TunerProgress, type TunerResult } from './tuner';
import { regBlockGrid, type GridAxes, type GridPoint } from './grid';

export { DEFAULT_GRID, QUICK_GRID, regBlockGrid, type GridAxes, type GridPoint } from './grid';

type Shape = { M: number; N: number; K: number };

export function regBlockParams(shape: Shape, config: RegBlockConfig): Params {
  return { ...shape, ...config };
}

const sameConfig = (a: RegBlockConfig, b: RegBlockConfig) => (Object.keys(REGBLOCK_DEFAULT) as (keyof RegBlockConfig)[]).every((k) => a[k] === b[k]);

/** Alternate re-timing rounds of the pick against the default (odd, for a clean median). */
export const CONFIRM_ROUNDS = 5;

export interface AutotuneOptions {
  budgetSeconds: number;
  axes?: GridAxes;
  onProgress?: (p: TunerProgress<RegBlockConfig>) => void;
  /** Called when the search is over and the pick is being checked, then re-timed. */
  onPhase?: (phase: 'checking' | 'confirming') => void;
  cancel?: CancelToken;
  seed?: number;
  /** The device's description, recorded in the checked runs' provenance. */
  adapter?: AdapterDescription | null;
  confirmRounds?: number;
}

export interface AutotuneResult {
  tuner: TunerResult<RegBlockConfig>;
  invalid: GridPoint[];
  /** The pick, run again with a float64 check (null if nothing could be measured). */
  tuned: ExperimentResult | null;
  /** The default configuration, run with a float64 check, for "how much better". */
  baseline: ExperimentResult | null;
  /** The pick and the default re-timed alternately (null when the pick is the default or failed its check). */
  confirmation: { pickSeconds: number[]; defaultSeconds: number[] } | null;
  decision: TunerDecision | null;
  /** What the tuner offers: the pick if it passed and beat the default, else the default. */
  offered: RegBlockConfig | null;
  speedupOverDefault: number | null;
}

/** Seconds per run of one configuration (fastest of 3 samples): the runner's timing only, no float64 reference. */
export function regBlockMeasure(device: GPUDevice, caps: DeviceCaps, shape: Shape, seed = 1, cancel?: CancelToken) {
  const params0 = regBlockParams(shape, REGBLOCK_DEFAULT);
  const inputs = regblock.makeInputs(params0, seed);
  return async (config: RegBlockConfig): Promise<number> => {
    const params = regBlockParams(shape, config);
    const problems = regblock.checkLimits(params, caps);
    if (problems.length) throw new Error(problems.join('; '));
    const run = await runPlan(device, regblock.plan(params, inputs, caps), { reps: 3, targetSampleSeconds: 0.005, cancel });
    // The fastest sample: interference from other work only ever adds time (see tuner.ts).
    return Math.min(...run.seconds);
  };
}

/** The search's candidates: the default first (always a candidate, always measured), then the valid grid, shuffled. */
export function tunerCandidates(shape: Shape, caps: DeviceCaps, axes?: GridAxes): { candidates: RegBlockConfig[]; invalid: GridPoint[] } {
  const grid = regBlockGrid(shape, caps, axes);
  const valid = grid.filter((g) => g.problems.length === 0 && !sameConfig(g.config, REGBLOCK_DEFAULT)).map((g) => g.config);
  const defaultRuns = regblock.checkLimits(regBlockParams(shape, REGBLOCK_DEFAULT), caps).length === 0;
  return { candidates: [...(defaultRuns ? [REGBLOCK_DEFAULT] : []), ...shuffled(valid, 1)], invalid: grid.filter((g) => g.problems.length > 0) };
}

export async function autotuneRegBlock(device: GPUDevice, caps: DeviceCaps, shape: Shape, options: AutotuneOptions): Promise<AutotuneResult> {
  const { candidates, invalid } = tunerCandidates(shape, caps, options.axes);
  const measure = regBlockMeasure(device, caps, shape, options.seed, options.cancel);
  const tuner = await tune({
    grid: candidates,
    measure,
    budgetSeconds: options.budgetSeconds,
    onProgress: options.onProgress,
    cancelled: () => options.cancel?.cancelled === true,
  });
  if (!tuner.best) return { tuner, invalid, tuned: null, baseline: null, confirmation: null, decision: null, offered: null, speedupOverDefault: null };
  return { tuner, invalid, ...(await judgePick(device, caps, shape, tuner.best.config, options)) };
}

export type Judgement = Omit<AutotuneResult, 'tuner' | 'invalid'>;

/**
 * Whether to offer `pick` over the default: both run with the float64 check; a pick that passed
 * is re-timed alternately against the default; decideTuned rules (tuner.ts).
 */
export async function judgePick(
  device: GPUDevice,
  caps: DeviceCaps,
  shape: Shape,
  pick: RegBlockConfig,
  options: Pick<AutotuneOptions, 'onPhase' | 'cancel' | 'seed' | 'adapter' | 'confirmRounds'> = {},
): Promise<Judgement> {
  const measure = regBlockMeasure(device, caps, shape, options.seed, options.cancel);
  const run = (config: RegBlockConfig) => {
    const experiment: Experiment = { family: 'matmul', variant: regblock.id, params: regBlockParams(shape, config), seed: options.seed ?? 1, reps: 5 };
    return runExperiment(device, experiment, { caps, adapter: options.adapter ?? null, cancel: options.cancel });
  };
  options.onPhase?.('checking');
  const baseline = await run(REGBLOCK_DEFAULT);
  const pickIsDefault = sameConfig(pick, REGBLOCK_DEFAULT);
  const tuned = pickIsDefault ? baseline : await run(pick);
  const pickPassedCheck = (tuned.metrics.boundViolations ?? 0) === 0 && tuned.metrics.nonFinite === 0;
  let confirmation: AutotuneResult['confirmation'] = null;
  if (!pickIsDefault && pickPassedCheck) {
    options.onPhase?.('confirming');
    const { aSeconds, bSeconds } = await retimeAlternately(pick, REGBLOCK_DEFAULT, measure, options.confirmRounds ?? CONFIRM_ROUNDS);
    confirmation = { pickSeconds: aSeconds, defaultSeconds: bSeconds };
  }
  const decision = decideTuned({ pickIsDefault, pickPassedCheck, pickSeconds: confirmation?.pickSeconds ?? [], defaultSeconds: confirmation?.defaultSeconds ?? [] });
  return { tuned, baseline, confirmation, decision, offered: decision.offerPick ? pick : REGBLOCK_DEFAULT, speedupOverDefault: decision.speedup };
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
    const r = await runExperiment(device, { family: 'matmul', variant, params, seed: 1, reps }, { caps, adapter: options.adapter ?? null, cancel: options.cancel });
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
