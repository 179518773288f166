import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan, ShaderCompileError } from '../../src/gpu/runner';
import type { GpuPlan } from '../../src/kernels';

// out[i] = i + number of runs since the last reset of `counter` (so a missing reset shows).
const COUNTING_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> counter : array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> out : array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  if (gid.x >= 256u) { return; }
  let seen = atomicAdd(&counter[gid.x], 1u);
  out[gid.x] = gid.x + seen;
}
`;

function countingPlan(wgsl = COUNTING_WGSL): GpuPlan {
  return {
    buffers: [
      { name: 'counter', bytes: 256 * 4, usage: 'storage', resetEachRun: true },
      { name: 'out', bytes: 256 * 4, usage: 'storage' },
    ],
    dispatches: [{ label: 'count', wgsl, bindings: ['counter', 'out'], workgroups: [4] }],
    output: { buffer: 'out', type: 'u32', count: 256 },
  };
}

describe('plan runner', () => {
  it('clears resetEachRun buffers before every run, with many runs between two timestamps', async () => {
    const { device } = await nodeDevice();
    // A large target forces several runs per sample (the middle passes carry no timestamps).
    const run = await runPlan(device, countingPlan(), { reps: 3, targetSampleSeconds: 1, maxRunsPerSample: 5 });
    expect(run.timing.runsPerSample).toBe(5);
    expect([...run.output]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(run.seconds.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
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
    plan.dispatches[0].bindings = ['counter', 'nope'];
    await expect(runPlan(device, plan, { reps: 1 })).rejects.toThrow('unknown buffer "nope"');
    const run = await runPlan(device, countingPlan(), { reps: 1 });
    expect(run.output[1]).toBe(1);
  });
});
