// The GEMM side of the GEMM-based methods. im2col and 1×1 call the matmul lab's register-blocked
// kernel itself (regBlockWgsl: global staging, scalar loads, bounds-checked edges); the indirect
// and Im2win kernels use the same tile geometry in conv's own micro-kernel (microkernel.ts), whose
// A operand is addressed through pointers or windows instead of a row-major matrix.
import { regBlockBindings, regBlockWgsl, REGBLOCK_DEFAULT } from '../matmul/regblock';
import { int } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { Binding, DeviceCaps } from '../types';

export interface GemmTile {
  BM: number;
  BN: number;
  TM: number;
  TN: number;
}

/** The GEMM tile fields (rows × columns of C per workgroup, and per invocation). */
export const GEMM_TILE = {
  BM: int('GEMM tile rows BM', 32, 4, 128, { pow2: true, choices: [16, 32, 64, 128] }),
  BN: int('GEMM tile columns BN', 32, 4, 128, { pow2: true, choices: [16, 32, 64, 128] }),
  TM: int('Micro-tile rows TM (per invocation)', 4, 1, 16, { pow2: true, choices: [1, 2, 4, 8] }),
  TN: int('Micro-tile columns TN (per invocation)', 4, 4, 16, { pow2: true, choices: [4, 8, 16] }),
};

export const pickTile = (v: GemmTile): GemmTile => ({ BM: v.BM, BN: v.BN, TM: v.TM, TN: v.TN });

/** Invocations per workgroup along x (columns) and y (rows). */
export const tileWorkgroup = (t: GemmTile): [number, number] => [t.BN / t.TN, t.BM / t.TM];

export const gemmGrid = (t: GemmTile, M: number, N: number): [number, number] => [Math.ceil(N / t.BN), Math.ceil(M / t.BM)];

export function gemmTileProblems(t: GemmTile, caps: DeviceCaps, M: number, N: number): string[] {
  const problems: string[] = [];
  if (t.BM % t.TM !== 0) problems.push(`BM = ${t.BM} is not a multiple of TM = ${t.TM}`);
  if (t.BN % t.TN !== 0) problems.push(`BN = ${t.BN} is not a multiple of TN = ${t.TN}`);
  if (problems.length) return problems;
  const [wx, wy] = tileWorkgroup(t);
  return [...checkWorkgroup(caps, [wx, wy, 1], 0, `a ${t.BM}×${t.BN} GEMM tile with ${t.TM}×${t.TN} micro-tiles`), ...checkDispatch(caps, gemmGrid(t, M, N))];
}

/** C = A·B (M×K times K×N, row-major) by the matmul lab's register-blocked kernel. */
export function matmulLabGemm(shape: { M: number; N: number; K: number }, t: GemmTile): string {
  return regBlockWgsl(shape, { ...REGBLOCK_DEFAULT, BM: t.BM, BN: t.BN, TM: t.TM, TN: t.TN, staging: 'global', vec4: false }, false);
}

/**
 * The matmul kernel's own bindings (a, b, c: regBlockBindings, from which its WGSL declarations
 * are generated), bound to this plan's buffers.
 */
export function matmulLabBindings(a: string, b: string, c: string): Binding[] {
  const [ba, bb, bc] = regBlockBindings(false);
  return [
    { ...ba, buffer: a },
    { ...bb, buffer: b },
    { ...bc, buffer: c },
  ];
}
