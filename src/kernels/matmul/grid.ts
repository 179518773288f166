// The register-blocked configuration grid (pure: no GPU), shared by the autotuner and the lab's
// heatmap, which greys out the points this device cannot run and says why.
import { coerceParams, defaultParams, problemsFor } from '../schema';
import type { DeviceCaps, KernelVariant, Params } from '../types';
import { regBlockProblems, type RegBlockConfig } from './regblock';
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

/**
 * The grid's configurations with their problems. BK only matters with workgroup staging, so
 * global-staging points are kept for the first BK only (no duplicate kernels).
 */
export function regBlockGrid(shape: { M: number; N: number; K: number }, caps: DeviceCaps, axes: GridAxes = DEFAULT_GRID): GridPoint[] {
  return cartesian<RegBlockConfig>(axes as unknown as { [K in keyof RegBlockConfig]: RegBlockConfig[K][] })
    .filter((config) => config.staging === 'workgroup' || config.BK === axes.BK[0])
    .map((config) => ({ config, problems: regBlockProblems(config, shape, caps, false) }));
}

/**
 * The grid as one variant's parameters (only the keys it has, duplicates dropped), each with the
 * reasons that variant cannot run it here: the heatmap's cells for any register-blocked variant.
 */
export function variantGrid(variant: KernelVariant, shape: { M: number; N: number; K: number }, caps: DeviceCaps, axes: GridAxes = QUICK_GRID): { params: Params; problems: string[] }[] {
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
