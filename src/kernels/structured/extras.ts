// The extra results the structured-matrix lab's panel reads (with extrasOf(result, 'structured')).
// Plain data; each kind belongs to one group of variants.

/** What the panel draws as the structure's picture. */
export type StructurePicture =
  | { type: 'full'; rows: number; cols: number }
  | { type: 'factors'; nIn: number; nOut: number; rank: number }
  | { type: 'block-diagonal'; n: number; blocks: number; m: number; rank: number }
  | { type: 'kron'; a1: number; a2: number; b1: number; b2: number }
  | { type: 'shared-bases'; n: number; blocks: number; p: number; rank: number }
  | { type: 'seven-products'; levels: number; products: string[] }
  | { type: 'sketch-shape'; n: number; k: number; method: string };

export interface CurvePoint {
  x: number;
  y: number;
}

/** A chart the variant computed on the CPU (float64 or an emulation, as labelled). */
export interface Curve {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** markers: points not joined by a line (e.g. one per block count, not ordered in x). */
  series: { name: string; points: CurvePoint[]; dashed?: boolean; markers?: boolean }[];
  /** This run, marked on the chart. */
  marker?: CurvePoint & { label: string };
  note?: string;
}

export interface Costs {
  params: number;
  denseParams: number;
  flops: number;
  denseFlops: number;
}

export interface LayerExtras {
  family?: 'structured';
  kind: 'layer';
  nIn: number;
  nOut: number;
  batch: number;
  costs: Costs;
  picture: StructurePicture;
  /** Present when the factors came from projecting a dense matrix W onto the class. */
  approximation?: {
    target: string;
    /** ‖W − W_structure‖_F / ‖W‖_F (float64, with the float32 factors the GPU used). */
    matrixError: number;
    /** ‖Y_gpu − X·Wᵀ‖_F / ‖X·Wᵀ‖_F: approximation and kernel error together. */
    outputError: number;
  };
  curve?: Curve;
}

export interface StrassenLevel {
  level: number;
  /** f_ℓ(K)·u·‖A‖‖B‖: the derived worst case for the max error. */
  bound: number;
  /** Max |error| of a float32 CPU emulation of ℓ levels on the same inputs. */
  emulated: number;
}

export interface AbftVerdict {
  product: number;
  /** 0 clean, 1 one element corrupted: located and corrected, 2 detected but not correctable. */
  status: number;
  row: number;
  col: number;
}

export interface StrassenExtras {
  family?: 'structured';
  kind: 'fast-algorithm';
  M: number;
  N: number;
  K: number;
  levels: number;
  padded: { M: number; N: number; K: number };
  picture: StructurePicture;
  costs: Costs;
  byLevel: StrassenLevel[];
  /** Max |error| of this GPU run. */
  gpuMaxError: number;
  normA: number;
  normB: number;
  abft?: {
    verdicts: AbftVerdict[];
    injected: { product: number; row: number; col: number; bit: number; before: number; after: number; delta: number } | null;
    /** Row and column tolerances at the injected element (what a fault must exceed to be seen). */
    tolerance: { row: number; col: number } | null;
    /** Detection was guaranteed (|δ| ≥ 4× the tolerances) rather than merely possible. */
    guaranteed: boolean;
    expected: AbftVerdict[];
    /** Flops of the checks, relative to the seven plain products. */
    overheadFlops: number;
  };
}

export interface SketchExtras {
  family?: 'structured';
  kind: 'sketch';
  method: string;
  n: number;
  d: number;
  m: number;
  k: number;
  input: string;
  /** ‖Ŵ_gpu − AᵀB‖_F / (‖A‖_F‖B‖_F). */
  relError: number;
  /** The same for the float64 evaluation of the same estimate. */
  relErrorF64: number;
  /** sqrt(2/k) and sqrt(2/(δk)) at δ = 0.1: the rms bound and the 90% bound. */
  rms: number;
  eps90: number;
  /** Numbers each side stores for its sketch, and what a dense k×d / k×m linear sketch stores. */
  stored: { a: number; b: number; linearA: number; linearB: number };
  /** E‖Ŵ − AᵀB‖_F² / (‖A‖_F‖B‖_F)² for these inputs, when known exactly. */
  expectedRelVariance?: number;
  /** For the MLMC estimator: samples per level and replicas. */
  levels?: { level: number; samples: number; replicas: number }[];
  picture: StructurePicture;
  costs: Costs;
}

export interface MatfunStep {
  step: number;
  /** ‖X̂_k − X_k‖_F/‖X_k‖_F: the GPU iterate against the float64 iterate. */
  forward: number;
  /** The derived bound on the same quantity. */
  forwardBound: number;
  /** ‖X̂_k − F(X̂_{k−1})‖_F / ‖X̂_k‖_F, F in float64 from the GPU's own previous iterate. */
  local: number;
  localBound: number;
  /** Distance to the target (polar factor, square root) of the GPU and float64 iterates. */
  toTargetGpu: number;
  toTargetF64: number;
  /** Newton–Schulz: ‖X̂X̂ᵀ − I‖_F/√m; square root: unused. */
  orthogonality?: number;
}

export interface MatfunExtras {
  family?: 'structured';
  kind: 'matfun';
  method: string;
  rows: number;
  cols: number;
  precision: string;
  target: string;
  steps: MatfunStep[];
  /** Other iterations on the same input, float64 on the CPU (e.g. Denman–Beavers). */
  comparison?: { name: string; toTarget: number[] }[];
  /** Distance of the (rounded) input's target to the float32 input's target: the input-rounding floor. */
  inputRoundingFloor?: number;
  /** Singular values (or eigenvalues) range after each step, float64. */
  spectrum?: [number, number][];
  costs: Costs;
}

export type StructuredExtras = LayerExtras | StrassenExtras | SketchExtras | MatfunExtras;
