// The one zustand store. Components read it through selectors; the worker client writes results.
import { create } from 'zustand';
import { defaultExperiment, validateSweep } from '../kernels/experiment';
import { findFamily, findVariant } from '../kernels/registry';
import { coerceParam, defaultParams, problemsFor } from '../kernels/schema';
import type { Experiment, ExperimentResult, FamilyId, ParamValue, SweepSpec } from '../kernels/types';
import type { ProgressInfo, SweepPoint } from '../kernels/types';
import type { GpuStatus } from '../workers/protocol';
import type { SavedRun } from './runFile';
import { DEFAULT_CLASSROOM, type Classroom } from './classroom';
import type { Snapshot } from './snapshot';
import type { StudyId, StudyRecord, StudyRequest, StudyResult } from '../kernels/study';

/** One study's place in the store (src/kernels/study.ts): its latest result and what it remembered. */
export interface StudySlot<I extends StudyId> {
  /** The last request sent, null before any. */
  request: StudyRequest<I> | null;
  /** The latest result: partial while `running`, else the last final one (or the last partial of a cancelled run). */
  result: StudyResult<I> | null;
  final: boolean;
  running: boolean;
  /** What the study remembered on this adapter (IndexedDB), by record key. */
  records: Record<string, StudyRecord<I>>;
}

export type StudySlots = { [I in StudyId]?: StudySlot<I> };

export interface Job {
  id: number;
  kind: 'single' | 'sweep' | 'study' | 'edit-run' | 'check' | 'judge';
  /** The study this job runs (kind 'study'). */
  study?: StudyId;
  backend: 'webgpu' | 'cpu';
  progress: ProgressInfo | null;
  cancelling: boolean;
}

export interface RunError {
  message: string;
  problems?: string[];
}

export interface LabState {
  experiment: Experiment;
  /** null while the worker is still probing for WebGPU. */
  gpu: GpuStatus | null;
  /** Whether the page itself sees navigator.gpu (it can differ from the worker). */
  pageHasWebGpu: boolean;
  job: Job | null;
  result: ExperimentResult | null;
  sweepPoints: SweepPoint[];
  /** The experiment the sweep points belong to. */
  sweepExperiment: Experiment | null;
  error: RunError | null;
  notice: string | null;
  /** Problems found in the link the page was opened with. */
  linkProblems: string[];
  /** Saved runs, newest first (mirrors IndexedDB). */
  history: SavedRun[];
  /** Why history cannot be read or written, if it cannot. */
  historyError: string | null;
  view: 'results' | 'history' | 'compare';
  classroom: Classroom;
  /** Results the sender of the link measured on their device, if the link carried them. */
  snapshot: Snapshot | null;
  /** Every study's latest result and remembered records, by study id (state/studies.ts). */
  studies: StudySlots;

  setExperiment(experiment: Experiment): void;
  setFamily(family: FamilyId): void;
  setVariant(variant: string): void;
  setParam(key: string, raw: string | boolean): string | null;
  setSeed(seed: number): void;
  setReps(reps: number): void;
  setSweep(sweep: SweepSpec | undefined): void;
}

export const useLab = create<LabState>()((set, get) => ({
  experiment: defaultExperiment(),
  gpu: null,
  pageHasWebGpu: typeof navigator !== 'undefined' && 'gpu' in navigator,
  job: null,
  result: null,
  sweepPoints: [],
  sweepExperiment: null,
  error: null,
  notice: null,
  linkProblems: [],
  history: [],
  historyError: null,
  view: 'results',
  classroom: DEFAULT_CLASSROOM,
  snapshot: null,
  studies: {},

  setExperiment: (experiment) => set({ experiment }),
  setFamily: (family) => {
    if (!findFamily(family)) return;
    set({ experiment: { ...defaultExperiment(family), seed: get().experiment.seed, reps: get().experiment.reps } });
  },
  setVariant: (variantId) => {
    const { experiment } = get();
    const variant = findVariant(experiment.family, variantId);
    if (!variant) return;
    // Keep values of parameters the two variants share (the shape, typically).
    const params = defaultParams(variant.params);
    for (const def of variant.params) {
      if (def.key in experiment.params) {
        const kept = coerceParam(def, experiment.params[def.key]);
        if (!kept.problem) params[def.key] = kept.value;
      }
    }
    let sweep = experiment.sweep;
    if (sweep) sweep = validateSweep(variant, sweep).sweep;
    set({ experiment: { ...experiment, variant: variant.id, params, sweep } });
  },
  setParam: (key, raw) => {
    const { experiment } = get();
    const def = findVariant(experiment.family, experiment.variant)?.params.find((p) => p.key === key);
    if (!def) return `unknown parameter ${key}`;
    const { value, problem } = coerceParam(def, typeof raw === 'boolean' ? (raw ? '1' : '0') : raw);
    if (problem) return problem;
    set({ experiment: { ...experiment, params: { ...experiment.params, [key]: value as ParamValue } } });
    return null;
  },
  setSeed: (seed) => set({ experiment: { ...get().experiment, seed } }),
  setReps: (reps) => set({ experiment: { ...get().experiment, reps } }),
  setSweep: (sweep) => {
    const experiment = { ...get().experiment };
    if (sweep) experiment.sweep = sweep;
    else delete experiment.sweep;
    set({ experiment });
  },
}));

/** Reasons the current experiment cannot run on the current device (empty when it can). */
export function currentProblems(state: Pick<LabState, 'experiment' | 'gpu'>): string[] {
  const variant = findVariant(state.experiment.family, state.experiment.variant);
  if (!variant) return ['unknown variant'];
  if (!state.gpu || !state.gpu.available) return [];
  return problemsFor(variant, state.experiment.params, state.gpu.caps);
}
