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
import { csrBytes, denseToCsr } from '../../numerics/sparse';
import { checkWorkgroup, intParam } from '../schema';
import type { DeviceCaps, KernelVariant, Params } from '../types';
import { checkGrid, gridFor, nominalNnz, shapeOf, shapeParams, sparseBufferChecks, sparseCommon, sparseWork } from './common';

/** N ≤ this: the kernel keeps N accumulators per invocation. */
export const SKINNY_MAX_N = 32;

export function skinnyWgsl(M: number, N: number, K: number, TM: number, TK: number, gridX: number, source: 'csr' | 'dense'): string {
  const aBindings =
    source === 'csr'
      ? `@group(0) @binding(0) var<storage, read> rowPtr : array<u32>;
@group(0) @binding(1) var<storage, read> colIdx : array<u32>;
@group(0) @binding(2) var<storage, read> values : array<f32>;
@group(0) @binding(3) var<storage, read> b : array<f32>;
@group(0) @binding(4) var<storage, read_write> c : array<f32>;`
      : `@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> c : array<f32>;`;
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

${aBindings}

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

export function skinnyChecks(params: Params, caps: DeviceCaps): string[] {
  const { M, N } = shapeOf(params);
  const TM = intParam(params, 'tm');
  const TK = intParam(params, 'tk');
  return [
    ...(N > SKINNY_MAX_N ? [`N = ${N} is too wide for the skinny kernel: it keeps N accumulators per invocation, at most ${SKINNY_MAX_N}`] : []),
    ...checkWorkgroup(caps, [TM, 1, 1], 4 * (TM * TK + TK * N), `${TM} rows × K tiles of ${TK}`),
    ...checkGrid(Math.ceil(M / TM), caps, `${Math.ceil(M / TM)} row tiles`),
  ];
}

export const skinnyTileParams = [
  { key: 'tm', label: 'Rows per workgroup TM (invocations)', kind: 'int' as const, default: 64, min: 1, max: 256, choices: [32, 64, 128] },
  { key: 'tk', label: 'K tile width TK', kind: 'int' as const, default: 32, min: 1, max: 128, choices: [16, 32, 64] },
];

export const loadSparseComputeDense: KernelVariant = {
  ...sparseCommon,
  id: 'sparse-to-dense',
  label: 'Load as sparse, compute as dense (skinny products)',
  summary:
    'Flash-LLM’s idea: read only A’s non-zeros, expand them into dense tiles in workgroup memory, and multiply densely with a shared tile of B. For small N (decode).',
  params: [...shapeParams().map((p) => (p.key === 'N' && p.kind === 'int' ? { ...p, default: 8, max: SKINNY_MAX_N, choices: [1, 4, 8, 16, 32] } : p)), ...skinnyTileParams],
  checkLimits(params, caps) {
    return [...skinnyChecks(params, caps), ...sparseBufferChecks(params, caps, [['CSR values', 4 * nominalNnz(params)]])];
  },
  plan(params, inputs, caps) {
    const { M, N, K } = shapeOf(params);
    const TM = intParam(params, 'tm');
    const TK = intParam(params, 'tk');
    const csr = denseToCsr(inputs.a as Float32Array, M, K);
    const { workgroups, gridX } = gridFor(Math.ceil(M / TM), caps);
    return {
      buffers: [
        { name: 'rowPtr', data: csr.rowPtr, usage: 'storage' },
        { name: 'colIdx', data: csr.colIdx, usage: 'storage' },
        { name: 'values', data: csr.values, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'c', bytes: 4 * M * N, usage: 'storage' },
      ],
      dispatches: [
        { label: `sparse-to-dense TM${TM} TK${TK}`, wgsl: skinnyWgsl(M, N, K, TM, TK, gridX, 'csr'), bindings: ['rowPtr', 'colIdx', 'values', 'b', 'c'], workgroups },
      ],
      output: { buffer: 'c', type: 'f32', count: M * N },
    };
  },
  work(params) {
    return sparseWork(params, csrBytes(shapeOf(params).M, nominalNnz(params)));
  },
};
