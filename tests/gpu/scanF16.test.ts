import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment } from '../../src/kernels';

// Runs only where the adapter has shader-f16 (not SwiftShader): there it must meet the f16 bound.
const { caps } = await nodeDevice();
describe.skipIf(!caps.features.includes('shader-f16'))('f16 sequential scan on WebGPU', () => {
  it('within the f16 bound at L = 500 (the bound is finite for t < 512)', async () => {
    const { device, adapter } = await nodeDevice();
    const base = defaultExperiment('scan', 'sequential-f16');
    const r = await runExperiment(
      device,
      { ...base, params: { ...base.params, channels: 2, length: 500 }, reps: 1 },
      { caps, adapter, targetSampleSeconds: 0.001 },
    );
    expect(r.metrics.boundViolations).toBe(0);
  });
});
