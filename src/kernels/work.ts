// Arithmetic intensity, defined once for every chart and table: flops per compulsory byte of the
// variant's work model (WorkModel: the bytes that must cross memory at least once). It is a
// property of the problem and its shape, not of the kernel, so every variant of one shape sits at
// the same intensity and differs only in how close it gets to the roof (Williams, Waterman and
// Patterson, "Roofline", CACM 2009, with compulsory traffic as the traffic floor). A model of the
// traffic a kernel really causes (the `traffic` facet) is a different quantity, named as such.
import type { WorkModel } from './types';

/** Flops per compulsory byte; Infinity for work that moves no bytes. */
export function arithmeticIntensity(work: WorkModel): number {
  return work.bytes > 0 ? work.flops / work.bytes : Infinity;
}

/** Below this intensity a kernel is read as memory-bound first (GB/s is its headline). */
export const MEMORY_BOUND_INTENSITY = 1;
