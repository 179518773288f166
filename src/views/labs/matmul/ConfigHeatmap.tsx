// Configuration heatmap (d3): GFLOP/s of register-blocked configurations over two chosen axes
// (the best over the other parameters in each cell). Configurations this device cannot run are
// greyed, with the reason in the cell's tooltip and listed below the chart.
import { interpolateViridis, scaleSequential, select } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Params } from '../../../kernels/types';

export interface HeatPoint {
  params: Params;
  /** Measured GFLOP/s (absent when not run). */
  gflops?: number;
  /** Why this configuration cannot run (absent or empty when it can). */
  problems?: string[];
}

export const HEAT_AXES = ['BM', 'BN', 'BK', 'TM', 'TN'] as const;
export type HeatAxis = (typeof HEAT_AXES)[number];

export interface HeatCell {
  x: number;
  y: number;
  /** Best GFLOP/s among measured points in the cell. */
  gflops: number | null;
  /** The measured point that gave it. */
  best: Params | null;
  /** Reasons when no point of the cell can run. */
  invalid: string[] | null;
  /** Points in the cell, and how many of them cannot run (with their reasons). */
  total: number;
  invalidCount: number;
  reasons: string[];
}

/** Groups points into cells of (x, y); a cell is invalid only when every point in it is. */
export function heatCells(points: HeatPoint[], xKey: HeatAxis, yKey: HeatAxis): { xs: number[]; ys: number[]; cells: HeatCell[] } {
  const xs = [...new Set(points.map((p) => p.params[xKey]).filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
  const ys = [...new Set(points.map((p) => p.params[yKey]).filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
  const cells: HeatCell[] = [];
  for (const y of ys) {
    for (const x of xs) {
      const inCell = points.filter((p) => p.params[xKey] === x && p.params[yKey] === y);
      if (inCell.length === 0) continue;
      const runnable = inCell.filter((p) => !p.problems?.length);
      const measured = runnable.filter((p) => typeof p.gflops === 'number' && Number.isFinite(p.gflops));
      const best = measured.length ? measured.reduce((a, b) => (b.gflops! > a.gflops! ? b : a)) : null;
      cells.push({
        x,
        y,
        gflops: best ? best.gflops! : null,
        best: best ? best.params : null,
        invalid: runnable.length === 0 ? [...new Set(inCell.flatMap((p) => p.problems ?? []))] : null,
        total: inCell.length,
        invalidCount: inCell.length - runnable.length,
        reasons: [...new Set(inCell.flatMap((p) => p.problems ?? []))],
      });
    }
  }
  return { xs, ys, cells };
}

export default function ConfigHeatmap({ points, title }: { points: HeatPoint[]; title: string }) {
  const [xKey, setXKey] = useState<HeatAxis>('BN');
  const [yKey, setYKey] = useState<HeatAxis>('BM');
  const svgRef = useRef<SVGSVGElement>(null);
  const { xs, ys, cells } = useMemo(() => heatCells(points, xKey, yKey), [points, xKey, yKey]);
  const cellW = 72;
  const cellH = 40;
  const left = 56;
  const top = 28;
  const width = left + xs.length * cellW + 8;
  const height = top + ys.length * cellH + 8;

  useEffect(() => {
    const svg = select(svgRef.current);
    svg.selectAll('*').remove();
    const values = cells.map((c) => c.gflops).filter((v): v is number => v !== null);
    const color = scaleSequential(interpolateViridis).domain([Math.min(...values, 0), Math.max(...values, 1e-9)]);
    const g = svg.append('g').attr('transform', `translate(${left},${top})`);
    const cellG = g
      .selectAll('g.cell')
      .data(cells)
      .join('g')
      .attr('class', 'cell')
      .attr('transform', (d) => `translate(${xs.indexOf(d.x) * cellW},${ys.indexOf(d.y) * cellH})`);
    cellG
      .append('rect')
      .attr('width', cellW - 2)
      .attr('height', cellH - 2)
      .attr('fill', (d) => (d.invalid ? '#c4c8cc' : d.gflops === null ? '#ffffff' : color(d.gflops)))
      .attr('stroke', (d) => (d.invalid ? '#8a9097' : '#d8dde3'))
      .attr('stroke-dasharray', (d) => (d.invalid ? '3 2' : null));
    cellG
      .append('text')
      .attr('x', (cellW - 2) / 2)
      .attr('y', (cellH - 2) / 2 + 4)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .attr('fill', (d) => (d.gflops !== null && values.length && d.gflops < (Math.max(...values) + Math.min(...values)) / 2 ? '#fff' : '#1a1d21'))
      .text((d) => (d.invalid ? 'invalid' : d.gflops === null ? 'not run' : d.gflops.toFixed(2)));
    // Cells where only some of the configurations (other parameters) cannot run say how many.
    cellG
      .filter((d) => !d.invalid && d.invalidCount > 0)
      .append('text')
      .attr('x', (cellW - 2) / 2)
      .attr('y', cellH - 6)
      .attr('text-anchor', 'middle')
      .attr('font-size', 9)
      .attr('fill', (d) => (d.gflops !== null ? '#fff' : '#5b6470'))
      .text((d) => `${d.invalidCount}/${d.total} invalid`);
    cellG
      .append('title')
      .text((d) =>
        d.invalid
          ? `${yKey} ${d.y}, ${xKey} ${d.x}: cannot run — ${d.invalid.join('; ')}`
          : (d.gflops === null
              ? `${yKey} ${d.y}, ${xKey} ${d.x}: not measured yet`
              : `${yKey} ${d.y}, ${xKey} ${d.x}: best ${d.gflops.toFixed(3)} GFLOP/s (${describe(d.best!)})`) +
            (d.invalidCount ? `; ${d.invalidCount} of ${d.total} configurations here cannot run: ${d.reasons.join('; ')}` : ''),
      );
    g.selectAll('text.x')
      .data(xs)
      .join('text')
      .attr('class', 'x')
      .attr('x', (_, i) => i * cellW + cellW / 2)
      .attr('y', -8)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .text((v) => `${xKey} ${v}`);
    g.selectAll('text.y')
      .data(ys)
      .join('text')
      .attr('class', 'y')
      .attr('x', -6)
      .attr('y', (_, i) => i * cellH + cellH / 2 + 4)
      .attr('text-anchor', 'end')
      .attr('font-size', 12)
      .text((v) => `${yKey} ${v}`);
  }, [cells, xs, ys, xKey, yKey]);

  const invalidCells = cells.filter((c) => c.invalidCount > 0);
  return (
    <div className="matmul-heatmap">
      <div className="fields-inline" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '6px 10px', marginBottom: 8 }}>
        <label htmlFor="mm-heat-y">Rows (y axis)</label>
        <select id="mm-heat-y" value={yKey} onChange={(e) => setYKey(e.target.value as HeatAxis)}>
          {HEAT_AXES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <label htmlFor="mm-heat-x">Columns (x axis)</label>
        <select id="mm-heat-x" value={xKey} onChange={(e) => setXKey(e.target.value as HeatAxis)}>
          {HEAT_AXES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      {cells.length === 0 ? (
        <p className="hint">No configurations yet: run register-blocked configurations (a sweep over BM, BN, TM…) and they appear here.</p>
      ) : (
        <svg
          ref={svgRef}
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          className="scalable"
          role="img"
          aria-label={`${title}: GFLOP/s by ${yKey} and ${xKey}; the list below names the configurations that cannot run`}
          data-testid="matmul-heatmap-svg"
        />
      )}
      {invalidCells.length > 0 && (
        <details data-testid="matmul-heatmap-invalid">
          <summary>
            {cells.filter((c) => c.invalid).length} greyed cell{cells.filter((c) => c.invalid).length === 1 ? '' : 's'}, {invalidCells.length} with
            configurations that cannot run here: why
          </summary>
          <ul className="hint">
            {invalidCells.map((c) => (
              <li key={`${c.x},${c.y}`}>
                {yKey} {c.y}, {xKey} {c.x} ({c.invalidCount} of {c.total}): {c.reasons.join('; ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function describe(p: Params): string {
  return ['BM', 'BN', 'BK', 'TM', 'TN', 'staging', 'vec4']
    .filter((k) => k in p)
    .map((k) => `${k} ${String(p[k])}`)
    .join(', ');
}
