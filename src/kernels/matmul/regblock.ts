// 2D register-blocked matmul. A workgroup owns a BM×BN tile of C; each of its (BN/TN)×(BM/TM)
// invocations accumulates a TM×TN micro-tile in registers, so one loaded element of A feeds TN
// multiply-adds and one element of B feeds TM (the CUTLASS / TensorFlow.js "packed" scheme).
//
// Two ways to feed the registers, chosen by `staging`:
//  - 'workgroup': A and B panels (BM×BK and BK×BN) are staged in workgroup memory, two barriers
//    per K-step (the GPU textbook form);
//  - 'global': every invocation reads its rows of A and columns of B straight from memory and
//    relies on the caches (no barriers at all; on CPU-backed adapters barriers are expensive).
//
// Micro-tile layout. Invocation (tx, ty) owns rows ty + i·WY (i < TM) and, per column group g
// (g < TN/4), four columns:
//  - scalar loads: columns tx + (4g+e)·WX — neighbouring invocations read neighbouring addresses;
//  - vec4 loads:   columns 4·(tx + g·WX) + e — each invocation loads one aligned vec4 per group.
// Accumulators are vec4s named acc_i_g, so the generated WGSL has no dynamically indexed arrays.
import { checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { DeviceCaps, KernelVariant, ParamDef, Params } from '../types';
import { SHAPE_PARAMS, matmulBufferChecks, matmulBuffers, matmulCommon, shapeOf } from './common';

export type Staging = 'global' | 'workgroup';

export interface RegBlockConfig {
  BM: number;
  BN: number;
  BK: number;
  TM: number;
  TN: number;
  staging: Staging;
  vec4: boolean;
}

export interface RegBlockShape {
  M: number;
  N: number;
  K: number;
}

/** The configuration the variant starts from (measured fastest on SwiftShader; see the report). */
export const REGBLOCK_DEFAULT: RegBlockConfig = { BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false };

export const REGBLOCK_PARAMS: ParamDef[] = [
  { key: 'BM', label: 'Workgroup tile rows BM', kind: 'int', default: REGBLOCK_DEFAULT.BM, min: 4, max: 256, pow2: true, choices: [16, 32, 64, 128] },
  { key: 'BN', label: 'Workgroup tile columns BN', kind: 'int', default: REGBLOCK_DEFAULT.BN, min: 4, max: 256, pow2: true, choices: [16, 32, 64, 128] },
  { key: 'BK', label: 'K-step BK', kind: 'int', default: REGBLOCK_DEFAULT.BK, min: 4, max: 64, pow2: true, choices: [4, 8, 16, 32] },
  { key: 'TM', label: 'Micro-tile rows TM (per invocation)', kind: 'int', default: REGBLOCK_DEFAULT.TM, min: 1, max: 16, pow2: true, choices: [1, 2, 4, 8, 16] },
  { key: 'TN', label: 'Micro-tile columns TN (per invocation)', kind: 'int', default: REGBLOCK_DEFAULT.TN, min: 4, max: 16, pow2: true, choices: [4, 8, 16] },
  {
    key: 'staging',
    label: 'Operand staging',
    kind: 'enum',
    default: REGBLOCK_DEFAULT.staging,
    options: [
      { value: 'global', label: 'registers from global memory (no barriers)' },
      { value: 'workgroup', label: 'panels in workgroup memory (2 barriers per K-step)' },
    ],
  },
  { key: 'vec4', label: 'vec4 loads (needs N and K multiples of 4)', kind: 'bool', default: REGBLOCK_DEFAULT.vec4 },
];

export function regBlockConfigOf(params: Params): RegBlockConfig {
  return {
    BM: intParam(params, 'BM'),
    BN: intParam(params, 'BN'),
    BK: intParam(params, 'BK'),
    TM: intParam(params, 'TM'),
    TN: intParam(params, 'TN'),
    staging: params.staging === 'workgroup' ? 'workgroup' : 'global',
    vec4: params.vec4 === true,
  };
}

export function regBlockWorkgroupSize(cfg: RegBlockConfig): [number, number] {
  return [cfg.BN / cfg.TN, cfg.BM / cfg.TM];
}

/** Bytes of workgroup memory the configuration declares. */
export function regBlockWorkgroupBytes(cfg: RegBlockConfig): number {
  return cfg.staging === 'workgroup' ? 4 * cfg.BK * (cfg.BM + cfg.BN) : 0;
}

export function regBlockDispatch(cfg: RegBlockConfig, shape: RegBlockShape): [number, number] {
  return [Math.ceil(shape.N / cfg.BN), Math.ceil(shape.M / cfg.BM)];
}

/** Every reason this configuration cannot run on this shape and device, in words. */
export function regBlockProblems(cfg: RegBlockConfig, shape: RegBlockShape, caps: DeviceCaps, exact: boolean): string[] {
  const problems: string[] = [];
  const { BM, BN, BK, TM, TN } = cfg;
  if (BM % TM !== 0) problems.push(`BM = ${BM} is not a multiple of TM = ${TM}`);
  if (BN % TN !== 0) problems.push(`BN = ${BN} is not a multiple of TN = ${TN}`);
  if (TN % 4 !== 0) problems.push(`TN = ${TN} must be a multiple of 4 (columns are held as vec4s)`);
  if (cfg.vec4) {
    if (shape.N % 4 !== 0) problems.push(`vec4 loads need N to be a multiple of 4 (N = ${shape.N}); turn vec4 off`);
    if (shape.K % 4 !== 0) problems.push(`vec4 loads need K to be a multiple of 4 (K = ${shape.K}); turn vec4 off`);
  }
  if (cfg.staging === 'workgroup' && cfg.vec4 && BK % 4 !== 0) problems.push(`vec4 staging needs BK to be a multiple of 4`);
  if (exact) {
    const off: string[] = [];
    if (shape.M % BM !== 0) off.push(`M = ${shape.M} is not a multiple of BM = ${BM}`);
    if (shape.N % BN !== 0) off.push(`N = ${shape.N} is not a multiple of BN = ${BN}`);
    if (cfg.staging === 'workgroup' && shape.K % BK !== 0) off.push(`K = ${shape.K} is not a multiple of BK = ${BK}`);
    if (off.length) problems.push(`the variant without bounds checks only runs on exact tile multiples: ${off.join('; ')}; use the bounds-checked variant`);
  }
  if (problems.length) return problems;
  const [wx, wy] = regBlockWorkgroupSize(cfg);
  return [
    ...checkWorkgroup(caps, [wx, wy, 1], regBlockWorkgroupBytes(cfg), `a ${BM}×${BN} tile with ${TM}×${TN} micro-tiles`),
    ...checkDispatch(caps, regBlockDispatch(cfg, shape)),
  ];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The WGSL for one configuration. With `exact`, no index is clamped and no store is guarded:
 * only valid when M, N (and K for workgroup staging) are multiples of the tile.
 */
export function regBlockWgsl(shape: RegBlockShape, cfg: RegBlockConfig, exact: boolean, subgroupA = false): string {
  if (subgroupA && (cfg.staging !== 'global' || cfg.vec4)) throw new Error('subgroup sharing of A is generated for global staging with scalar loads only');
  const { M, N, K } = shape;
  const { BM, BN, BK, TM, TN, vec4 } = cfg;
  const [WX, WY] = regBlockWorkgroupSize(cfg);
  const G = TN / 4; // vec4 column groups per invocation
  const rows = range(TM);
  const groups = range(G);
  const lines: string[] = [];
  const emit = (indent: number, s: string) => lines.push(' '.repeat(indent) + s);

  // Column index of element e of group g, relative to the tile's first column.
  const colOf = (g: number, e: number) => (vec4 ? `${4 * g * WX + e}u + 4u * lid.x` : `${(4 * g + e) * WX}u + lid.x`);

  if (subgroupA) {
    emit(0, `enable subgroups;`);
    // Subgroup operations below run only where every lane of the subgroup takes the same path
    // (a subgroupAll test), which WGSL's workgroup-level uniformity analysis cannot see.
    emit(0, `diagnostic(off, subgroup_uniformity);`);
    emit(0, '');
  }
  emit(0, `// register-blocked matmul: tile ${BM}×${BN}, K-step ${BK}, micro-tile ${TM}×${TN}, ${cfg.staging} staging${vec4 ? ', vec4 loads' : ''}${exact ? ', no bounds checks' : ''}${subgroupA ? ', A shared across subgroup lanes' : ''}`);
  emit(0, `const M = ${M}u;`);
  emit(0, `const N = ${N}u;`);
  emit(0, `const K = ${K}u;`);
  emit(0, `const BM = ${BM}u;`);
  emit(0, `const BN = ${BN}u;`);
  emit(0, `const BK = ${BK}u;`);
  emit(0, `const WX = ${WX}u; // invocations along x (columns)`);
  emit(0, `const WY = ${WY}u; // invocations along y (rows)`);
  emit(0, '');
  if (vec4) {
    emit(0, `@group(0) @binding(0) var<storage, read> a : array<vec4<f32>>; // A, four consecutive k per element`);
    emit(0, `@group(0) @binding(1) var<storage, read> b : array<vec4<f32>>; // B, four consecutive columns per element`);
  } else {
    emit(0, `@group(0) @binding(0) var<storage, read> a : array<f32>;`);
    emit(0, `@group(0) @binding(1) var<storage, read> b : array<f32>;`);
  }
  emit(0, `@group(0) @binding(2) var<storage, read_write> c : array<f32>;`);
  if (cfg.staging === 'workgroup') {
    if (vec4) {
      emit(0, `var<workgroup> panelA : array<vec4<f32>, ${(BM * BK) / 4}>; // [row][k/4]`);
      emit(0, `var<workgroup> panelB : array<vec4<f32>, ${(BK * BN) / 4}>; // [k][column/4]`);
    } else {
      emit(0, `var<workgroup> panelA : array<f32, ${BM * BK}>; // [row][k]`);
      emit(0, `var<workgroup> panelB : array<f32, ${BK * BN}>; // [k][column]`);
    }
  }
  emit(0, '');
  emit(0, `@compute @workgroup_size(${WX}, ${WY})`);
  emit(
    0,
    subgroupA
      ? `fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u, @builtin(subgroup_invocation_id) lane : u32, @builtin(subgroup_size) lanes : u32) {`
      : `fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {`,
  );
  emit(2, `let tileRow = wid.y * BM;`);
  emit(2, `let tileCol = wid.x * BN;`);
  // Rows and columns this invocation computes; reads use clamped copies (edge tiles read valid
  // memory and discard the result), so the inner loop has no bounds checks in either variant.
  for (const i of rows) emit(2, `let row${i} = tileRow + lid.y + ${i * WY}u;`);
  for (const g of groups) {
    if (vec4) emit(2, `let col${g} = tileCol + ${colOf(g, 0)}; // first of four columns`);
    else for (const e of range(4)) emit(2, `let col${g}_${e} = tileCol + ${colOf(g, e)};`);
  }
  const clampRow = (i: number) => (exact ? `row${i}` : `min(row${i}, M - 1u)`);
  const clampCol = (expr: string) => (exact ? expr : `min(${expr}, N - 1u)`);
  for (const i of rows) for (const g of groups) emit(2, `var acc${i}_${g} = vec4<f32>(0.0);`);
  emit(0, '');

  // One rank-1 update of the micro-tile: acc[i][g] += a_i · b_g, for the named a and b values.
  const update = (indent: number, aName: (i: number) => string, bName: (g: number) => string) => {
    for (const i of rows) for (const g of groups) emit(indent, `acc${i}_${g} = fma(vec4<f32>(${aName(i)}), ${bName(g)}, acc${i}_${g});`);
  };

  if (cfg.staging === 'global') {
    for (const i of rows) emit(2, `let aRow${i} = ${clampRow(i)} * K;`);
    if (vec4) {
      for (const g of groups) emit(2, `let bCol${g} = ${clampCol(`col${g}`)} / 4u;`);
      emit(2, `for (var k = 0u; k < K; k += 4u) {`);
      for (const i of rows) emit(4, `let a${i} = a[(aRow${i} + k) / 4u]; // A[row${i}][k..k+3]`);
      for (const kk of range(4)) {
        for (const g of groups) emit(4, `let b${g}_${kk} = b[(k + ${kk}u) * (N / 4u) + bCol${g}];`);
        update(4, (i) => `a${i}.${'xyzw'[kk]}`, (g) => `b${g}_${kk}`);
      }
      emit(2, `}`);
    } else {
      for (const g of groups) for (const e of range(4)) emit(2, `let bCol${g}_${e} = ${clampCol(`col${g}_${e}`)};`);
      const plainLoop = (indent: number) => {
        emit(indent, `for (var k = 0u; k < K; k++) {`);
        for (const i of rows) emit(indent + 2, `let a${i} = a[aRow${i} + k];`);
        emit(indent + 2, `let bRow = k * N;`);
        for (const g of groups) emit(indent + 2, `let b${g} = vec4<f32>(${range(4).map((e) => `b[bRow + bCol${g}_${e}]`).join(', ')});`);
        update(indent + 2, (i) => `a${i}`, (g) => `b${g}`);
        emit(indent, `}`);
      };
      if (subgroupA) {
        // When all lanes of a full subgroup share their rows (WGSL does not fix how invocations
        // map onto subgroups, so this is tested), lane l fetches A[row][k0 + l] — neighbouring
        // lanes, neighbouring addresses — and the values reach every lane by subgroupShuffle:
        // one load of A per row per `lanes` steps of k instead of one per step.
        emit(2, `let sameRows = subgroupAll(lid.y == subgroupBroadcastFirst(lid.y)) && subgroupAdd(1u) == lanes;`);
        emit(2, `if (sameRows) {`);
        emit(4, `for (var k0 = 0u; k0 < K; k0 += lanes) {`);
        emit(6, `let laneK = min(k0 + lane, K - 1u);`);
        for (const i of rows) emit(6, `let aLane${i} = a[aRow${i} + laneK];`);
        emit(6, `let steps = min(lanes, K - k0);`);
        emit(6, `for (var kk = 0u; kk < steps; kk++) {`);
        for (const i of rows) emit(8, `let a${i} = subgroupShuffle(aLane${i}, kk);`);
        emit(8, `let bRow = (k0 + kk) * N;`);
        for (const g of groups) emit(8, `let b${g} = vec4<f32>(${range(4).map((e) => `b[bRow + bCol${g}_${e}]`).join(', ')});`);
        update(8, (i) => `a${i}`, (g) => `b${g}`);
        emit(6, `}`);
        emit(4, `}`);
        emit(2, `} else {`);
        plainLoop(4);
        emit(2, `}`);
      } else {
        plainLoop(2);
      }
    }
  } else {
    // Workgroup staging: the whole workgroup copies a BM×BK panel of A and a BK×BN panel of B,
    // neighbouring invocations taking neighbouring addresses; k beyond K reads as zero.
    const NT = WX * WY;
    const width = vec4 ? 4 : 1;
    const aElems = (BM * BK) / width;
    const bElems = (BK * BN) / width;
    const kGuard = (kExpr: string, value: string) => (exact ? value : `select(${vec4 ? 'vec4<f32>(0.0)' : '0.0'}, ${value}, ${kExpr} < K)`);
    emit(2, `let flat = lid.y * WX + lid.x;`);
    emit(2, `for (var k0 = 0u; k0 < K; k0 += BK) {`);
    emit(4, `for (var t = flat; t < ${aElems}u; t += ${NT}u) {`);
    emit(6, `let r = t / ${BK / width}u;`);
    emit(6, `let kk = (t % ${BK / width}u) * ${width}u;`);
    const aRowExpr = exact ? `(tileRow + r)` : `min(tileRow + r, M - 1u)`;
    const aK = exact ? `k0 + kk` : `min(k0 + kk, K - 1u)`;
    emit(6, `panelA[t] = ${kGuard('k0 + kk', `a[(${aRowExpr} * K + ${aK})${vec4 ? ' / 4u' : ''}]`)};`);
    emit(4, `}`);
    emit(4, `for (var t = flat; t < ${bElems}u; t += ${NT}u) {`);
    emit(6, `let kk = t / ${BN / width}u;`);
    emit(6, `let cc = (t % ${BN / width}u) * ${width}u;`);
    const bK = exact ? `(k0 + kk)` : `min(k0 + kk, K - 1u)`;
    const bCol = exact ? `tileCol + cc` : `min(tileCol + cc, N - ${width}u)`;
    emit(6, `panelB[t] = ${kGuard('k0 + kk', `b[(${bK} * N + ${bCol})${vec4 ? ' / 4u' : ''}]`)};`);
    emit(4, `}`);
    emit(4, `workgroupBarrier();`);
    if (vec4) {
      emit(4, `for (var kk = 0u; kk < BK; kk += 4u) {`);
      for (const i of rows) emit(6, `let a${i} = panelA[(lid.y + ${i * WY}u) * ${BK / 4}u + kk / 4u];`);
      for (const kq of range(4)) {
        for (const g of groups) emit(6, `let b${g}_${kq} = panelB[(kk + ${kq}u) * ${BN / 4}u + lid.x + ${g * WX}u];`);
        update(6, (i) => `a${i}.${'xyzw'[kq]}`, (g) => `b${g}_${kq}`);
      }
    } else {
      emit(4, `for (var kk = 0u; kk < BK; kk++) {`);
      for (const i of rows) emit(6, `let a${i} = panelA[(lid.y + ${i * WY}u) * BK + kk];`);
      for (const g of groups) {
        emit(6, `let b${g} = vec4<f32>(${range(4).map((e) => `panelB[kk * BN + lid.x + ${(4 * g + e) * WX}u]`).join(', ')});`);
      }
      update(6, (i) => `a${i}`, (g) => `b${g}`);
    }
    emit(4, `}`);
    emit(4, `workgroupBarrier();`);
    emit(2, `}`);
  }
  emit(0, '');
  // Stores: each accumulator component goes to its own column; edge tiles skip outside C.
  for (const i of rows) {
    for (const g of groups) {
      for (const e of range(4)) {
        const col = vec4 ? `col${g} + ${e}u` : `col${g}_${e}`;
        const store = `c[row${i} * N + ${col}] = acc${i}_${g}.${'xyzw'[e]};`;
        emit(2, exact ? store : `if (row${i} < M && ${col} < N) { ${store} }`);
      }
    }
  }
  emit(0, `}`);
  return lines.join('\n') + '\n';
}

function makeRegBlockVariant(exact: boolean): KernelVariant {
  return {
    ...matmulCommon,
    id: exact ? 'regblock-exact' : 'regblock',
    label: exact ? 'Register-blocked, no bounds checks (exact tile multiples)' : 'Register-blocked (2D micro-tiles)',
    summary: exact
      ? 'The register-blocked kernel with every clamp and store guard removed: runs only when M and N (and K with workgroup staging) are multiples of the tile.'
      : 'Each invocation computes a TM×TN block of C in registers; a workgroup covers a BM×BN tile, stepping through K by BK. Loads of A and B are reused TN and TM times.',
    params: [...SHAPE_PARAMS, ...REGBLOCK_PARAMS],
    checkLimits(params, caps) {
      return [...regBlockProblems(regBlockConfigOf(params), shapeOf(params), caps, exact), ...matmulBufferChecks(params, caps)];
    },
    plan(params, inputs) {
      const shape = shapeOf(params);
      const cfg = regBlockConfigOf(params);
      return {
        buffers: matmulBuffers(inputs, params),
        dispatches: [
          {
            label: `matmul regblock ${cfg.BM}x${cfg.BN}x${cfg.BK} t${cfg.TM}x${cfg.TN} ${cfg.staging}${cfg.vec4 ? ' vec4' : ''}${exact ? ' exact' : ''}`,
            wgsl: regBlockWgsl(shape, cfg, exact),
            bindings: ['a', 'b', 'c'],
            workgroups: regBlockDispatch(cfg, shape),
          },
        ],
        output: { buffer: 'c', type: 'f32', count: shape.M * shape.N },
      };
    },
  };
}

export const regblock = makeRegBlockVariant(false);

/** Register-blocked with A shared across subgroup lanes (global staging, scalar loads). */
export const regblockSubgroup: KernelVariant = {
  ...matmulCommon,
  id: 'regblock-subgroup',
  label: 'Register-blocked, A shared across subgroup lanes',
  summary:
    'The register-blocked kernel (global staging) where the lanes of a subgroup fetch consecutive k of A together and pass them around with subgroupShuffle. Needs the subgroups feature.',
  params: [...SHAPE_PARAMS, ...REGBLOCK_PARAMS.filter((p) => p.key !== 'staging' && p.key !== 'vec4' && p.key !== 'BK')],
  unavailableReason: (caps) => (caps.features.includes('subgroups') ? null : 'this adapter does not offer the "subgroups" feature, which this variant needs'),
  checkLimits(params, caps) {
    return [...regBlockProblems(subgroupConfigOf(params), shapeOf(params), caps, false), ...matmulBufferChecks(params, caps)];
  },
  plan(params, inputs) {
    const shape = shapeOf(params);
    const cfg = subgroupConfigOf(params);
    return {
      buffers: matmulBuffers(inputs, params),
      dispatches: [
        {
          label: `matmul regblock-subgroup ${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}`,
          wgsl: regBlockWgsl(shape, cfg, false, true),
          bindings: ['a', 'b', 'c'],
          workgroups: regBlockDispatch(cfg, shape),
        },
      ],
      output: { buffer: 'c', type: 'f32', count: shape.M * shape.N },
    };
  },
};

function subgroupConfigOf(params: Params): RegBlockConfig {
  return { ...regBlockConfigOf({ ...params, BK: REGBLOCK_DEFAULT.BK, staging: 'global', vec4: false }) };
}
export const regblockExact = makeRegBlockVariant(true);
