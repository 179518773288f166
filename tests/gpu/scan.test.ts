import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { extrasOf } from '../../src/kernels/extras';
import { defaultExperiment, runExperiment, type Experiment, type Params } from '../../src/kernels';

async function check(name: string, params: Params) {
  const variant = name.split(' ')[0];
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('scan', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed: 11 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Every output within u'·(2·Σ(t−s)|term_s| + R·Σ|term_s|) of float64 (src/numerics/scan.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, `worst error/bound ${result.metrics.worstBoundRatio}`).toBe(0);
  return result;
}

// Small workgroups so that several tiles / chunks are exercised at test sizes.
const SMALL: Record<string, Params> = {
  sequential: {},
  'hillis-steele': { wg: 32 },
  blelloch: { wg: 32 },
  subgroup: { wg: 64 },
  'subgroup tiny-workgroup': { wg: 8 },
  'reduce-then-scan': { wg: 32, items: 4 },
  lookback: { wg: 32, items: 4 },
  'reduce-then-scan unstaged': { wg: 16, items: 8, stage: false },
  'lookback unstaged': { wg: 16, items: 8, stage: false },
  // Segments of 4·K elements: K = 2 gives 8-element segments, so 7, 1000 and 3001 end mid-segment
  // and mid-vec4, and channels of 7 or 777 elements start inside a vec4 and inside a segment.
  'serial-lookback': { wg: 16, vec4s: 2 },
  'serial-lookback wide-segments': { wg: 4, vec4s: 16 },
  // wg 128: a multiple of every WebGPU subgroup size, so full subgroups on any adapter.
  'serial-lookback-subgroup': { wg: 128, vec4s: 1 },
  'serial-lookback-subgroup wide-segments': { wg: 128, vec4s: 4 },
  'serial-rts': { wg: 16, vec4s: 2 },
  'serial-rts wide-segments': { wg: 8, vec4s: 16 },
  copy: {},
};

describe('linear-recurrence scans on WebGPU (Dawn) against float64', () => {
  for (const [variant, extra] of Object.entries(SMALL)) {
    describe(variant, () => {
      for (const length of [1, 7, 1000, 3001]) {
        it(`inclusive, decay, 3 channels × ${length}`, async () => {
          await check(variant, { ...extra, channels: 3, length, mode: 'inclusive', decay: 'decay' });
        });
      }
      it('exclusive, signed a, 2 × 777', async () => {
        await check(variant, { ...extra, channels: 2, length: 777, mode: 'exclusive', decay: 'signed' });
      });
      it('exclusive, length 1 (output is exactly 0)', async () => {
        const r = await check(variant, { ...extra, channels: 2, length: 1, mode: 'exclusive', decay: 'decay' });
        if (variant !== 'copy') expect(r.metrics.maxAbs).toBe(0);
      });
      it('a = 0 (h_t = b_t exactly)', async () => {
        const r = await check(variant, { ...extra, channels: 2, length: 333, mode: 'inclusive', decay: 'zeros' });
        if (variant !== 'copy') expect(r.metrics.maxAbs).toBe(0);
      });
      it('a = 1 (prefix sum), exclusive', async () => {
        await check(variant, { ...extra, channels: 2, length: 1234, mode: 'exclusive', decay: 'ones' });
      });
    });
  }

  // Diagonal SSM initialisations as channels (complex modes as demodulated channel pairs): the
  // same float64 reference and bound, on odd lengths and an odd channel count (the last mode has
  // only its real channel).
  for (const decay of ['s4d-real', 'legs', 'lin', 'inv', 'ptd']) {
    for (const [variant, extra] of [
      ['sequential', {}],
      ['blelloch', { wg: 32 }],
      ['serial-lookback', { wg: 16, vec4s: 2 }],
      ['serial-lookback-subgroup', { wg: 128, vec4s: 1 }],
      ['serial-rts', { wg: 16, vec4s: 2 }],
    ] as const) {
      it(`SSM init ${decay}: ${variant}, 5 channels × 1001 and 4 × 7`, async () => {
        const r = await check(variant, { ...extra, channels: 5, length: 1001, mode: 'inclusive', decay });
        const extras = extrasOf(r, 'scan');
        const ssm = extras?.kind === 'linear-scan' ? extras.ssm : undefined;
        expect(ssm?.init).toBe(decay);
        expect(ssm!.modes.length).toBe(decay === 's4d-real' ? 5 : 3);
        for (const m of ssm!.modes) expect(m.maxError).toBeLessThanOrEqual(m.maxBound);
        await check(variant, { ...extra, channels: 4, length: 7, mode: 'exclusive', decay });
      });
    }
  }

  it('look-back with spin limit 0 takes the fallback on every step and is still right', async () => {
    await check('lookback', { wg: 32, items: 2, channels: 2, length: 2000, spin: 0, mode: 'inclusive', decay: 'signed' });
    await check('lookback', { wg: 16, items: 8, channels: 2, length: 2000, spin: 0, mode: 'exclusive', decay: 'signed', stage: false });
    // Serial look-back: every predecessor segment is recomputed from its inputs, in order.
    await check('serial-lookback', { wg: 8, vec4s: 2, channels: 3, length: 301, spin: 0, mode: 'inclusive', decay: 'signed' });
    await check('serial-lookback', { wg: 4, vec4s: 1, channels: 1, length: 203, spin: 0, mode: 'exclusive', decay: 'decay' });
    await check('serial-lookback-subgroup', { wg: 128, vec4s: 1, channels: 3, length: 1301, spin: 0, mode: 'inclusive', decay: 'signed' });
  });

  it('the bound is not vacuous: a result off by 1e-3 at one late position fails it (broken kernels: mutations.test.ts)', async () => {
    const result = await check('blelloch', { wg: 32, channels: 1, length: 500 });
    const { computeMetrics } = await import('../../src/numerics/metrics');
    const { blelloch } = await import('../../src/kernels/scan/blelloch');
    const params = result.experiment.params;
    const ref = blelloch.reference(params, blelloch.makeInputs(params, result.experiment.seed));
    const wrong = Float32Array.from(ref.values);
    // Dropping a single late term b_t (|b| ~ 0.5) must break the bound.
    wrong[400] -= 1e-3;
    expect(computeMetrics(wrong, ref.values, ref.bound).boundViolations).toBe(1);
    expect(ref.bound![400]).toBeLessThan(1e-4);
  });
});
