// npm run bench -- [family…] [--variant ID] [--size N[,N…]] [--reps N] [--json]
// Runs kernels on WebGPU in Node (Dawn) and prints a table, or with --json one record per
// measurement: { kernel, variant, params, shape, seconds, samples, gflops, gbps, metrics, adapter, … }
// (--extras adds each result's extras, which can be large).
// This is where speed is measured (never in tests). Compare variants as ratios from one run.
import { adapterName } from '../src/gpu/describe';
import { nodeAssetLoader, nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { FAMILIES, findFamily, runExperiment, validateExperiment, type BenchCase, type ExperimentResult } from '../src/kernels';

interface Args {
  families: string[];
  variant?: string;
  sizes?: number[];
  reps?: number;
  json: boolean;
  /** Include each result's extras (histograms, per-position errors…) in the JSON records. */
  extras: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { families: [], json: false, extras: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--extras') args.extras = true;
    else if (a === '--variant') args.variant = argv[++i];
    else if (a === '--size' || a === '--sizes') args.sizes = argv[++i].split(',').map(Number);
    else if (a === '--reps') args.reps = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [family…] [--variant ID] [--size N[,N…]] [--reps N] [--json [--extras]]');
      console.log(`families: ${FAMILIES.map((f) => f.id).join(', ')}`);
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.families.push(a);
  }
  return args;
}

function casesFor(args: Args): BenchCase[] {
  const families = args.families.length ? args.families : FAMILIES.map((f) => f.id);
  const cases: BenchCase[] = [];
  for (const id of families) {
    const family = findFamily(id);
    if (!family) throw new Error(`unknown family "${id}" (known: ${FAMILIES.map((f) => f.id).join(', ')})`);
    if (!family.benchSuite) {
      console.error(`note: ${id} has no bench suite yet`);
      continue;
    }
    for (const c of family.benchSuite()) {
      if (args.variant && c.experiment.variant !== args.variant) continue;
      cases.push(c);
    }
  }
  if (args.sizes) {
    // --size replaces every square size parameter (M, N, K, or L / length) with each given size.
    const sized: BenchCase[] = [];
    const seen = new Set<string>();
    for (const c of cases) {
      for (const size of args.sizes) {
        const params = { ...c.experiment.params };
        for (const key of ['M', 'N', 'K']) if (key in params) params[key] = size;
        const key = JSON.stringify([c.experiment.variant, params]);
        if (seen.has(key)) continue;
        seen.add(key);
        sized.push({ experiment: { ...c.experiment, params } });
      }
    }
    return sized;
  }
  return cases;
}

function finite(_key: string, value: unknown) {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

function paramText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([k]) => !['M', 'N', 'K'].includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cases = casesFor(args);
  const { device, caps, adapter } = await nodeDevice();
  const records: unknown[] = [];
  if (!args.json) {
    console.log(`adapter: ${adapterName(adapter)}; features: ${caps.features.join(', ')}`);
    console.log(pad(['kernel', 'variant', 'params', 'shape', 'median ms', 'min–max ms', 'GFLOP/s', 'GB/s', 'max |err|', 'within bound']));
  }
  for (const c of cases) {
    const { experiment, problems } = validateExperiment({ ...c.experiment, reps: args.reps ?? c.experiment.reps });
    if (problems.length) throw new Error(`bench case ${c.label ?? experiment.variant}: ${problems.join('; ')}`);
    let result: ExperimentResult;
    try {
      result = await runExperiment(device, experiment, { caps, adapter, userAgent: `node ${process.version}`, loadAsset: nodeAssetLoader });
    } catch (e) {
      console.error(`${experiment.family}/${experiment.variant} ${JSON.stringify(experiment.params)}: ${e instanceof Error ? e.message : e}`);
      continue;
    }
    const record = {
      kernel: experiment.family,
      variant: experiment.variant,
      label: c.label,
      params: experiment.params,
      shape: result.shape,
      seconds: result.medianSeconds,
      spread: result.spread,
      gflops: result.gflops,
      gbps: result.gbps,
      metrics: result.metrics,
      timing: result.timing,
      adapter: adapterName(adapter),
      samples: result.seconds,
      ...(result.repeatCheck ? { repeatCheck: { differing: result.repeatCheck.differing, failure: result.repeatCheck.failure ?? null } } : {}),
      // Extras can hold large per-element arrays: only on request.
      ...(args.extras && result.extras ? { extras: result.extras } : {}),
    };
    records.push(record);
    if (!args.json) {
      const m = result.metrics;
      console.log(
        pad([
          experiment.family,
          c.label ?? experiment.variant,
          paramText(experiment.params),
          result.shape,
          (result.medianSeconds * 1e3).toFixed(3),
          `${(result.spread.min * 1e3).toFixed(2)}–${(result.spread.max * 1e3).toFixed(2)}`,
          result.gflops.toFixed(2),
          result.gbps.toFixed(2),
          m.maxAbs.toExponential(2),
          m.boundViolations === undefined ? 'n/a' : m.boundViolations === 0 ? 'yes' : `NO (${m.boundViolations})`,
        ]),
      );
    }
  }
  if (args.json) await writeAll(`${JSON.stringify(records, finite, 2)}\n`);
  releaseNodeDevice();
  process.exit(0);
}

/** Writes to stdout and waits until the text is handed to the pipe: process.exit would cut it off. */
function writeAll(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

const WIDTHS = [7, 12, 22, 16, 10, 16, 9, 8, 10, 12];
function pad(cells: string[]): string {
  return cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 10)).join(' ');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
