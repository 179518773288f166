// node scripts/with-dawn.mjs node_modules/.bin/tsx scripts/scan-copy-ratio.ts [--pairs N] [--log2 L] [--s6] [--json]
// (in the bench bundle: node scan-copy.mjs [the same options])
// The scans of one long channel (channels = 1, L = 2^22 by default) against the copy roof of the
// same bytes, on a machine that may be shared and noisy:
//   1. every variant runs once through runExperiment: checked against float64 with its bound
//      (a run outside its bound is reported and the script fails);
//   2. then the plans are timed in N alternating passes — copy, scan 1, scan 2, …, copy, scan 1, …
//      — one run each, GPU timestamps around each run, back to back on buffers made once, so that
//      load on the machine hits neighbours alike. Each scan's ratio is its GB/s over the GB/s of
//      the copy run just before it in the same pass; printed as the median over passes with the
//      range and the quartiles;
//   3. after the last pass, every plan's output (left by its last timed run) is read back and
//      checked against the same float64 reference and bound again.
// --s6 adds the selective scans (GB/s of their own compulsory bytes, work model) against the copy.
// --json prints one JSON object (adapter, copy GB/s, each scan's ratio and GB/s) instead of the table.
// The list holds the layouts a CPU adapter wants (long serial segments per invocation, K = 8–16)
// and those a GPU wants (staged through workgroup memory, short segments, K = 2–4): which is best
// depends on the adapter, so all run everywhere.
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { computeMetrics } from '../src/numerics/metrics';
import { preparePlan, quantile } from './lib/timed-plan';
import { findVariant, runExperiment, validateExperiment, type Experiment } from '../src/kernels';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const pairs = arg('--pairs', 15);
const json = process.argv.includes('--json');
/** Progress and the table go to stderr with --json, so that stdout is the JSON object alone. */
const say = (line: string) => (json ? console.error(line) : console.log(line));
const log2L = arg('--log2', 22);
const long = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay' };
const s6 = { batch: 1, channels: 64, state: 16, length: 1024, gate: true, deltaBias: true, softplus: true };

const cases: [string, string, Record<string, unknown>][] = [
  ['copy', 'copy', long],
  ['serial-lookback K=16', 'serial-lookback', { ...long, wg: 64, vec4s: 16, spin: 256 }],
  ['serial-lookback K=8', 'serial-lookback', { ...long, wg: 64, vec4s: 8, spin: 256 }],
  ['serial-lookback-subgroup K=16', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 16, spin: 256 }],
  ['serial-lookback-subgroup K=8', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 8, spin: 256 }],
  ['serial-lookback-subgroup K=4', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 4, spin: 256 }],
  ['serial-lookback-subgroup K=2', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 2, spin: 256 }],
  ['serial-lookback K=4', 'serial-lookback', { ...long, wg: 64, vec4s: 4, spin: 256 }],
  ['serial-rts K=16', 'serial-rts', { ...long, wg: 64, vec4s: 16 }],
  ['reduce-then-scan unstaged', 'reduce-then-scan', { ...long, wg: 16, items: 128, stage: false }],
  ['lookback unstaged', 'lookback', { ...long, wg: 16, items: 128, stage: false, spin: 1024 }],
  ['reduce-then-scan staged', 'reduce-then-scan', { ...long, wg: 128, items: 8, stage: true }],
  ['lookback staged', 'lookback', { ...long, wg: 128, items: 8, stage: true, spin: 1024 }],
];
if (process.argv.includes('--s6')) {
  cases.push(
    ['s6-sequential', 's6-sequential', s6],
    ['s6-chunked T=64', 's6-chunked', { ...s6, chunk: 64 }],
    ['s6-registers T=64', 's6-registers', { ...s6, chunk: 64 }],
  );
}

function experiment(variant: string, params: Record<string, unknown>): Experiment {
  const { experiment: e, problems } = validateExperiment({ family: 'scan', variant, params, seed: 1, reps: 2 });
  if (problems.length) throw new Error(`${variant}: ${problems.join('; ')}`);
  return e;
}

async function main() {
  const { device, caps, adapter } = await nodeDevice();
  if (!device.features.has('timestamp-query')) throw new Error('this script needs timestamp-query');
  say(`adapter: ${adapterName(adapter)}; channels = 1, L = 2^${log2L}; ${pairs} alternating passes`);
  const problems: string[] = [];
  const runs: { label: string; bytes: number; time: () => Promise<number>; recheck: () => Promise<number> }[] = [];
  for (const [label, variant, params] of cases) {
    const e = experiment(variant, params);
    const r = await runExperiment(device, e, { caps, adapter });
    const ok = r.metrics.boundViolations === 0 && r.metrics.nonFinite === 0;
    if (!ok) problems.push(`${label}: ${r.metrics.boundViolations} outside the bound`);
    say(`checked ${label.padEnd(26)} against float64: ${ok ? 'within the bound' : 'OUTSIDE THE BOUND'} (max |err| ${r.metrics.maxAbs.toExponential(2)})`);
    const v = findVariant('scan', variant)!;
    const inputs = v.makeInputs(e.params, e.seed);
    const plan = v.plan(e.params, inputs, caps);
    const { time, readOutput } = await preparePlan(device, plan);
    await time(); // warm-up
    // Elements outside the float64 reference's bound in what the last timed run left.
    const recheck = async () => {
      const ref = v.reference(e.params, inputs);
      const m = computeMetrics(await readOutput(), ref.values, ref.bound);
      return (m.boundViolations ?? 0) + m.nonFinite;
    };
    runs.push({ label, bytes: v.work(e.params).bytes, time, recheck });
  }
  const gbps = new Map<string, number[]>(runs.map((r) => [r.label, []]));
  const ratios = new Map<string, number[]>(runs.slice(1).map((r) => [r.label, []]));
  for (let p = 0; p < pairs; p++) {
    let copy = 0;
    for (const r of runs) {
      const g = r.bytes / (await r.time()) / 1e9;
      gbps.get(r.label)!.push(g);
      if (r.label === 'copy') copy = g;
      else ratios.get(r.label)!.push(g / copy);
    }
  }
  for (const r of runs) {
    const outside = await r.recheck();
    if (outside) problems.push(`${r.label}: ${outside} outside the bound after the timed passes`);
  }
  say(`re-checked every output after the timed passes: ${problems.length ? 'SOME OUTSIDE THE BOUND' : 'all within the bound'}`);
  const copy = gbps.get('copy')!;
  say(`\ncopy: median ${quantile(copy, 0.5).toFixed(3)} GB/s (range ${Math.min(...copy).toFixed(3)}–${Math.max(...copy).toFixed(3)})`);
  say("scan GB/s ÷ the copy just before it: median [quartiles] (range); the scan's median GB/s");
  const summary: Record<string, { ratio: number; quartiles: [number, number]; range: [number, number]; gbps: number }> = {};
  for (const [label, r] of ratios) {
    const q = (x: number) => quantile(r, x).toFixed(2);
    say(
      `  ${label.padEnd(30)} ${q(0.5)} [${q(0.25)}–${q(0.75)}] (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})   ${quantile(gbps.get(label)!, 0.5).toFixed(3)} GB/s`,
    );
    summary[label] = {
      ratio: quantile(r, 0.5),
      quartiles: [quantile(r, 0.25), quantile(r, 0.75)],
      range: [Math.min(...r), Math.max(...r)],
      gbps: quantile(gbps.get(label)!, 0.5),
    };
  }
  if (problems.length) say(`\nOUTSIDE THE BOUND:\n  ${problems.join('\n  ')}`);
  if (json) {
    const record = { adapter: adapterName(adapter), length: 2 ** log2L, passes: pairs, copyGbps: quantile(copy, 0.5), scans: summary, outsideBound: problems };
    console.log(JSON.stringify(record, null, 2));
  }
  releaseNodeDevice();
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
