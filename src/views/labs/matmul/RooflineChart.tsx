// Roofline chart (d3, log–log): arithmetic intensity (flops per compulsory byte, kernels/work.ts)
// against achieved GFLOP/s, under the two measured roofs; each point labelled
// with the percentage of the roof it reaches. Beside it, the model's predicted time against the
// measured one, with R² and mean relative error over the runs shown.
import { findVariant } from '../../../kernels/registry';
import { arithmeticIntensity } from '../../../kernels/work';
import { axisBottom, axisLeft, scaleLog, select } from 'd3';
import { useEffect, useRef } from 'react';
import { predict, rooflineGflops, scoreModel, type Roofs, type Traffic } from '../../../kernels/matmul/model';
import type { DeviceCaps } from '../../../kernels/types';
import { OKABE_ITO } from '../../charts/plotly';
import { trafficOfRun, type RoofRun } from './runs';

export type { RoofRun } from './runs';

export interface RoofPoint extends RoofRun {
  traffic: Traffic;
  intensity: number;
  roof: number;
  percentOfRoof: number;
  predictedSeconds: number;
}

/** A variant's answer, or null when the parameters no longer fit it (an old saved run). */
function ask<T>(f: () => T | null | undefined): T | null {
  try {
    return f() ?? null;
  } catch {
    return null;
  }
}

/** Places runs under the roofs at their arithmetic intensity, with the traffic model's prediction (runs the model does not cover are left out). */
export function roofPoints(runs: RoofRun[], roofs: Roofs, caps?: DeviceCaps | null): RoofPoint[] {
  const out: RoofPoint[] = [];
  for (const r of runs) {
    const t = trafficOfRun(r.variant, r.params, caps);
    if (!t || !(r.gflops > 0)) continue;
    // One definition of arithmetic intensity everywhere (kernels/work.ts): flops per compulsory
    // byte of the variant's work model, as the device roofline in the tuner panel places runs.
    // The traffic facet (the model's bytes after the tile's reuse) predicts the time.
    const work = ask(() => findVariant('matmul', r.variant)?.work(r.params));
    if (!work) continue;
    const intensity = arithmeticIntensity(work);
    const roof = rooflineGflops(intensity, roofs);
    out.push({ ...r, traffic: t, intensity, roof, percentOfRoof: (100 * r.gflops) / roof, predictedSeconds: predict(t, roofs, 'register', 'sum').seconds });
  }
  return out;
}

export default function RooflineChart({ runs, roofs, caps }: { runs: RoofRun[]; roofs: Roofs; caps?: DeviceCaps | null }) {
  const ref = useRef<SVGSVGElement>(null);
  const points = roofPoints(runs, roofs, caps);
  const fit = points.length >= 2 ? scoreModel(points, roofs, 'register', 'sum') : null;
  const width = 520;
  const height = 300;
  const margin = { left: 56, right: 16, top: 12, bottom: 40 };

  useEffect(() => {
    const svg = select(ref.current);
    svg.selectAll('*').remove();
    const ridge = roofs.peakGflops / roofs.bandwidthGBs;
    const xs = [...points.map((p) => p.intensity), ridge];
    const x = scaleLog()
      .domain([Math.min(...xs) / 2, Math.max(...xs) * 2])
      .range([margin.left, width - margin.right]);
    const ys = [...points.map((p) => p.gflops), roofs.peakGflops];
    const y = scaleLog()
      .domain([Math.min(...ys) / 2, roofs.peakGflops * 2])
      .range([height - margin.bottom, margin.top]);
    svg
      .append('g')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(axisBottom(x).ticks(5, '~g'));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(axisLeft(y).ticks(5, '~g'));
    svg
      .append('text')
      .attr('x', width / 2)
      .attr('y', height - 6)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .text('arithmetic intensity (flop / byte)');
    svg
      .append('text')
      .attr('transform', `translate(14,${height / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .text('GFLOP/s');
    // The roofs: bandwidth slope up to the ridge, then the compute ceiling.
    const [x0, x1] = x.domain();
    const roofLine = [
      [x0, rooflineGflops(x0, roofs)],
      [ridge, roofs.peakGflops],
      [x1, roofs.peakGflops],
    ];
    svg
      .append('path')
      .attr('d', `M${roofLine.map(([a, b]) => `${x(a)},${y(b)}`).join('L')}`)
      .attr('fill', 'none')
      .attr('stroke', '#333')
      .attr('stroke-width', 2);
    svg
      .append('text')
      .attr('x', x(ridge) + 4)
      .attr('y', y(roofs.peakGflops) - 4)
      .attr('font-size', 11)
      .text(`peak FMA ${roofs.peakGflops.toFixed(1)} GFLOP/s`);
    svg
      .append('text')
      .attr('x', x(x0) + 4)
      .attr('y', y(rooflineGflops(x0, roofs)) - 6)
      .attr('font-size', 11)
      .text(`copy ${roofs.bandwidthGBs.toFixed(2)} GB/s`);
    const g = svg.selectAll('g.pt').data(points).join('g').attr('class', 'pt');
    g.append('circle')
      .attr('cx', (p) => x(p.intensity))
      .attr('cy', (p) => y(p.gflops))
      .attr('r', 5)
      .attr('fill', (_, i) => OKABE_ITO[i % OKABE_ITO.length]);
    g.append('title').text(
      (p) => `${p.label}: ${p.gflops.toFixed(2)} GFLOP/s at ${p.intensity.toFixed(1)} flop/byte, ${p.percentOfRoof.toFixed(1)}% of the roof`,
    );
  }, [points, roofs, margin.bottom, margin.left, margin.right, margin.top]);

  if (points.length === 0) return <p className="hint">Run a matmul variant to place it under the roofs.</p>;
  return (
    <div className="matmul-roofline">
      <svg
        ref={ref}
        width={width}
        height={height}
        role="img"
        aria-label="Roofline: each run's GFLOP/s against its arithmetic intensity under the measured roofs; the table below lists the same data"
        data-testid="matmul-roofline-svg"
      />
      <table className="compare-table" data-testid="matmul-model-table">
        <caption>Runs under the roofs, and the model's prediction (FMAs at peak + every issued load at copy speed + barriers)</caption>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">flop/byte</th>
            <th scope="col">GFLOP/s</th>
            <th scope="col">% of roof</th>
            <th scope="col">measured ms</th>
            <th scope="col">predicted ms</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={i}>
              <th scope="row">{p.label}</th>
              <td>{p.intensity.toFixed(1)}</td>
              <td>{p.gflops.toFixed(2)}</td>
              <td>{p.percentOfRoof.toFixed(1)}</td>
              <td>{(p.seconds * 1e3).toFixed(2)}</td>
              <td>{(p.predictedSeconds * 1e3).toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {fit && (
        <p className="hint" data-testid="matmul-model-fit">
          Model over these {points.length} runs: R² = {fit.rSquared.toFixed(3)}, mean relative error {(100 * fit.meanRelativeError).toFixed(1)}%.
        </p>
      )}
    </div>
  );
}
