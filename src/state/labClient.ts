// The page's side of the worker: starts runs, streams progress and results into the store,
// and cancels. A cancel that the worker cannot honour quickly (it may be inside a long float64
// reference) ends the worker and starts a fresh one, so Cancel always returns control.
import type { StudyId, StudyRequest } from '../kernels/study';
import type { Experiment } from '../kernels/types';
import type { FromWorker, StudyMessage, StudyResultMessage, ToWorker } from '../workers/protocol';
import { useLab, type Job } from './store';
import { recordResult } from './historyActions';
import { loadStudyRecords, rememberStudy, updateStudy } from './studies';

const CANCEL_GRACE_MS = 1500;
const READY_TIMEOUT_MS = 30_000;

let worker: Worker | null = null;
let nextId = 1;
let cancelTimer: ReturnType<typeof setTimeout> | undefined;
/** Makes sweep ids unique across page loads (job ids restart at 1). */
const sweepStamp = Date.now().toString(36);
const runListeners = new Set<(experiment: Experiment) => void>();

function startWorker(): Worker {
  const w = new Worker(new URL('../workers/lab.worker.ts', import.meta.url), { type: 'module', name: 'kernel-lab' });
  w.onmessage = (event: MessageEvent<FromWorker>) => handle(event.data);
  w.onerror = (event) => {
    useLab.setState({
      gpu: useLab.getState().gpu ?? { available: false, step: 'worker', reason: `The lab worker failed to start: ${event.message}` },
      job: null,
      error: { message: `The lab worker failed: ${event.message || 'unknown error'}` },
    });
  };
  w.postMessage({ type: 'init', base: document.baseURI } satisfies ToWorker);
  // A worker that never answers (blocked script, broken browser) must not leave the page waiting.
  setTimeout(() => {
    if (worker === w && !useLab.getState().gpu) {
      useLab.setState({ gpu: { available: false, step: 'worker', reason: `The lab worker did not answer within ${READY_TIMEOUT_MS / 1000} s, so WebGPU could not be checked.` } });
    }
  }, READY_TIMEOUT_MS);
  return w;
}

export function ensureWorker(): Worker {
  worker ??= startWorker();
  return worker;
}

function handle(message: FromWorker) {
  const state = useLab.getState();
  const job = state.job;
  switch (message.type) {
    case 'ready':
      useLab.setState({ gpu: message.gpu });
      void loadStudyRecords();
      return;
    case 'device-lost':
      useLab.setState({ gpu: { available: false, step: 'device-lost', reason: message.message }, job: null, error: { message: message.message } });
      return;
  }
  if (!job || message.id !== job.id) return;
  switch (message.type) {
    case 'progress':
      useLab.setState({ job: { ...job, progress: message.progress } });
      break;
    case 'point': {
      const points = [...state.sweepPoints];
      points[message.index] = message.point;
      useLab.setState({ sweepPoints: points, ...(message.point.result ? { result: message.point.result } : {}) });
      if (message.point.result) void recordResult(message.point.result, `sweep-${job.id}-${sweepStamp}`);
      break;
    }
    case 'result':
      useLab.setState({ result: message.result });
      void recordResult(message.result);
      break;
    case 'study-result':
      studyResult(message);
      break;
    case 'done':
      endStudy(job);
      useLab.setState({ job: null });
      break;
    case 'error':
      endStudy(job);
      useLab.setState({ job: null, error: { message: message.message, problems: message.problems } });
      break;
    case 'cancelled':
      clearTimeout(cancelTimer);
      endStudy(job);
      useLab.setState({ job: null, notice: 'Run cancelled.' });
      break;
  }
}

/** A study's result: partial ones are painted as they come; a final one is remembered, and its checked runs join the history. */
function studyResult(message: StudyResultMessage) {
  updateStudy(message.study, { result: message.result, final: message.final });
  if (!message.final) return;
  void rememberStudy(message.study, message.remember ?? []);
  const runs = message.runs ?? [];
  if (runs.length) useLab.setState({ result: runs[0] });
  for (const run of runs) void recordResult(run);
}

function endStudy(job: Job) {
  if (job.kind === 'study' && job.study) updateStudy(job.study, { running: false });
}

export function runCurrent(backend: 'webgpu' | 'cpu') {
  const state = useLab.getState();
  if (state.job) return;
  const w = ensureWorker();
  const id = nextId++;
  const experiment = structuredClone(state.experiment);
  const kind = experiment.sweep ? 'sweep' : 'single';
  useLab.setState({
    job: { id, kind, backend, progress: null, cancelling: false },
    error: null,
    notice: null,
    ...(kind === 'sweep' ? { sweepPoints: [], sweepExperiment: experiment } : {}),
  });
  for (const listener of runListeners) listener(experiment);
  w.postMessage({ type: 'run', id, experiment, backend } satisfies ToWorker);
}

/**
 * Starts a study in the worker (the tuner, the roofs, the accumulation study…); its results
 * stream into the store's study slice. Returns false when another job is running.
 */
export function startStudy<I extends StudyId>(study: I, request: StudyRequest<I>, backend: 'webgpu' | 'cpu' = 'webgpu'): boolean {
  if (useLab.getState().job) return false;
  const w = ensureWorker();
  const id = nextId++;
  useLab.setState({ job: { id, kind: 'study', study, backend, progress: null, cancelling: false }, error: null, notice: null });
  updateStudy(study, { request, result: null, final: false, running: true });
  w.postMessage({ type: 'study', id, study, request } as StudyMessage satisfies ToWorker);
  return true;
}

export function cancelCurrent() {
  const job = useLab.getState().job;
  if (!job || !worker) return;
  useLab.setState({ job: { ...job, cancelling: true } });
  worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker);
  clearTimeout(cancelTimer);
  cancelTimer = setTimeout(() => {
    if (useLab.getState().job?.id !== job.id) return;
    // The worker is busy in synchronous work: end it and start a fresh one.
    worker?.terminate();
    worker = null;
    endStudy(job);
    useLab.setState({ job: null, notice: 'Run cancelled (the worker was restarted).', gpu: null });
    ensureWorker();
  }, CANCEL_GRACE_MS);
}

export function onRunStart(listener: (experiment: Experiment) => void): () => void {
  runListeners.add(listener);
  return () => runListeners.delete(listener);
}
