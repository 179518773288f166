// The share link: the whole experiment in the URL hash, compact, readable and versioned.
//   #v=1&f=matmul&k=tiled&M=512&N=512&K=512&tile=16&seed=1&reps=5&sw=tile:1,2,4,8,16
// Reserved keys: v (link version), f (family), k (variant), seed, reps, sw (sweep
// "param:values"). Every other key is a parameter of the variant, read through its schema.
// Old links must keep working: each version bump adds one step to MIGRATIONS.
import { defaultExperiment, validateSweep, DEFAULT_REPS, DEFAULT_SEED, MAX_REPS } from '../kernels/experiment';
import { FAMILIES, findFamily } from '../kernels/registry';
import { coerceParams } from '../kernels/schema';
import type { Experiment } from '../kernels/types';

export const LINK_VERSION = 1;
const RESERVED = new Set(['v', 'f', 'k', 'seed', 'reps', 'sw']);
/** Keys other features (lessons, presenter…) own; the experiment parser leaves them alone. */
export const FOREIGN_KEYS = new Set(['lesson', 'step', 'ui', 'hide', 'lock', 'snap']);
const MAX_HASH_LENGTH = 8192;

type Fields = Map<string, string>;

/**
 * MIGRATIONS[n] turns the fields of a version-n link into version n+1. Version 0 stands for
 * links without `v` (none were published, but a hand-written link may lack it).
 */
const MIGRATIONS: Record<number, (fields: Fields) => Fields> = {
  0: (fields) => fields,
};

export function migrate(fields: Fields, from: number): Fields {
  let current = fields;
  for (let v = from; v < LINK_VERSION; v++) current = MIGRATIONS[v](current);
  return current;
}

export interface ParsedLink {
  experiment: Experiment;
  /** What was rejected or replaced, in words. Empty for a clean link. */
  problems: string[];
  /** The hash carried no experiment at all (plain app start). */
  empty: boolean;
  /** Fields for other features (lesson, mode…), passed through untouched. */
  extra: Record<string, string>;
}

function readFields(hash: string): { fields: Fields; problems: string[] } {
  const problems: string[] = [];
  const fields: Fields = new Map();
  let text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.length > MAX_HASH_LENGTH) {
    problems.push(`the link is ${text.length} characters long; only the first ${MAX_HASH_LENGTH} were read`);
    text = text.slice(0, MAX_HASH_LENGTH);
  }
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      problems.push(`a damaged part of the link ("${clip(part)}") was ignored`);
      continue;
    }
    if (fields.has(key)) problems.push(`"${clip(key)}" appears twice; the first value was kept`);
    else fields.set(key, value);
  }
  return { fields, problems };
}

export function parseLink(hash: string): ParsedLink {
  const { fields: rawFields, problems } = readFields(hash);
  const extra: Record<string, string> = {};
  for (const key of FOREIGN_KEYS) {
    const value = rawFields.get(key);
    if (value !== undefined) {
      extra[key] = value;
      rawFields.delete(key);
    }
  }
  if (rawFields.size === 0) return { experiment: defaultExperiment(), problems, empty: true, extra };

  let version = LINK_VERSION;
  const rawVersion = rawFields.get('v');
  if (rawVersion === undefined) version = 0;
  else if (!/^\d+$/.test(rawVersion)) {
    problems.push(`link version "${clip(rawVersion)}" is not a number; read as version ${LINK_VERSION}`);
  } else {
    version = Number(rawVersion);
    if (version > LINK_VERSION) {
      problems.push(`this link was made by a newer Kernel Lab (link version ${version}); fields this version does not know were ignored`);
      version = LINK_VERSION;
    }
  }
  const fields = migrate(rawFields, version);

  const familyId = fields.get('f');
  let family = familyId === undefined ? FAMILIES[0] : findFamily(familyId);
  if (!family) {
    problems.push(`unknown kernel family "${clip(familyId!)}"; using ${FAMILIES[0].id}`);
    family = FAMILIES[0];
  }
  const variantId = fields.get('k');
  let variant = variantId === undefined ? family.variants[0] : family.variants.find((v) => v.id === variantId);
  if (!variant) {
    problems.push(`unknown variant "${clip(variantId!)}" of ${family.id}; using ${family.variants[0].id}`);
    variant = family.variants[0];
  }

  const rawParams: Record<string, string> = {};
  for (const [key, value] of fields) {
    if (RESERVED.has(key)) continue;
    if (variant.params.some((p) => p.key === key)) rawParams[key] = value;
    else problems.push(`unknown field "${clip(key)}" was ignored`);
  }
  const { params, problems: paramProblems } = coerceParams(variant.params, rawParams);
  problems.push(...paramProblems);

  const experiment: Experiment = { ...defaultExperiment(family.id, variant.id), params };
  const seed = fields.get('seed');
  if (seed !== undefined) {
    if (/^\d+$/.test(seed) && Number(seed) <= 0xffffffff) experiment.seed = Number(seed);
    else problems.push(`seed "${clip(seed)}" is not a whole number in 0…4294967295; using ${DEFAULT_SEED}`);
  }
  const reps = fields.get('reps');
  if (reps !== undefined) {
    if (/^\d+$/.test(reps) && Number(reps) >= 1 && Number(reps) <= MAX_REPS) experiment.reps = Number(reps);
    else problems.push(`repetitions "${clip(reps)}" must be 1…${MAX_REPS}; using ${DEFAULT_REPS}`);
  }
  const sweep = fields.get('sw');
  if (sweep !== undefined) {
    const colon = sweep.indexOf(':');
    if (colon < 0) problems.push(`sweep "${clip(sweep)}" is not "parameter:v1,v2,…"; sweep dropped`);
    else {
      const param = sweep.slice(0, colon);
      const values = sweep.slice(colon + 1).split(',').filter(Boolean).map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
      const checked = validateSweep(variant, { param, values });
      problems.push(...checked.problems);
      if (checked.sweep) experiment.sweep = checked.sweep;
    }
  }
  return { experiment, problems, empty: false, extra };
}

export function serializeLink(experiment: Experiment, extra: Record<string, string> = {}): string {
  const parts: string[] = [`v=${LINK_VERSION}`, `f=${enc(experiment.family)}`, `k=${enc(experiment.variant)}`];
  for (const [key, value] of Object.entries(experiment.params)) {
    parts.push(`${enc(key)}=${enc(typeof value === 'boolean' ? (value ? '1' : '0') : String(value))}`);
  }
  parts.push(`seed=${experiment.seed}`, `reps=${experiment.reps}`);
  if (experiment.sweep) parts.push(`sw=${enc(experiment.sweep.param)}:${experiment.sweep.values.join(',')}`);
  for (const [key, value] of Object.entries(extra)) parts.push(`${enc(key)}=${enc(value)}`);
  return `#${parts.join('&')}`;
}

function enc(text: string): string {
  return encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

function clip(text: string): string {
  const shown = text.length > 32 ? `${text.slice(0, 32)}…` : text;
  // Never echo control characters back into the page.
  return shown.replace(/[\u0000-\u001f\u007f]/g, '?');
}
