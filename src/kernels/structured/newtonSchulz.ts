// Newton–Schulz orthogonalization (the iteration of the Muon and Dion optimizers), from matmuls
// only: X₀ = G/‖G‖_F, X_{k+1} = a·X_k + (b·A + c·A²)·X_k with A = X_kX_kᵀ. Cubic coefficients
// (1.5, −0.5, 0) converge to the polar factor U·Vᵀ; Muon's quintic (3.4445, −4.7750, 2.0315) gets
// near it in fewer steps and then stops improving (its fixed points are not 1). Each step is a Gram product, A² and P·X on the
// register-blocked kernel, and an elementwise update; every iterate is output, so the error
// against the float64 iteration is shown step by step. Inputs can be rounded to f16 or bf16 first
// (emulated: the iteration still runs in f32).
import { frobenius, frobeniusDiff, matmul64, polarFactor, transpose64 } from '../../numerics/linalg';
import { NS_COEFFICIENTS, newtonSchulzReference, nsLocalBound, nsStep, type NsCoefficients } from '../../numerics/matfun';
import { deriveSeed } from '../../numerics/prng';
import { normalArray } from '../../numerics/structured';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers } from '../schema';
import type { DispatchSpec } from '../types';
import { FAMILY, dataBuffer, denseProduct, scratchBuffer } from './common';
import type { MatfunExtras } from './extras';
import { PRECISION, elementwiseDispatch, gramDispatch, roundTo, type InputPrecision } from './matfunCommon';

const schema = paramSchema({
  rows: int('Rows m of G (m ≤ n)', 128, 1, 512, { choices: [16, 64, 96, 128, 256] }),
  cols: int('Columns n of G', 128, 1, 512, { choices: [16, 64, 128, 256] }),
  steps: int('Iterations', 8, 1, 30, { choices: [1, 3, 5, 8, 12, 20] }),
  coefficients: oneOf('Coefficients (a, b, c)', 'quintic', [
    ['cubic', 'cubic (1.5, −0.5, 0): converges to U·Vᵀ'],
    ['quintic', 'quintic (3.4445, −4.7750, 2.0315), as in Muon'],
  ]),
  precision: PRECISION,
});

interface Config {
  rows: number;
  cols: number;
  steps: number;
  coefficients: NsCoefficients;
  precision: InputPrecision;
}

/** X₀ = G/‖G‖_F (float64), rounded to the input precision. */
function inputs(cfg: Config, seed: number): Inputs {
  const g = normalArray(cfg.rows * cfg.cols, deriveSeed(seed, 20));
  const norm = frobenius(g);
  return { x0: Float32Array.from(g, (v) => roundTo(cfg.precision, v / norm)), x0f32: Float32Array.from(g, (v) => v / norm) };
}

function plan(cfg: Config, inp: Inputs, caps: Parameters<typeof gramDispatch>[4]) {
  const { rows: m, cols: n, steps } = cfg;
  const [a, b, c] = NS_COEFFICIENTS[cfg.coefficients];
  const mn = m * n;
  const dispatches: DispatchSpec[] = [
    elementwiseDispatch(
      'X = X₀',
      mn,
      n,
      [
        { name: 'x0', buffer: 'x0', write: false, note: 'X₀' },
        { name: 'x', buffer: 'x', write: true, note: 'the iterate' },
      ],
      ['x[e] = x0[e];'],
      caps,
    ),
  ];
  for (let k = 0; k < steps; k++) {
    dispatches.push(gramDispatch(m, n, 'x', 'ga', caps));
    if (c !== 0) dispatches.push(denseProduct(`A² (step ${k + 1})`, { M: m, K: m, N: m }, { a: 'ga', b: 'ga', c: 'gb' }));
    dispatches.push(
      elementwiseDispatch(
        `P = b·A + c·A² (step ${k + 1})`,
        m * m,
        m,
        [
          { name: 'ga', buffer: 'ga', write: false, note: 'A = X·Xᵀ' },
          // Every binding must be used (pipelines have automatic layouts): A² only for the quintic.
          ...(c !== 0 ? [{ name: 'gb', buffer: 'gb', write: false, note: 'A²' }] : []),
          { name: 'p', buffer: 'p', write: true, note: 'P' },
        ],
        [c !== 0 ? 'p[e] = CB * ga[e] + CC * gb[e];' : 'p[e] = CB * ga[e];'],
        caps,
        c !== 0 ? { CB: b, CC: c } : { CB: b },
      ),
    );
    dispatches.push(denseProduct(`P·X (step ${k + 1})`, { M: m, K: m, N: n }, { a: 'p', b: 'x', c: 'px' }));
    dispatches.push(
      elementwiseDispatch(
        `X = a·X + P·X, stored as iterate ${k + 1}`,
        mn,
        n,
        [
          { name: 'px', buffer: 'px', write: false, note: 'P·X' },
          { name: 'x', buffer: 'x', write: true, note: 'the iterate' },
          { name: 'iters', buffer: 'iters', write: true, note: 'every iterate, in order' },
        ],
        ['let next = CA * x[e] + px[e];', 'x[e] = next;', `iters[${k * mn}u + e] = next;`],
        caps,
        { CA: a },
      ),
    );
  }
  return {
    buffers: [
      dataBuffer('x0', inp.x0 as Float32Array),
      scratchBuffer('x', mn),
      scratchBuffer('ga', m * m),
      scratchBuffer('gb', m * m),
      scratchBuffer('p', m * m),
      scratchBuffer('px', mn),
      scratchBuffer('iters', steps * mn),
    ],
    dispatches,
    output: { buffer: 'iters', type: 'f32' as const, count: steps * mn },
  };
}

export const newtonSchulz = defineVariant({
  family: FAMILY,
  id: 'newton-schulz',
  label: 'Newton–Schulz orthogonalization (Muon)',
  summary: 'X ← a·X + b·(XXᵀ)X + c·(XXᵀ)²X from matmuls only: every singular value σ goes to aσ + bσ³ + cσ⁵; the error of each iterate against float64.',
  schema,
  config: (v): Config => v,
  limits: (cfg, caps) => [
    ...(cfg.rows > cfg.cols ? [`m = ${cfg.rows} > n = ${cfg.cols}: orthogonalize the transpose (m ≤ n keeps X·Xᵀ the small Gram matrix)`] : []),
    ...checkBuffers(caps, [['iterates', 4 * cfg.steps * cfg.rows * cfg.cols]]),
  ],
  inputs,
  reference: (cfg, inp) => {
    const { rows: m, cols: n, steps } = cfg;
    const r = newtonSchulzReference(inp.x0, m, n, steps, NS_COEFFICIENTS[cfg.coefficients]);
    const values = new Float64Array(steps * m * n);
    const bound = new Float64Array(steps * m * n);
    r.iterates.forEach((x, k) => {
      values.set(x, k * m * n);
      bound.fill(r.forwardBound[k], k * m * n, (k + 1) * m * n);
    });
    return {
      values,
      bound,
      boundNote:
        'per iterate, ‖X̂_k − X_k‖_F ≤ E_k with E_{k+1} = L_k·E_k + R_k: R_k the rounding of one float32 step (componentwise, first order), L_k the largest divided difference of f(σ) = aσ + bσ³ + cσ⁵ on the singular values of X_k',
      rows: steps * m,
      cols: n,
    };
  },
  noEmulationReason: 'the iteration runs on the GPU only (its float64 reference runs everywhere)',
  plan: (cfg, inp, caps) => plan(cfg, inp, caps),
  work: (cfg) => {
    const { rows: m, cols: n, steps } = cfg;
    const quintic = NS_COEFFICIENTS[cfg.coefficients][2] !== 0;
    return { flops: steps * 2 * (m * m * n + (quintic ? m * m * m : 0) + m * m * n), bytes: 4 * (m * n * (1 + steps)) };
  },
  shape: (cfg) => `${cfg.rows}×${cfg.cols}, ${cfg.steps} steps, ${cfg.coefficients}${cfg.precision !== 'f32' ? `, ${cfg.precision} input` : ''}`,
  extras: (cfg, inp, output, ref): MatfunExtras => {
    const { rows: m, cols: n, steps } = cfg;
    const coeffs = NS_COEFFICIENTS[cfg.coefficients];
    const mn = m * n;
    const polar = polarFactor(inp.x0, m, n);
    const polarF32 = cfg.precision === 'f32' ? polar : polarFactor(inp.x0f32, m, n);
    const pn = frobenius(polar);
    let prev: ArrayLike<number> = inp.x0;
    const stepsOut = [];
    for (let k = 0; k < steps; k++) {
      const gpu = output.subarray(k * mn, (k + 1) * mn);
      const f64 = ref.values.subarray(k * mn, (k + 1) * mn);
      const gpuNorm = Math.max(1e-300, frobenius(gpu));
      const local = frobeniusDiff(gpu, nsStep(prev, m, n, coeffs)) / gpuNorm;
      const gram = matmul64(gpu, transpose64(gpu, m, n), m, n, m);
      for (let i = 0; i < m; i++) gram[i * m + i] -= 1;
      stepsOut.push({
        step: k + 1,
        forward: frobeniusDiff(gpu, f64) / Math.max(1e-300, frobenius(f64)),
        forwardBound: (ref.bound as Float64Array)[k * mn] / Math.max(1e-300, frobenius(f64)),
        local,
        localBound: nsLocalBound(prev, m, n, coeffs) / gpuNorm,
        toTargetGpu: frobeniusDiff(gpu, polarF32) / pn,
        toTargetF64: frobeniusDiff(f64, polarF32) / pn,
        orthogonality: frobenius(gram) / Math.sqrt(m),
      });
      prev = gpu;
    }
    return {
      kind: 'matfun',
      method: `Newton–Schulz, ${cfg.coefficients}`,
      rows: m,
      cols: n,
      precision: cfg.precision,
      target: 'the polar factor U·Vᵀ of the float32 X₀',
      steps: stepsOut,
      inputRoundingFloor: cfg.precision === 'f32' ? 0 : frobeniusDiff(polar, polarF32) / pn,
      costs: { params: 0, denseParams: 0, flops: 0, denseFlops: 2 * m * m * n },
    };
  },
  notes: (cfg) => [
    cfg.coefficients === 'quintic'
      ? 'The quintic maps every singular value into about [0.7, 1.2] within a few steps and then keeps it there: it is fast, not convergent — the distance to U·Vᵀ stops falling, by design.'
      : 'The cubic needs more steps (small singular values grow by 1.5× per step) but converges to U·Vᵀ.',
  ],
});
