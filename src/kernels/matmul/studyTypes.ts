// The matmul family's studies as plain data: what the page sends, what the worker streams back,
// and what the page remembers per adapter. The studies themselves are in studies.ts.
import type { ExperimentResult, Params } from '../types';
import type { AccumulationPoint } from './accumulation';
import type { F16Accumulator } from './f16';
import type { TuneCandidate, TunedVariantId } from './grid';
import type { MedianInterval, TunerDecision } from './tuner';

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

/** One candidate the tuner measured. */
export interface TunedPoint extends TuneCandidate {
  /** The median of its samples. */
  seconds: number;
  samples: number;
  error?: string;
}

export type TunePhase = 'searching' | 'checking' | 'confirming' | 'sweeping' | 'done';

export interface TuneSummary {
  shape: Shape;
  grid: 'quick' | 'full';
  budgetSeconds: number;
  phase: TunePhase;
  /** Candidates the device can run (the default among them). */
  validCount: number;
  /** Candidates pruned before timing: the device's features or limits, in words. */
  invalid: { candidate: TuneCandidate; problems: string[] }[];
  /** Every candidate measured so far (the heatmap shows them all). */
  points: TunedPoint[];
  /** The search's pick (lowest median in the finals). */
  best: (TuneCandidate & { seconds: number }) | null;
  measurements: number;
  planned: number;
  rounds: number;
  elapsedSeconds: number;
  stoppedBy: 'converged' | 'budget' | 'cancelled' | null;
  unmeasured: number;
  /** The pick run again with the float64 check, and the default configuration beside it. */
  tuned: ExperimentResult | null;
  baseline: ExperimentResult | null;
  /** The pick and the default in the same rounds (seconds per round). */
  confirmation: { pickSeconds: number[]; defaultSeconds: number[] } | null;
  /** Whether the pick is offered, and why (tuner.ts, decideTuned). */
  decision: TunerDecision | null;
  /** The candidate offered: the pick if it passed and beat the default, else the default. */
  offered: TuneCandidate | null;
  speedupOverDefault: number | null;
  /** The default's seconds / the pick's, per paired round: median and confidence interval. */
  speedupInterval: MedianInterval | null;
  sweep?: {
    best: (TuneCandidate & { seconds: number }) | null;
    elapsedSeconds: number;
    /** Interleaved rounds of the sweep (every candidate once per round). */
    rounds: number;
    points: TunedPoint[];
    /** The offered candidate is the sweep's best itself (ratio 1, nothing re-timed). */
    sameConfig: boolean;
    /** Sweep best's seconds / the offered's, median of paired rounds, with its interval (TUNER_BAR is the bar). */
    ratio: number;
    low: number;
    high: number;
    coverage: number;
    confirmRounds: number;
    reachesBar: boolean;
    measurements: number;
  };
  totalSeconds?: number;
  adapter: string;
  date: string;
}

/** What the tuner remembers per adapter and shape: the configuration it offers. */
export interface TunedRecord extends AdapterRecord {
  shape: Shape;
  /** The variant offered; absent in records kept when the tuner searched the register-blocked kernel only. */
  variant?: TunedVariantId;
  config: Params;
  /** The offered configuration's GFLOP/s: from the paired rounds where there were some, else its float64-checked run. */
  gflops: number;
  /** The pick passed its check and beat the default; false: the default stays. */
  beatDefault: boolean;
  speedupOverDefault: number | null;
  reason: string;
  /** Whether it reached TUNER_BAR of an exhaustive sweep's best (null: no sweep was run). */
  reachesBarOfSweep: boolean | null;
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
