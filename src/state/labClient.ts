// The page's side of the worker: starts runs, streams progress and results into the store,
// and cancels. A cancel that the worker cannot honour quickly (it may be inside a long float64
// reference) ends the worker and starts a fresh one, so Cancel always returns control.
import type { Experiment, SweepPoint } from '../kernels/types';
import type { FromWorker, ToWorker } from '../workers/protocol';
import { useLab } from './store';
import { recordResult } from './historyActions';
import { loadTuning, recordRoofs, recordTuning } from './tuning';
import type { TuneRequest } from '../workers/protocol';

const CANCEL_GRACE_MS = 1500;
const READY_TIMEOUT_MS = 30_000;

let worker: Worker | null = null;
let nextId = 1;
let cancelTimer: ReturnType<typeof setTimeout> | undefined;
/** Makes sweep ids unique across page loads (job ids restart at 1). */
const sweepStamp = Date.now().toString(36);
const runListeners = new Set<(experiment: Experiment) => void>();
/** Where the points of the running batch go (see runBatch). */
let batchListener: ((point: SweepPoint, index: number) => void) | null = null;

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
      void loadTuning();
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
      if (job.kind === 'batch') {
        batchListener?.(message.point, message.index);
        if (message.point.result) void recordResult(message.point.result, `batch-${job.id}-${sweepStamp}`);
        break;
      }
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
    case 'tune-result':
      useLab.setState({ tuning: message.summary, ...(message.summary.tuned ? { result: message.summary.tuned } : {}) });
      void recordTuning(message.summary);
      if (message.summary.tuned) void recordResult(message.summary.tuned);
      break;
    case 'roofs-result':
      void recordRoofs(message.roofs);
      break;
    case 'done':
      if (job.kind === 'batch') batchListener = null;
      useLab.setState({ job: null });
      break;
    case 'error':
      useLab.setState({ job: null, error: { message: message.message, problems: message.problems } });
      break;
    case 'cancelled':
      clearTimeout(cancelTimer);
      useLab.setState({ job: null, notice: 'Run cancelled.' });
      break;
  }
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

function startJob(kind: 'tune' | 'roofs', message: (id: number) => ToWorker) {
  if (useLab.getState().job) return;
  const w = ensureWorker();
  const id = nextId++;
  useLab.setState({ job: { id, kind, backend: 'webgpu', progress: null, cancelling: false }, error: null, notice: null });
  w.postMessage(message(id));
}

/**
 * Runs several experiments in one worker job (GPU only), in order; each result (or the reason it
 * could not run) goes to `onPoint` and finished runs are saved to history. Returns false when
 * another job is running.
 */
export function runBatch(experiments: Experiment[], onPoint: (point: SweepPoint, index: number) => void): boolean {
  if (useLab.getState().job) return false;
  const w = ensureWorker();
  const id = nextId++;
  batchListener = onPoint;
  useLab.setState({ job: { id, kind: 'batch', backend: 'webgpu', progress: null, cancelling: false }, error: null, notice: null });
  w.postMessage({ type: 'batch', id, experiments: structuredClone(experiments) } satisfies ToWorker);
  return true;
}

/** Runs the autotuner for the register-blocked kernel in the worker. */
export function startTuning(request: TuneRequest) {
  startJob('tune', (id) => ({ type: 'tune', id, request }));
}

/** Measures the peak-FMA and copy-bandwidth roofs in the worker. */
export function startRoofs() {
  startJob('roofs', (id) => ({ type: 'roofs', id }));
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
    useLab.setState({ job: null, notice: 'Run cancelled (the worker was restarted).', gpu: null });
    ensureWorker();
  }, CANCEL_GRACE_MS);
}

export function onRunStart(listener: (experiment: Experiment) => void): () => void {
  runListeners.add(listener);
  return () => runListeners.delete(listener);
}
