// The register-blocked micro-kernel shared by BSR and the dense 'blocked' baseline: a workgroup
// owns one block row (S rows of C) and 4·TN columns; for each S×S block of A staged in workgroup
// memory, every invocation multiplies it into S vec4 accumulators held in registers (S rows × 4
// columns), reusing each vec4 of B it loads S times. The two kernels differ only in which blocks
// they visit (the stored ones, or all of them) and where a block comes from.
import { readOnly, readWrite } from '../../gpu/bindings';
import { padMatrix } from '../../numerics/matmul';
import { checkWorkgroup } from '../schema';
import type { DeviceCaps } from '../types';
import { checkGrid } from './common';

/** B as the micro-kernel reads it: vec4s, columns zero-padded on the host to a multiple of 4. */
export const PADDED_B_BINDING = readOnly('b', 'array<vec4f>', 'B, K×N4 vec4s, columns zero-padded to a multiple of 4');
/** C as the micro-kernel stores it (storeRow skips the padding columns). */
export const C_BINDING = readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major');

/** The blocked layout: S×S blocks, TN invocations of 4 columns each per workgroup. */
export interface BlockedLayout {
  M: number;
  N: number;
  /** Block side S. */
  bsr: number;
  /** Invocations per workgroup. */
  tn: number;
}

/**
 * The micro-kernel's functions. The shader that includes them declares K, N, N4, S, `b` and `c`
 * (PADDED_B_BINDING, C_BINDING) and `blockTile` (S×S, workgroup memory).
 * multiplyBlock accumulates blockTile × B[k0 … k0+S−1, 4·col4 … 4·col4+3] into acc (S rows × 4
 * columns); storeRow stores a row of it into C (columns past N are padding, not stored).
 */
export function microKernelWgsl(S: number): string {
  return /* wgsl */ `
fn multiplyBlock(k0 : u32, col4 : u32, acc : ptr<function, array<vec4f, ${S}>>) {
  for (var kk = 0u; kk < S; kk++) {
    if (k0 + kk < K) {
      let bValue = b[(k0 + kk) * N4 + col4];
      for (var r = 0u; r < S; r++) {
        (*acc)[r] += blockTile[r * S + kk] * bValue;
      }
    }
  }
}

fn storeRow(row : u32, col4 : u32, value : vec4f) {
  for (var j = 0u; j < 4u; j++) {
    let col = col4 * 4u + j;
    if (col < N) {
      c[row * N + col] = value[j];
    }
  }
}`;
}

/** Workgroups along N: TN invocations of 4 columns each. */
export function columnTiles(N: number, TN: number): number {
  return Math.ceil(Math.ceil(N / 4) / TN);
}

/** Workgroups of the blocked layout: block rows × column tiles. */
export function blockedWorkgroups(cfg: BlockedLayout): number {
  return Math.ceil(cfg.M / cfg.bsr) * columnTiles(cfg.N, cfg.tn);
}

/** B with its columns padded with zeros to a multiple of 4, for the vec4 micro-kernel. */
export function padColumnsTo4(b: Float32Array, rows: number, cols: number): Float32Array {
  const padded = Math.ceil(cols / 4) * 4;
  if (padded === cols) return b;
  return padMatrix(b, rows, cols, rows, padded);
}

export function blockedProblems(cfg: BlockedLayout, caps: DeviceCaps): string[] {
  const { M, N, bsr: S, tn: TN } = cfg;
  return [
    ...(S > 32 ? [`block size ${S} is above 32: its ${S} accumulators per invocation would not fit in registers`] : []),
    ...checkWorkgroup(caps, [TN, 1, 1], 4 * S * S, `${S}×${S} blocks with ${TN} invocations (4 columns each) per workgroup`),
    ...checkGrid(blockedWorkgroups(cfg), caps, `${Math.ceil(M / S)} block rows × ${columnTiles(N, TN)} column tiles`),
  ];
}
