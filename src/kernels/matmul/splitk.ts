// Split-K for small outputs with a long K: S workgroup layers each compute a partial product over
// one slice of K (register-blocked, 4×4 micro-tiles, no barriers) into a partial buffer; a second
// pass adds the S partials in a fixed order (deterministic, no atomics). More workgroups than the
// output alone could give, at the price of S·M·N extra floats written and read.
// The result is still a float32 sum of K products in some order: the γ_K·Σ|a·b| bound holds.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import { MATMUL_BINDINGS, ceilDiv, matmulBufferProblems, matmulOutput, matmulShapeWith, matmulShared, type MatmulShape } from './common';

const TILE = 32; // 8×8 invocations × 4×4 outputs
const WG = 8;
const T = 4;

const PARTIAL_BINDINGS = [MATMUL_BINDINGS[0], MATMUL_BINDINGS[1], readWrite('partial', 'array<f32>', 'S partial products, each M×N')];
const REDUCE_BINDINGS = [readOnly('partial', 'array<f32>', 'S partial products, each M×N'), MATMUL_BINDINGS[2]];

export function splitKPartialWgsl(M: number, N: number, K: number, chunk: number): string {
  const r = [0, 1, 2, 3];
  return /* wgsl */ `// split-K pass 1: partial[s] = A[:, slice s] · B[slice s, :], slices of ${chunk}, 32×32 tiles, 4×4 per invocation
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const CHUNK = ${chunk}u;

${declareBindings(PARTIAL_BINDINGS)}

@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let kBegin = wid.z * CHUNK;
  let kEnd = min(K, kBegin + CHUNK);
${r.map((i) => `  let row${i} = wid.y * ${TILE}u + lid.y + ${i * WG}u;`).join('\n')}
${r.map((j) => `  let col${j} = wid.x * ${TILE}u + lid.x + ${j * WG}u;`).join('\n')}
${r.map((i) => `  let aRow${i} = min(row${i}, M - 1u) * K;`).join('\n')}
${r.map((j) => `  let bCol${j} = min(col${j}, N - 1u);`).join('\n')}
${r.map((i) => `  var acc${i} = vec4<f32>(0.0);`).join('\n')}
  for (var k = kBegin; k < kEnd; k++) {
    let bk = vec4<f32>(${r.map((j) => `b[k * N + bCol${j}]`).join(', ')});
${r.map((i) => `    acc${i} = fma(vec4<f32>(a[aRow${i} + k]), bk, acc${i});`).join('\n')}
  }
  let base = wid.z * M * N;
${r.flatMap((i) => r.map((j) => `  if (row${i} < M && col${j} < N) { partial[base + row${i} * N + col${j}] = acc${i}.${'xyzw'[j]}; }`)).join('\n')}
}
`;
}

export function splitKReduceWgsl(M: number, N: number, splits: number): string {
  return /* wgsl */ `// split-K pass 2: c = partial[0] + partial[1] + … + partial[${splits - 1}], in that order
const COUNT = ${M * N}u;
const SPLITS = ${splits}u;

${declareBindings(REDUCE_BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let i = gid.x;
  if (i >= COUNT) {
    return;
  }
  var sum = 0.0;
  for (var s = 0u; s < SPLITS; s++) {
    sum += partial[s * COUNT + i];
  }
  c[i] = sum;
}
`;
}

const schema = paramSchema({
  ...matmulShapeWith({ M: { default: 64 }, N: { default: 64 }, K: { default: 8192 } }),
  splits: int('K slices S', 8, 1, 256, { choices: [2, 4, 8, 16, 32] }),
});

interface SplitKConfig extends MatmulShape {
  /** Slices actually used: at most K, and no empty slice. */
  splits: number;
  /** k per slice. */
  chunk: number;
  tiles: [number, number];
}

function splitOf(v: MatmulShape & { splits: number }): SplitKConfig {
  const chunk = ceilDiv(v.K, Math.min(v.splits, v.K));
  return { ...v, splits: ceilDiv(v.K, chunk), chunk, tiles: [ceilDiv(v.N, TILE), ceilDiv(v.M, TILE)] };
}

export const splitK = defineVariant({
  ...matmulShared,
  id: 'splitk',
  label: 'Split-K (small output, long K)',
  summary:
    'Splits K into S slices computed by separate workgroups into partial results, then adds the partials in a second pass. Wins when M·N is too small to fill the device.',
  schema,
  config: splitOf,
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [WG, WG, 1], 0, 'the split-K tile'),
    ...checkDispatch(caps, [...cfg.tiles, cfg.splits, ceilDiv(cfg.M * cfg.N, 64)]),
    ...matmulBufferProblems(cfg, caps),
    ...checkBuffers(caps, [['partial sums', 4 * cfg.splits * cfg.M * cfg.N]]),
  ],
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'a', data: inputs.a, usage: 'storage' },
      { name: 'b', data: inputs.b, usage: 'storage' },
      { name: 'partial', bytes: 4 * cfg.splits * cfg.M * cfg.N, usage: 'storage' },
      { name: 'c', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [
      {
        label: `split-K partials S${cfg.splits}`,
        wgsl: splitKPartialWgsl(cfg.M, cfg.N, cfg.K, cfg.chunk),
        bindings: PARTIAL_BINDINGS,
        workgroups: [...cfg.tiles, cfg.splits],
      },
      {
        label: `split-K reduce S${cfg.splits}`,
        wgsl: splitKReduceWgsl(cfg.M, cfg.N, cfg.splits),
        bindings: REDUCE_BINDINGS,
        workgroups: [ceilDiv(cfg.M * cfg.N, 64)],
      },
    ],
    output: matmulOutput(cfg),
  }),
  tiling: () => ({ BM: TILE, BN: TILE, BK: 1, TM: T, TN: T, WX: WG, WY: WG, layout: 'strided', staging: 'global' }),
  traffic: (cfg) => {
    // 32×32 tiles of 4×4 micro-tiles from global memory; the S partial outputs are written and
    // read again, and the second pass adds them (S·M·N flops).
    const { M, N, K } = cfg;
    const S = cfg.splits;
    const [tilesN, tilesM] = cfg.tiles;
    const Mp = tilesM * TILE;
    const Np = tilesN * TILE;
    const out = 4 * M * N;
    return {
      flops: 2 * Mp * Np * K + (S > 1 ? M * N * S : 0),
      globalBytes: 4 * K * (Mp * tilesN + Np * tilesM) + (S > 1 ? 2 * S * out : 0) + out,
      registerLoadBytes: 4 * (Mp / T) * (Np / T) * K * 2 * T + (S > 1 ? S * out : 0),
      barriers: 0,
    };
  },
});

export { T as SPLITK_MICRO_TILE };
