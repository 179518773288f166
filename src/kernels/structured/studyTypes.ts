// The structured family's study as plain data: the comparison of a structure with its baseline
// over the values of one parameter (studies.ts runs it in the worker).
import type { Experiment, ExperimentResult } from '../types';

export interface CompareRequest {
  /** The structure's experiment; `param` takes each of `values` in turn. */
  experiment: Experiment;
  param: string;
  values: number[];
}

export interface CompareResult {
  request: CompareRequest;
  /** One entry per experiment of the plan (baseline, structure, baseline, …), filled as they finish. */
  runs: ({ result?: ExperimentResult; error?: string } | null)[];
  /** The swept value of each run, and whether it is the baseline. */
  roles: { x: number; baseline: boolean }[];
}

export interface StructuredStudies {
  'structured-compare': { request: CompareRequest; result: CompareResult; record: never };
}
