// Experiments as plain data, and their one codec. An experiment is a table of text fields — the
// family (f), the variant (k), each parameter by its key, seed, reps and the sweep (sw) — and one
// function, decodeExperiment, checks every field against one schema: the variant's parameters
// plus EXPERIMENT_FIELDS below. The link parser (state/url.ts) and the worker's validator
// (validateExperiment) both call it, so they cannot disagree.
import { FAMILIES, findFamily } from './registry';
import { int } from './params';
import { coerceParam, defaultParams, quoteUntrusted } from './schema';
import type { Experiment, FamilyDef, KernelVariant, ParamDef, SweepSpec } from './types';

/** The experiment's own fields, in the same form as a variant's parameters. */
export const EXPERIMENT_FIELDS = {
  seed: { key: 'seed', ...int('Seed', 1, 0, 0xffffffff, { help: 'the same seed gives the same inputs, bit for bit, on every machine' }) },
  reps: { key: 'reps', ...int('Repetitions', 5, 1, 200, { help: 'timed samples after warm-up' }) },
} satisfies Record<string, ParamDef>;

export const DEFAULT_SEED = EXPERIMENT_FIELDS.seed.default;
export const DEFAULT_REPS = EXPERIMENT_FIELDS.reps.default;
export const MAX_REPS = EXPERIMENT_FIELDS.reps.max;
export const MAX_SWEEP_POINTS = 24;

/** Field keys that are not parameters: family, variant, seed, repetitions, sweep. */
export const EXPERIMENT_KEYS = new Set(['f', 'k', 'seed', 'reps', 'sw']);

export function defaultExperiment(family = FAMILIES[0].id, variantId?: string): Experiment {
  const fam = findFamily(family) ?? FAMILIES[0];
  const variant = fam.variants.find((v) => v.id === variantId) ?? fam.variants[0];
  return { family: fam.id, variant: variant.id, params: defaultParams(variant.params), seed: DEFAULT_SEED, reps: DEFAULT_REPS };
}

export function variantOf(experiment: Experiment): KernelVariant {
  const v = findFamily(experiment.family)?.variants.find((x) => x.id === experiment.variant);
  if (!v) throw new Error(`unknown kernel ${experiment.family}/${experiment.variant}`);
  return v;
}

export interface DecodedExperiment {
  experiment: Experiment;
  /** What was rejected or replaced, in words. Empty when every field was valid. */
  problems: string[];
}

/**
 * The one decoder: text fields in, a valid experiment out, with a sentence for every field that
 * was not used as given. Never throws. A missing field means its default.
 */
export function decodeExperiment(fields: ReadonlyMap<string, string>): DecodedExperiment {
  const problems: string[] = [];
  const familyId = fields.get('f');
  let family: FamilyDef | undefined = familyId === undefined ? FAMILIES[0] : findFamily(familyId);
  if (!family) {
    problems.push(`unknown kernel family ${quoteUntrusted(familyId!)}; using ${FAMILIES[0].id}`);
    family = FAMILIES[0];
  }
  const variantId = fields.get('k');
  let variant = variantId === undefined ? family.variants[0] : family.variants.find((v) => v.id === variantId);
  if (!variant) {
    problems.push(`unknown variant ${quoteUntrusted(variantId!)} of ${family.id}; using ${family.variants[0].id}`);
    variant = family.variants[0];
  }

  const params: Experiment['params'] = {};
  for (const def of variant.params) {
    const { value, problem } = coerceParam(def, fields.get(def.key));
    params[def.key] = value;
    if (problem) problems.push(problem);
  }
  for (const key of fields.keys()) {
    if (!EXPERIMENT_KEYS.has(key) && !variant.params.some((p) => p.key === key)) problems.push(`unknown field ${quoteUntrusted(key)} was ignored`);
  }

  const seed = coerceParam(EXPERIMENT_FIELDS.seed, fields.get('seed'));
  const reps = coerceParam(EXPERIMENT_FIELDS.reps, fields.get('reps'));
  for (const p of [seed.problem, reps.problem]) if (p) problems.push(p);
  const experiment: Experiment = { family: family.id, variant: variant.id, params, seed: seed.value as number, reps: reps.value as number };

  const sweepText = fields.get('sw');
  if (sweepText !== undefined) {
    const sweep = decodeSweep(variant, sweepText);
    problems.push(...sweep.problems);
    if (sweep.sweep) experiment.sweep = sweep.sweep;
  }
  return { experiment, problems };
}

/** The fields of an experiment, as a link carries them (the inverse of decodeExperiment). */
export function encodeExperiment(experiment: Experiment): Map<string, string> {
  const fields = new Map<string, string>([
    ['f', experiment.family],
    ['k', experiment.variant],
  ]);
  for (const [key, value] of Object.entries(experiment.params)) fields.set(key, fieldText(value));
  fields.set('seed', String(experiment.seed));
  fields.set('reps', String(experiment.reps));
  if (experiment.sweep) fields.set('sw', encodeSweep(experiment.sweep));
  return fields;
}

export function encodeSweep(sweep: SweepSpec): string {
  return `${sweep.param}:${sweep.values.join(',')}`;
}

/** A sweep "param:v1,v2,…": every value passes the same check as a single value of that parameter. */
export function decodeSweep(variant: KernelVariant, text: string): { sweep?: SweepSpec; problems: string[] } {
  const colon = text.indexOf(':');
  if (colon < 0) return { problems: [`sweep ${quoteUntrusted(text)} is not "parameter:v1,v2,…"; sweep dropped`] };
  const param = text.slice(0, colon);
  const values = text
    .slice(colon + 1)
    .split(',')
    .filter((v) => v.trim() !== '');
  return checkSweep(variant, param, values);
}

/** Re-checks a sweep given as data (from the form, a file or a message). */
export function validateSweep(variant: KernelVariant, raw: SweepSpec): { sweep?: SweepSpec; problems: string[] } {
  const values = Array.isArray(raw?.values) ? raw.values.slice(0, 10 * MAX_SWEEP_POINTS).map((v) => fieldText(v)) : [];
  return checkSweep(variant, fieldText(raw?.param), values);
}

function checkSweep(variant: KernelVariant, param: string, values: string[]): { sweep?: SweepSpec; problems: string[] } {
  const def = variant.params.find((p) => p.key === param);
  if (def?.kind !== 'int') {
    return { problems: [`sweep parameter ${quoteUntrusted(param)} is not a numeric parameter of ${variant.label}; sweep dropped`] };
  }
  const problems: string[] = [];
  const kept: number[] = [];
  for (const text of values) {
    const { value, problem } = coerceParam(def, text);
    if (problem) problems.push(`sweep value skipped: ${problem.replace(/; using .*$/, '')}`);
    else if (!kept.includes(value as number)) kept.push(value as number);
  }
  if (kept.length > MAX_SWEEP_POINTS) {
    problems.push(`a sweep has at most ${MAX_SWEEP_POINTS} points; kept the first ${MAX_SWEEP_POINTS}`);
    kept.length = MAX_SWEEP_POINTS;
  }
  if (kept.length === 0) return { problems: [...problems, `sweep over ${def.label} has no valid values; sweep dropped`] };
  return { sweep: { param: def.key, values: kept }, problems };
}

/** Re-checks every field of an experiment that came as data (a message, a file, a bench case). */
export function validateExperiment(raw: unknown): DecodedExperiment {
  return decodeExperiment(experimentFields(raw));
}

/** Reads an untrusted object's experiment fields as text, whatever their types. */
function experimentFields(raw: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (!isRecord(raw)) return fields;
  const put = (key: string, value: unknown) => {
    if (value !== undefined) fields.set(key, fieldText(value));
  };
  put('f', raw.family);
  put('k', raw.variant);
  if (isRecord(raw.params)) for (const key of Object.keys(raw.params).slice(0, 200)) if (!EXPERIMENT_KEYS.has(key)) put(key, raw.params[key]);
  put('seed', raw.seed);
  put('reps', raw.reps);
  if (raw.sweep !== undefined) {
    const sweep = raw.sweep;
    fields.set(
      'sw',
      isRecord(sweep) && Array.isArray(sweep.values)
        ? `${fieldText(sweep.param)}:${sweep.values
            .slice(0, 10 * MAX_SWEEP_POINTS)
            .map(fieldText)
            .join(',')}`
        : fieldText(sweep),
    );
  }
  return fields;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A value as link text: booleans as 1/0; anything that is not a number, string or boolean is refused later. */
function fieldText(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'string') return value.length > 256 ? value.slice(0, 256) : value;
  return `(${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value})`;
}
