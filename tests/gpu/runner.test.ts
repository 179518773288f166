import { describe, expect, it } from 'vitest';
import { declareBindings, readWrite } from '../../src/gpu/bindings';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan, ShaderCompileError } from '../../src/gpu/runner';
import { findVariant, runVariant, type GpuPlan, type KernelVariant } from '../../src/kernels';

// out[i] = i + number of runs since the last reset of `counter` (so a missing reset shows).
const COUNTING_BINDINGS = [readWrite('counter', 'array<atomic<u32>>', 'runs seen per element'), readWrite('out', 'array<u32>', 'i + runs seen')];
const COUNTING_WGSL = /* wgsl */ `
${declareBindings(COUNTING_BINDINGS)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  if (gid.x >= 256u) { return; }
  let seen = atomicAdd(&counter[gid.x], 1u);
  out[gid.x] = gid.x + seen;
}
`;

function countingPlan(wgsl = COUNTING_WGSL, resetEachRun = true): GpuPlan {
  return {
    buffers: [
      { name: 'counter', bytes: 256 * 4, usage: 'storage', resetEachRun },
      { name: 'out', bytes: 256 * 4, usage: 'storage' },
    ],
    dispatches: [{ label: 'count', wgsl, bindings: COUNTING_BINDINGS, workgroups: [4] }],
    output: { buffer: 'out', type: 'u32', count: 256 },
  };
}

const identity = Array.from({ length: 256 }, (_, i) => i);

describe('plan runner', () => {
  it('clears resetEachRun buffers before every run: the first and the last timed run both read i, with many runs per sample', async () => {
    const { device } = await nodeDevice();
    // A large target forces several runs per sample (the middle passes carry no timestamps).
    const run = await runPlan(device, countingPlan(), { reps: 3, targetSampleSeconds: 1, maxRunsPerSample: 5 });
    expect(run.timing.runsPerSample).toBe(5);
    expect([...run.output]).toEqual(identity);
    expect([...run.lastOutput!]).toEqual(identity);
    expect(run.seconds.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
    // The clock: GPU timestamps exactly when the device has them, otherwise the wall clock.
    expect(run.timing.method).toBe(device.features.has('timestamp-query') ? 'timestamp-query' : 'wall-clock');
    expect(run.timing.resolutionSeconds).toBeGreaterThan(0);
  });

  it('a missing reset shows in the last timed run (the test above can fail for that reason)', async () => {
    const { device } = await nodeDevice();
    const run = await runPlan(device, countingPlan(COUNTING_WGSL, false), { reps: 3, targetSampleSeconds: 1, maxRunsPerSample: 5 });
    // The first run starts from a fresh (zeroed) buffer and is right…
    expect([...run.output]).toEqual(identity);
    // …but the counter kept counting: 1 warm-up + 1 estimate + 3 samples × 5 runs before the last.
    expect(run.lastOutput![0]).toBe(1 + 1 + 3 * 5 - 1);
  });

  it('the wall clock is used when timestamps are turned off, and says so', async () => {
    const { device } = await nodeDevice();
    const run = await runPlan(device, countingPlan(), { reps: 2, useTimestamps: false });
    expect(run.timing.method).toBe('wall-clock');
    expect([...run.lastOutput!]).toEqual(identity);
  });

  it('reports WGSL errors with their line, and the device stays usable afterwards', async () => {
    const { device } = await nodeDevice();
    const broken = COUNTING_WGSL.replace('let seen', 'let seen: f32');
    await expect(runPlan(device, countingPlan(broken), { reps: 1 })).rejects.toThrow(ShaderCompileError);
    await expect(runPlan(device, countingPlan(broken), { reps: 1 })).rejects.toThrow(/line \d+/);
    const run = await runPlan(device, countingPlan(), { reps: 1 });
    expect(run.output[255]).toBe(255);
  });

  it('refuses a plan that binds a buffer the shader does not declare', async () => {
    const { device } = await nodeDevice();
    const plan = countingPlan();
    plan.dispatches[0].bindings = [COUNTING_BINDINGS[0], readWrite('nope', 'array<u32>')];
    await expect(runPlan(device, plan, { reps: 1 })).rejects.toThrow('unknown buffer "nope"');
    const run = await runPlan(device, countingPlan(), { reps: 1 });
    expect(run.output[1]).toBe(1);
  });
});

describe('timed runs are checked against float64 too', () => {
  it('a kernel right on the first run and wrong when repeated fails, and the result says so', async () => {
    const { device, caps } = await nodeDevice();
    const tiled = findVariant('matmul', 'tiled')!;
    // A deliberately broken variant: C += A·B instead of C = A·B, so every run after the first
    // adds another product onto the last one (the classic missing reset of an accumulator).
    const accumulating: KernelVariant = {
      ...tiled,
      plan(params, inputs, c) {
        const plan = tiled.plan(params, inputs, c);
        return { ...plan, dispatches: plan.dispatches.map((d) => ({ ...d, wgsl: d.wgsl.replace('c[row * N + col] = acc;', 'c[row * N + col] += acc;') })) };
      },
    };
    const experiment = { family: 'matmul' as const, variant: 'tiled', params: { M: 33, N: 17, K: 20, tile: 8 }, seed: 3, reps: 3 };
    const broken = await runVariant(device, accumulating, experiment, { caps, targetSampleSeconds: 0.001 });
    expect(broken.repeatCheck?.differing).toBeGreaterThan(0);
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
    expect(broken.repeatCheck?.failure).toMatch(/right on the first run, wrong after repeated runs/);
    expect(broken.boundNote).toMatch(/right on the first run/);

    const good = await runVariant(device, tiled, experiment, { caps, targetSampleSeconds: 0.001 });
    expect(good.repeatCheck).toMatchObject({ differing: 0 });
    expect(good.repeatCheck?.failure).toBeUndefined();
    expect(good.metrics.boundViolations).toBe(0);
  });
});
