// Stochastic rounding for the table formats (NF4, learned 4-bit codebook): the rule, its exact
// integer decision, unbiasedness over seeds, determinism, and nearest-even left as it was.
import { describe, expect, it } from 'vitest';
import { NF4_VALUES_F32, NF4_VALUES_FIXED, quantize, stochasticTableCode, tableFixed } from '../../src/numerics/formats';
import { Rng } from '../../src/numerics/prng';

const fr = Math.fround;

/** Per-element mean and variance of the dequantized values over `seeds` stochastic runs. */
function meanOverSeeds(data: Float32Array, scheme: Parameters<typeof quantize>[1], seeds: number) {
  const sum = new Float64Array(data.length);
  const sumSq = new Float64Array(data.length);
  const tables: Float32Array[] = [];
  const scalesPerSeed: Float32Array[] = [];
  for (let s = 0; s < seeds; s++) {
    const r = quantize(data, { ...scheme, rounding: 'stochastic', seed: 1000 + s });
    for (let i = 0; i < data.length; i++) {
      sum[i] += r.dequantized[i];
      sumSq[i] += r.dequantized[i] ** 2;
    }
    tables.push(r.codebook!);
    scalesPerSeed.push(r.scales!);
  }
  const mean = Float64Array.from(sum, (v) => v / seeds);
  const variance = Float64Array.from(sumSq, (v, i) => Math.max(0, v / seeds - mean[i] ** 2));
  return { mean, variance, tables, scales: scalesPerSeed[0] };
}

describe('stochastic rounding onto a table (NF4, codebook4)', () => {
  it('the decision is exact: P(upper entry) = ceil((v − lo)·2^24 / (hi − lo)) / 2^24 (checked with BigInt)', () => {
    const rng = new Rng(5);
    // A sorted table with a duplicate entry and uneven gaps, as a learned codebook can have.
    const table = Float32Array.from([-0.9, -0.7, -0.7, -0.41, -0.3, -0.2, -0.1, -0.03, 0, 0.05, 0.11, 0.2, 0.33, 0.5, 0.77, 0.95]);
    const fx = Int32Array.from(table, tableFixed);
    for (let trial = 0; trial < 300; trial++) {
      const v = fr(rng.uniform(-0.89, 0.94));
      const vf = tableFixed(v);
      let k = 0;
      for (let c = 0; c < 15; c++) if (fx[c] <= vf) k = c;
      const d = BigInt(vf - fx[k]);
      const w = BigInt(fx[k + 1] - fx[k]);
      // Number of h in [0, 2^24) that round up; "up" is monotone in h, so check both sides of it.
      const upCount = Number((d * 2n ** 24n + w - 1n) / w);
      if (upCount > 0) expect(stochasticTableCode(fx, v, upCount - 1)).toBe(k + 1);
      if (upCount < 2 ** 24) expect(stochasticTableCode(fx, v, upCount)).toBe(k);
      expect(stochasticTableCode(fx, v, 0)).toBe(d > 0n ? k + 1 : k);
      expect(stochasticTableCode(fx, v, 2 ** 24 - 1)).toBe(k);
    }
    // Exactly on an entry: never moves. Beyond the ends: the end entry.
    for (let c = 0; c < 16; c++) for (const h of [0, 12345, 2 ** 24 - 1]) expect(table[stochasticTableCode(fx, table[c], h)]).toBe(table[c]);
    for (const h of [0, 2 ** 23, 2 ** 24 - 1]) {
      expect(stochasticTableCode(fx, -1, h)).toBe(0);
      expect(stochasticTableCode(fx, 1, h)).toBe(15);
    }
  });

  it('NF4: the mean over 1500 seeds converges to the input within 5 standard errors', () => {
    const rng = new Rng(21);
    const data = Float32Array.from({ length: 256 }, () => rng.uniform(-1, 1) * rng.uniform(0.2, 1.5) * 0.7);
    const seeds = 1500;
    const { mean } = meanOverSeeds(data, { format: 'nf4' }, seeds);
    const r0 = quantize(data, { format: 'nf4' });
    let checked = 0;
    for (let i = 0; i < data.length; i++) {
      const amax = r0.scales![i >> 6];
      const v = fr(data[i] / amax);
      // The bracketing entries and the Bernoulli standard deviation of one draw: √(p(1−p))·(d_hi − d_lo).
      let k = 0;
      for (let c = 0; c < 15; c++) if (NF4_VALUES_F32[c] <= v) k = c;
      const lo = fr(NF4_VALUES_F32[k] * amax);
      const hi = fr(NF4_VALUES_F32[k + 1] * amax);
      const p = Math.min(1, Math.max(0, (v - NF4_VALUES_F32[k]) / (NF4_VALUES_F32[k + 1] - NF4_VALUES_F32[k])));
      const se = (Math.sqrt(p * (1 - p)) * (hi - lo)) / Math.sqrt(seeds);
      // Deterministic slack: fl32 normalisation and dequantization (≤ 2^-24 relative each), the
      // 2^-29 fixed-point step and the 2^-24 resolution of u: together well under amax·2^-20.
      const slack = amax * 2 ** -20;
      expect(Math.abs(mean[i] - data[i]), `element ${i}: x = ${data[i]}, mean ${mean[i]}, se ${se}`).toBeLessThanOrEqual(5 * se + slack);
      if (se > 0) checked++;
    }
    expect(checked).toBeGreaterThan(240); // all but the four block maxima (exactly ±1) are random
    // Nearest rounding is biased on the same data: the test can tell the two apart.
    let nearestOff = 0;
    for (let i = 0; i < data.length; i++) if (Math.abs(r0.dequantized[i] - data[i]) > Math.abs(mean[i] - data[i]) * 3) nearestOff++;
    expect(nearestOff).toBeGreaterThan(128);
  });

  it('codebook4: the mean over 300 seeds converges to the input within 5 standard errors where the table covers it', () => {
    // The seed also seeds the k-means start, so the table changes from seed to seed; each draw is
    // unbiased given its table whenever the value lies inside the table's range (else it clamps).
    const rng = new Rng(8);
    const data = Float32Array.from({ length: 256 }, () => rng.uniform(-1, 1) * (1 + rng.uniform(0, 1)));
    const seeds = 300;
    const scheme = { format: 'codebook4' as const, groupSize: 128, iterations: 10 };
    const { mean, variance, tables, scales } = meanOverSeeds(data, scheme, seeds);
    let checked = 0;
    for (let i = 0; i < data.length; i++) {
      const amax = scales[i >> 7];
      const v = fr(data[i] / amax);
      if (!tables.every((t) => v >= t[0] && v <= t[15])) continue;
      checked++;
      // Standard error from the sample variance over the seeds (the per-seed table varies).
      const se = Math.sqrt(variance[i] / (seeds - 1));
      expect(Math.abs(mean[i] - data[i]), `element ${i}: x = ${data[i]}, mean ${mean[i]}, se ${se}`).toBeLessThanOrEqual(5 * se + amax * 2 ** -20);
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('is deterministic for a fixed seed, differs between seeds, and only ever picks a bracketing entry', () => {
    const rng = new Rng(3);
    const data = Float32Array.from({ length: 512 }, () => rng.uniform(-1, 1) * rng.uniform(0.2, 1.5));
    data[5] = NaN;
    data[9] = -Infinity;
    for (const format of ['nf4', 'codebook4'] as const) {
      const a = quantize(data, { format, rounding: 'stochastic', seed: 7 });
      const b = quantize(data, { format, rounding: 'stochastic', seed: 7 });
      const c = quantize(data, { format, rounding: 'stochastic', seed: 8 });
      expect([...a.codes]).toEqual([...b.codes]);
      expect([...a.dequantized]).toEqual([...b.dequantized]);
      expect(a.codes.some((code, i) => code !== c.codes[i])).toBe(true);
      const groupSize = a.groupSize!;
      for (let i = 0; i < data.length; i++) {
        const table = a.codebook!;
        const x = data[i];
        const v = Number.isNaN(x) ? 0 : x === -Infinity ? -1 : fr(x / a.scales![Math.floor(i / groupSize)]);
        const code = a.codes[i];
        // table[code] ≤ v ≤ table[code + 1] (rounded down) or table[code − 1] ≤ v ≤ table[code] (up), or clamped.
        const down = table[code] <= v && (code === 15 || v <= table[code + 1]);
        const up = v <= table[code] && (code === 0 || table[code - 1] <= v);
        expect(down || up, `${format} element ${i}: v = ${v}, code ${code}`).toBe(true);
      }
    }
  });

  it('nearest-even is unchanged: NF4 and codebook4 codes are the nearest table entries', () => {
    const rng = new Rng(4);
    const data = Float32Array.from({ length: 384 }, () => rng.uniform(-1, 1) * rng.uniform(0.2, 1.5));
    for (const format of ['nf4', 'codebook4'] as const) {
      const dflt = quantize(data, { format, seed: 2 });
      const rne = quantize(data, { format, seed: 2, rounding: 'nearest-even' });
      expect([...rne.codes]).toEqual([...dflt.codes]);
      const table = dflt.codebook!;
      for (let i = 0; i < data.length; i++) {
        const v = fr(data[i] / dflt.scales![Math.floor(i / dflt.groupSize!)]);
        const dist = Math.abs(v - table[dflt.codes[i]]);
        for (let c = 0; c < 16; c++) expect(dist).toBeLessThanOrEqual(Math.abs(v - table[c]) * (1 + 2 ** -20));
      }
    }
    expect([...NF4_VALUES_FIXED]).toEqual([...NF4_VALUES_F32].map((v) => Math.round(v * 2 ** 29)));
  });
});
