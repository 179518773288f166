// Runs a variant's GpuPlan on a device and times it honestly:
//  - warm-up first (pipeline compilation, first-use clears); the first run's result is read back,
//    and after the timing loop the last timed run's result too, both outside every timed region;
//  - GPU timestamps when the device has 'timestamp-query', with many runs between one pair of
//    timestamps (browsers quantize timestamps to tens of microseconds), else wall clock around
//    submitted work (queue.onSubmittedWorkDone);
//  - buffers marked resetEachRun are cleared before every run;
//  - never more than one sample of work is queued on the GPU (each sample is submitted and waited
//    for before the next, and a sample is sized to ~10–25 ms or one run, whichever is longer),
//    so a Cancel, checked before every submission, stops the GPU within one sample — which on a
//    software adapter is also how soon the page can paint again.
import { bufferOf } from './bindings';
import type { GpuPlan, HostArray, TimingInfo } from './types';
import { errorText } from './device';

export interface CancelToken {
  readonly cancelled: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export type RunPhase = 'compile' | 'warmup' | 'timing';

export interface RunPlanOptions {
  reps: number;
  cancel?: CancelToken;
  onProgress?: (phase: RunPhase, done: number, total: number) => void;
  /** Aim for at least this much GPU time between two clock readings. */
  targetSampleSeconds?: number;
  maxRunsPerSample?: number;
  /** Set false to force the wall clock even when timestamps exist. */
  useTimestamps?: boolean;
}

export interface PlanRunResult {
  /** The output of the first (warm-up) run. */
  output: HostArray;
  /**
   * The output as the last timed run left it, read back after the timing loop (outside every
   * timed region): a kernel that is right once and wrong when repeated (a missing reset between
   * runs, a race) shows here. Null when no timed run was made (reps = 0).
   */
  lastOutput: HostArray | null;
  seconds: number[];
  timing: TimingInfo;
}

// ---- pipeline cache: keyed by the WGSL text (programs as data) --------------------------------

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export class ShaderCompileError extends Error {
  constructor(
    readonly label: string,
    readonly messages: string[],
  ) {
    super(`WGSL for "${label}" did not compile:\n${messages.join('\n')}`);
    this.name = 'ShaderCompileError';
  }
}

export function getPipeline(device: GPUDevice, label: string, wgsl: string, entryPoint = 'main'): Promise<GPUComputePipeline> {
  let perDevice = pipelineCache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    pipelineCache.set(device, perDevice);
  }
  const key = `${entryPoint}\u0000${wgsl}`;
  let pending = perDevice.get(key);
  if (!pending) {
    pending = compilePipeline(device, label, wgsl, entryPoint);
    perDevice.set(key, pending);
    pending.catch(() => perDevice!.delete(key));
  }
  return pending;
}

async function compilePipeline(device: GPUDevice, label: string, wgsl: string, entryPoint: string) {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code: wgsl });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error').map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}`);
  const scopeError = await device.popErrorScope();
  if (errors.length || scopeError) throw new ShaderCompileError(label, errors.length ? errors : [scopeError!.message]);
  try {
    return await device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint } });
  } catch (e) {
    throw new ShaderCompileError(label, [errorText(e)]);
  }
}

// ---- running a plan ----------------------------------------------------------------------------

function alignedBytes(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export async function runPlan(device: GPUDevice, plan: GpuPlan, options: RunPlanOptions): Promise<PlanRunResult> {
  const created: GPUBuffer[] = [];
  const track = <T extends GPUBuffer | GPUQuerySet>(x: T) => {
    if ('mapAsync' in x) created.push(x as GPUBuffer);
    return x;
  };
  const cancelled = () => options.cancel?.cancelled === true;
  let querySet: GPUQuerySet | undefined;
  let openScopes = 0;
  try {
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    openScopes = 2;

    // Buffers.
    const buffers = new Map<string, GPUBuffer>();
    for (const spec of plan.buffers) {
      const bytes = alignedBytes(spec.data ? spec.data.byteLength : (spec.bytes ?? 0));
      const usage =
        spec.usage === 'uniform'
          ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST
          : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const buffer = track(device.createBuffer({ label: spec.name, size: bytes, usage }));
      if (spec.data) device.queue.writeBuffer(buffer, 0, spec.data.buffer, spec.data.byteOffset, spec.data.byteLength);
      buffers.set(spec.name, buffer);
    }
    const resets = plan.buffers.filter((b) => b.resetEachRun).map((b) => buffers.get(b.name)!);

    // Pipelines and bind groups.
    options.onProgress?.('compile', 0, plan.dispatches.length);
    const steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }[] = [];
    for (const d of plan.dispatches) {
      const pipeline = await getPipeline(device, d.label, d.wgsl, d.entryPoint);
      const bindGroup = device.createBindGroup({
        label: d.label,
        layout: pipeline.getBindGroupLayout(0),
        entries: d.bindings.map((b, binding) => {
          const name = bufferOf(b);
          const buffer = buffers.get(name);
          if (!buffer) throw new Error(`dispatch "${d.label}" binds unknown buffer "${name}"`);
          return { binding, resource: { buffer } };
        }),
      });
      steps.push({ pipeline, bindGroup, workgroups: [d.workgroups[0], d.workgroups[1] ?? 1, d.workgroups[2] ?? 1] });
    }

    const outBuffer = buffers.get(plan.output.buffer);
    if (!outBuffer) throw new Error(`plan output names unknown buffer "${plan.output.buffer}"`);
    const outBytes = plan.output.count * 4;
    const readback = track(device.createBuffer({ label: 'readback', size: alignedBytes(outBytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));

    const useTimestamps = options.useTimestamps !== false && device.features.has('timestamp-query');
    let resolveBuffer: GPUBuffer | undefined;
    let timestampRead: GPUBuffer | undefined;
    if (useTimestamps) {
      querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
      resolveBuffer = track(device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }));
      timestampRead = track(device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    }

    // Encodes `runs` runs of the whole plan; timestamps around all of them when asked.
    const encodeRuns = (encoder: GPUCommandEncoder, runs: number, timestamps: boolean) => {
      const passPerRun = resets.length > 0;
      const passCount = passPerRun ? runs : 1;
      for (let p = 0; p < passCount; p++) {
        if (passPerRun) for (const b of resets) encoder.clearBuffer(b);
        const tsWrites: GPUComputePassTimestampWrites | undefined =
          // Only the first and last pass write timestamps (a pass with neither index is invalid).
          timestamps && querySet && (p === 0 || p === passCount - 1)
            ? {
                querySet,
                ...(p === 0 ? { beginningOfPassWriteIndex: 0 } : {}),
                ...(p === passCount - 1 ? { endOfPassWriteIndex: 1 } : {}),
              }
            : undefined;
        const pass = encoder.beginComputePass(tsWrites ? { timestampWrites: tsWrites } : {});
        const repeat = passPerRun ? 1 : runs;
        for (let r = 0; r < repeat; r++) {
          for (const s of steps) {
            pass.setPipeline(s.pipeline);
            pass.setBindGroup(0, s.bindGroup);
            pass.dispatchWorkgroups(...s.workgroups);
          }
        }
        pass.end();
      }
    };

    // Warm-up 1: one run, read back the result (never timed).
    options.onProgress?.('warmup', 0, 2);
    const warmupStart = performance.now();
    {
      const encoder = device.createCommandEncoder();
      encodeRuns(encoder, 1, false);
      encoder.copyBufferToBuffer(outBuffer, 0, readback, 0, alignedBytes(outBytes));
      device.queue.submit([encoder.finish()]);
    }
    await readback.mapAsync(GPUMapMode.READ);
    const raw = readback.getMappedRange().slice(0, outBytes);
    readback.unmap();
    const typed = (bytes: ArrayBuffer): HostArray =>
      plan.output.type === 'f32' ? new Float32Array(bytes) : plan.output.type === 'u32' ? new Uint32Array(bytes) : new Int32Array(bytes);
    const output = typed(raw);

    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    openScopes = 0;
    if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
    if (oom) throw new Error(`The GPU ran out of memory: ${oom.message}`);
    if (cancelled()) throw new CancelledError();

    // Warm-up 2: estimate one run's time by wall clock to choose runs per sample. A warm-up that
    // took over half a second already says one run per sample: it is not repeated to say so again.
    options.onProgress?.('warmup', 1, 2);
    const warmupSeconds = (performance.now() - warmupStart) / 1000;
    const estimate = warmupSeconds > 0.5 ? warmupSeconds : await wallClockRuns(device, encodeRuns, 1);
    if (cancelled()) throw new CancelledError();
    const target = options.targetSampleSeconds ?? (useTimestamps ? 0.01 : 0.025);
    const maxRuns = options.maxRunsPerSample ?? 2000;
    const runsPerSample = Math.max(1, Math.min(maxRuns, Math.round(target / Math.max(estimate, 1e-7))));

    // Timed samples, inside an error scope: an invalid timed submission must fail loudly rather
    // than produce fast-looking, meaningless timings.
    device.pushErrorScope('validation');
    openScopes = 1;
    const seconds: number[] = [];
    const rawStamps: bigint[] = [];
    let fallbacks = 0;
    for (let rep = 0; rep < options.reps; rep++) {
      if (cancelled()) throw new CancelledError();
      options.onProgress?.('timing', rep, options.reps);
      if (useTimestamps && querySet && resolveBuffer && timestampRead) {
        const encoder = device.createCommandEncoder();
        encodeRuns(encoder, runsPerSample, true);
        encoder.resolveQuerySet(querySet, 0, 2, resolveBuffer, 0);
        encoder.copyBufferToBuffer(resolveBuffer, 0, timestampRead, 0, 16);
        const t0 = performance.now();
        device.queue.submit([encoder.finish()]);
        await timestampRead.mapAsync(GPUMapMode.READ);
        const wall = (performance.now() - t0) / 1000;
        const stamps = new BigUint64Array(timestampRead.getMappedRange().slice(0));
        timestampRead.unmap();
        const delta = Number(stamps[1] - stamps[0]) / 1e9;
        rawStamps.push(stamps[0], stamps[1]);
        if (delta > 0 && stamps[1] > stamps[0]) {
          seconds.push(delta / runsPerSample);
        } else {
          // The counter can stand still or go backwards: fall back to the wall clock for this sample.
          fallbacks++;
          seconds.push(wall / runsPerSample);
        }
      } else {
        seconds.push((await wallClockRuns(device, encodeRuns, runsPerSample)) / runsPerSample);
      }
    }
    options.onProgress?.('timing', options.reps, options.reps);
    const timedError = await device.popErrorScope();
    openScopes = 0;
    if (timedError) throw new Error(`WebGPU validation error while timing (the timings are invalid): ${timedError.message}`);

    // The last timed run's output, read back after the clock stopped.
    let lastOutput: HostArray | null = null;
    if (options.reps > 0) {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(outBuffer, 0, readback, 0, alignedBytes(outBytes));
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      lastOutput = typed(readback.getMappedRange().slice(0, outBytes));
      readback.unmap();
    }

    const timing: TimingInfo = useTimestamps
      ? {
          method: 'timestamp-query',
          resolutionSeconds: timestampResolution(rawStamps),
          runsPerSample,
          ...(fallbacks ? { note: `${fallbacks} sample(s) used the wall clock: the timestamp counter did not advance` } : {}),
        }
      : { method: 'wall-clock', resolutionSeconds: wallClockResolution(), runsPerSample };
    return { output, lastOutput, seconds, timing };
  } finally {
    // Scopes left open by an early exit (a compile error, a cancel) are closed here, so they do
    // not swallow later errors on this device.
    for (; openScopes > 0; openScopes--) await device.popErrorScope().catch(() => null);
    for (const b of created) b.destroy();
    querySet?.destroy();
  }
}

async function wallClockRuns(
  device: GPUDevice,
  encodeRuns: (encoder: GPUCommandEncoder, runs: number, timestamps: boolean) => void,
  runs: number,
): Promise<number> {
  const encoder = device.createCommandEncoder();
  encodeRuns(encoder, runs, false);
  const commands = encoder.finish();
  const t0 = performance.now();
  device.queue.submit([commands]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / 1000;
}

/**
 * The clock step seen in these timestamps: the largest power of two (in ns) that divides all of
 * them. Chrome masks the low 16 bits unless developer features are on, giving 65.536 µs.
 */
export function timestampResolution(stamps: bigint[]): number {
  if (stamps.length === 0) return NaN;
  let shift = 0;
  while (shift < 30 && stamps.every((s) => ((s >> BigInt(shift)) & 1n) === 0n)) shift++;
  return 2 ** shift / 1e9;
}

/** The smallest non-zero step of performance.now() seen over a short spin, in seconds. */
export function wallClockResolution(): number {
  let smallest = Infinity;
  let last = performance.now();
  const deadline = last + 5;
  let steps = 0;
  while (steps < 20) {
    const now = performance.now();
    if (now !== last) {
      smallest = Math.min(smallest, now - last);
      last = now;
      steps++;
    }
    if (now > deadline) break;
  }
  return Number.isFinite(smallest) ? smallest / 1000 : 1e-3;
}
