// The structured-matrix family on WebGPU (Dawn + SwiftShader) against float64: every variant on
// odd shapes (sizes that are multiples of nothing; ranks and block counts that do not divide n),
// the fault-tolerant Strassen against every product and several bits, the sketches' error against
// their probabilistic bound over seeds, and deliberately broken kernels that the same checks catch.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { defaultExperiment, findVariant, runExperiment, type Experiment, type ExperimentResult, type GpuPlan, type Params } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { computeMetrics } from '../../src/numerics/metrics';
import { sketchEpsilon } from '../../src/numerics/sketch';
import { compareStudy } from '../../src/kernels/structured/studies';
import { compareCrossover, comparePoints } from '../../src/kernels/structured/compare';

async function run(variant: string, params: Params, seed = 7): Promise<ExperimentResult> {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('structured', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed };
  return runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
}

async function check(variant: string, params: Params, relBelow = 1e-5, seed = 7) {
  const r = await run(variant, params, seed);
  expect(r.metrics.nonFinite).toBe(0);
  expect(r.metrics.boundViolations, `worst error/bound ${r.metrics.worstBoundRatio}`).toBe(0);
  // Not vacuous: a float32 kernel's relative error is of order √k·2⁻²⁴, far below this; a wrong
  // index, a skipped term or a zero output is of order 1.
  expect(r.metrics.relFrobenius).toBeLessThan(relBelow);
  return r;
}

/** Runs a variant's plan after `mutate` edits it, and counts outputs outside the float64 bound. */
async function violationsOfMutated(variant: string, params: Params, mutate: (plan: GpuPlan) => void): Promise<{ violations: number; relFrobenius: number }> {
  const { device, caps } = await nodeDevice();
  const v = findVariant('structured', variant)!;
  const base = defaultExperiment('structured', variant);
  const p = { ...base.params, ...params };
  const inputs = v.makeInputs(p, 7);
  const plan = v.plan(p, inputs, caps);
  const before = JSON.stringify(plan.dispatches.map((d) => d.wgsl));
  mutate(plan);
  expect(JSON.stringify(plan.dispatches.map((d) => d.wgsl)), 'the mutation changed nothing').not.toBe(before);
  const out = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
  const ref = v.reference(p, inputs);
  const m = computeMetrics(out.output as Float32Array, ref.values, ref.bound);
  return { violations: m.boundViolations ?? 0, relFrobenius: m.relFrobenius };
}

describe('structured layers (Y = X·Wᵀ) against float64, odd shapes', () => {
  it('dense baseline 17×33×29 and 1×1×1', async () => {
    await check('dense', { M: 17, N: 33, K: 29 });
    await check('dense', { M: 1, N: 1, K: 1 });
  });
  it('low rank: rank 7 on 29×37, rank 1, rank = min(n_in, n_out), batch 1', async () => {
    await check('lowrank', { nIn: 37, nOut: 29, rank: 7, batch: 5 });
    await check('lowrank', { nIn: 37, nOut: 29, rank: 1, batch: 3 });
    await check('lowrank', { nIn: 19, nOut: 23, rank: 19, batch: 1 });
  });
  it('low rank from a truncated SVD: kernel error within its bound, approximation error = Eckart–Young', async () => {
    const r = await check('lowrank', { nIn: 48, nOut: 48, rank: 5, batch: 3, source: 'project', target: 'decay' });
    const e = extrasOf(r, 'structured');
    expect(e?.kind).toBe('layer');
    if (e?.kind !== 'layer') return;
    // The float32 factors' matrix error equals the exact tail of the singular values to float32 accuracy.
    const theory = e.curve!.series[0].points.find((p) => p.x === 5)!.y;
    expect(Math.abs(e.approximation!.matrixError - theory)).toBeLessThan(1e-5);
    expect(e.approximation!.outputError).toBeGreaterThan(0.05);
  });
  for (const [n, b] of [
    [37, 5],
    [64, 8],
    [50, 7],
    [1, 1],
  ] as const) {
    it(`Monarch fused and unfused, n = ${n}, b = ${b}`, async () => {
      await check('monarch-fused', { n, blocks: b, batch: 7, tokens: 3 });
      await check('monarch-fused', { n, blocks: b, batch: 2, tokens: 1 });
      await check('monarch-unfused', { n, blocks: b, batch: 7 });
    });
  }
  it('Monarch projected from a dense matrix (n = 40, b = 6): kernel within bound, near-Monarch W approximated to ≈ its noise', async () => {
    const r = await check('monarch-unfused', { n: 40, blocks: 6, batch: 3, source: 'project', target: 'near-monarch' });
    const e = extrasOf(r, 'structured');
    if (e?.kind !== 'layer') throw new Error('layer extras expected');
    // W = Monarch(b = 6) + 5% noise: the projection onto b = 6 leaves at most the noise.
    expect(e.approximation!.matrixError).toBeLessThan(0.06);
  });
  it('BTT rank 3 (n = 37, b = 5) and rank 2 (n = 31, b = 4)', async () => {
    await check('btt', { n: 37, blocks: 5, batch: 7, rank: 3 });
    await check('btt', { n: 31, blocks: 4, batch: 5, rank: 2 });
  });
  it('Kronecker (5×7)⊗(3×9) and (1×1)⊗(4×6)', async () => {
    await check('kronecker', { a1: 5, a2: 7, b1: 3, b2: 9, batch: 5, tokens: 3 });
    await check('kronecker', { a1: 1, a2: 1, b1: 4, b2: 6, batch: 9, tokens: 4 });
  });
  it('BLAST n = 37 in 3×3 blocks (last block short), rank 5; n = 64, 4 blocks, rank 1', async () => {
    await check('blast', { n: 37, blocks: 3, rank: 5, batch: 5, tokens: 3 });
    await check('blast', { n: 64, blocks: 4, rank: 1, batch: 2, tokens: 1 });
  });
});

describe('Strassen against float64', () => {
  for (const levels of [0, 1, 2]) {
    it(`${levels} level(s) on 37×29×43 (padded) and 64×64×64`, async () => {
      await check('strassen', { M: 37, N: 29, K: 43, levels }, 2e-6 * 4 ** levels);
      await check('strassen', { M: 64, N: 64, K: 64, levels }, 2e-6 * 4 ** levels);
    });
  }
  it('the error-by-level view: float32 emulation within each level’s bound, and the GPU run equal to the emulated level within the bound', async () => {
    const r = await check('strassen', { M: 64, N: 64, K: 64, levels: 2 }, 1e-4);
    const e = extrasOf(r, 'structured');
    if (e?.kind !== 'fast-algorithm') throw new Error('strassen extras expected');
    for (const level of e.byLevel) expect(level.emulated).toBeLessThanOrEqual(level.bound);
    // The bound triples per level, as derived: f_ℓ / f_{ℓ−1} ∈ (2.5, 4).
    for (let l = 1; l < e.byLevel.length; l++) {
      const ratio = e.byLevel[l].bound / e.byLevel[l - 1].bound;
      expect(ratio).toBeGreaterThan(2.5);
      expect(ratio).toBeLessThan(4);
    }
    expect(e.gpuMaxError).toBeLessThanOrEqual(e.byLevel[2].bound);
  });
});

describe('fault-tolerant Strassen: a corrupted product is detected, located and corrected', () => {
  const shape = { M: 37, N: 29, K: 43 };
  it('no fault: every product is clean, C within the Strassen bound', async () => {
    const r = await check('strassen-abft', { ...shape, fault: 'none' }, 1e-5);
    const e = extrasOf(r, 'structured');
    if (e?.kind !== 'fast-algorithm' || !e.abft) throw new Error('abft extras expected');
    expect(e.abft.verdicts.every((v) => v.status === 0)).toBe(true);
  });
  // Exponent bits, the sign bit and the top mantissa bits. A flip moves the element by |δ|; the
  // checks are certain to see it when |δ| exceeds four times their rounding tolerance (the
  // reference then requires the exact verdict), which holds unless the element itself is close to
  // zero. Below that the flip is within the rounding noise of the product: either verdict is
  // accepted, and C must still be within its bound plus |δ|.
  const bits = [22, 24, 26, 27, 28, 29, 31];
  let certain = 0;
  let cases = 0;
  for (let product = 1; product <= 7; product++) {
    it(`M${product}: bits ${bits.join(', ')}, a different element each time`, async () => {
      for (const [i, bit] of bits.entries()) {
        const row = (product * 3 + i * 5) % 19;
        const col = (product * 7 + i * 3) % 15;
        const r = await run('strassen-abft', { ...shape, fault: 'bitflip', product, row, col, bit }, 11 + i);
        const e = extrasOf(r, 'structured');
        if (e?.kind !== 'fast-algorithm' || !e.abft) throw new Error('abft extras expected');
        cases++;
        // Verdicts (exact where certain) and C after the correction, all within the reference's bounds.
        expect(r.metrics.boundViolations, `M${product} bit ${bit}`).toBe(0);
        for (const v of e.abft.verdicts) if (v.product !== product) expect(v.status).toBe(0);
        if (e.abft.guaranteed) {
          certain++;
          expect(e.abft.verdicts[product - 1], `M${product} bit ${bit}`).toEqual({ product, status: 1, row, col });
          expect(r.metrics.relFrobenius).toBeLessThan(1e-5);
        }
      }
    });
  }
  it('almost every flip of these bits is certain to be seen (the exact-verdict check above is not vacuous)', () => {
    expect(cases).toBe(7 * bits.length);
    expect(certain).toBeGreaterThanOrEqual(cases - 3);
  });
  it('without the correction step the flipped bit reaches C and breaks the bound (the correction is what fixes it)', async () => {
    const res = await violationsOfMutated('strassen-abft', { ...shape, fault: 'bitflip', product: 4, row: 3, col: 2, bit: 27 }, (plan) => {
      for (const d of plan.dispatches) d.wgsl = d.wgsl.replace('m[r * HN + c] = check - rest;', '// correction removed');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
});

describe('randomized AᵀB: the kernel against float64 of the same estimate, the estimate against its probabilistic bound', () => {
  const small = { n: 501, d: 13, m: 11, sketch: 37 };
  it('Gaussian, CountSketch, coordinated sampling and MLMC on an odd shape (kernel error)', async () => {
    await check('sketch-gaussian', small);
    await check('sketch-countsketch', small);
    await check('sample-coordinated', { ...small, input: 'sparse', nnz: 3 });
    await check('sample-coordinated', { ...small, input: 'dense' });
    await check('mlmc', { ...small, levels: 2 });
    await check('mlmc', { ...small, levels: 0 });
  });
  it('a seed reproduces the same sketch bit for bit; another seed gives another', async () => {
    const a = await run('sketch-gaussian', small, 5);
    const b = await run('sketch-gaussian', small, 5);
    const c = await run('sketch-gaussian', small, 6);
    const ea = extrasOf(a, 'structured');
    const eb = extrasOf(b, 'structured');
    const ec = extrasOf(c, 'structured');
    if (ea?.kind !== 'sketch' || eb?.kind !== 'sketch' || ec?.kind !== 'sketch') throw new Error('sketch extras expected');
    expect(eb.relError).toBe(ea.relError);
    expect(ec.relError).not.toBe(ea.relError);
  });
  // Contract (numerics/sketch.ts): E‖Ŵ − AᵀB‖_F² ≤ 2‖A‖_F²‖B‖_F²/k, so by Markov a relative error
  // above ε = sqrt(2/(δk)) has probability ≤ δ. Stated confidence: δ = 0.1 per seed. Over 20
  // seeds, more than 6 exceedances would have probability < 0.003 if the contract holds.
  const seeds = Array.from({ length: 20 }, (_, i) => 100 + i);
  for (const [variant, extra] of [
    ['sketch-gaussian', {}],
    ['sketch-countsketch', {}],
    ['sample-coordinated', { input: 'sparse', nnz: 4 }],
  ] as const) {
    it(`${variant}: error ≤ sqrt(2/(0.1·k))·‖A‖_F‖B‖_F in at least 14 of 20 seeds (k = 64), mean square ≤ 2·(2/k)`, async () => {
      const k = 64;
      const errors: number[] = [];
      for (const seed of seeds) {
        const r = await run(variant, { n: 2048, d: 16, m: 16, sketch: k, ...extra }, seed);
        expect(r.metrics.boundViolations).toBe(0);
        const e = extrasOf(r, 'structured');
        if (e?.kind !== 'sketch') throw new Error('sketch extras expected');
        errors.push(e.relError);
      }
      const eps = sketchEpsilon(k, 0.1);
      expect(errors.filter((x) => x > eps).length).toBeLessThanOrEqual(6);
      const meanSquare = errors.reduce((s, x) => s + x * x, 0) / errors.length;
      expect(meanSquare).toBeLessThanOrEqual((2 * 2) / k);
      // And not trivially: the estimate is an estimate (not the exact product by accident).
      expect(Math.max(...errors)).toBeGreaterThan(0.01);
    }, 120_000);
  }
  it('MLMC: error within sqrt(Var/δ) (its exact variance, δ = 0.1) in at least 14 of 20 seeds', async () => {
    const errors: number[] = [];
    let variance = 0;
    for (const seed of seeds) {
      const r = await run('mlmc', { n: 2048, d: 16, m: 16, sketch: 96, levels: 1 }, seed);
      expect(r.metrics.boundViolations).toBe(0);
      const e = extrasOf(r, 'structured');
      if (e?.kind !== 'sketch') throw new Error('sketch extras expected');
      errors.push(e.relError);
      variance = e.expectedRelVariance!;
    }
    expect(errors.filter((x) => x > Math.sqrt(variance / 0.1)).length).toBeLessThanOrEqual(6);
  }, 120_000);
});

describe('matrix functions from matmuls: every iterate against float64', () => {
  for (const [name, params] of [
    ['quintic 13×21, f32', { rows: 13, cols: 21, steps: 5, coefficients: 'quintic', precision: 'f32' }],
    ['cubic 13×21, bf16 input', { rows: 13, cols: 21, steps: 15, coefficients: 'cubic', precision: 'bf16' }],
    ['quintic 24×40, f16 input', { rows: 24, cols: 40, steps: 5, coefficients: 'quintic', precision: 'f16' }],
  ] as const) {
    it(`Newton–Schulz ${name}: forward error within its bound, each step within its local rounding bound`, async () => {
      const r = await check('newton-schulz', params, 1e-4);
      const e = extrasOf(r, 'structured');
      if (e?.kind !== 'matfun') throw new Error('matfun extras expected');
      for (const s of e.steps) expect(s.local, `step ${s.step}`).toBeLessThanOrEqual(s.localBound);
      // The polynomial keeps its promise: the last iterate is near-orthogonal.
      expect(e.steps.at(-1)!.orthogonality!).toBeLessThan(params.coefficients === 'cubic' ? 0.05 : 0.6);
    });
  }
  for (const method of ['newton-schulz', 'taylor'] as const) {
    it(`square root, ${method}, n = 13 and 20, κ = 10: every iterate within its bound and its local check`, async () => {
      for (const n of [13, 20]) {
        const r = await check('matrix-sqrt', { n, method, steps: method === 'taylor' ? 12 : 8, kappa: 10, precision: 'f32' }, 1e-4);
        const e = extrasOf(r, 'structured');
        if (e?.kind !== 'matfun') throw new Error('matfun extras expected');
        for (const s of e.steps) expect(s.local, `step ${s.step}`).toBeLessThanOrEqual(s.localBound);
        if (method === 'newton-schulz') expect(e.steps.at(-1)!.toTargetGpu).toBeLessThan(1e-5);
      }
    });
  }
});

describe('the comparison study (speed against the baseline, same run)', () => {
  it('runs the dense baseline and the structure alternately, every run checked, streaming each one', async () => {
    const { device, caps, adapter } = await nodeDevice();
    const base = defaultExperiment('structured', 'monarch-fused');
    const experiment = { ...base, params: { ...base.params, blocks: 4, batch: 8 }, reps: 1 };
    const { request, problems } = compareStudy.parseRequest({ experiment, param: 'n', values: [32, 64] });
    expect(problems).toEqual([]);
    const partials: number[] = [];
    const result = await compareStudy.run(
      { device, caps, adapter, cancel: { cancelled: false }, onProgress: () => {}, onPartial: (r) => partials.push(r.runs.filter(Boolean).length) },
      request!,
    );
    expect(result.runs.map((r) => r?.result?.experiment.variant)).toEqual(['dense', 'monarch-fused', 'dense', 'monarch-fused']);
    expect(result.runs.map((r) => r?.result?.experiment.params.K ?? r?.result?.experiment.params.n)).toEqual([32, 32, 64, 64]);
    for (const r of result.runs) expect(r?.result?.metrics.boundViolations).toBe(0);
    expect(partials).toEqual([1, 2, 3, 4]);
    expect(compareStudy.runsOf!(result)).toHaveLength(4);
    const points = comparePoints(result.roles, result.runs);
    expect(points.every((p) => p.structure && p.baseline)).toBe(true);
    expect(typeof compareCrossover(points).note).toBe('string');
  });
  it('refuses a request it cannot run, with the reason', () => {
    const experiment = defaultExperiment('structured', 'monarch-fused');
    expect(compareStudy.parseRequest({ experiment, param: 'nope', values: [1, 2] }).problems[0]).toMatch(/not a parameter/);
    expect(compareStudy.parseRequest({ experiment, param: 'n', values: [64] }).problems[0]).toMatch(/at least two/);
    expect(compareStudy.parseRequest({ experiment: defaultExperiment('structured', 'newton-schulz'), param: 'rows', values: [16, 32] }).problems[0]).toMatch(
      /no baseline/,
    );
  });
});

describe('broken kernels, run on the GPU, are caught by the same checks', () => {
  it('Monarch with the shuffle read the wrong way round (z[l·b + j] for z[j·m + l])', async () => {
    const res = await violationsOfMutated('monarch-fused', { n: 36, blocks: 6, batch: 4, tokens: 2 }, (plan) => {
      plan.dispatches[0].wgsl = plan.dispatches[0].wgsl.replaceAll('BM + j * M + l]', 'BM + l * B + j]');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
  it('Strassen with one sign flipped in C22 = M1 − M2 + M3 + M6', async () => {
    const res = await violationsOfMutated('strassen', { M: 32, N: 32, K: 32, levels: 1 }, (plan) => {
      const merge = plan.dispatches.find((d) => d.label.startsWith('merge'))!;
      merge.wgsl = merge.wgsl.replace(' + m6[e])', ' - m6[e])');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
  it('low rank with the last rank component dropped from the second product', async () => {
    const res = await violationsOfMutated('lowrank', { nIn: 37, nOut: 29, rank: 7, batch: 5 }, (plan) => {
      plan.dispatches[1].wgsl = plan.dispatches[1].wgsl.replace('const K = 7u;', 'const K = 6u;');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
  it('CountSketch that forgets the signs', async () => {
    const res = await violationsOfMutated('sketch-countsketch', { n: 501, d: 13, m: 11, sketch: 37 }, (plan) => {
      plan.dispatches[0].wgsl = plan.dispatches[0].wgsl.replace('let sign = signs[t];', 'let sign = abs(signs[t]);');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
  it('Newton–Schulz with a wrong coefficient a (3.0 for 3.4445)', async () => {
    const res = await violationsOfMutated('newton-schulz', { rows: 16, cols: 16, steps: 3, coefficients: 'quintic' }, (plan) => {
      for (const d of plan.dispatches) d.wgsl = d.wgsl.replace('const CA = 3.4445;', 'const CA = 3.0;');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
  it('checksum checks with a zero tolerance flag clean products (false alarms are caught too)', async () => {
    const res = await violationsOfMutated('strassen-abft', { M: 37, N: 29, K: 43, fault: 'none' }, (plan) => {
      for (const d of plan.dispatches) d.wgsl = d.wgsl.replace(/const ROW_TOL = [^;]+;/, 'const ROW_TOL = 0.0;');
    });
    expect(res.violations).toBeGreaterThan(0);
  });
});
