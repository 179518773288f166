// The race and bounds checker, and the binding contract, for the live kernel editor.
//
// WHAT IT DOES
//   checkBindings(wgsl, expected, options?) → BindingProblem[]            (synchronous, no GPU)
//     The shader's @group/@binding declarations against the harness's Binding[] of that dispatch:
//     missing, extra, wrong group, duplicate, uniform/storage confusion, read vs read_write, store
//     type, unused by the entry point (layout 'auto' would drop it), name (info only). A bare
//     string binding is "name only": only presence is checked.
//   checkKernel(device | null, target, options?) → Promise<CheckReport>
//     Per dispatch: the binding contract; the device's compiler (when a device is given: errors
//     and warnings with line and column); then the interpreter runs a few workgroups and reports
//       - workgroup-memory hazards: two different invocations of one workgroup touching the same
//         var<workgroup> scalar, at least one writing, with no barrier between them (RAW, WAR,
//         WAW), naming the variable, the element, both lines and both invocations; and two
//         invocations writing one storage element in one dispatch, not atomically (WAW);
//       - out-of-bounds indices into storage, uniform, workgroup, private and function arrays
//         (and vectors/values), with line, array, index, length, invocation, workgroup;
//       - non-uniform barriers: a workgroupBarrier / storageBarrier / workgroupUniformLoad that
//         not every invocation of the workgroup reached together, and subgroup-matrix builtins
//         run by part of a subgroup. Dawn's uniformity analysis rejects every such case we have
//         tried (tests/gpu/checker-bugs.test.ts), so with a device these come with a compile
//         error; the run-time check covers checks without a device and any gap in an analysis.
//   targetFromPlan(plan) turns a variant's GpuPlan into a CheckTarget; editedTarget(plan, edits)
//   replaces some dispatches' WGSL ({ [dispatchIndex]: source }).
//
// USE FROM THE EDITOR (in the worker, which owns the device):
//   as the user types:  checkBindings(source, plan.dispatches[i].bindings, { outputBuffer: plan.output.buffer,
//                       entryPoint })  — synchronous, 1–3 ms for our shaders (measured under load)
//   on "Check":         const report = await checkKernel(device, editedTarget(plan, { [i]: source }),
//                       { budgetMs, cancel })  — then post the report to the page as it is.
//   Every problem has `kind`, `severity` ('error' | 'warning' | 'info'), `dispatch`, `line`
//   (1-based, in the source as given; hazards also give `lines`, both accesses) and `message` (a
//   sentence to show as is); `finding` / `binding` carry the structured fields. `verdict` sums it
//   up, `dispatches[k]` says which workgroups ran and why a dispatch stopped early.
//   Everything returned is plain data (it crosses the worker boundary); nothing throws for bad
//   input: a shader the checker cannot read gives a problem with its line.
//
// HOW: interpretation on the CPU, not GPU instrumentation. The interpreter (interp.ts) runs every
// invocation of a workgroup in lockstep (SIMT with an active mask: branches and loops narrow the
// mask, as a GPU runs a subgroup), in double precision rounded to f32/f16 after every operation,
// u32/i32 wrapping as WGSL does. Each workgroup-memory scalar has a shadow (last writer, its line
// and barrier epoch; up to two readers of the epoch); a barrier starts a new epoch. Lockstep order
// names the hazard as a GPU running the workgroup in lockstep would meet it (e.g. a tiled matmul
// without its second barrier gives write-after-read). Chosen over instrumenting the shader for the
// GPU because it needs no device (the editor can check without WebGPU), is deterministic (a hazard
// is reported whatever order the hardware picks), reports exact invocation ids and lines, and runs
// the kernels this machine's GPU cannot (f16, subgroup matrices).
//
// WHAT IT CANNOT SEE
//   - Only the workgroups it runs (default: all when there are ≤ maxWorkgroups, else the corners
//     of the grid and evenly spread ones). A bug that only bites elsewhere is missed; the report
//     lists what was covered. Later dispatches of a plan see earlier dispatches' results only for
//     the workgroups that ran (values elsewhere are the initial contents).
//   - Storage memory: only two invocations writing one element in one dispatch (not atomically,
//     and not ordered by a storageBarrier within one workgroup) is reported; a read of storage
//     another invocation writes in the same dispatch is not (storage has no read shadows).
//   - Behaviour that depends on a subgroup size other than the one it runs (default 32), or on
//     interleavings finer than lockstep (e.g. spin-waits on another workgroup: workgroups run one
//     after another, so a spin loop waits for its limit).
//   - Floating-point results differ from a GPU's in the last bits (fused operations, exp/log
//     precision, accumulation order of subgroup matrices); only an index computed from floats
//     could make that matter.
//   - Texture and sampler builtins, matrix builtins (transpose, determinant), overrides without a
//     default: reported as 'unsupported' with their line (the check stops there).
//   - Out-of-bounds is measured against the buffer's logical size (the data the harness made),
//     not the 16-byte-aligned allocation, so an index into the padding is reported.
//   - Reads of values nobody wrote (uninitialized function variables are zero in WGSL; a
//     workgroup element read before any write is too, here and on GPUs that zero-initialize),
//     shuffles from inactive invocations (0 here, indeterminate on a GPU), and subgroup builtins
//     other than the matrix ones in divergent control flow (defined over the active invocations).
//   - Type errors: the interpreter trusts the shader to be valid WGSL (the compiler is the judge
//     of that); an invalid one may stop it ('internal', with the line it reached).
//
// COST. Interpretation is pure JavaScript (no device needed); the device's compile comes on top.
// Measured at each variant's default parameters with the default options (≤ 8 workgroups, subgroup
// size 32), two runs on a shared 2-core machine under load 12–14 (so: ranges, and ratios only):
//   interpretation alone   naive 0.13–0.15 s · tiled 0.4–0.8 s · regblock 1.5–2.8 s ·
//                          gemm-w4 0.00–0.05 s · hillis-steele 0.24–0.78 s · lookback 0.1–0.6 s ·
//                          s6-chunked 0.13–0.32 s; the heaviest (bsr, dense, sparse-to-dense,
//                          roofline-fma) 1–8 s
//   with Dawn/SwiftShader's compile in front (not counted against the budget):
//                          tiled 1.2–1.8 s · lookback 6–7 s · reduce-then-scan (3 shaders) 18–24 s
//   checkBindings alone    1–3 ms per shader
// The corpus test (tests/gpu/checker-corpus.test.ts) runs every workgroup of every variant at
// small sizes in about a minute in all.
import type { Binding, BufferSpec, DispatchSpec, GpuPlan } from '../gpu/types';
import { bufferOf } from '../gpu/bindings';
import { checkBindings, type BindingProblem } from './bindings';
import { Machine, Stop, Unsupported, type BoundBuffer, type Finding, type Xyz } from './interp';
import { parseWgsl, WgslParseError, type Module } from './parse';

export { checkBindings, declaredBindings } from './bindings';
export type { BindingProblem, BindingProblemKind, DeclaredBinding, CheckBindingsOptions } from './bindings';
export type { Finding, Xyz, Access } from './interp';

export interface CheckTarget {
  /** The plan's buffers with the inputs the harness made (never modified: the checker copies). */
  buffers: BufferSpec[];
  /** Run in order; each sees the buffers as the previous ones left them. */
  dispatches: DispatchSpec[];
  /** The buffer that holds the result, for clearer binding messages. */
  outputBuffer?: string;
}

export interface CheckOptions {
  /** Wall-clock budget for interpreting, in milliseconds (default DEFAULT_BUDGET_MS); compiling on the device is not counted. */
  budgetMs?: number;
  /**
   * Checked every few thousand statements. A flag set by a message handler is seen between
   * workgroups (the check yields to the event loop about every 30 ms there); within one long
   * workgroup only a flag another thread can set (e.g. over a SharedArrayBuffer) or the budget stops it.
   */
  cancel?: { readonly cancelled: boolean };
  /** Run every workgroup when the grid has at most this many, else a sample of this many (default 8). */
  maxWorkgroups?: number;
  /** Explicit workgroups to run, per dispatch index (overrides the sample). */
  workgroups?: Record<number, Xyz[]>;
  /** The subgroup size to interpret subgroup builtins with (default 32). */
  subgroupSize?: number;
  /** Distinct findings kept per dispatch (default 50; repeats are counted, not listed). */
  maxFindings?: number;
  /** Also compile each dispatch on the device (default true when a device is given). */
  compile?: boolean;
  /** Return the buffers as the interpreted run left them (e.g. to compare with a reference). */
  returnBuffers?: boolean;
}

export type CheckProblemKind = 'binding' | 'compile' | 'hazard' | 'out-of-bounds' | 'barrier-divergence' | 'unsupported' | 'parse' | 'internal';

export interface CheckProblem {
  kind: CheckProblemKind;
  severity: 'error' | 'warning' | 'info';
  /** Index of the dispatch in the target. */
  dispatch: number;
  /** The line the problem is reported at (for hazards, the later access). */
  line?: number;
  column?: number;
  /** Every line involved (both accesses of a hazard). */
  lines?: number[];
  message: string;
  /** The structured finding (hazards, out-of-bounds, divergence). */
  finding?: Finding;
  /** The structured binding problem. */
  binding?: BindingProblem;
}

export interface DispatchCoverage {
  label: string;
  grid: Xyz;
  workgroupSize: Xyz | null;
  /** Workgroups the interpreter ran to the end. */
  checked: Xyz[];
  /** Every workgroup of the grid ran (to the end). */
  complete: boolean;
  /** Why the interpretation of this dispatch stopped early, in words. */
  stopped?: string;
}

export interface CheckReport {
  /** 'clean': no errors or warnings in what was covered; 'problems': at least one; 'incomplete': none, but the check stopped early (budget, cancel, a construct it cannot run). */
  verdict: 'clean' | 'problems' | 'incomplete';
  problems: CheckProblem[];
  dispatches: DispatchCoverage[];
  subgroupSize: number;
  seconds: number;
  /** Cancelled by the caller, or out of time. */
  stoppedBy?: 'cancel' | 'budget';
  buffers?: Record<string, ArrayBuffer>;
}

/** The largest workgroup the interpreter runs (WebGPU devices allow 256 to 1024). */
const MAX_INVOCATIONS = 4096;

/** The default time budget of a check (interpretation only), in milliseconds. */
export const DEFAULT_BUDGET_MS = 10_000;

const moduleCache = new Map<string, Module>();

function parseCached(wgsl: string): Module {
  let m = moduleCache.get(wgsl);
  if (!m) {
    m = parseWgsl(wgsl);
    if (moduleCache.size > 64) moduleCache.clear();
    moduleCache.set(wgsl, m);
  }
  return m;
}

/** A CheckTarget from a variant's plan. */
export function targetFromPlan(plan: GpuPlan): CheckTarget {
  return { buffers: plan.buffers, dispatches: plan.dispatches, outputBuffer: plan.output.buffer };
}

/** The target of a plan with some dispatches' WGSL replaced by edits (by dispatch index). */
export function editedTarget(plan: GpuPlan, edits: Record<number, string>): CheckTarget {
  return { ...targetFromPlan(plan), dispatches: plan.dispatches.map((d, i) => (edits[i] !== undefined ? { ...d, wgsl: edits[i] } : d)) };
}

/** Which workgroups to run: all of a small grid, else the corners and evenly spread ones. */
export function sampleWorkgroups(grid: Xyz, max: number): Xyz[] {
  const [gx, gy, gz] = grid;
  const total = gx * gy * gz;
  const at = (i: number): Xyz => [i % gx, Math.floor(i / gx) % gy, Math.floor(i / (gx * gy))];
  const index = ([x, y, z]: Xyz) => x + gx * (y + gy * z);
  if (total <= max) return Array.from({ length: total }, (_, i) => at(i));
  const picked = new Set<number>();
  for (const x of [0, gx - 1]) for (const y of [0, gy - 1]) for (const z of [0, gz - 1]) picked.add(index([x, y, z]));
  for (let k = 1; picked.size < max && k < max * 2; k++) picked.add(Math.floor((k * total) / (max + 1)));
  return [...picked]
    .sort((a, b) => a - b)
    .slice(0, Math.max(max, 1))
    .map(at);
}

export async function checkKernel(device: GPUDevice | null, target: CheckTarget, options: CheckOptions = {}): Promise<CheckReport> {
  const t0 = performance.now();
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  // The budget is for interpretation: it starts after the device has compiled the shaders (a
  // slow compile, seconds on SwiftShader, must not eat the check).
  let deadline = Infinity;
  const S = options.subgroupSize ?? 32;
  const problems: CheckProblem[] = [];
  const coverage: DispatchCoverage[] = [];
  let stoppedBy: 'cancel' | 'budget' | undefined;

  const store = new Map<string, Uint8Array>();
  for (const b of target.buffers) {
    const bytes = new Uint8Array(b.data ? b.data.byteLength : (b.bytes ?? 0));
    if (b.data) bytes.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength));
    store.set(b.name, bytes);
  }

  let lastYield = performance.now();
  const tick = () => {
    if (options.cancel?.cancelled) throw new Stop('cancel');
    if (performance.now() > deadline) throw new Stop('budget');
  };

  for (let di = 0; di < target.dispatches.length; di++) {
    const d = target.dispatches[di];
    const entryPoint = d.entryPoint ?? 'main';
    const grid: Xyz = [d.workgroups[0], d.workgroups[1] ?? 1, d.workgroups[2] ?? 1];
    const cov: DispatchCoverage = { label: d.label, grid, workgroupSize: null, checked: [], complete: false };
    coverage.push(cov);

    if (di === 0) {
      // Contracts and the device's compiler for every dispatch first, then the budget starts.
      target.dispatches.forEach((dd, k) => {
        for (const b of checkBindings(dd.wgsl, dd.bindings, { outputBuffer: target.outputBuffer, entryPoint: dd.entryPoint ?? 'main' })) {
          if (b.kind === 'parse') continue; // reported below, once
          problems.push({ kind: 'binding', severity: b.severity, dispatch: k, line: b.line, message: b.message, binding: b });
        }
      });
      if (device && options.compile !== false) {
        for (let k = 0; k < target.dispatches.length; k++) {
          const dd = target.dispatches[k];
          problems.push(...(await compileProblems(device, dd.wgsl, dd.entryPoint ?? 'main', k)));
        }
      }
      deadline = performance.now() + budgetMs;
    }
    if (stoppedBy) {
      cov.stopped = stoppedBy === 'cancel' ? 'cancelled' : 'the time budget was spent before this dispatch';
      continue;
    }
    let module: Module;
    try {
      module = parseCached(d.wgsl);
    } catch (e) {
      const line = e instanceof WgslParseError ? e.line : undefined;
      problems.push({ kind: 'parse', severity: 'error', dispatch: di, line, message: `The checker cannot read this shader: ${(e as Error).message}.` });
      cov.stopped = 'the shader does not parse';
      continue;
    }
    const findings: Finding[] = [];
    let machine: Machine | undefined;
    try {
      const size = new Machine(module, 1).workgroupSize(entryPoint);
      cov.workgroupSize = size;
      const invocations = size[0] * size[1] * size[2];
      if (!(invocations >= 1 && invocations <= MAX_INVOCATIONS)) {
        throw new Unsupported(
          `a workgroup of ${size.join('×')} invocations (the checker runs 1 to ${MAX_INVOCATIONS})`,
          module.decls.find((x) => x.k === 'fn' && x.name === entryPoint)?.line ?? 1,
        );
      }
      machine = new Machine(module, size[0] * size[1] * size[2]);
      const bindings: (BoundBuffer | undefined)[] = d.bindings.map((b: Binding | string) => {
        const name = typeof b === 'string' ? b : bufferOf(b);
        const bytes = store.get(name);
        return bytes ? { name, bytes, access: typeof b === 'string' ? 'read_write' : b.access } : undefined;
      });
      const list = options.workgroups?.[di] ?? sampleWorkgroups(grid, options.maxWorkgroups ?? 8);
      for (const wid of list) {
        if (performance.now() - lastYield > 30) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = performance.now();
        }
        tick();
        machine!.runWorkgroup({
          module,
          entryPoint,
          bindings,
          workgroupSize: size,
          workgroupId: wid,
          numWorkgroups: grid,
          subgroupSize: S,
          tick,
          findings,
          maxFindings: options.maxFindings ?? 50,
        });
        cov.checked.push(wid);
      }
      cov.complete = cov.checked.length === grid[0] * grid[1] * grid[2];
    } catch (e) {
      if (e instanceof Stop) {
        stoppedBy = e.why;
        cov.stopped = e.why === 'cancel' ? 'cancelled' : `the time budget (${budgetMs} ms) was spent in workgroup ${cov.checked.length + 1} of this dispatch`;
      } else if (e instanceof Unsupported) {
        problems.push({
          kind: 'unsupported',
          severity: 'warning',
          dispatch: di,
          line: e.line,
          message: `The checker stopped at line ${e.line}: ${e.message}. What ran before that line was checked.`,
        });
        cov.stopped = `unsupported at line ${e.line}`;
      } else {
        // Nearly always a shader that is not valid WGSL (a `break` outside a loop, a missing
        // argument…), which the interpreter does not diagnose: the compiler's messages say why.
        const line = machine?.lastLine || undefined;
        problems.push({
          kind: 'internal',
          severity: 'warning',
          dispatch: di,
          line,
          message: `The checker could not run this dispatch${line ? ` past line ${line}` : ''} (${(e as Error).message}): the shader is probably not valid WGSL there; the compiler's messages say why. Nothing here is a verdict on the kernel.`,
        });
        cov.stopped = 'the interpreter could not go on';
      }
    }
    for (const f of findings) problems.push(problemOf(f, di));
  }

  // 'unsupported' and 'internal' say the check could not finish, not that the kernel is wrong.
  const serious = problems.some((p) => p.severity !== 'info' && p.kind !== 'unsupported' && p.kind !== 'internal');
  const report: CheckReport = {
    verdict: serious ? 'problems' : coverage.some((c) => c.stopped) ? 'incomplete' : 'clean',
    problems,
    dispatches: coverage,
    subgroupSize: S,
    seconds: (performance.now() - t0) / 1000,
  };
  if (stoppedBy) report.stoppedBy = stoppedBy;
  if (options.returnBuffers) report.buffers = Object.fromEntries([...store].map(([k, v]) => [k, v.slice().buffer]));
  return report;
}

const xyz = (v: Xyz) => `(${v.join(',')})`;

function problemOf(f: Finding, dispatch: number): CheckProblem {
  const more = f.count > 1 ? ` (${f.count - 1} more like it)` : '';
  switch (f.kind) {
    case 'hazard': {
      const verb = (a: 'read' | 'write') => (a === 'read' ? 'reads' : 'writes');
      const past = (a: 'read' | 'write') => (a === 'read' ? 'read' : 'wrote');
      const message =
        f.space === 'storage'
          ? `Write-after-write race on \`${f.element}\` (storage buffer \`${f.variable}\`): invocation ${xyz(f.second.invocation)} of workgroup ${xyz(f.workgroup)} writes it at line ${f.second.line} ` +
            `after invocation ${xyz(f.first.invocation)} of workgroup ${xyz(f.firstWorkgroup ?? f.workgroup)} wrote it at line ${f.first.line}, in the same dispatch and not atomically: the value left is either one${more}.`
          : `${hazardName(f.hazard)} on \`${f.element}\` (var<workgroup> \`${f.variable}\`): invocation ${xyz(f.second.invocation)} ${verb(f.second.access)} it at line ${f.second.line} ` +
            `after invocation ${xyz(f.first.invocation)} ${past(f.first.access)} it at line ${f.first.line}, with no workgroupBarrier() between them (workgroup ${xyz(f.workgroup)})${more}.`;
      return { kind: 'hazard', severity: 'error', dispatch, line: f.second.line, lines: [f.first.line, f.second.line], finding: f, message };
    }
    case 'out-of-bounds': {
      const what = f.space === 'value' ? 'a value' : `${f.space} array \`${f.array}\``;
      return {
        kind: 'out-of-bounds',
        severity: 'error',
        dispatch,
        line: f.line,
        lines: [f.line],
        finding: f,
        message:
          `Out of bounds at line ${f.line}: index ${f.index} into ${what} of length ${f.length} (${f.access === 'read-write' ? 'read and written' : f.access === 'read' ? 'read' : 'written'} by invocation ${xyz(f.invocation)} of workgroup ${xyz(f.workgroup)})${more}. ` +
          `WebGPU clamps or drops such accesses silently, so the result is wrong without an error.`,
      };
    }
    case 'barrier-divergence':
      return {
        kind: 'barrier-divergence',
        severity: 'error',
        dispatch,
        line: f.line,
        lines: [f.line],
        finding: f,
        message:
          f.scope === 'subgroup'
            ? `Non-uniform subgroup-matrix operation at line ${f.line}: ${f.barrier}() ran with ${f.arrived} of the ${f.total} invocations of subgroup ${f.subgroup} in workgroup ${xyz(f.workgroup)} active ` +
              `(invocation ${xyz(f.arrivedExample)} ran it, ${xyz(f.missingExample)} did not)${more}. The matrix builtins need the whole subgroup together.`
            : `Non-uniform barrier at line ${f.line}: ${f.barrier}() was reached by ${f.arrived} of the ${f.total} invocations of workgroup ${xyz(f.workgroup)} ` +
              `(invocation ${xyz(f.arrivedExample)} reached it, ${xyz(f.missingExample)} did not)${more}. Every invocation must reach each barrier together, or the GPU may hang or skip it.`,
      };
  }
}

function hazardName(h: 'read-after-write' | 'write-after-read' | 'write-after-write'): string {
  return h === 'read-after-write' ? 'Read-after-write race' : h === 'write-after-read' ? 'Write-after-read race' : 'Write-after-write race';
}

/** The device compiler's messages for one dispatch, with their lines, and pipeline errors. */
async function compileProblems(device: GPUDevice, wgsl: string, entryPoint: string, dispatch: number): Promise<CheckProblem[]> {
  const out: CheckProblem[] = [];
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: wgsl });
  const info = await module.getCompilationInfo();
  const moduleError = await device.popErrorScope();
  for (const m of info.messages) {
    if (m.type === 'info') continue;
    out.push({
      kind: 'compile',
      severity: m.type === 'error' ? 'error' : 'warning',
      dispatch,
      line: m.lineNum,
      column: m.linePos,
      lines: [m.lineNum],
      message: `line ${m.lineNum}:${m.linePos}: ${m.message}`,
    });
  }
  if (moduleError && !out.some((p) => p.severity === 'error')) out.push({ kind: 'compile', severity: 'error', dispatch, message: moduleError.message });
  if (!out.some((p) => p.severity === 'error')) {
    device.pushErrorScope('validation');
    try {
      await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint } });
    } catch (e) {
      out.push({ kind: 'compile', severity: 'error', dispatch, message: `pipeline: ${(e as Error).message}` });
    }
    const pipelineError = await device.popErrorScope();
    if (pipelineError) out.push({ kind: 'compile', severity: 'error', dispatch, message: `pipeline: ${pipelineError.message}` });
  }
  return out;
}
