// GFLOP/s against the swept parameter, filled in live as each point arrives.
import { useEffect, useMemo, useRef, useState } from 'react';
import { findVariant } from '../../kernels/registry';
import { useLab } from '../../state/store';
import type { Experiment } from '../../kernels/types';
import type { SweepPoint } from '../../kernels/types';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import { ChartDownload } from '../charts/ChartDownload';
import { fmtNumber, fmtResultSeconds } from '../format';

export function SweepChart({ experiment, points, running }: { experiment: Experiment; points: SweepPoint[]; running: boolean }) {
  const chart = useRef<HTMLDivElement>(null);
  const [chartError, setChartError] = useState<string | null>(null);
  const sweep = experiment.sweep!;
  const def = findVariant(experiment.family, experiment.variant)?.params.find((p) => p.key === sweep.param);
  const label = def?.label ?? sweep.param;
  const done = useMemo(() => points.filter((p): p is SweepPoint & { result: NonNullable<SweepPoint['result']> } => Boolean(p?.result)), [points]);
  const failed = points.filter((p) => p?.error);
  const allPow2 = sweep.values.every((v) => v > 0 && (v & (v - 1)) === 0);
  const presenter = useLab((s) => s.classroom.mode === 'present');
  // In presenter mode and in an embed the chart fills the rest of the screen.
  const fill = useLab((s) => s.classroom.mode !== 'normal');

  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !chart.current) return;
        const trace = {
          x: done.map((p) => p.value),
          y: done.map((p) => p.result.gflops),
          error_y: {
            type: 'data' as const,
            symmetric: false,
            // Spread of the timing samples, turned into GFLOP/s.
            array: done.map((p) => p.result.work.flops / p.result.spread.min / 1e9 - p.result.gflops),
            arrayminus: done.map((p) => p.result.gflops - p.result.work.flops / p.result.spread.max / 1e9),
          },
          mode: 'lines+markers' as const,
          type: 'scatter' as const,
          name: 'GFLOP/s',
          marker: { color: OKABE_ITO[0], size: 9 },
          line: { color: OKABE_ITO[0] },
          hovertemplate: `${label}: %{x}<br>%{y:.4g} GFLOP/s<extra></extra>`,
        };
        return Plotly.react(
          chart.current,
          [trace],
          {
            margin: { l: 64, r: 20, t: 10, b: 56 },
            xaxis: { title: { text: label }, type: allPow2 && sweep.values.length > 2 ? 'log' : 'linear', tickvals: sweep.values },
            yaxis: { title: { text: 'GFLOP/s (median)' }, rangemode: 'tozero' },
            // Presenter mode: the chart fills the screen below the header and the lesson strip,
            // with type readable from the back of the room.
            height: fill
              ? Math.max(presenter ? 320 : 220, Math.round(window.innerHeight - (chart.current.getBoundingClientRect().top + window.scrollY) - 16))
              : 340,
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
            font: { family: 'inherit', color: getComputedStyle(document.body).color, size: presenter ? 20 : 12 },
          },
          { responsive: true, displaylogo: false },
        );
      })
      .catch((e) => setChartError(`The chart library failed to load: ${e instanceof Error ? e.message : e}`));
    return () => {
      cancelled = true;
    };
  }, [done, label, allPow2, sweep.values, presenter, fill]);

  return (
    <section className="sweep-chart" aria-label="Sweep chart">
      <h3>
        Throughput against {label} {running ? <span className="muted">(filling in live…)</span> : null}
      </h3>
      <div ref={chart} className="chart" data-testid="sweep-chart" data-points={done.length} />
      {done.length > 0 && <ChartDownload target={chart} filename={`kernel-lab-${experiment.family}-${experiment.variant}-sweep-${sweep.param}`} />}
      {chartError && <p className="bad">{chartError}</p>}
      <table className="sweep-table" data-testid="sweep-table">
        <caption>Sweep points (data behind the chart)</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col">Median time</th>
            <th scope="col">GFLOP/s</th>
            <th scope="col">Max abs error</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {sweep.values.map((value, i) => {
            const p = points[i];
            return (
              <tr key={value}>
                <td>{value}</td>
                <td>{p?.result ? fmtResultSeconds(p.result, p.result.medianSeconds) : '—'}</td>
                <td>{p?.result ? fmtNumber(p.result.gflops, 4) : '—'}</td>
                <td>{p?.result ? fmtNumber(p.result.metrics.maxAbs) : '—'}</td>
                <td>
                  {p?.result ? (p.result.metrics.boundViolations ? 'outside bound' : 'ok') : p?.error ? `skipped: ${p.error}` : running ? 'pending' : 'not run'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {failed.length > 0 && <p className="muted">{failed.length} point(s) could not run on this device; the table says why.</p>}
    </section>
  );
}
