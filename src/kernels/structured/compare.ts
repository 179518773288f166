// The structure against the dense kernel of the same shape, measured in one job (the comparison
// study, studies.ts): for each value of a chosen parameter, the variant's baseline (its `baseline`
// facet) and the variant itself, alternating, so both see the same machine load. Pure functions,
// shared by the study and the lab panel.
import { crossoverOf } from '../../numerics/structured';
import { findVariant } from '../registry';
import { defaultParams } from '../schema';
import type { Experiment, ExperimentResult, KernelVariant, ParamDef } from '../types';

/** Integer parameters with suggested values: what the comparison can sweep. */
export function sweepableParams(variant: KernelVariant): Extract<ParamDef, { kind: 'int' }>[] {
  return variant.params.filter((p): p is Extract<ParamDef, { kind: 'int' }> => p.kind === 'int' && (p.choices?.length ?? 0) > 1);
}

export interface ComparePlan {
  experiments: Experiment[];
  /** For each experiment: the swept value and whether it is the baseline. */
  roles: { x: number; baseline: boolean }[];
}

/** Baseline and structure for each value, alternating; null when the variant names no baseline. */
export function comparePlan(experiment: Experiment, param: string, values: number[]): ComparePlan | null {
  const variant = findVariant(experiment.family, experiment.variant);
  if (!variant?.baseline) return null;
  const experiments: Experiment[] = [];
  const roles: ComparePlan['roles'] = [];
  for (const x of values) {
    const params = { ...experiment.params, [param]: x };
    const ref = variant.baseline(params);
    const base = ref && findVariant(experiment.family, ref.variant);
    if (!ref || !base) continue;
    experiments.push({
      family: experiment.family,
      variant: ref.variant,
      params: { ...defaultParams(base.params), ...ref.params },
      seed: experiment.seed,
      reps: experiment.reps,
    });
    roles.push({ x, baseline: true });
    experiments.push({ family: experiment.family, variant: experiment.variant, params, seed: experiment.seed, reps: experiment.reps });
    roles.push({ x, baseline: false });
  }
  return { experiments, roles };
}

export interface ComparePoint {
  x: number;
  structure?: ExperimentResult;
  baseline?: ExperimentResult;
  errors: string[];
}

/** The runs of a plan (by its roles), paired by value. */
export function comparePoints(roles: ComparePlan['roles'], results: ({ result?: ExperimentResult; error?: string } | null | undefined)[]): ComparePoint[] {
  const byX = new Map<number, ComparePoint>();
  roles.forEach((role, i) => {
    const point = byX.get(role.x) ?? { x: role.x, errors: [] };
    const r = results[i];
    if (r?.result) point[role.baseline ? 'baseline' : 'structure'] = r.result;
    if (r?.error) point.errors.push(`${role.baseline ? 'baseline' : 'structure'}: ${r.error}`);
    byX.set(role.x, point);
  });
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

export function compareCrossover(points: ComparePoint[]) {
  return crossoverOf(
    points.filter((p) => p.structure && p.baseline).map((p) => ({ x: p.x, structured: p.structure!.medianSeconds, dense: p.baseline!.medianSeconds })),
  );
}

/** Parses "64, 128 256" into distinct positive integers (at most 12), with a message for anything else. */
export function parseValues(text: string, def: Extract<ParamDef, { kind: 'int' }>): { values: number[]; problem: string | null } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v) || v < def.min || v > def.max)
      return { values: [], problem: `“${p.slice(0, 12)}” is not an integer from ${def.min} to ${def.max}` };
    if (!values.includes(v)) values.push(v);
  }
  if (values.length < 2) return { values, problem: 'give at least two values' };
  if (values.length > 12) return { values: values.slice(0, 12), problem: 'at most 12 values' };
  return { values: values.sort((a, b) => a - b), problem: null };
}
