// The register-blocked matmul whose quads share the loads of A, on this adapter, against the
// float64 product of the same seeded A and B. Where the adapter lacks `subgroups`, the variant
// is refused in words (and these runs are skipped).
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { regblockQuad } from '../../src/kernels/matmul/regblockQuad';
import { problemsFor } from '../../src/kernels/schema';
import { computeMetrics } from '../../src/numerics/metrics';

const here = await nodeDevice();
const hasSubgroups = here.caps.features.includes('subgroups');

async function check(extra: Record<string, number | string>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = here;
  const base = defaultExperiment('matmul', 'regblock-quad');
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 1, seed: 17 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Each output is a float32 sum of its K products in k order, within γ_K·Σ|a·b| (+u·|c|) of
  // float64 (common.ts): a wrong broadcast lane, row or dropped k fails it.
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  return result;
}

// N and K multiples of 4 (vec4 loads), M odd; K below, at and above multiples of 16 (the shared
// loop's turn), so the remainder loop runs alone, not at all, and after the shared loop.
const SHAPES: [number, number, number][] = [
  [1, 4, 4],
  [37, 44, 20],
  [3, 68, 32],
  [70, 36, 100],
];
const CONFIGS: Record<string, number | string>[] = [
  { BM: 128, BN: 64, TM: 16, TN: 8 },
  { BM: 16, BN: 16, TM: 4, TN: 4 },
  { BM: 8, BN: 64, TM: 1, TN: 8 },
  // Rows outer: a row runs the turn's 16 k with the turn's B loaded first (same sums, same order).
  { BM: 64, BN: 64, TM: 16, TN: 16, order: 'row' },
  { BM: 16, BN: 32, TM: 4, TN: 8, order: 'row' },
];

describe.skipIf(!hasSubgroups)('register-blocked matmul, A shared within quads, against float64', () => {
  for (const cfg of CONFIGS) {
    for (const shape of SHAPES) {
      it(`${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}${cfg.order ? ` ${cfg.order} outer` : ''} on ${shape.join('×')}`, async () => {
        await check(cfg, shape);
      });
    }
  }

  // Runs the plan with its WGSL edited, against the float64 reference of the unedited variant.
  async function runEdited(edit: (wgsl: string) => string, params: Record<string, number | string>) {
    const inputs = regblockQuad.makeInputs(params, 5);
    const plan = regblockQuad.plan(params, inputs, here.caps);
    const wgsl = edit(plan.dispatches[0].wgsl);
    expect(wgsl).not.toBe(plan.dispatches[0].wgsl);
    const run = await runPlan(here.device, { ...plan, dispatches: [{ ...plan.dispatches[0], wgsl }] }, { reps: 1, targetSampleSeconds: 0.001 });
    const ref = regblockQuad.reference(params, inputs);
    return computeMetrics(run.output, ref.values, ref.bound).boundViolations;
  }
  const EXACT = { M: 40, N: 64, K: 64, BM: 16, BN: 32, TM: 4, TN: 4 };

  it('the per-invocation path alone (quads told they do not share rows) is right too', async () => {
    expect(await runEdited((w) => w.replace('subgroupAll(quadBroadcast(lid.y, 0u) == lid.y)', 'false'), EXACT)).toBe(0);
  });

  it('really takes the shared path (the per-invocation loop emptied, K a multiple of 16: results still right)', async () => {
    // Holds where subgroups are formed from consecutive local_invocation_index values (every
    // adapter we know, SwiftShader included): then each quad's four invocations share lid.y.
    const emptied = (w: string) => w.replace(/(for \(var k = kNext; k < K; k \+= 4u\) \{\n)[\s\S]*?\n {2}\}\n/, '$1  }\n');
    expect(await runEdited(emptied, EXACT)).toBe(0);
    // The same edit with the shared path refused leaves every sum zero: the edit did remove work.
    expect(await runEdited((w) => emptied(w).replace('subgroupAll(quadBroadcast(lid.y, 0u) == lid.y)', 'false'), EXACT)).toBeGreaterThan(0);
  });

  it('a wrong broadcast lane is caught by the float64 bound', async () => {
    // Each k taken from the next invocation of the quad: the right values of A for the wrong k.
    expect(
      await runEdited((w) => w.replace(/quadBroadcast\((aq\d+\.[xyzw]), (\d)u\)/g, (_m, v, l) => `quadBroadcast(${v}, ${(Number(l) + 1) % 4}u)`), EXACT),
    ).toBeGreaterThan(0);
  });

  it('rows outer: the right result unedited, and a B value of the wrong k in the turn is caught', async () => {
    const ROW = { ...EXACT, TN: 8, BN: 64, order: 'row' };
    expect(await runEdited((w) => w.replace('k per turn, row outer', 'k per turn, row outer (unedited)'), ROW)).toBe(0);
    // Row 0's update at k0 + 1 uses k0 + 2's B: the same values, one k off.
    expect(await runEdited((w) => w.replace('acc0_0 = fma(a1, b1_0, acc0_0);', 'acc0_0 = fma(a1, b2_0, acc0_0);'), ROW)).toBeGreaterThan(0);
  });
});

describe('regblock-quad limits', () => {
  it('needs subgroups, and quads that lie along a row of the workgroup', () => {
    expect(regblockQuad.unavailableReason!(SPEC_DEFAULT_CAPS)).toMatch(/"subgroups"/);
    const caps = { ...SPEC_DEFAULT_CAPS, features: ['subgroups'] };
    expect(regblockQuad.unavailableReason!(caps)).toBeNull();
    expect(problemsFor(regblockQuad, { M: 64, N: 64, K: 64, BM: 16, BN: 16, TM: 4, TN: 8 }, caps).join(' ')).toMatch(
      /multiple of 4, so that the four invocations of a quad share their rows/,
    );
    expect(problemsFor(regblockQuad, { M: 64, N: 62, K: 64, BM: 16, BN: 16, TM: 4, TN: 4 }, caps).join(' ')).toMatch(/N must be a multiple of 4/);
    expect(problemsFor(regblockQuad, { M: 64, N: 64, K: 64, BM: 16, BN: 16, TM: 4, TN: 4 }, caps)).toEqual([]);
  });
});
