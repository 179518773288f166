// The SpGEMM part of the sparsity lab: the partial products of each row of C (what a row-wise
// kernel merges) beside the distinct columns they merge into, the hash table's capacity with the
// rows past it (the fallback), and the three merges' costs and times side by side. Everything
// comes from the variant's extras (kernels/sparse/extras.ts, kind 'spgemm').
import { useEffect, useRef, useState } from 'react';
import type { SpgemmExtras } from '../../../kernels/sparse/extras';
import type { Experiment } from '../../../kernels/types';
import { loadPlotly, OKABE_ITO } from '../../charts/plotly';
import { fmtNumber } from '../../format';
import { StrategyTable, VariantNotes, type StrategyColumn } from './strategies';

type Strategy = SpgemmExtras['strategies'][number];

function fmtBytes(bytes: number): string {
  if (bytes === 0) return '0';
  if (bytes < 1024 ** 2) return `${fmtNumber(bytes / 1024)} KiB`;
  return `${fmtNumber(bytes / 1024 ** 2)} MiB`;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

export function SpgemmPanel({ experiment, extras }: { experiment: Experiment; extras: SpgemmExtras | null }) {
  if (!extras) {
    return (
      <>
        <p className="muted">Run to see the partial products of each row of C and how each merge copes with them.</p>
        <VariantNotes experiment={experiment} />
      </>
    );
  }
  const emptyRows = extras.productsPerRow.filter((p) => p === 0).length;
  const columns: StrategyColumn<Strategy>[] = [
    { header: 'Multiply-adds', cell: (s) => fmtNumber(s.multiplyAdds) },
    { header: 'Partial results through global memory', cell: (s) => fmtBytes(s.intermediateBytes) },
    { header: 'Dispatches', cell: (s) => s.dispatches },
  ];
  return (
    <>
      <p data-testid="spgemm-summary">
        <strong>Partial products:</strong> A has {extras.nnzA} non-zeros, B {extras.nnzB}; their {extras.products} partial products merge into {extras.nnzC}{' '}
        non-zeros of C ({extras.nnzC > 0 ? fmtNumber(extras.products / extras.nnzC) : '–'} per non-zero). {emptyRows} rows of C have no partial product;{' '}
        {extras.fallbackRows} {extras.fallbackRows === 1 ? 'row needs' : 'rows need'} more slots than the {extras.table}-slot hash table holds and take the
        fallback. The sort-based merge writes all of them ({fmtBytes(extras.expandedBytes)}, padded to a power of two) and sorts them in {extras.sortPasses}{' '}
        passes.
      </p>
      <ProductsChart extras={extras} />
      <StrategyTable
        caption="Three merges on these matrices"
        experiment={experiment}
        rows={extras.strategies}
        columns={columns}
        current={extras.strategy}
        reference={extras.strategies[0]?.strategy ?? extras.strategy}
        referenceName="hash time"
        testId="spgemm-merges"
      />
      <VariantNotes experiment={experiment} />
    </>
  );
}

/** Partial products and distinct columns per row, with the table capacity as a line. */
function ProductsChart({ extras }: { extras: SpgemmExtras }) {
  const chart = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !chart.current) return;
        const rows = extras.productsPerRow.map((_, r) => r);
        return Plotly.react(
          chart.current,
          [
            { x: rows, y: extras.productsPerRow, name: 'partial products', type: 'bar', marker: { color: OKABE_ITO[1] } },
            {
              x: rows,
              y: extras.distinctPerRow,
              name: 'distinct columns (non-zeros of C)',
              type: 'scatter',
              mode: 'markers',
              marker: { color: OKABE_ITO[0], size: 4 },
            },
            {
              x: [0, Math.max(0, extras.M - 1)],
              y: [extras.table, extras.table],
              name: `hash table capacity (${extras.table} slots)`,
              type: 'scatter',
              mode: 'lines',
              line: { dash: 'dash', color: OKABE_ITO[3] },
            },
          ],
          {
            margin: { l: 60, r: 20, t: 10, b: 50 },
            xaxis: { title: { text: 'row of C' } },
            yaxis: { title: { text: 'per row' } },
            height: 300,
            bargap: 0,
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
          },
        );
      })
      .catch((e) => setError(`The chart library failed to load: ${e instanceof Error ? e.message : e}`));
    return () => {
      cancelled = true;
    };
  }, [extras]);
  const products = [...extras.productsPerRow].sort((a, b) => a - b);
  const distinct = [...extras.distinctPerRow].sort((a, b) => a - b);
  const stat = (xs: number[]) => [xs[0] ?? 0, quantile(xs, 0.5), quantile(xs, 0.9), xs[xs.length - 1] ?? 0];
  return (
    <figure style={{ margin: '12px 0 0' }}>
      <h3 style={{ margin: '0 0 8px', fontSize: '1rem' }}>Intermediate products per row</h3>
      <figure className="chart-figure" aria-label="Partial products and distinct columns per row of C, with the hash table's capacity">
        <div ref={chart} className="chart" />
      </figure>
      {error && <p className="bad">{error}</p>}
      <table>
        <caption style={{ textAlign: 'left' }}>Per row of C (the chart’s data, summarized)</caption>
        <thead>
          <tr>
            <th scope="col">Per row</th>
            <th scope="col">min</th>
            <th scope="col">median</th>
            <th scope="col">90th percentile</th>
            <th scope="col">max</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
              Partial products
            </th>
            {stat(products).map((v, i) => (
              <td key={i}>{v}</td>
            ))}
          </tr>
          <tr>
            <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
              Distinct columns
            </th>
            {stat(distinct).map((v, i) => (
              <td key={i}>{v}</td>
            ))}
          </tr>
        </tbody>
      </table>
      <figcaption className="hint">
        Bars: partial products a(i,k)·b(k,j) of each row; dots: the distinct columns they land on. The gap between them is what merging removes; a row above the
        dashed line takes the fallback when min(N, its partial products), the slots it may need, is above it too.
      </figcaption>
    </figure>
  );
}
