// What the scripts that time plans in alternating passes share (scan-copy-ratio, scan-anatomy):
// a plan made ready once (createPlanResources, as the tuner's timing), timed one run at a time
// between GPU timestamps, and its output read back.
import type { GpuPlan } from '../../src/kernels';
import { createPlanResources, encodeRun } from '../../src/kernels/matmul/timing';

/** The q-quantile of x, interpolated between the two nearest samples. */
export function quantile(x: number[], q: number): number {
  const s = [...x].sort((p, r) => p - r);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

export interface TimedPlan {
  /** Seconds of one run between GPU timestamps (the resets are cleared before the timed pass). */
  time(): Promise<number>;
  /** What the last run left in the plan's output (its first `count` float32 values). */
  readOutput(): Promise<Float32Array>;
}

export async function preparePlan(device: GPUDevice, plan: GpuPlan): Promise<TimedPlan> {
  const resources = await createPlanResources(device, plan, GPUBufferUsage.COPY_SRC);
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
  const resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const readOutput = async (): Promise<Float32Array> => {
    const out = resources.buffers.get(plan.output.buffer)!;
    const bytes = 4 * plan.output.count;
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(out, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return values;
  };
  const time = async (): Promise<number> => {
    const encoder = device.createCommandEncoder();
    for (const b of resources.resets) encoder.clearBuffer(b);
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
    encodeRun(pass, resources);
    pass.end();
    encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 0, 16);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const [t0, t1] = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    return Number(t1 - t0) / 1e9;
  };
  return { time, readOutput };
}
