/// <reference lib="webworker" />
// The lab worker's child: computes a registered variant's float64 reference or float32 emulation
// for the inputs it is sent, and nothing else. The lab worker ends it when Cancel arrives, which
// stops a long synchronous reference at once without touching the worker that owns the GPU
// device (see CpuWork in kernels/run.ts and workers/cpuWork.ts).
import { findVariant } from '../kernels/registry';
import type { CpuRequest, CpuReply } from './cpuWork';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CpuRequest>) => {
  const { id, kind, experiment, inputs } = event.data;
  const reply = (message: CpuReply, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  try {
    const variant = findVariant(experiment.family, experiment.variant);
    if (!variant) throw new Error(`unknown variant ${experiment.family}/${experiment.variant}`);
    if (kind === 'reference') {
      const ref = variant.reference(experiment.params, inputs);
      reply({ id, kind, reference: ref }, [ref.values.buffer, ...(ref.bound ? [ref.bound.buffer] : [])]);
    } else {
      if (!variant.emulate) throw new Error(`${variant.label} has no CPU emulation`);
      const t0 = performance.now();
      const output = variant.emulate(experiment.params, inputs);
      reply({ id, kind, output, seconds: (performance.now() - t0) / 1000 }, [output.buffer]);
    }
  } catch (e) {
    reply({ id, kind, error: e instanceof Error ? e.message : String(e) });
  }
};
