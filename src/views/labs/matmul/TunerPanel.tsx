// The autotuner and the roofs, driven from the matmul lab: start, follow live, read the verdict,
// and use the tuned configuration.
import { useEffect, useRef, useState } from 'react';
import { regBlockConfigOf, REGBLOCK_DEFAULT, type RegBlockConfig } from '../../../kernels/matmul/regblock';
import { rooflineGflops } from '../../../kernels/matmul/model';
import type { Params } from '../../../kernels/types';
import { startRoofs, startTuning } from '../../../state/labClient';
import { useLab } from '../../../state/store';
import { forgetTuning } from '../../../state/tuning';
import { adapterName } from '../../../gpu/describe';
import { loadPlotly, OKABE_ITO } from '../../charts/plotly';
import { ChartDownload } from '../../charts/ChartDownload';
import { fmtNumber, fmtSeconds } from '../../format';

export function configText(c: RegBlockConfig): string {
  return `BM=${c.BM} BN=${c.BN} BK=${c.BK} TM=${c.TM} TN=${c.TN} ${c.staging}${c.vec4 ? ' vec4' : ''}`;
}

function useTuned(configParams: (c: RegBlockConfig, shape: { M: number; N: number; K: number }) => Params) {
  return (c: RegBlockConfig, shape: { M: number; N: number; K: number }) => {
    const experiment = useLab.getState().experiment;
    useLab.getState().setExperiment({ family: 'matmul', variant: 'regblock', params: configParams(c, shape), seed: experiment.seed, reps: experiment.reps });
  };
}

export function TunerPanel({ shape }: { shape: { M: number; N: number; K: number } }) {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const tuning = useLab((s) => s.tuning);
  const tunedConfigs = useLab((s) => s.tunedConfigs);
  const [budget, setBudget] = useState(30);
  const [grid, setGrid] = useState<'quick' | 'full'>('quick');
  const [exhaustive, setExhaustive] = useState(false);
  const useConfig = useTuned((c, s) => ({ ...s, ...c }));
  const busy = Boolean(job);
  const forShape = tunedConfigs.filter((t) => t.shape.M === shape.M && t.shape.N === shape.N && t.shape.K === shape.K);
  return (
    <section aria-labelledby="mm-tuner-h" className="tuner" data-testid="tuner">
      <h3 id="mm-tuner-h">
        Autotune the register-blocked kernel for {shape.M}×{shape.N}×{shape.K}
      </h3>
      <p className="hint">
        Successive halving over the configuration grid within your time budget: every configuration is timed once, the faster half again,
        and so on. The pick is re-run with the float64 check and compared with the default ({configText(REGBLOCK_DEFAULT)}).
      </p>
      <div className="tuner-controls">
        <div className="field">
          <label htmlFor="tune-budget">Time budget (seconds)</label>
          <input id="tune-budget" type="number" min={2} max={600} value={budget} onChange={(e) => setBudget(Math.min(600, Math.max(2, Number(e.target.value) || 2)))} />
        </div>
        <div className="field">
          <label htmlFor="tune-grid">Grid</label>
          <select id="tune-grid" value={grid} onChange={(e) => setGrid(e.target.value as 'quick' | 'full')}>
            <option value="quick">Quick (global staging, 72 points)</option>
            <option value="full">Full (both stagings, BK 8 and 16)</option>
          </select>
        </div>
        <div className="field check">
          <input id="tune-exhaustive" type="checkbox" checked={exhaustive} onChange={(e) => setExhaustive(e.target.checked)} />
          <label htmlFor="tune-exhaustive">Also time every point (exhaustive sweep) to judge the pick</label>
        </div>
        <button type="button" className="primary" disabled={busy || !gpu?.available} onClick={() => startTuning({ shape, budgetSeconds: budget, grid, exhaustive })}>
          Run autotuner
        </button>
      </div>
      {tuning && <TuneResult />}
      {forShape.length > 0 && (
        <div className="tuned-list" data-testid="tuned-configs">
          <h4>Tuned for this device ({adapterName(gpu?.available ? gpu.adapter : null)})</h4>
          <ul>
            {forShape.map((t) => (
              <li key={`${t.shape.M}x${t.shape.N}x${t.shape.K}`}>
                Tuned variant: {configText(t.config)} — {fmtNumber(t.gflops, 4)} GFLOP/s
                {t.speedupOverDefault ? `, ${fmtNumber(t.speedupOverDefault, 3)}× the default` : ''} ({new Date(t.date).toLocaleDateString()}){' '}
                <button type="button" className="small" onClick={() => useConfig(t.config, t.shape)}>
                  Use the tuned configuration
                </button>
                <button type="button" className="small" onClick={() => void forgetTuning(t)}>
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

function TuneResult() {
  const t = useLab((s) => s.tuning)!;
  const useConfig = useTuned((c, s) => ({ ...s, ...c }));
  if (!t.best || !t.tuned) return <p className="bad">The tuner could not measure any configuration ({t.stoppedBy}).</p>;
  return (
    <div className="tune-result" data-testid="tune-result">
      <p>
        <strong>Best configuration:</strong> {configText(t.best.config)} — {fmtNumber(t.tuned.gflops, 4)} GFLOP/s (
        {t.tuned.metrics.boundViolations === 0 ? 'every output within the float64 bound' : `${t.tuned.metrics.boundViolations} outputs OUTSIDE the bound`}).
      </p>
      <p>
        Default configuration: {t.baseline ? `${fmtNumber(t.baseline.gflops, 4)} GFLOP/s` : '—'}; the tuned one is{' '}
        <strong data-testid="tune-speedup">{t.speedupOverDefault ? `${fmtNumber(t.speedupOverDefault, 3)}×` : '—'}</strong> as fast. Search: {t.measurements}{' '}
        measurements in {t.rounds} rounds, {fmtNumber(t.elapsedSeconds, 3)} s ({t.stoppedBy}
        {t.unmeasured ? `; ${t.unmeasured} configurations never measured within the budget` : ''}); {t.validCount} valid configurations,{' '}
        {t.invalid.length} beyond this device's limits.
      </p>
      {t.sweep && (
        <p data-testid="tune-vs-sweep">
          Exhaustive sweep of the same grid ({t.sweep.measurements} measurements, {fmtNumber(t.sweep.elapsedSeconds, 3)} s): best{' '}
          {t.sweep.best ? `${configText(t.sweep.best.config)} at ${fmtSeconds(t.sweep.best.seconds)}` : '—'}. Re-timed alternately (6 rounds each), the tuner's pick reaches{' '}
          <strong>{fmtNumber(100 * t.sweep.ratio, 3)}%</strong> of the sweep's best's speed {t.sweep.withinFivePercent ? '(within 5%)' : '(NOT within 5%)'}.
        </p>
      )}
      <button type="button" onClick={() => useConfig(t.best!.config, t.shape)}>
        Use the tuned configuration
      </button>
    </div>
  );
}

/** Every matmul run of this session and history on this device, under the two measured roofs. */
export function RooflinePanel({ current }: { current: Params }) {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const roofs = useLab((s) => s.savedRoofs);
  const history = useLab((s) => s.history);
  const chart = useRef<HTMLDivElement>(null);
  const device = gpu?.available ? adapterName(gpu.adapter) : null;
  const runs = history.filter(
    (r) => r.result.experiment.family === 'matmul' && !r.result.experiment.variant.startsWith('roofline') && r.result.provenance.backend === 'webgpu' && adapterName(r.result.provenance.adapter) === device,
  );
  useEffect(() => {
    if (!roofs) return;
    let live = true;
    loadPlotly().then((Plotly) => {
      if (!live || !chart.current) return;
      const intensities = runs.map((r) => r.result.work.flops / r.result.work.bytes);
      const lo = Math.min(0.1, ...intensities) / 2;
      const hi = Math.max(100, ...intensities) * 2;
      const xs = Array.from({ length: 60 }, (_, i) => lo * (hi / lo) ** (i / 59));
      const variants = [...new Set(runs.map((r) => r.result.experiment.variant))];
      void Plotly.react(
        chart.current,
        [
          { x: xs, y: xs.map((x) => rooflineGflops(x, roofs)), mode: 'lines', type: 'scatter', name: 'roof: min(peak FMA, bandwidth × intensity)', line: { color: '#000' } },
          ...variants.map((v, i) => {
            const mine = runs.filter((r) => r.result.experiment.variant === v);
            return {
              x: mine.map((r) => r.result.work.flops / r.result.work.bytes),
              y: mine.map((r) => r.result.gflops),
              text: mine.map((r) => `${r.result.shape} ${Object.entries(r.result.experiment.params).filter(([k]) => !'MNK'.includes(k)).map(([k, val]) => `${k}=${val}`).join(' ')} — ${fmtNumber((100 * r.result.gflops) / rooflineGflops(r.result.work.flops / r.result.work.bytes, roofs), 3)}% of the roof`),
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
  }, [roofs, runs.length]);
  void current;
  return (
    <section aria-labelledby="mm-roof-h" className="roofline" data-testid="roofline">
      <h3 id="mm-roof-h">Roofline of this device</h3>
      {roofs ? (
        <p>
          Measured roofs: <strong data-testid="roof-fma">{fmtNumber(roofs.peakGflops, 4)} GFLOP/s</strong> peak FMA,{' '}
          <strong data-testid="roof-bw">{fmtNumber(roofs.bandwidthGBs, 4)} GB/s</strong> copy bandwidth ({new Date(roofs.date).toLocaleString()}). Every matmul
          run saved on this device is plotted against them (hover for % of the roof).
        </p>
      ) : (
        <p className="hint">Measure the two roofs (a compute-bound FMA kernel and a copy kernel, both checked) to draw the roofline.</p>
      )}
      <button type="button" disabled={Boolean(job) || !gpu?.available} onClick={startRoofs}>
        {roofs ? 'Measure the roofs again' : 'Measure the roofs'}
      </button>
      {roofs && (
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

export { regBlockConfigOf };
