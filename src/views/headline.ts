// The headline of a result, in one place for the result card, the phone's bar, presenter mode and
// embeds: its time (to the clock's resolution), its throughput (GB/s first for memory-bound work,
// GFLOP/s otherwise), its verdict against the bound, and its error — the format's own error
// against float64 where the check itself is a bit-exact comparison with another implementation
// (a codec checked against the TypeScript codec), with the exactness as a separate line.
import { extrasOf } from '../kernels/extras';
import { arithmeticIntensity, MEMORY_BOUND_INTENSITY } from '../kernels/work';
import type { ExperimentResult } from '../kernels/types';
import { fmtNumber, fmtResultSeconds, fmtSqnr } from './format';

export interface HeadlineFigure {
  label: string;
  value: string;
  /** true: good, false: bad, null: neutral. */
  ok?: boolean | null;
  testId?: string;
}

export interface Headline {
  device: { kind: 'gpu' | 'software' | 'cpu'; text: string };
  figures: HeadlineFigure[];
  /** Secondary lines: the exactness check, the bound's derivation. */
  notes: HeadlineFigure[];
  /** What the error table compares against. */
  checkedAgainst: string;
}

/** Numbers an extras object carries under these names, if all are numbers. */
function numbers<K extends string>(x: unknown, keys: K[]): Record<K, number> | null {
  if (!x || typeof x !== 'object') return null;
  const r = x as Record<string, unknown>;
  return keys.every((k) => typeof r[k] === 'number') ? (r as Record<K, number>) : null;
}

export function deviceOf(result: ExperimentResult): Headline['device'] {
  if (result.provenance.backend === 'cpu') return { kind: 'cpu', text: 'CPU float32 emulation (not GPU)' };
  if (result.provenance.adapter?.isFallbackAdapter) return { kind: 'software', text: 'software adapter (CPU speeds)' };
  return { kind: 'gpu', text: 'GPU' };
}

export function headlineOf(result: ExperimentResult): Headline {
  const m = result.metrics;
  const intensity = arithmeticIntensity(result.work);
  const gflops: HeadlineFigure = { label: 'GFLOP/s', value: fmtNumber(result.gflops, 4), testId: 'headline-gflops' };
  const gbps: HeadlineFigure = { label: 'GB/s', value: fmtNumber(result.gbps, 4), testId: 'headline-gbps' };
  const throughput = result.work.flops > 0 && intensity >= MEMORY_BOUND_INTENSITY ? [gflops, gbps] : [gbps, ...(result.work.flops > 0 ? [gflops] : [])];
  const figures: HeadlineFigure[] = [{ label: 'median time', value: fmtResultSeconds(result, result.medianSeconds), testId: 'headline-time' }, ...throughput];

  const notes: HeadlineFigure[] = [];
  const quant = extrasOf(result, 'quant');
  // A codec run: the check is bit-exactness against the TypeScript codec; the format's error against float64 is the headline.
  const codec = numbers(quant, ['sqnrDb', 'relFrobenius', 'mismatches']);
  // A quantized matmul: its error from quantized weights, against the float64 product with the float32 weights.
  const qmatmul = numbers(quant, ['sqnrDbVsF32Weights', 'relFrobeniusVsF32Weights']);
  const within = m.boundViolations === undefined ? null : m.boundViolations === 0;
  if (codec) {
    figures.push({ label: 'format vs float64: SQNR', value: fmtSqnr(codec.sqnrDb), testId: 'headline-sqnr' });
    figures.push({ label: 'relative Frobenius', value: fmtNumber(codec.relFrobenius), testId: 'headline-frobenius' });
    notes.push({
      label: 'Bit-exact against the TypeScript codec',
      value: codec.mismatches === 0 && within !== false ? 'yes: every code, scale and value is identical' : `NO: ${codec.mismatches} outputs differ`,
      ok: codec.mismatches === 0 && within !== false,
      testId: 'headline-exact',
    });
  } else {
    figures.push({
      label: 'within bound',
      value: within === null ? 'no bound derived' : within ? 'yes, every element' : `NO: ${m.boundViolations} of ${m.count}`,
      ok: within,
      testId: 'headline-bound',
    });
    figures.push({ label: 'SQNR vs float64', value: fmtSqnr(m.sqnrDb), testId: 'headline-sqnr' });
    if (qmatmul)
      notes.push({
        label: 'Error from quantized weights (vs float32 weights, in float64)',
        value: `SQNR ${fmtSqnr(qmatmul.sqnrDbVsF32Weights)}, relative Frobenius ${fmtNumber(qmatmul.relFrobeniusVsF32Weights)}`,
      });
  }
  if (result.repeatCheck?.failure) notes.push({ label: 'Repeated runs', value: result.repeatCheck.failure, ok: false });
  return {
    device: deviceOf(result),
    figures,
    notes,
    checkedAgainst: codec ? 'Check against the TypeScript codec (bit-exact, bound 0)' : 'Error against the float64 reference',
  };
}

/** The one number for the phone's bar and tight places: the time, and the primary throughput. */
export function shortHeadline(result: ExperimentResult): string {
  const h = headlineOf(result);
  return `${h.figures[0].value} · ${h.figures[1].value} ${h.figures[1].label}`;
}
