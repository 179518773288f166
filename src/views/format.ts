// Number formatting, in one place: short, honest, never "NaN" without a word, and never a digit
// finer than the clock that measured it.
import type { ExperimentResult } from '../kernels/types';

const UNITS: [scale: number, unit: string][] = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
];

/**
 * Seconds in a readable unit, to four significant digits at most. With `resolution` (the clock's
 * step, in seconds) no digit finer than that step is printed either, and a time under one step
 * says so ("< 0.1 ms") instead of pretending.
 */
export function fmtSeconds(s: number, resolution?: number): string {
  if (!Number.isFinite(s)) return '—';
  const r = resolution !== undefined && Number.isFinite(resolution) && resolution > 0 ? resolution : undefined;
  if (r !== undefined && s < r) return `< ${fmtSeconds(r, r)}`;
  const [scale, unit] = UNITS.find(([scale]) => s >= scale) ?? UNITS[UNITS.length - 1];
  const value = s / scale;
  let decimals = value > 0 ? Math.max(0, 3 - Math.floor(Math.log10(value))) : 0;
  if (unit === 'ns') decimals = 0;
  if (r !== undefined) decimals = Math.min(decimals, Math.max(0, Math.floor(-Math.log10(r / scale) + 1e-9)));
  return `${value.toFixed(decimals)} ${unit}`;
}

/** The step of the clock behind one run's time in a result: the clock's step over the runs per sample. */
export function timeResolution(result: Pick<ExperimentResult, 'timing'>): number | undefined {
  const t = result.timing;
  if (!t || !(t.resolutionSeconds > 0) || !(t.runsPerSample >= 1)) return undefined;
  return t.resolutionSeconds / t.runsPerSample;
}

/** A result's time (median, spread…) printed to its clock's resolution. */
export function fmtResultSeconds(result: Pick<ExperimentResult, 'timing'>, s: number): string {
  return fmtSeconds(s, timeResolution(result));
}

export function fmtNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

export function fmtSqnr(db: number): string {
  if (db === Infinity) return '∞ (exact)';
  return `${fmtNumber(db, 4)} dB`;
}

/** Bytes in binary units. */
export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
