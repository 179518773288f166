// The live editor's worker side on Dawn: an equivalent edit passes against float64 beside the
// unedited kernel (with the timing ratio of the same job), a wrong edit fails, an endless loop is
// refused by the loop guard without hanging the device, and compile as you type reports the
// compiler's line and the binding contract.
import { describe, expect, it } from 'vitest';
import { nodeAssetLoader, nodeDevice } from '../../src/gpu/node-device';
import type { AcquiredDevice } from '../../src/gpu/device';
import { handleEditorMessage, type EditorHost } from '../../src/workers/editor';
import type { EditorFromWorker, EditorPlan } from '../../src/workers/editorProtocol';
import type { Experiment } from '../../src/kernels/types';

const experiment: Experiment = { family: 'matmul', variant: 'tiled', params: { M: 32, N: 32, K: 32, tile: 8 }, seed: 7, reps: 2 };

async function ask(message: Parameters<typeof handleEditorMessage>[0], acquired: AcquiredDevice) {
  const replies: (EditorFromWorker | { type: string; [k: string]: unknown })[] = [];
  const host: EditorHost = {
    device: () => acquired,
    noDeviceReason: () => 'none',
    post: (m) => replies.push(m),
    cancelled: () => false,
    loadAsset: nodeAssetLoader,
    compileDevice: async () => acquired,
  };
  await handleEditorMessage(message, host);
  return replies;
}

async function generated(acquired: AcquiredDevice): Promise<EditorPlan> {
  const [reply] = await ask({ type: 'editor-plan', id: 1, experiment }, acquired);
  if (reply.type !== 'editor-plan' || !('plan' in reply) || !reply.plan) throw new Error(`no plan: ${JSON.stringify(reply)}`);
  return reply.plan as EditorPlan;
}

function edited(replies: Awaited<ReturnType<typeof ask>>) {
  const r = replies.find((m) => m.type === 'editor-result');
  if (r?.type !== 'editor-result') throw new Error(`no result: ${JSON.stringify(replies.filter((m) => m.type !== 'progress'))}`);
  return r as Extract<EditorFromWorker, { type: 'editor-result' }>;
}

describe('live editor in the worker (Dawn)', () => {
  it('an equivalent edit (the inner loop reversed) passes against float64, with the unedited kernel timed in the same job', async () => {
    const acquired = await nodeDevice();
    const plan = await generated(acquired);
    const source = plan.dispatches[0].wgsl;
    const loop = 'for (var k = 0u; k < T; k++) {\n      acc += tileA[lid.y * T + k] * tileB[k * T + lid.x];';
    expect(source).toContain(loop);
    const reversed = source.replace(
      loop,
      'for (var j = 0u; j < T; j++) {\n      let k = T - 1u - j;\n      acc += tileA[lid.y * T + k] * tileB[k * T + lid.x];',
    );
    const r = edited(await ask({ type: 'editor-run', id: 2, experiment, edit: { sources: { 0: reversed } } }, acquired));
    // The bound is the variant's own (γ_K·Σ|a·b|): a reordered sum of K = 32 products stays within it.
    expect(r.edited.metrics.boundViolations).toBe(0);
    expect(r.builtIn.metrics.boundViolations).toBe(0);
    expect(r.edited.edit?.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(r.edited.variantLabel).toContain(`edited #${r.edited.edit!.hash}`);
    expect(r.edited.wgsl[0].source).toBe(reversed);
    expect(r.ratio).toBeCloseTo(r.edited.medianSeconds / r.builtIn.medianSeconds, 10);
    expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
    expect(r.edited.edit?.ratio).toBe(r.ratio);
    // The loop guard counted iterations: the tiled kernel has K/T outer and T inner steps.
    expect(r.probe.builtInIterations).toBe(32 / 8 + 32);
    expect(r.probe.editIterations).toBe(32 / 8 + 32);
  });

  it('a wrong edit (B read transposed) runs and fails the float64 check', async () => {
    const acquired = await nodeDevice();
    const source = (await generated(acquired)).dispatches[0].wgsl;
    const wrong = source.replace('tileB[k * T + lid.x]', 'tileB[lid.x * T + k]');
    expect(wrong).not.toBe(source);
    const r = edited(await ask({ type: 'editor-run', id: 3, experiment, edit: { sources: { 0: wrong } } }, acquired));
    expect(r.builtIn.metrics.boundViolations).toBe(0);
    expect(r.edited.metrics.boundViolations).toBeGreaterThan(0);
  });

  it('an endless loop is refused by the loop guard with its line, and the device runs the next edit', async () => {
    const acquired = await nodeDevice();
    const source = (await generated(acquired)).dispatches[0].wgsl;
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.includes('for (var k = 0u; k < T; k++)'));
    // k never grows: the loop never ends.
    lines[at] = lines[at].replace('k++', 'k += 0u');
    const replies = await ask({ type: 'editor-run', id: 4, experiment, edit: { sources: { 0: lines.join('\n') } } }, acquired);
    const refused = replies.find((m) => m.type === 'editor-refused') as Extract<EditorFromWorker, { type: 'editor-refused' }>;
    expect(refused, JSON.stringify(replies.filter((m) => m.type !== 'progress'))).toBeDefined();
    // One counter per invocation: the guard stops the endless inner loop and the outer one around it; both are named.
    expect(refused.lines).toContain(at + 1);
    expect(refused.message).toContain(`line`);
    expect(refused.message).toMatch(new RegExp(`\\b${at + 1}\\b`));
    expect(refused.message).toMatch(/never ends/);
    const next = edited(await ask({ type: 'editor-run', id: 5, experiment, edit: { sources: { 0: source } } }, acquired));
    expect(next.edited.metrics.boundViolations).toBe(0);
  });

  it('compile as you type: a syntax error at its line and column, a binding mismatch in words, no pipeline for either', async () => {
    const acquired = await nodeDevice();
    const source = (await generated(acquired)).dispatches[0].wgsl;
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.includes('var acc = 0.0;'));
    lines[at] = lines[at].replace('var acc = 0.0;', 'var acc = 0.0');
    const [syntax] = await ask({ type: 'editor-compile', id: 6, experiment, edit: { sources: { 0: lines.join('\n') } } }, acquired);
    if (syntax.type !== 'editor-compiled') throw new Error('no compile reply');
    const d = (syntax as Extract<EditorFromWorker, { type: 'editor-compiled' }>).dispatches[0];
    const error = d.messages.find((m) => m.source === 'compiler' && m.severity === 'error');
    expect(error?.line).toBe(at + 2); // the parser complains where the next statement starts
    expect(d.ready).toBe(false);

    const readOnlyOutput = source.replace('var<storage, read_write> c', 'var<storage, read> c');
    expect(readOnlyOutput).not.toBe(source);
    const [contract] = (await ask({ type: 'editor-compile', id: 7, experiment, edit: { sources: { 0: readOnlyOutput } } }, acquired)) as Extract<
      EditorFromWorker,
      { type: 'editor-compiled' }
    >[];
    const binding = contract.dispatches[0].messages.find((m) => m.source === 'bindings' && m.severity === 'error');
    expect(binding?.message).toMatch(/read/);
    expect(contract.dispatches[0].ready).toBe(false);

    const [clean] = (await ask({ type: 'editor-compile', id: 8, experiment, edit: { sources: { 0: source } } }, acquired)) as Extract<
      EditorFromWorker,
      { type: 'editor-compiled' }
    >[];
    expect(clean.dispatches[0].messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(clean.dispatches[0].ready).toBe(true);
    expect(clean.dispatches[0].workgroupSize).toEqual([8, 8, 1]);
  });

  it('Check: the tiled kernel without its second barrier has a write-after-read hazard with both lines', async () => {
    const acquired = await nodeDevice();
    const source = (await generated(acquired)).dispatches[0].wgsl;
    const last = source.lastIndexOf('workgroupBarrier();');
    const broken = source.slice(0, last) + source.slice(last + 'workgroupBarrier();'.length);
    const replies = await ask({ type: 'editor-check', id: 9, experiment, edit: { sources: { 0: broken } }, budgetMs: 20_000, maxWorkgroups: 4 }, acquired);
    const r = replies.find((m) => m.type === 'editor-check-result') as Extract<EditorFromWorker, { type: 'editor-check-result' }>;
    expect(r.report.verdict).toBe('problems');
    const hazard = r.report.problems.find((p) => p.kind === 'hazard');
    expect(hazard?.message).toMatch(/Write-after-read/);
    expect(hazard?.lines?.length).toBe(2);
  });
});
