// The extra results each family's variants hand to that family's views (histograms, spy plots,
// dataflow…), typed per family. A family declares its type next to its kernels
// (src/kernels/<family>/extras.ts) and its views read it with extrasOf, without casts.
import type { ConvExtras } from './conv/extras';
import type { MatmulExtras } from './matmul/extras';
import type { QuantExtras } from './quant/extras';
import type { ScanExtras } from './scan/extras';
import type { SparseExtras } from './sparse/extras';
import type { FamilyId } from './vocabulary';
import type { StructuredExtras } from './structured/extras';

export type FamilyExtras = MatmulExtras | QuantExtras | SparseExtras | ScanExtras | ConvExtras | StructuredExtras;

export type ExtrasOf<F extends FamilyId> = Extract<FamilyExtras, { family?: F }>;

/** The extras of a result of family `family`, or null (no extras, or another family's result). */
export function extrasOf<F extends FamilyId>(
  result: { experiment: { family: FamilyId }; extras?: FamilyExtras } | null | undefined,
  family: F,
): ExtrasOf<F> | null {
  if (!result || result.experiment.family !== family || !result.extras) return null;
  return result.extras as ExtrasOf<F>;
}
