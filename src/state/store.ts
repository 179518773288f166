// The one zustand store. Components read it through selectors; the worker client writes results.
// Every update passes one gate (guarded, below): classroom locks hold on every path, and a result
// or sweep chart is shown only beside the experiment that made it.
import { create, type StateCreator } from 'zustand';
import { defaultExperiment, validateSweep } from '../kernels/experiment';
import { findFamily, findVariant } from '../kernels/registry';
import { coerceParam, defaultParams, problemsFor } from '../kernels/schema';
import type { Experiment, ExperimentResult, FamilyId, ParamValue, SweepSpec } from '../kernels/types';
import type { ProgressInfo, SweepPoint } from '../kernels/types';
import type { GpuStatus } from '../workers/protocol';
import type { SavedRun } from './runFile';
import { DEFAULT_CLASSROOM, type Classroom } from './classroom';
import type { Snapshot } from './snapshot';
import { guardExperiment } from './locks';
import type { AdapterSpeeds, Prediction } from './predict';
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
  /** performance.now() when it was sent to the worker. */
  startedAt?: number;
  /** What it was predicted to take, shown before and while it runs. */
  prediction?: Prediction;
  /** When phases began (page clock), for the time left and for the next prediction. */
  marks?: { startedAt: number; pointStartAt?: number; timingAt?: number; referenceAt?: number; metricsAt?: number; pointAt?: number; pointsDone?: number };
}

/** A run that asks before it starts (predicted to take minutes, or much memory). */
export interface PendingRun {
  backend: 'webgpu' | 'cpu';
  prediction: Prediction;
  reasons: string[];
}

/** What happened to the experiment a link opened with: run at once, or held for Run, and why. */
export interface LinkRun {
  state: 'waiting' | 'ran' | 'held';
  why?: string;
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
  /** What this adapter measured before, for predictions (state/predict.ts). */
  speeds: AdapterSpeeds;
  pendingRun: PendingRun | null;
  linkRun: LinkRun | null;

  setExperiment(experiment: Experiment): void;
  setFamily(family: FamilyId): void;
  setVariant(variant: string): void;
  setParam(key: string, raw: string | boolean): string | null;
  setSeed(seed: number): void;
  setReps(reps: number): void;
  setSweep(sweep: SweepSpec | undefined): void;
}

/** Same kernel (family and variant): a result stays beside edits of its parameters, marked as another experiment's when they differ. */
function sameScope(a: Experiment, b: Experiment): boolean {
  return a.family === b.family && a.variant === b.variant;
}

/**
 * The gate every update passes, whoever sends it (actions below, useLab.setState from views,
 * History). A new experiment keeps the classroom's locked fields (locks.ts); only a new link,
 * through openFromLink, replaces them. When the family, the variant or the lesson
 * step changes, the result and sweep chart of the old one leave the results area (History keeps
 * them), unless the update brings its own result (History's "open").
 */
let fromLink = false;
/** The experiment the current link opened: locked fields keep its values. */
let linkExperiment: Experiment | null = null;
let openLinkGate: (patch: Partial<LabState>) => void = () => {};

/** A new link replaces the experiment and its classroom (locks included): the one path past the locks. */
export function openFromLink(patch: Partial<LabState>): void {
  openLinkGate(patch);
}

function guarded(config: StateCreator<LabState>): StateCreator<LabState> {
  return (set, get, api) => {
    const gate: typeof set = (partial, replace) => {
      const prev = get();
      const patch: Partial<LabState> = typeof partial === 'function' ? (partial as (s: LabState) => Partial<LabState>)(prev) : (partial as Partial<LabState>);
      const next: Partial<LabState> = { ...patch };
      if (patch.experiment && patch.experiment !== prev.experiment && !fromLink) {
        const { experiment, kept } = guardExperiment(prev.experiment, patch.experiment, prev.classroom.lock, linkExperiment ?? prev.experiment);
        next.experiment = experiment;
        if (kept.length) next.notice = kept.join(' ');
      }
      const experiment = next.experiment ?? prev.experiment;
      const classroom = next.classroom ?? prev.classroom;
      const stepChanged = (classroom.lesson?.id ?? '') !== (prev.classroom.lesson?.id ?? '') || classroom.lesson?.step !== prev.classroom.lesson?.step;
      if ((!sameScope(experiment, prev.experiment) || stepChanged) && !('result' in patch) && !('sweepPoints' in patch)) {
        next.result = null;
        next.sweepPoints = [];
        next.sweepExperiment = null;
      }
      (set as (p: Partial<LabState>, r?: false) => void)(next, replace as false | undefined);
    };
    openLinkGate = (patch) => {
      fromLink = true;
      try {
        gate(patch);
        linkExperiment = get().experiment;
      } finally {
        fromLink = false;
      }
    };
    api.setState = gate;
    return config(gate, get, api);
  };
}

export const useLab = create<LabState>()(
  guarded((set, get) => ({
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
    speeds: {},
    pendingRun: null,
    linkRun: null,

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
  })),
);

/** Reasons the current experiment cannot run on the current device (empty when it can). */
export function currentProblems(state: Pick<LabState, 'experiment' | 'gpu'>): string[] {
  const variant = findVariant(state.experiment.family, state.experiment.variant);
  if (!variant) return ['unknown variant'];
  if (!state.gpu?.available) return [];
  return problemsFor(variant, state.experiment.params, state.gpu.caps);
}
