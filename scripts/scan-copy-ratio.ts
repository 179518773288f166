// node scripts/with-dawn.mjs node_modules/.bin/tsx scripts/scan-copy-ratio.ts [--rounds N] [--log2 L] [--s6]
// The scans of one long channel (channels = 1, L = 2^22 by default) against the copy roof of the
// same bytes, interleaved in rounds in one process (the machine may be shared and noisy: every
// round measures all of them back to back, so drift hits them alike). Prints each scan's GB/s
// ratio to the same round's copy, as the median over rounds with its range; --s6 adds the
// selective scans (GB/s of their own compulsory bytes) against the same copy. Each result is
// checked against float64 as in every run; a run outside its bound is reported, not hidden.
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { runExperiment, validateExperiment, type Experiment } from '../src/kernels';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const rounds = arg('--rounds', 5);
const log2L = arg('--log2', 22);
const long = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay' };
const s6 = { batch: 1, channels: 64, state: 16, length: 1024, gate: true, deltaBias: true, softplus: true };

const scans: [string, string, Record<string, unknown>][] = [
  ['serial-lookback K=16', 'serial-lookback', { ...long, wg: 64, vec4s: 16, spin: 256 }],
  ['serial-lookback K=4', 'serial-lookback', { ...long, wg: 64, vec4s: 4, spin: 256 }],
  ['serial-rts K=16', 'serial-rts', { ...long, wg: 64, vec4s: 16 }],
  ['reduce-then-scan unstaged', 'reduce-then-scan', { ...long, wg: 16, items: 128, stage: false }],
  ['lookback unstaged', 'lookback', { ...long, wg: 16, items: 128, stage: false, spin: 1024 }],
];
if (process.argv.includes('--s6')) {
  scans.push(['s6-sequential', 's6-sequential', s6], ['s6-chunked T=64', 's6-chunked', { ...s6, chunk: 64 }], ['s6-registers T=64', 's6-registers', { ...s6, chunk: 64 }]);
}

function experiment(variant: string, params: Record<string, unknown>): Experiment {
  const { experiment: e, problems } = validateExperiment({ family: 'scan', variant, params, seed: 1, reps: 3 });
  if (problems.length) throw new Error(`${variant}: ${problems.join('; ')}`);
  return e;
}

const median = (x: number[]) => {
  const s = [...x].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const { device, caps, adapter } = await nodeDevice();
  console.log(`adapter: ${adapterName(adapter)}; ${rounds} rounds; copy and scans at channels = 1, L = 2^${log2L}`);
  const copyGbps: number[] = [];
  const gbps = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const problems: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const run = async (label: string, variant: string, params: Record<string, unknown>) => {
      const r = await runExperiment(device, experiment(variant, params), { caps, adapter });
      if (r.metrics.boundViolations !== 0 || r.metrics.nonFinite !== 0) problems.push(`${label} round ${round}: ${r.metrics.boundViolations} outside the bound`);
      return r.gbps;
    };
    const copy = await run('copy', 'copy', long);
    copyGbps.push(copy);
    const line = [`round ${round}: copy ${copy.toFixed(3)} GB/s`];
    for (const [label, variant, params] of scans) {
      const g = await run(label, variant, params);
      (gbps.get(label) ?? gbps.set(label, []).get(label)!).push(g);
      (ratios.get(label) ?? ratios.set(label, []).get(label)!).push(g / copy);
      line.push(`${label} ${(g / copy).toFixed(2)}`);
    }
    console.log(line.join(' | '));
  }
  console.log(`\ncopy: median ${median(copyGbps).toFixed(3)} GB/s (range ${Math.min(...copyGbps).toFixed(3)}–${Math.max(...copyGbps).toFixed(3)})`);
  console.log('scan / copy of the same round: median (range) — and the scan\'s median GB/s');
  for (const [label, r] of ratios) {
    console.log(`  ${label.padEnd(28)} ${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})   ${median(gbps.get(label)!).toFixed(3)} GB/s`);
  }
  if (problems.length) console.log(`\nOUTSIDE THE BOUND:\n  ${problems.join('\n  ')}`);
  releaseNodeDevice();
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
