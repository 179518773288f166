// The matmul family's studies (see ../study.ts): the autotuner of the register-blocked kernel,
// the roofs, and the accumulator-precision study. Each runs its experiments through runExperiment
// in the worker and streams partial results, so the page paints them as they arrive.
import { adapterName } from '../../gpu/describe';
import { CancelledError } from '../../gpu/runner';
import { EXPERIMENT_FIELDS } from '../experiment';
import { runExperiment } from '../run';
import { coerceParam } from '../schema';
import { defineStudy, isRecord } from '../study';
import type { ExperimentResult } from '../types';
import { ACCUMULATION_KS, accumulationPoint } from './accumulation';
import { autotune, measureRoofs, sweepAndCompare, tuneCandidates } from './autotune';
import { MATMUL_SHAPE } from './common';
import { F16_VARIANTS, f16Unavailable } from './f16';
import type { TuneCandidate } from './grid';
import type { AccumulationStudyResult, RoofsSummary, TuneRequest, TuneSummary, TunedPoint } from './studyTypes';
import { median, type TunerPoint } from './tuner';

const now = () => performance.now() / 1000;
const MIN_BUDGET = 0.1;
/** Interleaved rounds of the exhaustive sweep (every candidate this many times, ranked by median). */
const SWEEP_ROUNDS = 3;
const MAX_BUDGET = 600;

/** Streams partial results at most every `seconds` (and always when forced). */
function throttled<R>(send: (r: R) => void, seconds = 0.25) {
  let last = -Infinity;
  return (r: R, force = false) => {
    if (!force && now() - last < seconds) return;
    last = now();
    send(r);
  };
}

const plainPoint = (p: TunerPoint<TuneCandidate>): TunedPoint => ({
  ...p.config,
  seconds: p.seconds,
  samples: p.samples.length,
  ...(p.error ? { error: p.error } : {}),
});
const timed = (p: TunerPoint<TuneCandidate> | null) => (p ? { ...p.config, seconds: p.seconds } : null);

function parseTuneRequest(raw: unknown): { request: TuneRequest | null; problems: string[] } {
  if (!isRecord(raw) || !isRecord(raw.shape)) return { request: null, problems: ['the tuner request has no shape'] };
  const problems: string[] = [];
  const dims = { M: 0, N: 0, K: 0 };
  for (const key of ['M', 'N', 'K'] as const) {
    const { value, problem } = coerceParam({ key, ...MATMUL_SHAPE[key] }, raw.shape[key] === undefined ? 'missing' : String(raw.shape[key]));
    if (problem) problems.push(problem.replace(/; using .*$/, ''));
    dims[key] = value as number;
  }
  const budget = Number(raw.budgetSeconds);
  if (!(budget >= MIN_BUDGET && budget <= MAX_BUDGET)) problems.push(`the time budget must be ${MIN_BUDGET}…${MAX_BUDGET} seconds`);
  if (raw.grid !== 'quick' && raw.grid !== 'full') problems.push('the grid must be "quick" or "full"');
  if (typeof raw.exhaustive !== 'boolean') problems.push('"exhaustive" must be true or false');
  if (problems.length) return { request: null, problems };
  return { request: { shape: dims, budgetSeconds: budget, grid: raw.grid as 'quick' | 'full', exhaustive: raw.exhaustive as boolean }, problems };
}

export const tunerStudy = defineStudy({
  id: 'matmul-tune',
  label: 'Autotuner of the register-blocked matmul',
  needsGpu: () => true,
  parseRequest: parseTuneRequest,
  async run(ctx, request) {
    const device = ctx.device!;
    const started = now();
    const { candidates, invalid } = tuneCandidates(request.shape, ctx.caps, request.grid);
    const summary: TuneSummary = {
      shape: request.shape,
      grid: request.grid,
      budgetSeconds: request.budgetSeconds,
      phase: 'searching',
      validCount: candidates.length,
      invalid: invalid.map((g) => ({ candidate: g.candidate, problems: g.problems })),
      points: [],
      best: null,
      measurements: 0,
      planned: 0,
      rounds: 0,
      elapsedSeconds: 0,
      stoppedBy: null,
      unmeasured: candidates.length,
      tuned: null,
      baseline: null,
      confirmation: null,
      decision: null,
      offered: null,
      speedupOverDefault: null,
      speedupInterval: null,
      adapter: adapterName(ctx.adapter),
      date: new Date().toISOString(),
    };
    const send = throttled((s: TuneSummary) => ctx.onPartial({ ...s, points: [...s.points] }));
    const measuredPoints = (points: TunerPoint<TuneCandidate>[]) => points.filter((q) => q.samples.length > 0 || q.error).map(plainPoint);
    const result = await autotune(device, ctx.caps, request.shape, {
      budgetSeconds: request.budgetSeconds,
      grid: request.grid,
      cancel: ctx.cancel,
      adapter: ctx.adapter,
      onProgress: (p) => {
        summary.points = measuredPoints(p.points);
        summary.measurements = p.measured;
        summary.planned = p.planned;
        summary.rounds = p.round + 1;
        summary.elapsedSeconds = p.elapsedSeconds;
        summary.best = timed(p.best);
        summary.unmeasured = p.points.filter((q) => q.samples.length === 0 && !q.error).length;
        const best = p.best ? ` · best so far ${(p.best.seconds * 1e3).toFixed(2)} ms` : '';
        ctx.onProgress({
          phase: 'tuning',
          fraction: Math.min(0.8, Math.max(p.measured / Math.max(p.planned, 1), p.elapsedSeconds / request.budgetSeconds) * 0.8),
          message: `autotuning (${p.phase}): round ${p.round + 1}, ${p.measured}/${p.planned} measurements${best}`,
        });
        send(summary);
      },
      onPhase: (phase) => {
        summary.phase = phase;
        ctx.onProgress({
          phase: 'tuning',
          fraction: phase === 'checking' ? 0.8 : 0.87,
          message: phase === 'checking' ? 'checking the pick and the default against float64' : 're-timing the pick and the default alternately',
        });
        send(summary, true);
      },
    });
    if (ctx.cancel.cancelled) throw new CancelledError();
    Object.assign(summary, {
      points: measuredPoints(result.tuner.points),
      best: timed(result.tuner.best),
      measurements: result.tuner.measurements,
      rounds: result.tuner.rounds,
      elapsedSeconds: result.tuner.elapsedSeconds,
      stoppedBy: result.tuner.stoppedBy,
      unmeasured: result.tuner.unmeasured,
      tuned: result.tuned,
      baseline: result.baseline,
      confirmation: result.confirmation,
      decision: result.decision,
      offered: result.offered,
      speedupOverDefault: result.speedupOverDefault,
      speedupInterval: result.speedupInterval,
    } satisfies Partial<TuneSummary>);
    if (request.exhaustive && result.offered) {
      // The exhaustive sweep of the same candidates, the yardstick the offered one is judged by;
      // then the two re-timed alternately, so the verdict compares like with like.
      summary.phase = 'sweeping';
      const sweepStarted = now();
      const total = candidates.length * SWEEP_ROUNDS;
      const { sweep, comparison } = await sweepAndCompare(device, ctx.caps, request.shape, candidates, result.offered, {
        rounds: SWEEP_ROUNDS,
        cancel: ctx.cancel,
        onPoint: (_p, measured) => {
          ctx.onProgress({ phase: 'tuning', fraction: 0.9 + (0.1 * measured) / total, message: `exhaustive sweep: ${measured}/${total}` });
        },
      });
      if (ctx.cancel.cancelled) throw new CancelledError();
      summary.sweep = {
        best: timed(sweep.best),
        elapsedSeconds: now() - sweepStarted,
        rounds: sweep.rounds,
        points: measuredPoints(sweep.points),
        sameConfig: comparison?.sameConfig ?? false,
        ratio: comparison?.ratio ?? 0,
        low: comparison?.low ?? 0,
        high: comparison?.high ?? 0,
        coverage: comparison?.coverage ?? 0,
        confirmRounds: comparison?.roundRatios.length ?? 0,
        reachesBar: comparison?.reachesBar ?? false,
        measurements: sweep.points.reduce((n, p) => n + p.samples.length, 0) + 2 * (comparison?.roundRatios.length ?? 0),
      };
    }
    summary.phase = 'done';
    summary.totalSeconds = now() - started;
    return summary;
  },
  remember(summary) {
    const { decision, offered, tuned, baseline } = summary;
    if (summary.phase !== 'done' || !decision || !offered || !tuned || !baseline) return [];
    const { M, N, K } = summary.shape;
    // The offered configuration's speed as the decision saw it: from the alternate re-timing
    // where there was one (the checked runs ran one after the other, under different load).
    const seconds = summary.confirmation ? median(decision.offerPick ? summary.confirmation.pickSeconds : summary.confirmation.defaultSeconds) : null;
    const gflops = seconds ? (2 * M * N * K) / seconds / 1e9 : (decision.offerPick ? tuned : baseline).gflops;
    return [
      {
        key: `${summary.adapter}:${M}x${N}x${K}`,
        value: {
          adapter: summary.adapter,
          date: summary.date,
          shape: summary.shape,
          variant: offered.variant,
          config: offered.config,
          gflops,
          beatDefault: decision.offerPick,
          speedupOverDefault: summary.speedupOverDefault,
          reason: decision.reason,
          reachesBarOfSweep: summary.sweep ? summary.sweep.reachesBar : null,
        },
      },
    ];
  },
  runsOf: (summary) => [...new Set([summary.tuned, summary.baseline].filter((r): r is ExperimentResult => r !== null))],
});

export const roofsStudy = defineStudy({
  id: 'matmul-roofs',
  label: 'Roofs: peak FMA, copy bandwidth and barrier cost',
  needsGpu: () => true,
  parseRequest: () => ({ request: {}, problems: [] }),
  async run(ctx) {
    const summary: RoofsSummary = {
      peakGflops: null,
      bandwidthGBs: null,
      barrierSeconds: null,
      fma: null,
      copy: null,
      barrier: null,
      adapter: adapterName(ctx.adapter),
      date: new Date().toISOString(),
    };
    const names = ['peak FMA', 'copy bandwidth', 'barrier cost'];
    ctx.onProgress({ phase: 'roofline', fraction: 0.05, message: `roofs: ${names[0]}` });
    const measured = await measureRoofs(ctx.device!, ctx.caps, {
      cancel: ctx.cancel,
      adapter: ctx.adapter,
      onRun: (run, i) => {
        if (i === 0) Object.assign(summary, { fma: run, peakGflops: run.gflops });
        if (i === 1) Object.assign(summary, { copy: run, bandwidthGBs: run.gbps });
        ctx.onProgress({ phase: 'roofline', fraction: 0.05 + (0.9 * (i + 1)) / 3, message: i < 2 ? `roofs: ${names[i + 1]}` : 'roofs measured' });
        ctx.onPartial({ ...summary });
      },
    });
    return { ...summary, barrier: measured.barrier, barrierSeconds: measured.roofs.barrierSeconds ?? null };
  },
  remember(r) {
    if (r.peakGflops === null || r.bandwidthGBs === null) return [];
    return [
      {
        key: r.adapter,
        value: {
          adapter: r.adapter,
          date: r.date,
          peakGflops: r.peakGflops,
          bandwidthGBs: r.bandwidthGBs,
          ...(r.barrierSeconds !== null ? { barrierSeconds: r.barrierSeconds } : {}),
        },
      },
    ];
  },
});

const ACC_M = 16;
const ACC_N = 16;

export const accumulationStudy = defineStudy({
  id: 'matmul-accumulation',
  label: 'Accumulator precision: f16 against f32 as K grows',
  needsGpu: (request) => request.gpu,
  parseRequest(raw) {
    if (!isRecord(raw)) return { request: null, problems: ['the accumulation request is not an object'] };
    const seed = coerceParam(EXPERIMENT_FIELDS.seed, raw.seed === undefined ? undefined : String(raw.seed));
    const problems = seed.problem ? [seed.problem.replace(/; using .*$/, '')] : [];
    if (typeof raw.gpu !== 'boolean') problems.push('"gpu" must be true or false');
    return problems.length ? { request: null, problems } : { request: { seed: seed.value as number, gpu: raw.gpu as boolean }, problems };
  },
  async run(ctx, { seed, gpu }) {
    const missing = gpu ? f16Unavailable(ctx.caps) : null;
    if (missing) throw new Error(missing);
    const result: AccumulationStudyResult = { seed, M: ACC_M, N: ACC_N, Ks: ACCUMULATION_KS, points: [], gpu: [], runs: [] };
    // One K at a time, yielding to the event loop in between (a macrotask), so Cancel is heard.
    for (const K of ACCUMULATION_KS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (ctx.cancel.cancelled) throw new CancelledError();
      result.points.push(accumulationPoint(K, seed, ACC_M, ACC_N));
      ctx.onProgress({ phase: 'reference', fraction: (0.5 * result.points.length) / ACCUMULATION_KS.length, message: `CPU emulation, K = ${K}` });
      ctx.onPartial({ ...result, points: [...result.points] });
    }
    if (gpu) {
      for (const K of ACCUMULATION_KS) {
        for (const acc of ['f16', 'f32'] as const) {
          const run = await runExperiment(
            ctx.device!,
            { family: 'matmul', variant: F16_VARIANTS[acc].id, params: { M: ACC_M, N: ACC_N, K }, seed, reps: 3 },
            { caps: ctx.caps, adapter: ctx.adapter, cancel: ctx.cancel },
          );
          result.gpu.push({ acc, K, relError: run.metrics.relFrobenius });
          result.runs.push(run);
        }
        ctx.onProgress({
          phase: 'timing',
          fraction: 0.5 + (0.5 * result.gpu.length) / (2 * ACCUMULATION_KS.length),
          message: `f16 variants on the GPU, K = ${K}`,
        });
        ctx.onPartial({ ...result, gpu: [...result.gpu], runs: [...result.runs] });
      }
    }
    return result;
  },
  runsOf: (r) => r.runs,
});
