// Saved runs as files: JSON export/import (validated in depth by resultSchema.ts, all-or-nothing,
// duplicate ids refused) and CSV export.
// Pure functions: no IndexedDB, no DOM, so they are unit-tested directly.
import { escapeUntrusted } from '../kernels/schema';
import { validateSavedRun, type SavedRun } from './resultSchema';

export type { SavedRun } from './resultSchema';

export const RUN_FILE_FORMAT = 'kernel-lab-runs';
export const RUN_FILE_VERSION = 1;
const MAX_IMPORT_RUNS = 5000;
const MAX_FILE_CHARS = 64 * 2 ** 20;

/** JSON cannot hold ±Infinity or NaN (an exact result has SQNR = ∞): store them as strings. */
function encodeNonFinite(_key: string, value: unknown) {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

export function runsToJson(runs: SavedRun[]): string {
  return JSON.stringify({ format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, exportedAt: new Date().toISOString(), runs }, encodeNonFinite, 1);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Parses an exported file. All or nothing: one bad run refuses the whole file. */
export function runsFromJson(text: string): { runs: SavedRun[] } | { error: string } {
  if (text.length > MAX_FILE_CHARS)
    return { error: `The file is ${(text.length / 2 ** 20).toFixed(0)} MB; at most ${MAX_FILE_CHARS / 2 ** 20} MB can be imported.` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { error: `The file is not valid JSON (${e instanceof Error ? e.message : e}).` };
  }
  if (!isObject(data) || data.format !== RUN_FILE_FORMAT) return { error: 'This is not a Kernel Lab runs file (its "format" field is missing or different).' };
  if (typeof data.version !== 'number' || data.version > RUN_FILE_VERSION) {
    return { error: `This file has version ${String(data.version)}; this Kernel Lab reads version ${RUN_FILE_VERSION} or older.` };
  }
  if (!Array.isArray(data.runs)) return { error: 'The file has no list of runs.' };
  if (data.runs.length > MAX_IMPORT_RUNS) return { error: `The file has ${data.runs.length} runs; at most ${MAX_IMPORT_RUNS} can be imported at once.` };
  const runs: SavedRun[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < data.runs.length; i++) {
    const checked = validateSavedRun(data.runs[i], `run ${i + 1}`);
    if ('problem' in checked) return { error: `Nothing was imported: ${checked.problem}.` };
    if (ids.has(checked.run.id))
      return { error: `Nothing was imported: run ${i + 1} repeats the id ${escapeUntrusted(checked.run.id)} of an earlier run in the file.` };
    ids.add(checked.run.id);
    runs.push(checked.run);
  }
  return { runs };
}

const CSV_COLUMNS = [
  'id',
  'savedAt',
  'family',
  'variant',
  'shape',
  'params',
  'seed',
  'backend',
  'adapter',
  'timing',
  'medianSeconds',
  'minSeconds',
  'maxSeconds',
  'gflops',
  'gbps',
  'maxAbs',
  'maxRel',
  'relFrobenius',
  'ulpMax',
  'ulpMean',
  'sqnrDb',
  'boundViolations',
] as const;

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runsToCsv(runs: SavedRun[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const run of runs) {
    const r = run.result;
    const a = r.provenance.adapter;
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      id: run.id,
      savedAt: run.savedAt,
      family: r.experiment.family,
      variant: r.experiment.variant,
      shape: r.shape,
      params: Object.entries(r.experiment.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      seed: r.experiment.seed,
      backend: r.provenance.backend,
      adapter: a ? [a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(' ') : 'cpu',
      timing: r.provenance.timing,
      medianSeconds: r.medianSeconds,
      minSeconds: r.spread.min,
      maxSeconds: r.spread.max,
      gflops: r.gflops,
      gbps: r.gbps,
      maxAbs: r.metrics.maxAbs,
      maxRel: r.metrics.maxRel,
      relFrobenius: r.metrics.relFrobenius,
      ulpMax: r.metrics.ulpMax,
      ulpMean: r.metrics.ulpMean,
      sqnrDb: r.metrics.sqnrDb,
      boundViolations: r.metrics.boundViolations,
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}
