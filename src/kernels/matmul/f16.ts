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
import { checkDispatch, checkWorkgroup } from '../schema';
import type { DeviceCaps, HostArray, KernelVariant, Params, ReferenceResult } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulShapeLabel, matmulWork, shapeOf } from './common';

export type F16Accumulator = 'f16' | 'f32';
const TILE = 32;
const WG = 8;

export function f16MatmulWgsl(M: number, N: number, K: number, acc: F16Accumulator): string {
  const r = [0, 1, 2, 3];
  const widen = (e: string) => (acc === 'f32' ? `f32(${e})` : e);
  return /* wgsl */ `enable f16;

// f16 storage, ${acc} accumulation: 32×32 tiles, 4×4 outputs per invocation
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

@group(0) @binding(0) var<storage, read> a : array<f16>;
@group(0) @binding(1) var<storage, read> b : array<f16>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;

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
export function makeF16Inputs(params: Params, seed: number): Record<string, HostArray> {
  const { M, N, K } = shapeOf(params);
  return { a: packF16(uniformArray(M * K, deriveSeed(seed, 0))), b: packF16(uniformArray(K * N, deriveSeed(seed, 1))) };
}

export function f16Reference(acc: F16Accumulator) {
  return (params: Params, inputs: Record<string, HostArray>): ReferenceResult => {
    const { M, N, K } = shapeOf(params);
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
    return { values: c, bound, boundNote: `f16 accumulation: γ_K(2⁻¹¹)·Σ|a·b| + K·2⁻²⁴ (underflow), K = ${K}, γ_K ≈ ${g.toExponential(2)}${vacuousBoundNote(bound, c)}`, rows: M, cols: N };
  };
}

/** CPU emulation (labelled as CPU by the runner): fused multiply-add rounded to the accumulator format. */
export function f16Emulate(acc: F16Accumulator) {
  return (params: Params, inputs: Record<string, HostArray>): Float32Array => {
    const { M, N, K } = shapeOf(params);
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
  };
}

export function f16Unavailable(caps: DeviceCaps): string | null {
  return hasFeature(caps, 'shader-f16') ? null : 'this adapter does not offer "shader-f16" (16-bit floats in shaders), which this variant needs';
}

function makeF16Variant(acc: F16Accumulator): KernelVariant {
  return {
    family: 'matmul',
    id: acc === 'f16' ? 'f16-acc16' : 'f16-acc32',
    label: acc === 'f16' ? 'f16 storage, f16 accumulation' : 'f16 storage, f32 accumulation',
    summary:
      acc === 'f16'
        ? 'A and B in float16, products and sums in float16: half the bytes, and an error that grows quickly with K.'
        : 'A and B in float16, widened to float32 for the products and sums: half the bytes, float32-like error.',
    params: SHAPE_PARAMS,
    unavailableReason: f16Unavailable,
    checkLimits(params, caps) {
      const { M, N, K } = shapeOf(params);
      return [
        ...checkWorkgroup(caps, [WG, WG, 1], 0, 'the f16 tile'),
        ...checkDispatch(caps, [Math.ceil(N / TILE), Math.ceil(M / TILE)]),
        ...matmulBufferChecks({ ...params, K: Math.ceil(K / 2) }, caps),
      ];
    },
    makeInputs: makeF16Inputs,
    reference: f16Reference(acc),
    emulate: f16Emulate(acc),
    plan(params, inputs) {
      const { M, N, K } = shapeOf(params);
      return {
        buffers: [
          { name: 'a', data: inputs.a, usage: 'storage' },
          { name: 'b', data: inputs.b, usage: 'storage' },
          { name: 'c', bytes: 4 * M * N, usage: 'storage' },
        ],
        dispatches: [{ label: `matmul f16 acc ${acc}`, wgsl: f16MatmulWgsl(M, N, K, acc), bindings: ['a', 'b', 'c'], workgroups: [Math.ceil(N / TILE), Math.ceil(M / TILE)] }],
        output: { buffer: 'c', type: 'f32', count: M * N },
      };
    },
    work(params) {
      const w = matmulWork(params);
      const { M, N, K } = shapeOf(params);
      return { flops: w.flops, bytes: 2 * (M * K + K * N) + 4 * M * N };
    },
    shapeLabel: matmulShapeLabel,
  };
}

export const f16Acc16 = makeF16Variant('f16');
export const f16Acc32 = makeF16Variant('f32');
