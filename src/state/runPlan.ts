// Before and after a run, on the page: what it is predicted to take on this device (predict.ts),
// whether it must ask first, whether a link runs at once, and what each finished run teaches the
// next prediction. labClient.ts calls these; views read the store.
import { adapterName } from '../gpu/describe';
import { findVariant } from '../kernels/registry';
import type { Experiment, ExperimentResult } from '../kernels/types';
import {
  AUTO_RUN_SECONDS,
  confirmationReasons,
  fmtDuration,
  memoryBudget,
  predictExperiment,
  readSpeeds,
  rememberSpeed,
  sampleTarget,
  speedKey,
  workUnits,
  type AdapterSpeeds,
  type Prediction,
} from './predict';
import { currentProblems, useLab, type Job, type LabState } from './store';

const storage = (): Storage | null => {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
};

/** Observations are kept per adapter (GPU runs) and for this browser's CPU (emulated runs). */
function adapterKey(state: Pick<LabState, 'gpu'>, backend: 'webgpu' | 'cpu'): string | null {
  if (backend === 'cpu') return 'cpu';
  const gpu = state.gpu;
  return gpu?.available ? `${adapterName(gpu.adapter)}${gpu.adapter.isFallbackAdapter ? ' (software)' : ''}` : null;
}

/** Reads this adapter's remembered speeds into the store (on 'ready'). */
export function loadSpeeds() {
  const state = useLab.getState();
  const gpuKey = adapterKey(state, 'webgpu');
  const speeds: AdapterSpeeds = { ...readSpeeds(storage(), 'cpu'), ...(gpuKey ? readSpeeds(storage(), gpuKey) : {}) };
  useLab.setState({ speeds });
}

export function predictFor(state: Pick<LabState, 'gpu' | 'speeds'>, experiment: Experiment, backend: 'webgpu' | 'cpu'): Prediction {
  return predictExperiment(experiment, backend, state.speeds, state.gpu?.available ? state.gpu.caps : null);
}

/** Why this run should ask before it starts (empty: it need not). */
export function reasonsToAsk(prediction: Prediction): string[] {
  const deviceMemory = typeof navigator !== 'undefined' ? (navigator as Navigator & { deviceMemory?: number }).deviceMemory : undefined;
  return confirmationReasons(prediction, memoryBudget(deviceMemory));
}

/** The backend a link runs on by itself: WebGPU where there is a device, else the CPU emulation if the variant has one. */
export function linkBackend(state: Pick<LabState, 'gpu' | 'experiment'>): 'webgpu' | 'cpu' | null {
  if (state.gpu?.available) return 'webgpu';
  return findVariant(state.experiment.family, state.experiment.variant)?.emulate ? 'cpu' : null;
}

/**
 * A link just opened (state.linkRun is 'waiting'): once the worker has reported the device, run it
 * at once if it is predicted to be quick, else hold it for Run and say why.
 */
export function decideLinkRun(state: LabState): { run: 'webgpu' | 'cpu' } | { held: string } | null {
  if (state.linkRun?.state !== 'waiting' || !state.gpu || state.job) return null;
  const backend = linkBackend(state);
  if (!backend) return { held: 'This variant needs WebGPU, which this browser does not offer here.' };
  if (!state.experiment.sweep && backend === 'webgpu' && currentProblems(state).length)
    return { held: 'This configuration cannot run on this device (see why beside Run).' };
  const prediction = predictFor(state, state.experiment, backend);
  if (prediction.seconds <= AUTO_RUN_SECONDS && reasonsToAsk(prediction).length === 0) return { run: backend };
  return {
    held: `Not run by itself: it is predicted to take about ${fmtDuration(prediction.seconds)} on this device (${prediction.basis}). Press Run to start it.`,
  };
}

/** Phase marks kept while a job runs (page clock), for the time left and for learning. */
export function markProgress(job: Job, progress: NonNullable<Job['progress']>, now: number): Job['marks'] {
  const marks = { ...(job.marks ?? { startedAt: job.startedAt ?? now }) };
  const pointIndex = progress.point?.done;
  if (pointIndex !== undefined && pointIndex !== (job.progress?.point?.done ?? -1)) {
    // A new sweep point: its own phases start again.
    marks.pointStartAt = now;
    delete marks.timingAt;
    delete marks.referenceAt;
    delete marks.metricsAt;
  }
  if (progress.phase === 'timing' && marks.timingAt === undefined) marks.timingAt = now;
  if (progress.phase === 'reference' && marks.referenceAt === undefined) marks.referenceAt = now;
  if (progress.phase === 'metrics' && marks.metricsAt === undefined) marks.metricsAt = now;
  return marks;
}

/** What a finished run (or sweep point) teaches: remembered for this adapter and variant. */
export function learnFrom(job: Job, result: ExperimentResult, now: number) {
  const state = useLab.getState();
  const key = adapterKey(state, job.backend);
  const marks = job.marks;
  if (!key || !marks) return;
  const start = marks.pointStartAt ?? marks.startedAt;
  const total = (now - start) / 1000;
  const referenceSeconds = marks.referenceAt !== undefined && marks.metricsAt !== undefined ? (marks.metricsAt - marks.referenceAt) / 1000 : 0;
  const runSeconds = result.medianSeconds;
  if (!(runSeconds > 0) || !(total > 0)) return;
  // The same split predict.ts adds up: fixed + warm-up runs + samples + reference.
  const caps = state.gpu?.available ? state.gpu.caps : null;
  const samples = result.seconds.length;
  const sampleSeconds = job.backend === 'webgpu' ? Math.max(sampleTarget(caps), runSeconds) : runSeconds;
  const warmup = job.backend === 'webgpu' ? runSeconds * (runSeconds > 0.5 ? 1 : 2) : 0;
  const fixedSeconds = Math.max(0, total - referenceSeconds - samples * sampleSeconds - warmup);
  const speeds = rememberSpeed(storage(), key, speedKey(result.experiment, job.backend), {
    units: workUnits(result.work),
    runSeconds,
    referenceSeconds,
    fixedSeconds,
    at: Date.now(),
  });
  const prefix = `${job.backend} `;
  useLab.setState((s) => ({
    speeds: { ...Object.fromEntries(Object.entries(s.speeds).filter(([k]) => !k.startsWith(prefix))), ...filterPrefix(speeds, prefix) },
  }));
}

function filterPrefix(speeds: AdapterSpeeds, prefix: string): AdapterSpeeds {
  return Object.fromEntries(Object.entries(speeds).filter(([k]) => k.startsWith(prefix)));
}
