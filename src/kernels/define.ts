// defineVariant: a variant is one object. Its parameters are decoded once, by its schema, into a
// typed configuration; everything else (limits, inputs, plan, reference, work model and the facets
// views ask for) is a function of that configuration. The result is the KernelVariant the rest of
// the app uses, whose functions take the validated parameters.
//
//   export const tiled = defineVariant({
//     ...matmulShared,                      // inputs, reference, work, shape of every matmul
//     id: 'tiled', label: '…', summary: '…',
//     schema: paramSchema({ ...MATMUL_SHAPE, tile: int('Tile size T', 16, 1, 32) }),
//     config: (v) => ({ ...v, workgroups: [Math.ceil(v.N / v.tile), Math.ceil(v.M / v.tile)] }),
//     limits: (cfg, caps) => checkWorkgroup(caps, [cfg.tile, cfg.tile, 1], …),
//     plan: (cfg, inputs) => ({ … }),
//   });
import type { FamilyExtras } from './extras';
import type { BaselineRef, Tiling, Traffic, VariantRole } from './facets';
import type { Decoded, Fields, ParamSchema } from './params';
import type { DataflowAlgorithm } from '../numerics/scanDataflow';
import type { DeviceCaps, FamilyId, GpuPlan, HostArray, KernelVariant, Params, ReferenceResult, WorkModel } from './types';

export type Inputs = Record<string, HostArray>;

export interface VariantSpec<S extends Fields, C> {
  family: FamilyId;
  id: string;
  label: string;
  /** One or two sentences for the picker. */
  summary: string;
  schema: ParamSchema<S>;
  /**
   * The typed configuration, derived once from the decoded parameters (identity if omitted).
   * Only this function fixes C; every other member is checked against it (NoInfer).
   */
  config?(values: Decoded<S>): C;
  /** Why the variant cannot run on this device (a missing feature), or null. */
  unavailableReason?(caps: DeviceCaps): string | null;
  /** Everything about this configuration that breaks this device's limits, in words. */
  limits(cfg: NoInfer<C>, caps: DeviceCaps): string[];
  /** Files of public/ this configuration needs (see KernelVariant.assets). */
  assets?(cfg: NoInfer<C>): string[];
  inputs(cfg: NoInfer<C>, seed: number, assets?: Record<string, Uint8Array>): Inputs;
  reference(cfg: NoInfer<C>, inputs: Inputs): ReferenceResult;
  emulate?(cfg: NoInfer<C>, inputs: Inputs): Float32Array;
  /** Why there is no CPU emulation (required in words when `emulate` is absent). */
  noEmulationReason?: string;
  plan(cfg: NoInfer<C>, inputs: Inputs, caps: DeviceCaps): GpuPlan;
  work(cfg: NoInfer<C>): WorkModel;
  shape(cfg: NoInfer<C>): string;
  extras?(cfg: NoInfer<C>, inputs: Inputs, output: HostArray, ref: ReferenceResult): FamilyExtras;
  // ---- facets the views ask for (see facets.ts)
  tiling?(cfg: NoInfer<C>): Tiling | null;
  /** `caps`: the device the run is for, when the traffic depends on what it offers (see Facets). */
  traffic?(cfg: NoInfer<C>, caps?: DeviceCaps): Traffic | null;
  notes?(cfg: NoInfer<C>): string[];
  dataflow?(cfg: NoInfer<C>): DataflowAlgorithm | null;
  role?: VariantRole;
  baseline?(cfg: NoInfer<C>): BaselineRef | null;
}

export function defineVariant<S extends Fields, C = Decoded<S>>(spec: VariantSpec<S, C>): KernelVariant {
  // Decoded configurations of recently seen parameter values (keyed by value, not by object,
  // so a caller that edits a params object in place never gets a stale configuration).
  const cache = new Map<string, C>();
  const cfg = (params: Params): C => {
    const key = spec.schema.defs.map((d) => String(params[d.key])).join('\u0001');
    let c = cache.get(key);
    if (c === undefined) {
      const values = spec.schema.read(params);
      c = spec.config ? spec.config(values) : (values as unknown as C);
      if (cache.size >= 32) cache.delete(cache.keys().next().value!);
      cache.set(key, c);
    }
    return c;
  };
  const variant: KernelVariant = {
    family: spec.family,
    id: spec.id,
    label: spec.label,
    summary: spec.summary,
    params: spec.schema.defs,
    checkLimits: (params, caps) => spec.limits(cfg(params), caps),
    makeInputs: (params, seed, assets) => spec.inputs(cfg(params), seed, assets),
    reference: (params, inputs) => spec.reference(cfg(params), inputs),
    plan: (params, inputs, caps) => spec.plan(cfg(params), inputs, caps),
    work: (params) => spec.work(cfg(params)),
    shapeLabel: (params) => spec.shape(cfg(params)),
  };
  const { unavailableReason, assets, emulate, extras, tiling, traffic, notes, dataflow, baseline } = spec;
  if (unavailableReason) variant.unavailableReason = unavailableReason;
  if (assets) variant.assets = (params) => assets(cfg(params));
  if (emulate) variant.emulate = (params, inputs) => emulate(cfg(params), inputs);
  else variant.noEmulationReason = spec.noEmulationReason ?? 'no CPU float32 emulation has been written for this variant yet, so it runs only on WebGPU';
  if (extras) variant.extras = (params, inputs, output, ref) => extras(cfg(params), inputs, output, ref);
  if (tiling) variant.tiling = (params) => tiling(cfg(params));
  if (traffic) variant.traffic = (params, caps) => traffic(cfg(params), caps);
  if (notes) variant.notes = (params) => notes(cfg(params));
  if (dataflow) variant.dataflow = (params) => dataflow(cfg(params));
  if (baseline) variant.baseline = (params) => baseline(cfg(params));
  variant.role = spec.role ?? 'kernel';
  return variant;
}
