// float16 matmul (needs the 'shader-f16' feature): A and B stored as f16, C written as f32.
//  - 'f16-acc16': products and sums in f16 (u = 2^-11): the error grows with K quickly;
//  - 'f16-acc32': values widened to f32 (exact), products exact in f32 (11+11 bits), sums in f32.
// The numeric lesson: the accumulator's precision, not the storage, sets how error grows with K.
// Kernel: 32×32 tiles, 8×8 invocations, 4×4 micro-tile per invocation from global memory.
// Inputs are rounded to f16 on the host with integer bit operations (WGSL leaves the rounding of
// f32→f16 conversion open), so the float64 reference multiplies exactly the stored values.
import { hasFeature } from '../../gpu/caps';
import { F32_UNIT_ROUNDOFF, gamma, vacuousBoundNote } from '../../numerics/metrics';
import { matmulReference } from '../../numerics/matmul';
import { F16_UNIT_ROUNDOFF, packF16, roundToF16, unpackF16 } from '../../numerics/matmulF16';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { declareBindings, readOnly } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { DeviceCaps, ReferenceResult } from '../types';
import {
  MATMUL_BINDINGS,
  MATMUL_SHAPE,
  ceilDiv,
  matmulBufferProblems,
  matmulOutput,
  matmulPlanBuffers,
  matmulShapeText,
  matmulWorkOf,
  type MatmulShape,
} from './common';

export type F16Accumulator = 'f16' | 'f32';
const TILE = 32;
const WG = 8;

/** A and B as f16 (packed two per word on the host), C as f32. */
export const F16_MATMUL_BINDINGS = [readOnly('a', 'array<f16>', 'A, M×K, row-major'), readOnly('b', 'array<f16>', 'B, K×N, row-major'), MATMUL_BINDINGS[2]];

export function f16MatmulWgsl(M: number, N: number, K: number, acc: F16Accumulator): string {
  const r = [0, 1, 2, 3];
  const widen = (e: string) => (acc === 'f32' ? `f32(${e})` : e);
  return /* wgsl */ `enable f16;

// f16 storage, ${acc} accumulation: 32×32 tiles, 4×4 outputs per invocation
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

${declareBindings(F16_MATMUL_BINDINGS)}

@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
${r.map((i) => `  let row${i} = wid.y * ${TILE}u + lid.y + ${i * WG}u;`).join('\n')}
${r.map((j) => `  let col${j} = wid.x * ${TILE}u + lid.x + ${j * WG}u;`).join('\n')}
${r.map((i) => `  let aRow${i} = min(row${i}, M - 1u) * K;`).join('\n')}
${r.map((j) => `  let bCol${j} = min(col${j}, N - 1u);`).join('\n')}
${r.map((i) => `  var acc${i} = vec4<${acc}>(0.0);`).join('\n')}
  for (var k = 0u; k < K; k++) {
    let bk = vec4<${acc}>(${r.map((j) => widen(`b[k * N + bCol${j}]`)).join(', ')});
${r.map((i) => `    acc${i} = fma(vec4<${acc}>(${widen(`a[aRow${i} + k]`)}), bk, acc${i});`).join('\n')}
  }
${r.flatMap((i) => r.map((j) => `  if (row${i} < M && col${j} < N) { c[row${i} * N + col${j}] = f32(acc${i}.${'xyzw'[j]}); }`)).join('\n')}
}
`;
}

/** Seeded inputs rounded to f16 and packed two per u32 (the bits the GPU reads). */
export function f16Inputs({ M, N, K }: MatmulShape, seed: number): Inputs {
  return { a: packF16(uniformArray(M * K, deriveSeed(seed, 0))), b: packF16(uniformArray(K * N, deriveSeed(seed, 1))) };
}

/** The float64 product of the stored f16 values, with the bound of this accumulator. */
export function f16ReferenceOf(acc: F16Accumulator, { M, N, K }: MatmulShape, inputs: Inputs): ReferenceResult {
  const a = unpackF16(inputs.a as Uint32Array, M * K);
  const b = unpackF16(inputs.b as Uint32Array, K * N);
  const { c, absSum } = matmulReference(a, b, M, N, K);
  if (acc === 'f32') {
    // Products of f16 values are exact in f32; the f32 sum errs by at most γ_K(2^-24)·Σ|a·b|.
    const g = gamma(K);
    const bound = c.map((v, i) => g * absSum[i] + F32_UNIT_ROUNDOFF * Math.abs(v) + 1e-30);
    return { values: c, bound, boundNote: `f32 accumulation of exact f16 products: γ_K·Σ|a·b|, K = ${K}`, rows: M, cols: N };
  }
  // f16 arithmetic: γ_K(2^-11)·Σ|a·b|, plus 2^-25 per operation where results fall below the
  // normal range (gradual underflow errs absolutely, not relatively): K multiplies + K adds.
  const g = gamma(K, F16_UNIT_ROUNDOFF);
  if (!Number.isFinite(g)) {
    return { values: c, boundNote: `no bound derived: K·u ≥ 1 for f16 (K = ${K} ≥ 2048); the error is shown as measured`, rows: M, cols: N };
  }
  const bound = c.map((_, i) => g * absSum[i] + 2 * K * 2 ** -25);
  return {
    values: c,
    bound,
    boundNote: `f16 accumulation: γ_K(2⁻¹¹)·Σ|a·b| + K·2⁻²⁴ (underflow), K = ${K}, γ_K ≈ ${g.toExponential(2)}${vacuousBoundNote(bound, c)}`,
    rows: M,
    cols: N,
  };
}

/** CPU emulation (labelled as CPU by the runner): fused multiply-add rounded to the accumulator format. */
export function f16EmulateOf(acc: F16Accumulator, { M, N, K }: MatmulShape, inputs: Inputs): Float32Array {
  const a = unpackF16(inputs.a as Uint32Array, M * K);
  const b = unpackF16(inputs.b as Uint32Array, K * N);
  const round = acc === 'f16' ? roundToF16 : Math.fround;
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = round(s + a[i * K + k] * b[k * N + j]);
      c[i * N + j] = s;
    }
  }
  return c;
}

export function f16Unavailable(caps: DeviceCaps): string | null {
  return hasFeature(caps, 'shader-f16') ? null : 'this adapter does not offer "shader-f16" (16-bit floats in shaders), which this variant needs';
}

const schema = paramSchema(MATMUL_SHAPE);

interface F16Config extends MatmulShape {
  workgroups: [number, number];
}

function makeF16Variant(acc: F16Accumulator) {
  return defineVariant({
    family: 'matmul',
    id: acc === 'f16' ? 'f16-acc16' : 'f16-acc32',
    label: acc === 'f16' ? 'f16 storage, f16 accumulation' : 'f16 storage, f32 accumulation',
    summary:
      acc === 'f16'
        ? 'A and B in float16, products and sums in float16: half the bytes, and an error that grows quickly with K.'
        : 'A and B in float16, widened to float32 for the products and sums: half the bytes, float32-like error.',
    schema,
    config: (v): F16Config => ({ ...v, workgroups: [ceilDiv(v.N, TILE), ceilDiv(v.M, TILE)] }),
    unavailableReason: f16Unavailable,
    limits: (cfg, caps) => [
      ...checkWorkgroup(caps, [WG, WG, 1], 0, 'the f16 tile'),
      ...checkDispatch(caps, cfg.workgroups),
      ...matmulBufferProblems(cfg, caps, 2),
    ],
    inputs: f16Inputs,
    reference: (cfg, inputs) => f16ReferenceOf(acc, cfg, inputs),
    emulate: (cfg, inputs) => f16EmulateOf(acc, cfg, inputs),
    plan: (cfg, inputs) => ({
      buffers: matmulPlanBuffers(cfg, inputs),
      dispatches: [
        { label: `matmul f16 acc ${acc}`, wgsl: f16MatmulWgsl(cfg.M, cfg.N, cfg.K, acc), bindings: F16_MATMUL_BINDINGS, workgroups: cfg.workgroups },
      ],
      output: matmulOutput(cfg),
    }),
    work: (cfg) => matmulWorkOf(cfg, 2),
    shape: matmulShapeText,
    tiling: () => ({ BM: TILE, BN: TILE, BK: 1, TM: 4, TN: 4, WX: WG, WY: WG, layout: 'strided', staging: 'global' }),
    traffic: ({ M, N, K, workgroups: [tilesN, tilesM] }) => {
      // 32×32 tiles of 4×4 micro-tiles from global memory, as f32's split-K partial pass; f16
      // halves the bytes of A and B.
      const Mp = tilesM * TILE;
      const Np = tilesN * TILE;
      return {
        flops: 2 * Mp * Np * K,
        globalBytes: 2 * K * (Mp * tilesN + Np * tilesM) + 4 * M * N,
        registerLoadBytes: 2 * (Mp / 4) * (Np / 4) * K * 8,
        barriers: 0,
      };
    },
  });
}

export const f16Acc16 = makeF16Variant('f16');
export const f16Acc32 = makeF16Variant('f32');

/** Which accumulator an f16 variant uses, by its id; null for any other variant. */
export function f16AccumulatorOf(variantId: string): F16Accumulator | null {
  return variantId === f16Acc16.id ? 'f16' : variantId === f16Acc32.id ? 'f32' : null;
}

/** The f16 variant with this accumulator. */
export const F16_VARIANTS = { f16: f16Acc16, f32: f16Acc32 } as const;
