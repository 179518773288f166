// 2D register-blocked matmul. A workgroup owns a BM×BN tile of C; each of its (BN/TN)×(BM/TM)
// invocations accumulates a TM×TN micro-tile in registers, so one loaded element of A feeds TN
// multiply-adds and one element of B feeds TM (the CUTLASS / TensorFlow.js "packed" scheme).
//
// Two ways to feed the registers, chosen by `staging`:
//  - 'workgroup': A and B panels (BM×BK and BK×BN) are staged in workgroup memory, two barriers
//    per K-step (the GPU textbook form);
//  - 'global': every invocation reads its rows of A and columns of B straight from memory and
//    relies on the caches (no barriers at all; on CPU-backed adapters barriers are expensive);
//    BK is then the number of k steps per loop turn, written out in the loop's body.
//
// Micro-tile layout. Invocation (tx, ty) owns rows ty + i·WY (i < TM) and, per column group g
// (g < TN/4), four columns:
//  - scalar loads: columns tx + (4g+e)·WX — neighbouring invocations read neighbouring addresses;
//  - vec4 loads:   columns 4·(tx + g·WX) + e — each invocation loads one aligned vec4 per group.
// Accumulators are vec4s named acc_i_g, so the generated WGSL has no dynamically indexed arrays.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { flag, int, oneOf, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import type { Binding, DeviceCaps } from '../types';
import type { Tiling, Traffic } from '../facets';
import { MATMUL_SHAPE, ceilDiv, matmulBufferProblems, matmulOutput, matmulPlanBuffers, matmulShared, type MatmulShape } from './common';

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

export type RegBlockShape = MatmulShape;

/** The configuration the variant starts from (measured fastest on SwiftShader; see the report). */
export const REGBLOCK_DEFAULT: RegBlockConfig = { BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false };

/** The register-blocking fields, with their defaults from REGBLOCK_DEFAULT (other register-blocked variants reuse them). */
export const REGBLOCK_FIELDS = {
  BM: int('Workgroup tile rows BM', REGBLOCK_DEFAULT.BM, 4, 256, { pow2: true, choices: [16, 32, 64, 128] }),
  BN: int('Workgroup tile columns BN', REGBLOCK_DEFAULT.BN, 4, 256, { pow2: true, choices: [16, 32, 64, 128] }),
  BK: int('K-step BK', REGBLOCK_DEFAULT.BK, 4, 64, { pow2: true, choices: [4, 8, 16, 32] }),
  TM: int('Micro-tile rows TM (per invocation)', REGBLOCK_DEFAULT.TM, 1, 16, { pow2: true, choices: [1, 2, 4, 8, 16] }),
  TN: int('Micro-tile columns TN (per invocation)', REGBLOCK_DEFAULT.TN, 4, 16, { pow2: true, choices: [4, 8, 16] }),
  staging: oneOf('Operand staging', REGBLOCK_DEFAULT.staging, [
    ['global', 'registers from global memory (no barriers)'],
    ['workgroup', 'panels in workgroup memory (2 barriers per K-step)'],
  ]),
  vec4: flag('vec4 loads (needs N and K multiples of 4)', REGBLOCK_DEFAULT.vec4),
};

export function regBlockWorkgroupSize(cfg: RegBlockConfig): [number, number] {
  return [cfg.BN / cfg.TN, cfg.BM / cfg.TM];
}

/** Bytes of workgroup memory the configuration declares. */
export function regBlockWorkgroupBytes(cfg: RegBlockConfig): number {
  return cfg.staging === 'workgroup' ? 4 * cfg.BK * (cfg.BM + cfg.BN) : 0;
}

export function regBlockDispatch(cfg: RegBlockConfig, shape: RegBlockShape): [number, number] {
  return [ceilDiv(shape.N, cfg.BN), ceilDiv(shape.M, cfg.BM)];
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

/** The bindings of one configuration: vec4 loads read A and B as vec4 arrays. */
export function regBlockBindings(vec4: boolean): Binding[] {
  return vec4
    ? [
        readOnly('a', 'array<vec4<f32>>', 'A, four consecutive k per element'),
        readOnly('b', 'array<vec4<f32>>', 'B, four consecutive columns per element'),
        readWrite('c', 'array<f32>', 'C = A·B, M×N'),
      ]
    : [readOnly('a', 'array<f32>', 'A, M×K, row-major'), readOnly('b', 'array<f32>', 'B, K×N, row-major'), readWrite('c', 'array<f32>', 'C = A·B, M×N')];
}

/** Who computes what: invocation (tx, ty) owns rows ty + i·WY and its column groups (see the header). */
export function regBlockTiling(cfg: RegBlockConfig): Tiling {
  const [WX, WY] = regBlockWorkgroupSize(cfg);
  return {
    BM: cfg.BM,
    BN: cfg.BN,
    BK: cfg.staging === 'workgroup' ? cfg.BK : 1,
    TM: cfg.TM,
    TN: cfg.TN,
    WX: Math.max(1, Math.floor(WX)),
    WY: Math.max(1, Math.floor(WY)),
    layout: cfg.vec4 ? 'contiguous' : 'strided',
    staging: cfg.staging,
  };
}

/** Work and bytes of one configuration on one shape (edge tiles are computed whole). */
export function regBlockTraffic(cfg: RegBlockConfig, { M, N, K }: MatmulShape): Traffic {
  const { BM, BN, BK, TM, TN } = cfg;
  const staged = cfg.staging === 'workgroup';
  const tilesM = ceilDiv(M, BM);
  const tilesN = ceilDiv(N, BN);
  const Kp = staged ? ceilDiv(K, BK) * BK : K;
  const Mp = tilesM * BM;
  const Np = tilesN * BN;
  // A workgroup reads its BM rows of A and BN columns of B once each (through workgroup memory
  // or the cache): A is read tilesN times over, B tilesM times.
  const globalBytes = 4 * Kp * (Mp * tilesN + Np * tilesM) + 4 * M * N;
  // An invocation loads TM values of A and TN of B per k for TM·TN multiply-adds.
  const registerLoadBytes = 4 * (Mp / TM) * (Np / TN) * Kp * (TM + TN);
  const barriers = staged ? tilesM * tilesN * 2 * (Kp / BK) : 0;
  return { flops: 2 * Mp * Np * Kp, globalBytes, registerLoadBytes, barriers, invocationBarriers: barriers * (BM / TM) * (BN / TN) };
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
  emit(
    0,
    `// register-blocked matmul: tile ${BM}×${BN}, K-step ${BK}, micro-tile ${TM}×${TN}, ${cfg.staging} staging${vec4 ? ', vec4 loads' : ''}${exact ? ', no bounds checks' : ''}${subgroupA ? ', A shared across subgroup lanes' : ''}`,
  );
  emit(0, `const M = ${M}u;`);
  emit(0, `const N = ${N}u;`);
  emit(0, `const K = ${K}u;`);
  emit(0, `const BM = ${BM}u;`);
  emit(0, `const BN = ${BN}u;`);
  emit(0, `const BK = ${BK}u;`);
  emit(0, `const WX = ${WX}u; // invocations along x (columns)`);
  emit(0, `const WY = ${WY}u; // invocations along y (rows)`);
  emit(0, '');
  emit(0, declareBindings(regBlockBindings(vec4)));
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
    // The K-step BK: the loop takes BK steps of k per turn, written out (unrolled) in its body.
    // Nothing is staged; what it saves is loop turns. On CPU adapters (SwiftShader) each turn of a
    // loop passes every live value — here TM·TN accumulators — through memory, which costs about
    // as much as the turn's multiply-adds; a GPU compiler unrolls such loops itself.
    const steps = vec4 ? BK / 4 : BK;
    const stride = vec4 ? 4 : 1;
    const mainEnd = K - (K % (steps * stride));
    const stepLoop = (indent: number, body: (indent: number, k: string) => void) => {
      if (mainEnd > 0) {
        emit(indent, `for (var k0 = 0u; k0 < ${mainEnd}u; k0 += ${steps * stride}u) { // ${steps} step${steps > 1 ? 's' : ''} of ${stride} k per turn`);
        for (const u of range(steps)) {
          emit(indent + 2, `{`);
          emit(indent + 4, `let k = k0 + ${u * stride}u;`);
          body(indent + 4, 'k');
          emit(indent + 2, `}`);
        }
        emit(indent, `}`);
      }
      if (mainEnd < K) {
        emit(indent, `for (var k = ${mainEnd}u; k < K; k += ${stride}u) { // the last K mod ${steps * stride}`);
        body(indent + 2, 'k');
        emit(indent, `}`);
      }
    };
    if (vec4) {
      for (const g of groups) emit(2, `let bCol${g} = ${clampCol(`col${g}`)} / 4u;`);
      stepLoop(2, (ind) => {
        for (const i of rows) emit(ind, `let a${i} = a[(aRow${i} + k) / 4u]; // A[row${i}][k..k+3]`);
        for (const kk of range(4)) {
          for (const g of groups) emit(ind, `let b${g}_${kk} = b[(k + ${kk}u) * (N / 4u) + bCol${g}];`);
          update(
            ind,
            (i) => `a${i}.${'xyzw'[kk]}`,
            (g) => `b${g}_${kk}`,
          );
        }
      });
    } else {
      for (const g of groups) for (const e of range(4)) emit(2, `let bCol${g}_${e} = ${clampCol(`col${g}_${e}`)};`);
      const plainLoop = (indent: number) =>
        stepLoop(indent, (ind) => {
          for (const i of rows) emit(ind, `let a${i} = a[aRow${i} + k];`);
          emit(ind, `let bRow = k * N;`);
          for (const g of groups)
            emit(
              ind,
              `let b${g} = vec4<f32>(${range(4)
                .map((e) => `b[bRow + bCol${g}_${e}]`)
                .join(', ')});`,
            );
          update(
            ind,
            (i) => `a${i}`,
            (g) => `b${g}`,
          );
        });
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
        for (const g of groups)
          emit(
            8,
            `let b${g} = vec4<f32>(${range(4)
              .map((e) => `b[bRow + bCol${g}_${e}]`)
              .join(', ')});`,
          );
        update(
          8,
          (i) => `a${i}`,
          (g) => `b${g}`,
        );
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
        update(
          6,
          (i) => `a${i}.${'xyzw'[kq]}`,
          (g) => `b${g}_${kq}`,
        );
      }
    } else {
      emit(4, `for (var kk = 0u; kk < BK; kk++) {`);
      for (const i of rows) emit(6, `let a${i} = panelA[(lid.y + ${i * WY}u) * BK + kk];`);
      for (const g of groups) {
        emit(
          6,
          `let b${g} = vec4<f32>(${range(4)
            .map((e) => `panelB[kk * BN + lid.x + ${(4 * g + e) * WX}u]`)
            .join(', ')});`,
        );
      }
      update(
        6,
        (i) => `a${i}`,
        (g) => `b${g}`,
      );
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
  return `${lines.join('\n')}\n`;
}

const schema = paramSchema({ ...MATMUL_SHAPE, ...REGBLOCK_FIELDS });

interface RegBlockVariantConfig extends MatmulShape, RegBlockConfig {
  workgroups: [number, number];
}

function makeRegBlockVariant(exact: boolean) {
  return defineVariant({
    ...matmulShared,
    id: exact ? 'regblock-exact' : 'regblock',
    label: exact ? 'Register-blocked, no bounds checks (exact tile multiples)' : 'Register-blocked (2D micro-tiles)',
    summary: exact
      ? 'The register-blocked kernel with every clamp and store guard removed: runs only when M and N (and K with workgroup staging) are multiples of the tile.'
      : 'Each invocation computes a TM×TN block of C in registers; a workgroup covers a BM×BN tile, stepping through K by BK. Loads of A and B are reused TN and TM times.',
    schema,
    config: (v): RegBlockVariantConfig => ({ ...v, workgroups: regBlockDispatch(v, v) }),
    limits: (cfg, caps) => [...regBlockProblems(cfg, cfg, caps, exact), ...matmulBufferProblems(cfg, caps)],
    plan: (cfg, inputs) => ({
      buffers: matmulPlanBuffers(cfg, inputs),
      dispatches: [
        {
          label: `matmul regblock ${cfg.BM}x${cfg.BN}x${cfg.BK} t${cfg.TM}x${cfg.TN} ${cfg.staging}${cfg.vec4 ? ' vec4' : ''}${exact ? ' exact' : ''}`,
          wgsl: regBlockWgsl(cfg, cfg, exact),
          bindings: regBlockBindings(cfg.vec4),
          workgroups: cfg.workgroups,
        },
      ],
      output: matmulOutput(cfg),
    }),
    tiling: regBlockTiling,
    traffic: (cfg) => regBlockTraffic(cfg, cfg),
  });
}

export const regblock = makeRegBlockVariant(false);
export const regblockExact = makeRegBlockVariant(true);

function globalScalarConfig(cfg: MatmulShape & RegBlockConfig): RegBlockVariantConfig {
  return { ...cfg, workgroups: regBlockDispatch(cfg, cfg) };
}

// Sharing A across subgroup lanes is generated for global staging with scalar loads, so those
// three fields are fixed (BK, the K-step of its per-invocation fallback loop, stays the default's).
const subgroupSchema = paramSchema({ ...MATMUL_SHAPE, BM: REGBLOCK_FIELDS.BM, BN: REGBLOCK_FIELDS.BN, TM: REGBLOCK_FIELDS.TM, TN: REGBLOCK_FIELDS.TN });

/** Register-blocked with A shared across subgroup lanes (global staging, scalar loads). */
export const regblockSubgroup = defineVariant<typeof subgroupSchema.fields, RegBlockVariantConfig>({
  ...matmulShared,
  id: 'regblock-subgroup',
  label: 'Register-blocked, A shared across subgroup lanes',
  summary:
    'The register-blocked kernel (global staging) where the lanes of a subgroup fetch consecutive k of A together and pass them around with subgroupShuffle. Needs the subgroups feature.',
  schema: subgroupSchema,
  config: (v) => globalScalarConfig({ ...v, BK: REGBLOCK_DEFAULT.BK, staging: 'global', vec4: false }),
  unavailableReason: (caps) => (caps.features.includes('subgroups') ? null : 'this adapter does not offer the "subgroups" feature, which this variant needs'),
  limits: (cfg, caps) => [...regBlockProblems(cfg, cfg, caps, false), ...matmulBufferProblems(cfg, caps)],
  plan: (cfg, inputs) => ({
    buffers: matmulPlanBuffers(cfg, inputs),
    dispatches: [
      {
        label: `matmul regblock-subgroup ${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}`,
        wgsl: regBlockWgsl(cfg, cfg, false, true),
        bindings: regBlockBindings(false),
        workgroups: cfg.workgroups,
      },
    ],
    output: matmulOutput(cfg),
  }),
  tiling: regBlockTiling,
  // The same bytes from memory as the plain kernel with global staging (each workgroup still reads
  // its rows of A once through the cache). Each value of A reaches a lane's registers by a
  // subgroupShuffle rather than a load; the shuffle is counted as a register load, since the
  // subgroup size that would divide the A loads is the device's and not known here.
  traffic: (cfg) => regBlockTraffic(cfg, cfg),
});
