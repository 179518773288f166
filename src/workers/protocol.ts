// Messages between the page and the lab worker. Plain data only (structured clone).
import type { AdapterDescription, DeviceCaps, Experiment, ExperimentResult } from '../kernels/types';
import type { ProgressInfo, SweepPoint } from '../kernels/run';
import type { StudyId, StudyMemo, StudyRecord, StudyRequest, StudyResult } from '../kernels/study';
import type { EditorFromWorker, EditorToWorker } from './editorProtocol';
import type { JudgeFromWorker, JudgeToWorker } from './judgeProtocol';

export type * from './editorProtocol';
export type * from './judgeProtocol';

/** Starts a study (src/kernels/study.ts); progress, cancel and errors work as for runs. */
export type StudyMessage = { [I in StudyId]: { type: 'study'; id: number; study: I; request: StudyRequest<I> } }[StudyId];

/**
 * A study's result: partial ones while it runs (final: false), then the final one with what to
 * remember per adapter and the checked runs that belong in the history.
 */
export type StudyResultMessage = {
  [I in StudyId]: {
    type: 'study-result';
    id: number;
    study: I;
    result: StudyResult<I>;
    final: boolean;
    remember?: StudyMemo<StudyRecord<I>>[];
    runs?: ExperimentResult[];
  };
}[StudyId];

export type ToWorker =
  /** `base`: the page's base URL, against which files of public/ are fetched. */
  | { type: 'init'; base?: string }
  | { type: 'run'; id: number; experiment: Experiment; backend: 'webgpu' | 'cpu' }
  | StudyMessage
  | { type: 'cancel'; id: number }
  /** Liveness while a job runs: the worker answers at once with a pong. */
  | { type: 'ping'; n: number }
  /** Give up a job past its time budget: the worker destroys its device and makes a fresh one. */
  | { type: 'abandon'; id: number }
  | EditorToWorker
  | JudgeToWorker;

export type GpuStatus = { available: true; adapter: AdapterDescription; caps: DeviceCaps } | { available: false; step: string; reason: string };

export type FromWorker =
  | { type: 'ready'; gpu: GpuStatus }
  | { type: 'progress'; id: number; progress: ProgressInfo }
  | { type: 'point'; id: number; index: number; point: SweepPoint }
  | { type: 'result'; id: number; result: ExperimentResult }
  | StudyResultMessage
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string; problems?: string[] }
  | { type: 'cancelled'; id: number }
  | { type: 'device-lost'; message: string }
  /** Sent as soon as a job message arrives: a worker that does not ack is dead (labClient restarts it). */
  | { type: 'ack'; id: number }
  | { type: 'pong'; n: number }
  | EditorFromWorker
  | JudgeFromWorker;
