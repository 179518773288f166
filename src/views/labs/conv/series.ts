// Runs a list of conv experiments one after another through the app's own run path (the worker,
// the store, History), so the lab can set methods side by side "in the same run": same inputs
// (same seed), same device, back to back. Each step selects its experiment, runs it, and waits
// for the job to end; a configuration this device cannot run is listed with its reason instead.
// Cancel (the app's Cancel button or Esc) stops the series after the current step. When the
// series ends, the experiment the user had selected is restored.
import { create } from 'zustand';
import { findVariant } from '../../../kernels/registry';
import { coerceParam, defaultParams, problemsFor } from '../../../kernels/schema';
import type { DeviceCaps, Experiment, ExperimentResult, Params } from '../../../kernels/types';
import { runCurrent } from '../../../state/labClient';
import { useLab } from '../../../state/store';

export type SeriesKind = 'methods' | 'kernel' | 'length';

export interface SeriesRow {
  variant: string;
  label: string;
  /** The swept value (kernel size or sequence length), if any. */
  value?: number;
  result?: ExperimentResult;
  /** Why this step did not run (a device limit, a refusal) or the error it hit. */
  error?: string;
}

interface SeriesState {
  kind: SeriesKind | null;
  running: boolean;
  /** Steps in order; filled in as they finish. */
  rows: SeriesRow[];
  total: number;
  stopped: string | null;
  /** The shape the series ran on, in words. */
  shape: string;
}

export const useConvSeries = create<SeriesState>()(() => ({ kind: null, running: false, rows: [], total: 0, stopped: null, shape: '' }));

/** The experiment of `variant` with the values of `from` that it shares (as picking a variant keeps the shape). */
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

function sameExperiment(a: Experiment, b: Experiment): boolean {
  return a.variant === b.variant && a.seed === b.seed && JSON.stringify(a.params) === JSON.stringify(b.params);
}

/** Resolves when the store has no job. */
function jobEnded(): Promise<void> {
  return new Promise((resolve) => {
    if (!useLab.getState().job) return resolve();
    const stop = useLab.subscribe((s) => {
      if (!s.job) {
        stop();
        resolve();
      }
    });
  });
}

export interface SeriesStep {
  experiment: Experiment;
  label: string;
  value?: number;
}

export async function runSeries(kind: SeriesKind, steps: SeriesStep[], caps: DeviceCaps, shape: string): Promise<void> {
  const lab = useLab.getState();
  if (lab.job || useConvSeries.getState().running) return;
  const original = lab.experiment;
  useConvSeries.setState({ kind, running: true, rows: [], total: steps.length, stopped: null, shape });
  const push = (row: SeriesRow) => useConvSeries.setState((s) => ({ rows: [...s.rows, row] }));
  try {
    for (const step of steps) {
      const { experiment } = step;
      const base = { variant: experiment.variant, label: step.label, ...(step.value !== undefined ? { value: step.value } : {}) };
      const variant = findVariant(experiment.family, experiment.variant);
      const problems = variant ? problemsFor(variant, experiment.params, caps) : ['unknown variant'];
      if (problems.length) {
        push({ ...base, error: problems.join('; ') });
        continue;
      }
      useLab.getState().setExperiment(experiment);
      runCurrent('webgpu');
      await jobEnded();
      const after = useLab.getState();
      if (after.result && sameExperiment(after.result.experiment, experiment)) {
        push({ ...base, result: after.result });
      } else if (after.error) {
        push({ ...base, error: [after.error.message, ...(after.error.problems ?? [])].join(': ') });
      } else {
        useConvSeries.setState({ stopped: after.notice ?? 'The series was stopped.' });
        break;
      }
    }
  } finally {
    useLab.getState().setExperiment(original);
    useConvSeries.setState({ running: false });
  }
}
