// The mixture-of-experts GEMM (MegaBlocks) on WebGPU (Dawn) against float64: the three layouts on
// odd shapes and uneven routings (an expert with no token, one with every token), what the plans
// and extras say about each layout, and deliberately broken kernels that must be caught.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, findVariant, runVariant, type Experiment, type KernelVariant } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { expertCounts } from '../../src/numerics/sparseMoe';

const variant = findVariant('sparse', 'moe-grouped')!;
const STRATEGIES = ['block-sparse', 'padded', 'per-expert'];

function experimentOf(params: Record<string, number | string>, reps = 2): Experiment {
  const base = defaultExperiment('sparse', 'moe-grouped');
  return { ...base, params: { ...base.params, ...params }, seed: 5, reps };
}

function countsOf(e: Experiment): number[] {
  return expertCounts(variant.makeInputs(e.params, e.seed).expertOf as Uint32Array, Number(e.params.experts));
}

async function run(e: Experiment, v: KernelVariant = variant) {
  const { device, caps, adapter } = await nodeDevice();
  return runVariant(device, v, e, { caps, adapter, targetSampleSeconds: 0.001 });
}

/** Every output within γ_D·Σ|x·w| of float64 (padding rows exactly 0), first and last timed run alike. */
async function expectCorrect(e: Experiment) {
  const result = await run(e);
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations, JSON.stringify(e.params)).toBe(0);
  expect(result.repeatCheck?.failure).toBeUndefined();
  return result;
}

describe('mixture-of-experts GEMM against float64', () => {
  // Odd shapes: one token, one hidden unit, one expert; sizes that are multiples of nothing.
  const SHAPES = [
    { tokens: 1, hidden: 1, ffn: 1, experts: 1 },
    { tokens: 37, hidden: 19, ffn: 23, experts: 5 },
    { tokens: 203, hidden: 70, ffn: 33, experts: 9 },
  ];
  for (const shape of SHAPES) {
    for (const skew of [0, 70]) {
      it(`${JSON.stringify(shape)} skew ${skew}%: the three layouts, tiles 4 and 16`, async () => {
        for (const strategy of STRATEGIES) {
          await expectCorrect(experimentOf({ ...shape, skew, strategy, tile: 4, tn: 3 }));
          await expectCorrect(experimentOf({ ...shape, skew, strategy, tile: 16, tn: 16 }));
        }
      });
    }
  }

  it('one expert takes every token (skew 100%): the others have none, and all three layouts are right', async () => {
    const e = experimentOf({ tokens: 45, hidden: 21, ffn: 10, experts: 6, skew: 100 });
    const counts = countsOf(e);
    expect(counts.filter((c) => c === 45)).toHaveLength(1);
    expect(counts.filter((c) => c === 0)).toHaveLength(5);
    for (const strategy of STRATEGIES) {
      const result = await expectCorrect({ ...e, params: { ...e.params, strategy } });
      const extras = extrasOf(result, 'sparse');
      if (extras?.kind !== 'moe') throw new Error('expected MoE extras');
      expect(extras.emptyExperts).toBe(5);
      expect(extras.maxOverMean).toBe(6);
      // Padded to the busiest expert, five experts hold 45 rows of zeros each.
      expect(extras.layouts.find((l) => l.strategy === 'padded')).toMatchObject({ rowsStored: 6 * 45, wastedBytes: 4 * 5 * 45 * (21 + 10) });
      expect(extras.layouts.find((l) => l.strategy === 'block-sparse')).toMatchObject({ rowsStored: 45, wastedBytes: 0, dispatches: 1 });
      expect(extras.layouts.find((l) => l.strategy === 'per-expert')).toMatchObject({ dispatches: 1 });
    }
  });

  it('experts with no token among busy ones: no row block and no dispatch for them', async () => {
    const e = experimentOf({ tokens: 40, hidden: 13, ffn: 9, experts: 9, skew: 70, tile: 4 });
    const counts = countsOf(e);
    expect(counts.some((c) => c === 0)).toBe(true);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
    const inputs = variant.makeInputs(e.params, e.seed);
    const blockSparse = variant.plan(e.params, inputs, (await nodeDevice()).caps);
    const blocks = blockSparse.buffers.find((b) => b.name === 'rowBlocks')!.data as Uint32Array;
    // Each expert's tokens cut into ⌈c/4⌉ blocks, none for an empty expert, each token in one block.
    expect(blocks.length / 3).toBe(counts.reduce((a, c) => a + Math.ceil(c / 4), 0));
    const covered = new Uint8Array(40);
    for (let b = 0; b < blocks.length; b += 3) {
      expect(counts[blocks[b]]).toBeGreaterThan(0);
      for (let r = blocks[b + 1]; r < blocks[b + 1] + blocks[b + 2]; r++) covered[r]++;
    }
    expect(Array.from(covered).every((c) => c === 1)).toBe(true);
    const perExpert = variant.plan({ ...e.params, strategy: 'per-expert' }, inputs, (await nodeDevice()).caps);
    expect(perExpert.dispatches).toHaveLength(counts.filter((c) => c > 0).length);
    for (const strategy of STRATEGIES) await expectCorrect({ ...e, params: { ...e.params, strategy } });
  });
});

describe('broken MoE kernels are caught on the GPU', () => {
  /** The variant with one line of its WGSL replaced (the line must be there). */
  function mutated(find: string, replace: string): KernelVariant {
    return {
      ...variant,
      plan(params, inputs, caps) {
        const plan = variant.plan(params, inputs, caps);
        for (const d of plan.dispatches) expect(d.wgsl).toContain(find);
        return { ...plan, dispatches: plan.dispatches.map((d) => ({ ...d, wgsl: d.wgsl.replace(find, replace) })) };
      },
    };
  }
  const e = experimentOf({ tokens: 61, hidden: 17, ffn: 14, experts: 4, skew: 20, tile: 8, tn: 4 });

  it('a wrong expert offset (every block multiplied by expert 0’s weights)', async () => {
    expect(countsOf(e).filter((c) => c > 0).length).toBeGreaterThan(1);
    const broken = await run(e, mutated('multiplyBlock(block.expert * D + k0, col4, &acc);', 'multiplyBlock(k0, col4, &acc);'));
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
  });

  it('a per-expert GEMM that ignores its first row (every expert writes from row 0)', async () => {
    const p = { ...e, params: { ...e.params, strategy: 'per-expert' } };
    const broken = await run(p, mutated('gemm.firstRow + firstInExpert', 'firstInExpert'));
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
    expect((await run(p)).metrics.boundViolations).toBe(0);
  });

  it('a tile that drops the last row of its block (a dropped token)', async () => {
    const broken = await run(e, mutated('for (var r = 0u; r < block.rows; r++) {', 'for (var r = 0u; r + 1u < block.rows; r++) {'));
    expect(broken.metrics.boundViolations).toBeGreaterThan(0);
  });
});
