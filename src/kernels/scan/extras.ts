// The extra results the scan family's variants hand to the scan lab (read there with
// extrasOf(result, 'scan')): one shape per kind of variant, told apart by `kind`.

/** Largest |h − h_float64| and bound over all channels, per bin of positions. */
export interface ErrorByPosition {
  position: number[];
  maxError: number[];
  maxBound: number[];
}

/** Every linear-recurrence scan (and the copy roof). */
export interface LinearScanExtras {
  family: 'scan';
  kind: 'linear-scan';
  errorByPosition: ErrorByPosition;
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
