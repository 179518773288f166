// Arbitrary-precision WxAy matmul from bit planes (ABQ-LLM's idea, arXiv 2409.17870, with its
// bipolar-INT encoding): weights with x bits and activations with y bits, each stored as bit planes
// of ±1 vectors packed 32 per u32. For each pair of planes (i, j) and each 32-element word,
//   Σ_t (2a_t − 1)(2b_t − 1) = 4·popc(a ∧ b) − 2·popc(a) − 2·popc(b) + 32,
// weighted by 2^(i+j). The int32 sum is exact (|Σ| ≤ K·(2^x − 1)(2^y − 1) < 2^31 for K ≤ 16384 at
// x = y = 8); the float result is f32(acc)·sa[m]·sw[n]. Work grows as x·y plane pairs.
import { bipolarValue, packBitPlanes, quantizeBipolarRows } from '../../numerics/bitplanes';
import { gamma } from '../../numerics/metrics';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import {
  QUANT_MATMUL_FIELDS,
  WG,
  f32Baseline,
  makeActivationsAndWeights,
  matmulConfig,
  matmulShape,
  quantizedMatmulExtras,
  type QuantMatmulConfig,
} from './wmatmul';

const schema = paramSchema({
  ...QUANT_MATMUL_FIELDS,
  K: int('K (a multiple of 32)', 512, 32, 16384, { choices: [256, 512, 1024, 4096] }),
  wBits: int('Weight bits x', 2, 1, 8, { choices: [1, 2, 3, 4, 8] }),
  aBits: int('Activation bits y', 4, 1, 8, { choices: [1, 2, 4, 8] }),
});

interface BitplaneConfig extends QuantMatmulConfig {
  wBits: number;
  aBits: number;
}

const BINDINGS = [
  readOnly('a_planes', 'array<u32>', '[M][AB][WORDS]', 'aPlanes'),
  readOnly('sa', 'array<f32>', 'M row scales'),
  readOnly('w_planes', 'array<u32>', '[N][WB][WORDS]', 'wPlanes'),
  readOnly('sw', 'array<f32>', 'N row scales'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function bitplaneWgsl(cfg: BitplaneConfig): string {
  const { M, N, K, TM, wBits: WB, aBits: AB } = cfg;
  return /* wgsl */ `// Y = X·Wᵀ from bit planes: W${WB}A${AB}, bipolar INT, AND + popcount.
const M = ${M}u;
const N = ${N}u;
const WORDS = ${K / 32}u; // 32 elements per plane word
const WB = ${WB}u;        // weight planes
const AB = ${AB}u;        // activation planes
const TM = ${TM}u;

${declareBindings(BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m0 = gid.y * TM;
  if (n >= N) {
    return;
  }
  var acc : array<i32, ${TM}>;
  for (var word = 0u; word < WORDS; word++) {
    for (var i = 0u; i < WB; i++) {
      let wbits = w_planes[(n * WB + i) * WORDS + word];
      let w_ones = i32(countOneBits(wbits));
      for (var r = 0u; r < TM; r++) {
        let m = min(m0 + r, M - 1u);
        for (var j = 0u; j < AB; j++) {
          let abits = a_planes[(m * AB + j) * WORDS + word];
          // Σ over 32 elements of (±1)(±1) for this plane pair, then its weight 2^(i+j).
          let pair = 4 * i32(countOneBits(wbits & abits)) - 2 * w_ones - 2 * i32(countOneBits(abits)) + 32;
          acc[r] += pair << (i + j);
        }
      }
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r < M) {
      y[(m0 + r) * N + n] = f32(acc[r]) * sa[m0 + r] * sw[n];
    }
  }
}
`;
}

export const bitplane = defineVariant({
  family: 'quant',
  id: 'bitplane',
  label: 'WxAy matmul from bit planes (AND + popcount)',
  summary:
    'Any weight and activation bit width 1…8 (bipolar INT): products of ±1 bit planes by AND and popcount, recombined with powers of two; cost grows with x·y.',
  schema,
  config: (v): BitplaneConfig => matmulConfig(v),
  limits: ({ M, N, K, TM, wBits: WB, aBits: AB }, caps) => {
    const problems: string[] = [];
    if (K % 32 !== 0) problems.push(`K = ${K} must be a multiple of 32 (32 elements per plane word; bipolar padding cannot be zero)`);
    problems.push(...checkDispatch(caps, [Math.ceil(N / WG), Math.ceil(M / TM)]));
    problems.push(
      ...checkBuffers(caps, [
        ['weight planes', (N * WB * K) / 8],
        ['activation planes', (M * AB * K) / 8],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { M, N, K } = cfg;
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const qa = quantizeBipolarRows(x, M, K, cfg.aBits);
    const qw = quantizeBipolarRows(w, N, K, cfg.wBits);
    return {
      x,
      w,
      aCodes: Int32Array.from(qa.codes),
      wCodes: Int32Array.from(qw.codes),
      sa: qa.scales,
      sw: qw.scales,
      aPlanes: packBitPlanes(qa),
      wPlanes: packBitPlanes(qw),
    };
  },
  reference: ({ M, N, K, wBits: WB, aBits: AB }, inputs) => {
    const ac = inputs.aCodes as Int32Array;
    const wc = inputs.wCodes as Int32Array;
    const sa = inputs.sa as Float32Array;
    const sw = inputs.sw as Float32Array;
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    const g = gamma(3); // exact integer sum, then f32(acc), ×sa, ×sw
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += bipolarValue(ac[m * K + k], AB) * bipolarValue(wc[n * K + k], WB);
        const v = acc * sa[m] * sw[n];
        values[m * N + n] = v;
        bound[m * N + n] = g * Math.abs(v) + 1e-30;
      }
    }
    return { values, bound, boundNote: 'exact int32 plane sums; |error| ≤ γ_3·|y| from f32(acc)·sa·sw', rows: M, cols: N };
  },
  plan: (cfg, inputs) => {
    const { M, N, TM } = cfg;
    return {
      buffers: [
        { name: 'aPlanes', data: inputs.aPlanes, usage: 'storage' },
        { name: 'sa', data: inputs.sa, usage: 'storage' },
        { name: 'wPlanes', data: inputs.wPlanes, usage: 'storage' },
        { name: 'sw', data: inputs.sw, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: `bit-plane W${cfg.wBits}A${cfg.aBits}`, wgsl: bitplaneWgsl(cfg), bindings: BINDINGS, workgroups: [Math.ceil(N / WG), Math.ceil(M / TM)] },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, wBits: WB, aBits: AB }) => ({ flops: 2 * M * N * K, bytes: (N * WB * K + M * AB * K) / 8 + 4 * (M + N) + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} W${cfg.wBits}A${cfg.aBits}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, cfg.wBits + 32 / cfg.K),
});
