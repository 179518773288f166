// The scan family's own panel: the dataflow of the chosen scan algorithm (d3), the selective
// scan's state over time, the error against the position in the sequence, and the error against
// the sequence length when a sweep has run. Reads the variant's facets (its dataflow and notes),
// result.extras (typed ScanExtras) and pure numerics.
import * as d3 from 'd3';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { extrasOf } from '../../kernels/extras';
import { findVariant } from '../../kernels/registry';
import type { LinearScanExtras, PooledField, S6Extras, SpatialExtras, SsmMemory } from '../../kernels/scan/extras';
import type { Experiment } from '../../kernels/types';
import { DATAFLOW_ALGORITHMS, describeOp, scanDataflow, type Dataflow, type DataflowAlgorithm, type DataflowOp } from '../../numerics/scanDataflow';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import type { LabPanelProps } from './types';
import { CopyRoof } from './scan/CopyRoof';

/**
 * What the chosen variant says about itself: the algorithm whose dataflow it follows (null: none,
 * e.g. the copy roof) and its notes. Nothing when its parameters are not valid (the controls say why).
 */
function askVariant(experiment: Experiment): { dataflow: DataflowAlgorithm | null; notes: string[] } {
  const variant = findVariant(experiment.family, experiment.variant);
  try {
    return { dataflow: variant?.dataflow?.(experiment.params) ?? null, notes: variant?.notes?.(experiment.params) ?? [] };
  } catch {
    return { dataflow: null, notes: [] };
  }
}

export default function ScanLab({ experiment, result, sweepPoints }: LabPanelProps) {
  const described = askVariant(experiment);
  // A variant without a dataflow of its own starts on the first algorithm listed (the sequential walk).
  const suggested = described.dataflow ?? DATAFLOW_ALGORITHMS[0].value;
  const [algorithm, setAlgorithm] = useState<DataflowAlgorithm>(suggested);
  const [n, setN] = useState(8);
  const [chunk, setChunk] = useState(4);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new variant resets the picture even when it suggests the same algorithm.
  useEffect(() => setAlgorithm(suggested), [experiment.variant, suggested]);
  const flow = useMemo(() => scanDataflow(algorithm, n, chunk), [algorithm, n, chunk]);
  const takesChunk = DATAFLOW_ALGORITHMS.some((a) => a.value === algorithm && a.takesChunk);
  const ids = { alg: useId(), n: useId(), chunk: useId() };
  const extras = extrasOf(result, 'scan');
  const pickAlgorithm = (value: string) => {
    const picked = DATAFLOW_ALGORITHMS.find((a) => a.value === value);
    if (picked) setAlgorithm(picked.value);
  };

  return (
    <section className="scan-lab" aria-label="Scan lab">
      <h3>Dataflow</h3>
      <div className="controls-row">
        <label htmlFor={ids.alg}>Algorithm shown</label>{' '}
        <select id={ids.alg} value={algorithm} onChange={(e) => pickAlgorithm(e.target.value)}>
          {DATAFLOW_ALGORITHMS.map((a) => (
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
        {takesChunk && (
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
        <strong>Depth</strong> {flow.depth} levels · <strong>work</strong> {flow.work} combines (sequential: {Math.max(0, n - 1)} levels, {Math.max(0, n - 1)}{' '}
        combines){flow.result === 'exclusive' ? ' · gives the exclusive scan; one more combine per element makes it inclusive' : ''}
      </p>
      {described.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      <DataflowDiagram flow={flow} />
      <CopyRoof experiment={experiment} />
      <details>
        <summary>Dataflow as text</summary>
        <ol>
          {flow.levels.map((level, i) => (
            <li key={i}>
              {level.label}: {level.ops.map(describeOp).join('; ')}
            </li>
          ))}
        </ol>
      </details>

      {extras?.kind === 's6' && <S6Views extras={extras} />}
      {extras?.kind === 'linear-scan' && <ErrorByPosition extras={extras} />}
      {(extras?.kind === 's6' || extras?.kind === 'linear-scan') && extras.ssm && <SsmMemoryView ssm={extras.ssm} />}
      {extras?.kind === 'spatial' && <SpatialViews extras={extras} />}
      <ErrorVsSweep points={sweepPoints} param={experiment.sweep?.param} />
    </section>
  );
}

/** How each kind of op is drawn: hand-offs without a combine are dashed. */
const KIND_STYLE: Record<DataflowOp['kind'], { colour: string; dash: string | null }> = {
  combine: { colour: OKABE_ITO[0], dash: null },
  append: { colour: OKABE_ITO[3], dash: null },
  copy: { colour: OKABE_ITO[1], dash: '4 3' },
  clear: { colour: OKABE_ITO[4], dash: null },
};

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
        .attr('stroke', (o) => KIND_STYLE[o.kind].colour)
        .attr('stroke-width', 1.6)
        .attr('stroke-dasharray', (o) => KIND_STYLE[o.kind].dash);
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
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps (biome.jsonc checks each usePlot call against its build function).
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

function S6Views({ extras }: { extras: S6Extras }) {
  const heat = extras.stateHeatmap;
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
          { type: 'scatter', mode: 'lines', name: '|y − y_float64|', x: heat.times, y: extras.yError.map(floor), line: { color: OKABE_ITO[0] } },
          { type: 'scatter', mode: 'lines', name: 'derived bound', x: heat.times, y: extras.yBound.map(floor), line: { color: OKABE_ITO[3], dash: 'dash' } },
        ],
        layout('token t', 'error (floor 1e-12)', true),
        { responsive: true, displaylogo: false },
      );
    },
    [heat, extras],
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

function ErrorByPosition({ extras }: { extras: LinearScanExtras }) {
  const e = extras.errorByPosition;
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

const fmtSig = (v: number) =>
  Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4)) : String(v);

/** What the SSM initialisation remembers: impulse responses of a few modes, and per mode its memory next to the float32 error. */
function SsmMemoryView({ ssm }: { ssm: SsmMemory }) {
  const plot = usePlot(
    (Plotly, el) => {
      const traces = ssm.impulse.series.flatMap((s, i) => [
        {
          type: 'scatter' as const,
          mode: 'lines' as const,
          name: `mode ${s.mode}`,
          x: ssm.impulse.lags,
          y: s.re,
          line: { color: OKABE_ITO[i % OKABE_ITO.length] },
        },
        {
          type: 'scatter' as const,
          mode: 'lines' as const,
          name: `mode ${s.mode} envelope`,
          x: ssm.impulse.lags,
          y: s.envelope,
          line: { color: OKABE_ITO[i % OKABE_ITO.length], dash: 'dot' },
          showlegend: false,
        },
      ]);
      void Plotly.react(el, traces, layout('lag (steps after the impulse)', 'response Re(B̄·Āᵗ) and envelope'), { responsive: true, displaylogo: false });
    },
    [ssm],
  );
  const finite = ssm.modes.filter((m) => m.memoryLag !== null);
  const longest = finite.length ? finite.reduce((p, q) => (q.memoryLag! > p.memoryLag! ? q : p)) : null;
  const worst = ssm.modes.reduce((p, q) => (q.maxError > p.maxError ? q : p), ssm.modes[0]);
  return (
    <section aria-labelledby="scan-ssm-h" data-testid="scan-ssm-memory">
      <h3 id="scan-ssm-h">What the initialisation remembers: {ssm.label}</h3>
      <p>
        {ssm.modes.length} modes of a {ssm.size}-state SSM, Δ = {Number(ssm.dt.toPrecision(3))}
        {ssm.conditionF > 1.5 ? `, diagonalizing basis κ_F(V) = ${fmtSig(ssm.conditionF)}` : ''}.{' '}
        {longest
          ? `The longest memory (|impulse response| above 1% of its peak) is ${longest.memoryLag} steps (mode ${ssm.modes.indexOf(longest)}); `
          : 'No mode falls below 1% of its peak within the sequence; '}
        the largest float32 error of the scan in this run is {fmtSig(worst?.maxError ?? 0)} (bound {fmtSig(worst?.maxBound ?? 0)}).
      </p>
      <p className="muted">{ssm.mapping}</p>
      <div ref={plot.ref} className="chart" data-testid="scan-ssm-impulse" />
      {plot.error && <p className="bad">{plot.error}</p>}
      <table>
        <caption>Each mode's memory next to the float32 error of the outputs that carry it</caption>
        <thead>
          <tr>
            <th scope="col">mode</th>
            <th scope="col">λ</th>
            <th scope="col">decay per step</th>
            <th scope="col">memory (steps to 1%)</th>
            <th scope="col">max |error|</th>
            <th scope="col">bound</th>
          </tr>
        </thead>
        <tbody>
          {ssm.modes.map((m, i) => (
            <tr key={i}>
              <td>{i}</td>
              <td>
                {fmtSig(m.re)}
                {m.im !== 0 ? ` + ${fmtSig(m.im)}i` : ''}
              </td>
              <td>{m.decay.toFixed(6)}</td>
              <td>{m.memoryLag ?? 'beyond the sequence'}</td>
              <td>{m.maxError.toExponential(2)}</td>
              <td>{m.maxBound.toExponential(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ErrorVsSweep({ points, param }: { points: LabPanelProps['sweepPoints']; param?: string }) {
  const done = useMemo(() => points.filter((p) => p.result && p.result.experiment.family === 'scan'), [points]);
  const plot = usePlot(
    (Plotly, el) => {
      const floor = (v: number) => (Number.isFinite(v) ? Math.max(v, 1e-12) : null);
      void Plotly.react(
        el,
        [
          {
            type: 'scatter',
            mode: 'lines+markers',
            name: 'max |error|',
            x: done.map((p) => p.value),
            y: done.map((p) => floor(p.result!.metrics.maxAbs)),
            marker: { color: OKABE_ITO[0] },
          },
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
    [done, param],
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

function FieldHeatmap({ title, field, log, testId, colorscale }: { title: string; field: PooledField; log: boolean; testId: string; colorscale: string }) {
  const plot = usePlot(
    (Plotly, el) => {
      const z = log ? field.cells.map((row) => row.map((v) => Math.log10(Math.max(v, 1e-12)))) : field.cells;
      void Plotly.react(
        el,
        [{ type: 'heatmap', z, colorscale, colorbar: { title: { text: log ? 'log10' : '' } } }],
        {
          ...layout(`x (÷${field.step})`, `y (÷${field.step})`),
          yaxis: { title: { text: `y (÷${field.step})` }, autorange: 'reversed' as const },
          height: 280,
        },
        { responsive: true, displaylogo: false },
      );
    },
    [field, log, colorscale],
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
      <h3>
        Receptive field of the centre pixel ({cx}, {cy})
      </h3>
      <p>
        Influence |∂y/∂b| of every input pixel on the output at the centre, exact (float64 adjoint). Raster scan alone:{' '}
        {extras.reachScanOnly.pixelsAbove1Percent} pixels above 1% of the largest, {extras.reachScanOnly.rowsBelowCentre} of them below the centre row. With the
        dilated state fusion: {extras.reachFused.pixelsAbove1Percent} pixels, {extras.reachFused.rowsBelowCentre} below the centre row.
      </p>
      <p className="muted">
        The image is the Mandrill photograph from public/samples (or the procedural disc, bar and gradient, as the Image parameter says); decays a = 1/(1.02 +
        2·|I_p − I_p−1|) close the state at edges, so the receptive field follows the picture's structure.
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
