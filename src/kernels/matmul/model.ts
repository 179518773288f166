// An explainable performance model for the matmul variants: each variant counts its work and the
// bytes each level of the memory hierarchy must deliver given its tiling's reuse (its traffic
// facet, src/kernels/facets.ts); this module puts them under the two measured roofs (peak FMA
// throughput and copy bandwidth; Williams, Waterman & Patterson, "Roofline", CACM 2009). No
// fitting: every number comes from the configuration and two measurements, so when prediction
// and measurement disagree the gap is itself a finding.
import type { Traffic } from '../facets';

export type { Traffic } from '../facets';

export interface Roofs {
  /** Peak arithmetic rate from the FMA microbenchmark, GFLOP/s. */
  peakGflops: number;
  /** Copy bandwidth from the copy microbenchmark (bytes read + written), GB/s. */
  bandwidthGBs: number;
  /** Seconds per workgroup barrier per invocation (the barrier microbenchmark); 0 or absent: free. */
  barrierSeconds?: number;
}

export interface Prediction {
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  barrierSeconds: number;
  /** flops / globalBytes: the x axis of the roofline plot. */
  intensity: number;
  /** Which term is larger. */
  bound: 'compute' | 'memory';
}

export type Combine = 'max' | 'sum';

/**
 * Predicted time. `memory` chooses which traffic meets the copy bandwidth: 'global' (the classic
 * roofline: compulsory traffic after tile reuse) or 'register' (every load an invocation issues —
 * on CPU-backed adapters such as SwiftShader loads cost instructions, not DRAM bandwidth).
 * `combine` 'max' assumes compute and memory overlap perfectly (the roofline); 'sum' assumes none.
 */
export function predict(traffic: Traffic, roofs: Roofs, memory: 'global' | 'register' = 'global', combine: Combine = 'max'): Prediction {
  const computeSeconds = traffic.flops / (roofs.peakGflops * 1e9);
  const bytes = memory === 'global' ? traffic.globalBytes : traffic.registerLoadBytes;
  const memorySeconds = bytes / (roofs.bandwidthGBs * 1e9);
  // Barriers stall everything else: added in both combinations.
  const barrierSeconds = (traffic.invocationBarriers ?? 0) * (roofs.barrierSeconds ?? 0);
  const seconds = (combine === 'max' ? Math.max(computeSeconds, memorySeconds) : computeSeconds + memorySeconds) + barrierSeconds;
  return {
    seconds,
    computeSeconds,
    memorySeconds,
    barrierSeconds,
    intensity: traffic.flops / traffic.globalBytes,
    bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
  };
}

/** The attainable GFLOP/s at an arithmetic intensity (flop/byte) under the two roofs. */
export function rooflineGflops(intensity: number, roofs: Roofs): number {
  return Math.min(roofs.peakGflops, intensity * roofs.bandwidthGBs);
}

/** Coefficient of determination of predictions against measurements (1 = perfect; can be < 0). */
export function rSquared(measured: number[], predicted: number[]): number {
  if (measured.length !== predicted.length || measured.length === 0) throw new Error('rSquared needs two equal, non-empty lists');
  const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < measured.length; i++) {
    ssRes += (measured[i] - predicted[i]) ** 2;
    ssTot += (measured[i] - mean) ** 2;
  }
  return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
}

/** Mean of |predicted − measured| / measured. */
export function meanRelativeError(measured: number[], predicted: number[]): number {
  if (measured.length !== predicted.length || measured.length === 0) throw new Error('meanRelativeError needs two equal, non-empty lists');
  let sum = 0;
  for (let i = 0; i < measured.length; i++) sum += Math.abs(predicted[i] - measured[i]) / Math.abs(measured[i]);
  return sum / measured.length;
}

export interface ModelFit {
  rSquared: number;
  meanRelativeError: number;
  predictedSeconds: number[];
}

/**
 * Scores the model over runs (each with its variant's traffic facet): measured seconds against
 * predictions (R² on log time is also common; this is linear).
 */
export function scoreModel(
  runs: { traffic: Traffic; seconds: number }[],
  roofs: Roofs,
  memory: 'global' | 'register' = 'register',
  combine: Combine = 'sum',
): ModelFit | null {
  const measured: number[] = [];
  const predicted: number[] = [];
  for (const r of runs) {
    measured.push(r.seconds);
    predicted.push(predict(r.traffic, roofs, memory, combine).seconds);
  }
  if (measured.length === 0) return null;
  return { rSquared: rSquared(measured, predicted), meanRelativeError: meanRelativeError(measured, predicted), predictedSeconds: predicted };
}
