// Experiments as plain data: defaults and validation against the variant's schema.
import { FAMILIES, findFamily, findVariant } from './registry';
import { coerceParams, defaultParams } from './schema';
import type { Experiment, KernelVariant, SweepSpec } from './types';

export const DEFAULT_SEED = 1;
export const DEFAULT_REPS = 5;
export const MAX_REPS = 200;
export const MAX_SWEEP_POINTS = 24;

export function defaultExperiment(family = FAMILIES[0].id, variantId?: string): Experiment {
  const fam = findFamily(family) ?? FAMILIES[0];
  const variant = fam.variants.find((v) => v.id === variantId) ?? fam.variants[0];
  return { family: fam.id, variant: variant.id, params: defaultParams(variant.params), seed: DEFAULT_SEED, reps: DEFAULT_REPS };
}

export function variantOf(experiment: Experiment): KernelVariant {
  const v = findVariant(experiment.family, experiment.variant);
  if (!v) throw new Error(`unknown kernel ${experiment.family}/${experiment.variant}`);
  return v;
}

/** Re-checks every field of an experiment (e.g. one that came from a message or a file). */
export function validateExperiment(raw: Experiment): { experiment: Experiment; problems: string[] } {
  const problems: string[] = [];
  let fam = findFamily(raw.family);
  if (!fam) {
    problems.push(`unknown kernel family "${String(raw.family)}"; using ${FAMILIES[0].id}`);
    fam = FAMILIES[0];
  }
  let variant = fam.variants.find((v) => v.id === raw.variant);
  if (!variant) {
    problems.push(`unknown variant "${String(raw.variant)}" of ${fam.id}; using ${fam.variants[0].id}`);
    variant = fam.variants[0];
  }
  const { params, problems: paramProblems } = coerceParams(variant.params, (raw.params ?? {}) as Record<string, unknown>);
  problems.push(...paramProblems);
  let seed = Number(raw.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    problems.push(`seed "${String(raw.seed)}" is not a whole number in 0…4294967295; using ${DEFAULT_SEED}`);
    seed = DEFAULT_SEED;
  }
  let reps = Number(raw.reps);
  if (!Number.isInteger(reps) || reps < 1 || reps > MAX_REPS) {
    problems.push(`repetitions "${String(raw.reps)}" must be 1…${MAX_REPS}; using ${DEFAULT_REPS}`);
    reps = DEFAULT_REPS;
  }
  const experiment: Experiment = { family: fam.id, variant: variant.id, params, seed, reps };
  if (raw.sweep) {
    const sweep = validateSweep(variant, raw.sweep);
    problems.push(...sweep.problems);
    if (sweep.sweep) experiment.sweep = sweep.sweep;
  }
  return { experiment, problems };
}

export function validateSweep(variant: KernelVariant, raw: SweepSpec): { sweep?: SweepSpec; problems: string[] } {
  const def = variant.params.find((p) => p.key === raw.param);
  if (!def || def.kind !== 'int') {
    return { problems: [`sweep parameter "${String(raw.param)}" is not a numeric parameter of ${variant.label}; sweep dropped`] };
  }
  const problems: string[] = [];
  const values: number[] = [];
  for (const v of Array.isArray(raw.values) ? raw.values : []) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < def.min || n > def.max) {
      problems.push(`sweep value "${String(v)}" for ${def.label} is outside ${def.min}…${def.max}; skipped`);
    } else if (!values.includes(n)) values.push(n);
  }
  if (values.length > MAX_SWEEP_POINTS) {
    problems.push(`a sweep has at most ${MAX_SWEEP_POINTS} points; kept the first ${MAX_SWEEP_POINTS}`);
    values.length = MAX_SWEEP_POINTS;
  }
  if (values.length === 0) return { problems: [...problems, `sweep over ${def.label} has no valid values; sweep dropped`] };
  return { sweep: { param: def.key, values }, problems };
}
