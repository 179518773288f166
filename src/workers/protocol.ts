// Messages between the page and the lab worker. Plain data only (structured clone).
import type { AdapterDescription, DeviceCaps, Experiment, ExperimentResult } from '../kernels/types';
import type { ProgressInfo, SweepPoint } from '../kernels/run';
import type { RegBlockConfig } from '../kernels/matmul/regblock';

export interface TuneRequest {
  shape: { M: number; N: number; K: number };
  budgetSeconds: number;
  grid: 'quick' | 'full';
  /** Also measure every point of the same grid, to judge the tuner's pick. */
  exhaustive: boolean;
}

export interface TunedConfig {
  config: RegBlockConfig;
  seconds: number;
}

export interface TuneSummary {
  shape: { M: number; N: number; K: number };
  grid: 'quick' | 'full';
  budgetSeconds: number;
  validCount: number;
  invalid: { config: RegBlockConfig; problems: string[] }[];
  best: TunedConfig | null;
  measurements: number;
  rounds: number;
  elapsedSeconds: number;
  stoppedBy: 'converged' | 'budget' | 'cancelled';
  unmeasured: number;
  /** The pick run again with the float64 check, and the default configuration beside it. */
  tuned: ExperimentResult | null;
  baseline: ExperimentResult | null;
  speedupOverDefault: number | null;
  sweep?: {
    best: TunedConfig | null;
    elapsedSeconds: number;
    points: { config: RegBlockConfig; seconds: number; error?: string }[];
    /** Sweep best seconds / seconds of the tuner's pick in the sweep (≥ 0.95 is the bar). */
    ratio: number;
    withinFivePercent: boolean;
    measurements: number;
  };
  totalSeconds?: number;
  adapter: string;
  date: string;
}

export interface RoofsSummary {
  peakGflops: number;
  bandwidthGBs: number;
  /** Seconds per workgroup barrier per invocation. */
  barrierSeconds?: number;
  fma: ExperimentResult;
  copy: ExperimentResult;
  adapter: string;
  date: string;
}

export type ToWorker =
  /** `base`: the page's base URL, against which files of public/ are fetched. */
  | { type: 'init'; base?: string }
  | { type: 'tune'; id: number; request: TuneRequest }
  | { type: 'roofs'; id: number }
  | { type: 'run'; id: number; experiment: Experiment; backend: 'webgpu' | 'cpu' }
  /** Several experiments in one job, in order (e.g. a structure and the dense kernel of each shape, alternating); each answers as a 'point' with value = its index. */
  | { type: 'batch'; id: number; experiments: Experiment[] }
  | { type: 'cancel'; id: number };

export type GpuStatus =
  | { available: true; adapter: AdapterDescription; caps: DeviceCaps }
  | { available: false; step: string; reason: string };

export type FromWorker =
  | { type: 'ready'; gpu: GpuStatus }
  | { type: 'progress'; id: number; progress: ProgressInfo }
  | { type: 'point'; id: number; index: number; point: SweepPoint }
  | { type: 'result'; id: number; result: ExperimentResult }
  | { type: 'tune-result'; id: number; summary: TuneSummary }
  | { type: 'roofs-result'; id: number; roofs: RoofsSummary }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string; problems?: string[] }
  | { type: 'cancelled'; id: number }
  | { type: 'device-lost'; message: string };
