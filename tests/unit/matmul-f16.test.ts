import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { f16Acc16, f16Acc32, f16MatmulWgsl } from '../../src/kernels/matmul/f16';
import { runExperimentCpu } from '../../src/kernels/run';
import { problemsFor } from '../../src/kernels/schema';
import { f16BitsToNumber, f32ToF16Bits, packF16, unpackF16 } from '../../src/numerics/matmulF16';

const F16_CAPS = { ...SPEC_DEFAULT_CAPS, features: ['shader-f16'] };

describe('f16 codec (round to nearest even, bit manipulation)', () => {
  it('known values', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // halfway to the next binade: ties to even → Inf
    expect(f32ToF16Bits(2 ** -24)).toBe(1);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal → 0 (even)
    expect(f32ToF16Bits(1.5 * 2 ** -25)).toBe(1);
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 (×2^-24) → 2 (even)
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(f32ToF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16Bits(NaN) & 0x3ff).not.toBe(0);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
  });

  it('every finite f16 survives decode → encode, and midpoints round to the even neighbour', () => {
    for (let h = 0; h < 0x10000; h++) {
      const e = (h >>> 10) & 0x1f;
      if (e === 31) continue;
      const x = f16BitsToNumber(h);
      expect(f32ToF16Bits(x)).toBe(h);
      // The midpoint to the next larger magnitude rounds to whichever of the two is even.
      const next = h + 1;
      if ((next & 0x7fff) < 0x7c00) {
        const mid = (x + f16BitsToNumber(next)) / 2;
        if (Math.fround(mid) === mid) expect(f32ToF16Bits(mid)).toBe(h & 1 ? next : h);
      }
    }
  });

  it('packs two per u32, element 0 low', () => {
    const packed = packF16([1, -2, 0.5]);
    expect(packed.length).toBe(2);
    expect(packed[0]).toBe(((0xc000 << 16) | 0x3c00) >>> 0);
    expect(Array.from(unpackF16(packed, 3))).toEqual([1, -2, 0.5]);
  });
});

describe('f16 matmul variants (branching on caps; WGSL text)', () => {
  it('are unavailable without shader-f16 (SwiftShader), with a reason, and available with it', () => {
    for (const v of [f16Acc16, f16Acc32]) {
      expect(v.unavailableReason?.(SPEC_DEFAULT_CAPS)).toMatch(/does not offer "shader-f16"/);
      expect(problemsFor(v, { M: 64, N: 64, K: 64 }, SPEC_DEFAULT_CAPS)[0]).toMatch(/shader-f16/);
      expect(v.unavailableReason?.(F16_CAPS)).toBeNull();
      expect(problemsFor(v, { M: 64, N: 64, K: 64 }, F16_CAPS)).toEqual([]);
    }
  });

  it('generate f16 storage with the asked accumulator', () => {
    const acc16 = f16MatmulWgsl(33, 17, 9, 'f16');
    const acc32 = f16MatmulWgsl(33, 17, 9, 'f32');
    for (const src of [acc16, acc32]) {
      expect(src.startsWith('enable f16;')).toBe(true);
      expect(src).toContain('var<storage, read> a : array<f16>;');
      expect(src).toContain('var<storage, read> b : array<f16>;');
      expect(src).toContain('var<storage, read_write> c : array<f32>;');
      expect(src).toContain('const M = 33u;');
    }
    expect(acc16).toContain('var acc0 = vec4<f16>(0.0);');
    expect(acc16).toContain('acc0 = fma(vec4<f16>(a[aRow0 + k]), bk, acc0);');
    expect(acc16).not.toContain('f32(b[');
    expect(acc32).toContain('var acc0 = vec4<f32>(0.0);');
    expect(acc32).toContain('let bk = vec4<f32>(f32(b[k * N + bCol0]),');
    expect(acc32).toContain('acc0 = fma(vec4<f32>(f32(a[aRow0 + k])), bk, acc0);');
    const plan = f16Acc32.plan({ M: 33, N: 17, K: 9 }, f16Acc32.makeInputs({ M: 33, N: 17, K: 9 }, 1), F16_CAPS);
    expect(plan.dispatches[0].workgroups).toEqual([1, 2]);
    expect((plan.buffers[0].data as Uint32Array).length).toBe(Math.ceil((33 * 9) / 2));
  });

  it('CPU emulation meets the derived bounds, and f16 accumulation error grows with K far faster', async () => {
    const rel: Record<string, number[]> = { 'f16-acc16': [], 'f16-acc32': [] };
    for (const K of [16, 256, 1024]) {
      for (const variant of ['f16-acc16', 'f16-acc32']) {
        const r = await runExperimentCpu({ family: 'matmul', variant, params: { M: 8, N: 8, K }, seed: 2, reps: 1 });
        expect(r.provenance.backend).toBe('cpu');
        expect(r.metrics.boundViolations).toBe(0);
        rel[variant].push(r.metrics.relFrobenius);
      }
    }
    // f16 accumulation: error ~ 2^-11-scale; f32 accumulation: ~ 2^-24-scale.
    expect(rel['f16-acc16'][2]).toBeGreaterThan(100 * rel['f16-acc32'][2]);
    expect(rel['f16-acc16'][2]).toBeGreaterThan(rel['f16-acc16'][0]);
    // Beyond K·u ≥ 1 no f16 bound is claimed.
    const big = f16Acc16.reference({ M: 1, N: 1, K: 4096 }, f16Acc16.makeInputs({ M: 1, N: 1, K: 4096 }, 1));
    expect(big.bound).toBeUndefined();
    expect(big.boundNote).toMatch(/no bound derived/);
  });
});
