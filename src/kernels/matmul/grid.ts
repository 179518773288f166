// The configuration grids (pure: no GPU): the register-blocked grid of the lab's heatmap, which
// greys out the points this device cannot run and says why, and the autotuner's candidates,
// which span the three register-blocked kernels (plain, B transposed, A shared within quads).
import { coerceParams, defaultParams, problemsFor } from '../schema';
import type { DeviceCaps, KernelVariant, Params } from '../types';
import { REGBLOCK_DEFAULT, regblock, regBlockProblems, type RegBlockConfig } from './regblock';
import { regblockBt } from './regblockBt';
import { regblockQuad } from './regblockQuad';
import { cartesian } from './tuner';

export interface GridAxes {
  BM: number[];
  BN: number[];
  BK: number[];
  TM: number[];
  TN: number[];
  staging: ('global' | 'workgroup')[];
  vec4: boolean[];
}

/** A grid for the tuner and the heatmap: 216 points, about 180 valid under the spec's default limits. */
export const DEFAULT_GRID: GridAxes = {
  BM: [32, 64, 128],
  BN: [32, 64, 128],
  BK: [8, 16],
  TM: [4, 8],
  TN: [4, 8],
  staging: ['global', 'workgroup'],
  vec4: [false, true],
};

/** A smaller grid (global staging only) that a CPU adapter tunes in a few minutes. */
export const QUICK_GRID: GridAxes = { ...DEFAULT_GRID, BK: [8], staging: ['global'] };

export interface GridPoint {
  config: RegBlockConfig;
  /** Empty when the configuration can run on this shape and device. */
  problems: string[];
}

/** The grid's configurations with their problems (BK is the K-step of both stagings). */
export function regBlockGrid(shape: { M: number; N: number; K: number }, caps: DeviceCaps, axes: GridAxes = DEFAULT_GRID): GridPoint[] {
  return cartesian<RegBlockConfig>(axes as unknown as { [K in keyof RegBlockConfig]: RegBlockConfig[K][] }).map((config) => ({
    config,
    problems: regBlockProblems(config, shape, caps, false),
  }));
}

/**
 * The grid as one variant's parameters (only the keys it has, duplicates dropped), each with the
 * reasons that variant cannot run it here: the heatmap's cells for any register-blocked variant.
 */
export function variantGrid(
  variant: KernelVariant,
  shape: { M: number; N: number; K: number },
  caps: DeviceCaps,
  axes: GridAxes = QUICK_GRID,
): { params: Params; problems: string[] }[] {
  const keys = new Set(variant.params.map((p) => p.key));
  const seen = new Set<string>();
  const out: { params: Params; problems: string[] }[] = [];
  for (const { config } of regBlockGrid(shape, caps, axes)) {
    const params: Params = { ...defaultParams(variant.params), ...shape };
    for (const [key, value] of Object.entries(config)) if (keys.has(key)) params[key] = value;
    const id = JSON.stringify(params);
    if (seen.has(id)) continue;
    seen.add(id);
    const { problems: invalid } = coerceParams(variant.params, params);
    out.push({ params, problems: invalid.length ? invalid : problemsFor(variant, params, caps) });
  }
  return out;
}

// ---- the autotuner's candidates ------------------------------------------------------------------

/** The variants the tuner searches. */
export const TUNED_VARIANTS = [regblock, regblockBt, regblockQuad];
export type TunedVariantId = 'regblock' | 'regblock-bt' | 'regblock-quad';

/** One candidate: a variant and its parameters beyond the shape. */
export interface TuneCandidate {
  variant: TunedVariantId;
  config: Params;
}

/** The default: the register-blocked kernel's default configuration (always a candidate). */
export const TUNE_DEFAULT: TuneCandidate = { variant: 'regblock', config: { ...REGBLOCK_DEFAULT } };

/** A remembered record's candidate: records kept before the tuner searched several variants name none (they are regblock's). */
export function recordCandidate(record: { variant?: TunedVariantId; config: Params }): TuneCandidate {
  return { variant: record.variant ?? TUNE_DEFAULT.variant, config: record.config };
}

export function candidateKey(c: TuneCandidate): string {
  return `${c.variant} ${Object.keys(c.config)
    .sort()
    .map((k) => `${k}=${c.config[k]}`)
    .join(' ')}`;
}

export const sameCandidate = (a: TuneCandidate, b: TuneCandidate) => candidateKey(a) === candidateKey(b);

/** In words, for the page and the bench: "regblock-quad 128×64 t16×8". */
export function candidateText(c: TuneCandidate): string {
  const p = c.config;
  const tile = `${p.BM}×${p.BN} t${p.TM}×${p.TN}`;
  if (c.variant === 'regblock') return `regblock ${tile} BK=${p.BK} ${p.staging}${p.vec4 ? ' vec4' : ''}`;
  if (c.variant === 'regblock-bt') return `regblock-bt ${tile}${p.vec4 ? ' vec4' : ''}`;
  return `${c.variant} ${tile}${p.order === 'row' ? ' row-outer' : ''}`;
}

type Tile = [BM: number, BN: number, TM: number, TN: number];
const tileParams = ([BM, BN, TM, TN]: Tile) => ({ BM, BN, TM, TN });

/**
 * The quick grid (20 candidates with the default), sized for a CPU adapter's 30 s at 512³ (each
 * compile and run there costs about a second). It spans every axis a GPU needs too: workgroup
 * shape and micro-tile (the tiles), K-step (BK 8 and 16), vector width (scalar or vec4), staging
 * (registers from global memory, or panels in workgroup memory), B transposed, and A shared
 * within quads (where the device has subgroups).
 */
export function quickTuneGrid(): TuneCandidate[] {
  const out: TuneCandidate[] = [];
  for (const tile of [
    [64, 64, 8, 8],
    [128, 64, 16, 8],
    [32, 32, 4, 4],
  ] as Tile[]) {
    for (const vec4 of [false, true]) {
      out.push({ variant: 'regblock', config: { ...tileParams(tile), BK: 8, staging: 'global', vec4 } });
      out.push({ variant: 'regblock', config: { ...tileParams(tile), BK: 16, staging: 'workgroup', vec4 } });
    }
  }
  for (const tile of [
    [64, 64, 8, 8],
    [32, 32, 4, 4],
    [64, 32, 8, 4],
  ] as Tile[])
    out.push({ variant: 'regblock-bt', config: { ...tileParams(tile), vec4: true } });
  for (const tile of [
    [128, 64, 16, 8],
    [64, 64, 16, 4],
    [256, 64, 16, 8],
  ] as Tile[])
    out.push({ variant: 'regblock-quad', config: tileParams(tile) });
  // Loop order too: rows outer keep a row's accumulators in registers (CPU adapters).
  for (const tile of [
    [64, 64, 16, 16],
    [64, 128, 16, 16],
  ] as Tile[])
    out.push({ variant: 'regblock-quad', config: { ...tileParams(tile), order: 'row' } });
  return out;
}

/** The full grid (about 400 candidates): for GPUs, where one measurement takes milliseconds. */
export function fullTuneGrid(): TuneCandidate[] {
  const out = regBlockCandidates(DEFAULT_GRID);
  const sizes = [32, 64, 128];
  for (const BM of sizes)
    for (const BN of sizes)
      for (const TM of [4, 8])
        for (const TN of [4, 8]) for (const vec4 of [true, false]) out.push({ variant: 'regblock-bt', config: { BM, BN, TM, TN, vec4 } });
  for (const BM of [64, 128, 256])
    for (const BN of sizes)
      for (const TM of [8, 16])
        for (const TN of [4, 8, 16]) {
          out.push({ variant: 'regblock-quad', config: { BM, BN, TM, TN } });
          out.push({ variant: 'regblock-quad', config: { BM, BN, TM, TN, order: 'row' } });
        }
  return out;
}

export interface InvalidCandidate {
  candidate: TuneCandidate;
  problems: string[];
}

/** Why this candidate cannot run on this shape and device (empty: it can). */
export function candidateProblems(c: TuneCandidate, shape: { M: number; N: number; K: number }, caps: DeviceCaps): string[] {
  const variant = TUNED_VARIANTS.find((v) => v.id === c.variant);
  if (!variant) return [`unknown variant "${c.variant}"`];
  const missing = variant.unavailableReason?.(caps);
  if (missing) return [missing];
  const params = { ...shape, ...c.config };
  const { problems } = coerceParams(variant.params, params);
  return problems.length ? problems.map((p) => p.replace(/; using .*$/, '')) : variant.checkLimits(params, caps);
}

/**
 * The tuner's candidates on this shape and device, pruned by the device's features and limits
 * before anything is timed: the default first (when it can run), then the rest of the grid.
 */
export function tuneCandidates(
  shape: { M: number; N: number; K: number },
  caps: DeviceCaps,
  grid: 'quick' | 'full' | TuneCandidate[] = 'quick',
): { candidates: TuneCandidate[]; invalid: InvalidCandidate[] } {
  const all = grid === 'quick' ? quickTuneGrid() : grid === 'full' ? fullTuneGrid() : grid;
  const candidates: TuneCandidate[] = [];
  const invalid: InvalidCandidate[] = [];
  const seen = new Set<string>();
  for (const c of [TUNE_DEFAULT, ...all]) {
    const key = candidateKey(c);
    if (seen.has(key)) continue;
    seen.add(key);
    const problems = candidateProblems(c, shape, caps);
    if (problems.length) invalid.push({ candidate: c, problems });
    else candidates.push(c);
  }
  return { candidates, invalid };
}

/** A register-blocked axes grid (the heatmap's) as tuner candidates. */
export function regBlockCandidates(axes: GridAxes): TuneCandidate[] {
  return cartesian<RegBlockConfig>(axes as unknown as { [K in keyof RegBlockConfig]: RegBlockConfig[K][] }).map((config) => ({
    variant: 'regblock',
    config: { ...config },
  }));
}
