// SpGEMM (SMASH's hash merge, the sort-based merge and the dense product) on WebGPU (Dawn) against
// float64: odd shapes, rows with no partial product, columns hit many times, rows longer than the
// hash table (the fallback), and deliberately broken kernels that must be caught.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, findVariant, runVariant, type Experiment, type KernelVariant } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import type { SpgemmExtras } from '../../src/kernels/sparse/extras';
import { denseToCsr } from '../../src/numerics/sparseFormats';
import { productsPerRow, spgemmTruth } from '../../src/numerics/sparseSpgemm';
import { rowTableSize } from '../../src/kernels/sparse/spgemmHash';

const variant = findVariant('sparse', 'spgemm-hash')!;
const STRATEGIES = ['hash', 'sort', 'dense'];

function experimentOf(params: Record<string, number | string>, reps = 2): Experiment {
  const base = defaultExperiment('sparse', 'spgemm-hash');
  return { ...base, params: { ...base.params, ...params }, seed: 7, reps };
}

async function run(e: Experiment, v: KernelVariant = variant) {
  const { device, caps, adapter } = await nodeDevice();
  return runVariant(device, v, e, { caps, adapter, targetSampleSeconds: 0.001 });
}

function spgemmExtras(result: Awaited<ReturnType<typeof run>>): SpgemmExtras {
  const extras = extrasOf(result, 'sparse');
  if (extras?.kind !== 'spgemm') throw new Error('expected SpGEMM extras');
  return extras;
}

/** Columns exact, each value within γ_p·Σ|a·b|, empty slots exactly (−1, 0), first and last timed run alike. */
async function expectCorrect(e: Experiment) {
  const result = await run(e);
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, JSON.stringify(e.params)).toBe(0);
  expect(result.repeatCheck?.failure).toBeUndefined();
  return result;
}

/** What the matrices of an experiment hold: partial products per row and hits per non-zero of C. */
function structureOf(e: Experiment) {
  const { M, N, K } = e.params as Record<string, number>;
  const inputs = variant.makeInputs(e.params, e.seed);
  const a = denseToCsr(inputs.a as Float32Array, M, K);
  const b = denseToCsr(inputs.b as Float32Array, K, N);
  return { products: productsPerRow(a, b), truth: spgemmTruth(a, b) };
}

describe('SpGEMM against float64', () => {
  const SHAPES = [
    { M: 1, N: 1, K: 1 },
    { M: 17, N: 5, K: 33 },
    { M: 37, N: 70, K: 29 },
  ];
  const PATTERNS = [
    { pattern: 'random', density: 10, densityB: 20 },
    { pattern: 'random', density: 0, densityB: 50 },
    { pattern: 'random', density: 100, densityB: 100 },
    { pattern: 'skewed', density: 4, densityB: 30 },
  ];
  for (const shape of SHAPES) {
    for (const p of PATTERNS) {
      it(`${shape.M}×${shape.N}×${shape.K} A ${p.pattern} ${p.density}%, B ${p.densityB}%: hash (64 and 16 slots), sort, dense`, async () => {
        await expectCorrect(experimentOf({ ...shape, ...p, strategy: 'hash', table: 64, wg: 32 }));
        await expectCorrect(experimentOf({ ...shape, ...p, strategy: 'hash', table: 16, wg: 5 }));
        await expectCorrect(experimentOf({ ...shape, ...p, strategy: 'sort', wg: 3 }));
        await expectCorrect(experimentOf({ ...shape, ...p, strategy: 'dense' }));
      });
    }
  }

  it('rows with no partial product and columns hit many times come out right', async () => {
    const e = experimentOf({ M: 45, N: 23, K: 60, pattern: 'skewed', density: 2, densityB: 40, table: 64 });
    const { products, truth } = structureOf(e);
    expect(Array.from(products).filter((p) => p === 0).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...truth.hits)).toBeGreaterThanOrEqual(5);
    for (const strategy of STRATEGIES) {
      const result = await expectCorrect({ ...e, params: { ...e.params, strategy } });
      const extras = spgemmExtras(result);
      expect(extras.productsPerRow).toEqual(Array.from(products));
      expect(extras.nnzC).toBe(truth.col.length);
      expect(extras.products).toBe(products.reduce((a, b) => a + b, 0));
    }
  });

  it('rows longer than the hash table take the fallback (dense accumulator in global memory), repeatedly right', async () => {
    // N = 40 columns, 16 slots: rows that may hit more than 16 columns fall back.
    const e = experimentOf({ M: 30, N: 40, K: 50, pattern: 'skewed', density: 3, densityB: 30, strategy: 'hash', table: 16, wg: 8 }, 4);
    const { products } = structureOf(e);
    const long = Array.from(products).filter((p) => Math.min(40, p) > 16).length;
    const short = Array.from(products).filter((p) => p > 0 && Math.min(40, p) <= 16).length;
    expect(long).toBeGreaterThan(0);
    expect(short).toBeGreaterThan(0);
    const result = await expectCorrect(e);
    expect(spgemmExtras(result).fallbackRows).toBe(long);
    expect(result.wgsl.map((w) => w.label)).toEqual([expect.stringMatching(`hash: ${short} rows`), expect.stringMatching(`fallback: ${long} rows`)]);
    // Every row longer than the table.
    await expectCorrect(experimentOf({ M: 9, N: 33, K: 12, pattern: 'random', density: 100, densityB: 100, strategy: 'hash', table: 16 }, 3));
  });

  it('a table exactly as large as a row’s distinct columns (a full table)', async () => {
    const e = experimentOf({ M: 24, N: 16, K: 20, pattern: 'random', density: 50, densityB: 60, strategy: 'hash', table: 16, wg: 16 });
    const { truth } = structureOf(e);
    expect(Math.max(...Array.from({ length: 24 }, (_, r) => truth.rowPtr[r + 1] - truth.rowPtr[r]))).toBe(16);
    await expectCorrect(e);
  });
});

describe('broken SpGEMM kernels are caught on the GPU', () => {
  /** The variant with one piece of its WGSL replaced in the dispatches whose label matches. */
  function mutated(labels: RegExp, find: string, replace: string): KernelVariant {
    return {
      ...variant,
      plan(params, inputs, caps) {
        const plan = variant.plan(params, inputs, caps);
        const targets = plan.dispatches.filter((d) => labels.test(d.label));
        expect(targets.length).toBeGreaterThan(0);
        for (const d of targets) expect(d.wgsl).toContain(find);
        return { ...plan, dispatches: plan.dispatches.map((d) => (labels.test(d.label) ? { ...d, wgsl: d.wgsl.replace(find, replace) } : d)) };
      },
    };
  }
  // Rows with up to 16 distinct columns in a 16-slot table: full tables, colliding columns.
  const full = experimentOf({ M: 24, N: 16, K: 20, pattern: 'random', density: 50, densityB: 60, strategy: 'hash', table: 16, wg: 16 });

  /** The kernel's hash into a table of T slots (Knuth's multiplicative hash, top log2(T) bits). */
  const hashOf = (col: number, T: number) => (Math.imul(col, 2654435761) >>> 0) >>> (32 - Math.log2(T));
  /** Whatever the insertion order, some column must probe past the table's end: more columns hash into slots a … T−1 than there are. */
  const mustWrap = (cols: number[], T: number) => Array.from({ length: T }, (_, a) => a).some((a) => cols.filter((c) => hashOf(c, T) >= a).length > T - a);

  it('a hash probe that never wraps around the end of the table', async () => {
    // 48 columns into 16 slots: rows whose columns crowd the end of the table.
    const e = experimentOf({ M: 24, N: 48, K: 20, pattern: 'random', density: 10, densityB: 15, strategy: 'hash', table: 16, wg: 16 });
    const { products, truth } = structureOf(e);
    // Each hashed row's own table (as the kernel sizes it), and the rows whose probes must wrap in it.
    const wrapping = Array.from({ length: 24 }, (_, r) => r).filter((r) => {
      const slots = Math.min(48, products[r]);
      return slots > 0 && slots <= 16 && mustWrap(Array.from(truth.col.subarray(truth.rowPtr[r], truth.rowPtr[r + 1])), rowTableSize(slots, 16));
    });
    expect(wrapping.length).toBeGreaterThan(0);
    expect((await run(e)).metrics.boundViolations).toBe(0);
    const broken = await run(e, mutated(/^hash/, 'slot = (slot + 1u) & (size - 1u);', 'slot = slot + 1u;'));
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
  });

  it('a probe that takes any occupied slot as its column’s (collisions merged)', async () => {
    const { products, truth } = structureOf(full);
    const colliding = Array.from({ length: 24 }, (_, r) => {
      const size = rowTableSize(Math.min(16, products[r]), 16);
      return Array.from(truth.col.subarray(truth.rowPtr[r], truth.rowPtr[r + 1]), (c) => hashOf(c, size));
    }).filter((hashes) => new Set(hashes).size < hashes.length);
    expect(colliding.length).toBeGreaterThan(0);
    const broken = await run(full, mutated(/^hash/, 'if (key == col) {', 'if (key != EMPTY) {'));
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
  });

  it('a fallback that leaves its accumulator dirty: right once, wrong when repeated', async () => {
    const e = experimentOf({ M: 12, N: 40, K: 30, pattern: 'random', density: 60, densityB: 40, strategy: 'hash', table: 16 }, 3);
    const leaky = mutated(/^fallback/, 'atomicStore(&accumulator[values + col], 0u);', '');
    const broken = await run(e, leaky);
    expect(broken.repeatCheck?.failure).toMatch(/right on the first run, wrong after repeated runs/);
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
  });

  it('a sort that skips its last compare-exchange pass', async () => {
    const e = experimentOf({ M: 20, N: 30, K: 25, pattern: 'random', density: 30, densityB: 30, strategy: 'sort' });
    const skipping: KernelVariant = {
      ...variant,
      plan(params, inputs, caps) {
        const plan = variant.plan(params, inputs, caps);
        const last = plan.dispatches.map((d) => d.label).filter((l) => l.startsWith('bitonic')).length;
        expect(last).toBeGreaterThan(1);
        return { ...plan, dispatches: plan.dispatches.filter((d) => !d.label.startsWith(`bitonic pass ${last}/`)) };
      },
    };
    expect((await run(e, skipping)).metrics.boundViolations).toBeGreaterThan(0);
    expect((await run(e)).metrics.boundViolations).toBe(0);
  });
});
