// The shapes every kernel variant and every experiment share. Plain data only: these types cross
// the worker boundary and the URL, so nothing here may hold a GPU object or a function's result
// that cannot be structured-cloned.

import type { DeviceCaps, GpuPlan, HostArray, TimingInfo, TimingMethod, AdapterDescription } from '../gpu/types';
import type { FamilyExtras } from './extras';
import type { Facets } from './facets';
import type { FamilyId, ParamDef, Params } from './vocabulary';
export type * from './vocabulary';
export type * from '../gpu/types';

export interface SweepSpec {
  param: string;
  values: number[];
}

/** A whole experiment: what the URL carries and what runExperiment takes. */
export interface Experiment {
  family: FamilyId;
  variant: string;
  params: Params;
  seed: number;
  /** Timed repetitions after warm-up. */
  reps: number;
  sweep?: SweepSpec;
}

export interface ReferenceResult {
  /** The truth, in float64. */
  values: Float64Array;
  /**
   * Per-element bound on |gpu − truth| that a correct kernel must meet, derived from the
   * arithmetic (e.g. γ_K·Σ|a·b| for a float32 dot product). Omit when no bound is derived.
   */
  bound?: Float64Array;
  /** How the bound was derived, in words, shown next to the result. */
  boundNote?: string;
  /** Layout of the output for the heatmap. */
  rows: number;
  cols: number;
}

export interface WorkModel {
  /** Floating-point (or integer) operations, counting a multiply-add as 2. */
  flops: number;
  /** Bytes that must cross memory at least once (compulsory traffic). */
  bytes: number;
}

/**
 * A variant as the rest of the app sees it: every function takes the (validated) parameters.
 * Variants are written with defineVariant (define.ts), which decodes the parameters once into a
 * typed configuration and builds this object from functions of that configuration.
 */
export interface KernelVariant extends Facets {
  family: FamilyId;
  id: string;
  label: string;
  /** One or two sentences for the picker. */
  summary: string;
  params: ParamDef[];
  /** Why the variant cannot run on this device (a missing feature), or null. */
  unavailableReason?(caps: DeviceCaps): string | null;
  /** Everything about these parameters that breaks this device's limits, in words. */
  checkLimits(params: Params, caps: DeviceCaps): string[];
  /**
   * Files from public/ these parameters need (e.g. a sample image), as paths relative to the
   * app's base URL. runExperiment loads them and hands them to makeInputs.
   */
  assets?(params: Params): string[];
  /** Seeded inputs; the same seed gives the same bits everywhere. */
  makeInputs(params: Params, seed: number, assets?: Record<string, Uint8Array>): Record<string, HostArray>;
  reference(params: Params, inputs: Record<string, HostArray>): ReferenceResult;
  /** A CPU float32 emulation for machines without WebGPU (labelled as CPU, never as GPU). */
  emulate?(params: Params, inputs: Record<string, HostArray>): Float32Array;
  /** Why there is no CPU emulation, where there is none (shown where Run on CPU is disabled). */
  noEmulationReason?: string;
  plan(params: Params, inputs: Record<string, HostArray>, caps: DeviceCaps): GpuPlan;
  work(params: Params): WorkModel;
  /** Human-readable shape, e.g. "512×512×512". */
  shapeLabel(params: Params): string;
  /**
   * Optional plain data for the family's own views (histograms, spy plots, dataflow…), computed
   * in the worker after the run. Must be structured-cloneable and reasonably small (< ~1 MB).
   */
  extras?(params: Params, inputs: Record<string, HostArray>, output: HostArray, ref: ReferenceResult): FamilyExtras;
}

export interface BenchCase {
  /** Shown in the table; defaults to the variant and its parameters. */
  label?: string;
  experiment: Experiment;
}

export interface FamilyDef {
  id: FamilyId;
  label: string;
  summary: string;
  variants: KernelVariant[];
  /** The family's default `npm run bench -- <family>` suite: under five minutes on 2 CPU cores. */
  benchSuite?(): BenchCase[];
}

// ---- Results -----------------------------------------------------------------------------------

export interface Provenance {
  backend: 'webgpu' | 'cpu';
  userAgent: string;
  adapter: AdapterDescription | null;
  featuresUsed: string[];
  timing: TimingMethod | 'cpu-wall-clock';
  date: string;
  appVersion: string;
}

export interface ExperimentResult {
  experiment: Experiment;
  variantLabel: string;
  shape: string;
  /** Seconds per run for each timed repetition. */
  seconds: number[];
  medianSeconds: number;
  spread: { min: number; max: number; q1: number; q3: number };
  gflops: number;
  gbps: number;
  work: WorkModel;
  timing: TimingInfo | null;
  /**
   * Error against float64. On the GPU both the first run's output and the last timed run's are
   * checked; these are the worse of the two (see repeatCheck).
   */
  metrics: import('../numerics/metrics').ErrorMetrics;
  /** The last timed run's output against the first's and against float64 (GPU runs only). */
  repeatCheck?: RepeatCheck;
  boundNote?: string;
  heatmap: { rows: number; cols: number; values: number[]; cellRows: number; cellCols: number };
  wgsl: { label: string; source: string }[];
  provenance: Provenance;
  /** What the variant's extras() returned, for the family's own views (read with extrasOf). */
  extras?: FamilyExtras;
  /** Set when the kernel was edited in the live editor (kernels/edited.ts). */
  edit?: EditInfo;
}

/** An edited run: which program ran, and how its time compared with the unedited kernel's in the same job. */
export interface EditInfo {
  /** SHA-256 of every dispatch's source in order, 12 hex digits (editHash). */
  hash: string;
  /** The dispatches whose source was edited. */
  dispatches: number[];
  /** Edited median time / unedited median time, measured one after the other in one job. */
  ratio?: number;
}

/** The output of the last timed run, checked like the first (a kernel right once and wrong when repeated fails). */
export interface RepeatCheck {
  /** Elements whose bits differ between the first and the last timed run (atomics may reorder sums). */
  differing: number;
  /** The last timed run's error against float64. */
  metrics: import('../numerics/metrics').ErrorMetrics;
  /** Set when the last timed run breaks the bound the first run met: what that means. */
  failure?: string;
}

// ---- Progress and sweeps (what the worker streams to the page) ---------------------------------

export type ProgressPhase = 'inputs' | 'compile' | 'warmup' | 'timing' | 'reference' | 'metrics' | 'tuning' | 'roofline';

export interface ProgressInfo {
  phase: ProgressPhase;
  /** 0…1 within the whole experiment (or sweep point). */
  fraction: number;
  message: string;
  /** Timed samples done of all (while timing). */
  samples?: { done: number; total: number };
  /** Sweep points done of all (sweeps only). */
  point?: { done: number; total: number };
}

export interface SweepPoint {
  value: number;
  result?: ExperimentResult;
  /** Why this point was not run (a device limit), or the error it hit. */
  error?: string;
}
