// An edited variant: the registry's variant with some dispatches' WGSL (and workgroup grids)
// replaced by the user's, and nothing else changed — the same seeded inputs, buffers, float64
// reference and bound, work model and timing harness (runVariant). Its label and its results
// carry a hash of the whole edited program, so History can tell edits apart.
import type { DeviceCaps, GpuPlan, KernelVariant } from './types';

export interface EditSpec {
  /** The edited WGSL, by dispatch index (dispatches not listed keep the generated source). */
  sources: Record<number, string>;
  /** The workgroup grid of a dispatch, by index (default: the variant's). */
  workgroups?: Record<number, [number, number, number]>;
}

/** The plan with the edit applied. */
export function editedPlan(plan: GpuPlan, edit: EditSpec): GpuPlan {
  return {
    ...plan,
    dispatches: plan.dispatches.map((d, i) => ({
      ...d,
      ...(edit.sources[i] !== undefined ? { wgsl: edit.sources[i] } : {}),
      ...(edit.workgroups?.[i] ? { workgroups: edit.workgroups[i] } : {}),
    })),
  };
}

/** What about an edit's workgroup grids breaks the device's limits, in words. */
export function gridProblems(edit: EditSpec, caps: DeviceCaps): string[] {
  const out: string[] = [];
  const max = caps.limits.maxComputeWorkgroupsPerDimension;
  for (const [i, grid] of Object.entries(edit.workgroups ?? {})) {
    grid.forEach((n, axis) => {
      const name = 'xyz'[axis];
      if (!Number.isInteger(n) || n < 1) out.push(`dispatch ${Number(i) + 1}: ${name} workgroup count ${n} is not a whole number ≥ 1`);
      else if (n > max) out.push(`dispatch ${Number(i) + 1}: ${name} workgroup count ${n} is above this device's maxComputeWorkgroupsPerDimension (${max})`);
    });
  }
  return out;
}

/** What about a workgroup size breaks the device's limits, in words. */
export function workgroupSizeProblems(size: [number, number, number], caps: DeviceCaps): string[] {
  const l = caps.limits;
  const out: string[] = [];
  const axes = [l.maxComputeWorkgroupSizeX, l.maxComputeWorkgroupSizeY, l.maxComputeWorkgroupSizeZ];
  size.forEach((n, axis) => {
    if (n > axes[axis]) out.push(`@workgroup_size ${'xyz'[axis]} = ${n} is above this device's maxComputeWorkgroupSize${'XYZ'[axis]} (${axes[axis]})`);
  });
  const invocations = size[0] * size[1] * size[2];
  if (invocations > l.maxComputeInvocationsPerWorkgroup) {
    out.push(
      `@workgroup_size(${size.join(', ')}) is ${invocations} invocations, above this device's maxComputeInvocationsPerWorkgroup (${l.maxComputeInvocationsPerWorkgroup})`,
    );
  }
  return out;
}

/** The variant with the edit applied; `hash` names the edited program (editHash). */
export function editedVariant(base: KernelVariant, edit: EditSpec, hash: string): KernelVariant {
  return {
    ...base,
    label: `${base.label} (edited #${hash})`,
    checkLimits: (params, caps) => [...base.checkLimits(params, caps), ...gridProblems(edit, caps)],
    plan: (params, inputs, caps) => editedPlan(base.plan(params, inputs, caps), edit),
    // The edit runs on the GPU only: the CPU emulation is of the generated kernel.
    emulate: undefined,
    noEmulationReason: 'an edited kernel runs only on the GPU (the CPU emulation is of the generated kernel)',
  };
}

/** SHA-256 of the whole program (every dispatch's source, in order), as 12 hex digits. */
export async function editHash(sources: string[]): Promise<string> {
  const bytes = new TextEncoder().encode(sources.join('\u0000'));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
