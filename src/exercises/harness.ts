// What every exercise's harness shares: the uniform that carries the sizes, the one-dispatch plan,
// the error allowances every bound adds, and how the judge finds the worst element of a result.
import type { Binding, BufferSpec, GpuPlan, HostArray } from '../gpu/types';
import { F32_UNIT_ROUNDOFF } from '../numerics/metrics';
import type { WorstElement } from './types';

/** Why exercises have no CPU emulation. */
export const NO_EMULATION = 'an exercise is judged on the GPU: the CPU has no kernel of yours to run';

/** Unit roundoff of float32 (round to nearest). */
export const U = F32_UNIT_ROUNDOFF;

/**
 * The smallest normal float32. WGSL lets a GPU flush subnormal results to zero, so every bound
 * allows this much absolute error per rounding that could produce one.
 */
export const TINY = 2 ** -126;

export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** The `sizes` uniform: u32 fields in declaration order (the runner pads the buffer to 16 bytes). */
export function sizesUniform(...values: number[]): Uint32Array {
  const words = new Uint32Array(Math.max(4, Math.ceil(values.length / 4) * 4));
  values.forEach((v, i) => {
    words[i] = v >>> 0;
  });
  return words;
}

/** The bits of a float32, to put an f32 field into a u32 uniform array. */
export function floatBits(x: number): number {
  return new Uint32Array(Float32Array.of(x).buffer)[0];
}

/** The plan of a one-dispatch exercise. */
export function onePlan(spec: {
  label: string;
  wgsl: string;
  bindings: Binding[];
  workgroups: [number, number?, number?];
  buffers: BufferSpec[];
  output: GpuPlan['output'];
}): GpuPlan {
  return {
    buffers: spec.buffers,
    dispatches: [{ label: spec.label, wgsl: spec.wgsl, bindings: spec.bindings, workgroups: spec.workgroups }],
    output: spec.output,
  };
}

/**
 * The plan of an exercise that reads x and writes `count` floats to y, with the sizes uniform
 * (map, guard, the scans): the buffers the solution's bindings name, in that shape.
 */
export function xToYPlan(spec: {
  label: string;
  wgsl: string;
  bindings: Binding[];
  workgroups: [number, number?, number?];
  inputs: Record<string, HostArray>;
  count: number;
}): GpuPlan {
  return onePlan({
    label: spec.label,
    wgsl: spec.wgsl,
    bindings: spec.bindings,
    workgroups: spec.workgroups,
    buffers: [
      { name: 'x', data: spec.inputs.x, usage: 'storage' },
      { name: 'y', bytes: 4 * spec.count, usage: 'storage' },
      { name: 'sizes', data: spec.inputs.sizes, usage: 'uniform' },
    ],
    output: { buffer: 'y', type: 'f32', count: spec.count },
  });
}

/** The plan with the student's WGSL in the place of the solution's (every dispatch: exercises have one). */
export function withSource(plan: GpuPlan, source: string): GpuPlan {
  return { ...plan, dispatches: plan.dispatches.map((d) => ({ ...d, wgsl: source })) };
}

/**
 * The element whose error is worst relative to its bound (a non-finite value where the truth is
 * finite counts as worst), and how many are outside their bound.
 */
export function worstElement(
  output: HostArray,
  truth: Float64Array,
  bound: Float64Array | undefined,
  where: (index: number) => string,
): WorstElement | undefined {
  let worst = -1;
  let worstRatio = -1;
  let outside = 0;
  for (let i = 0; i < truth.length; i++) {
    const got = output[i];
    const err = Math.abs(got - truth[i]);
    const b = bound ? bound[i] : 0;
    // A NaN or an infinity counts as the worst error there is; an element is outside when its
    // error is not within its bound (so a NaN error is outside too).
    const ratio = !Number.isFinite(got) ? Infinity : b > 0 ? err / b : err > 0 ? Infinity : 0;
    if (!(err <= b)) outside++;
    if (ratio > worstRatio) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (worst < 0) return undefined;
  const got = output[worst];
  return {
    index: worst,
    where: where(worst),
    got,
    expected: truth[worst],
    error: Math.abs(got - truth[worst]),
    bound: bound ? bound[worst] : 0,
    outside,
    count: truth.length,
  };
}

/** Row-major position of element `index` of a rows×cols matrix named `name`: "C[3][7]". */
export function matrixWhere(name: string, cols: number, index: number): string {
  return `${name}[${Math.floor(index / cols)}][${index % cols}]`;
}
