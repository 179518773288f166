// A plotly chart inside a labelled figure (the data is always also in a table beside it).
import { useEffect, useRef, useState } from 'react';
import type * as PlotlyTypes from 'plotly.js-dist-min';
import { loadPlotly } from '../../charts/plotly';

export function Chart({ label, data, layout, testId }: { label: string; data: PlotlyTypes.Data[]; layout: Partial<PlotlyTypes.Layout>; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify([data, layout]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the content of data and layout (parents build new arrays each render).
  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !ref.current) return;
        return Plotly.react(
          ref.current,
          data,
          {
            margin: { l: 64, r: 16, t: 40, b: 50 },
            height: 300,
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
            legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
            ...layout,
          },
          { responsive: true, displaylogo: false },
        );
      })
      .catch((e) => setError(`The chart library failed to load: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      cancelled = true;
    };
  }, [key]);
  return (
    <figure className="chart-figure" aria-label={label} data-testid={testId} style={{ margin: '8px 0' }}>
      <div ref={ref} className="chart" />
      {error && <p className="bad">{error}</p>}
    </figure>
  );
}
