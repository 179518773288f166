// The matmul family's own panel: the tile visualiser, the configuration heatmap, and where the
// latest run sits under the roofline (once both roofline microbenchmarks have been run).
// Pure computation only (tiling geometry, limit checks, the performance model): no GPU code.
import { useEffect, useMemo, useState } from 'react';
import { QUICK_GRID, regBlockGrid } from '../../kernels/matmul/grid';
import { predict, rooflineGflops, trafficOf, type Roofs } from '../../kernels/matmul/model';
import { barrierSecondsPerInvocation } from '../../kernels/matmul/roofline';
import type { ExperimentResult, Params } from '../../kernels/types';
import ConfigHeatmap, { type HeatPoint } from './matmul/ConfigHeatmap';
import RooflineChart, { type RoofRun } from './matmul/RooflineChart';
import TileView from './matmul/TileView';
import { tilingFor } from './matmul/tiling';
import type { LabPanelProps } from './types';
import { RooflinePanel, TunerPanel } from './matmul/TunerPanel';
import AccumulationPanel, { gpuAccumulationPoints, type GpuAccumulationPoint } from './matmul/AccumulationPanel';
import { ACCUMULATION_KS } from '../../kernels/matmul/accumulation';
import { runCurrent } from '../../state/labClient';
import { useLab } from '../../state/store';

const REGBLOCK = new Set(['regblock', 'regblock-exact']);
const SHAPE_KEYS = ['M', 'N', 'K'] as const;
const CONFIG_KEYS = ['BM', 'BN', 'BK', 'TM', 'TN', 'staging', 'vec4'] as const;

function configKey(p: Params): string {
  return JSON.stringify([...SHAPE_KEYS, ...CONFIG_KEYS].map((k) => p[k]));
}

function sameShape(a: Params, b: Params): boolean {
  return SHAPE_KEYS.every((k) => a[k] === b[k]);
}

export default function MatmulLab({ experiment, result, sweepPoints, caps }: LabPanelProps) {
  const variant = experiment.variant;
  const params = experiment.params;
  const tiling = tilingFor(variant, params);

  // Every register-blocked run seen in this session, so the heatmap fills in sweep after sweep.
  const [seen, setSeen] = useState<Map<string, HeatPoint>>(() => new Map());
  const [roofs, setRoofs] = useState<Partial<Roofs>>({});
  const [runs, setRuns] = useState<Map<string, RoofRun>>(() => new Map());
  const [f16Runs, setF16Runs] = useState<Map<string, GpuAccumulationPoint>>(() => new Map());
  const isF16 = variant === 'f16-acc16' || variant === 'f16-acc32';
  const [showAccumulation, setShowAccumulation] = useState(isF16);
  useEffect(() => {
    if (isF16) setShowAccumulation(true);
  }, [isF16]);
  const setExperiment = useLab((s) => s.setExperiment);
  useEffect(() => {
    const results: ExperimentResult[] = [...(result ? [result] : []), ...sweepPoints.flatMap((p) => (p.result ? [p.result] : []))];
    const f16Points = gpuAccumulationPoints(results);
    if (f16Points.length) {
      setF16Runs((old) => {
        const next = new Map(old);
        for (const p of f16Points) next.set(`${p.acc} ${p.K}`, p);
        return next;
      });
    }
    const failed = sweepPoints.filter((p) => p.error && REGBLOCK.has(experiment.variant) && experiment.sweep);
    if (results.length === 0 && failed.length === 0) return;
    setSeen((old) => {
      const next = new Map(old);
      for (const r of results) {
        if (REGBLOCK.has(r.experiment.variant)) next.set(configKey(r.experiment.params), { params: r.experiment.params, gflops: r.gflops });
      }
      for (const p of failed) {
        const pointParams = { ...experiment.params, [experiment.sweep!.param]: p.value };
        next.set(configKey(pointParams), { params: pointParams, problems: [p.error!] });
      }
      return next;
    });
    setRuns((old) => {
      const next = new Map(old);
      for (const r of results) {
        if (!trafficOf(r.experiment.variant, r.experiment.params)) continue;
        const label = `${r.experiment.variant} ${r.shape}${REGBLOCK.has(r.experiment.variant) ? ` ${r.experiment.params.BM}×${r.experiment.params.BN} t${r.experiment.params.TM}×${r.experiment.params.TN}` : ''}`;
        next.set(JSON.stringify([r.experiment.variant, r.experiment.params]), { label, variant: r.experiment.variant, params: r.experiment.params, seconds: r.medianSeconds, gflops: r.gflops });
      }
      return next;
    });
    for (const r of results) {
      if (r.experiment.variant === 'roofline-fma') setRoofs((o) => ({ ...o, peakGflops: r.gflops }));
      if (r.experiment.variant === 'roofline-copy') setRoofs((o) => ({ ...o, bandwidthGBs: r.gbps }));
      if (r.experiment.variant === 'roofline-barrier') setRoofs((o) => ({ ...o, barrierSeconds: barrierSecondsPerInvocation(r.experiment.params, r.medianSeconds) }));
    }
  }, [result, sweepPoints, experiment]);

  const tuning = useLab((s) => s.tuning);
  const heatPoints = useMemo(() => {
    if (!REGBLOCK.has(variant)) return [];
    const shape = { M: params.M as number, N: params.N as number, K: params.K as number };
    const points = new Map<string, HeatPoint>();
    // The grid's configurations: those this device cannot run are greyed with the reason, the
    // others show "not run" until measured…
    if (caps) {
      for (const g of regBlockGrid(shape, caps, QUICK_GRID)) {
        const p: Params = { ...shape, ...g.config };
        points.set(configKey(p), g.problems.length ? { params: p, problems: g.problems } : { params: p });
      }
    }
    // …the exhaustive sweep of the last autotuner run, if it was for this shape…
    if (tuning?.sweep && sameShape(tuning.shape, params)) {
      const flops = 2 * shape.M * shape.N * shape.K;
      for (const sp of tuning.sweep.points) {
        const p: Params = { ...shape, ...sp.config };
        points.set(configKey(p), sp.error ? { params: p, problems: [sp.error] } : { params: p, gflops: flops / sp.seconds / 1e9 });
      }
    }
    // …and every measured configuration of this shape.
    for (const [k, p] of seen) if (sameShape(p.params, params)) points.set(k, p);
    return [...points.values()];
  }, [variant, params, caps, seen, tuning]);

  const traffic = trafficOf(variant, params);
  // Roofs measured in this session's runs, else the ones saved for this device.
  const savedRoofs = useLab((s) => s.savedRoofs);
  const effectiveRoofs: Partial<Roofs> = {
    peakGflops: roofs.peakGflops ?? savedRoofs?.peakGflops,
    bandwidthGBs: roofs.bandwidthGBs ?? savedRoofs?.bandwidthGBs,
    barrierSeconds: roofs.barrierSeconds ?? savedRoofs?.barrierSeconds,
  };
  const haveRoofs = effectiveRoofs.peakGflops !== undefined && effectiveRoofs.bandwidthGBs !== undefined;
  const shape = SHAPE_KEYS.every((k) => typeof params[k] === 'number') ? { M: params.M as number, N: params.N as number, K: params.K as number } : null;
  const matchingResult = result && result.experiment.variant === variant && sameShape(result.experiment.params, params) ? result : null;

  return (
    <div className="matmul-lab">
      <section aria-labelledby="mm-tiling-h">
        <h3 id="mm-tiling-h">How the work is split</h3>
        {tiling ? (
          <TileView tiling={tiling} params={params} variantLabel={variant} />
        ) : (
          <p className="hint">
            {variant.startsWith('roofline')
              ? 'A roofline microbenchmark has no matrix tiling: run peak FMA, copy and barrier cost to draw the roofs under which every matmul run is placed, and to feed the performance model.'
              : variant === 'subgroup-matrix'
                ? `Each subgroup owns ${String(params.SM)}×${String(params.SN)} result fragments and each workgroup ${String(params.WGM)}×${String(params.WGN)} subgroups; a fragment's shape (8×8, 16×16…) is whatever your adapter's matrix units offer, and its values are spread across the subgroup's lanes in a layout the hardware keeps to itself — so no per-invocation tiling is drawn. Per K-step of a fragment, each subgroup loads ${String(params.SM)} fragments of A and ${String(params.SN)} of B and issues ${Number(params.SM) * Number(params.SN)} matrix multiply-accumulates.`
                : 'This variant gives each output its own workgroup (a reduction over K), so there is no 2D tiling to draw.'}
          </p>
        )}
      </section>

      {REGBLOCK.has(variant) && (
        <section aria-labelledby="mm-heat-h">
          <h3 id="mm-heat-h">Configurations at {String(params.M)}×{String(params.N)}×{String(params.K)}</h3>
          <ConfigHeatmap points={heatPoints} title="Register-blocked configurations" />
        </section>
      )}

      {shape && caps && <TunerPanel shape={shape} />}
      {caps && <RooflinePanel current={params} />}

      {haveRoofs && runs.size > 0 && (
        <section aria-labelledby="mm-roofmodel-h">
          <h3 id="mm-roofmodel-h">Roofline and model (this session's runs)</h3>
          <RooflineChart runs={[...runs.values()]} roofs={effectiveRoofs as Roofs} />
        </section>
      )}

      <section aria-labelledby="mm-acc-h">
        <details open={showAccumulation} onToggle={(e) => setShowAccumulation((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>
            <h3 id="mm-acc-h" style={{ display: 'inline' }}>
              Accumulator precision: f16 against f32 as K grows
            </h3>
          </summary>
          {showAccumulation && (
            <AccumulationPanel
              gpuPoints={[...f16Runs.values()]}
              canRunOnGpu={Boolean(caps?.features.includes('shader-f16'))}
              onSweepOnGpu={() => {
                setExperiment({
                  ...experiment,
                  variant: isF16 ? variant : 'f16-acc16',
                  params: { M: 16, N: 16, K: ACCUMULATION_KS[0] },
                  sweep: { param: 'K', values: ACCUMULATION_KS },
                });
                runCurrent('webgpu');
              }}
            />
          )}
        </details>
      </section>

      {traffic && (
        <section aria-labelledby="mm-model-h">
          <h3 id="mm-model-h">Work, traffic and the roofs</h3>
          <ul className="hint" data-testid="matmul-model">
            <li>
              Work {(traffic.flops / 1e9).toFixed(3)} GFLOP; bytes from buffers after the tile's reuse {(traffic.globalBytes / 1e6).toFixed(2)} MB (intensity{' '}
              {(traffic.flops / traffic.globalBytes).toFixed(1)} flop/byte); loads issued by invocations {(traffic.registerLoadBytes / 1e6).toFixed(1)} MB.
            </li>
            {haveRoofs ? (
              <RoofLine traffic={traffic} roofs={effectiveRoofs as Roofs} result={matchingResult} />
            ) : (
              <li>Run the roofline variants (peak FMA, copy, and the barrier cost) to place this run under the measured roofs.</li>
            )}
          </ul>
        </section>
      )}
    </div>
  );
}

function RoofLine({ traffic, roofs, result }: { traffic: NonNullable<ReturnType<typeof trafficOf>>; roofs: Roofs; result: ExperimentResult | null }) {
  const intensity = traffic.flops / traffic.globalBytes;
  const roof = rooflineGflops(intensity, roofs);
  const pGlobal = predict(traffic, roofs, 'global', 'max');
  const pLoads = predict(traffic, roofs, 'register', 'sum');
  return (
    <>
      <li>
        Roofs measured here: {roofs.peakGflops.toFixed(2)} GFLOP/s (FMA), {roofs.bandwidthGBs.toFixed(2)} GB/s (copy)
        {roofs.barrierSeconds !== undefined ? `, ${(roofs.barrierSeconds * 1e9).toFixed(1)} ns per barrier per invocation` : ' (run the barrier benchmark too, or barriers count as free)'}. At {intensity.toFixed(1)} flop/byte the roof is {roof.toFixed(2)} GFLOP/s (
        {pGlobal.bound}-bound).
      </li>
      <li>
        Model: classic roofline predicts {(pGlobal.seconds * 1e3).toFixed(2)} ms; counting every load an invocation issues at copy speed, plus the FMAs and barriers, predicts{' '}
        {(pLoads.seconds * 1e3).toFixed(2)} ms.
        {result && (
          <>
            {' '}
            Measured {(result.medianSeconds * 1e3).toFixed(2)} ms = {result.gflops.toFixed(2)} GFLOP/s, {((100 * result.gflops) / roof).toFixed(1)}% of the roof.
          </>
        )}
      </li>
    </>
  );
}
