// An explainable performance model for the matmul variants: count the work and the bytes each
// level of the memory hierarchy must deliver given the tiling's reuse, and put them under the
// two measured roofs (peak FMA throughput and copy bandwidth; Williams, Waterman & Patterson,
// "Roofline", CACM 2009). No fitting: every number comes from the configuration and two
// measurements, so when prediction and measurement disagree the gap is itself a finding.
import type { Params } from '../types';

export interface Roofs {
  /** Peak arithmetic rate from the FMA microbenchmark, GFLOP/s. */
  peakGflops: number;
  /** Copy bandwidth from the copy microbenchmark (bytes read + written), GB/s. */
  bandwidthGBs: number;
  /** Seconds per workgroup barrier per invocation (the barrier microbenchmark); 0 or absent: free. */
  barrierSeconds?: number;
}

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

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const num = (p: Params, k: string, d = 0) => (typeof p[k] === 'number' ? (p[k] as number) : d);

/** Work and traffic of one variant with its parameters; null for variants the model does not cover. */
export function trafficOf(variant: string, params: Params): Traffic | null {
  const M = num(params, 'M');
  const N = num(params, 'N');
  const K = num(params, 'K');
  const outBytes = 4 * M * N;
  switch (variant) {
    case 'naive': {
      // Each output reads a row of A and a column of B: no reuse except through caches.
      return { flops: 2 * M * N * K, globalBytes: 4 * 2 * M * N * K + outBytes, registerLoadBytes: 4 * 2 * M * N * K, barriers: 0 };
    }
    case 'tiled': {
      const T = num(params, 'tile', 16);
      const Mp = ceilDiv(M, T) * T;
      const Np = ceilDiv(N, T) * T;
      const steps = ceilDiv(K, T);
      const workgroups = (Mp / T) * (Np / T);
      return {
        flops: 2 * Mp * Np * steps * T,
        // Every workgroup stages T×T of A and of B per K-step.
        globalBytes: 4 * workgroups * steps * 2 * T * T + outBytes,
        registerLoadBytes: 4 * 2 * Mp * Np * steps * T,
        barriers: workgroups * steps * 2,
        invocationBarriers: workgroups * steps * 2 * T * T,
      };
    }
    case 'regblock':
    case 'regblock-exact': {
      const BM = num(params, 'BM', 64);
      const BN = num(params, 'BN', 64);
      const BK = num(params, 'BK', 8);
      const TM = num(params, 'TM', 8);
      const TN = num(params, 'TN', 8);
      const staged = params.staging === 'workgroup';
      const tilesM = ceilDiv(M, BM);
      const tilesN = ceilDiv(N, BN);
      const Kp = staged ? ceilDiv(K, BK) * BK : K;
      const Mp = tilesM * BM;
      const Np = tilesN * BN;
      // A workgroup reads its BM rows of A and BN columns of B once each (through workgroup memory
      // or the cache): A is read tilesN times over, B tilesM times.
      const globalBytes = 4 * Kp * (Mp * tilesN + Np * tilesM) + outBytes;
      // An invocation loads TM values of A and TN of B per k for TM·TN multiply-adds.
      const registerLoadBytes = 4 * (Mp / TM) * (Np / TN) * Kp * (TM + TN);
      const barriers = staged ? tilesM * tilesN * 2 * (Kp / BK) : 0;
      return { flops: 2 * Mp * Np * Kp, globalBytes, registerLoadBytes, barriers, invocationBarriers: barriers * (BM / TM) * (BN / TN) };
    }
    case 'gemv': {
      // Per k, an invocation loads its cpi values of B and the M values of A for M·cpi FMAs.
      const cpi = num(params, 'cpi', 8);
      const wg = num(params, 'wg', 64);
      const invocations = Math.ceil(N / (wg * cpi)) * wg;
      return { flops: 2 * M * N * K, globalBytes: 4 * (M * K + K * N) + outBytes, registerLoadBytes: 4 * invocations * K * (cpi + M), barriers: 0 };
    }
    case 'splitk':
    case 'f16-acc16':
    case 'f16-acc32': {
      // 32×32 tiles of 4×4 micro-tiles from global memory (splitk.ts, f16.ts); split-K also
      // writes and re-reads S partial outputs. f16 halves the bytes of A and B.
      const elem = variant === 'splitk' ? 4 : 2;
      const S = variant === 'splitk' ? Math.min(num(params, 'splits', 8), K) : 1;
      const tilesM = ceilDiv(M, 32);
      const tilesN = ceilDiv(N, 32);
      const Mp = tilesM * 32;
      const Np = tilesN * 32;
      return {
        flops: 2 * Mp * Np * K + (S > 1 ? M * N * S : 0),
        globalBytes: elem * K * (Mp * tilesN + Np * tilesM) + (S > 1 ? 2 * S * outBytes : 0) + outBytes,
        registerLoadBytes: elem * (Mp / 4) * (Np / 4) * K * 8 + (S > 1 ? S * outBytes : 0),
        barriers: 0,
      };
    }
    case 'reduce':
    case 'reduce-subgroup': {
      // One workgroup per output: each reads a row of A and a column of B once.
      const wg = num(params, 'wg', 64);
      const barriers = variant === 'reduce' ? M * N * (1 + Math.log2(wg)) : M * N;
      return { flops: 2 * M * N * K, globalBytes: 4 * 2 * M * N * K + outBytes, registerLoadBytes: 4 * 2 * M * N * K, barriers, invocationBarriers: barriers * wg };
    }
    default:
      return null;
  }
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
  return { seconds, computeSeconds, memorySeconds, barrierSeconds, intensity: traffic.flops / traffic.globalBytes, bound: computeSeconds >= memorySeconds ? 'compute' : 'memory' };
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

/** Scores the model over a sweep: measured seconds against predictions (R² on log time is also common; this is linear). */
export function scoreModel(
  runs: { variant: string; params: Params; seconds: number }[],
  roofs: Roofs,
  memory: 'global' | 'register' = 'register',
  combine: Combine = 'sum',
): ModelFit | null {
  const measured: number[] = [];
  const predicted: number[] = [];
  for (const r of runs) {
    const t = trafficOf(r.variant, r.params);
    if (!t) continue;
    measured.push(r.seconds);
    predicted.push(predict(t, roofs, memory, combine).seconds);
  }
  if (measured.length === 0) return null;
  return { rSquared: rSquared(measured, predicted), meanRelativeError: meanRelativeError(measured, predicted), predictedSeconds: predicted };
}
