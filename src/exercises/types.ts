// An exercise: the student writes one compute shader, Kernel Lab judges it on the student's own
// GPU. One readable file per exercise holds everything about it: the statement, the starter WGSL,
// the harness contract (the bindings and the dispatch shape the harness uses), the harness itself
// (a variant written with defineVariant: seeded inputs, the float64 reference with its bound, the
// plan with the solution's WGSL in it), the hidden test shapes, hints, a solution, plausible wrong
// answers with the verdict each must get, and what it teaches.
//
// Plain data only, except `harness` (a KernelVariant): the worker judges with it, the page reads
// the rest.
import type { Binding } from '../gpu/types';
import type { Experiment, FamilyId, KernelVariant, Params } from '../kernels/types';

export type ExerciseLevel = 1 | 2 | 3;

export const LEVEL_NAMES: Record<ExerciseLevel, string> = {
  1: 'First steps',
  2: 'Workgroups and memory',
  3: 'Real kernels',
};

/** What the harness promises the shader and what it expects of it. */
export interface Contract {
  /** The bindings of the one dispatch, at @group(0) @binding(0), (1), … in this order. */
  bindings: Binding[];
  /** The binding that holds the result. */
  output: string;
  /** The @workgroup_size the dispatch shape below is computed for. */
  workgroupSize: [number, number, number];
  /** How many workgroups the harness dispatches, in words ("⌈n / 64⌉ × 1 × 1"). */
  grid: string;
  /** What the uniform holds and anything else the shader may rely on, in words. */
  notes: string[];
}

/** A test shape: values for the harness's parameters (the rest are its defaults). */
export interface ExerciseShape {
  params: Params;
}

/** Why a kernel failed, by cause. */
export type VerdictKind =
  | 'passed'
  /** The device's compiler rejected the shader. */
  | 'compile'
  /** The shader's bindings or workgroup size do not match the harness's contract. */
  | 'contract'
  /** At least one output outside the bound on some shape. */
  | 'wrong'
  /** NaN or infinity where the truth is finite. */
  | 'not-finite'
  /** Right on the first run and wrong after repeated runs (a missing reset, a race). */
  | 'repeat'
  /** The checker proved a race (workgroup memory, or two invocations writing one storage element). */
  | 'hazard'
  /** The checker proved an index out of bounds. */
  | 'out-of-bounds'
  /** The checker proved a barrier not every invocation reaches. */
  | 'barrier'
  /** A loop did not end within the guard's cap. */
  | 'endless-loop'
  /** The run itself failed (a device error, a shape beyond this device's limits). */
  | 'run-error';

/** A plausible wrong answer and the verdict it must get (the tests run every one on the GPU). */
export interface WrongAnswer {
  /** The mistake, in a few words. */
  mistake: string;
  source: string;
  verdict: Exclude<VerdictKind, 'passed'>;
}

/** "Reach `ratio`× the speed of this built-in variant", both timed alternately in one run. */
export interface SpeedGoal {
  /** The built-in experiment (a registry variant) solving the same problem at the same size. */
  builtIn: Experiment;
  /** The built-in's name in a sentence ("the built-in tiled kernel, T = 16"). */
  label: string;
  /** The harness parameters of the same problem for the student's kernel. */
  params: Params;
  /** Pass the goal when t_builtIn / t_student ≥ ratio. */
  ratio: number;
}

/** Where a lesson teaches what the exercise asks. */
export interface LessonLink {
  lesson: string;
  step?: number;
  why: string;
}

export interface Exercise {
  id: string;
  title: string;
  level: ExerciseLevel;
  /** The lab it belongs to: its harness runs as a variant of this family. */
  family: FamilyId;
  /** What it teaches, in one sentence. */
  teaches: string;
  /** The task, as paragraphs. */
  statement: string[];
  contract: Contract;
  starter: string;
  /** The verdict the unedited starter gets (it must fail). */
  starterVerdict: Exclude<VerdictKind, 'passed'>;
  /** Revealed one at a time. */
  hints: string[];
  solution: string;
  wrong: WrongAnswer[];
  /** The hidden test shapes, run in this order; the verdict names the first that fails. */
  shapes: ExerciseShape[];
  /** The shape the race and bounds checker interprets (every workgroup of it): small, with partial workgroups. */
  checkShape: ExerciseShape;
  /** Runs the solution's WGSL; the judge replaces it with the student's. */
  harness: KernelVariant;
  /** Where an output element sits, in the problem's words ("C[3][7]"). */
  where(params: Params, index: number): string;
  /** The shape in the problem's words ("n = 1000"). */
  shapeText(params: Params): string;
  speedGoal?: SpeedGoal;
  lessons: LessonLink[];
}

// ---- the verdict (plain data: it crosses the worker boundary and rides in result links) ------

/** The worst element of a failing shape. */
export interface WorstElement {
  index: number;
  /** Where it sits, in the problem's words. */
  where: string;
  got: number;
  expected: number;
  error: number;
  bound: number;
  /** Elements outside the bound, of `count`. */
  outside: number;
  count: number;
}

export interface ShapeOutcome {
  text: string;
  passed: boolean;
  /** Median seconds of the timed runs at this shape (tiny shapes: mostly launch overhead). */
  seconds: number;
  maxAbs: number;
  /** Largest error / bound (≤ 1: every element within its bound). */
  worstBoundRatio: number;
  /** Why this shape failed, in a sentence. */
  failure?: string;
  failureKind?: 'wrong' | 'not-finite' | 'repeat' | 'run-error';
  worst?: WorstElement;
}

/** One problem the checker (or the contract, or the compiler) found, as the page shows it. */
export interface SourceFinding {
  kind: 'compile' | 'contract' | 'hazard' | 'out-of-bounds' | 'barrier' | 'unsupported' | 'internal' | 'endless-loop';
  severity: 'error' | 'warning' | 'info';
  line?: number;
  column?: number;
  lines?: number[];
  message: string;
}

export interface SpeedOutcome {
  label: string;
  goal: number;
  /** t_builtIn / t_student, medians of alternate runs in this session. */
  ratio: number;
  met: boolean;
  studentSeconds: number;
  builtInSeconds: number;
  shapeText: string;
}

export interface Verdict {
  exercise: string;
  passed: boolean;
  kind: VerdictKind;
  /** The headline, in one or two sentences. */
  message: string;
  /** The first failing shape (index into the exercise's shapes). */
  failedShape?: number;
  /** The line the headline points at (a hazard's later access, a compile error…). */
  line?: number;
  shapes: ShapeOutcome[];
  findings: SourceFinding[];
  /** What the checker covered, in words ("every workgroup of n = 70: 2 of 2"). */
  checked?: string;
  speed?: SpeedOutcome;
  /** Why the speed goal was not measured, when it was asked for. */
  speedSkipped?: string;
  /** Wall-clock seconds the whole judging took. */
  judgeSeconds: number;
}
