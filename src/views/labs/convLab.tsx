// The convolution lab: the same convolution computed by several methods, set side by side —
// the bytes each allocates and moves (im2col's column matrix, the indirection buffer, Im2win's
// strips, none), what each lays out in memory, the time of each on one shape in one run, time
// against kernel size (2-D) or sequence length (1-D, with the direct/FFT crossover marked), and
// each method's error against float64. Every method-specific fact comes from the variant's conv
// facet (kernels/conv/facet.ts) or from its run's extras; nothing here is keyed by variant id.
import { useMemo } from 'react';
import { convFacetOf, type ConvFacet } from '../../kernels/conv/facet';
import { experimentFor, SERIES_KERNELS, SERIES_LENGTHS, SERIES_REPS } from '../../kernels/conv/series';
import type { ConvSeriesKind, ConvSeriesRow } from '../../kernels/conv/studyTypes';
import type { ConvMemory } from '../../kernels/conv/extras';
import { extrasOf } from '../../kernels/extras';
import { findFamily, findVariant } from '../../kernels/registry';
import { problemsFor } from '../../kernels/schema';
import type { DeviceCaps, Experiment, ExperimentResult, KernelVariant } from '../../kernels/types';
import { crossoverLength } from '../../numerics/conv1d';
import { startStudy } from '../../state/labClient';
import { useLab } from '../../state/store';
import { selectStudy } from '../../state/studies';
import { OKABE_ITO } from '../charts/plotly';
import { fmtNumber, fmtSeconds } from '../format';
import { Chart } from './conv/Chart';
import { LayoutPicture } from './conv/LayoutPicture';
import { SequencePicture } from './conv/SequencePicture';
import type { LabPanelProps } from './types';

function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

interface Method {
  variant: KernelVariant;
  facet: ConvFacet;
}

function methodsOf(dims: '2d' | '1d'): Method[] {
  const family = findFamily('conv');
  return (family?.variants ?? []).flatMap((variant) => {
    const facet = convFacetOf(variant);
    return facet && facet.dims === dims ? [{ variant, facet }] : [];
  });
}

export default function ConvLab({ experiment, result, caps }: LabPanelProps) {
  const variant = findVariant(experiment.family, experiment.variant);
  const facet = convFacetOf(variant);
  const dims = facet?.dims ?? '2d';
  const methods = useMemo(() => methodsOf(dims), [dims]);
  const extras = extrasOf(result, 'conv');
  const notes = variant?.notes?.(experiment.params) ?? [];
  return (
    <section className="conv-lab" aria-labelledby="conv-lab-title">
      <h2 id="conv-lab-title">Convolution lab</h2>
      <p className="hint">
        {dims === '2d'
          ? 'Every method computes the same convolution from the same seeded inputs; they differ in what they copy, what they point at, and how fast the GPU then multiplies.'
          : 'Long convolutions (one filter per channel, as long as the sequence): direct costs N·K, the FFT N log N — and the FFT’s rounding grows with log N.'}
      </p>
      {notes.length > 0 && (
        <ul className="hint" data-testid="conv-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {result && extras && <LastRun result={result} memory={extras.memory} extras={extras} />}
      <MemoryPanel experiment={experiment} methods={methods} caps={caps} />
      <h3>What the method lays out in memory</h3>
      {facet ? (
        dims === '2d' ? (
          <LayoutPicture params={experiment.params} picture={facet.picture} />
        ) : (
          <SequencePicture params={experiment.params} picture={facet.picture} />
        )
      ) : null}
      <SeriesPanel experiment={experiment} dims={dims} caps={caps} />
    </section>
  );
}

/** The latest run's own figures: its bytes and, for the 1-D forms, its error on the FFT's scale. */
function LastRun({ result, memory, extras }: { result: ExperimentResult; memory: ConvMemory; extras: NonNullable<ReturnType<typeof extrasOf<'conv'>>> }) {
  const m = result.metrics;
  const within = m.boundViolations === 0;
  const seq = extras.sequence;
  return (
    <p role="status" data-testid="conv-verdict">
      {result.variantLabel}: {fmtSeconds(result.medianSeconds)}, {fmtBytes(memory.allocatedBytes)} allocated ({fmtBytes(memory.extraBytes)} beyond input, filter
      and output), {fmtBytes(memory.movedBytes)} moved.{' '}
      <strong className={within ? 'ok' : 'bad'}>{within ? 'Within the float64 bound' : `Outside the bound at ${m.boundViolations} elements`}</strong> (max
      |error| {fmtNumber(m.maxAbs)}, worst error/bound {fmtNumber(m.worstBoundRatio ?? NaN)}).
      {seq && (
        <>
          {' '}
          Error on the FFT’s scale: ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂) = {fmtNumber(seq.normwiseError)} (bound {fmtNumber(seq.normwiseBound)})
          {seq.fftSize ? `; L = ${seq.fftSize} = ${seq.factors?.join('·')}, transform error bound ε = ${fmtNumber(seq.epsilon ?? NaN)}` : ''}
          {seq.againstClassic
            ? `; against the classic radix-2 FFT (float32): ${fmtNumber(seq.againstClassic.normwise)} on the same scale, relative ${fmtNumber(seq.againstClassic.relFrobenius)}`
            : ''}
          .
        </>
      )}
    </p>
  );
}

// ---- bytes per method ---------------------------------------------------------------------------

function MemoryPanel({ experiment, methods, caps }: { experiment: Experiment; methods: Method[]; caps: DeviceCaps | null }) {
  const rows = methods.map(({ variant, facet }) => {
    const e = experimentFor(variant.id, experiment);
    const refused = e && caps ? problemsFor(variant, e.params, caps) : [];
    let memory: ConvMemory | null = null;
    let error: string | null = null;
    try {
      memory = e ? facet.memory(e.params) : null;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    return { variant, memory, refused: error ? [error] : refused };
  });
  const base = rows.find((r) => r.memory && r.memory.extraBytes === 0)?.memory?.allocatedBytes ?? 0;
  const shown = rows.filter((r) => r.memory);
  return (
    <section aria-labelledby="conv-memory-h">
      <h3 id="conv-memory-h">Bytes allocated and moved, per method, at this shape</h3>
      <Chart
        label="Bytes allocated by each method: input, filter and output, and the method's own workspace and tables"
        testId="conv-memory-chart"
        data={[
          {
            type: 'bar',
            name: 'input + filter + output',
            x: shown.map((r) => r.variant.label),
            y: shown.map((r) => (r.memory!.allocatedBytes - r.memory!.extraBytes) / 2 ** 20),
            marker: { color: OKABE_ITO[0] },
          },
          {
            type: 'bar',
            name: 'workspace and tables (the method’s price)',
            x: shown.map((r) => r.variant.label),
            y: shown.map((r) => r.memory!.extraBytes / 2 ** 20),
            marker: { color: OKABE_ITO[3] },
          },
        ]}
        layout={{ barmode: 'stack', yaxis: { title: { text: 'MiB allocated' } }, xaxis: { automargin: true } }}
      />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it (axe: scrollable-region-focusable). */}
      <section className="scroll" tabIndex={0} aria-label="Bytes per method (table)">
        <table data-testid="conv-memory-table">
          <caption style={{ textAlign: 'left' }}>
            The same numbers, with the bytes each method’s passes read and write (compulsory traffic; caches may re-read more)
          </caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Allocated</th>
              <th scope="col">Beyond input, filter, output</th>
              <th scope="col">Moved</th>
              <th scope="col">Allocated, × a method with no workspace</th>
              <th scope="col">What the extra holds</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ variant, memory, refused }) => (
              <tr key={variant.id}>
                <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
                  {variant.label}
                </th>
                {memory ? (
                  <>
                    <td>{fmtBytes(memory.allocatedBytes)}</td>
                    <td>{fmtBytes(memory.extraBytes)}</td>
                    <td>{fmtBytes(memory.movedBytes)}</td>
                    <td>{base ? `${fmtNumber(memory.allocatedBytes / base)}×` : '—'}</td>
                    <td>
                      {memory.buffers
                        .filter((b) => b.role === 'workspace' || b.role === 'table')
                        .map((b) => `${b.what} (${fmtBytes(b.bytes)})`)
                        .join('; ') || 'nothing'}
                      {refused.length > 0 && <span className="bad"> — cannot run here: {refused.join('; ')}</span>}
                    </td>
                  </>
                ) : (
                  <td colSpan={5} className="bad">
                    {refused.join('; ')}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

// ---- the lab's own series: methods side by side, time against kernel size or length ------------

function SeriesPanel({ experiment, dims, caps }: { experiment: Experiment; dims: '2d' | '1d'; caps: DeviceCaps | null }) {
  const slot = useLab(selectStudy('conv-series'));
  const job = useLab((s) => s.job);
  const series = slot?.result ?? null;
  const start = (kind: ConvSeriesKind) => startStudy('conv-series', { kind, experiment: structuredClone(experiment) });
  const busy = job !== null;
  const sweepKind: ConvSeriesKind = dims === '2d' ? 'kernel' : 'length';
  return (
    <section aria-labelledby="conv-series-h">
      <h3 id="conv-series-h">Time and error, method by method, in one run</h3>
      <p className="hint">
        Each button runs the methods one after another on the same seeded inputs, on this device, in one job (each run is checked against float64 and saved in
        History). Compare them as ratios; on a shared or software adapter absolute times wander. Up to {SERIES_REPS} repetitions per point.
      </p>
      <div className="buttons" style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
        <button type="button" disabled={busy || !caps} onClick={() => start('methods')}>
          Run every method at this shape
        </button>
        <button type="button" disabled={busy || !caps} onClick={() => start(sweepKind)}>
          {dims === '2d'
            ? `Time against kernel size (${SERIES_KERNELS.join(', ')}, “same” padding)`
            : `Time and error against length (${SERIES_LENGTHS.join(', ')})`}
        </button>
      </div>
      {!caps && <p className="hint">These series need WebGPU.</p>}
      {slot?.running && series && (
        <p role="status">
          Step {Math.min(series.rows.length + 1, series.total)} of {series.total}… (Cancel stops the series)
        </p>
      )}
      {slot && !slot.running && !slot.final && series && (
        <p className="hint">
          The series was stopped after {series.rows.length} of {series.total} steps.
        </p>
      )}
      {series && series.rows.length > 0 && (
        <>
          <p className="hint">
            Last series: {series.shape}
            {series.kind === 'kernel' ? ' — kernel size swept' : series.kind === 'length' ? ' — sequence length swept' : ''}.
          </p>
          {series.kind === 'methods' && <MethodsTable rows={series.rows} />}
          {series.kind === 'kernel' && <SweepCharts rows={series.rows} axis="kernel" />}
          {series.kind === 'length' && <SweepCharts rows={series.rows} axis="length" />}
        </>
      )}
    </section>
  );
}

function ErrorCells({ result }: { result: ExperimentResult }) {
  const m = result.metrics;
  return (
    <>
      <td>{fmtNumber(m.maxAbs)}</td>
      <td>{fmtNumber(m.relFrobenius)}</td>
      <td>{fmtNumber(m.worstBoundRatio ?? NaN)}</td>
      <td className={m.boundViolations === 0 ? 'ok' : 'bad'}>{m.boundViolations === 0 ? 'yes' : `no (${m.boundViolations})`}</td>
    </>
  );
}

function MethodsTable({ rows }: { rows: ConvSeriesRow[] }) {
  const done = rows.filter((r): r is ConvSeriesRow & { result: ExperimentResult } => Boolean(r.result));
  const fastest = Math.min(...done.map((r) => r.result.medianSeconds));
  return (
    <>
      <Chart
        label="Median time of each method on the same shape, measured in one run"
        testId="conv-methods-chart"
        data={[
          { type: 'bar', x: done.map((r) => r.label), y: done.map((r) => r.result.medianSeconds * 1e3), marker: { color: OKABE_ITO[0] }, name: 'median ms' },
        ]}
        layout={{ yaxis: { title: { text: 'median time (ms)' } }, xaxis: { automargin: true }, showlegend: false }}
      />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it (axe: scrollable-region-focusable). */}
      <section className="scroll" tabIndex={0} aria-label="Time, bytes and error per method (table)">
        <table data-testid="conv-methods-table">
          <caption style={{ textAlign: 'left' }}>Time, bytes and error against float64 per method (same inputs, same run)</caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Median</th>
              <th scope="col">× fastest</th>
              <th scope="col">GFLOP/s</th>
              <th scope="col">Extra bytes</th>
              <th scope="col">Max |error|</th>
              <th scope="col">Rel. Frobenius</th>
              <th scope="col">Worst error / bound</th>
              <th scope="col">Within bound</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.variant}-${r.value ?? ''}`}>
                <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
                  {r.label}
                </th>
                {r.result ? (
                  <>
                    <td>{fmtSeconds(r.result.medianSeconds)}</td>
                    <td>{fmtNumber(r.result.medianSeconds / fastest)}×</td>
                    <td>{fmtNumber(r.result.gflops)}</td>
                    <td>{fmtBytes(extrasOf(r.result, 'conv')?.memory.extraBytes ?? 0)}</td>
                    <ErrorCells result={r.result} />
                  </>
                ) : (
                  <td colSpan={8} className="muted">
                    not run: {r.error}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function SweepCharts({ rows, axis }: { rows: ConvSeriesRow[]; axis: 'kernel' | 'length' }) {
  const labels = [...new Set(rows.map((r) => r.label))];
  const values = [...new Set(rows.map((r) => r.value!))].sort((a, b) => a - b);
  const at = (label: string, value: number) => rows.find((r) => r.label === label && r.value === value)?.result;
  const traces = labels.map((label, i) => {
    const pts = values.map((v) => ({ v, r: at(label, v) })).filter((p) => p.r);
    return { label, colour: OKABE_ITO[i % OKABE_ITO.length], pts: pts as { v: number; r: ExperimentResult }[] };
  });
  // 1-D: where the first FFT form's time drops below the direct form's (the direct form is the baseline role).
  const directLabel = rows.find((r) => findVariant('conv', r.variant)?.role === 'baseline')?.label;
  const crossovers =
    axis === 'length' && directLabel
      ? labels
          .filter((l) => l !== directLabel)
          .map((l) => ({
            label: l,
            crossing: crossoverLength(
              values.flatMap((v) =>
                at(directLabel, v) && at(l, v) ? [{ length: v, direct: at(directLabel, v)!.medianSeconds, fft: at(l, v)!.medianSeconds }] : [],
              ),
            ),
          }))
      : [];
  const shapes = crossovers.flatMap((c, i) =>
    c.crossing?.kind === 'between'
      ? [
          {
            type: 'line' as const,
            x0: c.crossing.length,
            x1: c.crossing.length,
            yref: 'paper' as const,
            y0: 0,
            y1: 1,
            line: { color: OKABE_ITO[(labels.indexOf(c.label) + 0) % 8], width: 2, dash: i ? ('dot' as const) : ('dash' as const) },
          },
        ]
      : [],
  );
  const logX = axis === 'length';
  const errors = axis === 'length' ? traces.map((t) => ({ ...t, pts: t.pts.filter((p) => extrasOf(p.r, 'conv')?.sequence) })) : [];
  return (
    <>
      <Chart
        label={
          axis === 'kernel'
            ? 'Median time of each method against kernel size'
            : 'Median time of each method against sequence length, with the crossovers where an FFT form overtakes direct'
        }
        testId="conv-sweep-chart"
        data={traces.map((t) => ({
          type: 'scatter',
          mode: 'lines+markers',
          name: t.label,
          x: t.pts.map((p) => p.v),
          y: t.pts.map((p) => p.r.medianSeconds * 1e3),
          marker: { color: t.colour },
        }))}
        layout={{
          xaxis: { title: { text: axis === 'kernel' ? 'kernel size R = S' : 'sequence length N (= K)' }, type: logX ? 'log' : 'linear', tickvals: values },
          yaxis: { title: { text: 'median time (ms)' }, type: 'log' },
          shapes,
        }}
      />
      {axis === 'length' && (
        <p className="hint" data-testid="conv-crossover">
          {crossovers.map((c) =>
            !c.crossing
              ? `${c.label}: too few lengths to place a crossover. `
              : c.crossing.kind === 'between'
                ? `${c.label} overtakes direct at N ≈ ${Math.round(c.crossing.length)} (between ${c.crossing.below} and ${c.crossing.above}; vertical line). `
                : c.crossing.kind === 'fft-always'
                  ? `${c.label} was faster than direct at every length here. `
                  : `${c.label} was slower than direct at every length here. `,
          )}
        </p>
      )}
      {axis === 'length' && (
        <Chart
          label="Error against float64 on the FFT's scale, ‖ŷ − y‖₂ / (‖x‖₂‖h‖₂), against sequence length, for each 1-D method"
          testId="conv-error-chart"
          data={errors.map((t) => ({
            type: 'scatter',
            mode: 'lines+markers',
            name: t.label,
            x: t.pts.map((p) => p.v),
            y: t.pts.map((p) => extrasOf(p.r, 'conv')!.sequence!.normwiseError),
            marker: { color: t.colour },
          }))}
          layout={{
            xaxis: { title: { text: 'sequence length N' }, type: 'log', tickvals: values },
            yaxis: { title: { text: '‖ŷ − y‖₂ / (‖x‖₂‖h‖₂)' }, type: 'log', exponentformat: 'power' },
          }}
        />
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so the keyboard can scroll it (axe: scrollable-region-focusable). */}
      <section className="scroll" tabIndex={0} aria-label="Time and error per method and point (table)">
        <table data-testid="conv-sweep-table">
          <caption style={{ textAlign: 'left' }}>
            {axis === 'kernel' ? 'Time and error against kernel size' : 'Time and error against sequence length'}, per method
          </caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">{axis === 'kernel' ? 'Kernel' : 'N'}</th>
              <th scope="col">Median</th>
              <th scope="col">GFLOP/s</th>
              {axis === 'length' && <th scope="col">‖error‖ / (‖x‖‖h‖)</th>}
              <th scope="col">Max |error|</th>
              <th scope="col">Rel. Frobenius</th>
              <th scope="col">Worst error / bound</th>
              <th scope="col">Within bound</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.variant}-${r.value}`}>
                <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
                  {r.label}
                </th>
                <td>{r.value}</td>
                {r.result ? (
                  <>
                    <td>{fmtSeconds(r.result.medianSeconds)}</td>
                    <td>{fmtNumber(r.result.gflops)}</td>
                    {axis === 'length' && <td>{fmtNumber(extrasOf(r.result, 'conv')?.sequence?.normwiseError ?? NaN)}</td>}
                    <ErrorCells result={r.result} />
                  </>
                ) : (
                  <td colSpan={axis === 'length' ? 7 : 6} className="muted">
                    not run: {r.error}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
