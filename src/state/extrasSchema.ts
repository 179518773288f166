// The shape of each family's extras (src/kernels/<family>/extras.ts), checked when a run is read
// back from this browser's IndexedDB. A run saved by an older version may carry extras of another
// shape (a field added since, renamed, or of another type); a lab panel given such extras would
// throw while drawing. Extras that do not match are dropped, and the run is shown without them.
//
// The schemas mirror the TypeScript types; `SchemaMatchesTypes` below makes the compiler check
// that whatever passes a schema is a value of the family's type, so a field added to a type
// without its schema fails the typecheck instead of reaching a panel unchecked.
import * as v from 'valibot';
import type { ExtrasOf, FamilyExtras } from '../kernels/extras';
import type { FamilyId } from '../kernels/types';
import { QUANT_FORMATS, type QuantScheme } from '../numerics/formats';

/** Any number, NaN and ±∞ included (IndexedDB keeps them; an exact result has SQNR = ∞). */
const num = v.custom<number>((x) => typeof x === 'number');
const nums = v.array(num);
const str = v.string();
const opt = v.optional;
const params = v.record(v.string(), v.union([num, str, v.boolean()]));

// ---- matmul ----------------------------------------------------------------------------------

const matmul = v.object({ family: v.literal('matmul') });

// ---- conv ------------------------------------------------------------------------------------

const convMemory = v.object({
  buffers: v.array(v.object({ name: str, bytes: num, role: v.picklist(['input', 'filter', 'output', 'workspace', 'table']), what: str })),
  passes: v.array(v.object({ pass: str, readBytes: num, writeBytes: num })),
  allocatedBytes: num,
  extraBytes: num,
  movedBytes: num,
});
const conv = v.object({
  family: v.literal('conv'),
  dims: v.picklist(['2d', '1d']),
  memory: convMemory,
  sequence: opt(
    v.object({
      normwiseError: num,
      normwiseBound: num,
      fftSize: opt(num),
      factors: opt(nums),
      epsilon: opt(num),
      againstClassic: opt(v.object({ maxAbs: num, relFrobenius: num, normwise: num })),
    }),
  ),
});

// ---- quant -----------------------------------------------------------------------------------

/** A quantization scheme: its format must be one the codec knows (the panel labels it). */
const scheme = v.custom<QuantScheme>(
  (x) => typeof x === 'object' && x !== null && (QUANT_FORMATS as string[]).includes((x as { format?: unknown }).format as string),
  'is not a known quantization scheme',
);
const errorFigures = v.object({ relFrobenius: num, sqnrDb: num });
const quant = v.variant('kind', [
  v.object({
    family: v.literal('quant'),
    kind: v.literal('tensor'),
    scheme,
    bitsPerValue: num,
    mismatches: num,
    sqnrDb: num,
    relFrobenius: num,
    maxAbs: num,
    histogram: v.object({ lo: num, hi: num, counts: nums, dequantized: nums }),
    grid: nums,
    scales: nums,
    groupSize: num,
    bytes: v.object({ original: num, quantized: num }),
  }),
  v.object({
    family: v.literal('quant'),
    kind: v.literal('matmul'),
    M: num,
    N: num,
    K: num,
    weightBitsPerValue: num,
    weightBytes: num,
    relFrobeniusVsF32Weights: opt(num),
    sqnrDbVsF32Weights: opt(num),
    note: opt(str),
    arithmetic: opt(v.object({ denseMultiplies: num, multiplies: num, addsOrSubtracts: num, shifts: num, zeroWeightFraction: opt(num) })),
    comparison: opt(v.array(v.object({ label: str, relFrobenius: num, sqnrDb: num, weightBits: opt(num) }))),
    perRow: opt(v.array(v.object({ label: str, relFrobenius: nums }))),
  }),
  v.object({
    family: v.literal('quant'),
    kind: v.literal('lmul-error'),
    perProductMeanRelError: v.object({ lmul: num, e4m3Multiply: num, pairs: num }),
    lmul: errorFigures,
    exactSameFormat: errorFigures,
    exactE4m3: errorFigures,
    lmulE4m3: errorFigures,
  }),
  v.object({ family: v.literal('quant'), kind: v.literal('lmul-skipped'), note: str }),
]);

// ---- sparse ----------------------------------------------------------------------------------

const spmm = v.object({
  family: v.literal('sparse'),
  kind: opt(v.literal('spmm')),
  M: num,
  N: num,
  K: num,
  nnz: num,
  rowNnz: nums,
  spy: v.object({ gridRows: num, gridCols: num, cellRows: num, cellCols: num, counts: nums }),
  bytes: v.array(v.object({ format: str, bytes: num, note: opt(str) })),
  denseBytes: num,
  permutation: v.nullable(v.array(v.object({ block: num, before: num, after: num, improved: v.boolean() }))),
  permutationNote: opt(str),
  denseFlops: num,
  usefulFlops: num,
});
const strategyRun = { strategy: str, label: str, params };
const moe = v.object({
  family: v.literal('sparse'),
  kind: v.literal('moe'),
  counts: nums,
  tokens: num,
  hidden: num,
  ffn: num,
  tile: num,
  maxOverMean: num,
  emptyExperts: num,
  capacity: num,
  usefulFlops: num,
  usefulBytes: num,
  strategy: str,
  layouts: v.array(v.object({ ...strategyRun, rowsComputed: num, rowsStored: num, wastedFlops: num, wastedBytes: num, dispatches: num })),
});
const spgemm = v.object({
  family: v.literal('sparse'),
  kind: v.literal('spgemm'),
  M: num,
  N: num,
  K: num,
  nnzA: num,
  nnzB: num,
  nnzC: num,
  productsPerRow: nums,
  distinctPerRow: nums,
  products: num,
  table: num,
  fallbackRows: num,
  expandedBytes: num,
  sortPasses: num,
  strategy: str,
  strategies: v.array(v.object({ ...strategyRun, multiplyAdds: num, intermediateBytes: num, dispatches: num })),
});
// SpMM runs saved before `kind` existed have none: a union rather than a variant on `kind`.
const sparse = v.union([moe, spgemm, spmm]);

// ---- scan ------------------------------------------------------------------------------------

const ssm = v.object({
  init: str,
  label: str,
  size: num,
  dt: num,
  mapping: str,
  conditionF: num,
  modes: v.array(v.object({ re: num, im: num, decay: num, memoryLag: v.nullable(num), maxError: num, maxBound: num })),
  impulse: v.object({ lags: nums, series: v.array(v.object({ mode: num, re: nums, envelope: nums })) }),
});
const pooled = v.object({ step: num, cells: v.array(nums) });
const reach = v.object({ pixelsAbove1Percent: num, rowsBelowCentre: num });
const scan = v.variant('kind', [
  v.object({
    family: v.literal('scan'),
    kind: v.literal('linear-scan'),
    errorByPosition: v.object({ position: nums, maxError: nums, maxBound: nums }),
    ssm: opt(ssm),
  }),
  v.object({
    family: v.literal('scan'),
    kind: v.literal('s6'),
    stateHeatmap: v.object({ times: nums, states: v.array(nums), source: str }),
    yError: nums,
    yBound: nums,
    lastStateError: nums,
    ssm,
  }),
  v.object({
    family: v.literal('scan'),
    kind: v.literal('spatial'),
    centre: v.tuple([num, num]),
    image: pooled,
    output: pooled,
    receptiveScanOnly: pooled,
    receptiveFused: pooled,
    reachScanOnly: reach,
    reachFused: reach,
  }),
]);

// ---- structured ------------------------------------------------------------------------------

const picture = v.variant('type', [
  v.object({ type: v.literal('full'), rows: num, cols: num }),
  v.object({ type: v.literal('factors'), nIn: num, nOut: num, rank: num }),
  v.object({ type: v.literal('block-diagonal'), n: num, blocks: num, m: num, rank: num }),
  v.object({ type: v.literal('kron'), a1: num, a2: num, b1: num, b2: num }),
  v.object({ type: v.literal('shared-bases'), n: num, blocks: num, p: num, rank: num }),
  v.object({ type: v.literal('seven-products'), levels: num, products: v.array(str) }),
  v.object({ type: v.literal('sketch-shape'), n: num, k: num, method: str }),
]);
const point = { x: num, y: num };
const curve = v.object({
  title: str,
  xLabel: str,
  yLabel: str,
  logX: opt(v.boolean()),
  series: v.array(v.object({ name: str, points: v.array(v.object(point)), dashed: opt(v.boolean()), markers: opt(v.boolean()) })),
  marker: opt(v.object({ ...point, label: str })),
  note: opt(str),
});
const costs = v.object({ params: num, denseParams: num, flops: num, denseFlops: num });
const verdict = v.object({ product: num, status: num, row: num, col: num });
const structuredFamily = opt(v.literal('structured'));
const structured = v.variant('kind', [
  v.object({
    family: structuredFamily,
    kind: v.literal('layer'),
    nIn: num,
    nOut: num,
    batch: num,
    costs,
    picture,
    approximation: opt(v.object({ target: str, matrixError: num, outputError: num })),
    curve: opt(curve),
  }),
  v.object({
    family: structuredFamily,
    kind: v.literal('fast-algorithm'),
    M: num,
    N: num,
    K: num,
    levels: num,
    padded: v.object({ M: num, N: num, K: num }),
    picture,
    costs,
    byLevel: v.array(v.object({ level: num, bound: num, emulated: num })),
    gpuMaxError: num,
    normA: num,
    normB: num,
    abft: opt(
      v.object({
        verdicts: v.array(verdict),
        injected: v.nullable(v.object({ product: num, row: num, col: num, bit: num, before: num, after: num, delta: num })),
        tolerance: v.nullable(v.object({ row: num, col: num })),
        guaranteed: v.boolean(),
        expected: v.array(verdict),
        overheadFlops: num,
      }),
    ),
  }),
  v.object({
    family: structuredFamily,
    kind: v.literal('sketch'),
    method: str,
    n: num,
    d: num,
    m: num,
    k: num,
    input: str,
    relError: num,
    relErrorF64: num,
    rms: num,
    eps90: num,
    stored: v.object({ a: num, b: num, linearA: num, linearB: num }),
    expectedRelVariance: opt(num),
    levels: opt(v.array(v.object({ level: num, samples: num, replicas: num }))),
    picture,
    costs,
  }),
  v.object({
    family: structuredFamily,
    kind: v.literal('matfun'),
    method: str,
    rows: num,
    cols: num,
    precision: str,
    target: str,
    steps: v.array(
      v.object({ step: num, forward: num, forwardBound: num, local: num, localBound: num, toTargetGpu: num, toTargetF64: num, orthogonality: opt(num) }),
    ),
    comparison: opt(v.array(v.object({ name: str, toTarget: nums }))),
    inputRoundingFloor: opt(num),
    spectrum: opt(v.array(v.tuple([num, num]))),
    costs,
  }),
]);

const EXTRAS_SCHEMAS = { matmul, conv, quant, sparse, scan, structured } satisfies Record<FamilyId, v.GenericSchema>;

/** Compile-time: a value that passes a family's schema is of that family's extras type. */
type SchemaMatchesTypes = { [F in FamilyId]: [v.InferOutput<(typeof EXTRAS_SCHEMAS)[F]>] extends [ExtrasOf<F>] ? true : false };
const schemaMatchesTypes: SchemaMatchesTypes = { matmul: true, conv: true, quant: true, sparse: true, scan: true, structured: true };
void schemaMatchesTypes;

/**
 * The extras as saved, when they have the shape the family's panels read; otherwise why not, in
 * words (the field and what is wrong). The value returned is the one given (unknown fields kept).
 */
export function checkExtras(family: FamilyId, extras: unknown): { extras: FamilyExtras } | { problem: string } {
  const parsed = v.safeParse(EXTRAS_SCHEMAS[family], extras);
  if (parsed.success) return { extras: extras as FamilyExtras };
  const issue = parsed.issues[0];
  const path = v.getDotPath(issue);
  return { problem: `${path ? `extras.${path}` : 'extras'}: ${issue.message}` };
}
