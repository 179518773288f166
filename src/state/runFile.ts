// Saved runs as files: JSON export/import (validated, all-or-nothing) and CSV export.
// Pure functions: no IndexedDB, no DOM, so they are unit-tested directly.
import { validateExperiment } from '../kernels/experiment';
import type { ExperimentResult } from '../kernels/types';

export interface SavedRun {
  id: string;
  savedAt: string;
  pinned: boolean;
  /** Runs of one sweep share this id. */
  sweepId?: string;
  result: ExperimentResult;
}

export const RUN_FILE_FORMAT = 'kernel-lab-runs';
export const RUN_FILE_VERSION = 1;
const MAX_IMPORT_RUNS = 5000;

/** JSON cannot hold ±Infinity or NaN (an exact result has SQNR = ∞): store them as strings. */
function encodeNonFinite(_key: string, value: unknown) {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

export function runsToJson(runs: SavedRun[]): string {
  return JSON.stringify({ format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, exportedAt: new Date().toISOString(), runs }, encodeNonFinite, 1);
}

const NUMBER_FIELDS = ['medianSeconds', 'gflops', 'gbps'] as const;
const METRIC_FIELDS = ['count', 'maxAbs', 'maxRel', 'relFrobenius', 'ulpMax', 'ulpMean', 'sqnrDb', 'nonFinite'] as const;

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return null;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Checks one run from a file; returns the cleaned run or the reason it is refused. */
function checkRun(raw: unknown, index: number): SavedRun | string {
  const where = `run ${index + 1}`;
  if (!isObject(raw)) return `${where} is not an object`;
  if (typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > 100) return `${where} has no valid id`;
  if (typeof raw.savedAt !== 'string' || Number.isNaN(Date.parse(raw.savedAt))) return `${where} has no valid savedAt date`;
  const r = raw.result;
  if (!isObject(r)) return `${where} has no result`;
  if (!isObject(r.experiment)) return `${where} has no experiment`;
  const { experiment, problems } = validateExperiment(r.experiment as never);
  if (problems.length) return `${where}: ${problems[0]}`;
  const numbers: Record<string, number> = {};
  for (const key of NUMBER_FIELDS) {
    const n = toNumber(r[key]);
    if (n === null) return `${where}: ${key} is not a number`;
    numbers[key] = n;
  }
  if (!Array.isArray(r.seconds) || r.seconds.some((s) => typeof s !== 'number' || !(s >= 0))) return `${where}: seconds must be a list of non-negative numbers`;
  if (!isObject(r.metrics)) return `${where} has no metrics`;
  const metrics: Record<string, number> = {};
  for (const key of METRIC_FIELDS) {
    const n = toNumber(r.metrics[key]);
    if (n === null) return `${where}: metrics.${key} is not a number`;
    metrics[key] = n;
  }
  for (const key of ['boundViolations', 'worstBoundRatio']) {
    if (r.metrics[key] !== undefined) {
      const n = toNumber(r.metrics[key]);
      if (n === null) return `${where}: metrics.${key} is not a number`;
      metrics[key] = n;
    }
  }
  if (!isObject(r.provenance) || (r.provenance.backend !== 'webgpu' && r.provenance.backend !== 'cpu')) return `${where} has no valid provenance`;
  if (typeof r.variantLabel !== 'string' || typeof r.shape !== 'string') return `${where}: variantLabel and shape must be text`;
  const heatmap = isObject(r.heatmap) && Array.isArray(r.heatmap.values) ? r.heatmap : { rows: 0, cols: 0, values: [], cellRows: 1, cellCols: 1 };
  const result = {
    ...(r as unknown as ExperimentResult),
    experiment,
    ...numbers,
    metrics: metrics as unknown as ExperimentResult['metrics'],
    heatmap: { ...(heatmap as ExperimentResult['heatmap']), values: (heatmap.values as unknown[]).map((v) => toNumber(v) ?? NaN) },
    wgsl: Array.isArray(r.wgsl) ? (r.wgsl as ExperimentResult['wgsl']).filter((w) => isObject(w) && typeof w.source === 'string') : [],
  };
  return {
    id: raw.id,
    savedAt: raw.savedAt,
    pinned: raw.pinned === true,
    ...(typeof raw.sweepId === 'string' ? { sweepId: raw.sweepId } : {}),
    result,
  };
}

/** Parses an exported file. All or nothing: one bad run refuses the whole file. */
export function runsFromJson(text: string): { runs: SavedRun[] } | { error: string } {
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
  for (let i = 0; i < data.runs.length; i++) {
    const checked = checkRun(data.runs[i], i);
    if (typeof checked === 'string') return { error: `Nothing was imported: ${checked}.` };
    runs.push(checked);
  }
  return { runs };
}

const CSV_COLUMNS = [
  'id', 'savedAt', 'family', 'variant', 'shape', 'params', 'seed', 'backend', 'adapter', 'timing',
  'medianSeconds', 'minSeconds', 'maxSeconds', 'gflops', 'gbps', 'maxAbs', 'maxRel', 'relFrobenius', 'ulpMax', 'ulpMean', 'sqnrDb', 'boundViolations',
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
      params: Object.entries(r.experiment.params).map(([k, v]) => `${k}=${v}`).join(' '),
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
  return lines.join('\n') + '\n';
}
