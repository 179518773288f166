// The one validator for results that come from outside this session — imported runs files and
// history read back from IndexedDB (written by any earlier version, or by an import). It checks
// every field the views and exports read (types, finite numbers, array lengths that match their
// stated dimensions, bounded sizes), normalises what it keeps (non-finite numbers written as
// strings, a missing spread derived from the samples, text with control or bidirectional
// characters escaped) and never throws: a value, or a list of problems in words.
//
// The schema is written with valibot; it walks only the schema's own depth, so a hostile,
// deeply nested file cannot overflow the stack.
import * as v from 'valibot';
import { validateExperiment } from '../kernels/experiment';
import { escapeUntrusted } from '../kernels/schema';
import type { ExperimentResult } from '../kernels/types';
import { summarize } from '../numerics/metrics';
import { checkExtras } from './extrasSchema';

/** JSON cannot hold ±Infinity or NaN (an exact result has SQNR = ∞): files write them as strings. */
const numberLike = v.pipe(
  v.union([v.number(), v.picklist(['Infinity', '-Infinity', 'NaN'])]),
  v.transform((x): number => (typeof x === 'number' ? x : Number(x))),
);
const finiteNonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 40));
const nonNegativeOrNonFinite = v.pipe(
  numberLike,
  v.check((x) => Number.isNaN(x) || x >= 0, 'must not be negative'),
);

/** Text shown in the page: bounded, with control and bidirectional characters escaped. */
const text = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max * 4, `is longer than ${max} characters`),
    v.transform((s) => escapeUntrusted(s, max)),
  );
const date = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
);

const metricsSchema = v.object({
  count,
  maxAbs: nonNegativeOrNonFinite,
  maxRel: nonNegativeOrNonFinite,
  relFrobenius: nonNegativeOrNonFinite,
  ulpMax: nonNegativeOrNonFinite,
  ulpMean: nonNegativeOrNonFinite,
  sqnrDb: numberLike,
  nonFinite: count,
  boundViolations: v.optional(count),
  worstBoundRatio: v.optional(nonNegativeOrNonFinite),
});

const MAX_HEATMAP_SIDE = 256;
const heatmapSchema = v.pipe(
  v.object({
    rows: v.pipe(count, v.maxValue(MAX_HEATMAP_SIDE)),
    cols: v.pipe(count, v.maxValue(MAX_HEATMAP_SIDE)),
    values: v.pipe(v.array(numberLike), v.maxLength(MAX_HEATMAP_SIDE * MAX_HEATMAP_SIDE)),
    cellRows: v.pipe(count, v.minValue(1)),
    cellCols: v.pipe(count, v.minValue(1)),
  }),
  v.check((h) => h.values.length === h.rows * h.cols, 'has a values list whose length is not rows × cols'),
);

const adapterSchema = v.object({
  vendor: text(120),
  architecture: text(120),
  device: text(120),
  description: text(200),
  isFallbackAdapter: v.optional(v.boolean()),
});

const provenanceSchema = v.object({
  backend: v.picklist(['webgpu', 'cpu']),
  userAgent: text(400),
  adapter: v.nullable(adapterSchema),
  featuresUsed: v.pipe(v.array(text(64)), v.maxLength(32)),
  timing: v.picklist(['timestamp-query', 'wall-clock', 'cpu-wall-clock']),
  date,
  appVersion: text(32),
});

const timingSchema = v.nullable(
  v.object({
    method: v.picklist(['timestamp-query', 'wall-clock']),
    resolutionSeconds: v.pipe(
      numberLike,
      v.check((x) => Number.isNaN(x) || x >= 0, 'must not be negative'),
    ),
    runsPerSample: v.pipe(count, v.minValue(1)),
    note: v.optional(text(400)),
  }),
);

const spreadSchema = v.object({ min: finiteNonNegative, max: finiteNonNegative, q1: finiteNonNegative, q3: finiteNonNegative });

const resultSchema = v.object({
  // The experiment passes the one experiment codec (kernels/experiment.ts), below.
  experiment: v.unknown(),
  variantLabel: text(200),
  shape: text(100),
  seconds: v.pipe(v.array(finiteNonNegative), v.minLength(1), v.maxLength(10_000)),
  medianSeconds: finiteNonNegative,
  spread: v.optional(spreadSchema),
  gflops: nonNegativeOrNonFinite,
  gbps: nonNegativeOrNonFinite,
  work: v.optional(v.object({ flops: finiteNonNegative, bytes: finiteNonNegative })),
  timing: v.optional(timingSchema, null),
  metrics: metricsSchema,
  repeatCheck: v.optional(v.object({ differing: count, metrics: metricsSchema, failure: v.optional(text(400)) })),
  boundNote: v.optional(text(2000)),
  heatmap: heatmapSchema,
  wgsl: v.optional(v.pipe(v.array(v.object({ label: text(200), source: v.pipe(v.string(), v.maxLength(400_000)) })), v.maxLength(16)), []),
  provenance: provenanceSchema,
  // Extras are family data for the live views; an imported run does not carry them (see below).
  extras: v.optional(v.unknown()),
  // An edited kernel's run (kernels/edited.ts): the hash of its source, its time against the unedited one.
  edit: v.optional(
    v.object({
      hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{6,64}$/, 'is not a hex hash')),
      dispatches: v.pipe(v.array(v.pipe(count, v.maxValue(64))), v.maxLength(16)),
      ratio: v.optional(nonNegativeOrNonFinite),
    }),
  ),
});

/** One run as History keeps it (and as runs files carry it). */
export interface SavedRun {
  id: string;
  savedAt: string;
  pinned: boolean;
  /** Runs of one sweep share this id. */
  sweepId?: string;
  result: ExperimentResult;
}

const savedRunSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100), v.regex(/^[\w.:-]+$/, 'may hold only letters, digits and . : _ -')),
  savedAt: date,
  pinned: v.optional(v.boolean(), false),
  sweepId: v.optional(v.pipe(v.string(), v.maxLength(100))),
  result: resultSchema,
});

/** What an expected type is called in a message. */
function typeWords(expected: string): string | null {
  if (/\bnumber\b/.test(expected)) return 'is not a number';
  if (/\bstring\b/.test(expected)) return 'is not text';
  if (/\bboolean\b/.test(expected)) return 'is not true or false';
  if (/\bArray\b/.test(expected)) return 'is not a list';
  if (/\bObject\b/.test(expected)) return 'is not an object';
  return null;
}

/** One problem in words: the field (inside the run's result, named without "result."), and what is wrong. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = (v.getDotPath(issue) ?? '').replace(/^result\./, '');
  const received = escapeUntrusted(String(issue.received), 24);
  const words = issue.kind === 'schema' && issue.expected ? typeWords(issue.expected) : null;
  const what = words ? `${words} (got ${received})` : issue.message.replace(/^Invalid (\w+): Expected (.*) but received (.*)$/, 'should be $2, not $3');
  return `${path ? `${path} ` : ''}${what}`;
}

/**
 * Whether a value is plain data of bounded depth and size (numbers, strings, booleans, null,
 * arrays and plain objects): the most that can be said of a family's extras in general.
 */
export function isBoundedPlainData(value: unknown, maxDepth = 12, maxItems = 4_000_000): boolean {
  let items = 0;
  const visit = (x: unknown, depth: number): boolean => {
    if (++items > maxItems || depth > maxDepth) return false;
    if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return true;
    if (Array.isArray(x)) return x.every((e) => visit(e, depth + 1));
    if (ArrayBuffer.isView(x)) {
      items += (x as unknown as ArrayLike<number>).length;
      return items <= maxItems;
    }
    if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) return Object.values(x as object).every((e) => visit(e, depth + 1));
    return false;
  };
  return visit(value, 0);
}

/**
 * One saved run, checked in depth; `where` names it in messages ("run 3"). With keepExtras
 * (runs read back from this browser's own storage), extras that are bounded plain data of the
 * shape their family's panels read (state/extrasSchema.ts) are kept for the lab panels; runs
 * from files never keep them.
 */
export function validateSavedRun(raw: unknown, where: string, keepExtras = false): { run: SavedRun } | { problem: string } {
  const parsed = v.safeParse(savedRunSchema, raw);
  if (!parsed.success) return { problem: `${where}: ${describeIssue(parsed.issues[0])}` };
  const out = parsed.output;
  const { experiment, problems } = validateExperiment(out.result.experiment);
  if (problems.length) return { problem: `${where}: ${problems[0]}` };
  const r = out.result;
  const stats = summarize(r.seconds);
  const result: ExperimentResult = {
    experiment,
    variantLabel: r.variantLabel,
    shape: r.shape,
    seconds: r.seconds,
    medianSeconds: r.medianSeconds,
    spread: r.spread ?? { min: stats.min, max: stats.max, q1: stats.q1, q3: stats.q3 },
    gflops: r.gflops,
    gbps: r.gbps,
    work: r.work ?? {
      flops: (Number.isFinite(r.gflops) ? r.gflops : 0) * r.medianSeconds * 1e9,
      bytes: (Number.isFinite(r.gbps) ? r.gbps : 0) * r.medianSeconds * 1e9,
    },
    timing: r.timing,
    metrics: r.metrics,
    ...(r.repeatCheck ? { repeatCheck: r.repeatCheck } : {}),
    ...(r.boundNote !== undefined ? { boundNote: r.boundNote } : {}),
    heatmap: r.heatmap,
    wgsl: r.wgsl,
    provenance: r.provenance,
    ...(r.edit ? { edit: { hash: r.edit.hash, dispatches: r.edit.dispatches, ...(r.edit.ratio !== undefined ? { ratio: r.edit.ratio } : {}) } } : {}),
    // A file's extras are dropped: large, family-specific data that feeds the live lab panels.
    // Stored extras are kept when they have the shape the family's panels read (an older
    // version may have saved another): otherwise the run is shown without them.
    ...(keepExtras && r.extras !== undefined && isBoundedPlainData(r.extras) && 'extras' in checkExtras(experiment.family, r.extras)
      ? { extras: r.extras as ExperimentResult['extras'] }
      : {}),
  };
  return { run: { id: out.id, savedAt: out.savedAt, pinned: out.pinned, ...(out.sweepId !== undefined ? { sweepId: out.sweepId } : {}), result } };
}

/**
 * Runs read back from IndexedDB, checked like imported ones: the valid ones, and the ids (or
 * positions) of records that could not be read, so History can say so and still delete them.
 * Extras that are bounded plain data are kept (this browser wrote them).
 */
export function validateStoredRuns(raw: unknown[]): { runs: SavedRun[]; unreadable: { id: string | null; problem: string }[] } {
  const runs: SavedRun[] = [];
  const unreadable: { id: string | null; problem: string }[] = [];
  raw.forEach((record, i) => {
    const checked = validateSavedRun(record, `saved run ${i + 1}`, true);
    const id = typeof (record as { id?: unknown })?.id === 'string' ? (record as { id: string }).id : null;
    if ('problem' in checked) unreadable.push({ id, problem: checked.problem });
    else runs.push(checked.run);
  });
  return { runs, unreadable };
}
