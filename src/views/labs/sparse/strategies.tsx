// Runs of one problem under each of its variant's strategies (layouts, merges), set side by side:
// the variant's extras list the strategies with the experiment of each; the times are those
// measured in this session on this page, so every ratio comes from one device in one sitting.
import type { ReactNode } from 'react';
import { findVariant } from '../../../kernels/registry';
import type { StrategyRun } from '../../../kernels/sparse/extras';
import type { Experiment, ExperimentResult } from '../../../kernels/types';
import { useLab } from '../../../state/store';
import { fmtNumber, fmtSeconds } from '../../format';

const sessionSeconds = new Map<string, number>();

/** One key per experiment: variant, seed and every schema field (defaults filled in). */
export function experimentKey(e: Pick<Experiment, 'family' | 'variant' | 'params' | 'seed'>): string {
  const defs = findVariant(e.family, e.variant)?.params ?? [];
  return [e.family, e.variant, e.seed, ...defs.map((d) => `${d.key}=${String(e.params[d.key] ?? d.default)}`)].join('|');
}

/** Remembers a finished run's median time for this session. */
export function recordRun(result: ExperimentResult | null | undefined): void {
  if (result && result.provenance?.backend === 'webgpu' && Number.isFinite(result.medianSeconds)) {
    sessionSeconds.set(experimentKey(result.experiment), result.medianSeconds);
  }
}

export function secondsInSession(e: Pick<Experiment, 'family' | 'variant' | 'params' | 'seed'>): number | undefined {
  return sessionSeconds.get(experimentKey(e));
}

export interface StrategyColumn<R> {
  header: string;
  cell(row: R): ReactNode;
}

/**
 * A table of the strategies in `rows`: the columns the caller gives, then the time measured in
 * this session and its ratio to `reference` (the strategy the paper proposes), and a button that
 * switches the experiment to that strategy.
 */
export function StrategyTable<R extends StrategyRun>({
  caption,
  experiment,
  rows,
  columns,
  current,
  reference,
  referenceName,
  testId,
}: {
  caption: string;
  experiment: Experiment;
  rows: R[];
  columns: StrategyColumn<R>[];
  /** The strategy of the run shown. */
  current: string;
  /** The strategy the ratios are taken against, and its short name for the column header. */
  reference: string;
  referenceName: string;
  testId: string;
}) {
  const setExperiment = useLab((s) => s.setExperiment);
  const timeOf = (r: R) => secondsInSession({ ...experiment, params: r.params });
  const referenceRow = rows.find((r) => r.strategy === reference);
  const referenceTime = referenceRow ? timeOf(referenceRow) : undefined;
  const measured = rows.filter((r) => timeOf(r) !== undefined).length;
  return (
    <>
      <table data-testid={testId}>
        <caption style={{ textAlign: 'left', fontWeight: 600 }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Strategy</th>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
            <th scope="col">Time (this session)</th>
            <th scope="col">Time ÷ {referenceName}</th>
            <th scope="col">
              <span className="muted">Run it</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const t = timeOf(r);
            return (
              <tr key={r.strategy} aria-current={r.strategy === current ? 'true' : undefined}>
                <th scope="row" style={{ fontWeight: r.strategy === current ? 700 : 'normal', textAlign: 'left' }}>
                  {r.label}
                  {r.strategy === current ? ' (this run)' : ''}
                </th>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(r)}</td>
                ))}
                <td>{t === undefined ? 'not run yet' : fmtSeconds(t)}</td>
                <td>{t !== undefined && referenceTime !== undefined ? `${fmtNumber(t / referenceTime)}×` : '—'}</td>
                <td>
                  {r.strategy === current ? null : (
                    <button
                      type="button"
                      className="small"
                      aria-label={`Switch to ${r.label}`}
                      onClick={() => setExperiment({ ...experiment, params: r.params, sweep: undefined })}
                    >
                      Switch
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        {measured < rows.length
          ? `Times appear once each strategy has run on this page (${measured} of ${rows.length} so far): switch, press Run, come back. `
          : ''}
        Ratios compare runs of the same seed on this device in this session; on a shared or CPU adapter they are noisy.
      </p>
    </>
  );
}

/** The notes the variant gives for this configuration. */
export function VariantNotes({ experiment }: { experiment: Experiment }) {
  let notes: string[] = [];
  try {
    notes = findVariant(experiment.family, experiment.variant)?.notes?.(experiment.params) ?? [];
  } catch {
    // Parameters the schema rejects (a draft): no notes.
  }
  if (!notes.length) return null;
  return (
    <ul className="hint">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}
