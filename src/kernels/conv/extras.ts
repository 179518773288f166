// What the convolution variants hand to the conv lab's panel (read with extrasOf(result, 'conv')).
// Plain data: it crosses the worker boundary and is saved with each run.

/** One buffer a variant allocates, with what it holds. */
export interface ConvBufferUse {
  name: string;
  bytes: number;
  /** input, filter and output are the same for every method; workspace and tables are the method's price. */
  role: 'input' | 'filter' | 'output' | 'workspace' | 'table';
  what: string;
}

/** Bytes one pass (dispatch) reads and writes at least once (compulsory traffic; caches may add re-reads). */
export interface ConvPassTraffic {
  pass: string;
  readBytes: number;
  writeBytes: number;
}

export interface ConvMemory {
  buffers: ConvBufferUse[];
  passes: ConvPassTraffic[];
  /** Every buffer the plan allocates. */
  allocatedBytes: number;
  /** Workspace and tables: what this method allocates beyond input, filter and output. */
  extraBytes: number;
  /** Σ over passes of bytes read and written. */
  movedBytes: number;
}

/** The 1-D forms' error as a fraction of ‖x‖₂‖h‖₂ (the scale an FFT's error grows on). */
export interface ConvSequenceError {
  /** max over channels of ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂). */
  normwiseError: number;
  /** The same ratio for the bound the check used (normwise for the FFT forms). */
  normwiseBound: number;
  /** FFT forms: the transform size, its factors (radices, or N1 and N2) and its relative error bound ε. */
  fftSize?: number;
  factors?: number[];
  epsilon?: number;
  /** The matrix form against the classic radix-2 FFT in float32 (CPU emulation of the same algorithm, same inputs). */
  againstClassic?: { maxAbs: number; relFrobenius: number; normwise: number };
}

export interface ConvExtras {
  family: 'conv';
  dims: '2d' | '1d';
  memory: ConvMemory;
  sequence?: ConvSequenceError;
}
