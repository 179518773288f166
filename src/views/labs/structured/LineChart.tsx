// A small plotly line chart with its data as a table beside it (in a details element), used by
// the structured lab's views. Series may have gaps (NaN is skipped).
import type * as PlotlyTypes from 'plotly.js-dist-min';
import { useEffect, useRef, useState } from 'react';
import { ChartDownload } from '../../charts/ChartDownload';
import { loadPlotly, OKABE_ITO } from '../../charts/plotly';
import { fmtNumber } from '../../format';

export interface Series {
  name: string;
  x: number[];
  y: number[];
  dashed?: boolean;
  /** 'lines+markers' by default; 'markers' for single measured points. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** Index into the Okabe–Ito palette (defaults to the series' position). */
  color?: number;
}

export interface LineChartProps {
  ariaLabel: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  /** Vertical lines (e.g. a crossover), with a label each. */
  verticals?: { x: number; label: string }[];
  testId?: string;
  filename: string;
  height?: number;
}

export function LineChart({ ariaLabel, xLabel, yLabel, series, logX, logY, verticals = [], testId, filename, height = 300 }: LineChartProps) {
  const chart = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify([series, verticals, logX, logY]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the content of series, verticals and the log flags (parents build new arrays each render).
  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !chart.current) return;
        const traces: PlotlyTypes.Data[] = series.map((s, i) => {
          const keep = s.x.map((_, j) => Number.isFinite(s.y[j]) && (!logY || s.y[j] > 0) && Number.isFinite(s.x[j]));
          return {
            x: s.x.filter((_, j) => keep[j]),
            y: s.y.filter((_, j) => keep[j]),
            name: s.name,
            type: 'scatter',
            mode: s.mode ?? 'lines+markers',
            line: { color: OKABE_ITO[(s.color ?? i) % OKABE_ITO.length], dash: s.dashed ? 'dash' : 'solid' },
            marker: { color: OKABE_ITO[(s.color ?? i) % OKABE_ITO.length], size: s.mode === 'markers' ? 11 : 6 },
          };
        });
        const shapes: Partial<PlotlyTypes.Shape>[] = verticals.map((v) => ({
          type: 'line',
          x0: v.x,
          x1: v.x,
          yref: 'paper',
          y0: 0,
          y1: 1,
          line: { color: OKABE_ITO[2], width: 2 },
        }));
        const annotations: Partial<PlotlyTypes.Annotations>[] = verticals.map((v) => ({
          x: logX ? Math.log10(v.x) : v.x,
          y: 1,
          yref: 'paper',
          text: v.label,
          showarrow: false,
          yanchor: 'bottom',
          font: { size: 11 },
        }));
        return Plotly.react(
          chart.current,
          traces,
          {
            margin: { l: 70, r: 20, t: 24, b: 50 },
            xaxis: { title: { text: xLabel }, type: logX ? 'log' : 'linear' },
            yaxis: { title: { text: yLabel }, type: logY ? 'log' : 'linear', exponentformat: 'power' },
            height,
            shapes,
            annotations,
            legend: { orientation: 'h', y: -0.25 },
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
          },
          { responsive: true, displaylogo: false },
        );
      })
      .catch((e) => setError(`The chart library failed to load: ${e instanceof Error ? e.message : e}`));
    return () => {
      cancelled = true;
    };
  }, [key, xLabel, yLabel, height]);
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  return (
    <figure className="chart-figure" aria-label={ariaLabel} data-testid={testId}>
      <div ref={chart} className="chart" style={{ minHeight: height }} />
      {error && <p className="bad">{error}</p>}
      <ChartDownload target={chart} filename={filename} />
      <details>
        <summary>Data as a table</summary>
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{xLabel}</th>
                {series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {xs.map((x) => (
                <tr key={x}>
                  <th scope="row">{fmtNumber(x, 4)}</th>
                  {series.map((s) => {
                    const j = s.x.indexOf(x);
                    return <td key={s.name}>{j >= 0 && Number.isFinite(s.y[j]) ? fmtNumber(s.y[j], 3) : '—'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
