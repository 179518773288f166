// Load-balanced CSR SpMM: rows sorted by length (longest first) and long rows split into pieces
// of at most L non-zeros; consecutive pieces are packed into workgroups of about L non-zeros
// each, so no workgroup waits on one long row (the row-splitting idea of merge-based and
// nnz-split SpMM, e.g. Merrill & Garland 2016, Yang et al. 2018). A piece that is a whole row
// writes C directly; pieces of a split row write partial rows, summed in a second dispatch.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { denseToCsr, type Csr } from '../../numerics/sparseFormats';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkWorkgroup } from '../schema';
import { SPARSE_SHAPE, checkGrid, denseBaseline, gridFor, sparseBufferProblems, sparseConfig, sparseShared, type SparseConfig } from './common';
import { csrWork } from './rowKernels';

/** Marks a piece that holds a whole row (it writes C, not a partial row). */
export const WHOLE_ROW = 0xffffffff;

export interface BalancedSchedule {
  /** 4 u32 per piece: row, first non-zero, end non-zero, partial slot (or WHOLE_ROW). */
  pieces: Uint32Array;
  /** Workgroup w runs pieces wgStart[w] … wgStart[w+1]−1. */
  wgStart: Uint32Array;
  /** 4 u32 per split row: row, first partial slot, number of slots, 0. */
  splits: Uint32Array;
  partialSlots: number;
  workgroups: number;
}

/** Builds the schedule on the CPU (it depends only on the pattern, as a library's analysis step). */
export function balancedSchedule(csr: Csr, maxPiece: number): BalancedSchedule {
  const rows = Array.from({ length: csr.rows }, (_, r) => r);
  const len = (r: number) => csr.rowPtr[r + 1] - csr.rowPtr[r];
  rows.sort((x, y) => len(y) - len(x) || x - y);
  const pieces: number[] = [];
  const splits: number[] = [];
  let slots = 0;
  for (const r of rows) {
    const start = csr.rowPtr[r];
    const end = csr.rowPtr[r + 1];
    if (end - start <= maxPiece) {
      pieces.push(r, start, end, WHOLE_ROW);
      continue;
    }
    const first = slots;
    for (let p = start; p < end; p += maxPiece) pieces.push(r, p, Math.min(end, p + maxPiece), slots++);
    splits.push(r, first, slots - first, 0);
  }
  // Pack consecutive pieces: a workgroup takes pieces while their cost (non-zeros + 1 for the
  // row write) stays within maxPiece + 1.
  const wgStart: number[] = [0];
  let cost = 0;
  const count = pieces.length / 4;
  for (let q = 0; q < count; q++) {
    const c = pieces[4 * q + 2] - pieces[4 * q + 1] + 1;
    if (cost > 0 && cost + c > maxPiece + 1) {
      wgStart.push(q);
      cost = 0;
    }
    cost += c;
  }
  if (count > 0) wgStart.push(count);
  return {
    pieces: Uint32Array.from(pieces),
    wgStart: Uint32Array.from(wgStart),
    splits: Uint32Array.from(splits),
    partialSlots: slots,
    workgroups: wgStart.length - 1,
  };
}

/** The pieces pass: each workgroup's pieces, written to C (whole rows) or to partial rows. */
export const PIECES_BINDINGS = [
  readOnly('pieces', 'array<vec4u>', 'row, first non-zero, end non-zero, partial slot (or WHOLE_ROW)'),
  readOnly('wgStart', 'array<u32>', 'workgroup w runs pieces wgStart[w] … wgStart[w + 1] − 1'),
  readOnly('colIdx', 'array<u32>', 'column of each non-zero (CSR)'),
  readOnly('values', 'array<f32>', 'value of each non-zero (CSR)'),
  readOnly('b', 'array<f32>', 'B, K×N, row-major'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
  readWrite('partial', 'array<f32>', 'one N-wide partial row per piece of a split row'),
];

/** The sum pass: each split row of C is the sum of its partial rows. */
export const SPLIT_SUM_BINDINGS = [
  readOnly('splits', 'array<vec4u>', 'row, first partial slot, number of slots, 0'),
  readOnly('partial', 'array<f32>', 'the partial rows the pieces pass wrote'),
  readWrite('c', 'array<f32>', 'C = A·B, M×N, row-major'),
];

export function csrPiecesWgsl(N: number, wg: number, workgroups: number, gridX: number): string {
  return /* wgsl */ `
const N = ${N}u;
const WG = ${wg}u;
const WORKGROUPS = ${workgroups}u;
const GRID_X = ${gridX}u;
const WHOLE_ROW = 0xffffffffu;

${declareBindings(PIECES_BINDINGS)}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let w = wid.x + wid.y * GRID_X;
  if (w >= WORKGROUPS) {
    return;
  }
  for (var q = wgStart[w]; q < wgStart[w + 1u]; q++) {
    let piece = pieces[q];
    for (var col = lid.x; col < N; col += WG) {
      var acc = 0.0;
      for (var p = piece.y; p < piece.z; p++) {
        acc += values[p] * b[colIdx[p] * N + col];
      }
      if (piece.w == WHOLE_ROW) {
        c[piece.x * N + col] = acc;
      } else {
        partial[piece.w * N + col] = acc;
      }
    }
  }
}
`;
}

export function csrSplitSumWgsl(N: number, wg: number, splitRows: number, gridX: number): string {
  return /* wgsl */ `
const N = ${N}u;
const WG = ${wg}u;
const SPLIT_ROWS = ${splitRows}u;
const GRID_X = ${gridX}u;

${declareBindings(SPLIT_SUM_BINDINGS)}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let s = wid.x + wid.y * GRID_X;
  if (s >= SPLIT_ROWS) {
    return;
  }
  let split = splits[s];
  for (var col = lid.x; col < N; col += WG) {
    var acc = 0.0;
    for (var i = 0u; i < split.z; i++) {
      acc += partial[(split.y + i) * N + col];
    }
    c[split.x * N + col] = acc;
  }
}
`;
}

interface BalancedConfig extends SparseConfig {
  /** Workgroup size. */
  wg: number;
  /** Non-zeros per workgroup L. */
  piece: number;
}

const schema = paramSchema({
  ...SPARSE_SHAPE,
  wg: int('Workgroup size (invocations)', 64, 1, 256, { choices: [32, 64, 128, 256] }),
  piece: int('Non-zeros per workgroup L', 128, 1, 65536, { choices: [32, 64, 128, 256, 512, 1024] }),
});

export const csrBalanced = defineVariant({
  ...sparseShared,
  id: 'csr-balanced',
  label: 'CSR SpMM, rows sorted and split (load-balanced)',
  summary:
    'Rows sorted by length, long rows split into pieces of at most L non-zeros, pieces packed into workgroups of about L non-zeros; split rows are summed in a second pass.',
  schema,
  config: (v): BalancedConfig => ({ ...sparseConfig(v), wg: v.wg, piece: v.piece }),
  limits: (cfg, caps) => {
    const { M, N, nnz, piece: L } = cfg;
    const pieces = M + Math.ceil(nnz / L);
    return [
      ...checkWorkgroup(caps, [cfg.wg, 1, 1], 0, `a workgroup of ${cfg.wg}`),
      ...checkGrid(pieces, caps, `${nnz} non-zeros in pieces of ${L}`),
      ...sparseBufferProblems(cfg, caps, [
        ['CSR values', 4 * nnz],
        ['partial rows', 4 * N * Math.ceil(nnz / L)],
      ]),
    ];
  },
  plan: (cfg, inputs, caps) => {
    const { M, N, K, wg } = cfg;
    const csr = denseToCsr(inputs.a as Float32Array, M, K);
    const s = balancedSchedule(csr, cfg.piece);
    const main = gridFor(s.workgroups, caps);
    const dispatches = [
      { label: `csr pieces wg${wg}`, wgsl: csrPiecesWgsl(N, wg, s.workgroups, main.gridX), bindings: PIECES_BINDINGS, workgroups: main.workgroups },
    ];
    const splitRows = s.splits.length / 4;
    if (splitRows > 0) {
      const g = gridFor(splitRows, caps);
      dispatches.push({
        label: `csr split-row sums wg${wg}`,
        wgsl: csrSplitSumWgsl(N, wg, splitRows, g.gridX),
        bindings: SPLIT_SUM_BINDINGS,
        workgroups: g.workgroups,
      });
    }
    return {
      buffers: [
        { name: 'pieces', data: s.pieces, usage: 'storage' },
        { name: 'wgStart', data: s.wgStart, usage: 'storage' },
        { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
        { name: 'values', data: csr.values, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
        { name: 'partial', bytes: 4 * N * Math.max(1, s.partialSlots), usage: 'storage' },
        { name: 'splits', data: s.splits, usage: 'storage' },
      ],
      dispatches,
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work: (cfg) => csrWork(cfg),
  // The row kernel's dense twin with the same workgroup: one row per workgroup, WG columns at a time.
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'rows', wg: cfg.wg, rows: 1 }),
});
