// runExperiment: one Experiment in, one ExperimentResult out. The same function serves the
// worker, the Node benchmark and the tests.
import { computeMetrics, errorHeatmap, summarize, type ErrorMetrics } from '../numerics/metrics';
import { CancelledError, runPlan, wallClockResolution, type CancelToken } from '../gpu/runner';
import { variantOf } from './experiment';
import { coerceParams, problemsFor } from './schema';
import type {
  AdapterDescription,
  DeviceCaps,
  Experiment,
  ExperimentResult,
  HostArray,
  KernelVariant,
  ProgressInfo,
  Provenance,
  ReferenceResult,
  RepeatCheck,
  SweepPoint,
} from './types';
export type { ProgressInfo, ProgressPhase, SweepPoint } from './types';

export const APP_VERSION = '0.1.0';

export type AssetLoader = (path: string) => Promise<Uint8Array>;

async function loadAssets(variant: KernelVariant, params: Experiment['params'], loader?: AssetLoader): Promise<Record<string, Uint8Array> | undefined> {
  const paths = variant.assets?.(params) ?? [];
  if (paths.length === 0) return undefined;
  if (!loader) throw new ConfigurationError([`${variant.label} needs ${paths.join(', ')}, and nothing here can load files`]);
  const assets: Record<string, Uint8Array> = {};
  for (const path of paths) {
    try {
      assets[path] = await loader(path);
    } catch (e) {
      throw new ConfigurationError([`could not load ${path}: ${e instanceof Error ? e.message : String(e)}`]);
    }
  }
  return assets;
}

/**
 * Where a run's CPU work happens: the float64 reference and the float32 emulation, synchronous
 * numerics that can take seconds. Cancel must be honoured there too without ending the worker that
 * owns the GPU device, so runs go through this interface: IN_THREAD (the default: the bench, the
 * tests) computes here after yielding a macrotask, so a Cancel message that arrived meanwhile is
 * seen before and after; the lab worker passes one that computes in a child worker it ends when
 * Cancel arrives (workers/cpuWork.ts), so the lab worker's own event loop stays free throughout.
 */
export interface CpuWork {
  reference(variant: KernelVariant, experiment: Experiment, inputs: Record<string, HostArray>): Promise<ReferenceResult>;
  /** One emulated run and its wall time (performance.now() around it). */
  emulate(variant: KernelVariant, experiment: Experiment, inputs: Record<string, HostArray>): Promise<{ output: Float32Array; seconds: number }>;
}

/** A macrotask (not a microtask): lets messages queued for this thread, such as a Cancel, run first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export const IN_THREAD: CpuWork = {
  async reference(variant, experiment, inputs) {
    await yieldToEventLoop();
    return variant.reference(experiment.params, inputs);
  },
  async emulate(variant, experiment, inputs) {
    await yieldToEventLoop();
    if (!variant.emulate) throw new ConfigurationError([`${variant.label} has no CPU emulation`]);
    const t0 = performance.now();
    const output = variant.emulate(experiment.params, inputs);
    return { output, seconds: (performance.now() - t0) / 1000 };
  },
};

export interface RunOptions {
  caps: DeviceCaps;
  adapter?: AdapterDescription | null;
  userAgent?: string;
  cancel?: CancelToken;
  onProgress?: (p: ProgressInfo) => void;
  /** Loads a file of public/ by its path relative to the app's base (see KernelVariant.assets). */
  loadAsset?: AssetLoader;
  /** Where the reference and the emulation run (IN_THREAD when absent). */
  cpu?: CpuWork;
  /** Override timing targets (tests use short ones). */
  targetSampleSeconds?: number;
  useTimestamps?: boolean;
}

/** The configuration breaks a device limit or needs a missing feature. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigurationError';
  }
}

/** A kernel never runs with a parameter its own schema rejects. */
function checkParams(variant: KernelVariant, experiment: Experiment): void {
  const { problems } = coerceParams(variant.params, experiment.params);
  if (problems.length) throw new ConfigurationError(problems);
}

export async function runExperiment(device: GPUDevice, experiment: Experiment, options: RunOptions): Promise<ExperimentResult> {
  return runVariant(device, variantOf(experiment), experiment, options);
}

/**
 * runExperiment for a variant object that need not be in the registry (an edited kernel, an
 * exercise's harness, a test's deliberately broken variant): the same checks, timing and verdict.
 */
export async function runVariant(device: GPUDevice, variant: KernelVariant, experiment: Experiment, options: RunOptions): Promise<ExperimentResult> {
  checkParams(variant, experiment);
  const problems = problemsFor(variant, experiment.params, options.caps);
  if (problems.length) throw new ConfigurationError(problems);
  const progress = options.onProgress ?? (() => {});
  const checkCancel = () => {
    if (options.cancel?.cancelled) throw new CancelledError();
  };

  progress({ phase: 'inputs', fraction: 0, message: 'generating seeded inputs' });
  const assets = await loadAssets(variant, experiment.params, options.loadAsset);
  const inputs = variant.makeInputs(experiment.params, experiment.seed, assets);
  checkCancel();
  const plan = variant.plan(experiment.params, inputs, options.caps);
  const run = await runPlan(device, plan, {
    reps: experiment.reps,
    cancel: options.cancel,
    targetSampleSeconds: options.targetSampleSeconds,
    useTimestamps: options.useTimestamps,
    onProgress: (phase, done, total) => {
      const base = phase === 'compile' ? 0.02 : phase === 'warmup' ? 0.05 : 0.1;
      const span = phase === 'timing' ? 0.6 : 0.03;
      const message = phase === 'timing' ? `timing: sample ${done} of ${total}` : `${phase} ${done}/${total}`;
      progress({ phase, fraction: base + span * (total ? done / total : 0), message, ...(phase === 'timing' ? { samples: { done, total } } : {}) });
    },
  });
  checkCancel();
  progress({ phase: 'reference', fraction: 0.72, message: 'float64 reference on the CPU' });
  const ref = await (options.cpu ?? IN_THREAD).reference(variant, experiment, inputs);
  checkCancel();
  progress({ phase: 'metrics', fraction: 0.95, message: 'error metrics' });
  await yieldToEventLoop();
  checkCancel();
  const provenance: Provenance = {
    backend: 'webgpu',
    userAgent: options.userAgent ?? (typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown'),
    adapter: options.adapter ?? null,
    featuresUsed: featuresUsed(
      plan.dispatches.map((d) => d.wgsl),
      run.timing.method === 'timestamp-query',
    ),
    timing: run.timing.method,
    date: new Date().toISOString(),
    appVersion: APP_VERSION,
  };
  return assemble(
    variant,
    experiment,
    inputs,
    run.output,
    ref,
    run.seconds,
    run.timing,
    plan.dispatches.map((d) => ({ label: d.label, source: d.wgsl })),
    provenance,
    run.lastOutput,
  );
}

/** Elements whose bits differ between two outputs of the same length. */
function differingElements(a: HostArray, b: HostArray): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

const violations = (m: ErrorMetrics) => m.boundViolations ?? 0;

/** The CPU path for machines without WebGPU: float32 emulation in JavaScript, labelled as such. */
export async function runExperimentCpu(
  experiment: Experiment,
  options: { cancel?: CancelToken; onProgress?: (p: ProgressInfo) => void; userAgent?: string; loadAsset?: AssetLoader; cpu?: CpuWork } = {},
): Promise<ExperimentResult> {
  const variant = variantOf(experiment);
  checkParams(variant, experiment);
  if (!variant.emulate)
    throw new ConfigurationError([`${variant.label} has no CPU emulation (${variant.noEmulationReason ?? 'not written'}); it needs WebGPU`]);
  const progress = options.onProgress ?? (() => {});
  progress({ phase: 'inputs', fraction: 0, message: 'generating seeded inputs' });
  const inputs = variant.makeInputs(experiment.params, experiment.seed, await loadAssets(variant, experiment.params, options.loadAsset));
  const cpu = options.cpu ?? IN_THREAD;
  const checkCancel = () => {
    if (options.cancel?.cancelled) throw new CancelledError();
  };
  const seconds: number[] = [];
  let output: Float32Array = new Float32Array(0);
  const reps = Math.min(experiment.reps, 3);
  for (let r = 0; r < reps; r++) {
    checkCancel();
    progress({ phase: 'timing', fraction: 0.1 + (0.6 * r) / reps, message: `CPU run ${r + 1} of ${reps}`, samples: { done: r, total: reps } });
    const run = await cpu.emulate(variant, experiment, inputs);
    output = run.output;
    seconds.push(run.seconds);
  }
  checkCancel();
  progress({ phase: 'reference', fraction: 0.72, message: 'float64 reference on the CPU' });
  const ref = await cpu.reference(variant, experiment, inputs);
  checkCancel();
  progress({ phase: 'metrics', fraction: 0.95, message: 'error metrics' });
  await yieldToEventLoop();
  checkCancel();
  const provenance: Provenance = {
    backend: 'cpu',
    userAgent: options.userAgent ?? (typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown'),
    adapter: null,
    featuresUsed: [],
    timing: 'cpu-wall-clock',
    date: new Date().toISOString(),
    appVersion: APP_VERSION,
  };
  // performance.now() around JavaScript: its step is the resolution the times are printed to.
  const timing = {
    method: 'wall-clock' as const,
    resolutionSeconds: wallClockResolution(),
    runsPerSample: 1,
    note: 'performance.now() around the JavaScript emulation',
  };
  return assemble(variant, { ...experiment, reps }, inputs, output, ref, seconds, timing, [], provenance);
}

function assemble(
  variant: KernelVariant,
  experiment: Experiment,
  inputs: Record<string, HostArray>,
  output: HostArray,
  ref: ReturnType<KernelVariant['reference']>,
  seconds: number[],
  timing: ExperimentResult['timing'],
  wgsl: ExperimentResult['wgsl'],
  provenance: Provenance,
  lastOutput: HostArray | null = null,
): ExperimentResult {
  const firstMetrics = computeMetrics(output, ref.values, ref.bound);
  let metrics = firstMetrics;
  let shown = output;
  let repeatCheck: RepeatCheck | undefined;
  if (lastOutput) {
    const differing = differingElements(output, lastOutput);
    const lastMetrics = differing === 0 ? firstMetrics : computeMetrics(lastOutput, ref.values, ref.bound);
    repeatCheck = { differing, metrics: lastMetrics };
    if (
      differing > 0 &&
      (violations(lastMetrics) > violations(firstMetrics) || lastMetrics.nonFinite > firstMetrics.nonFinite || !(lastMetrics.maxAbs <= firstMetrics.maxAbs))
    ) {
      // Report the worse of the two runs; say why when the repeated run broke a bound the first met.
      metrics = lastMetrics;
      shown = lastOutput;
      if (violations(lastMetrics) > 0 && violations(firstMetrics) === 0) {
        repeatCheck.failure =
          `right on the first run, wrong after ${experiment.reps > 1 ? 'repeated' : 'a repeated'} runs: the last timed run's output breaks the bound at ` +
          `${violations(lastMetrics)} of ${lastMetrics.count} elements (a missing reset between runs, or a race)`;
      }
    }
  }
  const stats = summarize(seconds);
  const work = variant.work(experiment.params);
  const extras = variant.extras?.(experiment.params, inputs, output, ref);
  return {
    experiment,
    variantLabel: variant.label,
    shape: variant.shapeLabel(experiment.params),
    seconds,
    medianSeconds: stats.median,
    spread: { min: stats.min, max: stats.max, q1: stats.q1, q3: stats.q3 },
    gflops: work.flops / stats.median / 1e9,
    gbps: work.bytes / stats.median / 1e9,
    work,
    timing,
    metrics,
    ...(repeatCheck ? { repeatCheck } : {}),
    boundNote: repeatCheck?.failure ? `${repeatCheck.failure}. ${ref.boundNote ?? ''}`.trim() : ref.boundNote,
    heatmap: errorHeatmap(shown, ref.values, ref.rows, ref.cols),
    wgsl,
    provenance,
    ...(extras ? { extras } : {}),
  };
}

/** The API feature behind a WGSL `enable` extension (f16 → shader-f16, snake_case → kebab-case). */
function apiFeatureName(extension: string): string {
  return extension === 'f16' ? 'shader-f16' : extension.replace(/_/g, '-');
}

function featuresUsed(sources: string[], timestamps: boolean): string[] {
  const used = new Set<string>();
  for (const s of sources) {
    for (const m of s.matchAll(/^\s*enable\s+([\w, ]+);/gm)) for (const f of m[1].split(',')) used.add(apiFeatureName(f.trim()));
  }
  if (timestamps) used.add('timestamp-query');
  return [...used].sort();
}

/** Runs the experiment once per sweep value, reporting each point as soon as it is done. */
export async function runSweep(
  device: GPUDevice | null,
  experiment: Experiment,
  options: RunOptions & { onPoint?: (point: SweepPoint, index: number) => void },
): Promise<SweepPoint[]> {
  const sweep = experiment.sweep;
  if (!sweep) throw new Error('experiment has no sweep');
  const points: SweepPoint[] = [];
  for (let i = 0; i < sweep.values.length; i++) {
    if (options.cancel?.cancelled) throw new CancelledError();
    const value = sweep.values[i];
    const pointExperiment: Experiment = { ...experiment, params: { ...experiment.params, [sweep.param]: value } };
    delete pointExperiment.sweep;
    let point: SweepPoint;
    try {
      const onProgress = (p: ProgressInfo) =>
        options.onProgress?.({
          ...p,
          fraction: (i + p.fraction) / sweep.values.length,
          message: `point ${i + 1} of ${sweep.values.length}: ${p.message}`,
          point: { done: i, total: sweep.values.length },
        });
      const result = device
        ? await runExperiment(device, pointExperiment, { ...options, onProgress })
        : await runExperimentCpu(pointExperiment, { ...options, onProgress });
      point = { value, result };
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      point = { value, error: e instanceof Error ? e.message : String(e) };
    }
    points.push(point);
    options.onPoint?.(point, i);
  }
  return points;
}
