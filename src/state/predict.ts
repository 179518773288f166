// How long a run will take on this device, said before it starts. The prediction comes from the
// variant's work model (work(params): flops and bytes) and what this adapter measured before:
// every finished run leaves an observation (its size in work units, one kernel run's seconds,
// the float64 reference's seconds, the whole run's wall time), remembered per adapter and variant
// in localStorage. A new experiment is predicted from the observation of the same variant nearest
// in size, scaled linearly by work — which over-estimates a larger size (fixed costs scale too),
// the safe side for deciding whether to run a link at once. Without an observation of the variant,
// the family's observations on this adapter stand in, and without those a first guess for a slow
// software adapter does (the floor rates below), so a first visit never runs something huge by itself.
import { findVariant } from '../kernels/registry';
import { problemsFor } from '../kernels/schema';
import type { DeviceCaps, Experiment, WorkModel } from '../kernels/types';

/** Runs predicted under this start by themselves when their link is opened. */
export const AUTO_RUN_SECONDS = 2;
/** Runs predicted over this ask first. */
export const CONFIRM_SECONDS = 60;

/**
 * First-guess rates, in work units (flops + bytes) per second, for an adapter with no
 * observation: the slowest kernels seen on a software adapter on a busy two-core machine
 * (SwiftShader: 0.18 GFLOP/s for the naive 64³ matmul, 0.016 GFLOP/s for the tiled one, whose
 * barriers a CPU pays dearly), and JavaScript float64 loops on one busy core. A first guess errs
 * long, so that a first visit never runs something slow by itself.
 */
const FLOOR = { gpuUnitsPerSecond: 0.02e9, cpuUnitsPerSecond: 0.15e9, fixedSeconds: 0.4 };

export interface Observation {
  /** Work units: flops + bytes of the work model. */
  units: number;
  /** One kernel run (the median sample), seconds. */
  runSeconds: number;
  /** The CPU work after the timing (float64 reference, metrics), seconds. */
  referenceSeconds: number;
  /** The rest of the wall time: inputs, compilation, read-back. */
  fixedSeconds: number;
  at: number;
}

/** Observations of one adapter, by `${backend} ${family}/${variant}`. */
export type AdapterSpeeds = Record<string, Observation[]>;

export function workUnits(work: WorkModel): number {
  return Math.max(1, work.flops + work.bytes);
}

export function speedKey(experiment: Pick<Experiment, 'family' | 'variant'>, backend: 'webgpu' | 'cpu'): string {
  return `${backend} ${experiment.family}/${experiment.variant}`;
}

export interface PointPrediction {
  seconds: number;
  runSeconds: number;
  sampleSeconds: number;
  referenceSeconds: number;
  fixedSeconds: number;
  samples: number;
  memoryBytes: number;
}

export interface Prediction extends PointPrediction {
  backend: 'webgpu' | 'cpu';
  /** Points of a sweep that will run (1 for a single run). */
  points: number;
  /** Where the figures come from, in words. */
  basis: string;
  /** The observation was of this very variant on this adapter. */
  measured: boolean;
}

interface Scaled {
  runSeconds: number;
  referenceSeconds: number;
  fixedSeconds: number;
  basis: 'variant' | 'family' | 'guess';
}

function nearest(list: Observation[], units: number): Observation | undefined {
  let best: Observation | undefined;
  for (const o of list) if (!best || Math.abs(Math.log(o.units / units)) < Math.abs(Math.log(best.units / units))) best = o;
  return best;
}

function scaled(speeds: AdapterSpeeds, experiment: Experiment, backend: 'webgpu' | 'cpu', units: number): Scaled {
  const own = nearest(speeds[speedKey(experiment, backend)] ?? [], units);
  if (own) {
    // Linear in work (a larger run is over-estimated, a smaller one under-estimated by its fixed costs).
    const f = units / own.units;
    return { runSeconds: own.runSeconds * f, referenceSeconds: own.referenceSeconds * f, fixedSeconds: own.fixedSeconds, basis: 'variant' };
  }
  // The family's slowest rate on this adapter (a safe stand-in for one of its variants).
  const prefix = `${backend} ${experiment.family}/`;
  const family = Object.entries(speeds)
    .filter(([k]) => k.startsWith(prefix))
    .flatMap(([, list]) => list);
  if (family.length) {
    const run = Math.max(...family.map((o) => o.runSeconds / o.units));
    const ref = Math.max(...family.map((o) => o.referenceSeconds / o.units));
    return { runSeconds: run * units, referenceSeconds: ref * units, fixedSeconds: Math.max(...family.map((o) => o.fixedSeconds)), basis: 'family' };
  }
  const rate = backend === 'webgpu' ? FLOOR.gpuUnitsPerSecond : FLOOR.cpuUnitsPerSecond;
  return { runSeconds: units / rate, referenceSeconds: units / FLOOR.cpuUnitsPerSecond, fixedSeconds: FLOOR.fixedSeconds, basis: 'guess' };
}

/** The runner's aim for one timed sample (gpu/runner.ts), by clock. */
export function sampleTarget(caps: DeviceCaps | null): number {
  return caps?.features.includes('timestamp-query') ? 0.01 : 0.025;
}

/** Seconds for one experiment without a sweep. */
export function predictPoint(
  experiment: Experiment,
  backend: 'webgpu' | 'cpu',
  speeds: AdapterSpeeds,
  caps: DeviceCaps | null,
): PointPrediction & { basis: Scaled['basis'] } {
  const variant = findVariant(experiment.family, experiment.variant);
  const work = variant ? variant.work(experiment.params) : { flops: 0, bytes: 0 };
  const units = workUnits(work);
  const s = scaled(speeds, experiment, backend, units);
  // GPU: a warm-up run, a second run to size the samples (skipped when one run is long), then
  // `reps` samples of at least the runner's target each. CPU: at most three emulated runs.
  const sampleSeconds = backend === 'webgpu' ? Math.max(sampleTarget(caps), s.runSeconds) : s.runSeconds;
  const samples = backend === 'webgpu' ? experiment.reps : Math.min(experiment.reps, 3);
  const warmup = backend === 'webgpu' ? s.runSeconds * (s.runSeconds > 0.5 ? 1 : 2) : 0;
  const seconds = s.fixedSeconds + warmup + samples * sampleSeconds + s.referenceSeconds;
  // Inputs on the host and on the GPU, read-backs, and the float64 reference and its bound.
  const memoryBytes = 4 * work.bytes;
  return {
    seconds,
    runSeconds: s.runSeconds,
    sampleSeconds,
    referenceSeconds: s.referenceSeconds,
    fixedSeconds: s.fixedSeconds,
    samples,
    memoryBytes,
    basis: s.basis,
  };
}

const BASIS_TEXT = {
  variant: 'from earlier runs of this variant on this device',
  family: 'from earlier runs of this family on this device',
  guess: 'a first guess for a slow software adapter: nothing has run on this device yet',
} as const;

/** The whole experiment: a sweep is the sum of the points this device can run. */
export function predictExperiment(experiment: Experiment, backend: 'webgpu' | 'cpu', speeds: AdapterSpeeds, caps: DeviceCaps | null): Prediction {
  const variant = findVariant(experiment.family, experiment.variant);
  const points: Experiment[] = [];
  if (experiment.sweep && variant) {
    for (const value of experiment.sweep.values) {
      const point: Experiment = { ...experiment, params: { ...experiment.params, [experiment.sweep.param]: value } };
      delete point.sweep;
      if (caps && problemsFor(variant, point.params, caps).length) continue;
      points.push(point);
    }
  } else points.push(experiment);
  const each = points.map((p) => predictPoint(p, backend, speeds, caps));
  const sum = (f: (p: PointPrediction) => number) => each.reduce((a, p) => a + f(p), 0);
  const worst = each.some((p) => p.basis === 'guess') ? 'guess' : each.some((p) => p.basis === 'family') ? 'family' : 'variant';
  return {
    backend,
    seconds: sum((p) => p.seconds),
    runSeconds: Math.max(0, ...each.map((p) => p.runSeconds)),
    sampleSeconds: Math.max(0, ...each.map((p) => p.sampleSeconds)),
    referenceSeconds: sum((p) => p.referenceSeconds),
    fixedSeconds: sum((p) => p.fixedSeconds),
    samples: sum((p) => p.samples),
    memoryBytes: Math.max(0, ...each.map((p) => p.memoryBytes)),
    points: points.length,
    basis: BASIS_TEXT[worst],
    measured: worst === 'variant',
  };
}

/** How much memory a run may take before it asks: a quarter of what the browser reports, else 1 GiB. */
export function memoryBudget(deviceMemoryGiB: number | undefined): number {
  return deviceMemoryGiB && Number.isFinite(deviceMemoryGiB) && deviceMemoryGiB > 0 ? (deviceMemoryGiB * 2 ** 30) / 4 : 2 ** 30;
}

/** Why this run should ask before it starts (empty: it need not). */
export function confirmationReasons(p: Prediction, memoryLimitBytes: number): string[] {
  const reasons: string[] = [];
  if (p.seconds > CONFIRM_SECONDS) reasons.push(`It is predicted to take about ${fmtDuration(p.seconds)} on this device (${p.basis}).`);
  // Only GPU work competes with the page for the (software) GPU; CPU work runs in a worker.
  if (p.backend === 'webgpu' && p.runSeconds > 2) {
    reasons.push(
      `One run of the kernel alone takes about ${fmtDuration(p.runSeconds)}; while the GPU works on it a software adapter may not repaint the page, and Cancel takes effect after the run in flight.`,
    );
  }
  if (p.memoryBytes > memoryLimitBytes) {
    reasons.push(
      `It needs about ${fmtBytes(p.memoryBytes)} of memory (inputs, GPU buffers, read-backs and the float64 reference), more than the ${fmtBytes(memoryLimitBytes)} this page allows itself without asking.`,
    );
  }
  return reasons;
}

/**
 * Seconds left, from the prediction corrected by what this run has shown so far: once samples
 * are timed, their pace replaces the predicted one (and scales the reference's share alike).
 */
export function remainingSeconds(
  p: Prediction,
  progress: { phase: string; samples?: { done: number; total: number }; point?: { done: number; total: number } } | null,
  marks: { startedAt: number; timingAt?: number; referenceAt?: number; pointAt?: number; pointsDone?: number },
  now: number,
): number {
  const elapsed = (now - marks.startedAt) / 1000;
  if (p.points > 1 && marks.pointsDone && marks.pointsDone > 0) {
    const pace = ((marks.pointAt ?? now) - marks.startedAt) / 1000 / marks.pointsDone;
    return Math.max(0, pace * (p.points - marks.pointsDone) - (now - (marks.pointAt ?? now)) / 1000);
  }
  if (p.points > 1) return Math.max(0, p.seconds - elapsed);
  let ratio = 1;
  const s = progress?.samples;
  if (s && s.done > 0 && marks.timingAt !== undefined && p.sampleSeconds > 0) {
    const pace = (now - marks.timingAt) / 1000 / s.done;
    ratio = Math.min(10, Math.max(0.1, pace / p.sampleSeconds));
    if (progress?.phase === 'timing') return pace * (s.total - s.done) + p.referenceSeconds * ratio;
  }
  if (progress?.phase === 'reference' && marks.referenceAt !== undefined) return Math.max(0, p.referenceSeconds * ratio - (now - marks.referenceAt) / 1000);
  if (progress?.phase === 'metrics') return 0;
  return Math.max(0, p.seconds - elapsed);
}

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${Math.max(0.1, Math.round(seconds * 10) / 10).toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function fmtBytes(bytes: number): string {
  if (bytes < 2 ** 30) return `${Math.round(bytes / 2 ** 20)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

// ---- memory of observations, per adapter (localStorage: small, synchronous, and untrusted on read) ----

const STORAGE_KEY = 'kernel-lab-speeds-v1';
const MAX_PER_KEY = 8;
const MAX_KEYS = 400;

function isObservation(o: unknown): o is Observation {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  const pos = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e15;
  return pos(r.units) && (r.units as number) > 0 && pos(r.runSeconds) && pos(r.referenceSeconds) && pos(r.fixedSeconds) && pos(r.at);
}

/** Reads what a storage holds for an adapter; anything malformed is dropped, never trusted. */
export function readSpeeds(storage: Pick<Storage, 'getItem'> | null, adapter: string): AdapterSpeeds {
  try {
    const all = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as unknown;
    const mine = typeof all === 'object' && all !== null ? (all as Record<string, unknown>)[adapter] : undefined;
    if (typeof mine !== 'object' || mine === null) return {};
    const out: AdapterSpeeds = {};
    for (const [key, list] of Object.entries(mine).slice(0, MAX_KEYS)) {
      if (key.length > 200 || !Array.isArray(list)) continue;
      const kept = list.slice(-MAX_PER_KEY).filter(isObservation);
      if (kept.length) out[key] = kept;
    }
    return out;
  } catch {
    return {};
  }
}

/** Adds an observation (replacing one of about the same size) and writes it back. */
export function rememberSpeed(storage: Pick<Storage, 'getItem' | 'setItem'> | null, adapter: string, key: string, o: Observation): AdapterSpeeds {
  const speeds = readSpeeds(storage, adapter);
  const list = (speeds[key] ?? []).filter((x) => Math.abs(Math.log(x.units / o.units)) > 0.1);
  speeds[key] = [...list, o].slice(-MAX_PER_KEY);
  try {
    const all = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>;
    const next = typeof all === 'object' && all !== null && !Array.isArray(all) ? all : {};
    next[adapter] = speeds;
    storage?.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused: predictions fall back to first guesses; nothing else depends on it.
  }
  return speeds;
}
