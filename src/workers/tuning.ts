// Autotuning and roofline measurement as the worker runs them: calls into the matmul family's
// device glue and turns the results into plain data for the page.
import { adapterName } from '../gpu/caps';
import type { CancelToken } from '../gpu/runner';
import { autotuneRegBlock, measureRoofs, regBlockGrid, regBlockMeasure, DEFAULT_GRID, QUICK_GRID } from '../kernels/matmul/autotune';
import type { RegBlockConfig } from '../kernels/matmul/regblock';
import { confirmInterleaved, exhaustiveSweep } from '../kernels/matmul/tuner';
import type { AdapterDescription, DeviceCaps } from '../kernels/types';
import type { ProgressInfo } from '../kernels/run';
import type { RoofsSummary, TuneRequest, TuneSummary } from './protocol';

export async function runTuning(
  device: GPUDevice,
  caps: DeviceCaps,
  adapter: AdapterDescription | null,
  request: TuneRequest,
  cancel: CancelToken,
  onProgress: (p: ProgressInfo) => void,
): Promise<TuneSummary> {
  const axes = request.grid === 'full' ? DEFAULT_GRID : QUICK_GRID;
  const started = performance.now();
  const result = await autotuneRegBlock(device, caps, request.shape, {
    budgetSeconds: request.budgetSeconds,
    axes,
    cancel,
    onProgress: (p) => {
      const best = p.best ? ` · best so far ${(p.best.seconds * 1e3).toFixed(2)} ms` : '';
      onProgress({
        phase: 'tuning',
        fraction: Math.min(0.9, Math.max(p.measured / Math.max(p.planned, 1), p.elapsedSeconds / request.budgetSeconds) * 0.9),
        message: `autotuning: round ${p.round}, ${p.measured}/${p.planned} measurements${best}`,
      });
    },
  });
  const summary: TuneSummary = {
    shape: request.shape,
    grid: request.grid,
    budgetSeconds: request.budgetSeconds,
    validCount: result.tuner.points.length,
    invalid: result.invalid.map((g) => ({ config: g.config, problems: g.problems })),
    best: result.tuner.best ? { config: result.tuner.best.config, seconds: result.tuner.best.seconds } : null,
    measurements: result.tuner.measurements,
    rounds: result.tuner.rounds,
    elapsedSeconds: result.tuner.elapsedSeconds,
    stoppedBy: result.tuner.stoppedBy,
    unmeasured: result.tuner.unmeasured,
    tuned: result.tuned,
    baseline: result.baseline,
    speedupOverDefault: result.speedupOverDefault,
    adapter: adapterName(adapter),
    date: new Date().toISOString(),
  };
  if (request.exhaustive && result.tuner.best && !cancel.cancelled) {
    // The exhaustive sweep of the same grid: the yardstick the tuner's pick is judged by.
    const grid = regBlockGrid(request.shape, caps, axes).filter((g) => g.problems.length === 0).map((g) => g.config);
    const measure = regBlockMeasure(device, caps, request.shape, 1, cancel);
    const sweep = await exhaustiveSweep<RegBlockConfig>(grid, measure, 1, (_p, i) =>
      onProgress({ phase: 'tuning', fraction: 0.9 + (0.1 * (i + 1)) / grid.length, message: `exhaustive sweep: ${i + 1}/${grid.length}` }),
    );
    // Two measurements minutes apart see different background load: re-time the tuner's pick
    // and the sweep's best alternately, so the verdict compares like with like.
    const confirmation = sweep.best ? await confirmInterleaved(result.tuner.best.config, sweep.best.config, measure, 6) : null;
    summary.sweep = {
      best: sweep.best ? { config: sweep.best.config, seconds: sweep.best.seconds } : null,
      elapsedSeconds: sweep.elapsedSeconds,
      points: sweep.points.map((p) => ({ config: p.config, seconds: p.seconds, ...(p.error ? { error: p.error } : {}) })),
      ratio: confirmation?.ratio ?? 0,
      withinFivePercent: confirmation?.withinFivePercent ?? false,
      measurements: sweep.points.reduce((n, p) => n + p.samples.length, 0) + 12,
    };
  }
  summary.totalSeconds = (performance.now() - started) / 1000;
  return summary;
}

export async function runRoofs(device: GPUDevice, caps: DeviceCaps, adapter: AdapterDescription | null, cancel: CancelToken, onProgress: (p: ProgressInfo) => void): Promise<RoofsSummary> {
  onProgress({ phase: 'roofline', fraction: 0.1, message: 'peak FMA, copy bandwidth and barrier-cost microbenchmarks' });
  const measured = await measureRoofs(device, caps, { cancel });
  return { ...measured.roofs, fma: measured.fma, copy: measured.copy, adapter: adapterName(adapter), date: new Date().toISOString() };
}
