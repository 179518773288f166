// The share link: the whole experiment in the URL hash, compact, readable and versioned.
//   #v=1&f=matmul&k=tiled&M=512&N=512&K=512&tile=16&seed=1&reps=5&sw=tile:1,2,4,8,16
// Keys: v (link version), then the experiment's fields — f (family), k (variant), seed, reps,
// sw (sweep "param:values") and the variant's parameters — which decodeExperiment reads, the same
// function that validates experiments in the worker.
// Old links must keep working: each version bump adds one step to MIGRATIONS.
import { decodeExperiment, defaultExperiment, encodeExperiment } from '../kernels/experiment';
import { escapeUntrusted } from '../kernels/schema';
import type { Experiment } from '../kernels/types';

export const LINK_VERSION = 1;
/** Keys other features (lessons, presenter…) own; the experiment parser leaves them alone. */
export const FOREIGN_KEYS = new Set(['lesson', 'step', 'ui', 'hide', 'lock', 'snap', 'edit']);
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
  fields.delete('v');

  const decoded = decodeExperiment(fields);
  return { experiment: decoded.experiment, problems: [...problems, ...decoded.problems], empty: false, extra };
}

export function serializeLink(experiment: Experiment, extra: Record<string, string> = {}): string {
  const parts: string[] = [`v=${LINK_VERSION}`];
  for (const [key, value] of encodeExperiment(experiment)) parts.push(`${enc(key)}=${enc(value)}`);
  for (const [key, value] of Object.entries(extra)) parts.push(`${enc(key)}=${enc(value)}`);
  return `#${parts.join('&')}`;
}

function enc(text: string): string {
  return encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

function clip(text: string): string {
  return escapeUntrusted(text, 32);
}
