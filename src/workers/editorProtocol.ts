// The live kernel editor's messages between the page and the lab worker (re-exported by
// protocol.ts, which the page imports). Plain data only.
import type { CheckReport } from '../checker';
import type { Binding, Experiment, ExperimentResult } from '../kernels/types';
import type { EditSpec } from '../kernels/edited';

export type { EditSpec } from '../kernels/edited';
export type { CheckReport, CheckProblem, DispatchCoverage } from '../checker';

/** One dispatch of the variant's plan, as the editor shows it. */
export interface EditorDispatch {
  label: string;
  /** The generated WGSL. */
  wgsl: string;
  entryPoint: string;
  bindings: (Binding | string)[];
  /** The variant's workgroup grid. */
  workgroups: [number, number, number];
  /** The generated shader's @workgroup_size, when the worker could read it. */
  workgroupSize: [number, number, number] | null;
}

export interface EditorPlan {
  dispatches: EditorDispatch[];
  outputBuffer: string;
}

/** A message to show at a place in one dispatch's source (line and column 1-based). */
export interface SourceMessage {
  severity: 'error' | 'warning' | 'info';
  /** compiler: getCompilationInfo(); pipeline: createComputePipeline (error scopes); bindings: the harness's contract; limits: the device. */
  source: 'compiler' | 'pipeline' | 'bindings' | 'limits';
  line?: number;
  column?: number;
  /** Characters the compiler marks, when it says. */
  length?: number;
  message: string;
}

export interface DispatchCompile {
  index: number;
  messages: SourceMessage[];
  /** The edited shader's @workgroup_size, when it could be read. */
  workgroupSize: [number, number, number] | null;
  /** A pipeline was made: the shader compiles and its bindings match. */
  ready: boolean;
  milliseconds: number;
}

/** What the loop guard found before the edit ran (workers/editorGuard.ts). */
export interface ProbeInfo {
  /** The cap per invocation the edit ran under. */
  cap: number;
  /** Most loop iterations one invocation of the unedited kernel made (null: it has no loops). */
  builtInIterations: number | null;
  /** Most loop iterations one invocation of the edit made. */
  editIterations: number | null;
}

export type EditorToWorker =
  | { type: 'editor-plan'; id: number; experiment: Experiment }
  | { type: 'editor-compile'; id: number; experiment: Experiment; edit: EditSpec }
  | { type: 'editor-run'; id: number; experiment: Experiment; edit: EditSpec }
  | { type: 'editor-check'; id: number; experiment: Experiment; edit: EditSpec; budgetMs: number; maxWorkgroups: number };

export type EditorFromWorker =
  | { type: 'editor-plan'; id: number; plan: EditorPlan | null; error?: string }
  | { type: 'editor-compiled'; id: number; dispatches: DispatchCompile[]; error?: string }
  | { type: 'editor-result'; id: number; edited: ExperimentResult; builtIn: ExperimentResult; ratio: number; probe: ProbeInfo }
  | { type: 'editor-refused'; id: number; message: string; problems: string[]; dispatch?: number; lines?: number[] }
  | { type: 'editor-check-result'; id: number; report: CheckReport };
