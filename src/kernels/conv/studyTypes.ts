// The conv family's study as plain data: a series of runs the lab sets side by side — every
// method at one shape, or every method against kernel size or sequence length — run in the
// worker one after another on the same seeded inputs (studies.ts).
import type { Experiment, ExperimentResult } from '../types';

export type ConvSeriesKind = 'methods' | 'kernel' | 'length';

export interface ConvSeriesRequest {
  kind: ConvSeriesKind;
  /** The experiment whose shape (and seed, reps) the series starts from. */
  experiment: Experiment;
}

export interface ConvSeriesRow {
  variant: string;
  label: string;
  /** The swept value (kernel size or sequence length), if any. */
  value?: number;
  result?: ExperimentResult;
  /** Why this step did not run (a device limit, a refusal) or the error it hit. */
  error?: string;
}

export interface ConvSeriesResult {
  kind: ConvSeriesKind;
  /** The shape the series ran on, in words. */
  shape: string;
  total: number;
  rows: ConvSeriesRow[];
}

export interface ConvStudies {
  'conv-series': { request: ConvSeriesRequest; result: ConvSeriesResult; record: never };
}
