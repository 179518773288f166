/// <reference lib="webworker" />
// The lab worker owns the GPUDevice and does all GPU work and all float64 reference work, so the
// page never freezes. It never touches the DOM.
import { SPEC_DEFAULT_CAPS } from '../gpu/caps';
import { acquireDevice, errorText, GpuUnavailableError, type AcquiredDevice } from '../gpu/device';
import { CancelledError, ShaderCompileError } from '../gpu/runner';
import { ConfigurationError, runExperiment, runExperimentCpu, runSweep } from '../kernels/run';
import { validateExperiment } from '../kernels/experiment';
import { quoteUntrusted } from '../kernels/schema';
import { findStudy } from '../kernels/studies';
import type { ExperimentResult, ProgressInfo } from '../kernels/types';
import type { FromWorker, GpuStatus, StudyMessage, StudyResultMessage, ToWorker } from './protocol';
import { childCpuWork } from './cpuWork';
import { handleEditorMessage, isEditorMessage } from './editor';
import { handleJudgeMessage, isJudgeMessage } from './judge';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromWorker) => scope.postMessage(message);

let acquired: AcquiredDevice | null = null;
let gpuStatus: GpuStatus | null = null;
const cancelled = new Set<number>();
/** References and emulations run in a child worker that Cancel ends (cpuWork.ts). */
const cpu = childCpuWork();
let assetBase: string = scope.location.href;

/** Fetches a file of public/ (a sample image…) relative to the page's base URL. */
async function loadAsset(path: string): Promise<Uint8Array> {
  const response = await fetch(new URL(path, assetBase));
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}`);
  return new Uint8Array(await response.arrayBuffer());
}

let initializing: Promise<GpuStatus> | null = null;

/** The device, acquired once and again after every loss (any cause): the next job finds a fresh one. */
function init(): Promise<GpuStatus> {
  if (gpuStatus) return Promise.resolve(gpuStatus);
  initializing ??= acquire().finally(() => (initializing = null));
  return initializing;
}

async function acquire(): Promise<GpuStatus> {
  try {
    // A browser can expose WebGPU on the page and not in workers: check here, step by step.
    const fresh = await acquireDevice((navigator as Navigator & { gpu?: GPU }).gpu, scope.isSecureContext);
    acquired = fresh;
    gpuStatus = { available: true, adapter: fresh.adapter, caps: fresh.caps };
    fresh.device.lost.then((info) => {
      if (acquired !== fresh) return;
      acquired = null;
      gpuStatus = null;
      post({ type: 'device-lost', message: `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}).` });
      // Recover at once, so the next Run finds a device; the page hears 'ready' again.
      void init().then((gpu) => post({ type: 'ready', gpu }));
    });
    fresh.device.addEventListener('uncapturederror', (event) => {
      console.warn('uncaptured WebGPU error:', (event as GPUUncapturedErrorEvent).error.message);
    });
  } catch (e) {
    gpuStatus =
      e instanceof GpuUnavailableError ? { available: false, step: e.step, reason: e.message } : { available: false, step: 'unknown', reason: errorText(e) };
  }
  return gpuStatus;
}

async function run(id: number, rawExperiment: Parameters<typeof validateExperiment>[0], backend: 'webgpu' | 'cpu') {
  const { experiment, problems } = validateExperiment(rawExperiment);
  if (problems.length) {
    post({ type: 'error', id, message: 'The experiment was not valid', problems });
    return;
  }
  const cancel = {
    get cancelled() {
      return cancelled.has(id);
    },
  };
  const onProgress = (progress: Parameters<NonNullable<Parameters<typeof runExperiment>[2]['onProgress']>>[0]) => post({ type: 'progress', id, progress });
  try {
    const device = backend === 'webgpu' ? acquired : null;
    if (backend === 'webgpu' && !device) throw new Error(gpuStatus && !gpuStatus.available ? gpuStatus.reason : 'No WebGPU device');
    const options = {
      caps: device?.caps ?? SPEC_DEFAULT_CAPS,
      adapter: device?.adapter ?? null,
      cancel,
      onProgress,
      loadAsset,
      cpu,
    };
    if (experiment.sweep) {
      await runSweep(device?.device ?? null, experiment, { ...options, onPoint: (point, index) => post({ type: 'point', id, index, point }) });
    } else {
      const result = device ? await runExperiment(device.device, experiment, options) : await runExperimentCpu(experiment, options);
      post({ type: 'result', id, result });
    }
    post({ type: 'done', id });
  } catch (e) {
    if (e instanceof CancelledError) post({ type: 'cancelled', id });
    else if (e instanceof ConfigurationError) post({ type: 'error', id, message: 'This configuration cannot run on this device', problems: e.problems });
    else if (e instanceof ShaderCompileError) post({ type: 'error', id, message: e.message });
    else post({ type: 'error', id, message: errorText(e) });
  } finally {
    cancelled.delete(id);
  }
}

/** A whole study (tuner, roofs, accumulation…): its partial results stream as it goes; cancellable as runs are. */
async function study(message: StudyMessage) {
  const { id } = message;
  const cancel = {
    get cancelled() {
      return cancelled.has(id);
    },
  };
  const onProgress = (progress: ProgressInfo) => post({ type: 'progress', id, progress });
  const def = findStudy(String(message.study));
  const send = (result: unknown, final: boolean, extra: { remember?: unknown[]; runs?: ExperimentResult[] } = {}) =>
    post({ type: 'study-result', id, study: def!.id, result, final, ...extra } as StudyResultMessage);
  try {
    if (!def) throw new Error(`unknown study ${quoteUntrusted(String(message.study))}`);
    const { request, problems } = def.parseRequest(message.request);
    if (!request) {
      post({ type: 'error', id, message: `The ${def.label} request was not valid`, problems });
      return;
    }
    if (def.needsGpu(request) && !acquired) throw new Error(gpuStatus && !gpuStatus.available ? gpuStatus.reason : 'No WebGPU device');
    const result = await def.run(
      {
        device: acquired?.device ?? null,
        caps: acquired?.caps ?? SPEC_DEFAULT_CAPS,
        adapter: acquired?.adapter ?? null,
        cancel,
        onProgress,
        onPartial: (r) => send(r, false),
      },
      request,
    );
    send(result, true, { remember: def.remember?.(result) ?? [], runs: def.runsOf?.(result) ?? [] });
    post({ type: 'done', id });
  } catch (e) {
    if (e instanceof CancelledError) post({ type: 'cancelled', id });
    else if (e instanceof ConfigurationError) post({ type: 'error', id, message: 'This configuration cannot run on this device', problems: e.problems });
    else post({ type: 'error', id, message: errorText(e) });
  } finally {
    cancelled.delete(id);
  }
}

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'ping') {
    post({ type: 'pong', n: message.n });
    return;
  }
  if ('id' in message && message.type !== 'cancel' && message.type !== 'abandon') post({ type: 'ack', id: message.id });
  if (isEditorMessage(message)) {
    await init();
    await handleEditorMessage(message, {
      device: () => acquired,
      noDeviceReason: () => (gpuStatus && !gpuStatus.available ? gpuStatus.reason : 'No WebGPU device'),
      post,
      cancelled: (id) => cancelled.has(id),
      loadAsset,
    });
    if (message.type === 'editor-run' || message.type === 'editor-check') cancelled.delete(message.id);
    return;
  }
  if (isJudgeMessage(message)) {
    await init();
    await handleJudgeMessage(message, {
      device: () => acquired,
      noDeviceReason: () => (gpuStatus && !gpuStatus.available ? gpuStatus.reason : 'No WebGPU device'),
      post,
      cancelled: (id) => cancelled.has(id),
    });
    cancelled.delete(message.id);
    return;
  }
  switch (message.type) {
    case 'init':
      if (message.base) assetBase = message.base;
      post({ type: 'ready', gpu: await init() });
      break;
    case 'run':
      await init();
      await run(message.id, message.experiment, message.backend);
      break;
    case 'study':
      await init();
      await study(message);
      break;
    case 'cancel':
      cancelled.add(message.id);
      // A reference or emulation in progress stops now; the GPU stops before its next submission.
      cpu.abort();
      break;
    case 'abandon':
      // A job past its time budget (a kernel that may never end): the device goes, and with it
      // whatever it was waiting for; device.lost then makes a fresh one.
      cancelled.add(message.id);
      cpu.abort();
      acquired?.device.destroy();
      break;
  }
};
