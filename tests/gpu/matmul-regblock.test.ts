import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { ConfigurationError } from '../../src/kernels/run';

async function check(variant: string, extra: Record<string, number | string | boolean>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('matmul', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 1, seed: 11 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Every output within γ_K·Σ|a·b| (+u·|c|) of the float64 truth: any summation order of a float32
  // dot product meets it (matmul/common.ts), so a wrong index or a dropped k fails it.
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  expect(result.medianSeconds).toBeGreaterThan(0);
  return result;
}

// Odd shapes (non-multiples of every tile, a single row, a single column) and one exact shape.
const ODD: [number, number, number][] = [
  [1, 1, 1],
  [37, 45, 19],
  [1, 70, 33],
  [66, 1, 9],
];
const GRID: Record<string, number | string | boolean>[] = [
  { BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false },
  { BM: 16, BN: 32, BK: 4, TM: 2, TN: 4, staging: 'global', vec4: false },
  { BM: 32, BN: 16, BK: 16, TM: 8, TN: 4, staging: 'workgroup', vec4: false },
  { BM: 64, BN: 32, BK: 8, TM: 4, TN: 8, staging: 'workgroup', vec4: false },
  { BM: 4, BN: 4, BK: 32, TM: 1, TN: 4, staging: 'workgroup', vec4: false },
];
const VEC4_GRID: Record<string, number | string | boolean>[] = [
  { BM: 32, BN: 32, BK: 8, TM: 4, TN: 4, staging: 'global', vec4: true },
  { BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: true },
  { BM: 32, BN: 64, BK: 16, TM: 4, TN: 8, staging: 'workgroup', vec4: true },
];

describe('register-blocked matmul against float64', () => {
  for (const cfg of GRID) {
    const name = `${cfg.BM}x${cfg.BN}x${cfg.BK} t${cfg.TM}x${cfg.TN} ${cfg.staging}`;
    for (const shape of ODD) {
      it(`${name} on ${shape.join('×')}`, async () => {
        await check('regblock', cfg, shape);
      });
    }
  }
  for (const cfg of VEC4_GRID) {
    const name = `${cfg.BM}x${cfg.BN}x${cfg.BK} t${cfg.TM}x${cfg.TN} ${cfg.staging} vec4`;
    // vec4 needs N, K multiples of 4; M stays odd.
    for (const shape of [
      [37, 44, 20],
      [3, 68, 36],
    ] as [number, number, number][]) {
      it(`${name} on ${shape.join('×')}`, async () => {
        await check('regblock', cfg, shape);
      });
    }
  }
  for (const cfg of [...GRID, ...VEC4_GRID]) {
    it(`no-bounds-check ${cfg.BM}x${cfg.BN}x${cfg.BK} t${cfg.TM}x${cfg.TN} ${cfg.staging}${cfg.vec4 ? ' vec4' : ''} on an exact multiple`, async () => {
      await check('regblock-exact', cfg, [2 * (cfg.BM as number), 2 * (cfg.BN as number), 3 * (cfg.BK as number)]);
    });
  }

  it('the no-bounds-check variant refuses a non-multiple shape, in words', async () => {
    const { device, caps } = await nodeDevice();
    const base = defaultExperiment('matmul', 'regblock-exact');
    const experiment: Experiment = { ...base, params: { ...base.params, M: 65, N: 64, K: 64 } };
    await expect(runExperiment(device, experiment, { caps })).rejects.toThrow(/only runs on exact tile multiples: M = 65 is not a multiple of BM = 64/);
    await expect(runExperiment(device, experiment, { caps })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

const here = await nodeDevice();
const subgroups = here.caps.features.includes('subgroups');
// The subgroup path needs every lane of a subgroup to share its rows: a workgroup row (WX = BN/TN
// invocations) at least as wide as the largest subgroup. Sized from this device's subgroupMaxSize
// (4 on SwiftShader, 32 or 64 on most GPUs), within the schema (BN ≤ 256) and the invocation limit.
const lanes = here.caps.subgroupMaxSize ?? 0;
const WIDE = { TN: 4, BN: 4 * lanes, TM: 4, WY: Math.min(4, Math.floor(here.caps.limits.maxComputeInvocationsPerWorkgroup / Math.max(lanes, 1))) };
const widePathRunnable = subgroups && lanes >= 4 && WIDE.BN <= 256 && WIDE.WY >= 1;

describe.skipIf(!subgroups)('register-blocked with A shared across subgroup lanes', () => {
  for (const [cfg, shape] of [
    [{ BM: 64, BN: 64, TM: 8, TN: 8 }, [37, 45, 19]],
    [{ BM: 16, BN: 32, TM: 2, TN: 4 }, [70, 33, 130]],
    [{ BM: 32, BN: 16, TM: 8, TN: 4 }, [1, 1, 1]],
  ] as [Record<string, number>, [number, number, number]][]) {
    it(`${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN} on ${shape.join('×')}`, async () => {
      await check('regblock-subgroup', cfg, shape);
    });
  }

  it.skipIf(!widePathRunnable)(
    `really takes the subgroup path on this adapter (${lanes}-wide subgroups: the fallback loop removed, results still right)`,
    async () => {
      const { device, caps } = here;
      const { regblockSubgroup } = await import('../../src/kernels/matmul/regblock');
      const { runPlan } = await import('../../src/gpu/runner');
      const { computeMetrics } = await import('../../src/numerics/metrics');
      const params = { M: 40, N: 72, K: 50, BM: WIDE.TM * WIDE.WY, BN: WIDE.BN, BK: 8, TM: WIDE.TM, TN: WIDE.TN };
      const inputs = regblockSubgroup.makeInputs(params, 3);
      const plan = regblockSubgroup.plan(params, inputs, caps);
      const source = plan.dispatches[0].wgsl;
      const fallbackStart = source.indexOf('  } else {\n');
      expect(fallbackStart).toBeGreaterThan(0);
      // Cut the else branch: without the subgroup path every accumulator would stay zero.
      const fallbackEnd = source.indexOf('\n  }\n', fallbackStart + 12);
      const cut = `${source.slice(0, fallbackStart)}  }\n${source.slice(fallbackEnd + 5)}`;
      expect(cut).not.toContain('for (var k0 = 0u; k0 < 48u');
      const run = await runPlan(device, { ...plan, dispatches: [{ ...plan.dispatches[0], wgsl: cut }] }, { reps: 1, targetSampleSeconds: 0.001 });
      const ref = regblockSubgroup.reference(params, inputs);
      expect(computeMetrics(run.output, ref.values, ref.bound).boundViolations).toBe(0);
      // The same cut with the subgroup path refused leaves every sum zero: the cut removed the work.
      const refused = cut.replace('let sameRows = subgroupAll(', 'let sameRows = false && subgroupAll(');
      const none = await runPlan(device, { ...plan, dispatches: [{ ...plan.dispatches[0], wgsl: refused }] }, { reps: 1, targetSampleSeconds: 0.001 });
      expect(computeMetrics(none.output, ref.values, ref.bound).boundViolations).toBeGreaterThan(0);
    },
  );
});
