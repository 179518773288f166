// npm run bench:roof -- [--sizes 512,1024] [--rounds N] [--json]
// npm run bench:tune -- [--size N] [--budget S] [--repeat N] [--grid quick|full] [--json]
//
// Two matmul measurements that need interleaving to mean anything on a shared device:
//  - roof: the f32 matmul kernels against the bench's own FMA probe (roofline-fma), in
//    interleaved rounds (probe, kernels, probe, … in one process), each kernel checked against
//    float64 once; per round the ratio kernel GFLOP/s / probe GFLOP/s, then its median and a
//    distribution-free 95 % interval (medianInterval);
//  - tune: the autotuner within its budget, then an exhaustive sweep of the same candidates
//    (3 interleaved rounds, by median) and the tuner's offered configuration re-timed
//    alternately against the sweep's best: the ratio (≥ 0.98 is the bar) with its interval.
// Timing is wall clock around submitted work (timing.ts). Compare only within one run.
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { runExperiment } from '../src/kernels';
import { autotune, sweepAndCompare, tuneCandidates } from '../src/kernels/matmul/autotune';
import { candidateText, type TuneCandidate } from '../src/kernels/matmul/grid';
import { REGBLOCK_DEFAULT } from '../src/kernels/matmul/regblock';
import { REGBLOCK_QUAD_DEFAULT } from '../src/kernels/matmul/regblockQuad';
import { fmaPeak } from '../src/kernels/matmul/roofline';
import { preparePlan } from '../src/kernels/matmul/timing';
import { medianInterval, SWEEP_RUNS_PER_SAMPLE, TUNER_BAR, type MedianInterval } from '../src/kernels/matmul/tuner';
import { findVariant } from '../src/kernels/registry';

const argv = process.argv.slice(2);
const mode = argv[0];
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const json = argv.includes('--json');
const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
const ci = (x: MedianInterval, digits = 3) =>
  `${x.median.toFixed(digits)} (${Math.round(100 * x.coverage)} % interval ${x.low.toFixed(digits)}–${x.high.toFixed(digits)}, n = ${x.n})`;

/** The kernels measured against the probe at every size (the plain default, vec4, B transposed, quads with k or rows outer). */
const ROOF_KERNELS: TuneCandidate[] = [
  { variant: 'regblock', config: { ...REGBLOCK_DEFAULT } },
  { variant: 'regblock', config: { ...REGBLOCK_DEFAULT, vec4: true } },
  { variant: 'regblock-bt', config: { BM: 64, BN: 64, TM: 8, TN: 8, vec4: true } },
  { variant: 'regblock-quad', config: { ...REGBLOCK_QUAD_DEFAULT } },
  { variant: 'regblock-quad', config: { BM: 64, BN: 64, TM: 16, TN: 16, order: 'row' } },
  { variant: 'regblock-quad', config: { BM: 64, BN: 128, TM: 16, TN: 16, order: 'row' } },
];
const FMA_PARAMS = { workgroups: 32, iters: 4096 };

async function roof() {
  const sizes = opt('sizes', '512,1024').split(',').map(Number);
  const rounds = Number(opt('rounds', '7'));
  const { device, caps, adapter } = await nodeDevice();
  log(`adapter: ${adapterName(adapter)}; ${rounds} interleaved rounds; wall clock`);
  const probePlan = fmaPeak.plan(FMA_PARAMS, fmaPeak.makeInputs(FMA_PARAMS, 1), caps);
  const probeFlops = fmaPeak.work(FMA_PARAMS).flops;
  const probeCheck = await runExperiment(device, { family: 'matmul', variant: fmaPeak.id, params: FMA_PARAMS, seed: 1, reps: 1 }, { caps, adapter });
  if (probeCheck.metrics.boundViolations !== 0) throw new Error('the FMA probe failed its float64 check');
  const probe = await preparePlan(device, probePlan);
  const kernels: { label: string; size: number; flops: number; sample: () => Promise<number>; checked: string }[] = [];
  for (const size of sizes) {
    const shape = { M: size, N: size, K: size };
    for (const c of ROOF_KERNELS) {
      const variant = findVariant('matmul', c.variant)!;
      const params = { ...shape, ...c.config };
      const problems = [...(variant.unavailableReason?.(caps) ? [variant.unavailableReason(caps)!] : []), ...variant.checkLimits(params, caps)];
      if (problems.length) {
        log(`${candidateText(c)} at ${size}³: not run here (${problems.join('; ')})`);
        continue;
      }
      // Checked once against float64 (every output within γ_K·Σ|a·b|), then timed by samples.
      const run = await runExperiment(device, { family: 'matmul', variant: c.variant, params, seed: 1, reps: 1 }, { caps, adapter });
      if (run.metrics.boundViolations !== 0 || run.metrics.nonFinite !== 0) throw new Error(`${candidateText(c)} at ${size}³ failed its float64 check`);
      const prepared = await preparePlan(device, variant.plan(params, variant.makeInputs(params, 1), caps));
      kernels.push({
        label: candidateText(c),
        size,
        flops: 2 * size ** 3,
        sample: prepared.sample,
        checked: `max |err| ${run.metrics.maxAbs.toExponential(1)}, within bound`,
      });
    }
  }
  const probeG: number[] = [];
  const ratios = kernels.map(() => [] as number[]);
  const gflops = kernels.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    // The probe before and after each round's kernels; each kernel is compared with the mean of the two.
    const before = probeFlops / (await probe.sample()) / 1e9;
    const these = [];
    for (const k of r % 2 ? [...kernels].reverse() : kernels) these.push([k, k.flops / (await k.sample()) / 1e9] as const);
    const after = probeFlops / (await probe.sample()) / 1e9;
    const p = (before + after) / 2;
    probeG.push(p);
    for (const [k, g] of these) {
      const i = kernels.indexOf(k);
      gflops[i].push(g);
      ratios[i].push(g / p);
    }
    log(`round ${r + 1}/${rounds}: probe ${p.toFixed(2)} GFLOP/s`);
  }
  const probeCi = medianInterval(probeG);
  log(`FMA probe: ${ci(probeCi, 2)} GFLOP/s (min ${Math.min(...probeG).toFixed(2)}, max ${Math.max(...probeG).toFixed(2)})`);
  const records = kernels.map((k, i) => ({
    label: k.label,
    size: k.size,
    gflops: medianInterval(gflops[i]),
    ofProbe: medianInterval(ratios[i]),
    checked: k.checked,
  }));
  for (const r of records)
    log(
      `${String(r.size).padStart(5)}³ ${r.label.padEnd(44)} ${r.gflops.median.toFixed(3)} GFLOP/s (min ${Math.min(...gflops[records.indexOf(r)]).toFixed(3)}, max ${Math.max(...gflops[records.indexOf(r)]).toFixed(3)}); of the probe per round: ${ci(r.ofProbe)}; ${r.checked}`,
    );
  for (const size of sizes) {
    const mine = records.filter((r) => r.size === size);
    if (!mine.length) continue;
    const best = mine.reduce((a, b) => (b.ofProbe.median > a.ofProbe.median ? b : a));
    log(
      `best at ${size}³: ${best.label}, ${best.ofProbe.median.toFixed(3)} of the FMA probe (bar 0.25: ${best.ofProbe.median >= 0.25 ? 'reached' : 'NOT reached'})`,
    );
  }
  if (json) await writeAll(`${JSON.stringify({ adapter: adapterName(adapter), rounds, probe: probeCi, kernels: records }, null, 2)}\n`);
}

/**
 * Each repetition runs in a fresh process (this script again, with --repeat 1): compiled
 * pipelines are cached per device, so a second search in the same process would skip the
 * compiles the first one paid for.
 */
async function tuneRepeats(repeat: number) {
  const { spawnSync } = await import('node:child_process');
  const runs: unknown[] = [];
  for (let rep = 0; rep < repeat; rep++) {
    const rest = argv
      .slice(1)
      .filter((a, i, all) => a !== '--json' && a !== '--repeat' && all[i - 1] !== '--repeat' && a !== '--seed' && all[i - 1] !== '--seed');
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], 'tune', ...rest, '--repeat', '1', '--seed', String(rep + 1), '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (child.status !== 0) throw new Error(`repetition ${rep + 1} failed (exit ${child.status})`);
    runs.push(JSON.parse(child.stdout));
  }
  if (json) await writeAll(`${JSON.stringify(runs, null, 2)}\n`);
}

async function tuneBench() {
  const size = Number(opt('size', '512'));
  const budget = Number(opt('budget', '30'));
  const repeat = Number(opt('repeat', '1'));
  if (repeat > 1) return tuneRepeats(repeat);
  const seed = Number(opt('seed', '1'));
  const grid = opt('grid', 'quick') as 'quick' | 'full';
  const { device, caps, adapter } = await nodeDevice();
  const shape = { M: size, N: size, K: size };
  const { candidates, invalid } = tuneCandidates(shape, caps, grid);
  log(
    `adapter: ${adapterName(adapter)}; ${size}³, budget ${budget} s, ${grid} grid: ${candidates.length} candidates (${invalid.length} pruned by this device: ${[...new Set(invalid.flatMap((x) => x.problems))].join('; ') || 'none'})`,
  );
  const records = [];
  for (let rep = 0; rep < repeat; rep++) {
    const t0 = performance.now();
    const result = await autotune(device, caps, shape, { budgetSeconds: budget, grid, adapter, seed: seed + rep });
    const tuneSeconds = (performance.now() - t0) / 1000;
    const t = result.tuner;
    log(
      `run (seed ${seed + rep}): ${t.measurements} measurements in ${t.rounds} rounds, ${t.elapsedSeconds.toFixed(1)} s of search (${tuneSeconds.toFixed(1)} s with the float64 checks), ${t.unmeasured} never measured, ${t.stoppedBy}`,
    );
    log(
      `  pick ${t.best ? candidateText(t.best.config) : '—'}; offered ${result.offered ? candidateText(result.offered) : '—'}: ${result.decision?.reason ?? ''}`,
    );
    if (result.speedupInterval) log(`  speed-up over the default, per paired round of the finals: ${ci(result.speedupInterval)}`);
    if (!result.offered) continue;
    const s0 = performance.now();
    const { sweep, comparison } = await sweepAndCompare(device, caps, shape, candidates, result.offered, {
      rounds: 3,
      confirmRounds: 11,
      seed: seed + rep + 1,
    });
    const sweepSeconds = (performance.now() - s0) / 1000;
    log(
      `  exhaustive sweep: ${sweep.points.length} candidates × ${sweep.rounds} interleaved rounds (each sample the fastest of ${SWEEP_RUNS_PER_SAMPLE} runs) in ${sweepSeconds.toFixed(1)} s; best ${sweep.best ? candidateText(sweep.best.config) : '—'}`,
    );
    if (comparison) {
      log(
        comparison.sameConfig
          ? `  offered / sweep best: the same configuration (1 by identity)`
          : `  offered / sweep best (sweep best's seconds / offered's, ${comparison.roundRatios.length} paired rounds): ${comparison.ratio.toFixed(3)} (${Math.round(100 * comparison.coverage)} % interval ${comparison.low.toFixed(3)}–${comparison.high.toFixed(3)}) — bar ${TUNER_BAR}: ${comparison.reachesBar ? 'reached' : 'NOT reached'}`,
      );
    }
    records.push({
      seed: seed + rep,
      search: { measurements: t.measurements, rounds: t.rounds, seconds: t.elapsedSeconds, unmeasured: t.unmeasured, stoppedBy: t.stoppedBy },
      pick: t.best?.config ?? null,
      offered: result.offered,
      decision: result.decision,
      speedupOverDefault: result.speedupInterval,
      sweepBest: sweep.best?.config ?? null,
      vsSweep: comparison && {
        sameConfig: comparison.sameConfig,
        ratio: comparison.ratio,
        low: comparison.low,
        high: comparison.high,
        coverage: comparison.coverage,
        rounds: comparison.roundRatios.length,
        reachesBar: comparison.reachesBar,
      },
    });
  }
  if (json) await writeAll(`${JSON.stringify({ adapter: adapterName(adapter), shape, budget, grid, runs: records }, null, 2)}\n`);
}

/** Writes to stdout and waits until the text is handed to the pipe: process.exit would cut it off. */
function writeAll(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

async function main() {
  if (mode === 'roof') await roof();
  else if (mode === 'tune') await tuneBench();
  else throw new Error('usage: bench-matmul.ts roof|tune [options] (see the header)');
  releaseNodeDevice();
  process.exit(0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
