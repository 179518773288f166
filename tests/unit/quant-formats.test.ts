import { describe, expect, it } from 'vitest';
import {
  ELEMENT_FORMATS,
  ELEMENT_FORMAT_NAMES,
  NF4_VALUES,
  SCALE_ELEMENT_FORMATS,
  blockScale,
  ceilLog2,
  decodeElement,
  decodeScaleElement,
  encodeElement,
  encodeWith,
  floorLog2,
  mxScaleCode,
  quantize,
  type ElementFormat,
} from '../../src/numerics/formats';
import { Rng } from '../../src/numerics/prng';

const SMALL: ElementFormat[] = ['e4m3', 'e5m2', 'e3m2', 'e2m3', 'e2m1', 'e1m2', 'e3m0'];

/** Independent encoder: nearest finite value by search over all codes; ties → even code. */
function bruteForceEncode(format: ElementFormat, x: number): number {
  const f = ELEMENT_FORMATS[format];
  const signBit = 2 ** (f.bits - 1);
  const a = Math.abs(x);
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c <= f.maxCode; c++) {
    const v = decodeElement(format, c);
    const d = Math.abs(v - a);
    if (d < bestDist || (d === bestDist && c % 2 === 0)) {
      best = c;
      bestDist = d;
    }
  }
  return (x < 0 || Object.is(x, -0) ? signBit : 0) + best;
}

const bitsF32 = new Uint32Array(1);
const valF32 = new Float32Array(bitsF32.buffer);
function f32FromBits(b: number): number {
  bitsF32[0] = b;
  return valF32[0];
}

describe('element formats: exhaustive tables', () => {
  for (const name of SMALL) {
    it(`${name}: every code decodes and re-encodes to itself (NaN codes to the canonical NaN)`, () => {
      const f = ELEMENT_FORMATS[name];
      for (let code = 0; code < 2 ** f.bits; code++) {
        const v = decodeElement(name, code);
        if (Number.isNaN(v)) {
          expect(f.nanCode).not.toBeNull();
          expect(encodeElement(name, v)).toBe(f.nanCode);
        } else {
          expect(encodeElement(name, v), `${name} code ${code} value ${v}`).toBe(code);
        }
      }
    });

    it(`${name}: encoding agrees with a brute-force nearest-even search at every midpoint and random points`, () => {
      const f = ELEMENT_FORMATS[name];
      const grid: number[] = [];
      for (let c = 0; c <= f.maxCode; c++) grid.push(decodeElement(name, c));
      const probes: number[] = [];
      for (let i = 0; i + 1 < grid.length; i++) {
        const mid = (grid[i] + grid[i + 1]) / 2;
        probes.push(mid, mid * (1 + 2 ** -20), mid * (1 - 2 ** -20), grid[i]);
      }
      const rng = new Rng(11);
      for (let i = 0; i < 2000; i++) probes.push(Math.fround(grid[grid.length - 1] * 1.2 * rng.nextUnit()));
      for (const p of probes) {
        expect(encodeElement(name, p), `${name}(${p})`).toBe(bruteForceEncode(name, p));
        expect(encodeElement(name, -p), `${name}(${-p})`).toBe(bruteForceEncode(name, -p));
      }
    });
  }

  it('the documented maxima, minimum subnormals and value lists', () => {
    expect(decodeElement('e4m3', 0x7e)).toBe(448);
    expect(decodeElement('e4m3', 0x01)).toBe(2 ** -9);
    expect(decodeElement('e5m2', 0x7b)).toBe(57344);
    expect(decodeElement('e5m2', 0x01)).toBe(2 ** -16);
    expect(decodeElement('e3m2', 0x1f)).toBe(28);
    expect(decodeElement('e3m2', 0x01)).toBe(0.0625);
    expect(decodeElement('e2m3', 0x1f)).toBe(7.5);
    expect(decodeElement('e2m3', 0x01)).toBe(0.125);
    const e2m1 = Array.from({ length: 8 }, (_, c) => decodeElement('e2m1', c));
    expect(e2m1).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(decodeElement('e2m1', 0xf)).toBe(-6);
    expect(decodeElement('f16', 0x7bff)).toBe(65504);
    expect(decodeElement('f16', 0x0001)).toBe(2 ** -24);
    expect(decodeElement('bf16', 0x0001)).toBe(2 ** -133);
    expect(ELEMENT_FORMATS.e4m3.emax).toBe(8);
    expect(ELEMENT_FORMATS.e5m2.emax).toBe(15);
    expect(ELEMENT_FORMATS.e3m2.emax).toBe(4);
    expect(ELEMENT_FORMATS.e2m3.emax).toBe(2);
    expect(ELEMENT_FORMATS.e2m1.emax).toBe(2);
  });

  it('E4M3: 464 rounds (ties to even) to 448, above it saturates to 448; NaN stays NaN, Inf saturates', () => {
    expect(encodeElement('e4m3', 464)).toBe(0x7e);
    expect(encodeElement('e4m3', 465)).toBe(0x7e);
    expect(encodeElement('e4m3', 1e30)).toBe(0x7e);
    expect(encodeElement('e4m3', -500)).toBe(0xfe);
    expect(encodeElement('e4m3', Infinity)).toBe(0x7e);
    expect(encodeElement('e4m3', -Infinity)).toBe(0xfe);
    expect(encodeElement('e4m3', NaN)).toBe(0x7f);
    expect(decodeElement('e4m3', 0xff)).toBeNaN();
    expect(decodeElement('e4m3', 0x7f)).toBeNaN();
    // 432 is the midpoint of 416 (0x7D) and 448 (0x7E): ties to the even code 0x7E.
    expect(encodeElement('e4m3', 432)).toBe(0x7e);
    expect(encodeElement('e4m3', 2 ** -10)).toBe(0x00); // half the smallest subnormal: tie to 0
    expect(encodeElement('e4m3', 2 ** -10 * 1.0001)).toBe(0x01);
    expect(encodeElement('e4m3', 3 * 2 ** -10)).toBe(0x02); // 1.5 subnormal units: tie to even 2
  });

  it('E5M2 keeps infinities and NaN, saturates finite overflow', () => {
    expect(encodeElement('e5m2', Infinity)).toBe(0x7c);
    expect(encodeElement('e5m2', -Infinity)).toBe(0xfc);
    expect(decodeElement('e5m2', 0x7c)).toBe(Infinity);
    for (const c of [0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff]) expect(decodeElement('e5m2', c)).toBeNaN();
    expect(encodeElement('e5m2', NaN)).toBe(0x7e);
    expect(encodeElement('e5m2', 61440)).toBe(0x7b); // midpoint to the next binade step → saturates
    expect(encodeElement('e5m2', 1e9)).toBe(0x7b);
  });

  it('formats without NaN encode NaN as +0 and Inf as ±max; signed zero is kept', () => {
    for (const name of ['e3m2', 'e2m3', 'e2m1', 'e1m2', 'e3m0'] as const) {
      const f = ELEMENT_FORMATS[name];
      expect(encodeElement(name, NaN)).toBe(0);
      expect(encodeElement(name, Infinity)).toBe(f.maxCode);
      expect(encodeElement(name, -Infinity)).toBe(2 ** (f.bits - 1) + f.maxCode);
      expect(encodeElement(name, -0)).toBe(2 ** (f.bits - 1));
      expect(Object.is(decodeElement(name, 2 ** (f.bits - 1)), -0)).toBe(true);
    }
  });

  it('f16: all 65536 codes round-trip; random float32 values match a brute-force binary search', () => {
    const positives: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const v = decodeElement('f16', c);
      if (Number.isNaN(v)) {
        expect(c & 0x7c00).toBe(0x7c00);
        continue;
      }
      expect(encodeElement('f16', v)).toBe(c);
      if (c <= 0x7bff) positives.push(v);
    }
    const rng = new Rng(3);
    for (let i = 0; i < 20000; i++) {
      const x = f32FromBits(rng.nextU32() & 0x47ffffff); // |x| < 2^17, all exponents below
      if (!Number.isFinite(x)) continue;
      const a = Math.abs(x);
      let lo = 0;
      let hi = positives.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (positives[mid] <= a) lo = mid;
        else hi = mid;
      }
      let code: number;
      if (a >= positives[positives.length - 1]) code = 0x7bff;
      else {
        const dLo = a - positives[lo];
        const dHi = positives[hi] - a;
        code = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
      }
      expect(encodeElement('f16', x)).toBe((x < 0 ? 0x8000 : 0) + code);
    }
    expect(encodeElement('f16', 65519)).toBe(0x7bff);
    expect(encodeElement('f16', 65520)).toBe(0x7bff); // ties to even would reach 65536: saturates
    expect(encodeElement('f16', Infinity)).toBe(0x7c00);
    expect(encodeElement('f16', NaN)).toBe(0x7e00);
    expect(encodeElement('f16', 2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(encodeElement('f16', 2 ** -25 * 3)).toBe(2); // 1.5 units → even
  });

  it('bf16 equals the round-to-nearest-even bit formula on random float32 bit patterns', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 50000; i++) {
      const u = rng.nextU32();
      const x = f32FromBits(u);
      const code = encodeElement('bf16', x);
      if (Number.isNaN(x)) {
        expect(code).toBe(0x7fc0);
        continue;
      }
      let expected = ((u + ((u >>> 16) & 1) + 0x7fff) >>> 16) & 0xffff;
      // The formula overflows finite values to Inf; Kernel Lab saturates to ±max.
      if ((expected & 0x7fff) === 0x7f80 && Number.isFinite(x)) expected = (expected & 0x8000) | 0x7f7f;
      expect(code, `bits ${u.toString(16)}`).toBe(expected);
    }
  });
});

describe('MX scale selection', () => {
  it('floor(log2) comes from the exponent bits, also just below powers of two', () => {
    const justBelow4 = Math.fround(4 - 2 ** -21); // largest float32 below 4
    expect(floorLog2(justBelow4)).toBe(1);
    expect(floorLog2(4)).toBe(2);
    expect(floorLog2(2 ** -140)).toBe(-140);
    expect(floorLog2(Math.fround(1 - 2 ** -24))).toBe(-1);
  });

  it('OCP rule: E4M3 with amax 500 decodes 448 (scale 1), E2M1 block scale from amax', () => {
    const block = new Float32Array(32);
    block[0] = 500;
    block[1] = -3;
    const r = quantize(block, { format: 'mxfp8-e4m3' });
    expect(r.scaleCodes![0]).toBe(127); // floor(log2 500) − 8 = 0
    expect(r.dequantized[0]).toBe(448);
    expect(r.dequantized[1]).toBe(-3);
    // amax just below 8 for E2M1: floor(log2) = 2, emax 2 → X = 2^0; amax exactly 8 → X = 2^1.
    const below = Math.fround(8 - 2 ** -20);
    expect(mxScaleCode(below, 2)).toBe(127);
    expect(mxScaleCode(8, 2)).toBe(128);
    const b2 = new Float32Array(32).fill(0);
    b2[3] = below;
    const r2 = quantize(b2, { format: 'mxfp4' });
    expect(r2.dequantized[3]).toBe(6); // saturates to max element 6·2^0
    // Clamping to the E8M0 range and the all-zero block.
    expect(mxScaleCode(0, 2)).toBe(0);
    expect(mxScaleCode(2 ** -149, 8)).toBe(0);
    expect(mxScaleCode(3e38, 0)).toBe(127 + 127);
    expect(mxScaleCode(1, 2, true)).toBe(255);
  });

  it('MX blocks with NaN or Inf get the NaN scale; other blocks are unaffected', () => {
    const data = new Float32Array(64).map((_, i) => (i - 32) / 8);
    data[5] = NaN;
    data[40] = Infinity;
    const r = quantize(data, { format: 'mxfp6-e3m2' });
    expect(r.scaleCodes![0]).toBe(255);
    expect(r.scaleCodes![1]).toBe(255);
    expect(r.dequantized.every((v) => Number.isNaN(v))).toBe(true);
    const clean = Float32Array.from(data);
    clean[5] = 0;
    const r2 = quantize(clean, { format: 'mxfp6-e3m2' });
    expect(r2.scaleCodes![0]).toBe(127 + 2 - 4); // amax 4 → floor 2, emax 4
    expect(Number.isNaN(r2.dequantized[0])).toBe(false);
    expect(r2.nonFinite).toBe(1);
  });

  it('MXINT8: 6 fraction bits, clamp to ±127/64 of the scale', () => {
    const data = new Float32Array(32);
    data[0] = Math.fround(2 - 2 ** -20); // floor log2 = 0 → X = 1, 1.99999 → 128/64 clamps to 127/64
    data[1] = -1.5;
    data[2] = 1 / 128; // half a unit: ties to even → 0
    data[3] = 3 / 128; // 1.5 units → 2
    const r = quantize(data, { format: 'mxint8' });
    expect(r.scaleCodes![0]).toBe(127);
    expect(r.codes[0]).toBe(127);
    expect(r.dequantized[0]).toBe(127 / 64);
    expect(r.codes[1]).toBe(-96);
    expect(r.codes[2]).toBe(0);
    expect(r.codes[3]).toBe(2);
    expect(r.bitsPerValue).toBe(8 + 8 / 32);
  });

  it('MXFP4 on a Gaussian-ish vector: every dequantized value lies on the scaled E2M1 grid', () => {
    const rng = new Rng(9);
    const data = Float32Array.from({ length: 256 }, () => rng.uniform(-3, 3));
    const r = quantize(data, { format: 'mxfp4' });
    const grid = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
    for (let i = 0; i < data.length; i++) {
      const x = r.scales![Math.floor(i / 32)];
      expect(grid.map((g) => g * x)).toContain(Math.abs(r.dequantized[i]));
      // Nearest on the grid up to saturation: error at most half the largest step (2·X/2) or clamp.
      expect(Math.abs(r.dequantized[i] - data[i])).toBeLessThanOrEqual(Math.max(x, Math.abs(data[i]) - 6 * x) + 1e-12);
    }
    expect(r.bitsPerValue).toBe(4.25);
  });
});

describe('NF4 and codebooks', () => {
  it('uses the 16 NormalFloat values; block absmax maps to ±1 exactly', () => {
    expect(NF4_VALUES).toHaveLength(16);
    expect(NF4_VALUES[7]).toBe(0);
    const data = Float32Array.from({ length: 64 }, (_, i) => (i - 31.5) / 10);
    const r = quantize(data, { format: 'nf4' });
    expect(r.codes[0]).toBe(0);
    expect(r.codes[63]).toBe(15);
    expect(r.dequantized[63]).toBe(Math.fround(3.15));
    expect(r.scales![0]).toBe(Math.fround(3.15));
    // Every value quantises to the nearest NF4 value (float64 check).
    for (let i = 0; i < 64; i++) {
      const v = data[i] / r.scales![0];
      const dist = NF4_VALUES.map((q) => Math.abs(q - v));
      expect(Math.abs(NF4_VALUES[r.codes[i]] - v)).toBeCloseTo(Math.min(...dist), 6);
    }
    expect(r.bitsPerValue).toBe(4.5);
  });

  it('codebook4: 16 sorted entries, deterministic for a seed, beats uniform int4 on Gaussian data', async () => {
    const { makeTensor } = await import('../../src/numerics/quantInputs');
    const data = makeTensor({ rows: 16, cols: 256, distribution: 'gaussian', seed: 4 });
    const a = quantize(data, { format: 'codebook4', seed: 2 });
    const b = quantize(data, { format: 'codebook4', seed: 2 });
    expect(a.codebook).toHaveLength(16);
    expect([...a.codebook!]).toEqual([...b.codebook!]);
    for (let i = 1; i < 16; i++) expect(a.codebook![i]).toBeGreaterThanOrEqual(a.codebook![i - 1]);
    const err = (d: Float32Array) => Math.sqrt(d.reduce((s, v, i) => s + (v - data[i]) ** 2, 0));
    const int4 = quantize(data, { format: 'int', bits: 4, granularity: 'group', groupSize: 128 });
    expect(err(a.dequantized)).toBeLessThan(err(int4.dequantized));
  });
});

describe('integer quantization', () => {
  it('symmetric per-tensor: scale = amax/(2^(b−1)−1), zero exact, codes in range', () => {
    const data = Float32Array.from([-7, -3.5, 0, 2.5, 4.875, 7]);
    const r = quantize(data, { format: 'int', bits: 4 });
    expect(r.scales![0]).toBe(1);
    expect([...r.codes]).toEqual([-7, -4, 0, 2, 5, 7]); // ±3.5 and 2.5 tie → even
    // Division happens in float32: −0.5 / fl(1/7) = −3.4999998 → −3 (not the exact −3.5 → −4).
    const r2 = quantize(Float32Array.from([-1, -0.5]), { format: 'int', bits: 4 });
    expect(r2.scales![0]).toBe(Math.fround(1 / 7));
    expect(r2.codes[1]).toBe(-3);
    expect(r.dequantized[2]).toBe(0);
  });

  it('asymmetric follows the PyTorch min/max observer (range widened to include 0)', () => {
    const data = Float32Array.from([0.5, 1, 2, 3]); // min 0.5 widened to 0
    const r = quantize(data, { format: 'int', bits: 8, symmetric: false });
    expect(r.scales![0]).toBe(Math.fround(3 / 255));
    expect(r.zeroPoints![0]).toBe(0);
    expect(r.codes[3]).toBe(255);
    const neg = Float32Array.from([-7.5, -1, 1, 7.5]);
    const r2 = quantize(neg, { format: 'int', bits: 4, symmetric: false });
    expect(r2.scales![0]).toBe(1);
    expect(r2.zeroPoints![0]).toBe(8); // round(7.5) = 8 (ties to even)
    expect(r2.codes[0]).toBe(0);
    expect(r2.codes[3]).toBe(15);
    // zero is representable exactly: dequant of the zero point is 0
    expect(Math.fround((r2.zeroPoints![0] - r2.zeroPoints![0]) * r2.scales![0])).toBe(0);
  });

  it('edge cases: all zeros, constant groups, NaN and Inf inputs', () => {
    const zeros = new Float32Array(64);
    for (const symmetric of [true, false]) {
      const r = quantize(zeros, { format: 'int', bits: 4, symmetric, granularity: 'group', groupSize: 32 });
      expect([...r.dequantized].every((v) => v === 0)).toBe(true);
      expect([...r.scales!]).toEqual([0, 0]);
    }
    const constant = new Float32Array(32).fill(-3);
    const rs = quantize(constant, { format: 'int', bits: 4 });
    expect(new Set(rs.codes)).toEqual(new Set([-7]));
    expect(rs.dequantized[0]).toBeCloseTo(-3, 6);
    const ra = quantize(constant, { format: 'int', bits: 4, symmetric: false });
    expect(ra.zeroPoints![0]).toBe(15);
    expect(new Set(ra.codes)).toEqual(new Set([0]));
    expect(ra.dequantized[0]).toBeCloseTo(-3, 6);
    const withSpecials = Float32Array.from([1, NaN, Infinity, -Infinity, -0.5, 0.25]);
    const r = quantize(withSpecials, { format: 'int', bits: 8 });
    expect(r.scales![0]).toBe(Math.fround(1 / 127)); // non-finite values ignored for the scale
    expect([...r.codes]).toEqual([127, 0, 127, -127, -64, 32]); // −63.5 → −64 (even), 31.75 → 32
    expect(r.nonFinite).toBe(3);
  });

  it('per-channel (row and column) and per-group scales', () => {
    const data = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]); // 2×4
    const rows = quantize(data, { format: 'int', bits: 8, granularity: 'channel', shape: [2, 4] });
    expect([...rows.scales!]).toEqual([Math.fround(4 / 127), Math.fround(40 / 127)]);
    const cols = quantize(data, { format: 'int', bits: 8, granularity: 'channel', shape: [2, 4], channelAxis: 'col' });
    expect([...cols.scales!]).toEqual([10, 20, 30, 40].map((v) => Math.fround(v / 127)));
    const groups = quantize(data, { format: 'int', bits: 8, granularity: 'group', groupSize: 2, shape: [2, 4] });
    expect([...groups.scales!]).toEqual([2, 4, 20, 40].map((v) => Math.fround(v / 127)));
    expect(groups.bitsPerValue).toBe(8 + 32 / 2);
    // group size not dividing the row: the last group of each row is shorter
    const odd = quantize(data, { format: 'int', bits: 8, granularity: 'group', groupSize: 3, shape: [2, 4] });
    expect(odd.scales).toHaveLength(4);
    expect(odd.scales![1]).toBe(Math.fround(4 / 127));
  });

  it('error shrinks with bits; 8-bit per-group error within half a step', () => {
    const rng = new Rng(1);
    const data = Float32Array.from({ length: 1024 }, () => rng.uniform(-1, 1));
    let previous = Infinity;
    for (let bits = 2; bits <= 8; bits++) {
      const r = quantize(data, { format: 'int', bits, granularity: 'group', groupSize: 32 });
      const err = Math.sqrt(r.dequantized.reduce((s, v, i) => s + (v - data[i]) ** 2, 0));
      expect(err).toBeLessThan(previous);
      previous = err;
      if (bits === 8) for (let i = 0; i < data.length; i++) expect(Math.abs(r.dequantized[i] - data[i])).toBeLessThanOrEqual(r.scales![i >> 5] * 0.5000001);
    }
  });

  it('stochastic rounding is seeded and unbiased on average', () => {
    const data = new Float32Array(20000).fill(0.3);
    data[0] = 1; // scale 1/7 → 0.3·7 = 2.1: rounds to 2 or 3
    const a = quantize(data, { format: 'int', bits: 4, rounding: 'stochastic', seed: 3 });
    const b = quantize(data, { format: 'int', bits: 4, rounding: 'stochastic', seed: 3 });
    expect([...a.codes]).toEqual([...b.codes]);
    const mean = a.codes.slice(1).reduce((s, c) => s + c, 0) / (data.length - 1);
    expect(new Set(a.codes.slice(1))).toEqual(new Set([2, 3]));
    expect(Math.abs(mean - 2.1)).toBeLessThan(0.02); // 3.4σ for 20 000 Bernoulli(0.1)
    const e = quantize(
      Float32Array.from({ length: 4000 }, () => 0.3),
      { format: 'e2m1', rounding: 'stochastic', seed: 1 },
    );
    const avg = e.dequantized.reduce((s, v) => s + v, 0) / 4000;
    expect(Math.abs(avg - 0.3)).toBeLessThan(0.02);
  });

  it('rejects bad schemes with a message', () => {
    const d = new Float32Array(8);
    expect(() => quantize(d, { format: 'int', bits: 9 })).toThrow(/2…8/);
    expect(() => quantize(d, { format: 'int', shape: [3, 3] })).toThrow(/shape/);
  });
});

describe('BFP and element-format quantize()', () => {
  it('BFP shares the block exponent and keeps m magnitude bits', () => {
    const data = Float32Array.from([3, 1.4, -0.1, 0.02]);
    const r = quantize(data, { format: 'bfp', bits: 4, blockSize: 4 }); // amax 3 → E 1 → unit 2^(1−3)
    expect(r.scales![0]).toBe(0.25);
    expect([...r.codes]).toEqual([12, 6, 0, 0]); // 5.6 → 6; −0.4 → −0 (code 0)
    expect(r.bitsPerValue).toBe(1 + 4 + 2);
  });

  it('element formats round-trip through quantize', () => {
    for (const name of ELEMENT_FORMAT_NAMES) {
      const data = Float32Array.from([0.1, -2.5, 1000, 3e-5]);
      const r = quantize(data, { format: name });
      for (let i = 0; i < data.length; i++) expect(r.dequantized[i]).toBe(decodeElement(name, encodeElement(name, data[i])));
      expect(r.bitsPerValue).toBe(ELEMENT_FORMATS[name].bits);
    }
  });
});

describe('FP4 design space: E1M2, E3M0 and block scales (Elucidating the Design Space of FP4 Training)', () => {
  it('the FP4 grids, maxima and emax', () => {
    expect(Array.from({ length: 8 }, (_, c) => decodeElement('e1m2', c))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(Array.from({ length: 8 }, (_, c) => decodeElement('e3m0', c))).toEqual([0, 0.25, 0.5, 1, 2, 4, 8, 16]);
    expect(decodeElement('e3m0', 0xf)).toBe(-16);
    expect(ELEMENT_FORMATS.e1m2.emax).toBe(1);
    expect(ELEMENT_FORMATS.e3m0.emax).toBe(4);
  });

  it('E3M0 has no mantissa: a tie between 2^e and 2^(e+1) goes to the even exponent field (the even code)', () => {
    expect(encodeElement('e3m0', 1.5)).toBe(4); // 1 (code 3) or 2 (code 4): even code 4
    expect(encodeElement('e3m0', 3)).toBe(4); // 2 (code 4) or 4 (code 5): even code 4
    expect(encodeElement('e3m0', 0.75)).toBe(2); // 0.5 (code 2) or 1 (code 3)
    expect(encodeElement('e3m0', 0.125)).toBe(0); // half of 0.25: 0 (code 0)
    expect(encodeElement('e3m0', 0.1875)).toBe(1); // between 0.125 and 0.25 → 0.25
    expect(encodeElement('e3m0', 24)).toBe(7); // beyond the top: saturates to 16
    expect(encodeElement('e1m2', 0.25)).toBe(0); // tie at half a step → even code 0
    expect(encodeElement('e1m2', 3.75)).toBe(7); // saturates to 3.5
  });

  it('UE5M3 and UE4M3 scale formats: the documented range, nearest even, saturation, NaN', () => {
    const ue5 = SCALE_ELEMENT_FORMATS.ue5m3;
    expect(decodeScaleElement('ue5m3', 0xfe)).toBe(114688);
    expect(decodeScaleElement('ue5m3', 0x01)).toBe(2 ** -17);
    expect(decodeScaleElement('ue5m3', 0xff)).toBeNaN();
    expect(decodeScaleElement('ue5m3', 0x78)).toBe(1); // exponent field 15, mantissa 0
    expect(encodeWith(ue5, 1e9)).toBe(0xfe);
    expect(encodeWith(ue5, 1.0625)).toBe(0x78); // tie between 1 and 1.125 → even code 0x78
    expect(decodeScaleElement('ue4m3', 0x7e)).toBe(448);
    // Every UE5M3 code round-trips.
    for (let c = 0; c < 0xff; c++) expect(encodeWith(ue5, decodeScaleElement('ue5m3', c))).toBe(c);
  });

  it('block scales: OCP floor, NVIDIA ceil, UE4M3, UE5M3 and float32 rules', () => {
    expect(ceilLog2(4)).toBe(2);
    expect(ceilLog2(Math.fround(4 + 2 ** -21))).toBe(3);
    // amax 5 with E2M1 (max 6): OCP X = floor(log2 5) − 2 = 0; NVIDIA X = ceil(log2(5/6)) = 0.
    expect(blockScale('e8m0', 'e2m1', 5, false)).toEqual({ code: 127, value: 1 });
    expect(blockScale('e8m0-ceil', 'e2m1', 5, false)).toEqual({ code: 127, value: 1 });
    // amax 7: OCP X = 0 (7 saturates to 6), NVIDIA X = ceil(log2(7/6)) = 1 (7/2 = 3.5 is on the grid).
    expect(blockScale('e8m0', 'e2m1', 7, false).value).toBe(1);
    expect(blockScale('e8m0-ceil', 'e2m1', 7, false).value).toBe(2);
    // UE4M3: 7/6 = 1.1666… → nearest E4M3 1.125; UE5M3 has the same mantissa width; f32 keeps it.
    expect(blockScale('ue4m3', 'e2m1', 7, false).value).toBe(1.125);
    expect(blockScale('ue5m3', 'e2m1', 7, false).value).toBe(1.125);
    expect(blockScale('f32', 'e2m1', 7, false).value).toBe(Math.fround(7 / 6));
    // Range: UE4M3 underflows to 0 long before UE5M3 does.
    expect(blockScale('ue4m3', 'e2m1', 1e-4, false).value).toBe(0);
    expect(blockScale('ue5m3', 'e2m1', 1e-4, false).value).toBeGreaterThan(0);
    for (const s of ['e8m0', 'e8m0-ceil', 'ue4m3', 'ue5m3', 'f32'] as const) expect(blockScale(s, 'e2m1', 1, true).value).toBeNaN();
  });

  it("'scaled' quantize: every value on its block's scaled grid, NVIDIA's rule never saturates, zero-scale and NaN blocks", () => {
    const rng = new Rng(3);
    const data = Float32Array.from({ length: 4 * 64 }, () => rng.uniform(-5, 5));
    data.fill(0, 64, 80); // an all-zero block of 16
    data[130] = NaN;
    for (const element of ['e2m1', 'e1m2', 'e3m0'] as const) {
      for (const scale of ['e8m0', 'e8m0-ceil', 'ue4m3', 'ue5m3', 'f32'] as const) {
        const r = quantize(data, { format: 'scaled', element, scale, blockSize: 16, shape: [4, 64] });
        expect(r.scales).toHaveLength(16);
        expect(r.bitsPerValue).toBe(4 + (scale === 'f32' ? 32 : 8) / 16);
        for (let i = 0; i < data.length; i++) {
          const b = Math.floor(i / 16);
          if (b === 8) {
            expect(r.dequantized[i]).toBeNaN(); // the block with the NaN
            continue;
          }
          const s = r.scales![b];
          expect(r.dequantized[i]).toBe(Math.fround(decodeElement(element, r.codes[i]) * s));
          if (scale === 'e8m0-ceil' && s > 0)
            expect(Math.abs(data[i] / s)).toBeLessThanOrEqual(decodeElement(element, ELEMENT_FORMATS[element].maxCode) * (1 + 2 ** -23));
        }
        expect([...r.dequantized.slice(64, 80)].every((v) => v === 0)).toBe(true);
      }
    }
    // The scaled E8M0 (OCP) format equals MXFP4 on blocks of 32.
    const mx = quantize(data.slice(0, 128), { format: 'mxfp4' });
    const sc = quantize(data.slice(0, 128), { format: 'scaled', element: 'e2m1', scale: 'e8m0', blockSize: 32 });
    expect([...sc.codes]).toEqual([...mx.codes]);
    expect([...sc.scaleCodes!]).toEqual([...mx.scaleCodes!]);
  });

  it('on Gaussian data with outliers, finer scales help: UE4M3 and UE5M3 scales beat power-of-two scales with E2M1', async () => {
    const { makeTensor } = await import('../../src/numerics/quantInputs');
    const data = makeTensor({ rows: 32, cols: 256, distribution: 'gaussian', seed: 5 });
    const err = (scale: 'e8m0' | 'ue4m3' | 'ue5m3') => {
      const r = quantize(data, { format: 'scaled', element: 'e2m1', scale, blockSize: 16, shape: [32, 256] });
      return Math.sqrt(r.dequantized.reduce((s, v, i) => s + (v - data[i]) ** 2, 0));
    };
    expect(err('ue4m3')).toBeLessThan(err('e8m0'));
    expect(err('ue5m3')).toBeLessThan(err('e8m0'));
  });
});
