import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { extrasOf } from '../../src/kernels/extras';
import { defaultExperiment, runExperiment, type Experiment, type Params } from '../../src/kernels';

async function run(variant: string, params: Params) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('scan', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed: 5 };
  return runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
}

async function check(variant: string, params: Params) {
  const result = await run(variant, params);
  // Within the first-order float32 bound of s6Reference (WGSL exp/log accuracy, scan rounding,
  // γ_{N+1} for the C·x sum, silu gate): see src/numerics/scan.ts.
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  return result;
}

const SHAPES: Params[] = [
  { batch: 1, channels: 1, state: 1, length: 1 },
  { batch: 2, channels: 3, state: 16, length: 100 },
  { batch: 1, channels: 4, state: 5, length: 333 },
];

describe('selective scan (S6) on WebGPU against float64', () => {
  for (const shape of SHAPES) {
    const name = `B${shape.batch} D${shape.channels} N${shape.state} L${shape.length}`;
    it(`sequential ${name}, gate + bias + softplus`, async () => {
      await check('s6-sequential', shape);
    });
    for (const chunk of [1, 16, 64]) {
      it(`chunked T=${chunk} ${name}`, async () => {
        await check('s6-chunked', { ...shape, chunk });
      });
      it(`chunkwise matrix form T=${chunk} ${name}`, async () => {
        await check('s6-chunkwise', { ...shape, chunk });
      });
      it(`states in registers T=${chunk} ${name}`, async () => {
        await check('s6-registers', { ...shape, chunk });
      });
    }
  }
  it('states in registers with N = 40 (past the unrolled sizes: a loop over a private array)', async () => {
    await check('s6-registers', { batch: 2, channels: 3, state: 40, length: 61, chunk: 16 });
  });

  it('without gate, bias and softplus (Δ used as given)', async () => {
    const p = { batch: 1, channels: 2, state: 8, length: 200, gate: false, deltaBias: false, softplus: false };
    await check('s6-sequential', p);
    await check('s6-chunked', { ...p, chunk: 32 });
    await check('s6-chunkwise', { ...p, chunk: 32 });
    await check('s6-registers', { ...p, chunk: 32 });
  });

  // A from each SSM initialisation (real parts): odd shapes, every S6 form.
  for (const init of ['legs', 'lin', 'inv', 'ptd']) {
    it(`init ${init}: B1 D3 N5 L77, sequential, chunked T=16, chunkwise T=16`, async () => {
      const p = { batch: 1, channels: 3, state: 5, length: 77, init };
      const seq = await check('s6-sequential', p);
      await check('s6-chunked', { ...p, chunk: 16 });
      await check('s6-chunkwise', { ...p, chunk: 16 });
      await check('s6-registers', { ...p, chunk: 7 });
      const extras = extrasOf(seq, 'scan');
      const ssm = extras?.kind === 's6' ? extras.ssm : undefined;
      expect(ssm?.init).toBe(init);
      for (const m of ssm!.modes) expect(m.maxError).toBeLessThanOrEqual(m.maxBound);
    });
  }

  it('chunked agrees with sequential (same float32 work, different bracketing)', async () => {
    const p = { batch: 1, channels: 4, state: 16, length: 500 };
    const seq = await check('s6-sequential', p);
    const chunked = await check('s6-chunked', { ...p, chunk: 32 });
    const chunkwise = await check('s6-chunkwise', { ...p, chunk: 32 });
    expect(chunkwise.metrics.relFrobenius).toBeLessThan(1e-5);
    // Both are within their bounds of float64; so |seq − chunked| ≤ bound_seq + bound_chunked.
    // Their SQNR against float64 should also be of the same order (both ≈ float32 rounding).
    expect(seq.metrics.relFrobenius).toBeLessThan(1e-5);
    expect(chunked.metrics.relFrobenius).toBeLessThan(1e-5);
  });

  it('the bound is not vacuous: a state that dropped one token fails', async () => {
    const { s6Reference, s6Inputs } = await import('../../src/numerics/scan');
    const shape = { batch: 1, channels: 1, state: 4, length: 50, hasZ: true, hasDeltaBias: true, softplus: true };
    const x = s6Inputs(shape, 5);
    const ref = s6Reference(shape, x, 2);
    const skipped = { ...x, B: Float32Array.from(x.B) };
    for (let n = 0; n < 4; n++) skipped.B[n * 50 + 45] = 0; // token 45 contributes nothing
    const wrong = s6Reference(shape, skipped, 2);
    let violations = 0;
    for (let i = 0; i < ref.values.length; i++) if (Math.abs(wrong.values[i] - ref.values[i]) > ref.bound[i]) violations++;
    expect(violations).toBeGreaterThan(3);
  });
});
