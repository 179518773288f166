// The matmul family's studies as plain data: what the page sends, what the worker streams back,
// and what the page remembers per adapter. The studies themselves are in studies.ts.
import type { ExperimentResult } from '../types';
import type { AccumulationPoint } from './accumulation';
import type { F16Accumulator } from './f16';
import type { RegBlockConfig } from './regblock';
import type { TunerDecision } from './tuner';

type Shape = { M: number; N: number; K: number };

/** Every remembered record says which adapter it was measured on, and when. */
interface AdapterRecord {
  adapter: string;
  date: string;
}

// ---- the autotuner -------------------------------------------------------------------------------

export interface TuneRequest {
  shape: Shape;
  budgetSeconds: number;
  grid: 'quick' | 'full';
  /** Also measure every point of the same grid, to judge the tuner's pick. */
  exhaustive: boolean;
}

/** One configuration the tuner measured. */
export interface TunedPoint {
  config: RegBlockConfig;
  /** Its best time so far (the search's statistic). */
  seconds: number;
  samples: number;
  error?: string;
}

export type TunePhase = 'searching' | 'checking' | 'confirming' | 'sweeping' | 'done';

export interface TuneSummary {
  /** The variant tuned (its id). */
  variant: string;
  shape: Shape;
  grid: 'quick' | 'full';
  budgetSeconds: number;
  phase: TunePhase;
  /** Candidates: the valid grid and the default. */
  validCount: number;
  invalid: { config: RegBlockConfig; problems: string[] }[];
  /** Every configuration measured so far (the heatmap shows them all). */
  points: TunedPoint[];
  /** The search's pick (fastest among the last survivors). */
  best: { config: RegBlockConfig; seconds: number } | null;
  measurements: number;
  planned: number;
  rounds: number;
  elapsedSeconds: number;
  stoppedBy: 'converged' | 'budget' | 'cancelled' | null;
  unmeasured: number;
  /** The pick run again with the float64 check, and the default configuration beside it. */
  tuned: ExperimentResult | null;
  baseline: ExperimentResult | null;
  /** The pick and the default re-timed alternately (seconds per round). */
  confirmation: { pickSeconds: number[]; defaultSeconds: number[] } | null;
  /** Whether the pick is offered, and why (tuner.ts, decideTuned). */
  decision: TunerDecision | null;
  /** The configuration offered: the pick if it passed and beat the default, else the default. */
  offered: RegBlockConfig | null;
  speedupOverDefault: number | null;
  sweep?: {
    best: { config: RegBlockConfig; seconds: number } | null;
    elapsedSeconds: number;
    points: { config: RegBlockConfig; seconds: number; error?: string }[];
    /** Sweep best seconds / seconds of the tuner's pick, re-timed alternately (≥ 0.95 is the bar). */
    ratio: number;
    withinFivePercent: boolean;
    measurements: number;
  };
  totalSeconds?: number;
  adapter: string;
  date: string;
}

/** What the tuner remembers per adapter and shape: the configuration it offers. */
export interface TunedRecord extends AdapterRecord {
  shape: Shape;
  config: RegBlockConfig;
  /** The offered configuration's GFLOP/s: from the alternate re-timing where there was one, else its float64-checked run. */
  gflops: number;
  /** The pick passed its check and beat the default; false: the default stays. */
  beatDefault: boolean;
  speedupOverDefault: number | null;
  reason: string;
  withinFivePercentOfSweep: boolean | null;
}

// ---- the roofs -----------------------------------------------------------------------------------

export interface RoofsSummary {
  /** Null until measured (partial results arrive after each microbenchmark). */
  peakGflops: number | null;
  bandwidthGBs: number | null;
  /** Seconds per workgroup barrier per invocation. */
  barrierSeconds: number | null;
  fma: ExperimentResult | null;
  copy: ExperimentResult | null;
  barrier: ExperimentResult | null;
  adapter: string;
  date: string;
}

export interface RoofsRecord extends AdapterRecord {
  peakGflops: number;
  bandwidthGBs: number;
  barrierSeconds?: number;
}

// ---- the accumulator-precision study --------------------------------------------------------------

export interface AccumulationRequest {
  seed: number;
  /** Also run both f16 variants on the GPU at every K (needs shader-f16). */
  gpu: boolean;
}

/** One f16 variant's run on the GPU, as a point of the chart. */
export interface GpuAccumulationPoint {
  acc: F16Accumulator;
  K: number;
  relError: number;
}

export interface AccumulationStudyResult {
  seed: number;
  M: number;
  N: number;
  /** The K values of the study; `points` fills in one K at a time. */
  Ks: number[];
  /** Exact CPU emulation of both accumulators on the same f16 inputs. */
  points: AccumulationPoint[];
  gpu: GpuAccumulationPoint[];
  /** The f16 variants' GPU runs, each checked against float64 (added to the history). */
  runs: ExperimentResult[];
}

export interface MatmulStudies {
  'matmul-tune': { request: TuneRequest; result: TuneSummary; record: TunedRecord };
  'matmul-roofs': { request: Record<string, never>; result: RoofsSummary; record: RoofsRecord };
  'matmul-accumulation': { request: AccumulationRequest; result: AccumulationStudyResult; record: never };
}
