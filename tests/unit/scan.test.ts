import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { findVariant } from '../../src/kernels';
import { problemsFor } from '../../src/kernels/schema';
import { computeMetrics } from '../../src/numerics/metrics';
import { linearScanFloat32, linearScanInputs, linearScanReference, s6Float32, s6Inputs, s6Reference, softplus } from '../../src/numerics/scan';
import { scanDataflow } from '../../src/numerics/scanDataflow';

describe('linear recurrence reference', () => {
  it('matches a hand-computed recurrence', () => {
    const a = Float32Array.from([0.5, 0.25, 1, 0]);
    const b = Float32Array.from([1, 2, -1, 3]);
    const inc = linearScanReference(a, b, 1, 4, false, 1);
    // h0 = 1, h1 = 0.25·1 + 2 = 2.25, h2 = 2.25 − 1 = 1.25, h3 = 0·1.25 + 3 = 3
    expect(Array.from(inc.values)).toEqual([1, 2.25, 1.25, 3]);
    const exc = linearScanReference(a, b, 1, 4, true, 1);
    expect(Array.from(exc.values)).toEqual([0, 1, 2.25, 1.25]);
  });

  it('the float32 sequential loop stays within the bound (R = 1), and the bound is within 100× of the worst error seen', () => {
    for (const mode of ['decay', 'signed', 'ones'] as const) {
      const { a, b } = linearScanInputs(3, 5000, 9, mode);
      const ref = linearScanReference(a, b, 3, 5000, false, 1);
      const f32 = linearScanFloat32(a, b, 3, 5000, false);
      const m = computeMetrics(f32, ref.values, ref.bound);
      expect(m.boundViolations).toBe(0);
      expect(m.worstBoundRatio).toBeGreaterThan(0.01);
    }
  });

  it('inputs keep |a| ≤ 1 and are reproducible', () => {
    const x = linearScanInputs(2, 1000, 3, 'decay');
    const y = linearScanInputs(2, 1000, 3, 'decay');
    expect(x.a).toEqual(y.a);
    expect(Math.max(...x.a)).toBeLessThanOrEqual(1);
    expect(Math.min(...x.a)).toBeGreaterThan(0.76);
  });
});

describe('selective scan reference', () => {
  const shape = { batch: 2, channels: 3, state: 8, length: 300, hasZ: true, hasDeltaBias: true, softplus: true };

  it('the float32 CPU emulation stays within the bound', () => {
    const x = s6Inputs(shape, 4);
    const ref = s6Reference(shape, x, 2);
    const m = computeMetrics(s6Float32(shape, x), ref.values, ref.bound);
    expect(m.boundViolations).toBe(0);
  });

  it('agrees with a direct transcription of selective_scan_ref for one channel', () => {
    const small = { ...shape, batch: 1, channels: 1, state: 2, length: 3 };
    const x = s6Inputs(small, 1);
    const ref = s6Reference(small, x, 1);
    const h = [0, 0];
    for (let l = 0; l < 3; l++) {
      const dt = softplus(x.delta[l] + x.deltaBias[0]);
      let y = 0;
      for (let n = 0; n < 2; n++) {
        h[n] = Math.exp(dt * x.A[n]) * h[n] + dt * x.B[n * 3 + l] * x.u[l];
        y += h[n] * x.C[n * 3 + l];
      }
      y += x.D[0] * x.u[l];
      const z = x.z[l];
      y *= z / (1 + Math.exp(-z));
      expect(ref.values[l]).toBeCloseTo(y, 12);
    }
    expect(ref.values[3]).toBeCloseTo(h[0], 12);
    expect(ref.values[4]).toBeCloseTo(h[1], 12);
  });

  it('softplus follows torch (threshold 20)', () => {
    expect(softplus(30)).toBe(30);
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
  });
});

describe('scan variants: device capabilities and limits', () => {
  const params = { channels: 4, length: 4096, mode: 'inclusive', decay: 'decay', wg: 256, items: 4, spin: 1024 };

  it('the subgroup variant needs the subgroups feature', () => {
    const v = findVariant('scan', 'subgroup')!;
    expect(v.unavailableReason!(SPEC_DEFAULT_CAPS)).toMatch(/subgroups/);
    expect(v.unavailableReason!({ ...SPEC_DEFAULT_CAPS, features: ['subgroups'] })).toBeNull();
    expect(v.plan(params, v.makeInputs(params, 1), SPEC_DEFAULT_CAPS).dispatches[0].wgsl).toMatch(/^enable subgroups;/);
  });

  it('too much workgroup memory is reported in words', () => {
    const v = findVariant('scan', 'reduce-then-scan')!;
    const problems = problemsFor(v, { ...params, items: 16 }, SPEC_DEFAULT_CAPS);
    expect(problems.join(' ')).toMatch(/bytes of workgroup memory/);
  });

  it('a workgroup larger than the device allows is reported', () => {
    const v = findVariant('scan', 'blelloch')!;
    expect(problemsFor(v, { ...params, wg: 1024 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/invocations per workgroup/);
  });
});

describe('dataflow of the scan algorithms', () => {
  it('Hillis–Steele on 8: 3 levels, 7+6+4 = 17 combines', () => {
    const f = scanDataflow('hillis-steele', 8);
    expect(f.depth).toBe(3);
    expect(f.work).toBe(17);
  });
  it('Blelloch on 8: 6 levels, 7 up + 7 down combines (root cleared)', () => {
    const f = scanDataflow('blelloch', 8);
    expect(f.depth).toBe(6);
    expect(f.work).toBe(7 + 7);
  });
  it('sequential on 8: 7 steps, 7 combines', () => {
    const f = scanDataflow('sequential', 8);
    expect(f.depth).toBe(7);
    expect(f.work).toBe(7);
  });
  it('every dataflow computes the right prefixes when executed symbolically', () => {
    for (const alg of ['sequential', 'hillis-steele', 'blelloch', 'chunked'] as const) {
      for (const n of [1, 5, 8, 13, 16]) {
        const f = scanDataflow(alg, n);
        // Each slot holds an interval [lo, hi] of combined elements; the final slots must be [0, i]
        // (inclusive) or [0, i−1] (exclusive, null for the identity) after executing the levels.
        const want = Array.from({ length: n }, (_, i) => (f.result === 'inclusive' ? [0, i] : i === 0 ? null : [0, i - 1]));
        expect(f.finalIntervals, `${alg} n=${n}`).toEqual(want);
      }
    }
  });
});

describe('f16 scan (generated and emulated here: SwiftShader has no shader-f16)', () => {
  it('the f16 codec rounds to nearest even with subnormals and overflow', async () => {
    const { f16Bits, f16Value } = await import('../../src/numerics/f16');
    expect(f16Bits(1)).toBe(0x3c00);
    expect(f16Bits(65504)).toBe(0x7bff);
    expect(f16Bits(65520)).toBe(0x7c00); // halfway to 2^16 rounds up to Inf
    expect(f16Bits(2 ** -24)).toBe(0x0001);
    expect(f16Bits(2 ** -25)).toBe(0x0000); // tie to even (0)
    expect(f16Bits(3 * 2 ** -25)).toBe(0x0002); // tie to even (2)
    expect(f16Bits(0.1)).toBe(0x2e66);
    expect(f16Bits(-2)).toBe(0xc000);
    expect(f16Value(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(f16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie: stays even
    expect(f16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: rounds up to even
  });

  it('is unavailable without shader-f16 and generates f16 WGSL with it', () => {
    const v = findVariant('scan', 'sequential-f16')!;
    expect(v.unavailableReason!(SPEC_DEFAULT_CAPS)).toMatch(/shader-f16/);
    const caps = { ...SPEC_DEFAULT_CAPS, features: ['shader-f16'] };
    expect(v.unavailableReason!(caps)).toBeNull();
    const params = { channels: 2, length: 9, mode: 'inclusive', decay: 'decay' };
    const plan = v.plan(params, v.makeInputs(params, 1), caps);
    expect(plan.dispatches[0].wgsl).toMatch(/^enable f16;/);
    expect(plan.dispatches[0].wgsl).toMatch(/array<f16>/);
    // Two f16 values per 32-bit word: 18 values → 9 words.
    expect((plan.buffers[0].data as Uint32Array).length).toBe(9);
  });

  it('the f16 emulation stays within the f16 bound, and its error is far above f32', () => {
    const v = findVariant('scan', 'sequential-f16')!;
    // The bound holds while 2t·u < 1/2, i.e. t < 512 in f16 (γ_k needs k·u < 1); beyond, it is ∞.
    const params = { channels: 2, length: 500, mode: 'inclusive', decay: 'decay' };
    const inputs = v.makeInputs(params, 3);
    const ref = v.reference(params, inputs);
    const m = computeMetrics(v.emulate!(params, inputs), ref.values, ref.bound);
    expect(m.boundViolations).toBe(0);
    expect(m.worstBoundRatio).toBeGreaterThan(0.01);
    expect(m.maxAbs).toBeGreaterThan(1e-4); // f32 errors at this length are ~1e-7
  });
});
