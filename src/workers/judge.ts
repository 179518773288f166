// The judge's GPU part: runs a student's shader for an exercise (src/exercises/) on this device and
// returns the verdict. Called by the lab worker (which owns the device) and by the Node tests.
//
// In order (exercises/verdict.ts says how the headline is chosen from what is found):
//   1. the device's compiler, and a pipeline (workgroup memory, invocations: the device's limits);
//   2. the harness's contract: the bindings (checker/bindings.ts) and the @workgroup_size the
//      dispatch shape is computed for;
//   3. every hidden shape, first once with every loop guarded (workers/editorGuard.ts: a loop that
//      never ends would hold a software adapter, which has no watchdog, until the browser closes),
//      then for real through runVariant — the same harness as every built-in kernel: seeded
//      inputs, float64 reference with the exercise's bound, the first run's and the last timed
//      run's output both checked;
//   4. the race and bounds checker (checker/index.ts) over every workgroup of the exercise's check
//      shape, on the CPU;
//   5. when asked, and only when everything passed: the speed goal, the student's kernel and the
//      built-in variant timed alternately in this run, as a ratio of medians.
import { checkBindings, checkKernel, targetFromPlan, type CheckProblem } from '../checker';
import { workgroupSizeOf } from '../checker/interp';
import { parseWgsl } from '../checker/parse';
import { readWrite } from '../gpu/bindings';
import { errorText } from '../gpu/device';
import { CancelledError, runPlan, ShaderCompileError, type CancelToken } from '../gpu/runner';
import type { GpuPlan } from '../gpu/types';
import { findExercise } from '../exercises';
import { withSource, worstElement } from '../exercises/harness';
import type { Exercise, ShapeOutcome, SourceFinding, SpeedOutcome, Verdict, WorstElement } from '../exercises/types';
import { assembleVerdict, shapeFailure } from '../exercises/verdict';
import { ConfigurationError, runExperiment, runVariant } from '../kernels/run';
import { defaultParams } from '../kernels/schema';
import type { FamilyExtras } from '../kernels/extras';
import type { AdapterDescription, DeviceCaps, Experiment, KernelVariant, Params, ProgressInfo } from '../kernels/types';
import { GUARD_BUFFER, guardLoops, MAX_LOOP_CAP } from './editorGuard';
import { MAX_JUDGE_SOURCE, type JudgeFromWorker, type JudgeRequest, type JudgeToWorker } from './judgeProtocol';
import type { AcquiredDevice } from '../gpu/device';

export type { JudgeRequest } from './judgeProtocol';

export interface JudgeOptions {
  caps: DeviceCaps;
  adapter?: AdapterDescription | null;
  cancel?: CancelToken;
  onProgress?: (p: ProgressInfo) => void;
  /** The checker's interpretation budget (ms). */
  checkBudgetMs?: number;
}

/** Seeds of the hidden shapes' inputs: shape i uses SEED + i. */
const SEED = 20_260_501;
/** The checker runs every workgroup of the check shape, up to this many. */
const CHECK_WORKGROUPS = 64;
/** Alternate rounds of the speed goal (built-in, student, built-in, student…). */
const SPEED_ROUNDS = 3;
/**
 * The loop cap per invocation: this many times the solution's most iterations at the same shape,
 * and at least MIN_CAP — generous enough for a correct kernel written very differently (one
 * invocation walking a whole row), small enough that a loop that never ends stops within seconds
 * on a software adapter (every invocation of the largest shape at the cap).
 */
const CAP_FACTOR = 64;
const MIN_CAP = 65_536;

// ---- the loop guard ---------------------------------------------------------------------------

/** Runs the plan once with every loop guarded: the first tripped loop's line (0: none) and the most iterations one invocation made. */
async function probeLoops(device: GPUDevice, plan: GpuPlan, cap: number, cancel?: CancelToken): Promise<{ trippedLines: number[]; iterations: number | null }> {
  const d = plan.dispatches[0];
  const g = guardLoops(d.wgsl, { cap, binding: d.bindings.length, entryPoint: d.entryPoint ?? 'main' });
  if (!g.applied || g.loops === 0) return { trippedLines: [], iterations: null };
  const guarded: GpuPlan = {
    buffers: [...plan.buffers, { name: GUARD_BUFFER, bytes: 12, usage: 'storage', resetEachRun: true }],
    dispatches: [{ ...d, wgsl: g.wgsl, bindings: [...d.bindings, readWrite(GUARD_BUFFER, 'array<atomic<u32>, 3>')] }],
    output: { buffer: GUARD_BUFFER, type: 'u32', count: 3 },
  };
  const out = await runPlan(device, guarded, { reps: 0, cancel });
  // [0]: the last line of a loop that hit the cap, [1]: most iterations, [2]: 0xffffffff − the first such line.
  const [last, most, first] = out.output as Uint32Array;
  const firstLine = last ? 0xffffffff - first : 0;
  return { trippedLines: !last ? [] : firstLine === last ? [last] : [firstLine, last], iterations: most };
}

/** Per exercise: the loop cap and the solution's most iterations per invocation over all hidden shapes (it always ends), remembered. */
const exerciseCaps = new Map<string, Promise<{ cap: number; reference: number }>>();

/** One cap for every shape, so the guarded shader is compiled once (the cap is a constant in it). */
function capOf(device: GPUDevice, exercise: Exercise, options: JudgeOptions): Promise<{ cap: number; reference: number }> {
  let pending = exerciseCaps.get(exercise.id);
  if (!pending) {
    pending = (async () => {
      let reference = 0;
      for (const [i, shape] of exercise.shapes.entries()) {
        const params = paramsOf(exercise, shape.params);
        const plan = exercise.harness.plan(params, exercise.harness.makeInputs(params, SEED + i), options.caps);
        reference = Math.max(reference, (await probeLoops(device, plan, MAX_LOOP_CAP - 1)).iterations ?? 0);
      }
      return { cap: Math.min(MAX_LOOP_CAP - 1, Math.max(MIN_CAP, CAP_FACTOR * reference)), reference };
    })();
    pending.catch(() => exerciseCaps.delete(exercise.id));
    exerciseCaps.set(exercise.id, pending);
  }
  return pending;
}

async function loopFinding(
  device: GPUDevice,
  exercise: Exercise,
  source: string,
  params: Params,
  seed: number,
  options: JudgeOptions,
): Promise<SourceFinding | undefined> {
  const h = exercise.harness;
  const plan = h.plan(params, h.makeInputs(params, seed), options.caps);
  const { cap, reference } = await capOf(device, exercise, options);
  const probe = await probeLoops(device, withSource(plan, source), cap, options.cancel);
  if (!probe.trippedLines.length) return undefined;
  const lines = probe.trippedLines;
  return {
    kind: 'endless-loop',
    severity: 'error',
    line: lines[0],
    lines,
    message:
      `${lines.length > 1 ? `The loops at lines ${lines.join(' and ')}` : `The loop at line ${lines[0]}`} ran more than ${cap} times in one invocation at ${exercise.shapeText(params)} ` +
      `(the solution needs at most ${reference} on any hidden shape), so it probably never ends; the judge stopped it there and did not run your kernel for real. Check its condition and its step.`,
  };
}

/** The student's shader in the exercise's harness; `seen` receives the first run's worst element. */
function studentVariant(exercise: Exercise, source: string, seen: (worst: WorstElement | undefined) => void): KernelVariant {
  const h = exercise.harness;
  return {
    ...h,
    label: `${h.label} (your kernel)`,
    plan: (params, inputs, caps) => withSource(h.plan(params, inputs, caps), source),
    // The harness hands the first run's output to extras(): the judge reads it there to name the
    // worst element, and adds nothing to the result.
    extras: (params, _inputs, output, ref) => {
      seen(worstElement(output, ref.values, ref.bound, (i) => exercise.where(params, i)));
      return undefined as unknown as FamilyExtras;
    },
  };
}

function paramsOf(exercise: Exercise, params: Params): Params {
  return { ...defaultParams(exercise.harness.params), ...params };
}

/** 1–2: the compiler and a pipeline on this device, then the contract. */
async function staticFindings(device: GPUDevice, exercise: Exercise, source: string): Promise<SourceFinding[]> {
  const out: SourceFinding[] = [];
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `exercise ${exercise.id}`, code: source });
  const info = await module.getCompilationInfo();
  const moduleError = await device.popErrorScope();
  for (const m of info.messages) {
    if (m.type === 'info') continue;
    out.push({
      kind: 'compile',
      severity: m.type,
      line: m.lineNum || undefined,
      column: m.linePos || undefined,
      message: `line ${m.lineNum}:${m.linePos}: ${m.message}`,
    });
  }
  const compiled = !out.some((f) => f.severity === 'error');
  if (moduleError && compiled) out.push({ kind: 'compile', severity: 'error', message: moduleError.message });

  for (const b of checkBindings(source, exercise.contract.bindings, { outputBuffer: exercise.contract.output, entryPoint: 'main' })) {
    if (b.kind === 'parse') continue; // the compiler says it better
    out.push({ kind: 'contract', severity: b.severity, line: b.line, message: b.message });
  }
  if (compiled && !moduleError) {
    try {
      const size = workgroupSizeOf(parseWgsl(source), 'main');
      const want = exercise.contract.workgroupSize;
      if (size.some((s, i) => s !== want[i])) {
        const line = source.split('\n').findIndex((l) => l.includes('@workgroup_size')) + 1 || undefined;
        out.push({
          kind: 'contract',
          severity: 'error',
          line,
          message: `the harness dispatches ${exercise.contract.grid} for @workgroup_size(${want.join(', ')}); this shader declares @workgroup_size(${size.join(', ')})`,
        });
      }
    } catch {
      // The checker cannot read it: the contract check above has said so if it matters.
    }
    // A pipeline: what only the device knows (workgroup memory and invocation limits).
    if (!out.some((f) => f.severity === 'error')) {
      device.pushErrorScope('validation');
      let thrown: string | null = null;
      try {
        await device.createComputePipelineAsync({ label: `exercise ${exercise.id}`, layout: 'auto', compute: { module, entryPoint: 'main' } });
      } catch (e) {
        thrown = errorText(e);
      }
      const scopeError = await device.popErrorScope();
      const problem = thrown ?? scopeError?.message;
      if (problem) out.push({ kind: 'compile', severity: 'error', message: `this device cannot make a pipeline of it: ${problem}` });
    }
  }
  return out;
}

/** 3: one hidden shape. */
async function runShape(device: GPUDevice, exercise: Exercise, source: string, params: Params, seed: number, options: JudgeOptions): Promise<ShapeOutcome> {
  const text = exercise.shapeText(params);
  let worst: WorstElement | undefined;
  const variant = studentVariant(exercise, source, (w) => (worst = w));
  const experiment: Experiment = { family: exercise.family, variant: exercise.harness.id, params, seed, reps: 2 };
  try {
    const result = await runVariant(device, variant, experiment, {
      caps: options.caps,
      adapter: options.adapter,
      cancel: options.cancel,
      targetSampleSeconds: 0.002,
    });
    const m = result.metrics;
    const passed = (m.boundViolations ?? 0) === 0 && m.nonFinite === 0 && !result.repeatCheck?.failure;
    const outcome: ShapeOutcome = { text, passed, seconds: result.medianSeconds, maxAbs: m.maxAbs, worstBoundRatio: m.worstBoundRatio ?? 0 };
    if (!passed) {
      const { kind, failure } = shapeFailure(text, worst, result.repeatCheck?.failure);
      return { ...outcome, failureKind: kind, failure, ...(worst ? { worst } : {}) };
    }
    return outcome;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const why = e instanceof ConfigurationError ? e.problems.join('; ') : e instanceof ShaderCompileError ? e.messages.join('; ') : errorText(e);
    return { text, passed: false, seconds: NaN, maxAbs: NaN, worstBoundRatio: NaN, failureKind: 'run-error', failure: `${text}: the run failed: ${why}` };
  }
}

function findingOf(p: CheckProblem): SourceFinding | null {
  const kind = p.kind === 'barrier-divergence' ? 'barrier' : p.kind;
  if (kind === 'binding' || kind === 'compile') return null; // judged before
  if (kind === 'parse') return { kind: 'internal', severity: 'warning', line: p.line, message: p.message };
  return { kind, severity: p.severity, line: p.line, ...(p.lines ? { lines: p.lines } : {}), message: p.message };
}

/** 4: the race and bounds checker over every workgroup of the check shape. */
async function runChecker(exercise: Exercise, source: string, options: JudgeOptions): Promise<{ findings: SourceFinding[]; checked: string }> {
  const params = paramsOf(exercise, exercise.checkShape.params);
  const h = exercise.harness;
  const inputs = h.makeInputs(params, SEED);
  const plan = withSource(h.plan(params, inputs, options.caps), source);
  const report = await checkKernel(null, targetFromPlan(plan), {
    maxWorkgroups: CHECK_WORKGROUPS,
    budgetMs: options.checkBudgetMs ?? 20_000,
    cancel: options.cancel,
  });
  if (report.stoppedBy === 'cancel') throw new CancelledError();
  const findings = report.problems.map(findingOf).filter((f): f is SourceFinding => f !== null);
  const d = report.dispatches[0];
  const total = d ? d.grid[0] * d.grid[1] * d.grid[2] : 0;
  const covered = d
    ? d.complete
      ? `every workgroup of ${exercise.shapeText(params)} (${total})`
      : `${d.checked.length} of the ${total} workgroups of ${exercise.shapeText(params)}${d.stopped ? ` (${d.stopped})` : ''}`
    : 'nothing';
  return { findings, checked: covered };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** 5: the speed goal, both kernels timed alternately. */
async function runSpeed(device: GPUDevice, exercise: Exercise, source: string, options: JudgeOptions): Promise<{ speed?: SpeedOutcome; skipped?: string }> {
  const goal = exercise.speedGoal!;
  const params = paramsOf(exercise, goal.params);
  const student: number[] = [];
  const builtIn: number[] = [];
  const variant = studentVariant(exercise, source, () => {});
  for (let r = 0; r < SPEED_ROUNDS; r++) {
    if (options.cancel?.cancelled) throw new CancelledError();
    options.onProgress?.({ phase: 'timing', fraction: 0.85 + (0.14 * r) / SPEED_ROUNDS, message: `speed goal: round ${r + 1} of ${SPEED_ROUNDS}` });
    const b = await runExperiment(
      device,
      { ...goal.builtIn, reps: 3 },
      { caps: options.caps, adapter: options.adapter, cancel: options.cancel, targetSampleSeconds: 0.02 },
    );
    const s = await runVariant(
      device,
      variant,
      { family: exercise.family, variant: exercise.harness.id, params, seed: SEED, reps: 3 },
      { caps: options.caps, adapter: options.adapter, cancel: options.cancel, targetSampleSeconds: 0.02 },
    );
    if ((s.metrics.boundViolations ?? 0) > 0 || s.metrics.nonFinite > 0)
      return { skipped: `your kernel broke the bound at ${exercise.shapeText(params)}, the speed goal's shape` };
    builtIn.push(b.medianSeconds);
    student.push(s.medianSeconds);
  }
  const studentSeconds = median(student);
  const builtInSeconds = median(builtIn);
  const ratio = builtInSeconds / studentSeconds;
  return {
    speed: { label: goal.label, goal: goal.ratio, ratio, met: ratio >= goal.ratio, studentSeconds, builtInSeconds, shapeText: exercise.shapeText(params) },
  };
}

export async function judgeSubmission(device: GPUDevice, request: JudgeRequest, options: JudgeOptions): Promise<Verdict> {
  const t0 = performance.now();
  const exercise = findExercise(request.exercise);
  if (!exercise) throw new Error(`there is no exercise "${request.exercise.slice(0, 40)}"`);
  const progress = (fraction: number, message: string) => options.onProgress?.({ phase: 'timing', fraction, message });
  const seconds = () => (performance.now() - t0) / 1000;

  progress(0, 'compiling your shader');
  const statics = await staticFindings(device, exercise, request.source);
  if (statics.some((f) => f.severity === 'error')) return assembleVerdict(exercise, { static: statics, shapes: [], check: null, judgeSeconds: seconds() });

  const shapes: ShapeOutcome[] = [];
  for (const [i, shape] of exercise.shapes.entries()) {
    if (options.cancel?.cancelled) throw new CancelledError();
    const params = paramsOf(exercise, shape.params);
    progress(0.05 + (0.6 * i) / exercise.shapes.length, `shape ${i + 1} of ${exercise.shapes.length}: ${exercise.shapeText(params)}`);
    const loop = await loopFinding(device, exercise, request.source, params, SEED + i, options);
    if (loop) return assembleVerdict(exercise, { static: statics, loop, shapes, check: null, judgeSeconds: seconds() });
    shapes.push(await runShape(device, exercise, request.source, params, SEED + i, options));
  }

  progress(0.65, 'race and bounds check');
  const { findings, checked } = await runChecker(exercise, request.source, options);

  let speed: SpeedOutcome | undefined;
  let speedSkipped: string | undefined;
  const clean = shapes.every((s) => s.passed) && !findings.some((f) => f.severity === 'error' && ['hazard', 'out-of-bounds', 'barrier'].includes(f.kind));
  if (request.speed && exercise.speedGoal) {
    if (clean) ({ speed, skipped: speedSkipped } = await runSpeed(device, exercise, request.source, options));
    else speedSkipped = 'the speed goal is timed once the kernel passes';
  }
  progress(1, 'verdict');
  return assembleVerdict(exercise, {
    static: statics,
    shapes,
    check: findings,
    checked,
    ...(speed ? { speed } : {}),
    ...(speedSkipped ? { speedSkipped } : {}),
    judgeSeconds: seconds(),
  });
}

// ---- the worker's side ------------------------------------------------------------------------

export interface JudgeHost {
  device(): AcquiredDevice | null;
  noDeviceReason(): string;
  post(
    message:
      | JudgeFromWorker
      | { type: 'progress'; id: number; progress: ProgressInfo }
      | { type: 'done'; id: number }
      | { type: 'error'; id: number; message: string; problems?: string[] }
      | { type: 'cancelled'; id: number },
  ): void;
  cancelled(id: number): boolean;
}

export function isJudgeMessage(message: { type: string }): message is JudgeToWorker {
  return message.type === 'judge';
}

/** The request as the page sent it, checked (it crossed a boundary): a request, or why not. */
export function checkJudgeRequest(raw: unknown): { request: JudgeRequest } | { problem: string } {
  const r = raw as Partial<JudgeRequest> | null;
  if (!r || typeof r !== 'object') return { problem: 'the judge request is not an object' };
  if (typeof r.exercise !== 'string' || !findExercise(r.exercise))
    return { problem: `there is no exercise ${typeof r.exercise === 'string' ? `"${r.exercise.slice(0, 40)}"` : 'named'}` };
  if (typeof r.source !== 'string') return { problem: 'the shader is missing' };
  if (r.source.length > MAX_JUDGE_SOURCE) return { problem: `the shader is ${r.source.length} characters long; the judge takes at most ${MAX_JUDGE_SOURCE}` };
  return { request: { exercise: r.exercise, source: r.source, speed: r.speed === true } };
}

export async function handleJudgeMessage(message: JudgeToWorker, host: JudgeHost): Promise<void> {
  const { id } = message;
  const checked = checkJudgeRequest(message.request);
  if ('problem' in checked) {
    host.post({ type: 'error', id, message: 'The submission could not be judged', problems: [checked.problem] });
    return;
  }
  const acquired = host.device();
  if (!acquired) {
    host.post({ type: 'error', id, message: `The judge needs WebGPU: ${host.noDeviceReason()}` });
    return;
  }
  try {
    const verdict = await judgeSubmission(acquired.device, checked.request, {
      caps: acquired.caps,
      adapter: acquired.adapter,
      cancel: {
        get cancelled() {
          return host.cancelled(id);
        },
      },
      onProgress: (progress) => host.post({ type: 'progress', id, progress }),
    });
    host.post({ type: 'judge-result', id, verdict, adapter: acquired.adapter, features: [...acquired.caps.features].sort() });
    host.post({ type: 'done', id });
  } catch (e) {
    if (e instanceof CancelledError) host.post({ type: 'cancelled', id });
    else host.post({ type: 'error', id, message: `The judge failed: ${errorText(e)}` });
  }
}
