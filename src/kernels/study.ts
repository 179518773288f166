// defineStudy: a study is a whole measurement campaign over many experiments (the autotuner, the
// roofs, the accumulation study…), run in the worker through runExperiment, that streams partial
// results as it goes. Every study travels through one message pair ({type: 'study'} →
// {type: 'study-result'}, workers/protocol.ts) and lands in one store slice keyed by study id.
//
// A study's request, result and remembered record are plain data, typed per study in StudyTypes;
// each family declares its own (src/kernels/<family>/studyTypes.ts). The registry of runnable
// studies is src/kernels/studies.ts (the worker's; the page needs only these types).
import type { CancelToken } from '../gpu/runner';
import type { AdapterDescription, DeviceCaps, ExperimentResult, ProgressInfo } from './types';
import type { ConvStudies } from './conv/studyTypes';
import type { MatmulStudies } from './matmul/studyTypes';
import type { StructuredStudies } from './structured/studyTypes';

/** Every study: its request, its result (partial or final) and what it remembers per adapter. */
export interface StudyTypes extends MatmulStudies, ConvStudies, StructuredStudies {}

export type StudyId = keyof StudyTypes;
export type StudyRequest<I extends StudyId> = StudyTypes[I]['request'];
export type StudyResult<I extends StudyId> = StudyTypes[I]['result'];
export type StudyRecord<I extends StudyId> = StudyTypes[I]['record'];

/** A record a study asks the page to keep (IndexedDB), per adapter: the same key replaces it. */
export interface StudyMemo<R> {
  /** Unique within the study, e.g. "<adapter>:<shape>". */
  key: string;
  value: R;
}

export interface StudyContext<R> {
  /** Null when the page has no WebGPU device (studies that need one are refused before running). */
  device: GPUDevice | null;
  caps: DeviceCaps;
  adapter: AdapterDescription | null;
  cancel: CancelToken;
  onProgress(progress: ProgressInfo): void;
  /** Streams an intermediate result (the page paints it as it goes). */
  onPartial(result: R): void;
}

export interface StudyDef<I extends StudyId> {
  id: I;
  label: string;
  /** Whether this request needs a WebGPU device (the worker refuses it, with the reason, without one). */
  needsGpu(request: StudyRequest<I>): boolean;
  /** Checks a request that came as data (a message): a valid request, or the problems in words. */
  parseRequest(raw: unknown): { request: StudyRequest<I> | null; problems: string[] };
  run(ctx: StudyContext<StudyResult<I>>, request: StudyRequest<I>): Promise<StudyResult<I>>;
  /** What to remember from a final result, per adapter. */
  remember?(result: StudyResult<I>): StudyMemo<StudyRecord<I>>[];
  /** Runs of the final result that belong in the history (each one checked against float64). */
  runsOf?(result: StudyResult<I>): ExperimentResult[];
}

export function defineStudy<I extends StudyId>(def: StudyDef<I>): StudyDef<I> {
  return def;
}

/** Reads an untrusted object's fields (for parseRequest). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
