// node scripts/with-dawn.mjs node_modules/.bin/tsx scripts/scan-copy-ratio.ts [--pairs N] [--log2 L] [--s6]
// The scans of one long channel (channels = 1, L = 2^22 by default) against the copy roof of the
// same bytes, on a machine that may be shared and noisy:
//   1. every variant runs once through runExperiment: checked against float64 with its bound
//      (a run outside its bound is reported and the script fails);
//   2. then the plans are timed in N alternating passes — copy, scan 1, scan 2, …, copy, scan 1, …
//      — one run each, GPU timestamps around each run, back to back on buffers made once, so that
//      load on the machine hits neighbours alike. Each scan's ratio is its GB/s over the GB/s of
//      the copy run just before it in the same pass; printed as the median over passes with the
//      range and the quartiles.
// --s6 adds the selective scans (GB/s of their own compulsory bytes, work model) against the copy.
import { adapterName } from '../src/gpu/describe';
import { nodeDevice, releaseNodeDevice } from '../src/gpu/node-device';
import { bufferOf } from '../src/gpu/bindings';
import { findVariant, runExperiment, validateExperiment, type Experiment, type GpuPlan } from '../src/kernels';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const pairs = arg('--pairs', 15);
const log2L = arg('--log2', 22);
const long = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay' };
const s6 = { batch: 1, channels: 64, state: 16, length: 1024, gate: true, deltaBias: true, softplus: true };

const cases: [string, string, Record<string, unknown>][] = [
  ['copy', 'copy', long],
  ['serial-lookback K=16', 'serial-lookback', { ...long, wg: 64, vec4s: 16, spin: 256 }],
  ['serial-lookback K=8', 'serial-lookback', { ...long, wg: 64, vec4s: 8, spin: 256 }],
  ['serial-lookback-subgroup K=16', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 16, spin: 256 }],
  ['serial-lookback-subgroup K=8', 'serial-lookback-subgroup', { ...long, wg: 128, vec4s: 8, spin: 256 }],
  ['serial-rts K=16', 'serial-rts', { ...long, wg: 64, vec4s: 16 }],
  ['reduce-then-scan unstaged', 'reduce-then-scan', { ...long, wg: 16, items: 128, stage: false }],
  ['lookback unstaged', 'lookback', { ...long, wg: 16, items: 128, stage: false, spin: 1024 }],
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

const quantile = (x: number[], q: number) => {
  const s = [...x].sort((p, r) => p - r);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

/** A plan made ready once: buffers uploaded, pipelines and bind groups built. */
async function prepare(device: GPUDevice, plan: GpuPlan) {
  const buffers = new Map<string, GPUBuffer>();
  for (const spec of plan.buffers) {
    const bytes = Math.max(16, Math.ceil((spec.data ? spec.data.byteLength : (spec.bytes ?? 0)) / 16) * 16);
    const buffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    if (spec.data) device.queue.writeBuffer(buffer, 0, spec.data.buffer, spec.data.byteOffset, spec.data.byteLength);
    buffers.set(spec.name, buffer);
  }
  const resets = plan.buffers.filter((b) => b.resetEachRun).map((b) => buffers.get(b.name)!);
  const steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: GpuPlan['dispatches'][number]['workgroups'] }[] = [];
  for (const d of plan.dispatches) {
    const pipeline = await device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: d.wgsl }), entryPoint: d.entryPoint ?? 'main' },
    });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: d.bindings.map((b, binding) => ({ binding, resource: { buffer: buffers.get(bufferOf(b))! } })),
    });
    steps.push({ pipeline, bindGroup, workgroups: d.workgroups });
  }
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
  const resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  /** Seconds of one run between GPU timestamps (the resets are cleared before the timed pass). */
  return async (): Promise<number> => {
    const encoder = device.createCommandEncoder();
    for (const b of resets) encoder.clearBuffer(b);
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
    for (const s of steps) {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(s.workgroups[0], s.workgroups[1] ?? 1, s.workgroups[2] ?? 1);
    }
    pass.end();
    encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 0, 16);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const [t0, t1] = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    return Number(t1 - t0) / 1e9;
  };
}

async function main() {
  const { device, caps, adapter } = await nodeDevice();
  if (!device.features.has('timestamp-query')) throw new Error('this script needs timestamp-query');
  console.log(`adapter: ${adapterName(adapter)}; channels = 1, L = 2^${log2L}; ${pairs} alternating passes`);
  const problems: string[] = [];
  const runs: { label: string; bytes: number; time: () => Promise<number> }[] = [];
  for (const [label, variant, params] of cases) {
    const e = experiment(variant, params);
    const r = await runExperiment(device, e, { caps, adapter });
    const ok = r.metrics.boundViolations === 0 && r.metrics.nonFinite === 0;
    if (!ok) problems.push(`${label}: ${r.metrics.boundViolations} outside the bound`);
    console.log(
      `checked ${label.padEnd(26)} against float64: ${ok ? 'within the bound' : 'OUTSIDE THE BOUND'} (max |err| ${r.metrics.maxAbs.toExponential(2)})`,
    );
    const v = findVariant('scan', variant)!;
    const plan = v.plan(e.params, v.makeInputs(e.params, e.seed), caps);
    const time = await prepare(device, plan);
    await time(); // warm-up
    runs.push({ label, bytes: v.work(e.params).bytes, time });
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
  const copy = gbps.get('copy')!;
  console.log(`\ncopy: median ${quantile(copy, 0.5).toFixed(3)} GB/s (range ${Math.min(...copy).toFixed(3)}–${Math.max(...copy).toFixed(3)})`);
  console.log("scan GB/s ÷ the copy just before it: median [quartiles] (range); the scan's median GB/s");
  for (const [label, r] of ratios) {
    const q = (x: number) => quantile(r, x).toFixed(2);
    console.log(
      `  ${label.padEnd(26)} ${q(0.5)} [${q(0.25)}–${q(0.75)}] (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})   ${quantile(gbps.get(label)!, 0.5).toFixed(3)} GB/s`,
    );
  }
  if (problems.length) console.log(`\nOUTSIDE THE BOUND:\n  ${problems.join('\n  ')}`);
  releaseNodeDevice();
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
