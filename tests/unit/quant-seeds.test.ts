// The host side of the quantization seed variants: weight encodings, the any4 fit, the block
// transforms — each against an independent computation.
import { describe, expect, it } from 'vitest';
import { fitRowCodebooks } from '../../src/numerics/any4';
import {
  channelOrderByMagnitude,
  hadamardRotateF32,
  hadamardRotateF64,
  hadamardRoundTrip,
  hadamardUnrotate,
  permuteColumns,
  reorderedRoundTrip,
  rhtSignFlipped,
} from '../../src/numerics/blockTransforms';
import { quantize } from '../../src/numerics/formats';
import {
  base3DecodeTable,
  binaryCodedWeight,
  binaryCodingQuantize,
  packTernary2,
  packTernaryBase3,
  ternaryQuantize,
} from '../../src/numerics/multiplicationFree';
import { Rng } from '../../src/numerics/prng';
import { makeTensor } from '../../src/numerics/quantInputs';

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let e = 0;
  let r = 0;
  for (let i = 0; i < b.length; i++) {
    e += (a[i] - b[i]) ** 2;
    r += b[i] ** 2;
  }
  return Math.sqrt(e / r);
};

describe('ternary weights', () => {
  it('absmean scale, round half to even, clamp to ±1; per tensor and per row', () => {
    const w = Float32Array.from([0.5, -1.5, 0.25, 3, 0, -0.75, 0.1, 0.2]);
    const t = ternaryQuantize(w, 2, 4, true);
    expect(t.scales[0]).toBe(Math.fround((0.5 + 1.5 + 0.25 + 3) / 4));
    expect([...t.trits.slice(0, 4)]).toEqual([0, -1, 0, 1]); // 0.5/1.3125 = 0.38 → 0
    const whole = ternaryQuantize(w, 2, 4, false);
    expect(whole.scales).toHaveLength(1);
    // A value exactly half a scale rounds to even (0).
    expect([...ternaryQuantize(Float32Array.from([1, 3]), 1, 2, false).trits]).toEqual([0, 1]); // 1/2 → 0, 3/2 → 2 → clamp 1
  });

  it('2-bit and base-3 packing decode back to the trits (base 3 through the 243-entry table)', () => {
    const rng = new Rng(3);
    const rows = 3;
    const cols = 47; // not a multiple of 16 or 20
    const trits = Int8Array.from({ length: rows * cols }, () => (rng.nextU32() % 3) - 1);
    const two = packTernary2(trits, rows, cols);
    const three = packTernaryBase3(trits, rows, cols);
    const table = base3DecodeTable();
    const fromCode = (c: number) => (c === 1 ? 1 : c === 2 ? -1 : 0);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        expect(fromCode((two[r * Math.ceil(cols / 16) + (c >> 4)] >>> (2 * (c & 15))) & 3)).toBe(trits[r * cols + c]);
        const word = three[r * Math.ceil(cols / 20) + Math.floor(c / 20)];
        const byte = (word >>> (8 * Math.floor((c % 20) / 5))) & 0xff;
        expect(byte).toBeLessThan(243);
        expect(fromCode((table[byte] >>> (2 * (c % 5))) & 3)).toBe(trits[r * cols + c]);
      }
    }
  });
});

describe('binary coding with power-of-two scales', () => {
  it('every α is a power of two, the greedy residual shrinks with each plane, and rounding α costs little', () => {
    const w = makeTensor({ rows: 8, cols: 128, distribution: 'gaussian', seed: 2 });
    let previous = Infinity;
    for (const planes of [1, 2, 3, 4]) {
      const b = binaryCodingQuantize(w, 8, 128, planes, 64, true);
      for (const a of b.alphas) expect(Number.isInteger(Math.log2(a))).toBe(true);
      const approx = Float64Array.from({ length: w.length }, (_, i) => binaryCodedWeight(b, 128, Math.floor(i / 128), i % 128));
      const e = rel(approx, w);
      expect(e).toBeLessThan(previous);
      previous = e;
      const free = binaryCodingQuantize(w, 8, 128, planes, 64, false);
      const approxFree = Float64Array.from({ length: w.length }, (_, i) => binaryCodedWeight(free, 128, Math.floor(i / 128), i % 128));
      expect(e).toBeLessThan(1.5 * rel(approxFree, w));
    }
  });

  it('rounds α to the nearest power of two in the log domain (split at √2)', () => {
    // A group of equal magnitudes 1.4 (< √2) and 1.42 (> √2): one plane, α = mean|w|.
    const lo = binaryCodingQuantize(Float32Array.from([1.4, -1.4]), 1, 2, 1, 2, true);
    const hi = binaryCodingQuantize(Float32Array.from([1.42, -1.42]), 1, 2, 1, 2, true);
    expect(lo.exponents[0]).toBe(0);
    expect(hi.exponents[0]).toBe(1);
  });
});

describe('any4 per-row codebooks', () => {
  it('sorted tables, deterministic for a seed, and better than NF4 and int4 on the importance-weighted error', () => {
    const rows = 16;
    const cols = 256;
    const w = makeTensor({ rows, cols, distribution: 'gaussian', seed: 7 });
    const x = makeTensor({ rows: 4, cols, distribution: 'gaussian', seed: 8, outlierChannels: 4, outlierScale: 10 });
    const importance = new Float64Array(cols);
    for (let m = 0; m < 4; m++) for (let k = 0; k < cols; k++) importance[k] += x[m * cols + k] ** 2 / 4;
    const a = fitRowCodebooks(w, rows, cols, 64, importance, 3);
    const b = fitRowCodebooks(w, rows, cols, 64, importance, 3);
    expect([...a.tables]).toEqual([...b.tables]);
    for (let r = 0; r < rows; r++) for (let i = 1; i < 16; i++) expect(a.tables[r * 16 + i]).toBeGreaterThanOrEqual(a.tables[r * 16 + i - 1]);
    const weighted = (wHat: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += importance[i % cols] * (wHat[i] - w[i]) ** 2;
      return s;
    };
    const nf4 = quantize(w, { format: 'nf4', blockSize: 64, shape: [rows, cols] }).dequantized;
    const int4 = quantize(w, { format: 'int', bits: 4, granularity: 'group', groupSize: 64, shape: [rows, cols] }).dequantized;
    expect(weighted(a.dequantized)).toBeLessThan(weighted(nf4));
    expect(weighted(a.dequantized)).toBeLessThan(weighted(int4));
  });
});

describe('block transforms', () => {
  it('the float32 rotation equals the float64 one to rounding, and the inverse undoes it', () => {
    const x = makeTensor({ rows: 3, cols: 128, distribution: 'student-t', seed: 1 });
    for (const block of [32, 64, 128]) {
      const r32 = hadamardRotateF32(x, 3, 128, block, 9);
      const r64 = hadamardRotateF64(x, 3, 128, block, 9);
      // log2(b) stages, each one rounding of a sum of |x|: well under 1e-5 relative here.
      expect(rel(r32, r64)).toBeLessThan(1e-6);
      expect(rel(hadamardUnrotate(r64, 3, 128, block, 9), x)).toBeLessThan(1e-6); // r64 was rounded to float32 once
    }
    // Seeded signs: about half flipped, different for another seed.
    let flips = 0;
    let differ = 0;
    for (let k = 0; k < 1000; k++) {
      if (rhtSignFlipped(k, 9)) flips++;
      if (rhtSignFlipped(k, 9) !== rhtSignFlipped(k, 10)) differ++;
    }
    expect(flips).toBeGreaterThan(400);
    expect(flips).toBeLessThan(600);
    expect(differ).toBeGreaterThan(400);
  });

  it('with outlier channels, MXFP4 after the rotation has about the error MXFP4 has without outliers', () => {
    const shape = { rows: 64, cols: 256, distribution: 'gaussian' as const, seed: 1, outlierScale: 20 };
    const clean = makeTensor({ ...shape, outlierChannels: 0 });
    const dirty = makeTensor({ ...shape, outlierChannels: 4 });
    const plain = (t: Float32Array) => rel(quantize(t, { format: 'mxfp4', shape: [64, 256] }).dequantized, t);
    const rotated = (t: Float32Array) => rel(hadamardRoundTrip(t, 64, 256, { format: 'mxfp4' }, 64, 1), t);
    expect(plain(dirty)).toBeGreaterThan(1.3 * plain(clean));
    expect(rotated(dirty)).toBeLessThan(1.1 * plain(clean));
  });

  it('rearranging channels is a permutation that the round trip undoes, and it helps BFP under outlier channels', () => {
    const x = makeTensor({ rows: 32, cols: 256, distribution: 'gaussian', seed: 4, outlierChannels: 8, outlierScale: 20 });
    const order = channelOrderByMagnitude(x, 32, 256);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 256 }, (_, k) => k));
    const p = permuteColumns(x, 32, 256, order);
    for (let j = 1; j < 256; j++) {
      let a = 0;
      let b = 0;
      for (let r = 0; r < 32; r++) {
        a = Math.max(a, Math.abs(p[r * 256 + j - 1]));
        b = Math.max(b, Math.abs(p[r * 256 + j]));
      }
      expect(a).toBeGreaterThanOrEqual(b);
    }
    // Lossless "quantization" (f32 as an element format) survives the round trip exactly.
    expect([...reorderedRoundTrip(x, 32, 256, { format: 'bf16' })]).toEqual([...quantize(x, { format: 'bf16' }).dequantized]);
    const bfp = { format: 'bfp' as const, bits: 4, blockSize: 32 };
    expect(rel(reorderedRoundTrip(x, 32, 256, bfp), x)).toBeLessThan(0.85 * rel(quantize(x, { ...bfp, shape: [32, 256] }).dequantized, x));
  });
});

describe('quant bench suite', () => {
  it('every case is a valid experiment within the spec-default limits, and every seed variant has rows', async () => {
    const { SPEC_DEFAULT_CAPS } = await import('../../src/gpu/caps');
    const { findFamily, validateExperiment } = await import('../../src/kernels');
    const { variantOf } = await import('../../src/kernels/experiment');
    const { problemsFor } = await import('../../src/kernels/schema');
    const caps = { ...SPEC_DEFAULT_CAPS, features: ['subgroups'] };
    const cases = findFamily('quant')!.benchSuite!();
    for (const c of cases) {
      const { experiment, problems } = validateExperiment(c.experiment);
      expect(problems, c.label).toEqual([]);
      expect(problemsFor(variantOf(experiment), experiment.params, caps), c.label).toEqual([]);
    }
    const variants = new Set(cases.map((c) => c.experiment.variant));
    for (const v of ['gemv-f32', 'gemv-w4', 'gemm-w4-fp8', 'gemm-w4ax', 'ternary', 'shift-add', 'any4', 'hadamard-mxfp4', 'reorder-blocks'])
      expect(variants).toContain(v);
  });
});
