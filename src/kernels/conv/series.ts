// The steps of a conv series: the same experiment for each method of the family (2-D or 1-D,
// from the conv facet), at the kernel sizes or sequence lengths swept. Each step keeps the values
// it shares with the experiment, as picking a variant does.
import { findFamily, findVariant } from '../registry';
import { coerceParam, defaultParams } from '../schema';
import type { Experiment, Params } from '../types';
import { convFacetOf } from './facet';
import type { ConvSeriesKind } from './studyTypes';

/** Kernel sizes and sequence lengths the series run (small enough for a software adapter). */
export const SERIES_KERNELS = [1, 3, 5, 7];
export const SERIES_LENGTHS = [64, 256, 1024, 4096];
/** Repetitions per point (at most the experiment's own). */
export const SERIES_REPS = 3;

export interface SeriesStep {
  experiment: Experiment;
  label: string;
  value?: number;
}

/** `variant`'s experiment with the values of `from` (or `overrides`) it shares; null for an unknown variant. */
export function experimentFor(variant: string, from: Experiment, overrides: Params = {}): Experiment | null {
  const v = findVariant(from.family, variant);
  if (!v) return null;
  const params = defaultParams(v.params);
  for (const def of v.params) {
    const raw = def.key in overrides ? overrides[def.key] : from.params[def.key];
    if (raw === undefined) continue;
    const kept = coerceParam(def, raw);
    if (!kept.problem) params[def.key] = kept.value;
  }
  return { family: from.family, variant, params, seed: from.seed, reps: from.reps };
}

export function seriesSteps(kind: ConvSeriesKind, experiment: Experiment): SeriesStep[] {
  const dims = convFacetOf(findVariant(experiment.family, experiment.variant))?.dims ?? '2d';
  const methods = (findFamily('conv')?.variants ?? []).filter((v) => convFacetOf(v)?.dims === dims);
  const from = { ...experiment, reps: Math.min(experiment.reps, SERIES_REPS) };
  const steps: SeriesStep[] = [];
  const add = (id: string, label: string, overrides: Params, value?: number) => {
    const e = experimentFor(id, from, overrides);
    if (e) steps.push({ experiment: e, label, ...(value !== undefined ? { value } : {}) });
  };
  if (kind === 'methods') for (const v of methods) add(v.id, v.label, {});
  if (kind === 'kernel' && dims === '2d') {
    const dilation = typeof experiment.params.dilation === 'number' ? experiment.params.dilation : 1;
    // "Same" padding, so the output keeps its size as the kernel grows.
    for (const k of SERIES_KERNELS) for (const v of methods) add(v.id, v.label, { kernel: k, pad: ((k - 1) / 2) * dilation }, k);
  }
  if (kind === 'length' && dims === '1d') for (const n of SERIES_LENGTHS) for (const v of methods) add(v.id, v.label, { length: n, fft: 0 }, n);
  return steps;
}
