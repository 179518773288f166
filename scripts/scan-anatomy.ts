// node scripts/with-dawn.mjs node_modules/.bin/tsx scripts/scan-anatomy.ts [--k 4,8,16] [--wg 128] [--pairs N] [--log2 L]
// Where the single-pass scan serial-lookback-subgroup spends its time on this adapter, against
// the copy roof of the same bytes (channels = 1, L = 2^22 by default). For each K it times the
// kernel built up one part at a time, all in alternating passes with the copy (as
// scan-copy-ratio.ts), and prints each one's GB/s over the copy's just before it:
//   1. segment copy     every invocation loads its K vec4s of a and b into registers, stores a + b
//   2. + recurrence     … and runs h = a·h + b through them from h = 0 instead
//   3. + reduce         … after combining them into the segment's aggregate
//   4. + claim          … with its unit (subgroup-size segments) taken from an atomic counter
//   5. + subgroup scan  … and the shuffle scan of the segment aggregates across the subgroup
//   6. + publish        … and lane 0 publishing the unit's aggregate and prefix
//   7. the kernel       … and the look-back: serial-lookback-subgroup itself.
// Steps 1–6 compute WRONG results on purpose (no look-back, and where a value would only be
// thrown away it is kept alive behind a condition that never holds): they are timings, never
// shown in the app and never checked. Step 7 is the variant's own plan, checked against float64
// before the passes and again after them.
import { readWrite } from '../src/gpu/bindings';
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { findVariant, runExperiment, validateExperiment, type Experiment, type GpuPlan } from '../src/kernels';
import {
  A4_BINDING,
  B4_BINDING,
  H4_BINDING,
  applyAndStoreWgsl,
  loadSegmentWgsl,
  reduceHeldWgsl,
  serialBuffers,
  serialHeader,
  serialScanConfig,
  type SerialScanConfig,
} from '../src/kernels/scan/serialChunk';
import { lookBackWgsl } from '../src/kernels/scan/serialLookback';
import { CLAIM_UNIT_WGSL, SCAN_SEGMENT_TOTALS_WGSL } from '../src/kernels/scan/serialLookbackSubgroup';
import { computeMetrics } from '../src/numerics/metrics';
import { preparePlan, quantile, type TimedPlan } from './lib/timed-plan';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const Ks = arg('--k', '4,8,16').split(',').map(Number);
const wg = Number(arg('--wg', '128'));
const pairs = Number(arg('--pairs', '15'));
const log2L = Number(arg('--log2', '22'));
const shape = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay' } as const;

const LOOKBACK = readWrite('lookback', 'array<atomic<u32>>', 'per unit: aggregate and prefix');
const COUNTER = readWrite('unitCounter', 'array<atomic<u32>>', 'the next unit to hand out');
/** Never true: keeps a value the timing-only steps would otherwise drop from being optimised away. */
const NEVER = 'first == 0xffffffffu';

interface Step {
  label: string;
  /** Declares what the step uses; the header needs a, b and h. */
  counter: boolean;
  lookback: boolean;
  body: (K: number) => string;
}

const STEPS: Step[] = [
  {
    label: 'segment copy',
    counter: false,
    lookback: false,
    body: (K) => `  let first = gid.x * K;\n${loadSegmentWgsl(K)}\n${Array.from({ length: K }, (_, k) => `  h[first + ${k}u] = av${k} + bv${k};`).join('\n')}`,
  },
  {
    label: '+ recurrence',
    counter: false,
    lookback: false,
    body: (K) => `  let first = gid.x * K;\n${loadSegmentWgsl(K)}\n  let state = 0.0;\n${applyAndStoreWgsl(K)}`,
  },
  {
    label: '+ reduce',
    counter: false,
    lookback: false,
    body: (K) =>
      `  let first = gid.x * K;\n${loadSegmentWgsl(K)}\n${reduceHeldWgsl(K)}\n  let state = select(0.0, total.y, ${NEVER});\n${applyAndStoreWgsl(K)}`,
  },
  {
    label: '+ claim',
    counter: true,
    lookback: false,
    body: (K) => `${CLAIM_UNIT_WGSL}${loadSegmentWgsl(K)}\n${reduceHeldWgsl(K)}\n  let state = select(0.0, total.y, ${NEVER});\n${applyAndStoreWgsl(K)}`,
  },
  {
    label: '+ subgroup scan',
    counter: true,
    lookback: false,
    body: (K) =>
      `${CLAIM_UNIT_WGSL}${loadSegmentWgsl(K)}\n${reduceHeldWgsl(K)}\n${SCAN_SEGMENT_TOTALS_WGSL}  let state = select(laneBefore.y, unitTotal.y, ${NEVER});\n${applyAndStoreWgsl(K)}`,
  },
  {
    label: '+ publish',
    counter: true,
    lookback: true,
    body: (K) => `${CLAIM_UNIT_WGSL}${loadSegmentWgsl(K)}\n${reduceHeldWgsl(K)}\n${SCAN_SEGMENT_TOTALS_WGSL}  var unitBefore = IDENTITY;
  if (lane == 0u) {
    publish(unit, AGGREGATE, unitTotal);
    publish(unit, PREFIX, combine(unitBefore, unitTotal));
  }
  unitBefore = subgroupShuffle(unitBefore, 0u);
  let state = combine(unitBefore, laneBefore).y;\n${applyAndStoreWgsl(K)}`,
  },
];

function validated(variant: string, params: Record<string, unknown>): Experiment {
  const { experiment, problems } = validateExperiment({ family: 'scan', variant, params, seed: 1, reps: 2 });
  if (problems.length) throw new Error(`${variant}: ${problems.join('; ')}`);
  return experiment;
}

/** The plan of a timing-only step: the kernel's own buffers and grid, the step's shader. */
function stepPlan(step: Step, cfg: SerialScanConfig, inputs: Record<string, Float32Array>): GpuPlan {
  const bindings = [A4_BINDING, B4_BINDING, H4_BINDING, ...(step.lookback ? [LOOKBACK] : []), ...(step.counter ? [COUNTER] : [])];
  const lookBackCode = step.lookback
    ? // publish() comes with the look-back code, which needs a reduceUnit (never called here).
      `${lookBackWgsl(256)}\nfn reduceUnit(q : u32) -> vec2f {\n  return reduceSegment(q);\n}`
    : '';
  const wgsl = /* wgsl */ `enable subgroups;
${serialHeader(cfg, bindings)}
${lookBackCode}
@compute @workgroup_size(${cfg.wg})
fn main(@builtin(global_invocation_id) gid : vec3u, @builtin(subgroup_invocation_id) lane : u32, @builtin(subgroup_size) subgroupSize : u32) {
${step.body(cfg.K)}
}
`;
  return {
    buffers: [
      ...serialBuffers(cfg, inputs),
      { name: 'lookback', bytes: 16 * cfg.invocations, usage: 'storage', resetEachRun: true },
      { name: 'unitCounter', bytes: 4, usage: 'storage', resetEachRun: true },
    ],
    dispatches: [{ label: step.label, wgsl, bindings, workgroups: [cfg.workgroups] }],
    output: { buffer: 'h', type: 'f32', count: cfg.count },
  };
}

async function main() {
  const { device, caps, adapter } = await nodeDevice();
  if (!device.features.has('timestamp-query')) throw new Error('this script needs timestamp-query');
  if (!device.features.has('subgroups')) throw new Error('this script needs the "subgroups" feature');
  console.log(`adapter: ${adapterName(adapter)}; channels = 1, L = 2^${log2L}; workgroups of ${wg}; ${pairs} alternating passes`);
  const copy = findVariant('scan', 'copy')!;
  const copyExperiment = validated('copy', shape);
  const copyPlan = copy.plan(copyExperiment.params, copy.makeInputs(copyExperiment.params, copyExperiment.seed), caps);
  // Every step moves the scan's bytes (read a and b, write h): the copy roof's too.
  const bytes = copy.work(copyExperiment.params).bytes;
  const runs: { label: string; timed: TimedPlan }[] = [{ label: 'copy roof', timed: await preparePlan(device, copyPlan) }];
  const checks: { label: string; timed: TimedPlan; check: () => Promise<number> }[] = [];
  for (const K of Ks) {
    const experiment = validated('serial-lookback-subgroup', { ...shape, wg, vec4s: K, spin: 256 });
    const variant = findVariant('scan', 'serial-lookback-subgroup')!;
    const inputs = variant.makeInputs(experiment.params, experiment.seed) as Record<string, Float32Array>;
    const cfg = serialScanConfig({ ...shape, wg, vec4s: K }, 10);
    if (variant.work(experiment.params).bytes !== bytes) throw new Error('the scan and the copy roof should move the same bytes');
    for (const step of STEPS) runs.push({ label: `K=${K} ${step.label}`, timed: await preparePlan(device, stepPlan(step, cfg, inputs)) });
    // The kernel itself: checked through the runner first, then timed like the others.
    const result = await runExperiment(device, experiment, { caps, adapter });
    if (result.metrics.boundViolations || result.metrics.nonFinite) throw new Error(`K=${K}: the kernel is outside its float64 bound`);
    const timed = await preparePlan(device, variant.plan(experiment.params, inputs, caps));
    const check = async () => {
      const ref = variant.reference(experiment.params, inputs);
      const m = computeMetrics(await timed.readOutput(), ref.values, ref.bound);
      return (m.boundViolations ?? 0) + m.nonFinite;
    };
    runs.push({ label: `K=${K} the kernel (checked)`, timed });
    checks.push({ label: `K=${K}`, timed, check });
  }
  for (const r of runs) await r.timed.time(); // warm-up
  const ratios = new Map<string, number[]>(runs.map((r) => [r.label, []]));
  for (let p = 0; p < pairs; p++) {
    let copySeconds = 0;
    for (const r of runs) {
      const seconds = await r.timed.time();
      if (r === runs[0]) copySeconds = seconds;
      ratios.get(r.label)!.push(copySeconds / seconds); // the same bytes: a ratio of GB/s
    }
  }
  for (const c of checks) {
    const outside = await c.check();
    if (outside) throw new Error(`${c.label}: ${outside} elements outside the float64 bound after the timed passes`);
  }
  console.log('checked against float64 before and after the passes: the kernel at every K is within its bound');
  console.log('GB/s ÷ the copy roof just before it: median [quartiles]; steps before "the kernel" are timings of WRONG results');
  for (const r of runs.slice(1)) {
    const x = ratios.get(r.label)!;
    console.log(`  ${r.label.padEnd(30)} ${quantile(x, 0.5).toFixed(2)} [${quantile(x, 0.25).toFixed(2)}–${quantile(x, 0.75).toFixed(2)}]`);
  }
  releaseNodeDevice();
  process.exit(0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
