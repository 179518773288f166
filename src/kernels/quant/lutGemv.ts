// Lookup-table GEMV/GEMM for low-bit weights (the LUT-GEMM idea, arXiv 2206.09557): weights are
// bipolar INT with x bit planes (w = s·Σ_i 2^i·(2b_i − 1), see numerics/bitplanes.ts). For every
// chunk of 8 activations, pass 1 tabulates all 256 signed sums Σ_t ±x_t (bit t of the index picks
// the sign); pass 2 then needs no multiplications at all: each byte of a weight plane indexes the
// table, and the plane sums are combined with powers of two and the row scale.
// The table lives in global memory (M·K/8·256 floats), not workgroup memory: K = 4096 needs 512 KiB.
import { bipolarValue, packBitPlanes, quantizeBipolarRows } from '../../numerics/bitplanes';
import { gamma } from '../../numerics/metrics';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
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
  TM: int('Rows of X per invocation (fixed at 1 for the LUT kernel)', 1, 1, 1),
  wBits: int('Weight bits x (bit planes)', 3, 1, 8, { choices: [1, 2, 3, 4] }),
});

interface LutConfig extends QuantMatmulConfig {
  wBits: number;
}

const TABLE_BINDINGS = [readOnly('x', 'array<f32>', 'M×K activations'), readWrite('table', 'array<f32>', 'M×CHUNKS×256')];

const LOOKUP_BINDINGS = [
  readOnly('table', 'array<f32>', 'M×CHUNKS×256 signed sums'),
  readOnly('w_planes', 'array<u32>', '[N][WB][WORDS]', 'wPlanes'),
  readOnly('sw', 'array<f32>', 'N row scales'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function lutTableWgsl({ K }: LutConfig): string {
  return /* wgsl */ `// LUT-GEMV pass 1: table[m][c][p] = Σ_t (bit t of p ? +x : −x)[m][8c + t], t = 0…7 in order.
const K = ${K}u;
const CHUNKS = ${K / 8}u;

${declareBindings(TABLE_BINDINGS)}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) pattern : u32) {
  let chunk = wid.x;
  let m = wid.y;
  var sum = 0.0;
  for (var t = 0u; t < 8u; t++) {
    let v = x[m * K + chunk * 8u + t];
    sum += select(-v, v, ((pattern >> t) & 1u) == 1u);
  }
  table[(m * CHUNKS + chunk) * 256u + pattern] = sum;
}
`;
}

export function lutGemvWgsl({ M, N, K, wBits: WB }: LutConfig): string {
  return /* wgsl */ `// LUT-GEMV pass 2: y[m][n] = s_n · Σ_i 2^i · Σ_c table[m][c][byte c of plane i of row n].
const M = ${M}u;
const N = ${N}u;
const WORDS = ${K / 32}u;  // plane words per row (4 table chunks each)
const CHUNKS = ${K / 8}u;
const WB = ${WB}u;

${declareBindings(LOOKUP_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m = gid.y;
  if (n >= N) {
    return;
  }
  let table_row = m * CHUNKS * 256u;
  var acc = 0.0;
  for (var i = 0u; i < WB; i++) {
    let plane_weight = f32(1u << i);
    let base = (n * WB + i) * WORDS;
    for (var word = 0u; word < WORDS; word++) {
      let bits = w_planes[base + word];
      for (var b = 0u; b < 4u; b++) {
        let pattern = (bits >> (8u * b)) & 0xffu;
        acc += table[table_row + (word * 4u + b) * 256u + pattern] * plane_weight;
      }
    }
  }
  y[m * N + n] = acc * sw[n];
}
`;
}

export const lutGemv = defineVariant({
  family: 'quant',
  id: 'lut-gemv',
  label: 'LUT-GEMV for low-bit weights (table of partial sums)',
  summary: 'Precomputes the 256 signed sums of every 8 activations; each weight bit-plane byte then indexes the table: no multiplications in the inner loop.',
  schema,
  config: (v): LutConfig => matmulConfig(v),
  limits: ({ M, N, K, wBits }, caps) => {
    const problems: string[] = [];
    if (K % 32 !== 0) problems.push(`K = ${K} must be a multiple of 32 (weight planes hold 32 elements per word)`);
    problems.push(...checkWorkgroup(caps, [256, 1, 1], 0, 'the table pass (256 invocations, one per sign pattern)'));
    problems.push(...checkDispatch(caps, [K / 8, M]), ...checkDispatch(caps, [Math.ceil(N / WG), M]));
    problems.push(
      ...checkBuffers(caps, [
        ['table', M * (K / 8) * 256 * 4],
        ['weight planes', (N * wBits * K) / 8],
        ['X', 4 * M * K],
        ['Y', 4 * M * N],
      ]),
    );
    return problems;
  },
  inputs: (cfg, seed): Inputs => {
    const { x, w } = makeActivationsAndWeights(cfg, seed);
    const qw = quantizeBipolarRows(w, cfg.N, cfg.K, cfg.wBits);
    return { x, w, wCodes: Int32Array.from(qw.codes), sw: qw.scales, wPlanes: packBitPlanes(qw) };
  },
  reference: ({ M, N, K, wBits: WB }, inputs) => {
    const x = inputs.x as Float32Array;
    const wc = inputs.wCodes as Int32Array;
    const sw = inputs.sw as Float32Array;
    const values = new Float64Array(M * N);
    const bound = new Float64Array(M * N);
    // Each x_k·2^i·s_n passes through ≤ 7 table additions, ≤ K/8·x − 1 accumulations and the final
    // ×s (×2^i is exact): γ_{K/8·x + 8} times Σ_k |x_k|·(2^x − 1)·s_n — all planes, since the
    // planes of one weight may cancel.
    const g = gamma((K / 8) * WB + 8);
    for (let m = 0; m < M; m++) {
      let absX = 0;
      for (let k = 0; k < K; k++) absX += Math.abs(x[m * K + k]);
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += x[m * K + k] * bipolarValue(wc[n * K + k], WB);
        values[m * N + n] = sum * sw[n];
        bound[m * N + n] = g * absX * (2 ** WB - 1) * sw[n] + 1e-30;
      }
    }
    return { values, bound, boundNote: `|error| ≤ γ_{K/8·x+8}·s·(2^x − 1)·Σ|x_k| with K = ${K}, x = ${WB}`, rows: M, cols: N };
  },
  plan: (cfg, inputs) => {
    const { M, N, K } = cfg;
    return {
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'table', bytes: M * (K / 8) * 256 * 4, usage: 'storage' },
        { name: 'wPlanes', data: inputs.wPlanes, usage: 'storage' },
        { name: 'sw', data: inputs.sw, usage: 'storage' },
        { name: 'y', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: 'LUT-GEMV: tables', wgsl: lutTableWgsl(cfg), bindings: TABLE_BINDINGS, workgroups: [K / 8, M] },
        { label: `LUT-GEMV: lookups (${cfg.wBits} planes)`, wgsl: lutGemvWgsl(cfg), bindings: LOOKUP_BINDINGS, workgroups: [Math.ceil(N / WG), M] },
      ],
      output: { buffer: 'y', type: 'f32', count: M * N },
    };
  },
  work: ({ M, N, K, wBits: WB }) => ({ flops: 2 * M * N * K, bytes: 4 * M * K + (N * WB * K) / 8 + 4 * N + 4 * M * N }),
  shape: (cfg) => `${matmulShape(cfg)} W${cfg.wBits}`,
  baseline: f32Baseline,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, cfg.wBits + 32 / cfg.K),
});
