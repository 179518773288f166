// Messages between the page and the lab worker. Plain data only (structured clone).
import type { AdapterDescription, DeviceCaps, Experiment, ExperimentResult } from '../kernels/types';
import type { ProgressInfo, SweepPoint } from '../kernels/run';

export type ToWorker =
  | { type: 'init' }
  | { type: 'run'; id: number; experiment: Experiment; backend: 'webgpu' | 'cpu' }
  | { type: 'cancel'; id: number };

export type GpuStatus =
  | { available: true; adapter: AdapterDescription; caps: DeviceCaps }
  | { available: false; step: string; reason: string };

export type FromWorker =
  | { type: 'ready'; gpu: GpuStatus }
  | { type: 'progress'; id: number; progress: ProgressInfo }
  | { type: 'point'; id: number; index: number; point: SweepPoint }
  | { type: 'result'; id: number; result: ExperimentResult }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string; problems?: string[] }
  | { type: 'cancelled'; id: number }
  | { type: 'device-lost'; message: string };
