import { describe, expect, it } from 'vitest';
import { decodeElement, quantize } from '../../src/numerics/formats';
import { packInt4 } from '../../src/numerics/packing';
import { Rng } from '../../src/numerics/prng';
import { makeTensor } from '../../src/numerics/quantInputs';
import {
  dequantizeMatMulNBits4,
  dequantizeMlcQ4f16,
  kernelLabInt4ToMatMulNBits,
  packMatMulNBits4,
  packMlcQ4f16,
  quantizeMlcQ4f16,
  unpackMatMulNBits4,
  unpackMlcQ4f16,
} from '../../src/numerics/weightFormats';

describe('MLC q4f16_1', () => {
  it('layout: element 0 in the low nibble, stored q + 7 in 0…14, float16 scale max|w|/7', () => {
    const w = new Float32Array(32);
    for (let i = 0; i < 15; i++) w[i] = i - 7; // −7 … 7
    const m = quantizeMlcQ4f16(w, 1, 32);
    expect(decodeElement('f16', m.qScale[0])).toBe(1);
    expect(m.qWeight[0]).toBe(0x76543210);
    expect(m.qWeight[1]).toBe(0x7edcba98); // elements 8…14 store 8…e, then w[15] = 0 stores 7
    expect(m.qWeight[2]).toBe(0x77777777);
    expect([...dequantizeMlcQ4f16(m).slice(0, 15)]).toEqual([...w.slice(0, 15)]);
  });

  it('import/export round-trips bit-exactly and dequantizes as (q − 7)·scale', () => {
    const w = makeTensor({ rows: 12, cols: 128, distribution: 'student-t', seed: 3 });
    const m = quantizeMlcQ4f16(w, 12, 128);
    const { stored, scales } = unpackMlcQ4f16(m);
    expect(Math.max(...stored)).toBeLessThanOrEqual(14);
    const again = packMlcQ4f16(stored, m.qScale, 12, 128);
    expect(again.qWeight).toEqual(m.qWeight);
    expect(again.qScale).toEqual(m.qScale);
    const deq = dequantizeMlcQ4f16(m);
    for (let i = 0; i < w.length; i++) {
      expect(deq[i]).toBe(Math.fround((stored[i] - 7) * scales[i >> 5]));
      expect(Math.abs(deq[i] - w[i])).toBeLessThanOrEqual(scales[i >> 5] * 0.5 * (1 + 1e-6) + 1e-12); // within half a step (f16 scale ≥ amax/7 after rounding up or clamped)
    }
    // The MLC words are Kernel Lab's int4 words with every nibble one less (q + 7 vs q + 8).
    const codes = Int32Array.from(stored, (s) => s - 7);
    const ours = packInt4(codes, 12, 128);
    for (let i = 0; i < ours.length; i++) expect((ours[i] - m.qWeight[i]) >>> 0).toBe(0x11111111);
  });
});

describe('ONNX Runtime MatMulNBits (4 bits)', () => {
  it('layout: even element in the low nibble; zero points two per byte; default 8', () => {
    const codes = Array.from({ length: 32 }, (_, i) => i % 16);
    const m = packMatMulNBits4(codes, Float32Array.from([1, 2]), 1, 32, 16);
    expect([...m.b.slice(0, 3)]).toEqual([0x10, 0x32, 0x54]);
    expect(m.zeroPoints).toBeUndefined();
    expect([...unpackMatMulNBits4(m).zeroPoints]).toEqual([8, 8]);
    const withZp = packMatMulNBits4(
      Array.from({ length: 3 * 48 }, () => 0),
      new Float32Array(9).fill(1),
      3,
      48,
      16,
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    // three blocks per row → two bytes per row, the second half-empty
    expect([...withZp.zeroPoints!]).toEqual([0x21, 0x03, 0x54, 0x06, 0x87, 0x09]);
    expect([...unpackMatMulNBits4(withZp).zeroPoints]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('asymmetric int4 from quantize() exports and dequantizes bit-exactly; symmetric uses the default zero point', () => {
    const n = 8;
    const k = 64;
    const w = makeTensor({ rows: n, cols: k, distribution: 'laplace', seed: 2 });
    const q = quantize(w, { format: 'int', bits: 4, symmetric: false, granularity: 'group', groupSize: 32, shape: [n, k] });
    const m = packMatMulNBits4(q.codes, q.scales!, n, k, 32, q.zeroPoints!);
    expect(dequantizeMatMulNBits4(m)).toEqual(q.dequantized);
    const back = unpackMatMulNBits4(m);
    expect(Int32Array.from(back.codes)).toEqual(q.codes);
    const s = quantize(w, { format: 'int', bits: 4, granularity: 'group', groupSize: 32, shape: [n, k] });
    const ms = kernelLabInt4ToMatMulNBits(s.codes, s.scales!, n, k, 32);
    expect(ms.zeroPoints).toBeUndefined();
    expect(dequantizeMatMulNBits4(ms)).toEqual(s.dequantized);
  });

  it('refuses layouts it cannot represent', () => {
    expect(() => packMatMulNBits4([0], new Float32Array(1), 1, 24, 16)).toThrow(/multiple of the block size/);
    expect(() => packMatMulNBits4([0], new Float32Array(1), 1, 24, 24)).toThrow(/power of two/);
    const rng = new Rng(1);
    expect(() =>
      packMatMulNBits4(
        Array.from({ length: 16 }, () => 16 + (rng.nextU32() % 2)),
        new Float32Array(1),
        1,
        16,
        16,
      ),
    ).toThrow(/nibble/);
  });
});
