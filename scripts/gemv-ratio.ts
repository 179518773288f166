// node scripts/with-dawn.mjs node_modules/.bin/tsx scripts/gemv-ratio.ts [--rounds N] [--reps N] [--size M,N,K] [--variants a,b,…]
// The weight-only GEMV pair of issue 19 item 4 (f32 weights against int4 weights, 1×4096×4096),
// measured interleaved in one process: every round runs each configuration once (reps timed runs,
// median), so slow phases of a shared machine hit all of them alike. Each configuration is checked
// once against its float64 reference first. Prints the median time of every configuration over the
// rounds with its spread, and the int4 / f32 speed ratio per round (median, min, max).
// Two clocks: the runner's (GPU timestamps, i.e. wall time on a CPU adapter) and the process's CPU
// time per run (process.cpuUsage around a run with `reps` timed runs minus one with none: uploads,
// warm-up and read-back cancel). On a CPU adapter shared with other jobs the CPU time is the
// steadier measure of the work a kernel costs; on a GPU only the first clock means anything.
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { runPlan } from '../src/gpu/runner';
import { defaultExperiment, findVariant } from '../src/kernels';
import { computeMetrics } from '../src/numerics/metrics';
import type { Params } from '../src/kernels/types';

interface Config {
  label: string;
  variant: string;
  params: Params;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const rounds = Number(arg('rounds', '7'));
const reps = Number(arg('reps', '5'));
const [M, N, K] = arg('size', '1,4096,4096').split(',').map(Number);

const common = { M, N, K, TM: 1, dist: 'gaussian', outliers: 0, outlierScale: 20 };
const ALL: Config[] = [
  { label: 'f32 split-k', variant: 'gemm-f32', params: { ...common, strategy: 'split-k' } },
  { label: 'f32 row', variant: 'gemm-f32', params: { ...common, strategy: 'row' } },
  { label: 'int4 split-k', variant: 'gemm-w4', params: { ...common, strategy: 'split-k', groupSize: 32 } },
  { label: 'int4 row', variant: 'gemm-w4', params: { ...common, strategy: 'row', groupSize: 32 } },
  { label: 'gemv-f32 NR=4', variant: 'gemv-f32', params: { ...common, NR: 4 } },
  { label: 'gemv-f32 NR=8', variant: 'gemv-f32', params: { ...common, NR: 8 } },
  { label: 'gemv-f32 NR=16', variant: 'gemv-f32', params: { ...common, NR: 16 } },
  { label: 'gemv-w4 NR=4', variant: 'gemv-w4', params: { ...common, NR: 4, groupSize: 32 } },
  { label: 'gemv-w4 NR=8', variant: 'gemv-w4', params: { ...common, NR: 8, groupSize: 32 } },
  { label: 'gemv-w4 NR=16', variant: 'gemv-w4', params: { ...common, NR: 16, groupSize: 32 } },
];
const wanted = arg('variants', '');
const configs = wanted ? ALL.filter((c) => wanted.split(',').includes(c.label.replace(' ', '-'))) : ALL.filter((c) => findVariant('quant', c.variant));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const { device, caps, adapter } = await nodeDevice();
  console.log(`adapter: ${adapterName(adapter)}; ${M}×${N}×${K}; ${rounds} rounds × ${reps} timed runs, interleaved`);
  const prepared = configs.map((c) => {
    const variant = findVariant('quant', c.variant)!;
    const params = { ...defaultExperiment('quant', c.variant).params, ...c.params };
    const problems = variant.checkLimits(params, caps);
    if (problems.length) throw new Error(`${c.label}: ${problems.join('; ')}`);
    const inputs = variant.makeInputs(params, 1);
    return { ...c, variant, params, inputs, plan: variant.plan(params, inputs, caps), times: [] as number[], cpu: [] as number[] };
  });
  for (const p of prepared) {
    const run = await runPlan(device, p.plan, { reps: 1, targetSampleSeconds: 0.001 });
    const ref = p.variant.reference(p.params, p.inputs);
    const m = computeMetrics(run.output as Float32Array, ref.values, ref.bound);
    console.log(
      `${p.label.padEnd(14)} checked against float64: ${m.boundViolations === 0 ? 'within bound' : `${m.boundViolations} outside the bound`}, rel. Frobenius ${m.relFrobenius.toExponential(2)}`,
    );
    if (m.boundViolations !== 0 || m.nonFinite !== 0) throw new Error(`${p.label} is wrong`);
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of r % 2 ? [...prepared].reverse() : prepared) {
      const options = { targetSampleSeconds: 0.001, maxRunsPerSample: 1 };
      const c0 = process.cpuUsage();
      await runPlan(device, p.plan, { ...options, reps: 0 });
      const c1 = process.cpuUsage();
      const run = await runPlan(device, p.plan, { ...options, reps });
      const c2 = process.cpuUsage();
      const cpuOf = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) * 1e-6;
      p.times.push(median(run.seconds));
      p.cpu.push(Math.max(0, cpuOf(c1, c2) - cpuOf(c0, c1)) / reps);
    }
  }
  const fmt = (s: number) => `${(s * 1e3).toFixed(2)} ms`;
  for (const p of prepared) {
    console.log(
      `${p.label.padEnd(15)} wall median ${fmt(median(p.times))} (rounds ${fmt(Math.min(...p.times))} … ${fmt(Math.max(...p.times))});` +
        ` CPU median ${fmt(median(p.cpu))} (${fmt(Math.min(...p.cpu))} … ${fmt(Math.max(...p.cpu))})`,
    );
  }
  const f32 = prepared.filter((p) => p.variant.role === 'baseline');
  for (const clock of ['times', 'cpu'] as const) {
    // Per round: the fastest float32 GEMV of that round over this kernel (a speed-up).
    const bestF32 = prepared[0][clock].map((_, r) => Math.min(...f32.map((p) => p[clock][r])));
    for (const p of prepared.filter((q) => q.variant.role !== 'baseline')) {
      const ratios = p[clock].map((t, r) => bestF32[r] / t);
      console.log(
        `${p.label.padEnd(15)} ${clock === 'times' ? 'wall' : 'CPU '} speed-up over the fastest f32 GEMV of each round: median ${median(ratios).toFixed(2)}×, min ${Math.min(...ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}×`,
      );
      // The same-structure pair: the f32 kernel of the same variant family with the same outputs per invocation.
      const twin = f32.find((q) => q.params.NR !== undefined && q.params.NR === p.params.NR);
      if (twin) {
        const paired = p[clock].map((t, r) => twin[clock][r] / t);
        console.log(
          `${p.label.padEnd(15)} ${clock === 'times' ? 'wall' : 'CPU '} speed-up over ${twin.label} in the same round: median ${median(paired).toFixed(2)}×, min ${Math.min(...paired).toFixed(2)}×, max ${Math.max(...paired).toFixed(2)}×`,
        );
      }
    }
  }
  releaseNodeDevice();
  process.exit(0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
