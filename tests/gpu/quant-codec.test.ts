import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { CODEC_FORMATS, SCALED_ELEMENTS, codec, codecConfig, expectedCodecOutput } from '../../src/kernels/quant/codec';
import { ELEMENT_FORMATS, NF4_VALUES_F32, SCALE_FORMATS, decodeElement, encodeElement, quantize } from '../../src/numerics/formats';
import { Rng } from '../../src/numerics/prng';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import type { Params } from '../../src/kernels/types';

async function runCodec(params: Params, x: Float32Array): Promise<{ got: Uint32Array; want: Uint32Array }> {
  const { device, caps } = await nodeDevice();
  const plan = codec.plan(params, { x }, caps);
  const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001, useTimestamps: false });
  const { layout, scheme } = codecConfig(params);
  const want = expectedCodecOutput(layout, quantize(x, scheme));
  return { got: run.output as Uint32Array, want };
}

/** The codec's extras of a run (and a failure if the run returned none, or another kind). */
function codecExtras(result: Parameters<typeof extrasOf>[0]) {
  const extras = extrasOf(result, 'quant');
  if (extras?.kind !== 'tensor') throw new Error(`expected the codec's extras, got ${JSON.stringify(extras)?.slice(0, 80)}`);
  return extras;
}

function firstMismatch(got: Uint32Array, want: Uint32Array, x: Float32Array): string {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) return `index ${i}: gpu ${got[i].toString(16)} want ${want[i].toString(16)} (x = ${i < x.length ? x[i] : 'scale/zp'})`;
  }
  return 'none';
}

const base = defaultExperiment('quant', 'codec').params;

describe('GPU quantize kernels are bit-identical to the TS codec', () => {
  for (const format of CODEC_FORMATS) {
    it(`${format} on a seeded Student-t tensor with outlier channels (through runExperiment)`, async () => {
      const { device, caps, adapter } = await nodeDevice();
      const experiment: Experiment = {
        ...defaultExperiment('quant', 'codec'),
        params: { ...base, format, rows: 17, cols: 200, dist: 'student-t', outliers: 2, outlierScale: 50 },
        reps: 1,
        seed: 3,
      };
      const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
      expect(result.metrics.boundViolations).toBe(0);
      expect(codecExtras(result).mismatches).toBe(0);
    });
  }

  for (const format of CODEC_FORMATS) {
    it(`${format}: quantize then dequantize on the GPU equals the TS dequantized values bit for bit`, async () => {
      const { device, caps, adapter } = await nodeDevice();
      const experiment: Experiment = {
        ...defaultExperiment('quant', 'codec'),
        params: { ...base, format, rows: 9, cols: 160, dist: 'laplace', outliers: 1, outlierScale: 30, stage: 'roundtrip', symmetric: format !== 'int' },
        reps: 1,
        seed: 11,
      };
      const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
      expect(result.metrics.boundViolations).toBe(0);
      expect(codecExtras(result).mismatches).toBe(0); // also distinguishes −0 from +0
      expect(result.wgsl.some((w) => w.label.startsWith('dequantize'))).toBe(true);
    });
  }

  it('dequantize decodes every code of every ≤ 8-bit element format, specials included', async () => {
    for (const format of ['e4m3', 'e5m2', 'e3m2', 'e2m3', 'e2m1', 'e1m2', 'e3m0'] as const) {
      const f = ELEMENT_FORMATS[format];
      // Inputs that hit every code: each representable value (and ±Inf / NaN where they exist).
      const values: number[] = [];
      for (let c = 0; c < 2 ** f.bits; c++) values.push(decodeElement(format, c));
      const x = Float32Array.from(values);
      const { device, caps } = await nodeDevice();
      const params = { ...base, format, rows: 1, cols: x.length, stage: 'roundtrip' };
      const run = await runPlan(device, codec.plan(params, { x }, caps), { reps: 1, targetSampleSeconds: 0.001, useTimestamps: false });
      const got = run.output as Float32Array;
      for (let i = 0; i < x.length; i++) {
        const want = decodeElement(format, encodeElement(format, x[i]));
        expect(Object.is(got[i], Math.fround(want)) || (Number.isNaN(got[i]) && Number.isNaN(want)), `${format} code ${i}: ${got[i]} vs ${want}`).toBe(true);
      }
    }
  });

  it('element formats on random float32 bit patterns (every exponent, subnormals, NaN, ±Inf)', async () => {
    const rng = new Rng(21);
    const x = new Float32Array(16384);
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < bits.length; i++) bits[i] = rng.nextU32();
    // Plus values near each format's range: random bits with small exponents.
    for (let i = 0; i < 4096; i++) bits[i] = (rng.nextU32() & 0x80ffffff) | ((100 + (rng.nextU32() % 60)) << 23);
    bits[5000] = 0x7f800000;
    bits[5001] = 0xff800000;
    bits[5002] = 0x7fc00000;
    bits[5003] = 0x80000000;
    bits[5004] = 0x00000001;
    for (const format of ['e4m3', 'e5m2', 'e3m2', 'e2m3', 'e2m1', 'e1m2', 'e3m0', 'bf16', 'f16']) {
      const params = { ...base, format, rows: 1, cols: x.length };
      const { got, want } = await runCodec(params, x);
      expect(firstMismatch(got, want, x), format).toBe('none');
    }
  });

  it('element formats at every representable value and every midpoint (ties to even), both signs', async () => {
    const rng = new Rng(4);
    for (const format of ['e4m3', 'e5m2', 'e3m2', 'e2m3', 'e2m1', 'e1m2', 'e3m0', 'bf16', 'f16'] as const) {
      const f = ELEMENT_FORMATS[format];
      const codes = f.bits <= 8 ? Array.from({ length: f.maxCode }, (_, c) => c) : Array.from({ length: 3000 }, () => rng.nextU32() % f.maxCode);
      const probes: number[] = [];
      for (const c of codes) {
        const lo = decodeElement(format, c);
        const hi = decodeElement(format, c + 1);
        probes.push(lo, (lo + hi) / 2, hi, -lo, -(lo + hi) / 2);
      }
      const x = Float32Array.from(probes);
      expect([...x]).toEqual(probes); // every probe is exact in float32
      const { got, want } = await runCodec({ ...base, format, rows: 1, cols: x.length }, x);
      expect(firstMismatch(got, want, x), format).toBe('none');
    }
  });

  it('MX formats: exact ties of the scaled elements', async () => {
    // Each block: amax 6·2^k plus E2M1 midpoints 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5 times 2^k.
    const mids = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 6];
    const x = new Float32Array(32 * 16);
    for (let b = 0; b < 16; b++) for (let j = 0; j < 32; j++) x[b * 32 + j] = (j % 2 ? -1 : 1) * mids[j % mids.length] * 2 ** (b - 8);
    for (const format of ['mxfp4', 'mxfp6-e2m3', 'mxfp6-e3m2', 'mxfp8-e4m3', 'mxint8']) {
      const { got, want } = await runCodec({ ...base, format, rows: 1, cols: x.length }, x);
      expect(firstMismatch(got, want, x), format).toBe('none');
    }
  });

  it('MX formats: scales across the whole exponent range, NaN/Inf blocks, all-zero blocks, subnormal amax', async () => {
    const rng = new Rng(5);
    const blocks = 256;
    const x = new Float32Array(32 * blocks);
    const bits = new Uint32Array(x.buffer);
    for (let b = 0; b < blocks; b++) {
      const exponent = b % 254; // block b lives around 2^(exponent − 127)
      for (let j = 0; j < 32; j++) bits[b * 32 + j] = (rng.nextU32() & 0x807fffff) | (Math.max(0, exponent - (rng.nextU32() % 12)) << 23);
    }
    x.fill(0, 32 * 7, 32 * 8);
    x[32 * 9 + 3] = NaN;
    x[32 * 10 + 31] = -Infinity;
    x[32 * 11 + 4] = Math.fround(4 - 2 ** -21); // just below a power of two
    x[32 * 11 + 5] = 0;
    for (const format of ['mxfp8-e4m3', 'mxfp8-e5m2', 'mxfp6-e3m2', 'mxfp6-e2m3', 'mxfp4', 'mxint8']) {
      const params = { ...base, format, rows: 1, cols: x.length };
      const { got, want } = await runCodec(params, x);
      expect(firstMismatch(got, want, x), format).toBe('none');
    }
    // Block floating point shares the same exponent logic (any mantissa width, any block size).
    for (const [bits, groupSize] of [
      [2, 32],
      [4, 16],
      [8, 64],
    ]) {
      const { got, want } = await runCodec({ ...base, format: 'bfp', bits, groupSize, rows: 1, cols: x.length }, x);
      expect(firstMismatch(got, want, x), `bfp m${bits} block ${groupSize}`).toBe('none');
    }
  });

  it('integer and NF4 edge cases: constant groups, zero groups, NaN/Inf, ties, short last group, per-tensor, per-channel', async () => {
    const rng = new Rng(8);
    const rows = 6;
    const cols = 100; // group 32 leaves a short last group of 4
    const x = Float32Array.from({ length: rows * cols }, () => rng.uniform(-2, 2));
    x.fill(0, 0, 32); // all-zero group
    x.fill(-3, 32, 64); // constant negative group
    x.fill(0.75, 100, 132); // constant positive group
    x[140] = NaN;
    x[141] = Infinity;
    x[142] = -Infinity;
    x[200] = 7; // with group amax 7 and int4: exact ties 3.5 → 4, 2.5 → 2
    x[201] = 3.5;
    x[202] = 2.5;
    x[203] = -3.5;
    x[250] = 1e-40; // a subnormal input
    for (const bits of [2, 3, 4, 8]) {
      for (const symmetric of [true, false]) {
        for (const granularity of ['tensor', 'channel', 'group']) {
          for (const groupSize of granularity === 'group' ? [32, 64] : [32]) {
            const params = { ...base, format: 'int', bits, symmetric, granularity, groupSize, rows, cols };
            const { got, want } = await runCodec(params, x);
            expect(firstMismatch(got, want, x), JSON.stringify({ bits, symmetric, granularity, groupSize })).toBe('none');
          }
        }
      }
    }
    const { got, want } = await runCodec({ ...base, format: 'nf4', rows, cols }, x);
    expect(firstMismatch(got, want, x), 'nf4').toBe('none');
    for (const groupSize of [32, 128]) {
      const cb = await runCodec({ ...base, format: 'codebook4', groupSize, rows, cols }, x);
      expect(firstMismatch(cb.got, cb.want, x), `codebook4 group ${groupSize}`).toBe('none');
    }
  });

  it('stochastic rounding (counter-based seeded hash) is bit-identical too, and differs from nearest-even', async () => {
    const rng = new Rng(12);
    const x = Float32Array.from({ length: 8 * 96 }, () => rng.uniform(-3, 3));
    x[7] = NaN;
    x[100] = Infinity;
    const cases: Record<string, number | string | boolean>[] = [
      { format: 'int', bits: 4, symmetric: true, granularity: 'group', groupSize: 32 },
      { format: 'int', bits: 3, symmetric: false, granularity: 'channel' },
      { format: 'e4m3' },
      { format: 'e2m1' },
      { format: 'bf16' },
      { format: 'f16' },
      { format: 'mxfp4' },
      { format: 'mxfp8-e5m2' },
      { format: 'mxint8' },
      { format: 'bfp', bits: 3, groupSize: 16 },
      { format: 'nf4' },
      { format: 'codebook4', groupSize: 32 },
    ];
    for (const c of cases) {
      for (const srSeed of [1, 77]) {
        const params = { ...base, ...c, rows: 8, cols: 96, rounding: 'stochastic', srSeed };
        const { got, want } = await runCodec(params, x);
        expect(firstMismatch(got, want, x), JSON.stringify(params)).toBe('none');
        const nearest = await runCodec({ ...params, rounding: 'nearest-even' }, x);
        let differ = 0;
        for (let i = 0; i < x.length; i++) if (got[i] !== nearest.got[i]) differ++;
        expect(differ, `${String(c.format)} stochastic vs nearest`).toBeGreaterThan(0);
      }
    }
  });

  it('NF4 and codebook4 stochastic rounding: bit-identical codes and round trip on values at, between and beyond the entries', async () => {
    const rng = new Rng(31);
    const cols = 128;
    const x = new Float32Array(4 * cols);
    for (let i = 0; i < x.length; i++) {
      const kind = i % 8;
      if (kind === 0)
        x[i] = NF4_VALUES_F32[(i >> 3) % 16] * 2.5; // exactly on an NF4 entry × amax
      else if (kind === 1)
        x[i] = rng.uniform(-1e-6, 1e-6); // near zero
      else if (kind === 2)
        x[i] = (i & 16 ? -1 : 1) * 1.2e-39; // float32 subnormal
      else x[i] = rng.uniform(-2.5, 2.5);
    }
    for (let r = 0; r < 4; r++) x[r * cols + 1] = r % 2 ? -2.5 : 2.5; // every NF4 block's amax is 2.5
    x[3] = -0;
    x[77] = NaN;
    x[300] = -Infinity;
    const tableCases: Params[] = [{ format: 'nf4' }, { format: 'codebook4', groupSize: 64 }];
    for (const c of tableCases) {
      for (const srSeed of [0, 5, 123456]) {
        const params = { ...base, ...c, rows: 4, cols, rounding: 'stochastic', srSeed };
        const { got, want } = await runCodec(params, x);
        expect(firstMismatch(got, want, x), JSON.stringify(params)).toBe('none');
      }
      const { device, caps, adapter } = await nodeDevice();
      const experiment: Experiment = {
        ...defaultExperiment('quant', 'codec'),
        params: { ...base, ...c, rows: 9, cols: 160, dist: 'laplace', outliers: 1, outlierScale: 30, stage: 'roundtrip', rounding: 'stochastic', srSeed: 9 },
        reps: 1,
        seed: 11,
      };
      const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
      expect(result.metrics.boundViolations).toBe(0);
      expect(codecExtras(result).mismatches).toBe(0);
      expect(result.wgsl.some((w) => w.source.includes('sr_table_code'))).toBe(true);
    }
  });

  it('block-scaled FP4 design space: every element format × every scale format × blocks of 16 and 32, codes and round trip', async () => {
    // Blocks whose amax sits on, just below and just above powers of two and grid points; elements
    // at the scaled midpoints (ties); an all-zero block; a tiny block where UE4M3 underflows to 0
    // (and UE5M3 does not); a NaN block and an Inf block.
    const rng = new Rng(17);
    const rows = 6;
    const cols = 96;
    const x = new Float32Array(rows * cols);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1) * 2 ** (((i >> 4) % 9) - 4);
    for (let j = 0; j < 16; j++) x[16 + j] = (j % 2 ? -1 : 1) * [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 6][j % 8]; // E2M1 midpoints, amax 6
    x[40] = 7; // amax 7: NVIDIA's rule picks 2, the OCP rule 1
    x[70] = Math.fround(8 - 2 ** -20);
    x.fill(0, 96, 128);
    for (let j = 0; j < 32; j++) x[128 + j] = rng.uniform(-1, 1) * 1e-4;
    x[200] = NaN;
    x[230] = -Infinity;
    x[300] = -0;
    for (const element of SCALED_ELEMENTS) {
      for (const { value: scale } of SCALE_FORMATS) {
        for (const groupSize of ELEMENT_FORMATS[element].bits === 4 ? [16, 32] : [16]) {
          const params = { ...base, format: 'scaled', element, scale, groupSize, rows, cols };
          const { got, want } = await runCodec(params, x);
          expect(firstMismatch(got, want, x), JSON.stringify({ element, scale, groupSize })).toBe('none');
        }
        const { device, caps } = await nodeDevice();
        const params = { ...base, format: 'scaled', element, scale, groupSize: 16, rows, cols, stage: 'roundtrip' };
        const run = await runPlan(device, codec.plan(params, { x }, caps), { reps: 1, targetSampleSeconds: 0.001, useTimestamps: false });
        const wantValues = quantize(x, codecConfig(params).scheme).dequantized;
        const gotValues = run.output as Float32Array;
        for (let i = 0; i < x.length; i++) {
          expect(
            Object.is(gotValues[i], wantValues[i]) || (Number.isNaN(gotValues[i]) && Number.isNaN(wantValues[i])),
            `${element} × ${scale} round trip at ${i}: ${gotValues[i]} vs ${wantValues[i]}`,
          ).toBe(true);
        }
      }
    }
    // Stochastic rounding of the scaled elements is bit-identical too.
    for (const scale of ['e8m0', 'ue5m3'] as const) {
      const params = { ...base, format: 'scaled', element: 'e2m1', scale, groupSize: 16, rows, cols, rounding: 'stochastic', srSeed: 3 };
      const { got, want } = await runCodec(params, x);
      expect(firstMismatch(got, want, x), `stochastic ${scale}`).toBe('none');
    }
  });

  it('a block-scaled codec with a wrong scale rule is caught on the GPU (OCP floor swapped for NVIDIA ceil)', async () => {
    const { device, caps } = await nodeDevice();
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 4 * 64 }, () => rng.uniform(-7, 7));
    const params = { ...base, format: 'scaled', element: 'e2m1', scale: 'e8m0-ceil', groupSize: 32, rows: 4, cols: 64 };
    const plan = codec.plan(params, { x }, caps);
    // The broken kernel: drop the "+1 unless a power of two" of ceil(log2 q), i.e. floor instead of ceil.
    for (const d of plan.dispatches) d.wgsl = d.wgsl.replace('select(1, 0, power_of_two)', '0');
    expect(plan.dispatches[0].wgsl).not.toContain('select(1, 0, power_of_two)');
    const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001, useTimestamps: false });
    const { layout, scheme } = codecConfig(params);
    const want = expectedCodecOutput(layout, quantize(x, scheme));
    expect(firstMismatch(run.output as Uint32Array, want, x)).not.toBe('none');
  });

  it('the bit-exact check is not vacuous: one flipped bit of a code is reported', async () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => i / 10);
    const params = { ...base, format: 'e4m3', rows: 1, cols: 64 };
    const { got, want } = await runCodec(params, x);
    expect(firstMismatch(got, want, x)).toBe('none');
    got[3] ^= 1;
    expect(firstMismatch(got, want, x)).not.toBe('none');
  });

  it('checkLimits explains sizes beyond the lab limits', () => {
    const big = codec.checkLimits({ ...base, format: 'int', granularity: 'tensor', rows: 8192, cols: 8192 }, SPEC_DEFAULT_CAPS);
    expect(big.join(' ')).toMatch(/16 777 216/);
    expect(big.join(' ')).toMatch(/1 048 576/);
    expect(codec.checkLimits({ ...base, rows: 64, cols: 256 }, SPEC_DEFAULT_CAPS)).toEqual([]);
  });
});
