// Strassen's algorithm, one or two levels, over the register-blocked base kernel: 7 (or 49)
// products of half-size (quarter-size) operand sums instead of 8 (64) — and a worst-case error
// that triples with each level (numerics/strassen.ts derives the bound f_ℓ(K)·u·‖A‖‖B‖ shown
// beside the conventional product's γ_K·K·‖A‖‖B‖). Sizes are zero-padded to a multiple of 2^ℓ.
import { computeMetrics } from '../../numerics/metrics';
import { matmulReference } from '../../numerics/matmul';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { STRASSEN_PRODUCTS, crop, pad32, paddedSize, strassen32, strassenBoundFactor } from '../../numerics/strassen';
import { maxAbs } from '../../numerics/linalg';
import { defineVariant, type Inputs } from '../define';
import { checkBuffers } from '../schema';
import type { ReferenceResult } from '../types';
import { FAMILY, dataBuffer, denseProduct, scratchBuffer } from './common';
import type { StrassenExtras, StrassenLevel } from './extras';
import { strassenDispatches, strassenLevelsSchema } from './strassenCommon';

const U = 2 ** -24;

export interface StrassenConfig {
  M: number;
  N: number;
  K: number;
  levels: number;
  MP: number;
  NP: number;
  KP: number;
}

export function strassenConfig(v: { M: number; N: number; K: number; levels: number }): StrassenConfig {
  return { ...v, MP: paddedSize(v.M, v.levels), NP: paddedSize(v.N, v.levels), KP: paddedSize(v.K, v.levels) };
}

export function strassenInputs(cfg: StrassenConfig, seed: number): Inputs {
  return { a: uniformArray(cfg.M * cfg.K, deriveSeed(seed, 0)), b: uniformArray(cfg.K * cfg.N, deriveSeed(seed, 1)) };
}

/**
 * The float64 product and the bound: with ℓ ≥ 1 levels the normwise bound of numerics/strassen.ts
 * (every element within f_ℓ(K_P)·u·‖A‖_max‖B‖_max, ×1.01 for second-order terms); with ℓ = 0 the
 * conventional componentwise γ_K·Σ|a·b|.
 */
export function strassenReference(cfg: StrassenConfig, inputs: Inputs): ReferenceResult & { normBound: number } {
  const { c, absSum } = matmulReference(inputs.a as Float32Array, inputs.b as Float32Array, cfg.M, cfg.N, cfg.K);
  const normA = maxAbs(inputs.a);
  const normB = maxAbs(inputs.b);
  const normBound = strassenBoundFactor(cfg.KP, cfg.levels) * U * normA * normB * 1.01;
  const bound =
    cfg.levels === 0
      ? absSum.map((s, i) => (strassenBoundFactor(cfg.K, 0) / cfg.K) * U * s + U * Math.abs(c[i]) + 1e-30)
      : new Float64Array(c.length).fill(normBound + 1e-30);
  return {
    values: c,
    bound,
    normBound,
    boundNote:
      cfg.levels === 0
        ? `conventional product: |error| ≤ γ_K·Σ|a·b| with K = ${cfg.K}`
        : `Strassen, ${cfg.levels} level${cfg.levels > 1 ? 's' : ''}: ‖error‖_max ≤ f_ℓ(K)·u·‖A‖_max‖B‖_max with f_ℓ(K) = 12·f_{ℓ−1}(K/2) + 18K, f_0(K) = K·γ_K/u (K padded to ${cfg.KP})`,
    rows: cfg.M,
    cols: cfg.N,
  };
}

/** Max error of ℓ = 0…3 levels emulated in float32 on the CPU, and the bound of each (skipped for large products). */
export function errorByLevel(cfg: StrassenConfig, inputs: Inputs, exact: Float64Array): StrassenLevel[] {
  const normA = maxAbs(inputs.a);
  const normB = maxAbs(inputs.b);
  const out: StrassenLevel[] = [];
  for (let level = 0; level <= 3; level++) {
    const MP = paddedSize(cfg.M, level);
    const NP = paddedSize(cfg.N, level);
    const KP = paddedSize(cfg.K, level);
    const bound = strassenBoundFactor(KP, level) * U * normA * normB;
    let emulated = NaN;
    if (MP * NP * KP <= 2 ** 25) {
      const a = pad32(inputs.a, cfg.M, cfg.K, MP, KP);
      const b = pad32(inputs.b, cfg.K, cfg.N, KP, NP);
      const c = crop(strassen32(a, b, MP, KP, NP, level), MP, NP, cfg.M, cfg.N);
      emulated = computeMetrics(c, exact).maxAbs;
    }
    out.push({ level, bound, emulated });
  }
  return out;
}

export function strassenWork(cfg: StrassenConfig) {
  // 7^ℓ products of (P/2^ℓ)-sized blocks, plus 18 block additions per split-and-merge.
  const q = 2 ** cfg.levels;
  const mults = 7 ** cfg.levels * 2 * (cfg.MP / q) * (cfg.NP / q) * (cfg.KP / q);
  let adds = 0;
  for (let level = 1; level <= cfg.levels; level++) {
    const h = 2 ** level;
    adds += 7 ** (level - 1) * (5 * (cfg.MP / h) * (cfg.KP / h) + 5 * (cfg.KP / h) * (cfg.NP / h) + 8 * (cfg.MP / h) * (cfg.NP / h));
  }
  return { flops: mults + adds, bytes: 4 * (cfg.M * cfg.K + cfg.K * cfg.N + cfg.M * cfg.N) };
}

export function strassenCosts(cfg: StrassenConfig) {
  return { params: 0, denseParams: 0, flops: strassenWork(cfg).flops, denseFlops: 2 * cfg.M * cfg.N * cfg.K };
}

export function strassenPicture(levels: number) {
  return { type: 'seven-products' as const, levels, products: STRASSEN_PRODUCTS.map((p) => p.label) };
}

export const strassen = defineVariant({
  family: FAMILY,
  id: 'strassen',
  label: 'Strassen, one or two levels',
  summary: '7 half-size products instead of 8 per level, each on the register-blocked base kernel: fewer multiplications, a larger worst-case error.',
  schema: strassenLevelsSchema,
  config: strassenConfig,
  limits: (cfg, caps) => [
    ...checkBuffers(caps, [
      ['A', 4 * cfg.M * cfg.K],
      ['B', 4 * cfg.K * cfg.N],
      ['C', 4 * cfg.M * cfg.N],
    ]),
    ...(caps.limits.maxStorageBuffersPerShaderStage < 8
      ? [`the merge step binds 8 storage buffers; this device allows ${caps.limits.maxStorageBuffersPerShaderStage}`]
      : []),
  ],
  inputs: strassenInputs,
  reference: (cfg, inputs) => strassenReference(cfg, inputs),
  emulate: (cfg, inputs) => {
    const a = pad32(inputs.a, cfg.M, cfg.K, cfg.MP, cfg.KP);
    const b = pad32(inputs.b, cfg.K, cfg.N, cfg.KP, cfg.NP);
    return crop(strassen32(a, b, cfg.MP, cfg.KP, cfg.NP, cfg.levels), cfg.MP, cfg.NP, cfg.M, cfg.N);
  },
  plan: (cfg, inputs, caps) => {
    const base = [dataBuffer('a', inputs.a as Float32Array), dataBuffer('b', inputs.b as Float32Array), scratchBuffer('c', cfg.M * cfg.N)];
    if (cfg.levels === 0) {
      return {
        buffers: base,
        dispatches: [denseProduct('C = A·B', cfg, { a: 'a', b: 'b', c: 'c' })],
        output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N },
      };
    }
    const parts = strassenDispatches(cfg, cfg.levels, caps);
    return { buffers: [...base, ...parts.buffers], dispatches: parts.dispatches, output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N } };
  },
  work: strassenWork,
  shape: (cfg) =>
    `${cfg.M}×${cfg.N}×${cfg.K}${cfg.MP !== cfg.M || cfg.NP !== cfg.N || cfg.KP !== cfg.K ? ` (padded to ${cfg.MP}×${cfg.NP}×${cfg.KP})` : ''}, ${cfg.levels} level${cfg.levels === 1 ? '' : 's'}`,
  baseline: (cfg) => ({ variant: 'dense', params: { M: cfg.M, N: cfg.N, K: cfg.K } }),
  extras: (cfg, inputs, output, ref): StrassenExtras => ({
    kind: 'fast-algorithm',
    M: cfg.M,
    N: cfg.N,
    K: cfg.K,
    levels: cfg.levels,
    padded: { M: cfg.MP, N: cfg.NP, K: cfg.KP },
    picture: strassenPicture(cfg.levels),
    costs: strassenCosts(cfg),
    byLevel: errorByLevel(cfg, inputs, ref.values),
    gpuMaxError: computeMetrics(output, ref.values).maxAbs,
    normA: maxAbs(inputs.a),
    normB: maxAbs(inputs.b),
  }),
  notes: (cfg) => [
    `${7 ** cfg.levels} products of ${cfg.MP / 2 ** cfg.levels}×${cfg.KP / 2 ** cfg.levels} by ${cfg.KP / 2 ** cfg.levels}×${cfg.NP / 2 ** cfg.levels} ` +
      `(${((7 / 8) ** cfg.levels * 100).toFixed(1)}% of the conventional multiplications) and ${cfg.levels * 18} block additions per branch.`,
  ],
});
