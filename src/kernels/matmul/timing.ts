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

/** A plan's buffers (uploaded), its buffers to clear before each run, and its dispatches ready to encode. */
export interface PlanResources {
  buffers: Map<string, GPUBuffer>;
  resets: GPUBuffer[];
  steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }[];
  destroy(): void;
}

/**
 * Makes a plan ready to run repeatedly (errors of validation are the caller's to scope).
 * `extraUsage` is added to every storage buffer's usage (COPY_SRC, to read an output back).
 */
export async function createPlanResources(device: GPUDevice, plan: GpuPlan, extraUsage = 0): Promise<PlanResources> {
  const buffers = new Map<string, GPUBuffer>();
  const destroy = () => {
    for (const b of buffers.values()) b.destroy();
  };
  try {
    for (const spec of plan.buffers) {
      const bytes = Math.max(16, Math.ceil((spec.data ? spec.data.byteLength : (spec.bytes ?? 0)) / 16) * 16);
      const usage = spec.usage === 'uniform' ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage;
      const buffer = device.createBuffer({ label: spec.name, size: bytes, usage });
      if (spec.data) device.queue.writeBuffer(buffer, 0, spec.data.buffer, spec.data.byteOffset, spec.data.byteLength);
      buffers.set(spec.name, buffer);
    }
    const resets = plan.buffers.filter((b) => b.resetEachRun).map((b) => buffers.get(b.name)!);
    const steps: PlanResources['steps'] = [];
    for (const d of plan.dispatches) {
      const pipeline = await getPipeline(device, d.label, d.wgsl, d.entryPoint);
      const bindGroup = device.createBindGroup({
        label: d.label,
        layout: pipeline.getBindGroupLayout(0),
        entries: d.bindings.map((b, binding) => ({ binding, resource: { buffer: buffers.get(bufferOf(b))! } })),
      });
      steps.push({ pipeline, bindGroup, workgroups: [d.workgroups[0], d.workgroups[1] ?? 1, d.workgroups[2] ?? 1] });
    }
    return { buffers, resets, steps, destroy };
  } catch (e) {
    destroy();
    throw e;
  }
}

/** One run of the plan encoded into `pass` (its resets were cleared before the pass began). */
export function encodeRun(pass: GPUComputePassEncoder, resources: PlanResources): void {
  for (const s of resources.steps) {
    pass.setPipeline(s.pipeline);
    pass.setBindGroup(0, s.bindGroup);
    pass.dispatchWorkgroups(...s.workgroups);
  }
}

export async function preparePlan(device: GPUDevice, plan: GpuPlan, targetSampleSeconds = 0.02): Promise<PreparedPlan> {
  device.pushErrorScope('validation');
  let scopeOpen = true;
  let resources: PlanResources | undefined;
  try {
    resources = await createPlanResources(device, plan);
    const ready = resources;
    const runs = async (n: number): Promise<number> => {
      const encoder = device.createCommandEncoder();
      for (let r = 0; r < n; r++) {
        for (const b of ready.resets) encoder.clearBuffer(b);
        const pass = encoder.beginComputePass();
        encodeRun(pass, ready);
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
    return { sample: async () => (await runs(runsPerSample)) / runsPerSample, runsPerSample, destroy: ready.destroy };
  } catch (e) {
    if (scopeOpen) await device.popErrorScope().catch(() => null);
    resources?.destroy();
    throw e;
  }
}
