// The matmul family's own panel: the tile visualiser, the configuration heatmap, the tuner and the
// roofs, where the latest run sits under the roofline, and the accumulator-precision lesson.
// Everything about a variant comes from the variant (its tiling, traffic and notes facets, its
// schema); every measurement comes from the store (this device's runs in the history, the results
// just in, the studies' results). Pure computation only: no GPU code.
import { useEffect, useMemo, useState } from 'react';
import { variantOf } from '../../kernels/experiment';
import { predict, rooflineGflops, type Roofs, type Traffic } from '../../kernels/matmul/model';
import type { ExperimentResult } from '../../kernels/types';
import { adapterName } from '../../gpu/describe';
import ConfigHeatmap from './matmul/ConfigHeatmap';
import RooflineChart from './matmul/RooflineChart';
import TileView from './matmul/TileView';
import type { LabPanelProps } from './types';
import { RooflinePanel, TunerPanel } from './matmul/TunerPanel';
import AccumulationPanel, { gpuAccumulationPoints } from './matmul/AccumulationPanel';
import { f16AccumulatorOf } from '../../kernels/matmul/f16';
import { useLab } from '../../state/store';
import { selectStudy } from '../../state/studies';
import { deviceRuns, effectiveRoofs, failedSweepPoints, heatPoints, isRegisterBlocked, roofRuns, sameShape, shapeOf } from './matmul/runs';

export default function MatmulLab({ experiment, result, sweepPoints, caps }: LabPanelProps) {
  const variant = variantOf(experiment);
  const params = experiment.params;
  const tiling = variant.tiling?.(params) ?? null;
  const notes = variant.notes?.(params) ?? [];
  const traffic = variant.traffic?.(params, caps ?? undefined) ?? null;
  const shape = useMemo(() => shapeOf(params), [params]);

  const isF16 = f16AccumulatorOf(variant.id) !== null;
  const [showAccumulation, setShowAccumulation] = useState(isF16);
  useEffect(() => {
    if (isF16) setShowAccumulation(true);
  }, [isF16]);

  // This device's runs: the results just in (this run, this sweep) and the history.
  const history = useLab((s) => s.history);
  const gpu = useLab((s) => s.gpu);
  const runs = useMemo(() => {
    const current: ExperimentResult[] = [...(result ? [result] : []), ...sweepPoints.flatMap((p) => (p.result ? [p.result] : []))];
    return deviceRuns(history, current, gpu);
  }, [history, result, sweepPoints, gpu]);

  const tuning = useLab(selectStudy('matmul-tune'))?.result ?? null;
  const roofsSlot = useLab(selectStudy('matmul-roofs'));
  const sweepExperiment = useLab((s) => s.sweepExperiment);
  const heat = useMemo(() => {
    if (!shape || !isRegisterBlocked(variant)) return [];
    return heatPoints(variant, shape, caps, runs, tuning, failedSweepPoints(sweepExperiment, sweepPoints, variant, shape));
  }, [variant, shape, caps, runs, tuning, sweepPoints, sweepExperiment]);

  const device = gpu?.available ? adapterName(gpu.adapter) : null;
  const effective = useMemo(
    () => effectiveRoofs(runs, roofsSlot?.final ? roofsSlot.result : null, device ? (roofsSlot?.records[device] ?? null) : null),
    [runs, roofsSlot, device],
  );
  const haveRoofs = effective.peakGflops !== undefined && effective.bandwidthGBs !== undefined;
  const modelRuns = useMemo(() => roofRuns(runs, caps), [runs, caps]);
  const f16Runs = useMemo(() => gpuAccumulationPoints(runs), [runs]);
  const matchingResult = result && result.experiment.variant === variant.id && sameShape(result.experiment.params, params) ? result : null;

  return (
    <div className="matmul-lab">
      <section aria-labelledby="mm-tiling-h">
        <h3 id="mm-tiling-h">How the work is split</h3>
        {tiling && <TileView tiling={tiling} params={params} variantLabel={variant.id} />}
        {notes.map((note) => (
          <p key={note} className="hint">
            {note}
          </p>
        ))}
        {!tiling && notes.length === 0 && <p className="hint">This variant draws no 2D tiling.</p>}
      </section>

      {shape && isRegisterBlocked(variant) && (
        <section aria-labelledby="mm-heat-h">
          <h3 id="mm-heat-h">
            Configurations at {shape.M}×{shape.N}×{shape.K}
          </h3>
          <ConfigHeatmap points={heat} title="Register-blocked configurations" />
        </section>
      )}

      {shape && caps && <TunerPanel shape={shape} />}
      {caps && <RooflinePanel />}

      {haveRoofs && modelRuns.length > 0 && (
        <section aria-labelledby="mm-roofmodel-h">
          <h3 id="mm-roofmodel-h">Roofline and model (this device's latest runs)</h3>
          <RooflineChart runs={modelRuns} roofs={effective as Roofs} caps={caps} />
        </section>
      )}

      <section aria-labelledby="mm-acc-h">
        <details open={showAccumulation} onToggle={(e) => setShowAccumulation((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>
            <h3 id="mm-acc-h" style={{ display: 'inline' }}>
              Accumulator precision: f16 against f32 as K grows
            </h3>
          </summary>
          {showAccumulation && <AccumulationPanel gpuRuns={f16Runs} canRunOnGpu={Boolean(caps?.features.includes('shader-f16'))} />}
        </details>
      </section>

      {traffic && (
        <section aria-labelledby="mm-model-h">
          <h3 id="mm-model-h">Work, traffic and the roofs</h3>
          <ul className="hint" data-testid="matmul-model">
            <li>
              Work {(traffic.flops / 1e9).toFixed(3)} GFLOP; bytes from buffers after the tile's reuse {(traffic.globalBytes / 1e6).toFixed(2)} MB ({' '}
              {(traffic.flops / traffic.globalBytes).toFixed(1)} flops per modelled byte of traffic; the roofline's arithmetic intensity counts compulsory
              bytes); loads issued by invocations {(traffic.registerLoadBytes / 1e6).toFixed(1)} MB.
            </li>
            {haveRoofs ? (
              <RoofLine traffic={traffic} roofs={effective as Roofs} result={matchingResult} />
            ) : (
              <li>Run the roofline variants (peak FMA, copy, and the barrier cost) to place this run under the measured roofs.</li>
            )}
          </ul>
        </section>
      )}
    </div>
  );
}

function RoofLine({ traffic, roofs, result }: { traffic: Traffic; roofs: Roofs; result: ExperimentResult | null }) {
  const intensity = traffic.flops / traffic.globalBytes;
  const roof = rooflineGflops(intensity, roofs);
  const pGlobal = predict(traffic, roofs, 'global', 'max');
  const pLoads = predict(traffic, roofs, 'register', 'sum');
  return (
    <>
      <li>
        Roofs measured here: {roofs.peakGflops.toFixed(2)} GFLOP/s (FMA), {roofs.bandwidthGBs.toFixed(2)} GB/s (copy)
        {roofs.barrierSeconds !== undefined
          ? `, ${(roofs.barrierSeconds * 1e9).toFixed(1)} ns per barrier per invocation`
          : ' (run the barrier benchmark too, or barriers count as free)'}
        . At {intensity.toFixed(1)} flop/byte the roof is {roof.toFixed(2)} GFLOP/s ({pGlobal.bound}-bound).
      </li>
      <li>
        Model: classic roofline predicts {(pGlobal.seconds * 1e3).toFixed(2)} ms; counting every load an invocation issues at copy speed, plus the FMAs and
        barriers, predicts {(pLoads.seconds * 1e3).toFixed(2)} ms.
        {result && (
          <>
            {' '}
            Measured {(result.medianSeconds * 1e3).toFixed(2)} ms = {result.gflops.toFixed(2)} GFLOP/s, {((100 * result.gflops) / roof).toFixed(1)}% of the
            roof.
          </>
        )}
      </li>
    </>
  );
}
