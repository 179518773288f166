// The extra results the scan family's variants hand to the scan lab (read there with
// extrasOf(result, 'scan')): one shape per kind of variant, told apart by `kind`.

/** Largest |h − h_float64| and bound over all channels, per bin of positions. */
export interface ErrorByPosition {
  position: number[];
  maxError: number[];
  maxBound: number[];
}

/** One mode (state) of an SSM initialisation, next to the float32 error of the outputs that carry it. */
export interface SsmModeRow {
  /** The initialisation's eigenvalue λ (continuous time). */
  re: number;
  im: number;
  /** What the kernel multiplies by per step: |e^{Δλ}| (linear scan), e^{Δ̄·Re λ} at the mean Δ̄ (S6). */
  decay: number;
  /** Steps until |impulse response| falls below 1% of its peak (null: not within the sequence). */
  memoryLag: number | null;
  /** Largest |GPU float32 − float64| over this mode's outputs, and the largest bound there. */
  maxError: number;
  maxBound: number;
}

/** What an SSM initialisation remembers, as the scan ran it. */
export interface SsmMemory {
  /** The SsmInit value and its label. */
  init: string;
  label: string;
  /** Size of the real SSM the modes come from (the HiPPO matrix for LegS and PTD). */
  size: number;
  /** The step Δ (linear scan), or the mean Δ of channel 0 (S6, where Δ changes per token). */
  dt: number;
  /** How complex modes run on the real kernels, in words. */
  mapping: string;
  /** κ_F(V) of the diagonalizing basis (1 for the closed-form initialisations). */
  conditionF: number;
  /** At most 64 modes, in the order the channels (or states) carry them. */
  modes: SsmModeRow[];
  /** Impulse responses of a few modes: Re(·) and the envelope |·|, at `lags`. */
  impulse: { lags: number[]; series: { mode: number; re: number[]; envelope: number[] }[] };
}

/** Every linear-recurrence scan (and the copy roof). */
export interface LinearScanExtras {
  family: 'scan';
  kind: 'linear-scan';
  errorByPosition: ErrorByPosition;
  /** When the decays are an SSM initialisation's. */
  ssm?: SsmMemory;
}

/** The Mamba selective scan (S6). */
export interface S6Extras {
  family: 'scan';
  kind: 's6';
  /** States x_n(t) over time of one channel, from the float64 reference (≤ 256 time columns). */
  stateHeatmap: { times: number[]; states: number[][]; source: string };
  /** |y − y_float64| and the derived bound at stateHeatmap.times (batch 0, channel 0). */
  yError: number[];
  yBound: number[];
  /** |error| of each entry of the last state (batch 0, channel 0). */
  lastStateError: number[];
  /** The initialisation of A and what each state remembers over this sequence (channel 0). */
  ssm: SsmMemory;
}

/** A field max-pooled to at most 96×96 cells of `step`×`step` pixels. */
export interface PooledField {
  step: number;
  cells: number[][];
}

/** How far an output pixel's receptive field reaches. */
export interface Reach {
  /** Pixels whose influence is at least 1% of the largest. */
  pixelsAbove1Percent: number;
  /** Of those, the ones in rows below the centre pixel. */
  rowsBelowCentre: number;
}

/** The Spatial-Mamba-style 2D demo. */
export interface SpatialExtras {
  family: 'scan';
  kind: 'spatial';
  /** The output pixel whose receptive field is shown, [x, y]. */
  centre: [number, number];
  image: PooledField;
  output: PooledField;
  receptiveScanOnly: PooledField;
  receptiveFused: PooledField;
  reachScanOnly: Reach;
  reachFused: Reach;
}

export type ScanExtras = LinearScanExtras | S6Extras | SpatialExtras;
