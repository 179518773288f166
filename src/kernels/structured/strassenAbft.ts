// Fault-tolerant Strassen (one level) with algorithm-based fault tolerance (Huang & Abraham 1984):
// for each of the seven products M = S·T, the checksum vectors T·e (row sums of T) and eᵀS (column
// sums of S) are formed from the operands, independently of the product; then S·(T·e) must equal
// M's row sums and (eᵀS)·T its column sums, within the rounding tolerance derived in
// numerics/strassen.ts (checksumTolerance). After the products, a chosen element of one product can
// have one bit flipped (a soft error); each product's check compares every row and column. One bad
// row and one bad column locate the element, which is rebuilt from its row's checksum; then the
// seven products are merged into C as usual. The output is C followed by each product's verdict
// (status, row, column), checked exactly against what the injection must produce. The checks cost
// O(h²) per product against the product's O(h³), and leave the products' shapes (and tiles) alone.
//
// (Fault-Tolerant Strassen-Like Matrix Multiplication, the paper this lab cites, detects faults
// with check relations between two different Strassen-like algorithms instead; checksums are the
// classic way and need no second algorithm.)
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { computeMetrics } from '../../numerics/metrics';
import { maxAbs } from '../../numerics/linalg';
import { STRASSEN_PRODUCTS, blocksFedBy, checksumTolerance, flipBit32, paddedSize } from '../../numerics/strassen';
import { defineVariant, type Inputs } from '../define';
import { paramSchema } from '../params';
import { checkBuffers } from '../schema';
import type { DispatchSpec, ReferenceResult } from '../types';
import { FAMILY, dataBuffer, grid, scratchBuffer, WG } from './common';
import type { AbftVerdict, StrassenExtras } from './extras';
import { errorByLevel, strassenInputs, strassenPicture, strassenReference, strassenWork, type StrassenConfig } from './strassen';
import { ABFT_FIELDS, STRASSEN_SHAPE, bufferNames, strassenDispatches } from './strassenCommon';

const schema = paramSchema({ ...STRASSEN_SHAPE, ...ABFT_FIELDS });

interface AbftConfig extends StrassenConfig {
  fault: 'none' | 'bitflip';
  /** 0-based product index. */
  product: number;
  row: number;
  col: number;
  bit: number;
  hM: number;
  hK: number;
  hN: number;
}

/** Verdict entries per product in the output, after C. */
const VERDICT = 3;

/**
 * Flops of the checks over the seven products: the value and absolute sums of S's columns and T's
 * rows (2·h_K·(h_M + h_N) additions), the row and column checksums and their tolerance scales
 * (2·h_K·(h_M + h_N) multiply-adds, 2 flops each), and M's row and column sums (2·h_M·h_N): about
 * 7/h of the product's 2h³ for square blocks of h.
 */
function checkFlops(cfg: { hM: number; hK: number; hN: number }): number {
  const { hM, hK, hN } = cfg;
  return 7 * (2 * hK * (hM + hN) + 2 * 2 * hK * (hM + hN) + 2 * hM * hN);
}

function config(v: { M: number; N: number; K: number; fault: 'none' | 'bitflip'; product: number; row: number; col: number; bit: number }): AbftConfig {
  const MP = paddedSize(v.M, 1);
  const NP = paddedSize(v.N, 1);
  const KP = paddedSize(v.K, 1);
  const hM = MP / 2;
  const hN = NP / 2;
  return { ...v, levels: 1, MP, NP, KP, hM, hK: KP / 2, hN, product: v.product - 1, row: v.row % hM, col: v.col % hN };
}

function injectDispatch(cfg: AbftConfig): DispatchSpec {
  const names = bufferNames(`${cfg.product + 1}`);
  const bindings = [readWrite('m', 'array<f32>', `product M${cfg.product + 1}`, names.m)];
  return {
    label: `inject: flip bit ${cfg.bit} of M${cfg.product + 1}[${cfg.row}][${cfg.col}]`,
    wgsl: /* wgsl */ `
${declareBindings(bindings)}

// A soft error: one bit of one stored element flips.
@compute @workgroup_size(1)
fn main() {
  let e = ${cfg.row * cfg.hN + cfg.col}u;
  m[e] = bitcast<f32>(bitcast<u32>(m[e]) ^ ${(1 << cfg.bit) >>> 0}u);
}
`,
    bindings,
    workgroups: [1],
  };
}

/**
 * Checks every row and every column of one product against its checksums, one invocation per row
 * or column (so the check runs in parallel like the product): a row or column outside its
 * tolerance is counted, and its index kept, in the product's flags (cleared before every run).
 */
export function checkWgsl(cfg: AbftConfig, product: number, gridX: number): string {
  const { hM, hK, hN } = cfg;
  return /* wgsl */ `
const HM = ${hM}u;
const HK = ${hK}u;
const HN = ${hN}u;
// 2(γ_HK + γ_HN)·1.01 and 2(γ_HK + γ_HM)·1.01 (numerics/strassen.ts checksumTolerance).
const ROW_TOL = ${checksumTolerance(hK, hN)};
const COL_TOL = ${checksumTolerance(hK, hM)};
const GRID_X = ${gridX}u;

${declareBindings(checkBindings(product))}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id < HM) {
    // Row i: Σ_j M_ij against S_i·(T·e), within ROW_TOL·Σ_k |S_ik|·Σ_j |T_kj|.
    let i = id;
    var sum = 0.0;
    for (var j = 0u; j < HN; j++) {
      sum += m[i * HN + j];
    }
    var check = 0.0;
    var scale = 0.0;
    for (var k = 0u; k < HK; k++) {
      check = fma(sa[i * HK + k], sums[HK + k], check);
      scale += abs(sa[i * HK + k]) * sums[3u * HK + k];
    }
    if (abs(check - sum) > ROW_TOL * scale) {
      atomicAdd(&flags[0], 1u);
      atomicStore(&flags[2], i);
    }
  } else if (id < HM + HN) {
    // Column j: Σ_i M_ij against (eᵀS)·T_j, within COL_TOL·Σ_k Σ_i|S_ik|·|T_kj|.
    let j = id - HM;
    var sum = 0.0;
    for (var i = 0u; i < HM; i++) {
      sum += m[i * HN + j];
    }
    var check = 0.0;
    var scale = 0.0;
    for (var k = 0u; k < HK; k++) {
      check = fma(sums[k], tb[k * HN + j], check);
      scale += sums[2u * HK + k] * abs(tb[k * HN + j]);
    }
    if (abs(check - sum) > COL_TOL * scale) {
      atomicAdd(&flags[1], 1u);
      atomicStore(&flags[3], j);
    }
  }
}
`;
}

/** Reads one product's flags: one bad row and one bad column → rebuild that element; writes the verdict. */
export function correctWgsl(cfg: AbftConfig, product: number): string {
  const { hK, hN } = cfg;
  return /* wgsl */ `
const HK = ${hK}u;
const HN = ${hN}u;
const VERDICT_AT = ${cfg.M * cfg.N + VERDICT * product}u;

${declareBindings(correctBindings(product))}

@compute @workgroup_size(1)
fn main() {
  let rows = atomicLoad(&flags[0]);
  let cols = atomicLoad(&flags[1]);
  var status = 0.0;
  var r = 0u;
  var c = 0u;
  if (rows == 1u && cols == 1u) {
    // One element is wrong: rebuild it from its row's checksum S_r·(T·e) and the rest of the row.
    r = atomicLoad(&flags[2]);
    c = atomicLoad(&flags[3]);
    var check = 0.0;
    for (var k = 0u; k < HK; k++) {
      check = fma(sa[r * HK + k], sums[HK + k], check);
    }
    var rest = 0.0;
    for (var j = 0u; j < HN; j++) {
      if (j != c) {
        rest += m[r * HN + j];
      }
    }
    m[r * HN + c] = check - rest;
    status = 1.0;
  } else if (rows > 0u || cols > 0u) {
    status = 2.0; // detected, but not a single element: not corrected
  }
  out[VERDICT_AT] = status;
  out[VERDICT_AT + 1u] = f32(r);
  out[VERDICT_AT + 2u] = f32(c);
}
`;
}

function checkBindings(product: number) {
  const path = `${product + 1}`;
  const names = bufferNames(path);
  return [
    readOnly('m', 'array<f32>', `M${path} = S·T`, names.m),
    readOnly('sa', 'array<f32>', `S of M${path}`, names.s),
    readOnly('tb', 'array<f32>', `T of M${path}`, names.t),
    readOnly('sums', 'array<f32>', 'per k: eᵀS, T·e, Σ_i|S_ik|, Σ_j|T_kj|', `sums${path}`),
    readWrite('flags', 'array<atomic<u32>>', 'bad rows, bad columns, a bad row, a bad column', `flags${path}`),
  ];
}

function correctBindings(product: number) {
  const path = `${product + 1}`;
  const names = bufferNames(path);
  return [
    readWrite('m', 'array<f32>', `M${path} = S·T`, names.m),
    readOnly('sa', 'array<f32>', `S of M${path}`, names.s),
    readOnly('sums', 'array<f32>', 'per k: eᵀS, T·e, Σ_i|S_ik|, Σ_j|T_kj|', `sums${path}`),
    readWrite('flags', 'array<atomic<u32>>', 'bad rows, bad columns, a bad row, a bad column', `flags${path}`),
    readWrite('out', 'array<f32>', 'C, then the verdicts', 'c'),
  ];
}

/** S and T of product p in float64 (from the float32 inputs, the sums rounded to float32 as on the GPU). */
function operands(cfg: AbftConfig, inputs: Inputs, p: number): { s: Float64Array; t: Float64Array } {
  const { hM, hK, hN } = cfg;
  const a = inputs.a;
  const b = inputs.b;
  const A = (q: number, i: number, j: number) => {
    const r = (q >> 1) * hM + i;
    const c = (q & 1) * hK + j;
    return r < cfg.M && c < cfg.K ? a[r * cfg.K + c] : 0;
  };
  const B = (q: number, i: number, j: number) => {
    const r = (q >> 1) * hK + i;
    const c = (q & 1) * hN + j;
    return r < cfg.K && c < cfg.N ? b[r * cfg.N + c] : 0;
  };
  const prod = STRASSEN_PRODUCTS[p];
  const s = new Float64Array(hM * hK);
  const t = new Float64Array(hK * hN);
  for (let i = 0; i < hM; i++) for (let j = 0; j < hK; j++) s[i * hK + j] = Math.fround(prod.a.reduce((acc, [q, sign]) => acc + sign * A(q, i, j), 0));
  for (let i = 0; i < hK; i++) for (let j = 0; j < hN; j++) t[i * hN + j] = Math.fround(prod.b.reduce((acc, [q, sign]) => acc + sign * B(q, i, j), 0));
  return { s, t };
}

interface Expectation {
  verdicts: AbftVerdict[];
  /** Whether each product's verdict is certain (else either outcome is accepted). */
  certain: boolean[];
  injected: NonNullable<StrassenExtras['abft']>['injected'];
  tolerance: { row: number; col: number } | null;
  /** Bound on the corrupted element's error after the check, corrected or not (added to the C elements it feeds). */
  correctionBound: number;
}

/**
 * What the check must report. A clean product's row and column differences stay within their
 * tolerances (that is how the tolerances are derived), so it must read (0, 0, 0). The flipped
 * element moves its row's and its column's difference by δ; when |δ| exceeds four times both
 * tolerances it is certainly seen in that row and column and nowhere else: (1, row, col). A
 * smaller δ may or may not be seen, and either verdict is accepted.
 */
function expectation(cfg: AbftConfig, inputs: Inputs): Expectation {
  const verdicts: AbftVerdict[] = STRASSEN_PRODUCTS.map((_, p) => ({ product: p + 1, status: 0, row: 0, col: 0 }));
  const certain = verdicts.map(() => true);
  if (cfg.fault === 'none') return { verdicts, certain, injected: null, tolerance: null, correctionBound: 0 };
  const { hK, hN, hM, row, col, product } = cfg;
  const { s, t } = operands(cfg, inputs, product);
  let value = 0;
  let rowScale = 0;
  let colScale = 0;
  const absT = new Float64Array(hK);
  const absS = new Float64Array(hK);
  for (let k = 0; k < hK; k++) {
    for (let j = 0; j < hN; j++) absT[k] += Math.abs(t[k * hN + j]);
    for (let i = 0; i < hM; i++) absS[k] += Math.abs(s[i * hK + k]);
  }
  for (let k = 0; k < hK; k++) {
    value += s[row * hK + k] * t[k * hN + col];
    rowScale += Math.abs(s[row * hK + k]) * absT[k];
    colScale += absS[k] * Math.abs(t[k * hN + col]);
  }
  const before = Math.fround(value);
  const after = flipBit32(before, cfg.bit);
  const delta = after - before;
  const tolerance = { row: checksumTolerance(hK, hN) * rowScale, col: checksumTolerance(hK, hM) * colScale };
  const sure = Math.abs(delta) > 4 * Math.max(tolerance.row, tolerance.col);
  verdicts[product] = sure ? { product: product + 1, status: 1, row, col } : verdicts[product];
  certain[product] = sure;
  // Corrected, the element carries its row check's error (≤ the row tolerance); left alone (a
  // flip too small to be sure of), it is off by |δ| — either way within the sum of the two.
  const correctionBound = sure ? tolerance.row : tolerance.row + Math.abs(delta) * 1.01;
  return { verdicts, certain, injected: { product: product + 1, row, col, bit: cfg.bit, before, after, delta }, tolerance, correctionBound };
}

function reference(cfg: AbftConfig, inputs: Inputs): ReferenceResult {
  const base = strassenReference(cfg, inputs);
  const exp = expectation(cfg, inputs);
  const MN = cfg.M * cfg.N;
  const values = new Float64Array(MN + VERDICT * 7);
  const bound = new Float64Array(MN + VERDICT * 7);
  values.set(base.values);
  bound.set(base.bound as Float64Array);
  if (exp.injected) {
    // The element's remaining error goes into every C block its product feeds.
    for (const q of blocksFedBy(cfg.product)) {
      const r = (q >> 1) * cfg.hM + cfg.row;
      const c = (q & 1) * cfg.hN + cfg.col;
      if (r < cfg.M && c < cfg.N) bound[r * cfg.N + c] += exp.correctionBound;
    }
  }
  exp.verdicts.forEach((v, p) => {
    const at = MN + VERDICT * p;
    values.set([v.status, v.row, v.col], at);
    bound.fill(exp.certain[p] ? 0 : Number.MAX_VALUE, at, at + VERDICT);
  });
  return {
    values,
    bound,
    boundNote: `${base.boundNote}; after C, each product’s verdict (status, row, column) must equal the expected one exactly`,
    rows: cfg.M,
    cols: cfg.N,
  };
}

export const strassenAbft = defineVariant({
  family: FAMILY,
  id: 'strassen-abft',
  label: 'Strassen with checksums: a flipped bit detected, located, corrected',
  summary:
    'One level of Strassen where every product carries a checksum row and column; one bit of one product is flipped, found by the checks and rebuilt before the merge.',
  schema,
  config,
  limits: (cfg, caps) => [
    ...(cfg.fault === 'bitflip' && cfg.bit === 30
      ? ['bit 30 (the top exponent bit) can turn a value into an infinity, which WGSL does not promise to handle; pick another bit']
      : []),
    ...checkBuffers(caps, [
      ['A', 4 * cfg.M * cfg.K],
      ['B', 4 * cfg.K * cfg.N],
      ['C', 4 * (cfg.M * cfg.N + 21)],
    ]),
    ...(caps.limits.maxStorageBuffersPerShaderStage < 8
      ? [`the merge step binds 8 storage buffers; this device allows ${caps.limits.maxStorageBuffersPerShaderStage}`]
      : []),
  ],
  inputs: strassenInputs,
  reference,
  noEmulationReason: 'the checks and the injected fault run on the GPU; there is no CPU emulation of them',
  plan: (cfg, inputs, caps) => {
    const parts = strassenDispatches(cfg, 1, caps, {
      checksums: true,
      afterProducts: () => {
        const list: DispatchSpec[] = cfg.fault === 'bitflip' ? [injectDispatch(cfg)] : [];
        const g = grid(cfg.hM + cfg.hN, WG, caps);
        for (let p = 0; p < 7; p++) {
          list.push({
            label: `check M${p + 1}: every row and column against the checksums`,
            wgsl: checkWgsl(cfg, p, g.gridX),
            bindings: checkBindings(p),
            workgroups: g.workgroups,
          });
          list.push({
            label: `verdict M${p + 1}: locate and correct one bad element`,
            wgsl: correctWgsl(cfg, p),
            bindings: correctBindings(p),
            workgroups: [1],
          });
        }
        return list;
      },
    });
    return {
      buffers: [
        dataBuffer('a', inputs.a as Float32Array),
        dataBuffer('b', inputs.b as Float32Array),
        scratchBuffer('c', cfg.M * cfg.N + VERDICT * 7),
        ...parts.buffers,
        // The checks' counters start from zero in every run.
        ...Array.from({ length: 7 }, (_, p) => ({ name: `flags${p + 1}`, bytes: 16, usage: 'storage' as const, resetEachRun: true })),
      ],
      dispatches: parts.dispatches,
      output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N + VERDICT * 7 },
    };
  },
  work: (cfg) => {
    const plain = strassenWork(cfg);
    return { ...plain, flops: plain.flops + checkFlops(cfg) };
  },
  shape: (cfg) =>
    `${cfg.M}×${cfg.N}×${cfg.K}, 1 level, checksums${cfg.fault === 'bitflip' ? `, bit ${cfg.bit} of M${cfg.product + 1}[${cfg.row}][${cfg.col}] flipped` : ''}`,
  baseline: (cfg) => ({ variant: 'strassen', params: { M: cfg.M, N: cfg.N, K: cfg.K, levels: 1 } }),
  extras: (cfg, inputs, output, ref): StrassenExtras => {
    const MN = cfg.M * cfg.N;
    const exp = expectation(cfg, inputs);
    const verdicts: AbftVerdict[] = STRASSEN_PRODUCTS.map((_, p) => ({
      product: p + 1,
      status: output[MN + VERDICT * p],
      row: output[MN + VERDICT * p + 1],
      col: output[MN + VERDICT * p + 2],
    }));
    const plainFlops = 7 * 2 * cfg.hM * cfg.hN * cfg.hK;
    return {
      kind: 'fast-algorithm',
      M: cfg.M,
      N: cfg.N,
      K: cfg.K,
      levels: 1,
      padded: { M: cfg.MP, N: cfg.NP, K: cfg.KP },
      picture: strassenPicture(1),
      costs: { params: 0, denseParams: 0, flops: strassenWork(cfg).flops, denseFlops: 2 * MN * cfg.K },
      byLevel: errorByLevel(cfg, inputs, ref.values.subarray(0, MN)),
      gpuMaxError: computeMetrics(output.subarray(0, MN), ref.values.subarray(0, MN)).maxAbs,
      normA: maxAbs(inputs.a),
      normB: maxAbs(inputs.b),
      abft: {
        verdicts,
        injected: exp.injected,
        tolerance: exp.tolerance,
        guaranteed: exp.certain.every(Boolean),
        expected: exp.verdicts,
        overheadFlops: checkFlops(cfg) / plainFlops,
      },
    };
  },
  notes: (cfg) => [
    `The checks are O(h²) per product against its ${cfg.hM}×${cfg.hN}×${cfg.hK} multiply: ` +
      `${((checkFlops(cfg) / (7 * 2 * cfg.hM * cfg.hN * cfg.hK)) * 100).toFixed(1)}% more flops; the products themselves are untouched.`,
  ],
});
