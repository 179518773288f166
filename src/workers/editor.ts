// The live kernel editor's side of the lab worker: the variant's plan for the editor, compile as
// you type, run the edit through the same harness beside the unedited kernel, and Check.
//
// Compiling and Check use a device of their own (the "editor device"): error scopes are a stack
// per device, and a compile's scopes must never interleave with a run's. Runs use the lab's
// device, the one every built-in run uses, so the two timings of one editor run are comparable.
import { checkBindings, checkKernel, targetFromPlan, type CheckReport } from '../checker';
import { parseWgsl } from '../checker/parse';
import { workgroupSizeOf } from '../checker/interp';
import { readWrite } from '../gpu/bindings';
import { acquireDevice, errorText, type AcquiredDevice } from '../gpu/device';
import { CancelledError, runPlan } from '../gpu/runner';
import { editedPlan, editedVariant, editHash, gridProblems, workgroupSizeProblems, type EditSpec } from '../kernels/edited';
import { validateExperiment, variantOf } from '../kernels/experiment';
import { ConfigurationError, runVariant } from '../kernels/run';
import type { DeviceCaps, Experiment, GpuPlan, HostArray, KernelVariant, ProgressInfo, ReferenceResult } from '../kernels/types';
import { GUARD_BUFFER, guardLoops, MAX_LOOP_CAP } from './editorGuard';
import type { DispatchCompile, EditorFromWorker, EditorPlan, EditorToWorker, ProbeInfo, SourceMessage } from './editorProtocol';

export interface EditorHost {
  /** The lab's device (runs), or null. */
  device(): AcquiredDevice | null;
  /** Why there is no lab device, in words. */
  noDeviceReason(): string;
  post(
    message:
      | EditorFromWorker
      | { type: 'progress'; id: number; progress: ProgressInfo }
      | { type: 'done'; id: number }
      | { type: 'error'; id: number; message: string; problems?: string[] }
      | { type: 'cancelled'; id: number },
  ): void;
  cancelled(id: number): boolean;
  loadAsset(path: string): Promise<Uint8Array>;
  /** The device to compile and Check on (default: one of the editor's own, see the header). */
  compileDevice?(): Promise<AcquiredDevice | null>;
}

/** The edit's loop cap: this many times the unedited kernel's most iterations per invocation, and at least MIN_CAP. */
const CAP_FACTOR = 16;
const MIN_CAP = 4096;

// ---- the variant's plan, made once per experiment ---------------------------------------------

interface Prepared {
  key: string;
  experiment: Experiment;
  variant: KernelVariant;
  inputs: Record<string, HostArray>;
  plan: GpuPlan;
  caps: DeviceCaps;
  reference?: ReferenceResult;
  builtInIterations?: Map<string, number | null>;
}

let prepared: Prepared | null = null;

function keyOf(e: Experiment): string {
  return JSON.stringify([e.family, e.variant, e.params, e.seed]);
}

async function prepare(raw: Experiment, caps: DeviceCaps, host: EditorHost): Promise<Prepared> {
  const { experiment, problems } = validateExperiment(raw);
  if (problems.length) throw new ConfigurationError(problems);
  const key = keyOf(experiment);
  if (prepared && prepared.key === key && prepared.caps === caps) return { ...prepared, experiment };
  const variant = variantOf(experiment);
  const paths = variant.assets?.(experiment.params) ?? [];
  const assets: Record<string, Uint8Array> = {};
  for (const p of paths) assets[p] = await host.loadAsset(p);
  const inputs = variant.makeInputs(experiment.params, experiment.seed, paths.length ? assets : undefined);
  const plan = variant.plan(experiment.params, inputs, caps);
  prepared = { key, experiment, variant, inputs, plan, caps };
  return prepared;
}

/** The same variant, with the prepared inputs and one float64 reference shared by both runs of an editor run. */
function sharingInputs(p: Prepared): KernelVariant {
  return {
    ...p.variant,
    assets: undefined,
    makeInputs: () => p.inputs,
    reference: (params, inputs) => (p.reference ??= p.variant.reference(params, inputs)),
  };
}

function workgroupSizeOfSource(wgsl: string, entryPoint: string): [number, number, number] | null {
  try {
    return workgroupSizeOf(parseWgsl(wgsl), entryPoint);
  } catch {
    return null;
  }
}

function planForEditor(p: Prepared): EditorPlan {
  return {
    outputBuffer: p.plan.output.buffer,
    dispatches: p.plan.dispatches.map((d) => ({
      label: d.label,
      wgsl: d.wgsl,
      entryPoint: d.entryPoint ?? 'main',
      bindings: d.bindings,
      workgroups: [d.workgroups[0], d.workgroups[1] ?? 1, d.workgroups[2] ?? 1],
      workgroupSize: workgroupSizeOfSource(d.wgsl, d.entryPoint ?? 'main'),
    })),
  };
}

// ---- the editor device (compile, Check) -------------------------------------------------------

let editorDevice: Promise<AcquiredDevice | null> | null = null;

function getEditorDevice(): Promise<AcquiredDevice | null> {
  editorDevice ??= acquireDevice((navigator as Navigator & { gpu?: GPU }).gpu, self.isSecureContext)
    .then((acquired) => {
      acquired.device.lost.then(() => (editorDevice = null));
      return acquired;
    })
    .catch(() => {
      editorDevice = null;
      return null;
    });
  return editorDevice;
}

// ---- compile as you type ----------------------------------------------------------------------

async function compileOne(
  device: GPUDevice,
  caps: DeviceCaps,
  wgsl: string,
  entryPoint: string,
  bindings: GpuPlan['dispatches'][number]['bindings'],
  outputBuffer: string,
  grid: [number, number, number] | undefined,
  index: number,
): Promise<DispatchCompile> {
  const t0 = performance.now();
  const messages: SourceMessage[] = [];
  // The contract first: a pipeline is made only for a shader whose bindings match the harness's.
  for (const b of checkBindings(wgsl, bindings, { outputBuffer, entryPoint })) {
    if (b.kind === 'parse') continue; // the compiler says it better
    messages.push({ severity: b.severity, source: 'bindings', line: b.line, message: b.message });
  }
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `edit ${index + 1}`, code: wgsl });
  const info = await module.getCompilationInfo();
  const moduleError = await device.popErrorScope();
  for (const m of info.messages) {
    messages.push({
      severity: m.type,
      source: 'compiler',
      line: m.lineNum || undefined,
      column: m.linePos || undefined,
      length: m.length || undefined,
      message: m.message,
    });
  }
  const compiled = !info.messages.some((m) => m.type === 'error') && !moduleError;
  if (moduleError && compiled === false && !info.messages.some((m) => m.type === 'error'))
    messages.push({ severity: 'error', source: 'compiler', message: moduleError.message });
  const workgroupSize = compiled ? workgroupSizeOfSource(wgsl, entryPoint) : null;
  if (workgroupSize) for (const p of workgroupSizeProblems(workgroupSize, caps)) messages.push({ severity: 'error', source: 'limits', message: p });
  if (grid)
    for (const p of gridProblems({ sources: {}, workgroups: { [index]: grid } }, caps)) messages.push({ severity: 'error', source: 'limits', message: p });
  let ready = false;
  if (compiled && !messages.some((m) => m.severity === 'error')) {
    device.pushErrorScope('validation');
    let thrown: string | null = null;
    try {
      await device.createComputePipelineAsync({ label: `edit ${index + 1}`, layout: 'auto', compute: { module, entryPoint } });
    } catch (e) {
      thrown = errorText(e);
    }
    const scopeError = await device.popErrorScope();
    const problem = thrown ?? scopeError?.message;
    if (problem) messages.push({ severity: 'error', source: 'pipeline', message: problem });
    else ready = true;
  }
  return { index, messages, workgroupSize, ready, milliseconds: performance.now() - t0 };
}

// ---- the loop guard probe ---------------------------------------------------------------------

/** Runs the plan once with every loop guarded (editorGuard.ts): [line of a tripped loop or 0, most iterations of one invocation]. */
async function probe(
  device: GPUDevice,
  plan: GpuPlan,
  cap: number,
): Promise<{ trippedLine: number; trippedLines: number[]; trippedDispatch: number | null; iterations: number | null }> {
  let anyLoops = false;
  // One guard buffer per dispatch, so a tripped loop names its dispatch.
  const guarded = plan.dispatches.map((d, i) => {
    const g = guardLoops(d.wgsl, { cap, binding: d.bindings.length, entryPoint: d.entryPoint ?? 'main' });
    if (g.loops > 0) anyLoops = true;
    return g.applied
      ? {
          ...d,
          wgsl: g.wgsl.replaceAll(GUARD_BUFFER, `${GUARD_BUFFER}_${i}`),
          bindings: [...d.bindings, readWrite(`${GUARD_BUFFER}_${i}`, 'array<atomic<u32>, 3>')],
        }
      : d;
  });
  if (!anyLoops) return { trippedLine: 0, trippedLines: [], trippedDispatch: null, iterations: null };
  let trippedLine = 0;
  let trippedLines: number[] = [];
  let trippedDispatch: number | null = null;
  let iterations = 0;
  // Run the dispatches as the plan does, reading each guard buffer: the plan's output buffer is
  // replaced by the guard buffer of dispatch k (all dispatches run each time; guarded runs end).
  const guards = guarded.map((_, i) => ({ name: `${GUARD_BUFFER}_${i}`, bytes: 12, usage: 'storage' as const, resetEachRun: true }));
  for (let k = 0; k < guarded.length; k++) {
    if (guarded[k] === plan.dispatches[k]) continue;
    const out = await runPlan(
      device,
      { buffers: [...plan.buffers, ...guards], dispatches: guarded, output: { buffer: `${GUARD_BUFFER}_${k}`, type: 'u32', count: 3 } },
      { reps: 0 },
    );
    const [last, most, first] = out.output as Uint32Array;
    if (last && !trippedLine) {
      // Nested loops share one counter: the guard may stop the inner and the outer loop; both are named.
      const firstLine = 0xffffffff - first;
      trippedLine = firstLine;
      trippedLines = firstLine === last ? [last] : [firstLine, last];
      trippedDispatch = k;
    }
    iterations = Math.max(iterations, most);
    if (trippedLine) break;
  }
  return { trippedLine, trippedLines, trippedDispatch, iterations };
}

// ---- the handlers -----------------------------------------------------------------------------

function sourcesOf(plan: GpuPlan, edit: EditSpec): string[] {
  return plan.dispatches.map((d, i) => edit.sources[i] ?? d.wgsl);
}

function cleanEdit(raw: EditSpec, plan: GpuPlan): EditSpec {
  const sources: Record<number, string> = {};
  const workgroups: Record<number, [number, number, number]> = {};
  for (let i = 0; i < plan.dispatches.length; i++) {
    const s = raw?.sources?.[i];
    if (typeof s === 'string') sources[i] = s.slice(0, 400_000);
    const g = raw?.workgroups?.[i];
    if (Array.isArray(g) && g.length === 3) workgroups[i] = [Number(g[0]), Number(g[1]), Number(g[2])];
  }
  return { sources, workgroups };
}

async function run(message: Extract<EditorToWorker, { type: 'editor-run' }>, host: EditorHost) {
  const { id } = message;
  const acquired = host.device();
  if (!acquired) throw new Error(host.noDeviceReason());
  const cancel = {
    get cancelled() {
      return host.cancelled(id);
    },
  };
  const onProgress = (progress: ProgressInfo) => host.post({ type: 'progress', id, progress });
  onProgress({ phase: 'inputs', fraction: 0, message: 'seeded inputs and the plan' });
  const p = await prepare(message.experiment, acquired.caps, host);
  const edit = cleanEdit(message.edit, p.plan);
  const plan = editedPlan(p.plan, edit);
  const refuse = (text: string, problems: string[], extra: { dispatch?: number; lines?: number[] } = {}) =>
    host.post({ type: 'editor-refused', id, message: text, problems, ...extra });

  // The contract and the device's limits, before anything reaches the GPU.
  const contract: string[] = [];
  plan.dispatches.forEach((d, i) => {
    if (edit.sources[i] === undefined) return;
    for (const b of checkBindings(d.wgsl, d.bindings, { outputBuffer: plan.output.buffer, entryPoint: d.entryPoint ?? 'main' })) {
      if (b.severity === 'error') contract.push(`dispatch ${i + 1}${b.line ? `, line ${b.line}` : ''}: ${b.message}`);
    }
    const size = workgroupSizeOfSource(d.wgsl, d.entryPoint ?? 'main');
    if (size) for (const problem of workgroupSizeProblems(size, acquired.caps)) contract.push(`dispatch ${i + 1}: ${problem}`);
  });
  contract.push(...gridProblems(edit, acquired.caps));
  if (contract.length) return refuse('The edit was not run: it does not fit the harness or this device.', contract);

  // The loop guard: the unedited kernel's iterations set the edit's cap (editorGuard.ts).
  onProgress({ phase: 'compile', fraction: 0.03, message: 'loop guard: iterations of the unedited kernel' });
  p.builtInIterations ??= new Map();
  const gridKey = JSON.stringify(edit.workgroups);
  if (!p.builtInIterations.has(gridKey)) {
    // The unedited kernel with the edit's grids, so both count the same invocations.
    const builtIn = await probe(acquired.device, editedPlan(p.plan, { sources: {}, workgroups: edit.workgroups }), MAX_LOOP_CAP - 1);
    p.builtInIterations.set(gridKey, builtIn.iterations);
  }
  const builtInIterations = p.builtInIterations.get(gridKey) ?? null;
  if (cancel.cancelled) throw new CancelledError();
  const cap = Math.min(MAX_LOOP_CAP - 1, Math.max(MIN_CAP, CAP_FACTOR * (builtInIterations ?? 0)));
  onProgress({ phase: 'compile', fraction: 0.06, message: `loop guard: the edit, at most ${cap} iterations per invocation` });
  const edited = await probe(acquired.device, plan, cap);
  const probeInfo: ProbeInfo = { cap, builtInIterations, editIterations: edited.iterations };
  if (edited.trippedLine) {
    return refuse(
      `The edit was not run: ${edited.trippedLines.length > 1 ? `the loops at lines ${edited.trippedLines.join(' and ')}` : `the loop at line ${edited.trippedLine}`}${plan.dispatches.length > 1 ? ` of dispatch ${edited.trippedDispatch! + 1}` : ''} ran past ${cap} iterations in one invocation ` +
        `(the unedited kernel needs at most ${builtInIterations ?? 0}), so it probably never ends. A kernel that never ends would hold the GPU until the browser is closed on a software adapter, or until the system resets it.`,
      [],
      { dispatch: edited.trippedDispatch ?? undefined, lines: edited.trippedLines },
    );
  }
  if (cancel.cancelled) throw new CancelledError();

  // The same harness, twice in one job: the unedited kernel, then the edit.
  const hash = await editHash(sourcesOf(p.plan, edit));
  const base = sharingInputs(p);
  const options = { caps: acquired.caps, adapter: acquired.adapter, cancel, loadAsset: host.loadAsset };
  const builtIn = await runVariant(acquired.device, base, p.experiment, {
    ...options,
    onProgress: (q) => onProgress({ ...q, fraction: 0.1 + q.fraction * 0.45, message: `unedited: ${q.message}` }),
  });
  const result = await runVariant(acquired.device, editedVariant(base, edit, hash), p.experiment, {
    ...options,
    onProgress: (q) => onProgress({ ...q, fraction: 0.55 + q.fraction * 0.45, message: `edit: ${q.message}` }),
  });
  const ratio = result.medianSeconds / builtIn.medianSeconds;
  result.edit = { hash, dispatches: Object.keys(edit.sources).map(Number), ratio };
  host.post({ type: 'editor-result', id, edited: result, builtIn, ratio, probe: probeInfo });
}

async function check(message: Extract<EditorToWorker, { type: 'editor-check' }>, host: EditorHost) {
  const { id } = message;
  const cancel = {
    get cancelled() {
      return host.cancelled(id);
    },
  };
  host.post({ type: 'progress', id, progress: { phase: 'inputs', fraction: 0, message: 'seeded inputs and the plan' } });
  const compileDevice = await (host.compileDevice ?? getEditorDevice)();
  const caps = host.device()?.caps ?? compileDevice?.caps;
  if (!caps) throw new Error(host.noDeviceReason());
  const p = await prepare(message.experiment, caps, host);
  const edit = cleanEdit(message.edit, p.plan);
  host.post({ type: 'progress', id, progress: { phase: 'compile', fraction: 0.1, message: 'compiling, then interpreting a few workgroups on the CPU' } });
  const budgetMs = Math.max(100, Math.min(120_000, Number(message.budgetMs) || 10_000));
  const maxWorkgroups = Math.max(1, Math.min(64, Math.floor(Number(message.maxWorkgroups) || 8)));
  const report: CheckReport = await checkKernel(compileDevice?.device ?? null, targetFromPlan(editedPlan(p.plan, edit)), { budgetMs, cancel, maxWorkgroups });
  if (report.stoppedBy === 'cancel') throw new CancelledError();
  host.post({ type: 'editor-check-result', id, report });
}

/** Handles one editor message. Jobs (run, check) end with done / error / cancelled, as runs do. */
export async function handleEditorMessage(message: EditorToWorker, host: EditorHost): Promise<void> {
  const { id } = message;
  if (message.type === 'editor-plan' || message.type === 'editor-compile') {
    try {
      const compileOn = host.compileDevice ?? getEditorDevice;
      const caps = host.device()?.caps ?? (await compileOn())?.caps;
      if (!caps) throw new Error(host.noDeviceReason());
      const p = await prepare(message.experiment, caps, host);
      if (message.type === 'editor-plan') {
        host.post({ type: 'editor-plan', id, plan: planForEditor(p) });
        return;
      }
      const device = await compileOn();
      if (!device) throw new Error(`no WebGPU device to compile on: ${host.noDeviceReason()}`);
      const edit = cleanEdit(message.edit, p.plan);
      const dispatches: DispatchCompile[] = [];
      for (const [key, wgsl] of Object.entries(edit.sources)) {
        const i = Number(key);
        const d = p.plan.dispatches[i];
        dispatches.push(await compileOne(device.device, caps, wgsl, d.entryPoint ?? 'main', d.bindings, p.plan.output.buffer, edit.workgroups?.[i], i));
      }
      host.post({ type: 'editor-compiled', id, dispatches });
    } catch (e) {
      const text = e instanceof ConfigurationError ? e.problems.join('; ') : errorText(e);
      host.post(
        message.type === 'editor-plan' ? { type: 'editor-plan', id, plan: null, error: text } : { type: 'editor-compiled', id, dispatches: [], error: text },
      );
    }
    return;
  }
  try {
    if (message.type === 'editor-run') await run(message, host);
    else await check(message, host);
    host.post({ type: 'done', id });
  } catch (e) {
    if (e instanceof CancelledError) host.post({ type: 'cancelled', id });
    else if (e instanceof ConfigurationError) host.post({ type: 'error', id, message: 'This configuration cannot run on this device', problems: e.problems });
    else host.post({ type: 'error', id, message: errorText(e) });
  }
}

export function isEditorMessage(message: { type: string }): message is EditorToWorker {
  return message.type.startsWith('editor-');
}
