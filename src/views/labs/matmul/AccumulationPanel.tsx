// The f16 variants' numeric lesson: the same f16 inputs, summed in an f16 or an f32
// accumulator, and the error against float64 as K grows (log–log, d3). The CPU curves are an
// exact emulation of IEEE arithmetic (every device can show them), computed in the worker by the
// accumulation study; runs of the f16 variants on this GPU are added as separate markers, so a
// GPU whose f16 arithmetic differs shows it.
import { axisBottom, axisLeft, line, scaleLog, select } from 'd3';
import { useEffect, useMemo, useRef } from 'react';
import { ACCUMULATION_KS, growthGuides, type AccumulationPoint } from '../../../kernels/matmul/accumulation';
import { f16AccumulatorOf } from '../../../kernels/matmul/f16';
import type { GpuAccumulationPoint } from '../../../kernels/matmul/studyTypes';
import type { ExperimentResult } from '../../../kernels/types';
import { startStudy } from '../../../state/labClient';
import { useLab } from '../../../state/store';
import { selectStudy } from '../../../state/studies';
import { OKABE_ITO } from '../../charts/plotly';

export type { GpuAccumulationPoint } from '../../../kernels/matmul/studyTypes';

/** The f16-variant GPU runs among these results, as chart points (the variant says which accumulator it uses). */
export function gpuAccumulationPoints(results: ExperimentResult[]): GpuAccumulationPoint[] {
  return results.flatMap((r) => {
    const acc = f16AccumulatorOf(r.experiment.variant);
    return r.provenance.backend === 'webgpu' && acc ? [{ acc, K: Number(r.experiment.params.K), relError: r.metrics.relFrobenius }] : [];
  });
}

const SEED = 1;
const NO_POINTS: AccumulationPoint[] = [];

export default function AccumulationPanel({ gpuRuns, canRunOnGpu }: { gpuRuns: GpuAccumulationPoint[]; canRunOnGpu: boolean }) {
  const slot = useLab(selectStudy('matmul-accumulation'));
  const job = useLab((s) => s.job);
  const ref = useRef<SVGSVGElement>(null);
  const points: AccumulationPoint[] = slot?.result?.points ?? NO_POINTS;
  // This device's f16 runs, and the study's own while it streams them (the same run once).
  const gpuPoints = useMemo(() => {
    const seen = new Set<string>();
    return [...gpuRuns, ...(slot?.result?.gpu ?? [])].filter((p) => {
      const key = `${p.acc} ${p.K} ${p.relError}`;
      return !seen.has(key) && Boolean(seen.add(key));
    });
  }, [gpuRuns, slot?.result?.gpu]);

  // The CPU curves are computed once per session by the accumulation study, in the worker (one K
  // at a time, streamed), as soon as no other job holds the worker.
  useEffect(() => {
    if (!slot && !job) startStudy('matmul-accumulation', { seed: SEED, gpu: false }, 'cpu');
  }, [slot, job]);

  const width = 520;
  const height = 300;
  useEffect(() => {
    const margin = { left: 64, right: 16, top: 12, bottom: 40 };
    const svg = select(ref.current);
    svg.selectAll('*').remove();
    if (points.length === 0) return;
    const Ks = ACCUMULATION_KS;
    const x = scaleLog()
      .domain([Ks[0] / 1.5, Ks[Ks.length - 1] * 1.5])
      .range([margin.left, width - margin.right]);
    const ys = [
      ...points.flatMap((p) => [p.relError.f16, p.relError.f32]),
      ...gpuPoints.map((p) => p.relError),
      growthGuides(Ks[Ks.length - 1]).worst16,
      growthGuides(Ks[0]).typical32,
    ];
    const positive = ys.filter((v) => v > 0);
    const y = scaleLog()
      .domain([Math.min(...positive) / 3, Math.max(...positive) * 3])
      .range([height - margin.bottom, margin.top]);
    svg
      .append('g')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(axisBottom(x).ticks(6, '~g'));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(axisLeft(y).ticks(6, '.0e'));
    svg
      .append('text')
      .attr('x', width / 2)
      .attr('y', height - 6)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .text('K (length of each dot product)');
    svg
      .append('text')
      .attr('transform', `translate(14,${height / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', 12)
      .text('relative error ‖C − C₆₄‖ / ‖C₆₄‖');
    const path = line<[number, number]>()
      .x((d) => x(d[0]))
      .y((d) => y(d[1]));
    // Guides: the typical (√K·u) and worst-case (K·u) growth of a rounding error per addition.
    const guides: [string, (K: number) => number, string][] = [
      ['√K·u (f16)', (K) => growthGuides(K).typical16, OKABE_ITO[3]],
      ['K·u (f16)', (K) => growthGuides(K).worst16, OKABE_ITO[3]],
      ['√K·u (f32)', (K) => growthGuides(K).typical32, OKABE_ITO[0]],
    ];
    for (const [label, f, color] of guides) {
      const ends: [number, number][] = [Ks[0], Ks[Ks.length - 1]].map((K) => [K, f(K)]);
      svg.append('path').attr('d', path(ends)).attr('fill', 'none').attr('stroke', color).attr('stroke-dasharray', '4 3').attr('opacity', 0.6);
      svg
        .append('text')
        .attr('x', x(ends[1][0]) - 4)
        .attr('y', y(ends[1][1]) - 4)
        .attr('text-anchor', 'end')
        .attr('font-size', 10)
        .attr('fill', color)
        .text(label);
    }
    for (const [acc, color, name] of [
      ['f16', OKABE_ITO[3], 'f16 accumulator'],
      ['f32', OKABE_ITO[0], 'f32 accumulator'],
    ] as const) {
      const series: [number, number][] = points.filter((p) => p.relError[acc] > 0).map((p) => [p.K, p.relError[acc]]);
      svg.append('path').attr('d', path(series)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
      svg
        .selectAll(`circle.cpu-${acc}`)
        .data(series)
        .join('circle')
        .attr('class', `cpu-${acc}`)
        .attr('cx', (d) => x(d[0]))
        .attr('cy', (d) => y(d[1]))
        .attr('r', 3.5)
        .attr('fill', color)
        .append('title')
        .text((d) => `${name}, CPU emulation: K = ${d[0]}, relative error ${d[1].toExponential(2)}`);
      svg
        .selectAll(`rect.gpu-${acc}`)
        .data(gpuPoints.filter((p) => p.acc === acc && p.relError > 0))
        .join('rect')
        .attr('class', `gpu-${acc}`)
        .attr('x', (p) => x(p.K) - 5)
        .attr('y', (p) => y(p.relError) - 5)
        .attr('width', 10)
        .attr('height', 10)
        .attr('fill', 'none')
        .attr('stroke', color)
        .attr('stroke-width', 2)
        .append('title')
        .text((p) => `${name}, this GPU: K = ${p.K}, relative error ${p.relError.toExponential(2)}`);
    }
  }, [points, gpuPoints]);

  const gpuAt = (acc: 'f16' | 'f32', K: number) => gpuPoints.filter((p) => p.acc === acc && p.K === K).at(-1)?.relError;
  return (
    <div className="accumulation" data-testid="accumulation">
      <p className="hint">
        The same float16 inputs, multiplied exactly and summed in a float16 accumulator (every partial sum rounded to 11 bits, u = 2⁻¹¹) or a float32 one (u =
        2⁻²⁴). The storage is identical; only the accumulator differs. Each rounding adds an error of up to u times the running sum, so the error grows with K —
        typically like √K·u (the roundings partly cancel), at worst like K·u — and the two lines stay about u₁₆/u₃₂ = 2¹³ ≈ 8000× apart. Lines: exact CPU
        emulation of the two f16 variants (16×16 outputs, seed {SEED}). Squares: the f16 variants run on this GPU.
      </p>
      <svg
        ref={ref}
        width={width}
        height={height}
        role="img"
        aria-label="Relative error against K for f16 and f32 accumulation, log–log; the table below lists the same data"
        data-testid="accumulation-chart"
      />
      <table className="compare-table" data-testid="accumulation-table">
        <caption>Relative error against the float64 product, same f16 inputs</caption>
        <thead>
          <tr>
            <th scope="col">K</th>
            <th scope="col">f16 accumulator (CPU)</th>
            <th scope="col">f32 accumulator (CPU)</th>
            <th scope="col">f16 ÷ f32</th>
            <th scope="col">f16 acc. on this GPU</th>
            <th scope="col">f32 acc. on this GPU</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.K}>
              <th scope="row">{p.K}</th>
              <td>{p.relError.f16.toExponential(2)}</td>
              <td>{p.relError.f32.toExponential(2)}</td>
              <td>{p.relError.f32 > 0 ? `${Math.round(p.relError.f16 / p.relError.f32)}×` : '—'}</td>
              <td>{gpuAt('f16', p.K)?.toExponential(2) ?? '—'}</td>
              <td>{gpuAt('f32', p.K)?.toExponential(2) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {slot && !slot.running && points.length < ACCUMULATION_KS.length && (
        <p className="hint">
          The study stopped before every K was computed.{' '}
          <button type="button" className="small" disabled={Boolean(job)} onClick={() => startStudy('matmul-accumulation', { seed: SEED, gpu: false }, 'cpu')}>
            Compute again
          </button>
        </p>
      )}
      {canRunOnGpu ? (
        <button type="button" disabled={Boolean(job)} onClick={() => startStudy('matmul-accumulation', { seed: SEED, gpu: true }, 'webgpu')}>
          Sweep K on this GPU (both f16 variants, 16×16 outputs)
        </button>
      ) : (
        <p className="hint">This device has no "shader-f16", so only the CPU emulation is shown; on a GPU with it, the f16 variants' runs are added here.</p>
      )}
    </div>
  );
}
