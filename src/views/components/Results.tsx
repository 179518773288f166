import { useEffect, useRef } from 'react';
import * as d3 from 'd3';
import type { ExperimentResult } from '../../kernels/types';
import { adapterName } from '../../gpu/describe';
import { fmtNumber, fmtSeconds, fmtSqnr } from '../format';
import { downloadBlob } from '../download';
import { EditWgslButton } from '../editor/EditWgslButton';

export function ResultsTable({ result }: { result: ExperimentResult }) {
  const m = result.metrics;
  const onCpu = result.provenance.backend === 'cpu';
  const t = result.timing;
  const within = m.boundViolations === undefined ? null : m.boundViolations === 0;
  return (
    <section className="results" aria-label="Results" data-testid="results">
      <h2>
        {result.variantLabel} <span className="muted">{result.shape}</span>{' '}
        <span className={`badge ${onCpu ? 'cpu' : 'gpu'}`}>{onCpu ? 'CPU float32 emulation (not GPU)' : 'GPU'}</span>
      </h2>
      <div className="tables">
        <table>
          <caption>Speed</caption>
          <tbody>
            <tr>
              <th scope="row">Median time</th>
              <td data-testid="median-time">{fmtSeconds(result.medianSeconds)}</td>
            </tr>
            <tr>
              <th scope="row">Spread (min – max)</th>
              <td>
                {fmtSeconds(result.spread.min)} – {fmtSeconds(result.spread.max)} over {result.seconds.length} samples
              </td>
            </tr>
            <tr>
              <th scope="row">Throughput</th>
              <td data-testid="gflops">{fmtNumber(result.gflops, 4)} GFLOP/s</td>
            </tr>
            <tr>
              <th scope="row">Bandwidth (compulsory bytes)</th>
              <td>{fmtNumber(result.gbps, 4)} GB/s</td>
            </tr>
            <tr>
              <th scope="row">Clock</th>
              <td data-testid="clock">
                {onCpu
                  ? 'performance.now() around JavaScript'
                  : t
                    ? `${t.method === 'timestamp-query' ? 'GPU timestamp-query' : 'wall clock around submitted work'}, resolution ${fmtSeconds(
                        t.resolutionSeconds,
                      )}, ${t.runsPerSample} run(s) per sample`
                    : '—'}
                {t?.note ? ` (${t.note})` : ''}
              </td>
            </tr>
          </tbody>
        </table>
        <table>
          <caption>Error against the float64 reference</caption>
          <tbody>
            <tr>
              <th scope="row">Max abs error</th>
              <td data-testid="max-abs">{fmtNumber(m.maxAbs)}</td>
            </tr>
            <tr>
              <th scope="row">Max relative error</th>
              <td>{fmtNumber(m.maxRel)}</td>
            </tr>
            <tr>
              <th scope="row">Relative Frobenius</th>
              <td>{fmtNumber(m.relFrobenius)}</td>
            </tr>
            <tr>
              <th scope="row">ULP (float32) max / mean</th>
              <td>
                {fmtNumber(m.ulpMax)} / {fmtNumber(m.ulpMean)}
              </td>
            </tr>
            <tr>
              <th scope="row">SQNR</th>
              <td data-testid="sqnr">{fmtSqnr(m.sqnrDb)}</td>
            </tr>
            {within !== null && (
              <tr>
                <th scope="row">Within the error bound</th>
                <td data-testid="bound" className={within ? 'ok' : 'bad'}>
                  {within ? 'yes, every element' : `NO: ${m.boundViolations} of ${m.count} elements exceed it`}
                  {result.boundNote ? <span className="muted"> ({result.boundNote})</span> : null}
                </td>
              </tr>
            )}
            {m.nonFinite > 0 && (
              <tr>
                <th scope="row">NaN / Inf outputs</th>
                <td className="bad">{m.nonFinite}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <p className="provenance" data-testid="provenance">
        {onCpu ? 'Ran on the CPU (JavaScript)' : `Ran on ${adapterName(result.provenance.adapter)}`}; features used:{' '}
        {result.provenance.featuresUsed.join(', ') || 'none'}; {result.provenance.userAgent}; {result.provenance.date}
      </p>
      {result.wgsl.length > 0 && <EditWgslButton result={result} />}
    </section>
  );
}

/** The output error, downsampled to at most 64×64 cells (each the max |error| it covers). */
export function ErrorHeatmap({ result }: { result: ExperimentResult }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const h = result.heatmap;
  const finite = h.values.filter((v) => Number.isFinite(v) && v > 0);
  const max = finite.length ? Math.max(...finite) : 0;
  const min = finite.length ? Math.min(...finite) : 0;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    // Viridis is perceptually uniform and readable with colour-blindness; log scale because
    // errors span orders of magnitude.
    const color = d3.scaleSequentialLog(d3.interpolateViridis).domain([Math.max(min, 1e-30), Math.max(max, min * 10, 1e-29)]);
    const image = ctx.createImageData(h.cols, h.rows);
    h.values.forEach((v, i) => {
      const c = v === 0 ? d3.rgb('#1b1b1b') : Number.isFinite(v) ? d3.rgb(color(v)) : d3.rgb('#ff00ff');
      image.data.set([c.r, c.g, c.b, 255], i * 4);
    });
    ctx.putImageData(image, 0, 0);
  }, [h, min, max]);
  return (
    <section className="heatmap" aria-label="Error heatmap">
      <h3>Where the error is</h3>
      <canvas
        ref={canvas}
        width={h.cols}
        height={h.rows}
        role="img"
        aria-label={`Heatmap of |GPU − float64| over the ${h.rows * h.cellRows}×${h.cols * h.cellCols} output, max ${fmtNumber(max)}`}
        data-testid="error-heatmap"
      />
      <div className="chart-download">
        <button
          type="button"
          className="small"
          onClick={() => {
            if (!canvas.current) return;
            // Scale the few-pixel heatmap up without smoothing, so the file shows crisp cells.
            const scale = Math.max(1, Math.floor(512 / Math.max(h.cols, h.rows)));
            const big = document.createElement('canvas');
            big.width = h.cols * scale;
            big.height = h.rows * scale;
            const ctx = big.getContext('2d')!;
            ctx.imageSmoothingEnabled = false;
            ctx.drawImage(canvas.current, 0, 0, big.width, big.height);
            big.toBlob((blob) => blob && downloadBlob(`kernel-lab-error-${result.experiment.variant}-${result.shape}.png`, blob), 'image/png');
          }}
        >
          Download PNG
        </button>
      </div>
      <p className="muted">
        Each cell: the largest |result − float64| over {h.cellRows}×{h.cellCols} outputs. Colour (log scale, viridis): {fmtNumber(min)} (dark
        purple) to {fmtNumber(max)} (yellow); black = exact{h.values.some((v) => !Number.isFinite(v)) ? '; magenta = NaN/Inf' : ''}.
      </p>
    </section>
  );
}

export function WgslView({ result }: { result: ExperimentResult }) {
  if (!result.wgsl.length) return null;
  return (
    <details className="wgsl">
      <summary>Generated WGSL ({result.wgsl.length} dispatch{result.wgsl.length > 1 ? 'es' : ''})</summary>
      {result.wgsl.map((w) => (
        <figure key={w.label}>
          <figcaption>{w.label}</figcaption>
          <pre>
            <code>{w.source.trim()}</code>
          </pre>
        </figure>
      ))}
    </details>
  );
}
