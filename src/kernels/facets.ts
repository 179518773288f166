// What a variant can tell the views about itself, beyond running. A view asks the variant for a
// facet; no view keeps a table keyed by variant ids. Plain data only.
import type { DataflowAlgorithm } from '../numerics/scanDataflow';
import type { DeviceCaps } from '../gpu/types';
import type { Params } from './vocabulary';

/** How a 2D output is split between workgroups and invocations (the matmul tile view). */
export interface Tiling {
  /** Output tile of one workgroup. */
  BM: number;
  BN: number;
  /** K-step: how much of K is staged at once (1 when nothing is staged). */
  BK: number;
  /** Outputs per invocation. */
  TM: number;
  TN: number;
  /** Invocations per workgroup along columns (x) and rows (y). */
  WX: number;
  WY: number;
  /** 'strided': columns tx + j·WX; 'contiguous': four adjacent columns per vec4 group. */
  layout: 'strided' | 'contiguous';
  /** Where the K-step's panels live: workgroup memory, or read straight from global memory. */
  staging: 'workgroup' | 'global';
}

/** Work and bytes per level of the memory hierarchy (the performance model and the roofline). */
export interface Traffic {
  /** Multiply-adds counted as 2, including the padding of edge tiles that is computed and thrown away. */
  flops: number;
  /** Bytes that come from buffers (global memory), after the workgroup tile's reuse. */
  globalBytes: number;
  /** Bytes the invocations load into registers per FMA (from global memory or workgroup memory). */
  registerLoadBytes: number;
  /** Workgroup barriers executed, summed over workgroups. */
  barriers: number;
  /** Barriers times the invocations that wait at each (what a CPU adapter pays for). */
  invocationBarriers?: number;
}

/**
 * What a variant is for in its lab:
 *  - 'kernel': a way to compute the family's result (the default);
 *  - 'baseline': the plain kernel others are measured against (dense matmul, f32 GEMM, copy);
 *  - 'roof': a microbenchmark that measures a device ceiling (peak FMA, copy bandwidth, barriers).
 */
export type VariantRole = 'kernel' | 'baseline' | 'roof';

/** Another experiment of the same family that this one is compared against (same shape). */
export interface BaselineRef {
  variant: string;
  params: Params;
}

export interface Facets {
  tiling?(params: Params): Tiling | null;
  /**
   * Work and bytes per memory level. `caps`: the device the run is for, where the traffic depends
   * on what the device chose (e.g. a subgroup-matrix fragment shape); null when it cannot be known.
   */
  traffic?(params: Params, caps?: DeviceCaps): Traffic | null;
  /** Sentences the lab panel shows for this variant and configuration. */
  notes?(params: Params): string[];
  /** The scan algorithm whose dataflow the scan lab draws. */
  dataflow?(params: Params): DataflowAlgorithm | null;
  role?: VariantRole;
  baseline?(params: Params): BaselineRef | null;
}
