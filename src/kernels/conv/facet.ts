// The conv family's own facet: what a conv variant tells the lab panel about itself before it
// runs — 2-D or 1-D, which memory picture explains it, and its bytes for given parameters — so
// the panel asks the variant instead of keeping a table keyed by variant ids.
import { defineVariant, type VariantSpec } from '../define';
import type { Fields } from '../params';
import type { KernelVariant, Params } from '../types';
import type { ConvMemory } from './extras';

/** The picture of what the method lays out in memory. */
export type ConvPicture =
  | 'in-place' // reads the input where it is, one output per invocation
  | 'register-block' // reads the input where it is, a block of output channels per invocation
  | 'column-matrix' // im2col: a copied row of C·R·S inputs per output pixel
  | 'gemm-view' // 1×1: the input already is the GEMM operand
  | 'indirection' // R·S pointers per output pixel into the input
  | 'window-order' // Im2win: R input rows per output row, column by column
  | 'winograd-tile' // Winograd: a 4×4 input tile per 2×2 output tile
  | 'sliding' // 1-D direct: a window of K inputs per output
  | 'fft-stages' // 1-D radix-2/4 FFT: log L stages of butterflies
  | 'dft-matrices'; // 1-D FFT as N1- and N2-point DFT matrices

export interface ConvFacet {
  dims: '2d' | '1d';
  picture: ConvPicture;
  /** Bytes allocated and moved for these (validated) parameters. */
  memory(params: Params): ConvMemory;
}

const FACETS = new WeakMap<KernelVariant, ConvFacet>();

/** The conv facet of a variant, or null for a variant of another family. */
export function convFacetOf(variant: KernelVariant | undefined): ConvFacet | null {
  return (variant && FACETS.get(variant)) ?? null;
}

/**
 * defineVariant for a conv variant, with its facet: `memory` is a function of the variant's
 * typed configuration, decoded from the parameters by the same schema and config function.
 */
export function defineConvVariant<S extends Fields, C>(
  spec: VariantSpec<S, C>,
  facet: { dims: '2d' | '1d'; picture: ConvPicture; memory(cfg: NoInfer<C>): ConvMemory },
): KernelVariant {
  const variant = defineVariant(spec);
  const configOf = (params: Params): C => {
    const values = spec.schema.read(params);
    return spec.config ? spec.config(values) : (values as unknown as C);
  };
  FACETS.set(variant, { dims: facet.dims, picture: facet.picture, memory: (params) => facet.memory(configOf(params)) });
  return variant;
}

/** Totals of a list of buffers and passes. */
export function convMemory(buffers: ConvMemory['buffers'], passes: ConvMemory['passes']): ConvMemory {
  const allocatedBytes = buffers.reduce((n, b) => n + b.bytes, 0);
  const extraBytes = buffers.filter((b) => b.role === 'workspace' || b.role === 'table').reduce((n, b) => n + b.bytes, 0);
  const movedBytes = passes.reduce((n, p) => n + p.readBytes + p.writeBytes, 0);
  return { buffers, passes, allocatedBytes, extraBytes, movedBytes };
}
