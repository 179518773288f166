// Device-side glue for the tuner and the roofline, as plain functions the worker can call:
//  - regBlockGrid: the candidate configurations with, for each invalid one, the reasons in words;
//  - autotuneRegBlock: successive halving on the device within a budget, the pick re-checked
//    against float64 and compared with the default configuration;
//  - measureRoofs: the two roofs from the FMA and copy microbenchmarks (both checked).
import type { CancelToken } from '../../gpu/runner';
import { runPlan } from '../../gpu/runner';
import { runExperiment } from '../run';
import type { DeviceCaps, Experiment, ExperimentResult, Params } from '../types';
import type { Roofs } from './model';
import { REGBLOCK_DEFAULT, regBlockConfigOf, regblock, type RegBlockConfig } from './regblock';
import { barrierCost, barrierSecondsPerInvocation, copyBandwidth, fmaPeak } from './roofline';
import { confirmInterleaved, exhaustiveSweep, tune, type InterleavedComparison, type SweepResult, type TunerPoint, type TunerProgress, type TunerResult } from './tuner';
import { regBlockGrid, type GridAxes, type GridPoint } from './grid';

export { DEFAULT_GRID, QUICK_GRID, regBlockGrid, type GridAxes, type GridPoint } from './grid';

export function regBlockParams(shape: { M: number; N: number; K: number }, config: RegBlockConfig): Params {
  return { ...shape, ...config };
}

export interface AutotuneOptions {
  budgetSeconds: number;
  axes?: GridAxes;
  onProgress?: (p: TunerProgress<RegBlockConfig>) => void;
  cancel?: CancelToken;
  seed?: number;
}

export interface AutotuneResult {
  tuner: TunerResult<RegBlockConfig>;
  invalid: GridPoint[];
  /** The pick, run again with a float64 check (null if nothing could be measured). */
  tuned: ExperimentResult | null;
  /** The default configuration under the same conditions, for "how much better". */
  baseline: ExperimentResult | null;
  speedupOverDefault: number | null;
}

/** Seconds per run of one configuration (fastest of 3 samples): the runner's timing only, no float64 reference. */
export function regBlockMeasure(device: GPUDevice, caps: DeviceCaps, shape: { M: number; N: number; K: number }, seed = 1, cancel?: CancelToken) {
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

export async function autotuneRegBlock(
  device: GPUDevice,
  caps: DeviceCaps,
  shape: { M: number; N: number; K: number },
  options: AutotuneOptions,
): Promise<AutotuneResult> {
  const grid = regBlockGrid(shape, caps, options.axes);
  const valid = grid.filter((g) => g.problems.length === 0).map((g) => g.config);
  const invalid = grid.filter((g) => g.problems.length > 0);
  const measure = regBlockMeasure(device, caps, shape, options.seed, options.cancel);
  const tuner = await tune({
    grid: valid,
    measure,
    budgetSeconds: options.budgetSeconds,
    shuffleSeed: 1,
    onProgress: options.onProgress,
    cancelled: () => options.cancel?.cancelled === true,
  });
  let tuned: ExperimentResult | null = null;
  let baseline: ExperimentResult | null = null;
  if (tuner.best) {
    const run = (config: RegBlockConfig) => {
      const experiment: Experiment = { family: 'matmul', variant: 'regblock', params: regBlockParams(shape, config), seed: options.seed ?? 1, reps: 5 };
      return runExperiment(device, experiment, { caps, cancel: options.cancel });
    };
    tuned = await run(tuner.best.config);
    baseline = await run(REGBLOCK_DEFAULT);
  }
  return { tuner, invalid, tuned, baseline, speedupOverDefault: tuned && baseline ? baseline.medianSeconds / tuned.medianSeconds : null };
}

export interface TunerVersusSweep {
  tuned: AutotuneResult;
  sweep: SweepResult<RegBlockConfig>;
  /** The tuner's pick and the sweep's best re-timed alternately (the fair comparison). */
  confirmation: InterleavedComparison<RegBlockConfig> | null;
}

/**
 * Runs the tuner, then the exhaustive sweep of the same grid (3 samples per point), then re-times
 * the two winners alternately: what the lab shows as "tuner vs exhaustive sweep".
 */
export async function tuneAndSweep(
  device: GPUDevice,
  caps: DeviceCaps,
  shape: { M: number; N: number; K: number },
  options: AutotuneOptions & { onSweepPoint?: (p: TunerPoint<RegBlockConfig>, index: number) => void },
): Promise<TunerVersusSweep> {
  const tuned = await autotuneRegBlock(device, caps, shape, options);
  const measure = regBlockMeasure(device, caps, shape, options.seed, options.cancel);
  const valid = regBlockGrid(shape, caps, options.axes).filter((g) => g.problems.length === 0).map((g) => g.config);
  const sweep = await exhaustiveSweep(valid, measure, 3, options.onSweepPoint);
  const confirmation = tuned.tuner.best && sweep.best ? await confirmInterleaved(tuned.tuner.best.config, sweep.best.config, measure, 6) : null;
  return { tuned, sweep, confirmation };
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
  options: { fmaParams?: Params; copyParams?: Params; barrierParams?: Params; reps?: number; cancel?: CancelToken } = {},
): Promise<RoofMeasurement> {
  const fmaParams = options.fmaParams ?? { workgroups: 32, iters: 4096 };
  const copyParams = options.copyParams ?? { MiB: 32 };
  const reps = options.reps ?? 5;
  const fma = await runExperiment(device, { family: 'matmul', variant: fmaPeak.id, params: fmaParams, seed: 1, reps }, { caps, cancel: options.cancel });
  const copy = await runExperiment(device, { family: 'matmul', variant: copyBandwidth.id, params: copyParams, seed: 1, reps }, { caps, cancel: options.cancel });
  const barrierParams = options.barrierParams ?? { wg: 64, workgroups: 64, steps: 256 };
  const barrier = await runExperiment(device, { family: 'matmul', variant: barrierCost.id, params: barrierParams, seed: 1, reps }, { caps, cancel: options.cancel });
  for (const r of [fma, copy, barrier]) {
    if (r.metrics.boundViolations !== 0 || r.metrics.nonFinite !== 0) throw new Error(`${r.variantLabel} returned wrong values: its figure cannot be trusted`);
  }
  return {
    roofs: { peakGflops: fma.gflops, bandwidthGBs: copy.gbps, barrierSeconds: barrierSecondsPerInvocation(barrierParams, barrier.medianSeconds) },
    fma,
    copy,
    barrier,
  };
}

export { regBlockConfigOf };
