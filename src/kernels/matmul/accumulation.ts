// The numeric lesson of the f16 variants: with the same f16 inputs, how the accumulator's
// precision sets how the error grows with K. Pure CPU computation (exact emulation of IEEE
// arithmetic rounded to the accumulator's format after every multiply-add), used by the matmul
// lab's "accumulator precision" panel on every device, with or without shader-f16.
import { computeMetrics, F32_UNIT_ROUNDOFF } from '../../numerics/metrics';
import { F16_UNIT_ROUNDOFF } from '../../numerics/matmulF16';
import { f16EmulateOf, f16Inputs, f16ReferenceOf, type F16Accumulator } from './f16';

export interface AccumulationPoint {
  K: number;
  /** ‖C − C₆₄‖_F / ‖C₆₄‖_F for each accumulator. */
  relError: Record<F16Accumulator, number>;
  /** Largest |error| over the outputs, relative to the largest |C₆₄|. */
  maxError: Record<F16Accumulator, number>;
  /** Outputs outside the derived bound (the bound is undefined for f16 once K·u ≥ 1). */
  boundViolations: Record<F16Accumulator, number | null>;
}

export const ACCUMULATION_KS = [16, 64, 256, 1024, 4096, 16384];

/** Rounding-error scales for the chart: worst case K·u (Higham §3.1) and the typical √K·u. */
export function growthGuides(K: number): { worst16: number; typical16: number; worst32: number; typical32: number } {
  return {
    worst16: K * F16_UNIT_ROUNDOFF,
    typical16: Math.sqrt(K) * F16_UNIT_ROUNDOFF,
    worst32: K * F32_UNIT_ROUNDOFF,
    typical32: Math.sqrt(K) * F32_UNIT_ROUNDOFF,
  };
}

/** One point: M×N outputs of length-K dot products, both accumulators on the same f16 inputs. */
export function accumulationPoint(K: number, seed: number, M = 16, N = 16): AccumulationPoint {
  const shape = { M, N, K };
  const inputs = f16Inputs(shape, seed);
  const point: AccumulationPoint = { K, relError: { f16: 0, f32: 0 }, maxError: { f16: 0, f32: 0 }, boundViolations: { f16: null, f32: null } };
  for (const acc of ['f16', 'f32'] as const) {
    const ref = f16ReferenceOf(acc, shape, inputs);
    const out = f16EmulateOf(acc, shape, inputs);
    const m = computeMetrics(out, ref.values, ref.bound);
    let refMax = 0;
    for (const v of ref.values) refMax = Math.max(refMax, Math.abs(v));
    point.relError[acc] = m.relFrobenius;
    point.maxError[acc] = refMax > 0 ? m.maxAbs / refMax : 0;
    point.boundViolations[acc] = ref.bound ? (m.boundViolations ?? 0) : null;
  }
  return point;
}
