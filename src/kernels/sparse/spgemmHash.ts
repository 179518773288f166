// SpGEMM, C = A·B with both A and B sparse, row by row (Gustavson): row i of C merges the rows
// of B that the non-zeros of A's row i select, each scaled by a(i,k). Three ways to merge, on the
// same matrices:
//  - hash (SMASH: Shivdikar, "Sparse Matrix Atomic Scratchpad Hashing", 2021): one workgroup per
//    row; every partial product goes straight into a hash table in workgroup memory (column →
//    value, linear probing, merged with atomics), so no partial product is ever written to
//    memory; then the row's distinct columns are sorted and written. A row whose allocation
//    min(N, partial products) exceeds the table takes the stated fallback: a dense accumulator of
//    N columns in global memory, merged with atomics too (Gustavson's sparse accumulator);
//  - sort (expand, sort, compress: Bell, Dalton and Olson, 2012): every partial product written
//    to memory with the key row·N + column, all of them sorted (a bitonic network here), equal
//    keys summed;
//  - dense: A and B stored densely, zeros included, multiplied by the register-blocked
//    micro-kernel of the family's dense baseline.
// Output: see numerics/sparseSpgemm.ts — hash and sort write the same slotted (column, value)
// layout, compared with float64 slot by slot (columns exactly); dense writes C as M×N.
import { declareBindings, readOnly, readWrite, uniform } from '../../gpu/bindings';
import { csrBytes, denseToCsr, type Csr } from '../../numerics/sparseFormats';
import {
  bitonicPasses,
  csrEntries,
  denseReference,
  distinctPerRow,
  makeSpgemmProblem,
  nextPow2,
  prefixOffsets,
  productsPerRow,
  slotOffsets,
  slottedReference,
  spgemmTruth,
} from '../../numerics/sparseSpgemm';
import type { PatternName } from '../../numerics/sparsePatterns';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers, checkWorkgroup } from '../schema';
import type { BufferSpec, DeviceCaps, DispatchSpec, GpuPlan, ReferenceResult } from '../types';
import { SPARSE_SHAPE, checkGrid, gridFor, nominalNnz, specOf } from './common';
import { DENSE_BLOCKED_BINDINGS, denseBlockedWgsl } from './dense';
import type { SpgemmCost, SpgemmExtras } from './extras';
import { blockedProblems, blockedWorkgroups, padColumnsTo4 } from './microKernel';

export type SpgemmStrategy = 'hash' | 'sort' | 'dense';

export const SPGEMM_STRATEGIES: [SpgemmStrategy, string][] = [
  ['hash', 'Hash table in workgroup memory, merged with atomics (SMASH)'],
  ['sort', 'Expand, sort, compress (ESC)'],
  ['dense', 'Dense product of the same matrices (zeros included)'],
];

/** Block side and invocations of the dense strategy's micro-kernel (the dense baseline's defaults). */
const DENSE_TILE = { bsr: 8, tn: 16 };
/** Invocations per workgroup of the sort passes and of the compress kernel (one element or row each). */
const SORT_WG = 64;

const schema = paramSchema({
  ...SPARSE_SHAPE,
  M: int('M (rows of A and of C)', 256, 1, 8192, { choices: [64, 256, 512, 1024] }),
  N: int('N (columns of B and of C)', 256, 1, 4096, { choices: [64, 256, 512, 1024] }),
  K: int('K (columns of A, rows of B)', 256, 1, 8192, { choices: [64, 256, 512, 1024] }),
  density: { ...SPARSE_SHAPE.density, default: 5 },
  densityB: int('Density of B (% of entries kept, uniformly random)', 5, 0, 100, { choices: [1, 2, 5, 10, 25] }),
  strategy: oneOf('Merge', 'hash', SPGEMM_STRATEGIES),
  table: int('Hash table capacity per workgroup (slots)', 256, 16, 1024, {
    pow2: true,
    choices: [16, 32, 64, 128, 256, 512, 1024],
    help: 'Each row uses the smallest power of two ≥ twice its possible non-zeros, min(N, partial products), up to this; a row with more possible non-zeros than the capacity takes the fallback: a dense accumulator in global memory.',
  }),
  wg: int('Invocations per row (hash and expand kernels)', 32, 1, 256, { choices: [8, 16, 32, 64, 128] }),
});

export interface SpgemmConfig {
  M: number;
  N: number;
  K: number;
  density: number;
  pattern: PatternName;
  block: number;
  densityB: number;
  strategy: SpgemmStrategy;
  table: number;
  wg: number;
}

// ---- what every strategy derives from the inputs (cached per input set) ---------------------------

interface Derived {
  csrA: Csr;
  csrB: Csr;
  products: Uint32Array;
  slotPtr: Uint32Array;
}

const derivedCache = new WeakMap<Float32Array, Derived>();

function derive(cfg: SpgemmConfig, inputs: Inputs): Derived {
  const a = inputs.a as Float32Array;
  let d = derivedCache.get(a);
  if (!d || d.csrB.rows !== cfg.K || d.csrB.cols !== cfg.N) {
    const csrA = denseToCsr(a, cfg.M, cfg.K);
    const csrB = denseToCsr(inputs.b as Float32Array, cfg.K, cfg.N);
    const products = productsPerRow(csrA, csrB);
    d = { csrA, csrB, products, slotPtr: slotOffsets(products, cfg.N) };
    derivedCache.set(a, d);
  }
  return d;
}

/** The table a hashed row uses, as the kernel computes it: the smallest power of two ≥ 2·slots (at least 2), at most the capacity. */
export function rowTableSize(slots: number, table: number): number {
  return Math.min(table, nextPow2(Math.max(2 * slots, 2)));
}

/** Rows the hash table takes (0 < allocation ≤ table) and rows that take the fallback (allocation > table). */
export function splitRows(products: Uint32Array, N: number, table: number): { hashed: number[]; fallback: number[] } {
  const hashed: number[] = [];
  const fallback: number[] = [];
  products.forEach((p, r) => {
    const slots = Math.min(N, p);
    if (slots > table) fallback.push(r);
    else if (slots > 0) hashed.push(r);
  });
  return { hashed, fallback };
}

// ---- WGSL ---------------------------------------------------------------------------------------

const ENTRY_STRUCT = /* wgsl */ `
// One stored non-zero of a CSR matrix.
struct Entry {
  col : u32,
  value : f32,
}`;

const CSR_BINDINGS = [
  readOnly('aRowPtr', 'array<u32>', 'row r of A holds entries aRowPtr[r] … aRowPtr[r + 1] − 1'),
  readOnly('aEntries', 'array<Entry>', 'non-zeros of A'),
  readOnly('bRowPtr', 'array<u32>', 'row k of B holds entries bRowPtr[k] … bRowPtr[k + 1] − 1'),
  readOnly('bEntries', 'array<Entry>', 'non-zeros of B'),
];
const SLOT_PTR = readOnly('slotPtr', 'array<u32>', 'row r of C owns output slots slotPtr[r] … slotPtr[r + 1] − 1');
const ROW_LIST = readOnly('rowList', 'array<u32>', 'rows of C, hashed rows first, then fallback rows');
const SLOTS_OUT = readWrite('slots', 'array<vec2f>', 'C: (column, value) per slot, each row sorted by column, empty slots (−1, 0)');

export const HASH_BINDINGS = [...CSR_BINDINGS, SLOT_PTR, ROW_LIST, SLOTS_OUT];
export const FALLBACK_BINDINGS = [
  ...CSR_BINDINGS,
  SLOT_PTR,
  ROW_LIST,
  readWrite('accumulator', 'array<atomic<u32>>', 'per fallback row: N values (f32 bits), then N hit flags; left cleared'),
  SLOTS_OUT,
];

/**
 * Adds `value` to the f32 whose bits `array[index]` holds: WGSL has no float atomics, so a
 * compare-and-swap loop (retried when another invocation changed the value in between).
 */
function atomicAddF32Wgsl(name: string, array: string): string {
  return /* wgsl */ `
fn ${name}(index : u32, value : f32) {
  var old = atomicLoad(&${array}[index]);
  loop {
    let swapped = atomicCompareExchangeWeak(&${array}[index], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (swapped.exchanged) {
      break;
    }
    old = swapped.old_value;
  }
}`;
}

/** The hash kernel: one workgroup per hashed row (rowList[0 … ROWS − 1]). */
export function hashWgsl(cfg: SpgemmConfig, rows: number, gridX: number): string {
  const { table: TABLE, wg: WG } = cfg;
  return /* wgsl */ `
const TABLE = ${TABLE}u; // hash-table capacity in slots (a power of two)
const WG = ${WG}u;
const ROWS = ${rows}u;
const GRID_X = ${gridX}u;
const EMPTY = 0xffffffffu;
${ENTRY_STRUCT}

${declareBindings(HASH_BINDINGS)}

var<workgroup> tableKeys : array<atomic<u32>, TABLE>;
var<workgroup> tableValues : array<atomic<u32>, TABLE>; // f32 bits
var<workgroup> distinctCols : array<u32, TABLE>;
var<workgroup> distinctValues : array<f32, TABLE>;
var<workgroup> distinctCount : atomic<u32>;
${atomicAddF32Wgsl('addToSlot', 'tableValues')}

// Knuth's multiplicative hash into a table of size slots (a power of two ≥ 2): the product's top
// log2(size) bits, so consecutive columns land far apart.
fn hashOf(col : u32, size : u32) -> u32 {
  return (col * 2654435761u) >> (countLeadingZeros(size) + 1u);
}

// Linear probing from the column's hash slot, wrapping at the end of this row's table. The table
// has at least as many slots as the row may have distinct columns, so a free or matching slot is
// always found within size probes.
fn insert(col : u32, value : f32, size : u32) {
  var slot = hashOf(col, size);
  for (var probe = 0u; probe < size; probe++) {
    var key = atomicLoad(&tableKeys[slot]);
    if (key == EMPTY) {
      // Claim the slot. A weak exchange may fail spuriously: retry while the slot is still free.
      loop {
        let claim = atomicCompareExchangeWeak(&tableKeys[slot], EMPTY, col);
        if (claim.exchanged) {
          key = col;
          break;
        }
        if (claim.old_value != EMPTY) {
          key = claim.old_value;
          break;
        }
      }
    }
    if (key == col) {
      addToSlot(slot, value);
      return;
    }
    slot = (slot + 1u) & (size - 1u);
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) lid : u32) {
  let index = wid.x + wid.y * GRID_X;
  if (index >= ROWS) {
    return; // the whole workgroup leaves: the barriers below stay uniform
  }
  let row = rowList[index];
  // This row's table: the smallest power of two ≥ 2·(its slots), at most half full, capped at the
  // capacity (rows beyond it took the fallback). Short rows clear and scan a short table.
  let first = slotPtr[row];
  let rowSlots = slotPtr[row + 1u] - first;
  let size = min(TABLE, 1u << (32u - countLeadingZeros(max(2u * rowSlots, 2u) - 1u)));
  for (var i = lid; i < size; i += WG) {
    atomicStore(&tableKeys[i], EMPTY);
    atomicStore(&tableValues[i], 0u);
  }
  if (lid == 0u) {
    atomicStore(&distinctCount, 0u);
  }
  workgroupBarrier();

  // Partial products a(row, k)·B(k, :), the row of B split across the invocations, merged as they come.
  for (var p = aRowPtr[row]; p < aRowPtr[row + 1u]; p++) {
    let a = aEntries[p];
    for (var q = bRowPtr[a.col] + lid; q < bRowPtr[a.col + 1u]; q += WG) {
      let b = bEntries[q];
      insert(b.col, a.value * b.value, size);
    }
  }
  workgroupBarrier();

  // The row's distinct columns, gathered from the table.
  for (var i = lid; i < size; i += WG) {
    let key = atomicLoad(&tableKeys[i]);
    if (key != EMPTY) {
      let at = atomicAdd(&distinctCount, 1u);
      distinctCols[at] = key;
      distinctValues[at] = bitcast<f32>(atomicLoad(&tableValues[i]));
    }
  }
  workgroupBarrier();

  // Written in column order (rank sort: a column's place is the number of smaller columns), then
  // the row's spare slots marked empty.
  let count = atomicLoad(&distinctCount);
  for (var i = lid; i < count; i += WG) {
    let col = distinctCols[i];
    var rank = 0u;
    for (var j = 0u; j < count; j++) {
      rank += select(0u, 1u, distinctCols[j] < col);
    }
    slots[first + rank] = vec2f(f32(col), distinctValues[i]);
  }
  for (var s = first + count + lid; s < first + rowSlots; s += WG) {
    slots[s] = vec2f(-1.0, 0.0);
  }
}
`;
}

/** The fallback: one workgroup per long row (rowList[FIRST …]), a dense accumulator of N columns in global memory. */
export function fallbackWgsl(cfg: SpgemmConfig, first: number, rows: number, gridX: number): string {
  const { N, wg: WG } = cfg;
  return /* wgsl */ `
const N = ${N}u;
const WG = ${WG}u;
const FIRST = ${first}u; // fallback rows start here in rowList
const ROWS = ${rows}u;
const GRID_X = ${gridX}u;
${ENTRY_STRUCT}

${declareBindings(FALLBACK_BINDINGS)}
${atomicAddF32Wgsl('addTo', 'accumulator')}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) lid : u32) {
  let index = wid.x + wid.y * GRID_X;
  if (index >= ROWS) {
    return;
  }
  let row = rowList[FIRST + index];
  let values = index * 2u * N; // this row's N values, then its N hit flags
  let hit = values + N;
  for (var p = aRowPtr[row]; p < aRowPtr[row + 1u]; p++) {
    let a = aEntries[p];
    for (var q = bRowPtr[a.col] + lid; q < bRowPtr[a.col + 1u]; q += WG) {
      let b = bEntries[q];
      addTo(values + b.col, a.value * b.value);
      atomicStore(&accumulator[hit + b.col], 1u);
    }
  }
  storageBarrier();
  // One invocation walks the N columns in order (the row comes out sorted) and clears the
  // accumulator behind it for the next run.
  if (lid == 0u) {
    var slot = slotPtr[row];
    for (var col = 0u; col < N; col++) {
      if (atomicLoad(&accumulator[hit + col]) != 0u) {
        slots[slot] = vec2f(f32(col), bitcast<f32>(atomicLoad(&accumulator[values + col])));
        slot++;
        atomicStore(&accumulator[hit + col], 0u);
        atomicStore(&accumulator[values + col], 0u);
      }
    }
    for (; slot < slotPtr[row + 1u]; slot++) {
      slots[slot] = vec2f(-1.0, 0.0);
    }
  }
}
`;
}

const PRODUCT_STRUCT = /* wgsl */ `
// One partial product, keyed by where it lands in C.
struct Product {
  key : u32, // row·N + column; 0xffffffff for the padding that fills the sort to a power of two
  value : f32,
}`;

const PRODUCT_PTR = readOnly('productPtr', 'array<u32>', 'row r’s partial products are productPtr[r] … productPtr[r + 1] − 1 once sorted');
export const EXPAND_BINDINGS = [...CSR_BINDINGS, PRODUCT_PTR, readWrite('products', 'array<Product>', 'every partial product, padded to a power of two')];
export const SORT_PASS_BINDINGS = (pass: number) => [
  uniform('step', 'SortPass', 'this pass’s compare distance and sequence length', `sortPass${pass}`),
  readWrite('products', 'array<Product>', 'the products being sorted by key'),
];
export const COMPRESS_BINDINGS = [PRODUCT_PTR, readOnly('products', 'array<Product>', 'the products, sorted by key'), SLOT_PTR, SLOTS_OUT];

/** Expand: one workgroup per row writes the row's partial products, in place order, keyed row·N + column. */
export function expandWgsl(cfg: SpgemmConfig, gridX: number): string {
  return /* wgsl */ `
const M = ${cfg.M}u;
const N = ${cfg.N}u;
const WG = ${cfg.wg}u;
const GRID_X = ${gridX}u;
${ENTRY_STRUCT}
${PRODUCT_STRUCT}

${declareBindings(EXPAND_BINDINGS)}

@compute @workgroup_size(${cfg.wg})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) lid : u32) {
  let row = wid.x + wid.y * GRID_X;
  if (row >= M) {
    return;
  }
  var at = productPtr[row];
  for (var p = aRowPtr[row]; p < aRowPtr[row + 1u]; p++) {
    let a = aEntries[p];
    let start = bRowPtr[a.col];
    let length = bRowPtr[a.col + 1u] - start;
    for (var q = lid; q < length; q += WG) {
      let b = bEntries[start + q];
      products[at + q] = Product(row * N + b.col, a.value * b.value);
    }
    at += length;
  }
}
`;
}

/** One compare-exchange pass of the bitonic network: element i against i XOR j, ascending where i AND k is 0. */
export function sortPassWgsl(count: number, gridX: number): string {
  return /* wgsl */ `
const COUNT = ${count}u; // a power of two
const GRID_X = ${gridX}u; // workgroups along x
${PRODUCT_STRUCT}

struct SortPass {
  j : u32, // compare distance
  k : u32, // length of the bitonic sequences being merged
}

${declareBindings(SORT_PASS_BINDINGS(0))}

@compute @workgroup_size(${SORT_WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) lid : u32) {
  let i = (wid.x + wid.y * GRID_X) * ${SORT_WG}u + lid;
  let partner = i ^ step.j;
  if (i >= COUNT || partner <= i) {
    return;
  }
  let ascending = (i & step.k) == 0u;
  let mine = products[i];
  let theirs = products[partner];
  if ((mine.key > theirs.key) == ascending) {
    products[i] = theirs;
    products[partner] = mine;
  }
}
`;
}

/** Compress: one invocation per row sums the runs of equal keys of its sorted products. */
export function compressWgsl(cfg: SpgemmConfig, gridX: number): string {
  return /* wgsl */ `
const M = ${cfg.M}u;
const N = ${cfg.N}u;
const GRID_X = ${gridX}u;
${PRODUCT_STRUCT}

${declareBindings(COMPRESS_BINDINGS)}

@compute @workgroup_size(${SORT_WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) lid : u32) {
  let row = (wid.x + wid.y * GRID_X) * ${SORT_WG}u + lid;
  if (row >= M) {
    return;
  }
  let last = productPtr[row + 1u];
  var p = productPtr[row];
  var slot = slotPtr[row];
  while (p < last) {
    let key = products[p].key;
    var sum = products[p].value;
    p++;
    while (p < last && products[p].key == key) {
      sum += products[p].value;
      p++;
    }
    slots[slot] = vec2f(f32(key - row * N), sum);
    slot++;
  }
  for (; slot < slotPtr[row + 1u]; slot++) {
    slots[slot] = vec2f(-1.0, 0.0);
  }
}
`;
}

// ---- plans --------------------------------------------------------------------------------------

function csrBuffers(d: Derived): BufferSpec[] {
  return [
    { name: 'aRowPtr', data: d.csrA.rowPtr, usage: 'storage' },
    { name: 'aEntries', data: csrEntries(d.csrA), usage: 'storage' },
    { name: 'bRowPtr', data: d.csrB.rowPtr, usage: 'storage' },
    { name: 'bEntries', data: csrEntries(d.csrB), usage: 'storage' },
  ];
}

function slotsOutput(d: Derived, M: number): { buffer: BufferSpec; output: GpuPlan['output'] } {
  const slots = d.slotPtr[M];
  return { buffer: { name: 'slots', bytes: 8 * slots, usage: 'storage' }, output: { buffer: 'slots', type: 'f32', count: 2 * slots } };
}

function hashPlan(cfg: SpgemmConfig, d: Derived, caps: DeviceCaps): GpuPlan {
  const { hashed, fallback } = splitRows(d.products, cfg.N, cfg.table);
  const out = slotsOutput(d, cfg.M);
  const buffers: BufferSpec[] = [
    ...csrBuffers(d),
    { name: 'slotPtr', data: d.slotPtr, usage: 'storage' },
    { name: 'rowList', data: Uint32Array.from([...hashed, ...fallback]), usage: 'storage' },
    out.buffer,
  ];
  const grid = gridFor(Math.max(1, hashed.length), caps);
  const dispatches: DispatchSpec[] = [
    {
      label: `hash: ${hashed.length} rows, tables of up to ${cfg.table} slots`,
      wgsl: hashWgsl(cfg, hashed.length, grid.gridX),
      bindings: HASH_BINDINGS,
      workgroups: grid.workgroups,
    },
  ];
  if (fallback.length > 0) {
    const bytes = 8 * fallback.length * cfg.N;
    const limit = Math.min(caps.limits.maxStorageBufferBindingSize, caps.limits.maxBufferSize);
    if (bytes > limit)
      throw new Error(
        `the fallback accumulator for ${fallback.length} rows longer than the table would be ${bytes} bytes; this device binds at most ${limit}: choose a larger table`,
      );
    // Zeroed once here; the kernel clears what it used, so every run starts from zeros.
    buffers.push({ name: 'accumulator', bytes, usage: 'storage' });
    const g = gridFor(fallback.length, caps);
    dispatches.push({
      label: `fallback: ${fallback.length} rows longer than the table, dense accumulator in global memory`,
      wgsl: fallbackWgsl(cfg, hashed.length, fallback.length, g.gridX),
      bindings: FALLBACK_BINDINGS,
      workgroups: g.workgroups,
    });
  }
  return { buffers, dispatches, output: out.output };
}

function sortPlan(cfg: SpgemmConfig, d: Derived, caps: DeviceCaps): GpuPlan {
  const productPtr = prefixOffsets(d.products);
  const total = productPtr[cfg.M];
  const count = nextPow2(Math.max(2, total));
  const limit = Math.min(caps.limits.maxStorageBufferBindingSize, caps.limits.maxBufferSize);
  if (8 * count > limit)
    throw new Error(`the ${total} partial products, padded to ${count}, would take ${8 * count} bytes; this device binds at most ${limit}`);
  // Every key starts as padding; expand overwrites the first `total` each run, and padding keys
  // (the largest) always sort to the end, so the invariant holds from run to run.
  const products = new Uint32Array(2 * count);
  for (let i = 0; i < count; i++) products[2 * i] = 0xffffffff;
  const out = slotsOutput(d, cfg.M);
  const passes = bitonicPasses(count);
  const buffers: BufferSpec[] = [
    ...csrBuffers(d),
    { name: 'productPtr', data: productPtr, usage: 'storage' },
    { name: 'products', data: products, usage: 'storage' },
    { name: 'slotPtr', data: d.slotPtr, usage: 'storage' },
    out.buffer,
    ...passes.map(([j, k], i): BufferSpec => ({ name: `sortPass${i}`, data: Uint32Array.of(j, k, 0, 0), usage: 'uniform' })),
  ];
  const expand = gridFor(cfg.M, caps);
  const sort = gridFor(Math.ceil(count / SORT_WG), caps);
  const compress = gridFor(Math.ceil(cfg.M / SORT_WG), caps);
  const passWgsl = sortPassWgsl(count, sort.gridX);
  return {
    buffers,
    dispatches: [
      { label: `expand: ${total} partial products`, wgsl: expandWgsl(cfg, expand.gridX), bindings: EXPAND_BINDINGS, workgroups: expand.workgroups },
      ...passes.map(
        ([j, k], i): DispatchSpec => ({
          label: `bitonic pass ${i + 1}/${passes.length} (j=${j}, k=${k})`,
          wgsl: passWgsl,
          bindings: SORT_PASS_BINDINGS(i),
          workgroups: sort.workgroups,
        }),
      ),
      { label: 'compress: sum equal keys', wgsl: compressWgsl(cfg, compress.gridX), bindings: COMPRESS_BINDINGS, workgroups: compress.workgroups },
    ],
    output: out.output,
  };
}

function densePlan(cfg: SpgemmConfig, inputs: Inputs, caps: DeviceCaps): GpuPlan {
  const { M, N, K } = cfg;
  const layout = { M, N, ...DENSE_TILE };
  const { workgroups, gridX } = gridFor(blockedWorkgroups(layout), caps);
  return {
    buffers: [
      { name: 'a', data: inputs.a, usage: 'storage' },
      { name: 'b', data: padColumnsTo4(inputs.b as Float32Array, K, N), usage: 'storage' },
      { name: 'c', bytes: 4 * M * N, usage: 'storage' },
    ],
    dispatches: [
      {
        label: `dense blocked ${layout.bsr}×${layout.bsr}`,
        wgsl: denseBlockedWgsl(M, N, K, layout.bsr, layout.tn, gridX),
        bindings: DENSE_BLOCKED_BINDINGS,
        workgroups,
      },
    ],
    output: { buffer: 'c', type: 'f32', count: M * N },
  };
}

// ---- the variant --------------------------------------------------------------------------------

function reference(cfg: SpgemmConfig, inputs: Inputs): ReferenceResult {
  const d = derive(cfg, inputs);
  const truth = spgemmTruth(d.csrA, d.csrB);
  let maxHits = 0;
  for (const h of truth.hits) maxHits = Math.max(maxHits, h);
  const note = `|error| ≤ γ_p·Σ|a·b| per non-zero of C, p = its partial products (at most ${maxHits} here)`;
  if (cfg.strategy === 'dense') {
    const { values, bound } = denseReference(truth);
    return { values, bound, boundNote: `${note}; entries no product reaches must be exactly 0`, rows: cfg.M, cols: cfg.N };
  }
  const { values, bound } = slottedReference(truth, d.slotPtr);
  return {
    values,
    bound,
    boundNote: `${note}; slot by slot (column, value), columns exact, empty slots exactly (−1, 0)`,
    rows: values.length / 2,
    cols: 2,
  };
}

/** Expected partial products from the parameters alone (work() has no seed): nnz(A)·nnz(B)/K. */
function expectedProducts(cfg: SpgemmConfig): { nnzA: number; nnzB: number; products: number } {
  const nnzA = nominalNnz(cfg.M, cfg.K, specOf(cfg));
  const nnzB = Math.round((cfg.densityB / 100) * cfg.K * cfg.N);
  return { nnzA, nnzB, products: cfg.K > 0 ? (nnzA * nnzB) / cfg.K : 0 };
}

function limits(cfg: SpgemmConfig, caps: DeviceCaps): string[] {
  const { M, N, K } = cfg;
  if (cfg.strategy === 'dense') {
    return [
      ...blockedProblems({ M, N, ...DENSE_TILE }, caps),
      ...checkBuffers(caps, [
        ['A (dense)', 4 * M * K],
        ['B (dense)', 4 * K * Math.ceil(N / 4) * 4],
        ['C (dense)', 4 * M * N],
      ]),
    ];
  }
  const problems = [
    ...checkGrid(M, caps, `${M} rows`),
    // A row owns at most N slots.
    ...checkBuffers(caps, [['C slots (at most M·N)', 8 * M * N]]),
    ...checkWorkgroup(caps, [cfg.wg, 1, 1], cfg.strategy === 'hash' ? 16 * cfg.table + 4 : 0, `${cfg.wg} invocations per row with a ${cfg.table}-slot table`),
  ];
  if (cfg.strategy === 'hash') problems.push(...checkBuffers(caps, [['fallback accumulator (if every row were longer than the table)', 8 * M * N]]));
  if (cfg.strategy === 'sort')
    problems.push(...checkBuffers(caps, [['expanded products (expected)', 8 * nextPow2(Math.ceil(expectedProducts(cfg).products))]]));
  return problems;
}

function extras(cfg: SpgemmConfig, inputs: Inputs): SpgemmExtras {
  const d = derive(cfg, inputs);
  const truth = spgemmTruth(d.csrA, d.csrB);
  const products = Array.from(d.products);
  const total = products.reduce((a, b) => a + b, 0);
  const count = nextPow2(Math.max(2, total));
  const passes = bitonicPasses(count).length;
  const { fallback } = splitRows(d.products, cfg.N, cfg.table);
  let fallbackProducts = 0;
  for (const r of fallback) fallbackProducts += d.products[r];
  const costs: Record<SpgemmStrategy, SpgemmCost> = {
    // Fallback rows: an 8-byte atomic update per product, then 8·N bytes read and cleared per row.
    hash: { multiplyAdds: total, intermediateBytes: 8 * fallbackProducts + 16 * cfg.N * fallback.length, dispatches: fallback.length > 0 ? 2 : 1 },
    // Expand writes 8 bytes per (padded) product; each pass reads and may write them all; compress reads them.
    sort: { multiplyAdds: total, intermediateBytes: 8 * count * (2 + 2 * passes), dispatches: passes + 2 },
    dense: { multiplyAdds: cfg.M * cfg.N * cfg.K, intermediateBytes: 0, dispatches: 1 },
  };
  return {
    family: 'sparse',
    kind: 'spgemm',
    M: cfg.M,
    N: cfg.N,
    K: cfg.K,
    nnzA: d.csrA.colIdx.length,
    nnzB: d.csrB.colIdx.length,
    nnzC: truth.col.length,
    productsPerRow: products,
    distinctPerRow: Array.from(distinctPerRow(truth)),
    products: total,
    table: cfg.table,
    fallbackRows: fallback.length,
    expandedBytes: 8 * count,
    sortPasses: passes,
    strategy: cfg.strategy,
    strategies: SPGEMM_STRATEGIES.map(([strategy, label]) => ({ strategy, label, params: { ...cfg, strategy }, ...costs[strategy] })),
  };
}

export const spgemmHash = defineVariant({
  family: 'sparse',
  id: 'spgemm-hash',
  label: 'SpGEMM, sparse × sparse: hash merge in workgroup memory (SMASH), sort-based merge or dense',
  summary:
    'C = A·B with both sparse, row by row: partial products merged in a per-workgroup hash table with atomics, against expand-sort-compress and the dense product of the same matrices.',
  schema,
  config: (v): SpgemmConfig => v,
  limits,
  inputs: (cfg, seed) => makeSpgemmProblem(cfg.M, cfg.N, cfg.K, specOf(cfg), cfg.densityB / 100, seed),
  reference,
  noEmulationReason: 'no CPU version: the three merges compute the same float32 sums and differ only in how they use the GPU',
  plan: (cfg, inputs, caps) =>
    cfg.strategy === 'dense'
      ? densePlan(cfg, inputs, caps)
      : cfg.strategy === 'sort'
        ? sortPlan(cfg, derive(cfg, inputs), caps)
        : hashPlan(cfg, derive(cfg, inputs), caps),
  // Useful work for every strategy (2 flops per partial product, expected for the pattern; A and B
  // in CSR, C's slots), so GFLOP/s compare like time.
  work: (cfg) => {
    const { nnzA, nnzB, products } = expectedProducts(cfg);
    return { flops: 2 * products, bytes: csrBytes(cfg.M, nnzA) + csrBytes(cfg.K, nnzB) + 8 * Math.min(cfg.M * cfg.N, products) };
  },
  shape: (cfg) => `${cfg.M}×${cfg.N}×${cfg.K} A ${specOf(cfg).kind} ${cfg.density}%, B ${cfg.densityB}%`,
  extras,
  notes: (cfg) => [
    cfg.strategy === 'hash'
      ? `Each row hashes into a table of the smallest power of two ≥ twice its possible non-zeros, min(N, partial products), up to ${cfg.table} slots; rows with more than ${cfg.table} possible non-zeros fall back to a dense accumulator of N columns in global memory, merged with atomics too.`
      : cfg.strategy === 'sort'
        ? 'Every partial product is written to memory, sorted with a bitonic network (O(P log² P) compare-exchanges; a radix sort would do fewer) and read back.'
        : 'A and B stored densely: every one of the M·N·K multiply-adds is done, zeros included.',
    'Output slots per row are allocated from the upper bound min(N, partial products), counted on the host (untimed).',
  ],
  baseline: (cfg) => (cfg.strategy === 'dense' ? null : { variant: 'spgemm-hash', params: { ...cfg, strategy: 'dense' } }),
});
