// The page's side of the worker: starts runs, streams progress and results into the store,
// and cancels. Every run is predicted first (runPlan.ts) and a long one asks before it starts;
// a link runs by itself when it is predicted to be quick. The worker honours Cancel before its
// next GPU submission and stops a CPU reference at once (workers/cpuWork.ts); only a worker that
// does not answer within a grace period sized to the run in flight is ended and started afresh.
//
// Faults are recovered without a reload, and History and the experiment are never touched:
//  - the worker acks every job at once; one that does not within ACK_MS is dead (terminated, crashed)
//    and is replaced, and the job is sent again to the fresh one;
//  - an uncaught error in the worker ends the job, says so, and replaces the worker;
//  - a device loss (any cause) ends the job, says so; the worker makes a fresh device by itself;
//  - while a job runs the page pings the worker every second; a worker that has not answered for
//    LIVENESS_MS (it died mid-run: terminated, crashed, out of memory) is replaced and the user is
//    told the run was lost — the page never waits for a dead worker;
//  - a job past its time budget (`budgetMs`, e.g. an edited kernel that never ends) is abandoned:
//    the worker destroys its device and makes a fresh one; a worker that does not come back
//    within ABANDON_GRACE_MS is replaced.
import type { StudyId, StudyRequest } from '../kernels/study';
import type { Experiment } from '../kernels/types';
import type { FromWorker, StudyMessage, StudyResultMessage, ToWorker } from '../workers/protocol';
import { useLab, type Job } from './store';
import { recordResult } from './historyActions';
import { loadStudyRecords, rememberStudy, updateStudy } from './studies';
import { decideLinkRun, learnFrom, loadSpeeds, markProgress, predictFor, reasonsToAsk } from './runPlan';

const CANCEL_GRACE_MS = 1500;
const READY_TIMEOUT_MS = 30_000;
const ACK_MS = 700;
const ABANDON_GRACE_MS = 3000;
const PING_MS = 1000;
/**
 * How long a worker may stay silent during a job. Its GPU waits never block its message loop
 * (they are awaited) and references run in a child worker; what remains synchronous (seeded
 * inputs, host-side layouts such as CSR or an indirection buffer, error metrics) takes well under
 * a second at the lab's sizes, so a worker silent this long is dead, not busy.
 */
const LIVENESS_MS = 8000;

let worker: Worker | null = null;
let nextId = 1;
let cancelTimer: ReturnType<typeof setTimeout> | undefined;
/** Makes sweep ids unique across page loads (job ids restart at 1). */
const sweepStamp = Date.now().toString(36);
const runListeners = new Set<(experiment: Experiment) => void>();
const messageListeners = new Set<(message: FromWorker) => void>();
/** The job message in flight, kept until the worker acks it (to send again to a fresh worker). */
let unacked: { id: number; message: ToWorker; resent: boolean; timer: ReturnType<typeof setTimeout> } | null = null;
let budgetTimer: ReturnType<typeof setTimeout> | undefined;
let lastPong = 0;
let pings = 0;
let pulse: ReturnType<typeof setInterval> | undefined;

/** While a job runs: ping, and replace a worker that stopped answering (see the header). */
function checkPulse() {
  const job = useLab.getState().job;
  if (!job || !worker) {
    lastPong = 0;
    return;
  }
  const now = performance.now();
  if (lastPong === 0) lastPong = now; // the job just started
  if (now - lastPong > LIVENESS_MS) {
    lastPong = 0;
    replaceWorker();
    useLab.setState({
      error: {
        message: `The lab worker stopped answering during the run (it may have crashed or been stopped) and the run was lost. A fresh worker was started: run again. Nothing saved was touched.`,
      },
    });
    return;
  }
  worker.postMessage({ type: 'ping', n: ++pings } satisfies ToWorker);
}

function startWorker(): Worker {
  const w = new Worker(new URL('../workers/lab.worker.ts', import.meta.url), { type: 'module', name: 'kernel-lab' });
  w.onmessage = (event: MessageEvent<FromWorker>) => handle(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    if (worker !== w) return;
    if (!useLab.getState().gpu) {
      // It never started (a script that does not load): starting it again would fail the same way.
      useLab.setState({ gpu: { available: false, step: 'worker', reason: `The lab worker failed to start: ${event.message}` }, job: null });
      return;
    }
    const running = useLab.getState().job !== null;
    replaceWorker();
    useLab.setState({
      error: {
        message: `The lab worker hit an error${event.message ? ` (${event.message})` : ''}${running ? ' and the run was lost' : ''}. A fresh worker was started: run again.`,
      },
    });
  };
  w.postMessage({ type: 'init', base: document.baseURI } satisfies ToWorker);
  lastPong = 0;
  if (pulse === undefined) pulse = setInterval(checkPulse, PING_MS); // one pulse for the page, across worker replacements
  subscribeLinkRuns();
  // A worker that never answers (blocked script, broken browser) must not leave the page waiting.
  setTimeout(() => {
    if (worker === w && !useLab.getState().gpu) {
      useLab.setState({
        gpu: { available: false, step: 'worker', reason: `The lab worker did not answer within ${READY_TIMEOUT_MS / 1000} s, so WebGPU could not be checked.` },
      });
    }
  }, READY_TIMEOUT_MS);
  return w;
}

export function ensureWorker(): Worker {
  worker ??= startWorker();
  return worker;
}

/** Ends the worker and starts a fresh one (a new device with it); the job in flight, if any, is over. */
function replaceWorker() {
  const job = useLab.getState().job;
  if (job) endStudy(job);
  worker?.terminate();
  worker = null;
  clearTimeout(unacked?.timer);
  unacked = null;
  clearTimeout(budgetTimer);
  clearTimeout(cancelTimer);
  useLab.setState({ job: null, gpu: null });
  ensureWorker();
}

/** Sends a job's message; a worker that does not ack it in time is replaced and the message sent again. */
function sendJob(id: number, message: ToWorker, resent = false) {
  const w = ensureWorker();
  clearTimeout(unacked?.timer);
  const timer = setTimeout(() => {
    if (unacked?.id !== id || useLab.getState().job?.id !== id) return;
    const job = useLab.getState().job!;
    if (resent) {
      useLab.setState({ job: null, error: { message: 'The lab worker does not answer, even after a restart. Reload the page.' } });
      return;
    }
    // Dead (terminated, or crashed without an error event): a fresh one gets the same job.
    worker?.terminate();
    worker = null;
    ensureWorker();
    useLab.setState({ job, notice: 'The lab worker had stopped answering; a fresh one was started.' });
    sendJob(id, message, true);
  }, ACK_MS);
  unacked = { id, message, resent, timer };
  w.postMessage(message);
}

/** Every message of the worker, for modules with their own replies (the editor). */
export function onWorkerMessage(listener: (message: FromWorker) => void): () => void {
  messageListeners.add(listener);
  return () => messageListeners.delete(listener);
}

/** A request that is not a job (the editor's compile as you type): no ack, no budget. */
export function postToWorker(message: ToWorker) {
  ensureWorker().postMessage(message);
}

/** Abandons the job past its time budget (see the header). */
function abandon(id: number, budgetMs: number) {
  const job = useLab.getState().job;
  if (!job || job.id !== id) return;
  const w = worker;
  endStudy(job);
  w?.postMessage({ type: 'abandon', id } satisfies ToWorker);
  useLab.setState({
    job: null,
    gpu: null,
    error: {
      message: `The run went past its time budget (${(budgetMs / 1000).toFixed(0)} s) and was abandoned. The GPU device is being recreated; nothing saved was touched.`,
    },
  });
  // A worker that does not report a fresh device in time is replaced (with its device).
  setTimeout(() => {
    if (worker === w && !useLab.getState().gpu) replaceWorker();
  }, ABANDON_GRACE_MS);
}

function handle(message: FromWorker) {
  for (const listener of messageListeners) listener(message);
  const state = useLab.getState();
  const job = state.job;
  if ('id' in message && unacked?.id === message.id) {
    clearTimeout(unacked.timer);
    unacked = null;
  }
  switch (message.type) {
    case 'ready':
      useLab.setState({ gpu: message.gpu });
      loadSpeeds();
      void loadStudyRecords();
      maybeRunLink();
      return;
    case 'device-lost':
      clearTimeout(budgetTimer);
      if (job) endStudy(job);
      // The worker makes a fresh device by itself and says 'ready'; until then Run waits.
      useLab.setState({
        gpu: null,
        job: null,
        error:
          state.job || !state.error
            ? { message: `${message.message} ${job ? 'The run was lost. ' : ''}A fresh device is being set up: run again when it is ready.` }
            : state.error,
      });
      return;
    case 'ack':
      return;
    case 'pong':
      if (state.job) lastPong = performance.now();
      return;
  }
  if (!job || !('id' in message) || message.id !== job.id) return;
  if (message.type === 'done' || message.type === 'error' || message.type === 'cancelled') clearTimeout(budgetTimer);
  switch (message.type) {
    case 'progress':
      useLab.setState({ job: { ...job, progress: message.progress, marks: markProgress(job, message.progress, performance.now()) } });
      break;
    case 'point': {
      const points = [...state.sweepPoints];
      points[message.index] = message.point;
      const now = performance.now();
      if (message.point.result) learnFrom(job, message.point.result, now);
      const marks = job.marks ? { ...job.marks, pointAt: now, pointsDone: (job.marks.pointsDone ?? 0) + 1 } : undefined;
      useLab.setState({ sweepPoints: points, job: { ...job, marks }, ...(message.point.result ? { result: message.point.result } : {}) });
      if (message.point.result) void recordResult(message.point.result, `sweep-${job.id}-${sweepStamp}`);
      break;
    }
    case 'result':
      if (job.kind === 'single' || job.kind === 'sweep') learnFrom(job, message.result, performance.now());
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

/**
 * Runs the current experiment. A run predicted to take minutes or much memory asks first: it is
 * held in `pendingRun` with the reasons until the user confirms (`confirmed`).
 */
export function runCurrent(backend: 'webgpu' | 'cpu', options: { confirmed?: boolean } = {}) {
  const state = useLab.getState();
  if (state.job) return;
  const prediction = predictFor(state, state.experiment, backend);
  const reasons = reasonsToAsk(prediction);
  if (reasons.length && !options.confirmed) {
    useLab.setState({ pendingRun: { backend, prediction, reasons } });
    return;
  }
  const id = nextId++;
  const experiment = structuredClone(state.experiment);
  const kind = experiment.sweep ? 'sweep' : 'single';
  const startedAt = performance.now();
  useLab.setState({
    job: { id, kind, backend, progress: null, cancelling: false, startedAt, prediction, marks: { startedAt } },
    error: null,
    notice: null,
    pendingRun: null,
    ...(state.linkRun && state.linkRun.state !== 'ran' ? { linkRun: { state: 'ran' as const } } : {}),
    ...(kind === 'sweep' ? { sweepPoints: [], sweepExperiment: experiment } : {}),
  });
  for (const listener of runListeners) listener(experiment);
  sendJob(id, { type: 'run', id, experiment, backend } satisfies ToWorker);
}

/**
 * Starts a job in the worker (one at a time); with `budgetMs`, a job still running after that long
 * is abandoned (see the header). Returns the job id, or null when another job is running.
 */
export function startJob(kind: Job['kind'], message: (id: number) => ToWorker, options: { budgetMs?: number } = {}): number | null {
  if (useLab.getState().job) return null;
  ensureWorker();
  const id = nextId++;
  useLab.setState({ job: { id, kind, backend: 'webgpu', progress: null, cancelling: false }, error: null, notice: null });
  clearTimeout(budgetTimer);
  if (options.budgetMs) budgetTimer = setTimeout(() => abandon(id, options.budgetMs!), options.budgetMs);
  sendJob(id, message(id));
  return id;
}

/**
 * Starts a study in the worker (the tuner, the roofs, the accumulation study…); its results
 * stream into the store's study slice. Returns false when another job is running.
 */
export function startStudy<I extends StudyId>(study: I, request: StudyRequest<I>, backend: 'webgpu' | 'cpu' = 'webgpu'): boolean {
  if (useLab.getState().job) return false;
  ensureWorker();
  const id = nextId++;
  useLab.setState({ job: { id, kind: 'study', study, backend, progress: null, cancelling: false }, error: null, notice: null });
  updateStudy(study, { request, result: null, final: false, running: true });
  sendJob(id, { type: 'study', id, study, request } as StudyMessage satisfies ToWorker);
  return true;
}

/** Closes the question a long run asked, without running it. */
export function dismissPendingRun() {
  useLab.setState({ pendingRun: null });
}

/** Runs the link the page was opened with, if it is predicted to be quick (else says why not). */
function maybeRunLink() {
  const decision = decideLinkRun(useLab.getState());
  if (!decision) return;
  if ('run' in decision) runCurrent(decision.run);
  else useLab.setState({ linkRun: { state: 'held', why: decision.held } });
}

let linkRunsWatched = false;
function subscribeLinkRuns() {
  if (linkRunsWatched) return;
  linkRunsWatched = true;
  // A link pasted into the open tab (urlSync marks it 'waiting') runs like one opened afresh.
  useLab.subscribe((s, prev) => {
    if (s.linkRun !== prev.linkRun && s.linkRun?.state === 'waiting') maybeRunLink();
  });
}

export function cancelCurrent() {
  const job = useLab.getState().job;
  if (useLab.getState().pendingRun) dismissPendingRun();
  if (!job || !worker) return;
  useLab.setState({ job: { ...job, cancelling: true } });
  worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker);
  clearTimeout(cancelTimer);
  // The worker stops before its next GPU submission: allow for the one in flight (a sample, at
  // least one kernel run) before deciding that it is stuck.
  const graceMs = Math.max(CANCEL_GRACE_MS, 1000 + 1500 * (job.prediction?.sampleSeconds ?? 0));
  cancelTimer = setTimeout(() => {
    if (useLab.getState().job?.id !== job.id) return;
    // The worker is busy in synchronous work: end it and start a fresh one.
    replaceWorker();
    useLab.setState({ notice: 'Run cancelled (the worker was restarted).' });
  }, graceMs);
}

export function onRunStart(listener: (experiment: Experiment) => void): () => void {
  runListeners.add(listener);
  return () => runListeners.delete(listener);
}
