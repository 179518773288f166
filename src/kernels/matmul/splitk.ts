// Split-K for small outputs with a long K: S workgroup layers each compute a partial product over
// one slice of K (register-blocked, 4×4 micro-tiles, no barriers) into a partial buffer; a second
// pass adds the S partials in a fixed order (deterministic, no atomics). More workgroups than the
// output alone could give, at the price of S·M·N extra floats written and read.
// The result is still a float32 sum of K products in some order: the γ_K·Σ|a·b| bound holds.
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { KernelVariant, Params } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulCommon, shapeOf } from './common';
import { checkBuffers } from '../schema';

const TILE = 32; // 8×8 invocations × 4×4 outputs
const WG = 8;
const T = 4;

export function splitKPartialWgsl(M: number, N: number, K: number, chunk: number): string {
  const r = [0, 1, 2, 3];
  return /* wgsl */ `// split-K pass 1: partial[s] = A[:, slice s] · B[slice s, :], slices of ${chunk}, 32×32 tiles, 4×4 per invocation
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const CHUNK = ${chunk}u;

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> partial : array<f32>;

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

@group(0) @binding(0) var<storage, read> partial : array<f32>;
@group(0) @binding(1) var<storage, read_write> c : array<f32>;

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

function splitOf(params: Params) {
  const { K } = shapeOf(params);
  const splits = Math.min(intParam(params, 'splits'), K);
  const chunk = Math.ceil(K / splits);
  return { splits: Math.ceil(K / chunk), chunk };
}

export const splitK: KernelVariant = {
  ...matmulCommon,
  id: 'splitk',
  label: 'Split-K (small output, long K)',
  summary: 'Splits K into S slices computed by separate workgroups into partial results, then adds the partials in a second pass. Wins when M·N is too small to fill the device.',
  params: [
    ...SHAPE_PARAMS.map((p) => (p.kind === 'int' && (p.key === 'M' || p.key === 'N') ? { ...p, default: 64 } : p.key === 'K' && p.kind === 'int' ? { ...p, default: 8192 } : p)),
    { key: 'splits', label: 'K slices S', kind: 'int', default: 8, min: 1, max: 256, choices: [2, 4, 8, 16, 32] },
  ],
  checkLimits(params, caps) {
    const { M, N } = shapeOf(params);
    const { splits } = splitOf(params);
    return [
      ...checkWorkgroup(caps, [WG, WG, 1], 0, 'the split-K tile'),
      ...checkDispatch(caps, [Math.ceil(N / TILE), Math.ceil(M / TILE), splits, Math.ceil((M * N) / 64)]),
      ...matmulBufferChecks(params, caps),
      ...checkBuffers(caps, [['partial sums', 4 * splits * M * N]]),
    ];
  },
  plan(params, inputs) {
    const { M, N, K } = shapeOf(params);
    const { splits, chunk } = splitOf(params);
    return {
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'partial', bytes: 4 * splits * M * N, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: `split-K partials S${splits}`, wgsl: splitKPartialWgsl(M, N, K, chunk), bindings: ['a', 'b', 'partial'], workgroups: [Math.ceil(N / TILE), Math.ceil(M / TILE), splits] },
        { label: `split-K reduce S${splits}`, wgsl: splitKReduceWgsl(M, N, splits), bindings: ['partial', 'c'], workgroups: [Math.ceil((M * N) / 64)] },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
};

export { T as SPLITK_MICRO_TILE };
