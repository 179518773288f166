// The autotuner and the roofs, driven from the matmul lab: start, follow live, read the verdict,
// and use the tuned configuration. Both are studies (src/kernels/study.ts): their results stream
// into the store's study slice, which these panels read.
import { useEffect, useMemo, useRef, useState } from 'react';
import { candidateText, recordCandidate, TUNE_DEFAULT, type TuneCandidate } from '../../../kernels/matmul/grid';
import { rooflineGflops } from '../../../kernels/matmul/model';
import type { TuneSummary, TunedRecord } from '../../../kernels/matmul/studyTypes';
import { findVariant } from '../../../kernels/registry';
import { SWEEP_RUNS_PER_SAMPLE, TUNER_BAR } from '../../../kernels/matmul/tuner';
import { startStudy } from '../../../state/labClient';
import { useLab } from '../../../state/store';
import { forgetStudyRecord, selectStudy } from '../../../state/studies';
import { adapterName } from '../../../gpu/describe';
import { loadPlotly, OKABE_ITO } from '../../charts/plotly';
import { ChartDownload } from '../../charts/ChartDownload';
import { fmtNumber, fmtSeconds } from '../../format';
import { deviceRuns, type Shape } from './runs';

function applyConfig(c: TuneCandidate, shape: Shape) {
  const experiment = useLab.getState().experiment;
  useLab.getState().setExperiment({ family: 'matmul', variant: c.variant, params: { ...shape, ...c.config }, seed: experiment.seed, reps: experiment.reps });
}

const pct = (x: number) => `${fmtNumber(100 * x, 3)}%`;

export function TunerPanel({ shape }: { shape: Shape }) {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const slot = useLab(selectStudy('matmul-tune'));
  const [budget, setBudget] = useState(30);
  const [grid, setGrid] = useState<'quick' | 'full'>('quick');
  const [exhaustive, setExhaustive] = useState(false);
  const busy = Boolean(job);
  const tuning = slot?.result ?? null;
  const forShape = Object.entries(slot?.records ?? {}).filter(([, t]) => t.shape.M === shape.M && t.shape.N === shape.N && t.shape.K === shape.K);
  return (
    <section aria-labelledby="mm-tuner-h" className="tuner" data-testid="tuner">
      <h3 id="mm-tuner-h">
        Autotune the register-blocked kernels for {shape.M}×{shape.N}×{shape.K}
      </h3>
      <p className="hint">
        Successive halving within your time budget over three register-blocked kernels (plain, B transposed, A shared within quads: workgroup tile, micro-tile,
        K-step, vector width, staging, loop order), pruned by this device's features and limits before anything is timed, with the default (
        {candidateText(TUNE_DEFAULT)}) always among them: every candidate is timed once, the faster half again in interleaved rounds (ranked by median), and the
        last four with the default over at least five interleaved rounds (more while the budget lasts, up to fifteen). The pick is re-run with the float64
        check; it is offered only if it passed and its median time in those rounds beat the default's — otherwise the default stays.
      </p>
      <div className="tuner-controls">
        <div className="field">
          <label htmlFor="tune-budget">Time budget (seconds)</label>
          <input
            id="tune-budget"
            type="number"
            min={2}
            max={600}
            value={budget}
            onChange={(e) => setBudget(Math.min(600, Math.max(2, Number(e.target.value) || 2)))}
          />
        </div>
        <div className="field">
          <label htmlFor="tune-grid">Grid</label>
          <select id="tune-grid" value={grid} onChange={(e) => setGrid(e.target.value as 'quick' | 'full')}>
            <option value="quick">Quick (20 candidates: a CPU adapter's 30 s)</option>
            <option value="full">Full (about 400 candidates: for GPUs)</option>
          </select>
        </div>
        <div className="field check">
          <input id="tune-exhaustive" type="checkbox" checked={exhaustive} onChange={(e) => setExhaustive(e.target.checked)} />
          <label htmlFor="tune-exhaustive">Also time every point (exhaustive sweep) to judge the pick</label>
        </div>
        <button
          type="button"
          className="primary"
          disabled={busy || !gpu?.available}
          onClick={() => startStudy('matmul-tune', { shape, budgetSeconds: budget, grid, exhaustive })}
        >
          Run autotuner
        </button>
      </div>
      {tuning && (slot?.final ? <TuneResult t={tuning} /> : <TuneProgress t={tuning} running={Boolean(slot?.running)} />)}
      {forShape.length > 0 && (
        <div className="tuned-list" data-testid="tuned-configs">
          <h4>Tuned for this device ({adapterName(gpu?.available ? gpu.adapter : null)})</h4>
          <ul>
            {forShape.map(([key, t]) => (
              <li key={key}>
                Tuned variant: {candidateText(recordCandidate(t))} — {fmtNumber(t.gflops, 4)} GFLOP/s
                <TunedVerdict t={t} /> ({new Date(t.date).toLocaleDateString()}){' '}
                <button type="button" className="small" onClick={() => applyConfig(recordCandidate(t), t.shape)}>
                  Use the tuned configuration
                </button>
                <button type="button" className="small" onClick={() => void forgetStudyRecord('matmul-tune', key)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function TunedVerdict({ t }: { t: TunedRecord }) {
  if (t.beatDefault) return t.speedupOverDefault ? `, ${fmtNumber(t.speedupOverDefault, 3)}× the default` : '';
  return <> — the default stays ({t.reason})</>;
}

/** What the tuner has measured so far, painted as it arrives. */
function TuneProgress({ t, running }: { t: TuneSummary; running: boolean }) {
  const stage = {
    searching: 'searching',
    checking: 'checking the pick against float64',
    confirming: 're-timing the pick against the default',
    sweeping: 'exhaustive sweep',
    done: 'done',
  }[t.phase];
  return (
    <p className="hint" data-testid="tune-progress" aria-live="polite">
      {running ? `Autotuner ${stage}: ` : 'The last autotuner run was stopped before it finished: '}
      {t.measurements} of about {t.planned || t.validCount} measurements, {t.points.length} configurations measured
      {t.best ? `; fastest so far ${candidateText(t.best)} at ${fmtSeconds(t.best.seconds)}` : ''}. The heatmap fills in as they arrive.
    </p>
  );
}

function TuneResult({ t }: { t: TuneSummary }) {
  if (!t.best || !t.tuned || !t.decision || !t.offered)
    return <p className="bad">The tuner could not measure any configuration ({t.stoppedBy ?? 'stopped'}).</p>;
  const { decision, confirmation } = t;
  const checked = t.tuned.metrics.boundViolations === 0 && t.tuned.metrics.nonFinite === 0;
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return (
    <div className="tune-result" data-testid="tune-result">
      <p>
        <strong>Search's pick:</strong> {candidateText(t.best)} (
        {checked ? 'every output within the float64 bound' : `${t.tuned.metrics.boundViolations ?? 0} outputs OUTSIDE the float64 bound`}).
        {confirmation && (
          <>
            {' '}
            Timed in the same rounds as the default ({confirmation.pickSeconds.length} rounds, medians): the pick {fmtSeconds(mid(confirmation.pickSeconds))},
            the default {fmtSeconds(mid(confirmation.defaultSeconds))}
            {t.speedupInterval && t.speedupInterval.coverage > 0
              ? ` (speed-up per round: median ${fmtNumber(t.speedupInterval.median, 3)}×, ${pct(t.speedupInterval.coverage)} interval ${fmtNumber(t.speedupInterval.low, 3)}–${fmtNumber(t.speedupInterval.high, 3)}×)`
              : ''}
            .
          </>
        )}
      </p>
      <p>
        {decision.offerPick ? (
          <>
            Offered: the pick, <strong data-testid="tune-speedup">{fmtNumber(decision.speedup!, 3)}×</strong> as fast as the default — {decision.reason}.
          </>
        ) : (
          <>
            <strong data-testid="tune-decision">The default stays</strong>: {decision.reason}
            {decision.speedup !== null ? (
              <>
                {' '}
                (the pick ran at <strong data-testid="tune-speedup">{fmtNumber(decision.speedup, 3)}×</strong> the default's speed)
              </>
            ) : null}
            .
          </>
        )}{' '}
        Float64-checked runs, one after the other: the pick {fmtNumber(t.tuned.gflops, 4)} GFLOP/s, the default{' '}
        {t.baseline ? `${fmtNumber(t.baseline.gflops, 4)} GFLOP/s` : '—'}. Search: {t.measurements} measurements in {t.rounds} rounds,{' '}
        {fmtNumber(t.elapsedSeconds, 3)} s ({t.stoppedBy}
        {t.unmeasured ? `; ${t.unmeasured} configurations never measured within the budget` : ''}); {t.validCount} candidates, {t.invalid.length} beyond this
        device's limits.
      </p>
      {t.sweep && (
        <p data-testid="tune-vs-sweep">
          Exhaustive sweep of the same candidates ({t.sweep.rounds} interleaved rounds, {t.sweep.measurements} measurements, each the fastest of{' '}
          {SWEEP_RUNS_PER_SAMPLE} runs, {fmtNumber(t.sweep.elapsedSeconds, 3)} s): best{' '}
          {t.sweep.best ? `${candidateText(t.sweep.best)} at ${fmtSeconds(t.sweep.best.seconds)}` : '—'}.{' '}
          {t.sweep.sameConfig ? (
            <>
              The offered configuration <strong>is</strong> the sweep's best.
            </>
          ) : (
            <>
              Re-timed alternately ({t.sweep.confirmRounds} paired rounds), the offered configuration reaches <strong>{pct(t.sweep.ratio)}</strong> of the
              sweep's best's speed{t.sweep.coverage > 0 ? ` (${pct(t.sweep.coverage)} interval ${pct(t.sweep.low)}–${pct(t.sweep.high)})` : ''}{' '}
              {t.sweep.reachesBar ? `(at least ${pct(TUNER_BAR)})` : `(NOT ${pct(TUNER_BAR)})`}.
            </>
          )}
        </p>
      )}
      <button type="button" onClick={() => applyConfig(t.offered!, t.shape)}>
        Use the tuned configuration
      </button>
    </div>
  );
}

/** Every matmul run of this session and history on this device, under the two measured roofs. */
export function RooflinePanel() {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const slot = useLab(selectStudy('matmul-roofs'));
  const history = useLab((s) => s.history);
  const chart = useRef<HTMLDivElement>(null);
  const device = gpu?.available ? adapterName(gpu.adapter) : null;
  const study = slot?.final ? slot.result : null;
  const record = device ? (slot?.records[device] ?? null) : null;
  const measured =
    study?.peakGflops != null && study.bandwidthGBs != null ? { peakGflops: study.peakGflops, bandwidthGBs: study.bandwidthGBs, date: study.date } : record;
  const runs = useMemo(
    () => (gpu?.available ? deviceRuns(history, [], gpu).filter((r) => findVariant(r.experiment.family, r.experiment.variant)?.role !== 'roof') : []),
    [history, gpu],
  );
  const peakGflops = measured?.peakGflops;
  const bandwidthGBs = measured?.bandwidthGBs;
  const roofs = useMemo(() => (peakGflops !== undefined && bandwidthGBs !== undefined ? { peakGflops, bandwidthGBs } : null), [peakGflops, bandwidthGBs]);
  useEffect(() => {
    if (!roofs) return;
    let live = true;
    loadPlotly().then((Plotly) => {
      if (!live || !chart.current) return;
      const intensities = runs.map((r) => r.work.flops / r.work.bytes);
      const lo = Math.min(0.1, ...intensities) / 2;
      const hi = Math.max(100, ...intensities) * 2;
      const xs = Array.from({ length: 60 }, (_, i) => lo * (hi / lo) ** (i / 59));
      const variants = [...new Set(runs.map((r) => r.experiment.variant))];
      void Plotly.react(
        chart.current,
        [
          {
            x: xs,
            y: xs.map((x) => rooflineGflops(x, roofs)),
            mode: 'lines',
            type: 'scatter',
            name: 'roof: min(peak FMA, bandwidth × intensity)',
            line: { color: '#000' },
          },
          ...variants.map((v, i) => {
            const mine = runs.filter((r) => r.experiment.variant === v);
            return {
              x: mine.map((r) => r.work.flops / r.work.bytes),
              y: mine.map((r) => r.gflops),
              text: mine.map(
                (r) =>
                  `${r.shape} ${Object.entries(r.experiment.params)
                    .filter(([k]) => !'MNK'.includes(k))
                    .map(([k, val]) => `${k}=${val}`)
                    .join(' ')} — ${fmtNumber((100 * r.gflops) / rooflineGflops(r.work.flops / r.work.bytes, roofs), 3)}% of the roof`,
              ),
              mode: 'markers' as const,
              type: 'scatter' as const,
              name: v,
              marker: { color: OKABE_ITO[i % OKABE_ITO.length], size: 9 },
              hovertemplate: '%{text}<br>%{x:.3g} flop/byte, %{y:.4g} GFLOP/s<extra></extra>',
            };
          }),
        ],
        {
          margin: { l: 60, r: 10, t: 10, b: 50 },
          xaxis: { type: 'log', title: { text: 'arithmetic intensity (flop per compulsory byte)' } },
          yaxis: { type: 'log', title: { text: 'GFLOP/s' } },
          height: 360,
          legend: { orientation: 'h', y: -0.25 },
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
        },
        { responsive: true, displaylogo: false },
      );
    });
    return () => {
      live = false;
    };
  }, [roofs, runs]);
  return (
    <section aria-labelledby="mm-roof-h" className="roofline" data-testid="roofline">
      <h3 id="mm-roof-h">Roofline of this device</h3>
      {measured ? (
        <p>
          Measured roofs: <strong data-testid="roof-fma">{fmtNumber(measured.peakGflops, 4)} GFLOP/s</strong> peak FMA,{' '}
          <strong data-testid="roof-bw">{fmtNumber(measured.bandwidthGBs, 4)} GB/s</strong> copy bandwidth ({new Date(measured.date).toLocaleString()}). Every
          matmul run saved on this device is plotted against them (hover for % of the roof).
        </p>
      ) : (
        <p className="hint">Measure the two roofs (a compute-bound FMA kernel and a copy kernel, both checked) to draw the roofline.</p>
      )}
      {slot?.running && slot.result && (
        <p className="hint" aria-live="polite">
          Measuring: {slot.result.peakGflops !== null ? `peak FMA ${fmtNumber(slot.result.peakGflops, 4)} GFLOP/s` : 'peak FMA…'}
          {slot.result.bandwidthGBs !== null ? `, copy ${fmtNumber(slot.result.bandwidthGBs, 4)} GB/s` : ''}
        </p>
      )}
      <button type="button" disabled={Boolean(job) || !gpu?.available} onClick={() => startStudy('matmul-roofs', {})}>
        {measured ? 'Measure the roofs again' : 'Measure the roofs'}
      </button>
      {measured && (
        <>
          <figure className="chart-figure" aria-label="Roofline chart: GFLOP/s against arithmetic intensity for saved runs (the History tab lists the data)">
            <div ref={chart} className="chart" />
          </figure>
          <ChartDownload target={chart} filename="kernel-lab-roofline" />
        </>
      )}
    </section>
  );
}
