// The square root of a symmetric positive definite matrix from matmuls only, two ways:
//  - the coupled Newton–Schulz iteration (Higham, "Functions of Matrices", eq. 6.35; the
//    inverse-free form of Denman–Beavers): Y₀ = A, Z₀ = I, T = (3I − Z·Y)/2, Y ← Y·T, Z ← T·Z;
//    Y → A^{1/2} and Z → A^{−1/2} quadratically once close;
//  - the matrix Taylor polynomial of "Fast Differentiable Matrix Square Root" (Song et al.):
//    A^{1/2} = Σ_k binom(1/2, k)(−Z)^k with Z = I − A, one product and one update per term.
// A is seeded with eigenvalues spread over [1/κ, 1] times 1/‖·‖_F (so ‖I − A‖ < 1 and both
// converge), optionally rounded to f16 or bf16. Every iterate is output and compared with the
// same iteration in float64; Denman–Beavers (with inverses, float64 on the CPU) is drawn beside.
import { frobenius, frobeniusDiff, identity64, matmul64 } from '../../numerics/linalg';
import { denmanBeavers, spdMatrix, sqrtNsLocalBound, sqrtNsReference, sqrtNsStep, taylorSqrtReference } from '../../numerics/matfun';
import { taylorSqrtCoefficients } from '../../numerics/matfun';
import { deriveSeed } from '../../numerics/prng';
import { randomOrthogonal } from '../../numerics/structured';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers } from '../schema';
import type { DeviceCaps, DispatchSpec } from '../types';
import { FAMILY, dataBuffer, denseProduct, scratchBuffer } from './common';
import type { MatfunExtras, MatfunStep } from './extras';
import { PRECISION, elementwiseDispatch, roundTo, type InputPrecision } from './matfunCommon';

const schema = paramSchema({
  n: int('n (A is n×n, symmetric positive definite)', 64, 1, 256, { choices: [16, 32, 64, 128] }),
  method: oneOf('Method', 'newton-schulz', [
    ['newton-schulz', 'Coupled Newton–Schulz (Y·T, T·Z)'],
    ['taylor', 'Matrix Taylor polynomial (Song et al.)'],
  ]),
  steps: int('Iterations (Taylor: terms after the first)', 10, 1, 40, { choices: [4, 8, 10, 16, 24] }),
  kappa: int('Condition number κ of A', 10, 1, 1000, { choices: [2, 10, 100] }),
  precision: PRECISION,
});

interface Config {
  n: number;
  method: 'newton-schulz' | 'taylor';
  steps: number;
  kappa: number;
  precision: InputPrecision;
}

/** A with eigenvalues λ_k = κ^{−k/(n−1)}, scaled by 1/‖A‖_F, rounded to the input precision. */
function makeA(cfg: Config, seed: number): Float32Array {
  const q = randomOrthogonal(cfg.n, deriveSeed(seed, 30));
  const a = spdMatrix(cfg.n, cfg.kappa, q);
  const norm = frobenius(a);
  return Float32Array.from(a, (v) => roundTo(cfg.precision, v / norm));
}

function nsPlan(cfg: Config, inputs: Inputs, caps: DeviceCaps) {
  const { n, steps } = cfg;
  const nn = n * n;
  const dispatches: DispatchSpec[] = [
    elementwiseDispatch(
      'Y = A, Z = I',
      nn,
      n,
      [
        { name: 'a', buffer: 'a', write: false, note: 'A' },
        { name: 'y', buffer: 'y', write: true, note: 'Y' },
        { name: 'z', buffer: 'z', write: true, note: 'Z' },
      ],
      ['y[e] = a[e];', 'z[e] = select(0.0, 1.0, diag);'],
      caps,
    ),
  ];
  for (let k = 0; k < steps; k++) {
    dispatches.push(denseProduct(`Z·Y (step ${k + 1})`, { M: n, K: n, N: n }, { a: 'z', b: 'y', c: 'zy' }));
    dispatches.push(
      elementwiseDispatch(
        `T = (3I − Z·Y)/2 (step ${k + 1})`,
        nn,
        n,
        [
          { name: 'zy', buffer: 'zy', write: false, note: 'Z·Y' },
          { name: 't', buffer: 't', write: true, note: 'T' },
        ],
        ['t[e] = (select(0.0, 3.0, diag) - zy[e]) * 0.5;'],
        caps,
      ),
    );
    dispatches.push(denseProduct(`Y·T (step ${k + 1})`, { M: n, K: n, N: n }, { a: 'y', b: 't', c: 'y2' }));
    dispatches.push(denseProduct(`T·Z (step ${k + 1})`, { M: n, K: n, N: n }, { a: 't', b: 'z', c: 'z2' }));
    dispatches.push(
      elementwiseDispatch(
        `Y, Z = Y·T, T·Z; both stored as iterate ${k + 1}`,
        nn,
        n,
        [
          { name: 'y2', buffer: 'y2', write: false, note: 'Y·T' },
          { name: 'z2', buffer: 'z2', write: false, note: 'T·Z' },
          { name: 'y', buffer: 'y', write: true, note: 'Y' },
          { name: 'z', buffer: 'z', write: true, note: 'Z' },
          { name: 'iters', buffer: 'iters', write: true, note: 'Y₁, Z₁, Y₂, Z₂, …' },
        ],
        ['y[e] = y2[e];', 'z[e] = z2[e];', `iters[${2 * k * nn}u + e] = y2[e];`, `iters[${(2 * k + 1) * nn}u + e] = z2[e];`],
        caps,
      ),
    );
  }
  return {
    buffers: [
      dataBuffer('a', inputs.a as Float32Array),
      ...['y', 'z', 'zy', 't', 'y2', 'z2'].map((b) => scratchBuffer(b, nn)),
      scratchBuffer('iters', 2 * steps * nn),
    ],
    dispatches,
    output: { buffer: 'iters', type: 'f32' as const, count: 2 * steps * nn },
  };
}

function taylorPlan(cfg: Config, inputs: Inputs, caps: DeviceCaps) {
  const { n, steps } = cfg;
  const nn = n * n;
  const coeffs = taylorSqrtCoefficients(steps + 1);
  const dispatches: DispatchSpec[] = [
    elementwiseDispatch(
      'P = I, S = I',
      nn,
      n,
      [
        { name: 'p', buffer: 'p', write: true, note: 'P = Z^k' },
        { name: 's', buffer: 's', write: true, note: 'the partial sum' },
      ],
      ['p[e] = select(0.0, 1.0, diag);', 's[e] = select(0.0, 1.0, diag);'],
      caps,
    ),
  ];
  for (let k = 1; k <= steps; k++) {
    dispatches.push(denseProduct(`P·Z (term ${k})`, { M: n, K: n, N: n }, { a: 'p', b: 'zm', c: 'p2' }));
    dispatches.push(
      elementwiseDispatch(
        `S += c_${k}·P (c_${k} = ${coeffs[k].toPrecision(6)}); stored as iterate ${k}`,
        nn,
        n,
        [
          { name: 'p2', buffer: 'p2', write: false, note: 'P·Z' },
          { name: 'p', buffer: 'p', write: true, note: 'P' },
          { name: 's', buffer: 's', write: true, note: 'S' },
          { name: 'iters', buffer: 'iters', write: true, note: 'every S, in order' },
        ],
        ['p[e] = p2[e];', 'let next = s[e] + CK * p2[e];', 's[e] = next;', `iters[${(k - 1) * nn}u + e] = next;`],
        caps,
        { CK: coeffs[k] },
      ),
    );
  }
  return {
    buffers: [dataBuffer('zm', inputs.z as Float32Array), ...['p', 's', 'p2'].map((b) => scratchBuffer(b, nn)), scratchBuffer('iters', steps * nn)],
    dispatches,
    output: { buffer: 'iters', type: 'f32' as const, count: steps * nn },
  };
}

/** Matrices output per step: Newton–Schulz outputs Y and Z, Taylor the partial sum. */
function perStep(cfg: Config): number {
  return cfg.method === 'taylor' ? 1 : 2;
}

const U = 2 ** -24;

export const matrixSqrt = defineVariant({
  family: FAMILY,
  id: 'matrix-sqrt',
  label: 'Matrix square root from matmuls (Newton–Schulz, Taylor)',
  summary: 'A^{1/2} of a symmetric positive definite A by the coupled Newton–Schulz iteration or the matrix Taylor polynomial: every iterate against float64.',
  schema,
  config: (v): Config => v,
  limits: (cfg, caps) => [
    ...(cfg.precision === 'bf16' && cfg.kappa > 10
      ? [`a bf16-rounded A with κ = ${cfg.kappa} can lose definiteness (bf16 moves entries by up to 2⁻⁹ of their size); use κ ≤ 10 or f16`]
      : []),
    ...checkBuffers(caps, [['iterates', 4 * perStep(cfg) * cfg.steps * cfg.n * cfg.n]]),
  ],
  inputs: (cfg, seed) => {
    const a = makeA(cfg, seed);
    // The Taylor series is in Z = I − A (formed in float64 from the stored A, rounded once).
    const z = Float32Array.from(a, (v, i) => (i % (cfg.n + 1) === 0 ? 1 : 0) - v);
    return { a, z };
  },
  reference: (cfg, inputs) => {
    const { n, steps } = cfg;
    const nn = n * n;
    const values = new Float64Array(perStep(cfg) * steps * nn);
    const bound = new Float64Array(values.length);
    if (cfg.method === 'taylor') {
      const r = taylorSqrtReference(inputs.z, n, steps + 1);
      r.iterates.forEach((x, k) => {
        values.set(x, k * nn);
        bound.fill(r.forwardBound[k], k * nn, (k + 1) * nn);
      });
    } else {
      const r = sqrtNsReference(inputs.a, n, 1, steps);
      r.iterates.forEach((y, k) => {
        values.set(y, 2 * k * nn);
        values.set(r.zIterates[k], (2 * k + 1) * nn);
        bound.fill(r.forwardBound[k], 2 * k * nn, (2 * k + 1) * nn);
        bound.fill(r.zBound[k], (2 * k + 1) * nn, (2 * k + 2) * nn);
      });
    }
    return {
      values,
      bound,
      boundNote:
        cfg.method === 'taylor'
          ? 'per iterate, ‖Ŝ_k − S_k‖_F within the forward bound e_S (errors in Z^k shrink by ρ = ‖Z‖₂ < 1 per term)'
          : 'per iterate (Y then Z), within a normwise forward bound that ignores the iteration’s own damping: it grows with κ and the step count (the per-step check is the tight one)',
      rows: perStep(cfg) * steps * n,
      cols: n,
    };
  },
  noEmulationReason: 'the iteration runs on the GPU only (its float64 reference runs everywhere)',
  plan: (cfg, inputs, caps) => (cfg.method === 'taylor' ? taylorPlan(cfg, inputs, caps) : nsPlan(cfg, inputs, caps)),
  work: (cfg) => ({ flops: cfg.steps * 2 * cfg.n ** 3 * (cfg.method === 'taylor' ? 1 : 3), bytes: 4 * cfg.n * cfg.n * (1 + perStep(cfg) * cfg.steps) }),
  shape: (cfg) =>
    `${cfg.n}×${cfg.n}, κ = ${cfg.kappa}, ${cfg.steps} ${cfg.method === 'taylor' ? 'terms' : 'steps'}${cfg.precision !== 'f32' ? `, ${cfg.precision} input` : ''}`,
  extras: (cfg, inputs, output, ref): MatfunExtras => {
    const { n, steps } = cfg;
    const nn = n * n;
    const per = perStep(cfg);
    const taylor = cfg.method === 'taylor' ? taylorSqrtReference(inputs.z, n, steps + 1) : null;
    const ns = taylor ? null : sqrtNsReference(inputs.a, n, 1, steps);
    const root = (taylor ?? ns)!.root;
    const rn = frobenius(root);
    const coeffs = taylorSqrtCoefficients(steps + 1);
    const out: MatfunStep[] = [];
    // The local check starts each step from the GPU's own previous iterate.
    let prevY: Float64Array = taylor ? identity64(n) : Float64Array.from(inputs.a);
    let prevZ: Float64Array = identity64(n);
    let power: Float64Array = identity64(n); // Z^k in float64 (Taylor)
    for (let k = 0; k < steps; k++) {
      const gpuY = output.subarray(per * k * nn, (per * k + 1) * nn);
      const f64 = ref.values.subarray(per * k * nn, (per * k + 1) * nn);
      const norm = Math.max(1e-300, frobenius(gpuY));
      let local: number;
      let localBound: number;
      if (ns) {
        const step = sqrtNsStep(prevY, prevZ, n);
        local = frobeniusDiff(gpuY, step.y) / norm;
        localBound = sqrtNsLocalBound(prevY, prevZ, n).y / norm;
        prevZ = Float64Array.from(output.subarray((2 * k + 1) * nn, (2 * k + 2) * nn));
      } else {
        // S_k = S_{k−1} + c_k·P_k: the GPU's P_k differs from the float64 Z^k by at most e_P (it
        // is not output), so the local check allows |c_k|·e_P plus the update's two roundings.
        power = matmul64(power, inputs.z, n, n, n);
        const expect = prevY.map((v, i) => v + coeffs[k + 1] * power[i]);
        local = frobeniusDiff(gpuY, expect) / norm;
        const scaled = power.map((v) => coeffs[k + 1] * v);
        localBound = ((Math.abs(coeffs[k + 1]) * taylor!.powerBound[k] + U * (frobenius(expect) + frobenius(scaled))) * 1.01) / norm;
      }
      out.push({
        step: k + 1,
        forward: frobeniusDiff(gpuY, f64) / Math.max(1e-300, frobenius(f64)),
        forwardBound: (ref.bound as Float64Array)[per * k * nn] / Math.max(1e-300, frobenius(f64)),
        local,
        localBound,
        toTargetGpu: frobeniusDiff(gpuY, root) / rn,
        toTargetF64: (taylor ?? ns)!.toRoot[k],
      });
      prevY = Float64Array.from(gpuY);
    }
    const a = taylor ? Float64Array.from(inputs.z, (v, i) => (i % (n + 1) === 0 ? 1 : 0) - v) : Float64Array.from(inputs.a);
    return {
      kind: 'matfun',
      method: taylor ? 'matrix Taylor polynomial' : 'coupled Newton–Schulz',
      rows: n,
      cols: n,
      precision: cfg.precision,
      target: 'A^{1/2} of the stored A (float64, from its eigendecomposition)',
      steps: out,
      comparison: [{ name: 'Denman–Beavers (with inverses, float64)', toTarget: denmanBeavers(a, n, 1, steps, root) }],
      costs: { params: 0, denseParams: 0, flops: 0, denseFlops: 2 * n ** 3 },
    };
  },
  notes: (cfg) => [
    cfg.method === 'taylor'
      ? `The series converges like ρ^K with ρ = ‖I − A‖₂ ≈ 1 − 1/(κ·‖·‖): slow for ill-conditioned A, each term one product.`
      : 'Three products per step; convergence is quadratic once Z·Y is near I, and the iteration damps its own rounding errors.',
  ],
});
