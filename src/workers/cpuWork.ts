// The lab worker's CpuWork (kernels/run.ts): a registered variant's reference and emulation run
// in a child worker (cpu.worker.ts). The lab worker only awaits its reply — a macrotask — so its
// own event loop stays free: a Cancel message is handled at once, and abort() ends the child,
// which stops the synchronous numerics wherever they are. The GPU device, owned by the lab
// worker, is untouched; the next call starts a fresh child. Variants that are not in the registry
// (an edited kernel, a test's variant) run in this thread (IN_THREAD).
import { CancelledError } from '../gpu/runner';
import { findVariant } from '../kernels/registry';
import { IN_THREAD, type CpuWork } from '../kernels/run';
import type { Experiment, HostArray, KernelVariant, ReferenceResult } from '../kernels/types';

export type CpuRequest = { id: number; kind: 'reference' | 'emulate'; experiment: Experiment; inputs: Record<string, HostArray> };
export type CpuReply =
  | { id: number; kind: 'reference'; reference: ReferenceResult }
  | { id: number; kind: 'emulate'; output: Float32Array; seconds: number }
  | { id: number; kind: 'reference' | 'emulate'; error: string };

export interface AbortableCpuWork extends CpuWork {
  /** Ends the child (and with it any reference or emulation in progress): pending calls reject with CancelledError. */
  abort(): void;
}

export function childCpuWork(): AbortableCpuWork {
  let child: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: CpuReply) => void; reject: (e: Error) => void }>();

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(new URL('./cpu.worker.ts', import.meta.url), { type: 'module', name: 'kernel-lab-cpu' });
    w.onmessage = (event: MessageEvent<CpuReply>) => {
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      p?.resolve(event.data);
    };
    w.onerror = (event) => {
      event.preventDefault();
      if (child === w) child = null;
      w.terminate();
      failAll(new Error(`the CPU worker failed: ${event.message || 'unknown error'}`));
    };
    return w;
  };
  const call = (variant: KernelVariant, kind: CpuRequest['kind'], experiment: Experiment, inputs: Record<string, HostArray>): Promise<CpuReply> | null => {
    if (typeof Worker === 'undefined' || findVariant(variant.family, variant.id) !== variant) return null;
    child ??= start();
    const id = nextId++;
    return new Promise<CpuReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Inputs are copied, not transferred: the lab worker still reads them for the extras.
      child!.postMessage({ id, kind, experiment, inputs } satisfies CpuRequest);
    });
  };
  const unwrap = <K extends CpuRequest['kind']>(reply: CpuReply, kind: K): Extract<CpuReply, { kind: K }> => {
    if ('error' in reply) throw new Error(reply.error);
    if (reply.kind !== kind) throw new Error(`the CPU worker answered ${reply.kind} to ${kind}`);
    return reply as Extract<CpuReply, { kind: K }>;
  };
  return {
    async reference(variant, experiment, inputs) {
      const reply = call(variant, 'reference', experiment, inputs);
      if (!reply) return IN_THREAD.reference(variant, experiment, inputs);
      return (unwrap(await reply, 'reference') as { reference: ReferenceResult }).reference;
    },
    async emulate(variant, experiment, inputs) {
      const reply = call(variant, 'emulate', experiment, inputs);
      if (!reply) return IN_THREAD.emulate(variant, experiment, inputs);
      const r = unwrap(await reply, 'emulate') as { output: Float32Array; seconds: number };
      return { output: r.output, seconds: r.seconds };
    },
    abort() {
      if (!child && pending.size === 0) return;
      child?.terminate();
      child = null;
      failAll(new CancelledError());
    },
  };
}
