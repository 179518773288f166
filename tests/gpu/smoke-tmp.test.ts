import { it, expect } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment } from '../../src/kernels';
it('smoke', async () => {
  const { device, caps, adapter } = await nodeDevice();
  for (const [variant, extra] of [
    ['moe-grouped', { strategy: 'block-sparse', tokens: 37, hidden: 19, ffn: 23, experts: 5 }],
    ['moe-grouped', { strategy: 'padded', tokens: 37, hidden: 19, ffn: 23, experts: 5 }],
    ['moe-grouped', { strategy: 'per-expert', tokens: 37, hidden: 19, ffn: 23, experts: 5 }],
    ['spgemm-hash', { strategy: 'hash', M: 37, N: 41, K: 29, density: 10, densityB: 20 }],
    ['spgemm-hash', { strategy: 'hash', M: 37, N: 41, K: 29, density: 10, densityB: 20, table: 16 }],
    ['spgemm-hash', { strategy: 'sort', M: 37, N: 41, K: 29, density: 10, densityB: 20 }],
    ['spgemm-hash', { strategy: 'dense', M: 37, N: 41, K: 29, density: 10, densityB: 20 }],
  ] as const) {
    const base = defaultExperiment('sparse', variant);
    const r = await runExperiment(device, { ...base, params: { ...base.params, ...extra }, reps: 2, seed: 3 }, { caps, adapter, targetSampleSeconds: 0.001 });
    console.log(variant, JSON.stringify(extra), r.metrics.boundViolations, r.metrics.count, r.metrics.maxAbs, r.wgsl.map((w) => w.label).slice(0, 3).join(' | '), r.repeatCheck?.differing);
    expect(r.metrics.boundViolations).toBe(0);
  }
});
