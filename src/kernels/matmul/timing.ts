// Cheap repeated timing of one plan, for the tuner and the sweeps that judge it: the buffers,
// pipelines and bind groups are made once, the plan is run once untimed (first use), and each
// sample is then one submission of enough runs to last about `targetSampleSeconds` on the wall
// clock (one run on a CPU adapter, many on a GPU). Nothing is read back: correctness is judged
// separately, by the float64-checked run of runExperiment. Validation errors fail loudly.
import { bufferOf } from '../../gpu/bindings';
import { getPipeline } from '../../gpu/runner';
import type { GpuPlan } from '../../gpu/types';

export interface PreparedPlan {
  /** Seconds per run of the plan, from one submission of `runsPerSample` runs. */
  sample(): Promise<number>;
  runsPerSample: number;
  destroy(): void;
}

export async function preparePlan(device: GPUDevice, plan: GpuPlan, targetSampleSeconds = 0.02): Promise<PreparedPlan> {
  const buffers = new Map<string, GPUBuffer>();
  const destroy = () => {
    for (const b of buffers.values()) b.destroy();
  };
  device.pushErrorScope('validation');
  let scopeOpen = true;
  try {
    for (const spec of plan.buffers) {
      const bytes = Math.max(16, Math.ceil((spec.data ? spec.data.byteLength : (spec.bytes ?? 0)) / 16) * 16);
      const usage = spec.usage === 'uniform' ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
      const buffer = device.createBuffer({ label: spec.name, size: bytes, usage });
      if (spec.data) device.queue.writeBuffer(buffer, 0, spec.data.buffer, spec.data.byteOffset, spec.data.byteLength);
      buffers.set(spec.name, buffer);
    }
    const resets = plan.buffers.filter((b) => b.resetEachRun).map((b) => buffers.get(b.name)!);
    const steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }[] = [];
    for (const d of plan.dispatches) {
      const pipeline = await getPipeline(device, d.label, d.wgsl, d.entryPoint);
      const bindGroup = device.createBindGroup({
        label: d.label,
        layout: pipeline.getBindGroupLayout(0),
        entries: d.bindings.map((b, binding) => ({ binding, resource: { buffer: buffers.get(bufferOf(b))! } })),
      });
      steps.push({ pipeline, bindGroup, workgroups: [d.workgroups[0], d.workgroups[1] ?? 1, d.workgroups[2] ?? 1] });
    }
    const runs = async (n: number): Promise<number> => {
      const encoder = device.createCommandEncoder();
      for (let r = 0; r < n; r++) {
        for (const b of resets) encoder.clearBuffer(b);
        const pass = encoder.beginComputePass();
        for (const s of steps) {
          pass.setPipeline(s.pipeline);
          pass.setBindGroup(0, s.bindGroup);
          pass.dispatchWorkgroups(...s.workgroups);
        }
        pass.end();
      }
      const commands = encoder.finish();
      const t0 = performance.now();
      device.queue.submit([commands]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / 1000;
    };
    await runs(1); // first use: never timed
    const once = await runs(1);
    const error = await device.popErrorScope();
    scopeOpen = false;
    if (error) throw new Error(`WebGPU validation error: ${error.message}`);
    const runsPerSample = Math.max(1, Math.min(1000, Math.round(targetSampleSeconds / Math.max(once, 1e-7))));
    return { sample: async () => (await runs(runsPerSample)) / runsPerSample, runsPerSample, destroy };
  } catch (e) {
    if (scopeOpen) await device.popErrorScope().catch(() => null);
    destroy();
    throw e;
  }
}
