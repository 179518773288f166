// Speed against the dense kernel of the same shape, in the same run: the structure and its
// baseline (the variant's baseline facet) alternate over the values of one parameter in one worker
// job (the 'structured-compare' study); time against the parameter for both, with the crossover.
import { useEffect, useId, useMemo, useState } from 'react';
import { compareCrossover, comparePoints, parseValues, sweepableParams } from '../../../kernels/structured/compare';
import { findVariant } from '../../../kernels/registry';
import type { Experiment } from '../../../kernels/types';
import { cancelCurrent, startStudy } from '../../../state/labClient';
import { useLab } from '../../../state/store';
import { selectStudy } from '../../../state/studies';
import { fmtNumber, fmtSeconds } from '../../format';
import { LineChart } from './LineChart';

/** The first five suggested values: enough for a crossover, short enough for a CPU adapter. */
function defaultValues(def: { choices?: number[] } | undefined): string {
  return (def?.choices ?? []).slice(0, 5).join(', ');
}

export function SpeedVsDense({ experiment, gpuReady }: { experiment: Experiment; gpuReady: boolean }) {
  const variant = findVariant(experiment.family, experiment.variant);
  const params = useMemo(() => (variant ? sweepableParams(variant) : []), [variant]);
  const ids = { param: useId(), values: useId() };
  const [param, setParam] = useState(params[0]?.key ?? '');
  const def = params.find((p) => p.key === param) ?? params[0];
  const [text, setText] = useState(defaultValues(def));
  const slot = useLab(selectStudy('structured-compare'));
  const run = slot?.result ?? null;
  // A comparison belongs to the variant it measured; another variant starts afresh.
  const current = run && run.request.experiment.family === experiment.family && run.request.experiment.variant === experiment.variant ? run : null;
  const job = useLab((s) => s.job);
  // A new variant (hence new params) starts the form afresh.
  useEffect(() => {
    setParam(params[0]?.key ?? '');
    setText(defaultValues(params[0]));
  }, [params]);
  if (!variant?.baseline) return null;
  const baselineRef = variant.baseline(experiment.params);
  if (!baselineRef) return null;
  const baselineLabel = findVariant(experiment.family, baselineRef.variant)?.label ?? baselineRef.variant;
  const parsed = def ? parseValues(text, def) : { values: [], problem: 'this variant has no parameter to sweep' };
  const points = current ? comparePoints(current.roles, current.runs) : [];
  const crossover = compareCrossover(points);
  const busy = job?.kind === 'study' && job.study === 'structured-compare';

  const start = () => {
    if (!def || parsed.problem) return;
    startStudy('structured-compare', { experiment: structuredClone(experiment), param: def.key, values: parsed.values });
  };

  const measured = points.filter((p) => p.structure || p.baseline);
  const axisLabel = def?.label ?? 'the parameter';
  return (
    <section aria-labelledby="structured-speed-h" data-testid="structured-speed">
      <h3 id="structured-speed-h">Speed against the baseline of the same shape, same run</h3>
      <p className="hint">
        For each value, the baseline of the same shape ({baselineLabel}) runs first, then this structure, alternately in one job, so both see the same load. On
        SwiftShader (a CPU) read the ratio, not the milliseconds.
      </p>
      <div className="tuner-controls">
        <span>
          <label htmlFor={ids.param}>Parameter to vary</label>
          <select
            id={ids.param}
            value={def?.key ?? ''}
            onChange={(e) => {
              setParam(e.target.value);
              setText(defaultValues(params.find((p) => p.key === e.target.value)));
            }}
          >
            {params.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label htmlFor={ids.values}>Values</label>
          <input
            id={ids.values}
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={parsed.problem ? `${ids.values}-p` : undefined}
          />
        </span>
        {busy ? (
          <button type="button" onClick={cancelCurrent}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" onClick={start} disabled={!gpuReady || Boolean(parsed.problem) || Boolean(job)}>
            Measure against dense
          </button>
        )}
      </div>
      {parsed.problem && (
        <p className="field-problem bad" id={`${ids.values}-p`}>
          {parsed.problem}
        </p>
      )}
      {!gpuReady && <p className="hint">Needs WebGPU: the comparison times both kernels on the GPU.</p>}
      {current && (
        <>
          <LineChart
            ariaLabel={`Median time of the structure and of the dense kernel of the same shape against ${axisLabel}`}
            xLabel={def?.label ?? 'value'}
            yLabel="median time (ms)"
            logX
            logY
            testId="structured-speed-chart"
            filename="structured-vs-dense"
            series={[
              { name: variant.label, x: measured.map((p) => p.x), y: measured.map((p) => (p.structure ? p.structure.medianSeconds * 1e3 : NaN)), color: 0 },
              {
                name: `${baselineLabel} (same shape)`,
                x: measured.map((p) => p.x),
                y: measured.map((p) => (p.baseline ? p.baseline.medianSeconds * 1e3 : NaN)),
                color: 7,
                dashed: true,
              },
            ]}
            verticals={crossover.x !== null ? [{ x: crossover.x, label: `crossover ≈ ${fmtNumber(crossover.x, 3)}` }] : []}
          />
          <p data-testid="structured-crossover">
            {crossover.x !== null ? (
              <>
                <strong>Crossover ≈ {fmtNumber(crossover.x, 3)}</strong>: {crossover.note}.
              </>
            ) : (
              <>No crossover in this range: {crossover.note}.</>
            )}
          </p>
          <div className="scroll">
            <table data-testid="structured-speed-table">
              <caption>Each row measured in this job; ratio = baseline time / structure time (above 1: the structure is faster)</caption>
              <thead>
                <tr>
                  <th scope="col">{def?.label}</th>
                  <th scope="col">structure</th>
                  <th scope="col">baseline, same shape</th>
                  <th scope="col">ratio</th>
                  <th scope="col">flops structure / baseline</th>
                  <th scope="col">structure within bound</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.x}>
                    <th scope="row">{p.x}</th>
                    <td>{p.structure ? fmtSeconds(p.structure.medianSeconds) : (p.errors.find((e) => e.startsWith('structure')) ?? '…')}</td>
                    <td>{p.baseline ? fmtSeconds(p.baseline.medianSeconds) : (p.errors.find((e) => e.startsWith('baseline')) ?? '…')}</td>
                    <td>{p.structure && p.baseline ? `${fmtNumber(p.baseline.medianSeconds / p.structure.medianSeconds, 3)}×` : '—'}</td>
                    <td>{p.structure && p.baseline ? fmtNumber(p.structure.work.flops / p.baseline.work.flops, 3) : '—'}</td>
                    <td>{p.structure ? (p.structure.metrics.boundViolations === 0 ? 'yes' : `no (${p.structure.metrics.boundViolations})`) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
