// What the matmul panels draw from, derived from the store (pure functions, used with useMemo):
// this device's runs (the history and the results just in), the roofs they measured, the
// configurations the heatmap shows, the runs the roofline places. Every fact about a variant
// comes from the variant itself (its traffic facet, its schema), never from a table of ids.
import { adapterName } from '../../../gpu/describe';
import { QUICK_GRID, variantGrid } from '../../../kernels/matmul/grid';
import type { Roofs, Traffic } from '../../../kernels/matmul/model';
import { roofOf } from '../../../kernels/matmul/roofline';
import type { RoofsRecord, RoofsSummary, TuneSummary } from '../../../kernels/matmul/studyTypes';
import { findVariant } from '../../../kernels/registry';
import type { DeviceCaps, Experiment, ExperimentResult, KernelVariant, Params, SweepPoint } from '../../../kernels/types';
import type { SavedRun } from '../../../state/runFile';
import type { GpuStatus } from '../../../workers/protocol';
import type { HeatPoint } from './ConfigHeatmap';

const SHAPE_KEYS = ['M', 'N', 'K'] as const;
const CONFIG_KEYS = ['BM', 'BN', 'BK', 'TM', 'TN', 'staging', 'vec4'] as const;
/** The parameters that make a variant register-blocked (the heatmap's axes). */
const BLOCKING_KEYS = ['BM', 'BN', 'TM', 'TN'];

export type Shape = { M: number; N: number; K: number };

export function configKey(p: Params): string {
  return JSON.stringify([...SHAPE_KEYS, ...CONFIG_KEYS].map((k) => p[k]));
}

export function sameShape(a: Params | Shape, b: Params | Shape): boolean {
  return SHAPE_KEYS.every((k) => a[k] === b[k]);
}

export function shapeOf(params: Params): Shape | null {
  return SHAPE_KEYS.every((k) => typeof params[k] === 'number') ? { M: params.M as number, N: params.N as number, K: params.K as number } : null;
}

/** A facet's answer, or null when the parameters no longer fit the variant (an old saved run). */
function ask<T>(f: () => T | null | undefined): T | null {
  try {
    return f() ?? null;
  } catch {
    return null;
  }
}

/** A matmul variant's traffic for these parameters on this device, or null. */
export function trafficOfRun(variant: string, params: Params, caps?: DeviceCaps | null): Traffic | null {
  return ask(() => findVariant('matmul', variant)?.traffic?.(params, caps ?? undefined));
}

/** Whether the variant is register-blocked (has BM, BN, TM, TN): the heatmap is for those. */
export function isRegisterBlocked(variant: KernelVariant): boolean {
  return BLOCKING_KEYS.every((k) => variant.params.some((p) => p.key === k));
}

/** Runs on this device (the GPU in use, or the CPU when there is none). */
export function onThisDevice(r: ExperimentResult, gpu: GpuStatus | null): boolean {
  return gpu?.available ? r.provenance.backend === 'webgpu' && adapterName(r.provenance.adapter) === adapterName(gpu.adapter) : r.provenance.backend === 'cpu';
}

/** This device's matmul results: the ones just in, then the history, newest first, each once. */
export function deviceRuns(history: SavedRun[], current: ExperimentResult[], gpu: GpuStatus | null): ExperimentResult[] {
  const seen = new Set<ExperimentResult>();
  const out: ExperimentResult[] = [];
  for (const r of [...current, ...history.map((h) => h.result)]) {
    if (seen.has(r) || r.experiment.family !== 'matmul' || !onThisDevice(r, gpu)) continue;
    seen.add(r);
    out.push(r);
  }
  return out;
}

/**
 * The roofs to draw: for each roof, the newest of this device's roof-benchmark runs and the
 * roofs study (its last result, or the record it kept for this adapter).
 */
export function effectiveRoofs(runs: ExperimentResult[], study: RoofsSummary | null, record: RoofsRecord | null): Partial<Roofs> {
  const found: Record<keyof Roofs, { value: number; date: string } | null> = { peakGflops: null, bandwidthGBs: null, barrierSeconds: null };
  const offer = (roof: Partial<Roofs> | null, date: string) => {
    if (!roof) return;
    for (const key of Object.keys(found) as (keyof Roofs)[]) {
      const value = roof[key];
      if (typeof value === 'number' && Number.isFinite(value) && (!found[key] || found[key]!.date < date)) found[key] = { value, date };
    }
  };
  for (const r of runs)
    offer(
      ask(() => roofOf(r)),
      r.provenance.date,
    );
  if (study)
    offer(
      { peakGflops: study.peakGflops ?? undefined, bandwidthGBs: study.bandwidthGBs ?? undefined, barrierSeconds: study.barrierSeconds ?? undefined },
      study.date,
    );
  if (record) offer(record, record.date);
  return { peakGflops: found.peakGflops?.value, bandwidthGBs: found.bandwidthGBs?.value, barrierSeconds: found.barrierSeconds?.value };
}

/**
 * The heatmap's points for a register-blocked variant at this shape: the grid (greyed where this
 * device cannot run it, with the variant's own reasons), every configuration the tuner measured
 * for this variant and shape, this device's runs, and sweep points that failed.
 */
/**
 * The points of a sweep of this variant at this shape that could not run, with the reason, at the
 * configuration the sweep ran: its own parameters (not the form's, which may have changed since)
 * with the swept one set.
 */
export function failedSweepPoints(sweep: Experiment | null, points: SweepPoint[], variant: KernelVariant, shape: Shape): { params: Params; error: string }[] {
  if (!sweep?.sweep || sweep.variant !== variant.id || !sameShape(sweep.params, shape)) return [];
  const param = sweep.sweep.param;
  return points.flatMap((p) => (p.error ? [{ params: { ...sweep.params, [param]: p.value }, error: p.error }] : []));
}

export function heatPoints(
  variant: KernelVariant,
  shape: Shape,
  caps: DeviceCaps | null,
  runs: ExperimentResult[],
  tuning: TuneSummary | null,
  failed: { params: Params; error: string }[],
): HeatPoint[] {
  const points = new Map<string, HeatPoint>();
  if (caps)
    for (const g of variantGrid(variant, shape, caps, QUICK_GRID))
      points.set(configKey(g.params), g.problems.length ? { params: g.params, problems: g.problems } : { params: g.params });
  if (tuning && sameShape(tuning.shape, shape)) {
    const flops = 2 * shape.M * shape.N * shape.K;
    for (const tp of [...tuning.points, ...(tuning.sweep?.points ?? [])]) {
      if (tp.variant !== variant.id) continue;
      const p: Params = { ...shape, ...tp.config };
      if (tp.error) points.set(configKey(p), { params: p, problems: [tp.error] });
      else if (Number.isFinite(tp.seconds)) points.set(configKey(p), { params: p, gflops: flops / tp.seconds / 1e9 });
    }
  }
  // Oldest first, so the newest run of a configuration is the one shown.
  for (const r of [...runs].reverse()) {
    if (r.experiment.variant === variant.id && sameShape(r.experiment.params, shape))
      points.set(configKey(r.experiment.params), { params: r.experiment.params, gflops: r.gflops });
  }
  for (const f of failed) points.set(configKey(f.params), { params: f.params, problems: [f.error] });
  return [...points.values()];
}

/** How many of this device's runs the roofline chart places (newest first, one per configuration). */
export const ROOFLINE_RUNS = 40;

export interface RoofRun {
  label: string;
  variant: string;
  params: Params;
  seconds: number;
  gflops: number;
}

/** This device's runs that the model covers (their variant has a traffic facet), one per configuration. */
export function roofRuns(runs: ExperimentResult[], caps: DeviceCaps | null): RoofRun[] {
  const byConfig = new Map<string, RoofRun>();
  for (const r of runs) {
    const { variant, params } = r.experiment;
    const key = JSON.stringify([variant, params]);
    if (byConfig.has(key) || !trafficOfRun(variant, params, caps)) continue;
    const blocking = ['BM', 'BN', 'TM', 'TN'].every((k) => k in params) ? ` ${params.BM}×${params.BN} t${params.TM}×${params.TN}` : '';
    byConfig.set(key, { label: `${variant} ${r.shape}${blocking}`, variant, params, seconds: r.medianSeconds, gflops: r.gflops });
    if (byConfig.size >= ROOFLINE_RUNS) break;
  }
  return [...byConfig.values()];
}
