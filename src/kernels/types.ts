// The shapes every kernel variant and every experiment share. Plain data only: these types cross
// the worker boundary and the URL, so nothing here may hold a GPU object or a function's result
// that cannot be structured-cloned.

export type FamilyId = 'matmul' | 'quant' | 'sparse' | 'scan';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** One field of a variant's parameter schema: URL parsing, the form and validation read it. */
export type ParamDef =
  | {
      key: string;
      label: string;
      kind: 'int';
      default: number;
      min: number;
      max: number;
      /** Only powers of two are allowed (e.g. tile sizes). */
      pow2?: boolean;
      /** Suggested values for sweeps and the form's list. */
      choices?: number[];
      help?: string;
    }
  | {
      key: string;
      label: string;
      kind: 'enum';
      default: string;
      options: { value: string; label: string }[];
      help?: string;
    }
  | { key: string; label: string; kind: 'bool'; default: boolean; help?: string };

/** What the code may rely on about a device: features and limits, nothing about its name. */
export interface DeviceCaps {
  features: string[];
  limits: {
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupSizeX: number;
    maxComputeWorkgroupSizeY: number;
    maxComputeWorkgroupSizeZ: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeWorkgroupsPerDimension: number;
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxStorageBuffersPerShaderStage: number;
  };
  /** From adapter info where the browser reports it (subgroup sizes vary between GPUs). */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  /**
   * Matrix shapes and types the adapter's subgroup matrices support, in its order of preference
   * (GPUAdapterInfo.subgroupMatrixConfigs, with 'chromium-experimental-subgroup-matrix').
   */
  subgroupMatrixConfigs?: SubgroupMatrixConfig[];
}

/** One supported subgroup-matrix configuration: left M×K, right K×N, result M×N. */
export interface SubgroupMatrixConfig {
  componentType: string;
  resultComponentType: string;
  M: number;
  N: number;
  K: number;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

export interface SweepSpec {
  param: string;
  values: number[];
}

/** A whole experiment: what the URL carries and what runExperiment takes. */
export interface Experiment {
  family: FamilyId;
  variant: string;
  params: Params;
  seed: number;
  /** Timed repetitions after warm-up. */
  reps: number;
  sweep?: SweepSpec;
}

// ---- What a variant hands to the GPU runner --------------------------------------------------

export type HostArray = Float32Array | Uint32Array | Int32Array;

export interface BufferSpec {
  name: string;
  /** Initial contents (uploaded once). Without data, `bytes` zero-filled bytes are allocated. */
  data?: HostArray;
  bytes?: number;
  usage: 'storage' | 'uniform';
  /** Cleared to zero before every run (atomics, look-back flags, split-K accumulators). */
  resetEachRun?: boolean;
}

export interface DispatchSpec {
  label: string;
  wgsl: string;
  entryPoint?: string;
  /** Buffer names, bound in this order to @group(0) @binding(0), (1), … */
  bindings: string[];
  workgroups: [number, number?, number?];
}

export interface GpuPlan {
  buffers: BufferSpec[];
  /** Run in this order, in one compute pass (WebGPU orders dispatches' storage accesses). */
  dispatches: DispatchSpec[];
  output: { buffer: string; type: 'f32' | 'u32' | 'i32'; count: number };
}

export interface ReferenceResult {
  /** The truth, in float64. */
  values: Float64Array;
  /**
   * Per-element bound on |gpu − truth| that a correct kernel must meet, derived from the
   * arithmetic (e.g. γ_K·Σ|a·b| for a float32 dot product). Omit when no bound is derived.
   */
  bound?: Float64Array;
  /** How the bound was derived, in words, shown next to the result. */
  boundNote?: string;
  /** Layout of the output for the heatmap. */
  rows: number;
  cols: number;
}

export interface WorkModel {
  /** Floating-point (or integer) operations, counting a multiply-add as 2. */
  flops: number;
  /** Bytes that must cross memory at least once (compulsory traffic). */
  bytes: number;
}

export interface KernelVariant {
  family: FamilyId;
  id: string;
  label: string;
  /** One or two sentences for the picker. */
  summary: string;
  params: ParamDef[];
  /** Why the variant cannot run on this device (a missing feature), or null. */
  unavailableReason?(caps: DeviceCaps): string | null;
  /** Everything about these parameters that breaks this device's limits, in words. */
  checkLimits(params: Params, caps: DeviceCaps): string[];
  /**
   * Files from public/ these parameters need (e.g. a sample image), as paths relative to the
   * app's base URL. runExperiment loads them and hands them to makeInputs.
   */
  assets?(params: Params): string[];
  /** Seeded inputs; the same seed gives the same bits everywhere. */
  makeInputs(params: Params, seed: number, assets?: Record<string, Uint8Array>): Record<string, HostArray>;
  reference(params: Params, inputs: Record<string, HostArray>): ReferenceResult;
  /** A CPU float32 emulation for machines without WebGPU (labelled as CPU, never as GPU). */
  emulate?(params: Params, inputs: Record<string, HostArray>): Float32Array;
  plan(params: Params, inputs: Record<string, HostArray>, caps: DeviceCaps): GpuPlan;
  work(params: Params): WorkModel;
  /** Human-readable shape, e.g. "512×512×512". */
  shapeLabel(params: Params): string;
  /**
   * Optional plain data for the family's own views (histograms, spy plots, dataflow…), computed
   * in the worker after the run. Must be structured-cloneable and reasonably small (< ~1 MB).
   */
  extras?(params: Params, inputs: Record<string, HostArray>, output: HostArray, ref: ReferenceResult): Record<string, unknown>;
}

export interface BenchCase {
  /** Shown in the table; defaults to the variant and its parameters. */
  label?: string;
  experiment: Experiment;
}

export interface FamilyDef {
  id: FamilyId;
  label: string;
  summary: string;
  variants: KernelVariant[];
  /** The family's default `npm run bench -- <family>` suite: under five minutes on 2 CPU cores. */
  benchSuite?(): BenchCase[];
}

// ---- Results -----------------------------------------------------------------------------------

export type TimingMethod = 'timestamp-query' | 'wall-clock';

export interface TimingInfo {
  method: TimingMethod;
  /** The smallest time step the clock showed in this run, in seconds. */
  resolutionSeconds: number;
  /** Dispatch sequences between one pair of clock readings; seconds are divided by it. */
  runsPerSample: number;
  note?: string;
}

export interface Provenance {
  backend: 'webgpu' | 'cpu';
  userAgent: string;
  adapter: AdapterDescription | null;
  featuresUsed: string[];
  timing: TimingMethod | 'cpu-wall-clock';
  date: string;
  appVersion: string;
}

export interface ExperimentResult {
  experiment: Experiment;
  variantLabel: string;
  shape: string;
  /** Seconds per run for each timed repetition. */
  seconds: number[];
  medianSeconds: number;
  spread: { min: number; max: number; q1: number; q3: number };
  gflops: number;
  gbps: number;
  work: WorkModel;
  timing: TimingInfo | null;
  metrics: import('../numerics/metrics').ErrorMetrics;
  boundNote?: string;
  heatmap: { rows: number; cols: number; values: number[]; cellRows: number; cellCols: number };
  wgsl: { label: string; source: string }[];
  provenance: Provenance;
  /** What the variant's extras() returned, for the family's own views. */
  extras?: Record<string, unknown>;
}
