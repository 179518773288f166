// Register-blocked matmul whose quads share the loads of A. A workgroup owns a BM×BN tile of C;
// invocation (tx, ty) owns rows ty + i·WY (i < TM) and, per column group g (g < TN/4), the four
// adjacent columns 4·(tx + g·WX) … +3 (one vec4 of B per k). The four invocations of a quad
// (WX a multiple of 4) share their rows: instead of each loading the same A[row][k], invocation q
// of the quad loads the vec4 A[row][k0 + 4q … k0 + 4q + 3] and quadBroadcast hands each of the
// quad's sixteen k to all four. Per k an invocation then loads TM/4 values of A and TN of B for
// TM·TN multiply-adds, instead of TM + TN.
//
// Why: on a CPU adapter (SwiftShader) a quad is one SIMD register of four invocations; a load
// whose address comes from the invocation id is a gather (four scalar loads with bounds checks),
// which costs many multiply-adds, while quadBroadcast with a constant lane is one shuffle. Every
// invocation of a quad loading the same A[row][k] is four identical gathers; sharing them is the
// largest saving measured (see the bench). On GPUs the broadcast is a register shuffle too.
//
// Loop order within a turn of 16 k (`order`): 'k' updates every accumulator once per k (only that
// k's TN/4 vectors of B are live); 'row' loads the turn's 16·TN/4 vectors of B first, then runs
// the 16 k for one row of the micro-tile at a time, so that row's TN/4 accumulators stay in
// registers through the turn. Same sums in the same k order. A CPU adapter has 16 vector
// registers for a micro-tile of up to 64 vec4 accumulators: with 'k' every multiply-add loads and
// stores its accumulator, with 'row' once per turn; on SwiftShader (2 cores) 'row' ran 1.1–1.2×
// faster at 1024³ for 16×16 micro-tiles (measured). A GPU holds 16·TN/4 more vec4 registers with 'row'.
//
// WGSL does not fix how invocations map onto subgroups, so whether each quad shares its rows is
// tested at run time (subgroupAll); where it does not, the kernel falls back to per-invocation
// loads of A — the same sums either way. The fallback loop also takes the last K mod 16.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { oneOf, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { Binding } from '../types';
import type { Traffic } from '../facets';
import { MATMUL_SHAPE, ceilDiv, matmulBufferProblems, matmulOutput, matmulPlanBuffers, matmulShared, type MatmulShape } from './common';
import { REGBLOCK_FIELDS } from './regblock';

/** k values one quad holds per turn: four invocations × one vec4 of A each. */
export const QUAD_K = 16;

export type QuadOrder = 'k' | 'row';

export interface QuadConfig extends MatmulShape {
  BM: number;
  BN: number;
  TM: number;
  TN: number;
  order: QuadOrder;
  /** Invocations along columns (x) and rows (y). */
  WX: number;
  WY: number;
  workgroups: [number, number];
}

export const REGBLOCK_QUAD_DEFAULT = { BM: 128, BN: 64, TM: 16, TN: 8 };

const schema = paramSchema({
  ...MATMUL_SHAPE,
  BM: { ...REGBLOCK_FIELDS.BM, default: REGBLOCK_QUAD_DEFAULT.BM },
  BN: { ...REGBLOCK_FIELDS.BN, default: REGBLOCK_QUAD_DEFAULT.BN },
  TM: { ...REGBLOCK_FIELDS.TM, default: REGBLOCK_QUAD_DEFAULT.TM },
  TN: { ...REGBLOCK_FIELDS.TN, default: REGBLOCK_QUAD_DEFAULT.TN },
  order: oneOf<QuadOrder>(
    'Loop order within a turn of 16 k',
    'k',
    [
      ['k', 'k outer'],
      ['row', 'rows outer'],
    ],
    'k outer: each k updates every accumulator (few values of B live). Rows outer: the turn’s B is loaded first, then each row of the micro-tile runs all 16 k with its accumulators in registers (faster where vector registers are few, as on a CPU adapter).',
  ),
});

const BINDINGS: Binding[] = [
  readOnly('a', 'array<vec4<f32>>', 'A, M×K row-major, four consecutive k per element'),
  readOnly('b', 'array<vec4<f32>>', 'B, K×N row-major, four consecutive columns per element'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
];

/** Every reason this configuration cannot run on this shape and device, in words. */
export function quadProblems(cfg: QuadConfig, caps: Parameters<typeof checkWorkgroup>[0]): string[] {
  const problems: string[] = [];
  const { BM, BN, TM, TN } = cfg;
  if (BM % TM !== 0) problems.push(`BM = ${BM} is not a multiple of TM = ${TM}`);
  if (BN % TN !== 0) problems.push(`BN = ${BN} is not a multiple of TN = ${TN}`);
  if (TN % 4 !== 0) problems.push(`TN = ${TN} must be a multiple of 4 (columns are held as vec4s)`);
  if (cfg.N % 4 !== 0) problems.push(`B is read as vec4s: N must be a multiple of 4 (N = ${cfg.N}); use the register-blocked kernel`);
  if (cfg.K % 4 !== 0) problems.push(`A is read as vec4s: K must be a multiple of 4 (K = ${cfg.K}); use the register-blocked kernel`);
  if (problems.length) return problems;
  if (cfg.WX % 4 !== 0)
    problems.push(
      `the ${cfg.WX} invocations along a row of the workgroup (BN/TN) must be a multiple of 4, so that the four invocations of a quad share their rows`,
    );
  return [
    ...problems,
    ...checkWorkgroup(caps, [cfg.WX, cfg.WY, 1], 0, `a ${BM}×${BN} tile with ${TM}×${TN} micro-tiles`),
    ...checkDispatch(caps, cfg.workgroups),
  ];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function regBlockQuadWgsl(cfg: QuadConfig): string {
  const { M, N, K, BM, BN, TM, TN, WX, WY } = cfg;
  const rows = range(TM);
  const groups = range(TN / 4);
  const quadEnd = K - (K % QUAD_K);
  const xyzw = 'xyzw';
  // acc[i][g] += a_i · B[k][group g], for the a values named by aOf.
  const update = (indent: string, aOf: (i: number) => string) =>
    rows.flatMap((i) => groups.map((g) => `${indent}acc${i}_${g} = fma(vec4<f32>(${aOf(i)}), b${g}, acc${i}_${g});`));
  const loadB = (indent: string, k: string, name = (g: number) => `b${g}`) => groups.map((g) => `${indent}let ${name(g)} = b[(${k}) * (N / 4u) + bCol${g}];`);
  // One turn of the shared loop: sixteen k, each a broadcast of one component from one invocation.
  const broadcast = (i: number, u: number) => `quadBroadcast(aq${i}.${xyzw[u % 4]}, ${Math.floor(u / 4)}u)`;
  const quadSteps =
    cfg.order === 'k'
      ? range(QUAD_K).flatMap((u) => [`      {`, ...loadB('        ', `k0 + ${u}u`), ...update('        ', (i) => broadcast(i, u)), `      }`])
      : [
          // The turn's B first (k = k0 + u, group g), then one row of the micro-tile at a time.
          ...range(QUAD_K).flatMap((u) => loadB('      ', `k0 + ${u}u`, (g) => `b${u}_${g}`)),
          ...rows.flatMap((i) => [
            `      {`,
            ...range(QUAD_K).flatMap((u) => [
              `        let a${u} = vec4<f32>(${broadcast(i, u)});`,
              ...groups.map((g) => `        acc${i}_${g} = fma(a${u}, b${u}_${g}, acc${i}_${g});`),
            ]),
            `      }`,
          ]),
        ];
  // Per-invocation loads: one vec4 of A per row per four k.
  const plainSteps = range(4).flatMap((kk) => [`    {`, ...loadB('      ', `k + ${kk}u`), ...update('      ', (i) => `a${i}.${xyzw[kk]}`), `    }`]);
  const stores = rows.flatMap((i) =>
    groups.flatMap((g) => range(4).map((e) => `  if (row${i} < M && col${g} + ${e}u < N) { c[row${i} * N + col${g} + ${e}u] = acc${i}_${g}.${xyzw[e]}; }`)),
  );
  return /* wgsl */ `// register-blocked matmul, A shared within quads: tile ${BM}×${BN}, micro-tile ${TM}×${TN}, ${QUAD_K} k per turn, ${cfg.order === 'k' ? 'k' : 'row'} outer
enable subgroups;
// The quadBroadcast calls run where every invocation of the subgroup takes the same path (a
// subgroupAll test), which WGSL's workgroup-level uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);

const M = ${M}u;
const N = ${N}u;
const K = ${K}u;

${declareBindings(BINDINGS)}

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u, @builtin(subgroup_invocation_id) lane : u32) {
${rows.map((i) => `  let row${i} = wid.y * ${BM}u + lid.y + ${i * WY}u;`).join('\n')}
${groups.map((g) => `  let col${g} = wid.x * ${BN}u + 4u * (lid.x + ${g * WX}u); // first of four columns`).join('\n')}
  // Reads clamp into the matrix (edge tiles compute on valid data and skip the store).
${rows.map((i) => `  let aRow${i} = min(row${i}, M - 1u) * (K / 4u);`).join('\n')}
${groups.map((g) => `  let bCol${g} = min(col${g}, N - 4u) / 4u;`).join('\n')}
${rows.flatMap((i) => groups.map((g) => `  var acc${i}_${g} = vec4<f32>(0.0);`)).join('\n')}

  // Invocation q of the quad loads k0 + 4q … k0 + 4q + 3 of each row, if the quad shares its rows.
  let q = lane % 4u;
  let quadsShareRows = subgroupAll(quadBroadcast(lid.y, 0u) == lid.y);
  var kNext = 0u;
  if (quadsShareRows) {
    for (var k0 = 0u; k0 < ${quadEnd}u; k0 += ${QUAD_K}u) {
${rows.map((i) => `      let aq${i} = a[aRow${i} + k0 / 4u + q];`).join('\n')}
${quadSteps.join('\n')}
    }
    kNext = ${quadEnd}u;
  }
  // Every invocation loads its own A: the whole of K where quads do not share rows, else the last K mod ${QUAD_K}.
  for (var k = kNext; k < K; k += 4u) {
${rows.map((i) => `    let a${i} = a[aRow${i} + k / 4u]; // A[row${i}][k … k+3]`).join('\n')}
${plainSteps.join('\n')}
  }

${stores.join('\n')}
}
`;
}

/** Work and bytes (edge tiles are computed whole); each quad loads A once for its four invocations. */
export function regBlockQuadTraffic({ M, N, K, BM, BN, TM, TN, workgroups: [tilesN, tilesM] }: QuadConfig): Traffic {
  const Mp = tilesM * BM;
  const Np = tilesN * BN;
  // As the register-blocked kernel with global staging: each workgroup reads its BM rows of A and
  // BN columns of B once (through the cache). Per k an invocation loads TM/4 values of A (the
  // other three quarters arrive by quadBroadcast, counted as register traffic too, since a
  // broadcast moves a value between registers) and TN of B.
  const invocations = (Mp / TM) * (Np / TN);
  return {
    flops: 2 * Mp * Np * K,
    globalBytes: 4 * K * (Mp * tilesN + Np * tilesM) + 4 * M * N,
    registerLoadBytes: 4 * invocations * K * (TM / 4 + TN),
    barriers: 0,
  };
}

export const regblockQuad = defineVariant({
  ...matmulShared,
  id: 'regblock-quad',
  label: 'Register-blocked, A shared within quads',
  summary:
    'The register-blocked kernel (vec4 loads, no workgroup memory) where the four invocations of each quad split the loads of their shared rows of A and pass the values around with quadBroadcast: a quarter of the loads of A. Needs the subgroups feature.',
  schema,
  config: (v): QuadConfig => ({ ...v, WX: v.BN / v.TN, WY: v.BM / v.TM, workgroups: [ceilDiv(v.N, v.BN), ceilDiv(v.M, v.BM)] }),
  unavailableReason: (caps) =>
    caps.features.includes('subgroups') ? null : 'this adapter does not offer the "subgroups" feature (quadBroadcast), which this variant needs',
  limits: (cfg, caps) => [...quadProblems(cfg, caps), ...matmulBufferProblems(cfg, caps)],
  plan: (cfg, inputs) => ({
    buffers: matmulPlanBuffers(cfg, inputs),
    dispatches: [
      {
        label: `matmul regblock-quad ${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}${cfg.order === 'row' ? ' row-outer' : ''}`,
        wgsl: regBlockQuadWgsl(cfg),
        bindings: BINDINGS,
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
    layout: 'contiguous',
    staging: 'global',
  }),
  traffic: regBlockQuadTraffic,
  notes: () => [
    'The four invocations of a quad share their rows of A: each loads four k of each row and quadBroadcast gives all sixteen to every invocation, so A is loaded a quarter as often. Where the quads do not share rows (WGSL does not fix the mapping of invocations to subgroups), the kernel tests it and falls back to per-invocation loads.',
  ],
});
