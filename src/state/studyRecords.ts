// What a study remembered per adapter (tuned configurations, measured roofs), read back from
// IndexedDB: checked like every other input from outside this session, never spread in raw. A
// tuned configuration is offered as parameters of a run, so it must also pass the variant's own
// schema (the one experiment codec).
import * as v from 'valibot';
import { validateExperiment } from '../kernels/experiment';
import type { TunedVariantId } from '../kernels/matmul/grid';
import type { RoofsRecord, TunedRecord } from '../kernels/matmul/studyTypes';
import { escapeUntrusted } from '../kernels/schema';

const text = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(4 * max),
    v.transform((s) => escapeUntrusted(s, max)),
  );
const date = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
);
const positive = v.pipe(v.number(), v.finite(), v.minValue(0));
const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16384));

// The tuned variants' ids, written out so that this module (on the first paint) does not load the
// tuner; the compiler checks that the list names every TunedVariantId.
const TUNED_IDS = ['regblock', 'regblock-bt', 'regblock-quad'] as const satisfies readonly TunedVariantId[];
const everyTunedId: Exclude<TunedVariantId, (typeof TUNED_IDS)[number]> extends never ? true : false = true;
void everyTunedId;

const tunedSchema = v.object({
  adapter: text(200),
  date,
  shape: v.object({ M: size, N: size, K: size }),
  /** Absent in records kept when the tuner searched the register-blocked kernel only. */
  variant: v.optional(v.picklist(TUNED_IDS)),
  // The parameters are checked against the variant's own schema below; here only their kind.
  config: v.pipe(
    v.record(v.pipe(v.string(), v.maxLength(32)), v.union([v.pipe(v.number(), v.finite()), v.boolean(), v.pipe(v.string(), v.maxLength(32))])),
    v.check((c) => Object.keys(c).length <= 32, 'has too many parameters'),
  ),
  gflops: positive,
  beatDefault: v.boolean(),
  speedupOverDefault: v.nullable(positive),
  reason: text(400),
  reachesBarOfSweep: v.nullable(v.boolean()),
});

const roofsSchema = v.object({
  adapter: text(200),
  date,
  peakGflops: positive,
  bandwidthGBs: positive,
  barrierSeconds: v.optional(positive),
});

/** A remembered tuner record, or null when it cannot be trusted (then it is not offered). */
export function validateTunedRecord(raw: unknown): TunedRecord | null {
  const parsed = v.safeParse(tunedSchema, raw);
  if (!parsed.success) return null;
  const r = parsed.output;
  // The configuration must be a valid register-blocked experiment at this shape.
  const { problems } = validateExperiment({ family: 'matmul', variant: r.variant ?? 'regblock', params: { ...r.config, ...r.shape }, seed: 1, reps: 1 });
  if (problems.length) return null;
  return r as TunedRecord;
}

export function validateRoofsRecord(raw: unknown): RoofsRecord | null {
  const parsed = v.safeParse(roofsSchema, raw);
  return parsed.success ? (parsed.output as RoofsRecord) : null;
}

/** The validator for each study that remembers records; records of other studies are dropped. */
export const STUDY_RECORD_VALIDATORS: Record<string, (raw: unknown) => unknown> = {
  'matmul-tune': validateTunedRecord,
  'matmul-roofs': validateRoofsRecord,
};
