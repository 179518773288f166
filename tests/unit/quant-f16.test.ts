// shader-f16 is not available on SwiftShader: the f16 (W4A16) path of gemm-w4 is checked here
// for its branching, generated WGSL, host-side data and error bound, but it is never run on a GPU.
import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment } from '../../src/kernels';
import { gemmW4, packHalves } from '../../src/kernels/quant/gemmW4';
import { decodeElement, encodeElement } from '../../src/numerics/formats';
import { computeMetrics } from '../../src/numerics/metrics';

const f16 = (v: number) => decodeElement('f16', encodeElement('f16', v));
const params = { ...defaultExperiment('quant', 'gemm-w4').params, M: 3, N: 24, K: 256, TM: 2, act: 'f16', groupSize: 32 };

describe('W4A16 (f16 activations) branching', () => {
  it('needs shader-f16: refused in words without it, accepted with it', () => {
    expect(gemmW4.checkLimits(params, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/shader-f16/);
    expect(gemmW4.checkLimits(params, { ...SPEC_DEFAULT_CAPS, features: ['shader-f16'] })).toEqual([]);
    expect(gemmW4.checkLimits({ ...params, act: 'f32' }, SPEC_DEFAULT_CAPS)).toEqual([]);
  });

  it('generates f16 WGSL and binds half-precision buffers', () => {
    const caps = { ...SPEC_DEFAULT_CAPS, features: ['shader-f16'] };
    for (const strategy of ['split-k', 'row']) {
      const p = { ...params, strategy };
      const plan = gemmW4.plan(p, gemmW4.makeInputs(p, 1), caps);
      const wgsl = plan.dispatches[0].wgsl;
      expect(wgsl.startsWith('enable f16;')).toBe(true);
      expect(wgsl).toContain('array<vec4<f16>>');
      expect(wgsl).toContain('array<f16>');
      expect(wgsl).toContain('- 8.0h');
      expect(wgsl).toContain('vec4f(w_lo * x[xi])');
      expect(wgsl).not.toContain('dot(w_lo');
      expect(plan.buffers[0].data!.byteLength).toBeGreaterThanOrEqual(2 * 3 * 256);
    }
    const f32plan = gemmW4.plan({ ...params, act: 'f32' }, gemmW4.makeInputs({ ...params, act: 'f32' }, 1), caps);
    expect(f32plan.dispatches[0].wgsl).not.toContain('enable f16');
  });

  it('packs halves low first', () => {
    const w = packHalves(Float32Array.from([1, -2, 0.5]));
    expect(w[0]).toBe(0xc0003c00);
    expect(w[1] & 0xffff).toBe(0x3800);
  });

  it('a CPU emulation of the f16 arithmetic stays within the derived bound (and the bound is not vacuous)', () => {
    const inputs = gemmW4.makeInputs(params, 2);
    const ref = gemmW4.reference(params, inputs);
    const { M, N, K } = { M: 3, N: 24, K: 256 };
    const x = inputs.x as Float32Array;
    const codes = inputs.codes as Int32Array;
    const scales = inputs.scales as Float32Array;
    for (const v of x) expect(f16(v)).toBe(v); // activations were rounded to f16
    const out = new Float32Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const w = f16(codes[n * K + k] * scales[(n * K + k) >> 5]);
          acc = Math.fround(acc + f16(w * x[m * K + k]));
        }
        out[m * N + n] = acc;
      }
    }
    const metrics = computeMetrics(out, ref.values, ref.bound);
    expect(metrics.boundViolations).toBe(0);
    const wrong = Float32Array.from(out);
    wrong[4] += 4 * ref.bound![4];
    expect(computeMetrics(wrong, ref.values, ref.bound).boundViolations).toBe(1);
  });
});

describe('one f16 codec (numerics/f16.ts) behind formats.ts, the matmul names and the scan', () => {
  it('overflow: IEEE to ±Inf, the quantization codec saturating; Inf and NaN the same in both', async () => {
    const { f16Bits, f16BitsSaturated } = await import('../../src/numerics/f16');
    expect(f16Bits(65519)).toBe(0x7bff);
    expect(f16Bits(65520)).toBe(0x7c00);
    expect(f16BitsSaturated(65520)).toBe(0x7bff);
    expect(f16BitsSaturated(-1e9)).toBe(0xfbff);
    expect(encodeElement('f16', 65520)).toBe(0x7bff);
    expect(f16BitsSaturated(-Infinity)).toBe(0xfc00);
    expect(f16Bits(NaN)).toBe(0x7e00);
    expect(encodeElement('f16', NaN)).toBe(0x7e00);
  });

  it('rounds the exact value once: a number just above a midpoint goes up, where rounding to float32 first would tie to even', async () => {
    const { f16Bits } = await import('../../src/numerics/f16');
    const x = 1 + 2 ** -11 + 2 ** -40; // float32 would hold 1 + 2^-11, the midpoint of 0x3c00 and 0x3c01
    expect(Math.fround(x)).toBe(1 + 2 ** -11);
    expect(f16Bits(x)).toBe(0x3c01);
    expect(encodeElement('f16', x)).toBe(0x3c01);
    expect(f16Bits(Math.fround(x))).toBe(0x3c00);
  });

  it('the matmul lab names are the same functions', async () => {
    const f16 = await import('../../src/numerics/f16');
    const mm = await import('../../src/numerics/matmulF16');
    expect(mm.f32ToF16Bits).toBe(f16.f16Bits);
    expect(mm.f16BitsToNumber).toBe(f16.f16Value);
    expect(mm.roundToF16).toBe(f16.roundF16);
    expect(decodeElement('f16', 0x3555)).toBe(f16.f16Value(0x3555));
  });
});
