// "Load as sparse, compute as dense" for skinny (decode-shaped) products, the idea of Flash-LLM
// (Xia et al., VLDB 2024): only the non-zeros of A are read from memory, expanded into dense
// tiles in workgroup memory, and multiplied densely. Without tensor cores in WebGPU the dense
// multiply does every product, zeros included; what remains is the memory saving on A and the
// regular access: each TK×N tile of B is loaded once per workgroup and reused by TM rows.
// A workgroup owns TM rows (one per invocation). For each K tile of width TK, each invocation
// writes its row's strip (zeros, then its non-zeros in that K range: CSR columns are sorted, so
// a cursor walks the row once), the workgroup stages B's tile, then each invocation multiplies
// its strip by the tile into N accumulators. The dense baseline 'dense' (kernel: skinny) runs
// the same code reading the strip from dense A.
import { declareBindings } from '../../gpu/bindings';
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkWorkgroup } from '../schema';
import type { Binding, DeviceCaps, DispatchSpec } from '../types';
import { csrProductBindings, denseProductBindings } from './bindings';
import { SPARSE_SHAPE, checkGrid, denseBaseline, gridFor, sparseBufferProblems, sparseConfig, sparseShared, type SparseConfig } from './common';
import { csrProductBuffers, csrWork } from './rowKernels';

/** N ≤ this: the kernel keeps N accumulators per invocation. */
export const SKINNY_MAX_N = 32;

/** Where the skinny kernel reads its strips of A from: CSR (this variant) or dense A (the baseline). */
export type SkinnySource = 'csr' | 'dense';

export const SKINNY_BINDINGS: Record<SkinnySource, Binding[]> = {
  csr: csrProductBindings('f32'),
  dense: denseProductBindings('f32'),
};

export function skinnyWgsl(M: number, N: number, K: number, TM: number, TK: number, gridX: number, source: SkinnySource): string {
  const cursorInit = source === 'csr' ? `var p = 0u;\n  var end = 0u;\n  if (row < M) {\n    p = rowPtr[row];\n    end = rowPtr[row + 1u];\n  }` : '';
  const fillStrip =
    source === 'csr'
      ? `    // Load as sparse: scatter this row's non-zeros with column < k0 + TK into the strip.
    while (p < end && colIdx[p] < k0 + TK) {
      stripA[strip + colIdx[p] - k0] = values[p];
      p++;
    }`
      : `    if (row < M) {
      for (var kk = 0u; kk < TK && k0 + kk < K; kk++) {
        stripA[strip + kk] = a[row * K + k0 + kk];
      }
    }`;
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const TM = ${TM}u;
const TK = ${TK}u;
const ROW_TILES = ${Math.ceil(M / TM)}u;
const GRID_X = ${gridX}u;

${declareBindings(SKINNY_BINDINGS[source])}

var<workgroup> stripA : array<f32, ${TM * TK}>; // TM rows × TK columns of A, dense
var<workgroup> tileB : array<f32, ${TK * N}>;   // TK rows × N columns of B

@compute @workgroup_size(${TM})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let tile = wid.x + wid.y * GRID_X;
  if (tile >= ROW_TILES) {
    return;
  }
  let row = tile * TM + lid.x;
  let strip = lid.x * TK;
  ${cursorInit}
  var acc : array<f32, ${N}>;
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var kk = 0u; kk < TK; kk++) {
      stripA[strip + kk] = 0.0;
    }
${fillStrip}
    for (var i = lid.x; i < TK * N; i += TM) {
      let k = k0 + i / N;
      var value = 0.0;
      if (k < K) {
        value = b[k * N + i % N];
      }
      tileB[i] = value;
    }
    workgroupBarrier();
    // Compute as dense: every product of the strip, zeros included.
    for (var kk = 0u; kk < TK; kk++) {
      let aValue = stripA[strip + kk];
      for (var j = 0u; j < N; j++) {
        acc[j] += aValue * tileB[kk * N + j];
      }
    }
    workgroupBarrier();
  }
  if (row < M) {
    for (var j = 0u; j < N; j++) {
      c[row * N + j] = acc[j];
    }
  }
}
`;
}

/** The skinny kernel's tiles: TM rows (one per invocation) by K tiles of width TK. */
export interface SkinnyLayout {
  M: number;
  N: number;
  tm: number;
  tk: number;
}

export function skinnyProblems(cfg: SkinnyLayout, caps: DeviceCaps): string[] {
  const { M, N, tm: TM, tk: TK } = cfg;
  return [
    ...(N > SKINNY_MAX_N ? [`N = ${N} is too wide for the skinny kernel: it keeps N accumulators per invocation, at most ${SKINNY_MAX_N}`] : []),
    ...checkWorkgroup(caps, [TM, 1, 1], 4 * (TM * TK + TK * N), `${TM} rows × K tiles of ${TK}`),
    ...checkGrid(Math.ceil(M / TM), caps, `${Math.ceil(M / TM)} row tiles`),
  ];
}

export const SKINNY_FIELDS = {
  tm: int('Rows per workgroup TM (invocations)', 64, 1, 256, { choices: [32, 64, 128] }),
  tk: int('K tile width TK', 32, 1, 128, { choices: [16, 32, 64] }),
};

/** The skinny kernel's single dispatch, reading A from `source`. */
export function skinnyDispatch(cfg: SkinnyLayout & { K: number }, caps: DeviceCaps, source: SkinnySource, label: string): DispatchSpec {
  const { workgroups, gridX } = gridFor(Math.ceil(cfg.M / cfg.tm), caps);
  return { label, wgsl: skinnyWgsl(cfg.M, cfg.N, cfg.K, cfg.tm, cfg.tk, gridX, source), bindings: SKINNY_BINDINGS[source], workgroups };
}

const schema = paramSchema({
  ...SPARSE_SHAPE,
  N: int(SPARSE_SHAPE.N.label, 8, 1, SKINNY_MAX_N, { choices: [1, 4, 8, 16, 32] }),
  ...SKINNY_FIELDS,
});

export const loadSparseComputeDense = defineVariant({
  ...sparseShared,
  id: 'sparse-to-dense',
  label: 'Load as sparse, compute as dense (skinny products)',
  summary:
    'Flash-LLM’s idea: read only A’s non-zeros, expand them into dense tiles in workgroup memory, and multiply densely with a shared tile of B. For small N (decode).',
  schema,
  config: (v): SparseConfig & SkinnyLayout => ({ ...sparseConfig(v), tm: v.tm, tk: v.tk }),
  limits: (cfg, caps) => [...skinnyProblems(cfg, caps), ...sparseBufferProblems(cfg, caps, [['CSR values', 4 * cfg.nnz]])],
  plan: (cfg, inputs, caps) => ({
    buffers: csrProductBuffers(cfg, inputs),
    dispatches: [skinnyDispatch(cfg, caps, 'csr', `sparse-to-dense TM${cfg.tm} TK${cfg.tk}`)],
    output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N },
  }),
  work: (cfg) => csrWork(cfg),
  baseline: (cfg) => denseBaseline(cfg, { kernel: 'skinny', tm: cfg.tm, tk: cfg.tk }),
});
