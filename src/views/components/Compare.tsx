// Pinned runs side by side: a table and an overlaid bar chart of throughput.
import { useEffect, useRef } from 'react';
import { adapterName } from '../../gpu/describe';
import type { ExperimentResult } from '../../kernels/types';
import { togglePin } from '../../state/historyActions';
import { useLab } from '../../state/store';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import { ChartDownload } from '../charts/ChartDownload';
import { fmtNumber, fmtSeconds, fmtSqnr } from '../format';

export interface CompareEntry {
  key: string;
  title: string;
  result: ExperimentResult;
  onRemove?: () => void;
}

export function runTitle(r: ExperimentResult): string {
  const device = r.provenance.backend === 'cpu' ? 'CPU' : adapterName(r.provenance.adapter);
  return `${r.experiment.variant}${r.edit ? ` edited #${r.edit.hash}` : ''} ${r.shape} · ${device}`;
}

export function CompareTable({ entries, caption }: { entries: CompareEntry[]; caption: string }) {
  const chart = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    loadPlotly().then((Plotly) => {
      if (!live || !chart.current) return;
      void Plotly.react(
        chart.current,
        [
          {
            type: 'bar',
            x: entries.map((e) => e.title),
            y: entries.map((e) => e.result.gflops),
            marker: { color: entries.map((_, i) => OKABE_ITO[i % OKABE_ITO.length]) },
            hovertemplate: '%{x}<br>%{y:.4g} GFLOP/s<extra></extra>',
          },
        ],
        {
          margin: { l: 60, r: 10, t: 10, b: 90 },
          yaxis: { title: { text: 'GFLOP/s (median)' } },
          height: 300,
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
        },
        { responsive: true, displaylogo: false },
      );
    });
    return () => {
      live = false;
    };
  }, [entries]);
  return (
    <>
      <div className="scroll">
        <table className="compare-table" data-testid="compare-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              {entries.map((e) => (
                <th scope="col" key={e.key}>
                  {e.title}
                  {e.onRemove && (
                    <button type="button" className="small" onClick={e.onRemove} aria-label={`Remove ${e.title} from the comparison`}>
                      ×
                    </button>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(
              [
                ['Device', (r) => (r.provenance.backend === 'cpu' ? 'CPU (emulated)' : adapterName(r.provenance.adapter))],
                ['Kernel', (r) => `${r.experiment.family}/${r.experiment.variant}`],
                [
                  'Parameters',
                  (r) =>
                    Object.entries(r.experiment.params)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' '),
                ],
                ['Median time', (r) => fmtSeconds(r.medianSeconds)],
                ['GFLOP/s', (r) => fmtNumber(r.gflops, 4)],
                ['GB/s', (r) => fmtNumber(r.gbps, 4)],
                ['Clock', (r) => r.provenance.timing],
                ['Max abs error', (r) => fmtNumber(r.metrics.maxAbs)],
                ['Rel. Frobenius', (r) => fmtNumber(r.metrics.relFrobenius)],
                ['SQNR', (r) => fmtSqnr(r.metrics.sqnrDb)],
                ['Browser', (r) => r.provenance.userAgent.replace(/^Mozilla\/5\.0 /, '')],
                ['Date', (r) => new Date(r.provenance.date).toLocaleString()],
              ] as [string, (r: ExperimentResult) => string][]
            ).map(([label, get]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {entries.map((e) => (
                  <td key={e.key}>{get(e.result)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <figure className="chart-figure" aria-label="Bar chart of GFLOP/s for the compared runs (the table above holds the data)">
        <div ref={chart} className="chart" data-testid="compare-chart" />
      </figure>
      <ChartDownload target={chart} filename="kernel-lab-compare" />
    </>
  );
}

export function ComparePanel() {
  const history = useLab((s) => s.history);
  const pinned = history.filter((r) => r.pinned);
  return (
    <section className="compare" aria-label="Compare pinned runs">
      <h2>Compare</h2>
      {pinned.length === 0 ? (
        <p className="muted">Pin runs in the History tab to compare them here side by side.</p>
      ) : (
        <CompareTable
          caption={`${pinned.length} pinned run(s)`}
          entries={pinned.map((run) => ({ key: run.id, title: runTitle(run.result), result: run.result, onRemove: () => void togglePin(run.id) }))}
        />
      )}
    </section>
  );
}
