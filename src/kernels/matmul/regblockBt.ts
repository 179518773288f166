// Register-blocked matmul reading B transposed: Bᵀ is given N×K row-major, so both operands are
// read along contiguous k (REFERENCE.md: "vec4 loads along contiguous K; B transposed helps").
// The inputs are the same seeded A and B as every matmul; B is transposed on the host in inputs(),
// outside the timed run, so the float64 reference and its bound are the plain matmul's.
//
// A workgroup owns a BM×BN tile of C; invocation (tx, ty) owns rows ty + i·WY (i < TM) and columns
// tx + j·WX (j < TN), WX = BN/TN, WY = BM/TM — the strided layout of the tile view. Per step of k
// it loads TM values of A and TN of Bᵀ, each feeding TN (resp. TM) multiply-adds. With vec4 loads
// each load brings four consecutive k of a row of A or of Bᵀ, and each output keeps a vec4 of
// partial sums (four interleaved sums of its K products, added at the end): still a float32 sum of
// the K products in some order, within γ_K·Σ|a·b| (common.ts).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { flag, int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { Binding } from '../types';
import { MATMUL_SHAPE, ceilDiv, matmulInputs, matmulOutput, matmulShared, type MatmulShape } from './common';
import { REGBLOCK_FIELDS } from './regblock';

const schema = paramSchema({
  ...MATMUL_SHAPE,
  BM: { ...REGBLOCK_FIELDS.BM, default: 32 },
  BN: { ...REGBLOCK_FIELDS.BN, default: 32 },
  TM: int('Micro-tile rows TM (per invocation)', 4, 1, 16, { pow2: true, choices: [1, 2, 4, 8, 16] }),
  TN: int('Micro-tile columns TN (per invocation)', 4, 1, 16, { pow2: true, choices: [1, 2, 4, 8, 16] }),
  vec4: flag('vec4 loads along K (needs K a multiple of 4)', true),
});

interface BtConfig extends MatmulShape {
  BM: number;
  BN: number;
  TM: number;
  TN: number;
  vec4: boolean;
  /** Invocations along columns (x) and rows (y). */
  WX: number;
  WY: number;
  workgroups: [number, number];
}

function bindings(vec4: boolean): Binding[] {
  const t = vec4 ? 'array<vec4<f32>>' : 'array<f32>';
  return [
    readOnly('a', t, 'A, M×K, row-major'),
    readOnly('bt', t, 'Bᵀ, N×K, row-major (B transposed)'),
    readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
  ];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function regBlockBtWgsl(cfg: BtConfig): string {
  const { M, N, K, BM, BN, TM, TN, WX, WY, vec4 } = cfg;
  const rows = range(TM);
  const cols = range(TN);
  const zero = vec4 ? 'vec4<f32>(0.0)' : '0.0';
  // Reads clamp rows and columns into the matrix (edge tiles compute on valid data and skip the store).
  const body = vec4
    ? [
        `  for (var k4 = 0u; k4 < K / 4u; k4++) {`,
        ...rows.map((i) => `    let a${i} = a[aRow${i} + k4]; // A[row${i}][4·k4 … 4·k4+3]`),
        ...cols.map((j) => `    let b${j} = bt[bRow${j} + k4]; // Bᵀ[col${j}][4·k4 … 4·k4+3]`),
        ...rows.flatMap((i) => cols.map((j) => `    acc${i}_${j} = fma(a${i}, b${j}, acc${i}_${j});`)),
        `  }`,
      ]
    : [
        `  for (var k = 0u; k < K; k++) {`,
        ...rows.map((i) => `    let a${i} = a[aRow${i} + k];`),
        ...cols.map((j) => `    let b${j} = bt[bRow${j} + k];`),
        ...rows.flatMap((i) => cols.map((j) => `    acc${i}_${j} = fma(a${i}, b${j}, acc${i}_${j});`)),
        `  }`,
      ];
  const total = (i: number, j: number) => (vec4 ? `(acc${i}_${j}.x + acc${i}_${j}.y) + (acc${i}_${j}.z + acc${i}_${j}.w)` : `acc${i}_${j}`);
  const rowStride = vec4 ? 'K / 4u' : 'K';
  return /* wgsl */ `// register-blocked matmul reading B transposed: tile ${BM}×${BN}, micro-tile ${TM}×${TN}${vec4 ? ', vec4 loads along K' : ''}
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

${declareBindings(bindings(vec4))}

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
${rows.map((i) => `  let row${i} = wid.y * ${BM}u + lid.y + ${i * WY}u;`).join('\n')}
${cols.map((j) => `  let col${j} = wid.x * ${BN}u + lid.x + ${j * WX}u;`).join('\n')}
${rows.map((i) => `  let aRow${i} = min(row${i}, M - 1u) * ${rowStride};`).join('\n')}
${cols.map((j) => `  let bRow${j} = min(col${j}, N - 1u) * ${rowStride};`).join('\n')}
${rows.flatMap((i) => cols.map((j) => `  var acc${i}_${j} = ${zero};`)).join('\n')}
${body.join('\n')}
${rows.flatMap((i) => cols.map((j) => `  if (row${i} < M && col${j} < N) { c[row${i} * N + col${j}] = ${total(i, j)}; }`)).join('\n')}
}
`;
}

/** Bᵀ (N×K) of B (K×N), both row-major. */
function transpose(b: Float32Array, K: number, N: number): Float32Array {
  const t = new Float32Array(N * K);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) t[n * K + k] = b[k * N + n];
  return t;
}

export const regblockBt = defineVariant({
  ...matmulShared,
  id: 'regblock-bt',
  label: 'Register-blocked, B transposed (both operands along contiguous K)',
  summary:
    'The register-blocked kernel with B given transposed (N×K, transposed on the host before the run), so every invocation reads A and Bᵀ along contiguous k — with vec4 loads, four k at a time from each.',
  schema,
  config: (v): BtConfig => ({ ...v, WX: v.BN / v.TN, WY: v.BM / v.TM, workgroups: [ceilDiv(v.N, v.BN), ceilDiv(v.M, v.BM)] }),
  limits: (cfg, caps) => {
    const shape: string[] = [];
    if (cfg.BM % cfg.TM !== 0) shape.push(`BM = ${cfg.BM} is not a multiple of TM = ${cfg.TM}`);
    if (cfg.BN % cfg.TN !== 0) shape.push(`BN = ${cfg.BN} is not a multiple of TN = ${cfg.TN}`);
    if (cfg.vec4 && cfg.K % 4 !== 0) shape.push(`vec4 loads need K to be a multiple of 4 (K = ${cfg.K}); turn vec4 off`);
    if (shape.length) return shape;
    return [
      ...checkWorkgroup(caps, [cfg.WX, cfg.WY, 1], 0, `a ${cfg.BM}×${cfg.BN} tile with ${cfg.TM}×${cfg.TN} micro-tiles`),
      ...checkDispatch(caps, cfg.workgroups),
      ...checkBuffers(caps, [
        ['A', 4 * cfg.M * cfg.K],
        ['Bᵀ', 4 * cfg.N * cfg.K],
        ['C', 4 * cfg.M * cfg.N],
      ]),
    ];
  },
  // The same seeded A and B as every matmul (b stays for the reference); Bᵀ is what the GPU reads.
  inputs: (cfg, seed): Inputs => {
    const { a, b } = matmulInputs(cfg, seed);
    return { a, b, bt: transpose(b as Float32Array, cfg.K, cfg.N) };
  },
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'a', data: inputs.a, usage: 'storage' },
      { name: 'bt', data: inputs.bt, usage: 'storage' },
      { name: 'c', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [
      {
        label: `matmul regblock-bt ${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}${cfg.vec4 ? ' vec4' : ''}`,
        wgsl: regBlockBtWgsl(cfg),
        bindings: bindings(cfg.vec4),
        workgroups: cfg.workgroups,
      },
    ],
    output: matmulOutput(cfg),
  }),
  tiling: (cfg) => ({
    BM: cfg.BM,
    BN: cfg.BN,
    BK: 1,
    TM: cfg.TM,
    TN: cfg.TN,
    WX: Math.max(1, Math.floor(cfg.WX)),
    WY: Math.max(1, Math.floor(cfg.WY)),
    layout: 'strided',
    staging: 'global',
  }),
  traffic: ({ M, N, K, BM, BN, TM, TN, workgroups: [tilesN, tilesM] }) => {
    // As the register-blocked kernel with global staging: each workgroup reads its BM rows of A
    // and BN rows of Bᵀ once (through the cache); an invocation loads TM + TN values per k.
    const Mp = tilesM * BM;
    const Np = tilesN * BN;
    return {
      flops: 2 * Mp * Np * K,
      globalBytes: 4 * K * (Mp * tilesN + Np * tilesM) + 4 * M * N,
      registerLoadBytes: 4 * (Mp / TM) * (Np / TN) * K * (TM + TN),
      barriers: 0,
    };
  },
});
