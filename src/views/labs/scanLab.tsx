// The scan family's own panel: the dataflow of the chosen scan algorithm (d3), the selective
// scan's state over time, the error against the position in the sequence, and the error against
// the sequence length when a sweep has run. Reads only result.extras and pure numerics.
import * as d3 from 'd3';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { scanDataflow, type Dataflow, type DataflowAlgorithm } from '../../numerics/scanDataflow';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import type { LabPanelProps } from './types';
import { CopyRoof } from './scan/CopyRoof';

const ALGORITHMS: { value: DataflowAlgorithm; label: string }[] = [
  { value: 'sequential', label: 'Sequential' },
  { value: 'hillis-steele', label: 'Hillis–Steele' },
  { value: 'blelloch', label: 'Blelloch (up/down sweep)' },
  { value: 'chunked', label: 'Chunked two-level (reduce-then-scan, look-back)' },
];

/** The dataflow that matches a variant (subgroup scans are Hillis–Steele inside each subgroup). */
function algorithmFor(variant: string): DataflowAlgorithm {
  if (variant === 'hillis-steele' || variant === 'subgroup') return 'hillis-steele';
  if (variant === 'blelloch') return 'blelloch';
  if (['reduce-then-scan', 'lookback', 's6-chunked', 's6-chunkwise', 'spatial-mamba'].includes(variant)) return 'chunked';
  return 'sequential';
}

const NOTES: Record<string, string> = {
  subgroup: 'The subgroup variant runs this Hillis–Steele pattern inside each subgroup with register shuffles, then combines subgroup totals.',
  lookback:
    'Single pass: chunk totals are published and each workgroup looks back at its predecessors instead of waiting for a separate dispatch. ' +
    'It assumes workgroups that started keep making progress, which WebGPU does not promise; after a spin limit it recomputes the predecessor itself.',
  'reduce-then-scan': 'Three dispatches: chunk totals, a scan of the totals, then each chunk rescanned from its entering state.',
  copy: 'The copy roof has no dataflow between elements: it shows the bandwidth a scan could reach.',
  's6-chunkwise':
    'Chunk-to-chunk states follow this two-level pattern; inside a chunk every output sums over all earlier tokens of the chunk at once (a masked, decay-weighted product).',
  'spatial-mamba': 'The raster scan runs in rows (chunks): row totals, a walk over rows, rows rescanned; then the dilated fusion mixes neighbouring states in 2D.',
};

export default function ScanLab({ experiment, result, sweepPoints }: LabPanelProps) {
  const [algorithm, setAlgorithm] = useState<DataflowAlgorithm>(algorithmFor(experiment.variant));
  const [n, setN] = useState(8);
  const [chunk, setChunk] = useState(4);
  useEffect(() => setAlgorithm(algorithmFor(experiment.variant)), [experiment.variant]);
  const flow = useMemo(() => scanDataflow(algorithm, n, chunk), [algorithm, n, chunk]);
  const ids = { alg: useId(), n: useId(), chunk: useId() };
  const extras = result?.experiment.family === 'scan' ? (result.extras as ScanExtras | undefined) : undefined;

  return (
    <section className="scan-lab" aria-label="Scan lab">
      <h3>Dataflow</h3>
      <div className="controls-row">
        <label htmlFor={ids.alg}>Algorithm shown</label>{' '}
        <select id={ids.alg} value={algorithm} onChange={(e) => setAlgorithm(e.target.value as DataflowAlgorithm)}>
          {ALGORITHMS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>{' '}
        <label htmlFor={ids.n}>Elements shown</label>{' '}
        <select id={ids.n} value={n} onChange={(e) => setN(Number(e.target.value))}>
          {[4, 5, 8, 12, 16].map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        {algorithm === 'chunked' && (
          <>
            {' '}
            <label htmlFor={ids.chunk}>Chunk length</label>{' '}
            <select id={ids.chunk} value={chunk} onChange={(e) => setChunk(Number(e.target.value))}>
              {[2, 3, 4, 8].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      <p data-testid="dataflow-counts">
        <strong>Depth</strong> {flow.depth} levels · <strong>work</strong> {flow.work} combines (sequential: {Math.max(0, n - 1)} levels,{' '}
        {Math.max(0, n - 1)} combines){flow.result === 'exclusive' ? ' · gives the exclusive scan; one more combine per element makes it inclusive' : ''}
      </p>
      {NOTES[experiment.variant] && <p className="muted">{NOTES[experiment.variant]}</p>}
      <DataflowDiagram flow={flow} />
      <CopyRoof experiment={experiment} />
      <details>
        <summary>Dataflow as text</summary>
        <ol>
          {flow.levels.map((level, i) => (
            <li key={i}>
              {level.label}:{' '}
              {level.ops
                .map((o) => (o.kind === 'clear' ? `x${o.to} ← identity` : o.kind === 'copy' ? `x${o.to} ← x${o.from}` : o.kind === 'append' ? `x${o.to} ← x${o.to} ∘ x${o.from}` : `x${o.to} ← x${o.from} ∘ x${o.to}`))
                .join('; ')}
            </li>
          ))}
        </ol>
      </details>

      {extras?.kind === 's6' && <S6Views extras={extras} />}
      {extras?.kind === 'linear-scan' && <ErrorByPosition extras={extras} />}
      {extras?.kind === 'spatial' && <SpatialViews extras={extras as unknown as SpatialExtras} />}
      <ErrorVsSweep points={sweepPoints} param={experiment.sweep?.param} />
    </section>
  );
}

interface SpatialExtras {
  centre: [number, number];
  image: { step: number; cells: number[][] };
  output: { step: number; cells: number[][] };
  receptiveScanOnly: { step: number; cells: number[][] };
  receptiveFused: { step: number; cells: number[][] };
  reachScanOnly: { pixelsAbove1Percent: number; rowsBelowCentre: number };
  reachFused: { pixelsAbove1Percent: number; rowsBelowCentre: number };
}

interface ScanExtras {
  kind: 'linear-scan' | 's6' | 'spatial';
  errorByPosition?: { position: number[]; maxError: number[]; maxBound: number[] };
  stateHeatmap?: { times: number[]; states: number[][]; source: string };
  yError?: number[];
  yBound?: number[];
}

const KIND_COLOUR: Record<string, string> = { combine: OKABE_ITO[0], append: OKABE_ITO[3], copy: OKABE_ITO[1], clear: OKABE_ITO[4] };

function DataflowDiagram({ flow }: { flow: Dataflow }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const dx = 48;
    const dy = 44;
    const margin = { left: 120, top: 24 };
    const width = margin.left + flow.slots * dx + 20;
    const height = margin.top + (flow.levels.length + 1) * dy + 10;
    const svg = d3.select(ref.current).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
    svg.selectAll('*').remove();
    const x = (slot: number) => margin.left + slot * dx + dx / 2;
    const y = (level: number) => margin.top + level * dy + 10;
    const text = getComputedStyle(document.body).color;
    // Level labels.
    svg
      .selectAll('text.level')
      .data(['inputs', ...flow.levels.map((l) => l.label)])
      .join('text')
      .attr('x', 4)
      .attr('y', (_d, i) => y(i) + 4)
      .attr('font-size', 11)
      .attr('fill', text)
      .text((d) => d);
    // Edges: each op of level i goes from its source at row i to its target at row i+1.
    flow.levels.forEach((level, i) => {
      svg
        .append('g')
        .selectAll('line')
        .data(level.ops.filter((o) => o.kind !== 'clear'))
        .join('line')
        .attr('x1', (o) => x(o.from))
        .attr('y1', y(i))
        .attr('x2', (o) => x(o.to))
        .attr('y2', y(i + 1))
        .attr('stroke', (o) => KIND_COLOUR[o.kind])
        .attr('stroke-width', 1.6)
        .attr('stroke-dasharray', (o) => (o.kind === 'copy' ? '4 3' : null));
    });
    // Nodes: a filled dot where a slot changes at this level, a hollow one where it passes through.
    const nodes: { level: number; slot: number; changed: boolean; padded: boolean }[] = [];
    for (let level = 0; level <= flow.levels.length; level++) {
      const touched = new Set(level === 0 ? [] : flow.levels[level - 1].ops.map((o) => o.to));
      for (let slot = 0; slot < flow.slots; slot++) nodes.push({ level, slot, changed: level === 0 || touched.has(slot), padded: slot >= flow.n });
    }
    svg
      .append('g')
      .selectAll('circle')
      .data(nodes)
      .join('circle')
      .attr('cx', (d) => x(d.slot))
      .attr('cy', (d) => y(d.level))
      .attr('r', (d) => (d.changed ? 6 : 3))
      .attr('fill', (d) => (d.padded ? 'none' : d.changed ? OKABE_ITO[2] : text))
      .attr('stroke', text)
      .attr('stroke-width', 0.8);
    svg
      .append('g')
      .selectAll('text')
      .data(d3.range(flow.slots))
      .join('text')
      .attr('x', (s) => x(s))
      .attr('y', 12)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', text)
      .text((s) => (s < flow.n ? `x${s}` : 'pad'));
  }, [flow]);
  return (
    <svg
      ref={ref}
      role="img"
      aria-label={`Dataflow of ${flow.algorithm} on ${flow.n} elements: ${flow.depth} levels, ${flow.work} combines`}
      data-testid="dataflow-svg"
    />
  );
}

function usePlot(build: (Plotly: Awaited<ReturnType<typeof loadPlotly>>, el: HTMLDivElement) => void, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (!cancelled && ref.current) build(Plotly, ref.current);
      })
      .catch((e) => setError(`The chart library failed to load: ${e instanceof Error ? e.message : e}`));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { ref, error };
}

function layout(xTitle: string, yTitle: string, logY = false) {
  return {
    margin: { l: 70, r: 20, t: 10, b: 50 },
    xaxis: { title: { text: xTitle } },
    yaxis: { title: { text: yTitle }, type: logY ? ('log' as const) : ('linear' as const) },
    height: 300,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'inherit', color: getComputedStyle(document.body).color },
  };
}

function S6Views({ extras }: { extras: ScanExtras }) {
  const heat = extras.stateHeatmap!;
  const states = usePlot(
    (Plotly, el) => {
      void Plotly.react(
        el,
        [{ type: 'heatmap', x: heat.times, y: heat.states.map((_, n) => n), z: heat.states, colorscale: 'RdBu', zmid: 0, colorbar: { title: { text: 'x' } } }],
        layout('token t', 'state n'),
        { responsive: true, displaylogo: false },
      );
    },
    [heat],
  );
  const errors = usePlot(
    (Plotly, el) => {
      const floor = (v: number) => (Number.isFinite(v) ? Math.max(v, 1e-12) : null);
      void Plotly.react(
        el,
        [
          { type: 'scatter', mode: 'lines', name: '|y − y_float64|', x: heat.times, y: (extras.yError ?? []).map(floor), line: { color: OKABE_ITO[0] } },
          { type: 'scatter', mode: 'lines', name: 'derived bound', x: heat.times, y: (extras.yBound ?? []).map(floor), line: { color: OKABE_ITO[3], dash: 'dash' } },
        ],
        layout('token t', 'error (floor 1e-12)', true),
        { responsive: true, displaylogo: false },
      );
    },
    [extras],
  );
  return (
    <>
      <h3>Selective-scan state over time</h3>
      <p className="muted">States x_n(t) of {heat.source}; the kernels return only the last state.</p>
      <div ref={states.ref} className="chart" data-testid="s6-state-heatmap" />
      {states.error && <p className="bad">{states.error}</p>}
      <h3>Output error over time (batch 0, channel 0)</h3>
      <div ref={errors.ref} className="chart" />
      {errors.error && <p className="bad">{errors.error}</p>}
    </>
  );
}

function ErrorByPosition({ extras }: { extras: ScanExtras }) {
  const e = extras.errorByPosition!;
  const plot = usePlot(
    (Plotly, el) => {
      const floor = (v: number) => (Number.isFinite(v) ? Math.max(v, 1e-12) : null);
      void Plotly.react(
        el,
        [
          { type: 'scatter', mode: 'lines', name: 'largest |h − h_float64|', x: e.position, y: e.maxError.map(floor), line: { color: OKABE_ITO[0] } },
          { type: 'scatter', mode: 'lines', name: 'derived bound', x: e.position, y: e.maxBound.map(floor), line: { color: OKABE_ITO[3], dash: 'dash' } },
        ],
        layout('position t in the sequence', 'error (floor 1e-12)', true),
        { responsive: true, displaylogo: false },
      );
    },
    [e],
  );
  return (
    <>
      <h3>Error along the sequence</h3>
      <p className="muted">Largest error over all channels in each bin of positions, against the bound derived from the recurrence.</p>
      <div ref={plot.ref} className="chart" data-testid="scan-error-by-position" />
      {plot.error && <p className="bad">{plot.error}</p>}
    </>
  );
}

function ErrorVsSweep({ points, param }: { points: LabPanelProps['sweepPoints']; param?: string }) {
  const done = points.filter((p) => p.result && p.result.experiment.family === 'scan');
  const plot = usePlot(
    (Plotly, el) => {
      const floor = (v: number) => (Number.isFinite(v) ? Math.max(v, 1e-12) : null);
      void Plotly.react(
        el,
        [
          { type: 'scatter', mode: 'lines+markers', name: 'max |error|', x: done.map((p) => p.value), y: done.map((p) => floor(p.result!.metrics.maxAbs)), marker: { color: OKABE_ITO[0] } },
          {
            type: 'scatter',
            mode: 'lines+markers',
            name: 'relative Frobenius',
            x: done.map((p) => p.value),
            y: done.map((p) => floor(p.result!.metrics.relFrobenius)),
            marker: { color: OKABE_ITO[1] },
          },
        ],
        { ...layout(param ?? 'swept value', 'error against float64 (f32)', true), xaxis: { title: { text: param ?? 'swept value' }, type: 'log' as const } },
        { responsive: true, displaylogo: false },
      );
    },
    [done.length, param],
  );
  if (done.length < 2) return null;
  return (
    <>
      <h3>Error against {param === 'length' ? 'sequence length' : param}</h3>
      <div ref={plot.ref} className="chart" data-testid="scan-error-vs-sweep" />
      {plot.error && <p className="bad">{plot.error}</p>}
      <table>
        <caption>Error by swept value (data behind the chart)</caption>
        <thead>
          <tr>
            <th scope="col">{param}</th>
            <th scope="col">max |error|</th>
            <th scope="col">relative Frobenius</th>
            <th scope="col">GB/s</th>
          </tr>
        </thead>
        <tbody>
          {done.map((p) => (
            <tr key={p.value}>
              <td>{p.value}</td>
              <td>{p.result!.metrics.maxAbs.toExponential(2)}</td>
              <td>{p.result!.metrics.relFrobenius.toExponential(2)}</td>
              <td>{p.result!.gbps.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function FieldHeatmap({ title, field, log, testId, colorscale }: { title: string; field: { step: number; cells: number[][] }; log: boolean; testId: string; colorscale: string }) {
  const plot = usePlot(
    (Plotly, el) => {
      const z = log ? field.cells.map((row) => row.map((v) => Math.log10(Math.max(v, 1e-12)))) : field.cells;
      void Plotly.react(
        el,
        [{ type: 'heatmap', z, colorscale, colorbar: { title: { text: log ? 'log10' : '' } } }],
        { ...layout(`x (÷${field.step})`, `y (÷${field.step})`), yaxis: { title: { text: `y (÷${field.step})` }, autorange: 'reversed' as const }, height: 280 },
        { responsive: true, displaylogo: false },
      );
    },
    [field, log],
  );
  return (
    <figure className="scan-field">
      <figcaption>{title}</figcaption>
      <div ref={plot.ref} className="chart" data-testid={testId} />
      {plot.error && <p className="bad">{plot.error}</p>}
    </figure>
  );
}

function SpatialViews({ extras }: { extras: SpatialExtras }) {
  const [cx, cy] = extras.centre;
  return (
    <>
      <h3>Receptive field of the centre pixel ({cx}, {cy})</h3>
      <p>
        Influence |∂y/∂b| of every input pixel on the output at the centre, exact (float64 adjoint). Raster scan alone:{' '}
        {extras.reachScanOnly.pixelsAbove1Percent} pixels above 1% of the largest, {extras.reachScanOnly.rowsBelowCentre} of them below the centre row.
        With the dilated state fusion: {extras.reachFused.pixelsAbove1Percent} pixels, {extras.reachFused.rowsBelowCentre} below the centre row.
      </p>
      <p className="muted">
        The image is the Mandrill photograph from public/samples (or the procedural disc, bar and gradient, as the Image parameter says); decays
        a = 1/(1.02 + 2·|I_p − I_p−1|) close the state at edges, so the receptive field follows the picture's structure.
      </p>
      <div className="scan-fields">
        <FieldHeatmap title="Input image" field={extras.image} log={false} testId="spatial-image" colorscale="Greys" />
        <FieldHeatmap title="Output after fusion (GPU)" field={extras.output} log={false} testId="spatial-output" colorscale="Viridis" />
        <FieldHeatmap title="Receptive field: raster scan only (log10)" field={extras.receptiveScanOnly} log testId="spatial-rf-scan" colorscale="Viridis" />
        <FieldHeatmap title="Receptive field: scan + dilated fusion (log10)" field={extras.receptiveFused} log testId="spatial-rf-fused" colorscale="Viridis" />
      </div>
    </>
  );
}
