// The decode GEMV pair (issue 19 item 4): y (M×N) = X (M×K) · Wᵀ for a few rows of X, W stored N×K.
// One invocation owns NR consecutive outputs first…first+NR−1 of one row m of X: it walks K a word of 8
// weights at a time, loads the 8 activations once and uses them for all NR rows of W, so activation
// loads cost 1/NR per weight. The accumulators are named scalars (acc0, acc1, …), not an indexed
// array: a CPU adapter (SwiftShader) keeps indexed private arrays in memory, and the f32 kernel with
// an array was 1.6× slower than this one, measured. gemvF32.ts (float32 weights, the baseline) and
// gemvW4.ts (int4 weights) share this file, so their speed ratio isolates the weight format.
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { BaselineRef } from '../facets';
import type { DeviceCaps } from '../types';
import { int } from '../params';
import { QUANT_MATMUL_FIELDS, matmulShape, type QuantMatmulConfig } from './wmatmul';

export const GEMV_WG = 64;

/** The GEMV fields: the quantized matmul's, with M up to 64 (decode batches) and the outputs per invocation. */
export const GEMV_FIELDS = {
  ...QUANT_MATMUL_FIELDS,
  M: int('M (rows of X: 1 = one token)', 1, 1, 64, { choices: [1, 2, 4, 8] }),
  TM: int('Rows of X per invocation (fixed at 1: each row of X is its own dispatch row)', 1, 1, 1),
  NR: int('Outputs per invocation (rows of W sharing one load of the activations)', 8, 1, 16, { choices: [1, 2, 4, 8, 16] }),
};

export interface GemvConfig extends QuantMatmulConfig {
  NR: number;
}

export const GEMV_BASELINE_ID = 'gemv-f32';

/** The float32 GEMV of the same shape, activations and outputs per invocation. */
export function gemvBaseline({ M, N, K, NR, dist, outliers, outlierScale }: GemvConfig): BaselineRef {
  return { variant: GEMV_BASELINE_ID, params: { M, N, K, TM: 1, NR, dist, outliers, outlierScale } };
}

export function gemvDispatch({ M, N, NR }: GemvConfig): [number, number] {
  return [Math.ceil(N / (GEMV_WG * NR)), M];
}

export function gemvLimits(cfg: GemvConfig, caps: DeviceCaps, buffers: [string, number][]): string[] {
  const problems: string[] = [];
  if (cfg.K % 8 !== 0) problems.push(`K = ${cfg.K} must be a multiple of 8 (8 weights per word)`);
  problems.push(...checkWorkgroup(caps, [GEMV_WG, 1, 1], 0));
  problems.push(...checkDispatch(caps, gemvDispatch(cfg)));
  problems.push(...checkBuffers(caps, [['X', 4 * cfg.M * cfg.K], ['Y', 4 * cfg.M * cfg.N], ...buffers]));
  return problems;
}

/** `line(r)` for r = 0…NR−1, one per line: the unrolled per-row statements. */
export function perRow(NR: number, line: (r: number) => string): string {
  return Array.from({ length: NR }, (_, r) => line(r)).join('\n');
}

/** WGSL: the owner of an invocation and its rows (a row past N reads row N−1 and is not stored). */
export function gemvOwner(NR: number): string {
  return `  let m = gid.y;
  let first = gid.x * NR; // outputs first … first + NR − 1
  if (first >= N) {
    return;
  }
${perRow(NR, (r) => `  let row${r} = min(first + ${r}u, N - 1u);`)}`;
}

/** WGSL: store the NR sums of this invocation. */
export function gemvStore(NR: number, value: (r: number) => string): string {
  return perRow(
    NR,
    (r) => `  if (first + ${r}u < N) {
    y[m * N + first + ${r}u] = ${value(r)};
  }`,
  );
}

export function gemvShape(cfg: GemvConfig): string {
  return `${matmulShape(cfg)} NR=${cfg.NR}`;
}
