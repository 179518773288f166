// What the row kernels share — CSR row, CSR vec4, N:M, and the dense 'rows' and 'rows4' twins:
// WG invocations per row of C (each a set of columns), ROWS rows per workgroup, ceil(M / ROWS)
// workgroups on a 2-D grid. Also the CSR buffers, limits and work, and the one plan of the CSR row
// and CSR vec4 kernels, which differ only in their WGSL generator and bindings (f32 or vec4f).
import { csrBytes, denseToCsr } from '../../numerics/sparseFormats';
import type { Inputs } from '../define';
import { int } from '../params';
import { checkWorkgroup } from '../schema';
import type { Binding, DeviceCaps, GpuPlan, WorkModel } from '../types';
import { checkGrid, gridFor, sparseBufferProblems, sparseWork, type SparseConfig } from './common';

/** Invocations per row of C, each owning columns lid.x, lid.x + WG, … */
export const WG_PER_ROW_FIELD = int('Invocations per row (columns in parallel)', 64, 1, 256, { choices: [1, 8, 32, 64, 128, 256] });

export interface RowLayout {
  M: number;
  /** Invocations per row. */
  wg: number;
  /** Rows of C per workgroup. */
  rows: number;
}

/** The configuration of a row kernel over sparse A. */
export interface RowKernelConfig extends SparseConfig, RowLayout {}

export function rowLayoutProblems(cfg: RowLayout, caps: DeviceCaps): string[] {
  return [
    ...checkWorkgroup(caps, [cfg.wg, cfg.rows, 1], 0, `a workgroup of ${cfg.wg}×${cfg.rows}`),
    ...checkGrid(Math.ceil(cfg.M / cfg.rows), caps, `${cfg.M} rows`),
  ];
}

/** The grid of a row kernel; its shader finds its row as (wid.x + wid.y·GRID_X)·ROWS + lid.y. */
export function rowGrid(cfg: RowLayout, caps: DeviceCaps) {
  return gridFor(Math.ceil(cfg.M / cfg.rows), caps);
}

/** The buffers of CSR A (from the dense pattern), B and C. */
export function csrProductBuffers(cfg: SparseConfig, inputs: Inputs): GpuPlan['buffers'] {
  const csr = denseToCsr(inputs.a as Float32Array, cfg.M, cfg.K);
  return [
    { name: 'rowPtr', data: csr.rowPtr, usage: 'storage' },
    { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
    { name: 'values', data: csr.values, usage: 'storage' },
    { name: 'b', data: inputs.b, usage: 'storage' },
    { name: 'c', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
  ];
}

/** Buffer limits of CSR A (values and column indices, 4 bytes per non-zero each), B and C. */
export function csrBufferProblems(cfg: SparseConfig, caps: DeviceCaps): string[] {
  return sparseBufferProblems(cfg, caps, [
    ['CSR values', 4 * cfg.nnz],
    ['CSR column indices', 4 * cfg.nnz],
  ]);
}

export function csrWork(cfg: SparseConfig): WorkModel {
  return sparseWork(cfg, csrBytes(cfg.M, cfg.nnz));
}

/** A row kernel's single dispatch: how it is named, bound and generated for a grid width. */
export interface RowKernel {
  label: string;
  bindings: Binding[];
  wgsl(gridX: number): string;
}

/** The plan of a CSR row kernel (row or vec4): one dispatch of ceil(M / ROWS) workgroups. */
export function csrRowsPlan(cfg: RowKernelConfig, inputs: Inputs, caps: DeviceCaps, kernel: RowKernel): GpuPlan {
  const { workgroups, gridX } = rowGrid(cfg, caps);
  return {
    buffers: csrProductBuffers(cfg, inputs),
    dispatches: [{ label: kernel.label, wgsl: kernel.wgsl(gridX), bindings: kernel.bindings, workgroups }],
    output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N },
  };
}
