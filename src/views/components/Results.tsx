// The result card: the headline (time, throughput, verdict, error), the run's prediction and live
// progress, and beside them in panes the details, the live sweep chart and the generated WGSL —
// all in the first screen. It shows only the experiment that made it (the store clears it when
// the kernel or the lesson step changes) and says so when the form has changed since.
import { useEffect, useRef, useState } from 'react';
import type { Experiment, ExperimentResult } from '../../kernels/types';
import { adapterName } from '../../gpu/describe';
import { paramText } from '../../kernels/schema';
import { fmtNumber, fmtResultSeconds, fmtSeconds, fmtSqnr, timeResolution } from '../format';
import { downloadBlob } from '../download';
import { headlineOf } from '../headline';
import { useLab, type Job } from '../../state/store';
import { fmtDuration, remainingSeconds } from '../../state/predict';
import { Boundary } from './Boundary';
import { SweepChart } from './SweepChart';
import { EditWgslButton } from '../editor/EditWgslButton';

/** What differs between the experiment a result measured and the one the form now holds. */
export function experimentDiff(ran: Experiment, now: Experiment): string[] {
  if (ran.family !== now.family || ran.variant !== now.variant) return [`${ran.family}/${ran.variant} → ${now.family}/${now.variant}`];
  const out: string[] = [];
  const keys = new Set([...Object.keys(ran.params), ...Object.keys(now.params)]);
  for (const k of keys) if (ran.params[k] !== now.params[k]) out.push(`${k} ${paramText(ran.params[k] ?? '—')} → ${paramText(now.params[k] ?? '—')}`);
  if (ran.seed !== now.seed) out.push(`seed ${ran.seed} → ${now.seed}`);
  if (ran.reps !== now.reps) out.push(`repetitions ${ran.reps} → ${now.reps}`);
  return out;
}

function sweepDiff(ran: Experiment, now: Experiment): string[] {
  const out = experimentDiff(ran, now);
  const a = ran.sweep ? `${ran.sweep.param}: ${ran.sweep.values.join(', ')}` : 'none';
  const b = now.sweep ? `${now.sweep.param}: ${now.sweep.values.join(', ')}` : 'none';
  if (a !== b) out.push(`sweep ${a} → ${b}`);
  return out;
}

const SOFTWARE_SENTENCE =
  'This is a software adapter (it reports isFallbackAdapter): the kernels run on the CPU, so these are CPU speeds — compare variants with each other, not with a GPU.';

export function Headline({
  result,
  stale,
  sweepParam,
  compact = false,
}: {
  result: ExperimentResult;
  stale: string[];
  sweepParam?: string;
  compact?: boolean;
}) {
  const h = headlineOf(result);
  const point = sweepParam !== undefined ? result.experiment.params[sweepParam] : undefined;
  return (
    <div className={`headline${stale.length ? ' stale' : ''}`} data-testid="headline">
      <div className="headline-title">
        <strong>{result.variantLabel}</strong>
        {result.edit && <span className="badge cpu"> edited #{result.edit.hash}</span>} <span className="muted">{result.shape}</span>{' '}
        {point !== undefined && (
          <span className="muted">
            · latest point: {sweepParam} = {paramText(point)}{' '}
          </span>
        )}
        <span className={`badge ${h.device.kind}`} data-testid="device-badge">
          {h.device.text}
        </span>
      </div>
      <dl className="figures">
        {h.figures.map((f) => (
          <div key={f.label} className={f.ok === true ? 'good' : f.ok === false ? 'bad' : undefined}>
            <dt>{f.label}</dt>
            <dd data-testid={f.testId}>{f.value}</dd>
          </div>
        ))}
      </dl>
      {h.notes.map((n) => (
        <p key={n.label} className={`note ${n.ok === true ? 'ok' : n.ok === false ? 'bad' : ''}`} data-testid={n.testId}>
          <strong>{n.label}:</strong> {n.value}
        </p>
      ))}
      {h.device.kind === 'software' && !compact && (
        <p className="hint" data-testid="software-note">
          {SOFTWARE_SENTENCE}
        </p>
      )}
      {stale.length > 0 && (
        <p className="stale-note" role="status" data-testid="stale-note">
          This result is for another experiment than the form now holds ({stale.join('; ')}). Run to measure this one.
        </p>
      )}
    </div>
  );
}

/** Re-renders every `ms` while `active`. */
function useTicker(active: boolean, ms = 250): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}

/** Live progress: what is running, samples done of all, elapsed and about how long is left. */
export function RunProgress({ job }: { job: Job }) {
  const now = useTicker(true);
  const p = job.progress;
  const elapsed = job.startedAt !== undefined ? (now - job.startedAt) / 1000 : 0;
  const left = job.prediction && job.marks ? remainingSeconds(job.prediction, p, job.marks, now) : null;
  const samples = p?.samples ? `sample ${p.samples.done} of ${p.samples.total}` : null;
  const point = p?.point ? `point ${p.point.done + 1} of ${p.point.total}` : null;
  return (
    <div className="progress" data-testid="progress" aria-live="polite">
      <progress max={1} value={p?.fraction ?? 0} aria-label="Run progress" />
      <span>
        <strong>{job.backend === 'cpu' ? 'CPU' : 'GPU'}</strong> ·{' '}
        {job.cancelling ? 'cancelling (the GPU finishes the sample in flight)' : p ? p.phase : 'starting'}
        {point ? ` · ${point}` : ''}
        {samples ? ` · ${samples}` : ''} · {fmtDuration(elapsed)} elapsed
        {left !== null && !job.cancelling ? ` · about ${fmtDuration(left)} left` : ''}
        {job.prediction ? <span className="muted"> (predicted {fmtDuration(job.prediction.seconds)})</span> : null}
      </span>
    </div>
  );
}

type Pane = 'result' | 'chart' | 'wgsl';

/** The card at the top of the output: headline, status, and the result / chart / WGSL panes. */
export function ResultCard({ compact = false }: { compact?: boolean }) {
  const experiment = useLab((s) => s.experiment);
  const result = useLab((s) => s.result);
  const sweepPoints = useLab((s) => s.sweepPoints);
  const sweepExperiment = useLab((s) => s.sweepExperiment);
  const job = useLab((s) => s.job);
  const linkRun = useLab((s) => s.linkRun);
  const shown = result && result.experiment.family === experiment.family && result.experiment.variant === experiment.variant ? result : null;
  const sweep =
    sweepExperiment?.sweep && sweepExperiment.family === experiment.family && sweepExperiment.variant === experiment.variant ? sweepExperiment : null;
  const [pane, setPane] = useState<Pane>(sweep ? 'chart' : 'result');
  const sweepRunning = job?.kind === 'sweep';
  // Each sweep that starts shows its chart (a second sweep too, after the user left the chart).
  const sweepJob = sweepRunning ? job.id : null;
  useEffect(() => {
    if (sweepJob !== null) setPane('chart');
  }, [sweepJob]);
  useEffect(() => {
    if (!sweep && pane === 'chart') setPane('result');
  }, [sweep, pane]);
  const stale = shown && !sweep ? experimentDiff(shown.experiment, experiment) : [];
  const sweepStale = sweep ? sweepDiff(sweep, experiment) : [];
  const panes: [Pane, string][] = [['result', 'Result'], ...(sweep ? ([['chart', 'Sweep chart']] as [Pane, string][]) : []), ['wgsl', 'WGSL']];
  const wgslCount = shown?.wgsl.length ?? 0;
  return (
    <section className={`result-card${compact ? ' compact' : ''}${sweep && pane === 'chart' ? ' with-chart' : ''}`} aria-label="Result" data-testid="results">
      {shown ? (
        <Boundary name="headline">
          <Headline
            result={shown}
            stale={stale}
            compact={compact}
            sweepParam={sweep && shown.experiment.params[sweep.sweep!.param] !== undefined ? sweep.sweep!.param : undefined}
          />
        </Boundary>
      ) : (
        !job && (
          <p className="empty" data-testid="no-result">
            {linkRun?.state === 'held' && linkRun.why ? linkRun.why : 'Press Run to measure this kernel on your device.'}
          </p>
        )
      )}
      {job && <RunProgress job={job} />}
      {shown && linkRun?.state === 'held' && !job && linkRun.why && <p className="hint">{linkRun.why}</p>}
      {(shown || sweep) && (
        <>
          <div className="panes" role="tablist" aria-label="Result views">
            {panes.map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`pane-tab-${id}`}
                aria-selected={pane === id}
                aria-controls={`pane-${id}`}
                onClick={() => setPane(id)}
              >
                {label}
                {id === 'wgsl' && wgslCount > 1 ? ` (${wgslCount})` : ''}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="pane-result" aria-labelledby="pane-tab-result" hidden={pane !== 'result'}>
            <Boundary name="result details">
              {shown ? <ResultDetails result={shown} compact={compact} /> : <p className="muted">No finished point yet.</p>}
            </Boundary>
          </div>
          {sweep && pane === 'chart' && (
            <div role="tabpanel" id="pane-chart" aria-labelledby="pane-tab-chart">
              {sweepStale.length > 0 && (
                <p className="stale-note" role="status" data-testid="sweep-stale-note">
                  This chart is of another sweep than the form now holds ({sweepStale.join('; ')}).
                </p>
              )}
              <Boundary name="sweep chart">
                <SweepChart experiment={sweep} points={sweepPoints} running={sweepRunning} />
              </Boundary>
            </div>
          )}
          <div role="tabpanel" id="pane-wgsl" aria-labelledby="pane-tab-wgsl" hidden={pane !== 'wgsl'}>
            <Boundary name="WGSL">{shown ? <WgslView result={shown} /> : <p className="muted">The WGSL appears with the first finished point.</p>}</Boundary>
          </div>
        </>
      )}
    </section>
  );
}

function ResultDetails({ result, compact }: { result: ExperimentResult; compact: boolean }) {
  return (
    <div className="details">
      <ResultsTable result={result} />
      {!compact && <ErrorHeatmap result={result} />}
    </div>
  );
}

export function ResultsTable({ result }: { result: ExperimentResult }) {
  const m = result.metrics;
  const onCpu = result.provenance.backend === 'cpu';
  const t = result.timing;
  const within = m.boundViolations === undefined ? null : m.boundViolations === 0;
  const h = headlineOf(result);
  const secs = (s: number) => fmtResultSeconds(result, s);
  const resolution = timeResolution(result);
  return (
    <div className="tables" data-testid="result-tables">
      <table>
        <caption>Speed</caption>
        <tbody>
          <tr>
            <th scope="row">Median time</th>
            <td data-testid="median-time">{secs(result.medianSeconds)}</td>
          </tr>
          <tr>
            <th scope="row">Spread (min – max)</th>
            <td>
              {secs(result.spread.min)} – {secs(result.spread.max)} over {result.seconds.length} samples
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
                ? `performance.now() around JavaScript${resolution ? `, step ${fmtSeconds(resolution, resolution)}` : ''}`
                : t
                  ? `${t.method === 'timestamp-query' ? 'GPU timestamp-query' : 'wall clock around submitted work'}, resolution ${fmtSeconds(t.resolutionSeconds, t.resolutionSeconds)}, ${t.runsPerSample} run(s) per sample`
                  : '—'}
              {t?.note && !onCpu ? ` (${t.note})` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      <table>
        <caption>{h.checkedAgainst}</caption>
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
      <p className="provenance" data-testid="provenance">
        {onCpu
          ? 'Ran on the CPU (JavaScript)'
          : `Ran on ${adapterName(result.provenance.adapter)}${result.provenance.adapter?.isFallbackAdapter ? ' (software adapter)' : ''}`}
        ; features used: {result.provenance.featuresUsed.join(', ') || 'none'}; {result.provenance.userAgent}; {result.provenance.date}
      </p>
      {result.wgsl.length > 0 && <EditWgslButton result={result} />}
    </div>
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
    let live = true;
    void import('./errorColors').then(({ errorColors }) => {
      const ctx = canvas.current?.getContext('2d');
      if (!live || !ctx) return;
      const colorOf = errorColors(min, max);
      const image = ctx.createImageData(h.cols, h.rows);
      h.values.forEach((v, i) => {
        image.data.set([...colorOf(v), 255], i * 4);
      });
      ctx.putImageData(image, 0, 0);
    });
    return () => {
      live = false;
    };
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
      <p className="muted small-print">
        Each cell: the largest |result − reference| over {h.cellRows}×{h.cellCols} outputs. Log colour scale (viridis): {fmtNumber(min)} (dark purple) to{' '}
        {fmtNumber(max)} (yellow); black = exact{h.values.some((v) => !Number.isFinite(v)) ? '; magenta = NaN/Inf' : ''}.
      </p>
    </section>
  );
}

export function WgslView({ result }: { result: ExperimentResult }) {
  if (!result.wgsl.length) {
    return (
      <p className="muted">
        {result.provenance.backend === 'cpu'
          ? 'This run was the CPU emulation: no WGSL ran. Run on GPU to see the generated shaders.'
          : 'This run has no WGSL.'}
      </p>
    );
  }
  return (
    <div className="wgsl" data-testid="wgsl">
      <EditWgslButton result={result} />
      {result.wgsl.map((w) => (
        <figure key={w.label}>
          <figcaption>{w.label}</figcaption>
          <pre>
            <code>{w.source.trim()}</code>
          </pre>
        </figure>
      ))}
    </div>
  );
}
