// The extra results the quantization variants hand to the quant lab (read there with
// extrasOf(result, 'quant')). One member per kind of run: the GPU codec on a tensor, a quantized
// matmul, and L-Mul's error comparison.
import type { QuantScheme } from '../../numerics/formats';

/** The GPU codec quantized a tensor: how its output compares with the TypeScript codec's. */
export interface CodecExtras {
  family: 'quant';
  kind: 'tensor';
  scheme: QuantScheme;
  bitsPerValue: number;
  /** Outputs (codes, scales, zero points, or dequantized values) that differ from the TS codec. */
  mismatches: number;
  /** Error of the dequantized tensor against the original float32 tensor. */
  sqnrDb: number;
  relFrobenius: number;
  maxAbs: number;
  /** 120 bins over [lo, hi] of the original and of the dequantized values. */
  histogram: { lo: number; hi: number; counts: number[]; dequantized: number[] };
  grid: number[];
  /** The first 4096 scales. */
  scales: number[];
  groupSize: number;
  bytes: { original: number; quantized: number };
}

/** A matmul with quantized weights (and maybe activations): its footprint and its error against float32 weights. */
export interface QuantMatmulExtras {
  family: 'quant';
  kind: 'matmul';
  M: number;
  N: number;
  K: number;
  /** Weight bits per value, scales included. */
  weightBitsPerValue: number;
  weightBytes: number;
  /** Against the float64 product with the original float32 weights; absent when `note` says why. */
  relFrobeniusVsF32Weights?: number;
  sqnrDbVsF32Weights?: number;
  note?: string;
  /** The arithmetic a multiplication-free kernel performs, against the M·N·K multiplies of a dense matmul. */
  arithmetic?: ArithmeticCount;
  /** The same product under other schemes for the same inputs, computed on the host (e.g. without a rotation). */
  comparison?: SchemeError[];
  /** Weight reconstruction error per row of W (the first rows) for this scheme and the compared ones. */
  perRow?: { label: string; relFrobenius: number[] }[];
}

export interface ArithmeticCount {
  denseMultiplies: number;
  multiplies: number;
  addsOrSubtracts: number;
  /** Multiplications by powers of two done as exponent additions (ldexp). */
  shifts: number;
  /** Weights that are zero and cost nothing (ternary). */
  zeroWeightFraction?: number;
}

/** One scheme's error on the same product, against the float64 product of the original operands. */
export interface SchemeError {
  label: string;
  relFrobenius: number;
  sqnrDb: number;
  /** Bits per weight (scales included) where the scheme quantizes the weights. */
  weightBits?: number;
}

export interface ErrorFigures {
  relFrobenius: number;
  sqnrDb: number;
}

/** L-Mul against exact multiplies, all against the float64 product of the original operands. */
export interface LmulExtras {
  family: 'quant';
  kind: 'lmul-error';
  /** Per-product mean relative error over up to 65 536 pairs (the paper's element-wise comparison). */
  perProductMeanRelError: { lmul: number; e4m3Multiply: number; pairs: number };
  lmul: ErrorFigures;
  exactSameFormat: ErrorFigures;
  exactE4m3: ErrorFigures;
  lmulE4m3: ErrorFigures;
}

/** L-Mul's comparison was skipped (the shape is too large for the CPU). */
export interface LmulSkipped {
  family: 'quant';
  kind: 'lmul-skipped';
  note: string;
}

export type QuantExtras = CodecExtras | QuantMatmulExtras | LmulExtras | LmulSkipped;
