// The device vocabulary: what a device offers (caps), what a kernel hands to the GPU runner (a
// plan of buffers and dispatches, as plain data) and how a run was timed. Plain data only: these
// types cross the worker boundary. src/gpu owns them; src/kernels re-exports them.

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

/** How a shader sees a buffer. */
export type BindingAccess = 'read' | 'read_write' | 'uniform';

/**
 * One resource binding of a dispatch, declared once: the WGSL declaration line is generated from
 * it (gpu/bindings.ts), the runner binds the plan buffer it names, and the editor checks an edited
 * shader's bindings against it.
 */
export interface Binding {
  /** The WGSL variable name. */
  name: string;
  /** The plan buffer bound here; defaults to `name`. */
  buffer?: string;
  access: BindingAccess;
  /** The WGSL store type: 'array<f32>', 'array<vec4<f32>>', 'array<atomic<u32>>', a struct name… */
  type: string;
  /** What the buffer holds, in a few words (a comment in the WGSL; the editor's contract text). */
  note?: string;
}

export interface DispatchSpec {
  label: string;
  wgsl: string;
  entryPoint?: string;
  /** Bound in this order to @group(0) @binding(0), (1), …; the WGSL declares them with declareBindings. */
  bindings: Binding[];
  workgroups: [number, number?, number?];
}

export interface GpuPlan {
  buffers: BufferSpec[];
  /** Run in this order, in one compute pass (WebGPU orders dispatches' storage accesses). */
  dispatches: DispatchSpec[];
  output: { buffer: string; type: 'f32' | 'u32' | 'i32'; count: number };
}

// ---- How a run was timed ------------------------------------------------------------------------

export type TimingMethod = 'timestamp-query' | 'wall-clock';

export interface TimingInfo {
  method: TimingMethod;
  /** The smallest time step the clock showed in this run, in seconds. */
  resolutionSeconds: number;
  /** Dispatch sequences between one pair of clock readings; seconds are divided by it. */
  runsPerSample: number;
  note?: string;
}
