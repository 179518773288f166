// Sparse matrices in pure TypeScript: seeded sparsity patterns, the storage formats the kernels
// read (CSR, BSR, N:M compressed), exact conversions both ways, bytes stored, a row/column
// permutation that clusters non-zeros into fewer blocks, and the float64 reference SpMM.
//
// Conventions: a sparse matrix is held as a dense row-major Float32Array whose zeros are the
// missing entries ("the pattern is where the value is non-zero"). Pattern generators never produce
// an explicit zero at a kept position (values are drawn from (−1, 1) \ {0}), so "kept" and
// "non-zero" are the same thing and every conversion round-trips bit-exactly.
import { Rng, deriveSeed } from './prng';

// ---- seeded values -----------------------------------------------------------------------------

/** Uniform in (−1, 1), never zero: (x + ½)·2^-23 − 1 for a 24-bit integer x, rounded to float32. */
export function nonZeroUniformArray(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((rng.nextU32() >>> 8) + 0.5) * 2 ** -23 - 1;
  return out;
}

/** k distinct integers from 0…n−1 (partial Fisher–Yates), in increasing order. */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Uint32Array {
  const take = Math.max(0, Math.min(n, k));
  // For a small k a map of swapped positions is enough; n may be M·K.
  const swapped = new Map<number, number>();
  const out = new Uint32Array(take);
  for (let i = 0; i < take; i++) {
    const j = i + (rng.nextU32() % (n - i));
    const vi = swapped.get(i) ?? i;
    const vj = swapped.get(j) ?? j;
    swapped.set(j, vi);
    out[i] = vj;
  }
  return out.sort();
}

/** A seeded permutation of 0…n−1. */
export function randomPermutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

// ---- patterns ----------------------------------------------------------------------------------

export type PatternKind = 'random' | 'magnitude' | 'skewed' | 'block' | 'block-shuffled' | 'nm';

export interface PatternSpec {
  kind: PatternKind;
  /** Fraction of entries kept, 0…1 (ignored by 'nm', whose density is n/m). */
  density: number;
  /** Block side for 'block' and 'block-shuffled'. */
  block?: number;
  /** Kept per group and group length for 'nm' (2:4, 1:4, 4:8). */
  n?: number;
  m?: number;
}

/** Keeps exactly round(density·rows·cols) entries chosen uniformly at random. */
export function pruneRandom(dense: Float32Array, rows: number, cols: number, density: number, seed: number): Float32Array {
  const total = rows * cols;
  const keep = sampleWithoutReplacement(total, Math.round(density * total), new Rng(seed));
  const out = new Float32Array(total);
  for (const i of keep) out[i] = dense[i];
  return out;
}

/** Magnitude pruning: keeps the round(density·n) entries of largest |value| (ties: lower index). */
export function pruneMagnitude(dense: Float32Array, density: number): Float32Array {
  const total = dense.length;
  const keep = Math.round(density * total);
  const out = new Float32Array(total);
  if (keep === 0) return out;
  // The keep-th largest |value| is the threshold; entries equal to it are taken in index order.
  const sortedAbs = Float32Array.from(dense, Math.abs).sort();
  const threshold = sortedAbs[total - keep];
  let taken = 0;
  for (let i = 0; i < total; i++) if (Math.abs(dense[i]) > threshold) taken++;
  let tiesLeft = keep - taken;
  for (let i = 0; i < total; i++) {
    const a = Math.abs(dense[i]);
    if (a > threshold || (a === threshold && tiesLeft-- > 0)) out[i] = dense[i];
  }
  return out;
}

/**
 * N:M pruning by magnitude: along each row, every group of m consecutive columns keeps its n
 * entries of largest |value| (ties: lower column). A last, shorter group keeps min(n, its length).
 */
export function pruneNM(dense: Float32Array, rows: number, cols: number, n: number, m: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let g0 = 0; g0 < cols; g0 += m) {
      const len = Math.min(m, cols - g0);
      const idx = Array.from({ length: len }, (_, i) => g0 + i);
      idx.sort((x, y) => Math.abs(dense[r * cols + y]) - Math.abs(dense[r * cols + x]) || x - y);
      for (let i = 0; i < Math.min(n, len); i++) out[r * cols + idx[i]] = dense[r * cols + idx[i]];
    }
  }
  return out;
}

/** Block sparsity: exactly round(density·blocks) of the b×b blocks (edge blocks clipped) are kept whole. */
export function pruneBlocks(dense: Float32Array, rows: number, cols: number, density: number, b: number, seed: number): Float32Array {
  const blockRows = Math.ceil(rows / b);
  const blockCols = Math.ceil(cols / b);
  const nb = blockRows * blockCols;
  const keep = sampleWithoutReplacement(nb, Math.round(density * nb), new Rng(seed));
  const out = new Float32Array(rows * cols);
  for (const blk of keep) {
    const br = Math.floor(blk / blockCols);
    const bc = blk % blockCols;
    for (let r = br * b; r < Math.min(rows, br * b + b); r++) {
      for (let c = bc * b; c < Math.min(cols, bc * b + b); c++) out[r * cols + c] = dense[r * cols + c];
    }
  }
  return out;
}

/**
 * Skewed rows (load-balance stress): row lengths follow a Zipf law, row of rank i (a random rank)
 * weighted 1/(i+1), scaled so the total is about density·rows·cols; each row's columns are random.
 */
export function skewedRowLengths(rows: number, cols: number, density: number, seed: number): Uint32Array {
  const rank = randomPermutation(rows, new Rng(seed));
  let weightSum = 0;
  for (let i = 0; i < rows; i++) weightSum += 1 / (i + 1);
  const target = density * rows * cols;
  const lengths = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) lengths[r] = Math.min(cols, Math.round((target * (1 / (rank[r] + 1))) / weightSum));
  return lengths;
}

export function pruneSkewed(dense: Float32Array, rows: number, cols: number, density: number, seed: number): Float32Array {
  const lengths = skewedRowLengths(rows, cols, density, deriveSeed(seed, 0));
  const rng = new Rng(deriveSeed(seed, 1));
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (const c of sampleWithoutReplacement(cols, lengths[r], rng)) out[r * cols + c] = dense[r * cols + c];
  }
  return out;
}

/** Applies row and column permutations: out[i][j] = a[rowPerm[i]][colPerm[j]]. */
export function permuteMatrix(a: Float32Array, rows: number, cols: number, rowPerm: ArrayLike<number>, colPerm: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const src = rowPerm[i] * cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = a[src + colPerm[j]];
  }
  return out;
}

/** Generates the pattern on `dense` (which must have no zeros). */
export function applyPattern(dense: Float32Array, rows: number, cols: number, spec: PatternSpec, seed: number): Float32Array {
  const d = Math.max(0, Math.min(1, spec.density));
  switch (spec.kind) {
    case 'random':
      return pruneRandom(dense, rows, cols, d, seed);
    case 'magnitude':
      return pruneMagnitude(dense, d);
    case 'skewed':
      return pruneSkewed(dense, rows, cols, d, seed);
    case 'block':
      return pruneBlocks(dense, rows, cols, d, spec.block ?? 8, seed);
    case 'block-shuffled': {
      // Block-sparse, then rows and columns shuffled: the clustering is hidden, and a good
      // permutation (clusterPermutation) can find it again.
      const blocked = pruneBlocks(dense, rows, cols, d, spec.block ?? 8, seed);
      const rng = new Rng(deriveSeed(seed, 7));
      return permuteMatrix(blocked, rows, cols, randomPermutation(rows, rng), randomPermutation(cols, rng));
    }
    case 'nm':
      return pruneNM(dense, rows, cols, spec.n ?? 2, spec.m ?? 4);
  }
}

/** Non-zeros per row. */
export function rowCounts(a: Float32Array, rows: number, cols: number): Uint32Array {
  const counts = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (let j = 0; j < cols; j++) if (a[r * cols + j] !== 0) c++;
    counts[r] = c;
  }
  return counts;
}

export function countNonZeros(a: Float32Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) c++;
  return c;
}

/** True when every group of m consecutive columns of every row has at most n non-zeros. */
export function satisfiesNM(a: Float32Array, rows: number, cols: number, n: number, m: number): boolean {
  for (let r = 0; r < rows; r++) {
    for (let g0 = 0; g0 < cols; g0 += m) {
      let c = 0;
      for (let j = g0; j < Math.min(cols, g0 + m); j++) if (a[r * cols + j] !== 0) c++;
      if (c > n) return false;
    }
  }
  return true;
}

// ---- CSR ---------------------------------------------------------------------------------------

export interface Csr {
  rows: number;
  cols: number;
  /** rowPtr[r]…rowPtr[r+1] index the non-zeros of row r. */
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float32Array;
}

export function denseToCsr(a: Float32Array, rows: number, cols: number): Csr {
  const nnz = countNonZeros(a);
  const rowPtr = new Uint32Array(rows + 1);
  const colIdx = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    rowPtr[r] = p;
    for (let j = 0; j < cols; j++) {
      const v = a[r * cols + j];
      if (v !== 0) {
        colIdx[p] = j;
        values[p] = v;
        p++;
      }
    }
  }
  rowPtr[rows] = p;
  return { rows, cols, rowPtr, colIdx, values };
}

export function csrToDense(csr: Csr): Float32Array {
  const out = new Float32Array(csr.rows * csr.cols);
  for (let r = 0; r < csr.rows; r++) {
    for (let p = csr.rowPtr[r]; p < csr.rowPtr[r + 1]; p++) out[r * csr.cols + csr.colIdx[p]] = csr.values[p];
  }
  return out;
}

/** Row pointers (u32) + column indices (u32) + values (f32). */
export function csrBytes(rows: number, nnz: number): number {
  return 4 * (rows + 1) + 8 * nnz;
}

// ---- BSR ---------------------------------------------------------------------------------------

export interface Bsr {
  rows: number;
  cols: number;
  /** Block height and width. */
  br: number;
  bc: number;
  blockRowPtr: Uint32Array;
  blockColIdx: Uint32Array;
  /** br·bc values per stored block, row-major inside the block; parts outside the matrix are 0. */
  values: Float32Array;
}

/** Stores every br×bc block that holds at least one non-zero. */
export function denseToBsr(a: Float32Array, rows: number, cols: number, br: number, bc: number): Bsr {
  const blockRows = Math.ceil(rows / br);
  const blockCols = Math.ceil(cols / bc);
  const blockRowPtr = new Uint32Array(blockRows + 1);
  const colIdx: number[] = [];
  const vals: number[] = [];
  for (let I = 0; I < blockRows; I++) {
    blockRowPtr[I] = colIdx.length;
    for (let J = 0; J < blockCols; J++) {
      let any = false;
      for (let r = I * br; r < Math.min(rows, I * br + br) && !any; r++) {
        for (let c = J * bc; c < Math.min(cols, J * bc + bc); c++) {
          if (a[r * cols + c] !== 0) {
            any = true;
            break;
          }
        }
      }
      if (!any) continue;
      colIdx.push(J);
      for (let i = 0; i < br; i++) {
        for (let j = 0; j < bc; j++) {
          const r = I * br + i;
          const c = J * bc + j;
          vals.push(r < rows && c < cols ? a[r * cols + c] : 0);
        }
      }
    }
  }
  blockRowPtr[blockRows] = colIdx.length;
  return { rows, cols, br, bc, blockRowPtr, blockColIdx: Uint32Array.from(colIdx), values: Float32Array.from(vals) };
}

export function bsrToDense(bsr: Bsr): Float32Array {
  const { rows, cols, br, bc } = bsr;
  const out = new Float32Array(rows * cols);
  const blockRows = bsr.blockRowPtr.length - 1;
  for (let I = 0; I < blockRows; I++) {
    for (let p = bsr.blockRowPtr[I]; p < bsr.blockRowPtr[I + 1]; p++) {
      const J = bsr.blockColIdx[p];
      for (let i = 0; i < br; i++) {
        for (let j = 0; j < bc; j++) {
          const r = I * br + i;
          const c = J * bc + j;
          if (r < rows && c < cols) out[r * cols + c] = bsr.values[p * br * bc + i * bc + j];
        }
      }
    }
  }
  return out;
}

/** Number of br×bc blocks holding at least one non-zero (what BSR stores and computes). */
export function countNonEmptyBlocks(a: Float32Array, rows: number, cols: number, br: number, bc = br): number {
  const blockCols = Math.ceil(cols / bc);
  const seen = new Uint8Array(Math.ceil(rows / br) * blockCols);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / br) * blockCols;
    for (let c = 0; c < cols; c++) {
      if (a[r * cols + c] !== 0) {
        const k = base + Math.floor(c / bc);
        if (!seen[k]) {
          seen[k] = 1;
          count++;
        }
      }
    }
  }
  return count;
}

/** Block-row pointers + block-column indices (u32) + br·bc values (f32) per stored block. */
export function bsrBytes(rows: number, br: number, bc: number, blocks: number): number {
  return 4 * (Math.ceil(rows / br) + 1) + 4 * blocks + 4 * br * bc * blocks;
}

// ---- N:M compressed ----------------------------------------------------------------------------

export interface NMCompressed {
  rows: number;
  cols: number;
  n: number;
  m: number;
  /** Groups per row: ceil(cols / m). */
  groups: number;
  /** n slots per group, row-major by (row, group, slot); unused slots hold 0. */
  values: Float32Array;
  /** Position of each slot inside its group (0…m−1), one per value; unused slots point at 0. */
  indices: Uint8Array;
}

/** Compresses a matrix that satisfies the n:m constraint (throws otherwise). */
export function denseToNM(a: Float32Array, rows: number, cols: number, n: number, m: number): NMCompressed {
  const groups = Math.ceil(cols / m);
  const values = new Float32Array(rows * groups * n);
  const indices = new Uint8Array(rows * groups * n);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      let slot = 0;
      const base = (r * groups + g) * n;
      for (let j = 0; j < m && g * m + j < cols; j++) {
        const v = a[r * cols + g * m + j];
        if (v === 0) continue;
        if (slot === n) throw new Error(`row ${r}, group ${g} has more than ${n} non-zeros: not ${n}:${m} sparse`);
        values[base + slot] = v;
        indices[base + slot] = j;
        slot++;
      }
    }
  }
  return { rows, cols, n, m, groups, values, indices };
}

export function nmToDense(nm: NMCompressed): Float32Array {
  const out = new Float32Array(nm.rows * nm.cols);
  for (let r = 0; r < nm.rows; r++) {
    for (let g = 0; g < nm.groups; g++) {
      for (let s = 0; s < nm.n; s++) {
        const k = (r * nm.groups + g) * nm.n + s;
        if (nm.values[k] !== 0) out[r * nm.cols + g * nm.m + nm.indices[k]] = nm.values[k];
      }
    }
  }
  return out;
}

/**
 * Packs the slot indices 4 bits each, 8 to a u32 (what the N:M kernel reads). NVIDIA's 2:4
 * hardware format uses 2 bits per index; 4 bits keep the WGSL decode simple and allow m ≤ 16.
 */
export function packNibbles(indices: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(indices.length / 8));
  for (let i = 0; i < indices.length; i++) out[i >>> 3] |= (indices[i] & 0xf) << (4 * (i & 7));
  return out;
}

/** Values (f32) + 4-bit indices as stored by the kernel. */
export function nmBytes(rows: number, cols: number, n: number, m: number): number {
  const slots = rows * Math.ceil(cols / m) * n;
  return 4 * slots + 4 * Math.ceil(slots / 8);
}

/** The same with log2(m)-bit indices, as the hardware 2:4 format stores them. */
export function nmBytesHardware(rows: number, cols: number, n: number, m: number): number {
  const slots = rows * Math.ceil(cols / m) * n;
  return 4 * slots + Math.ceil((slots * Math.ceil(Math.log2(m))) / 8);
}

// ---- permutation that clusters non-zeros into fewer blocks ---------------------------------------

export interface ClusterPermutation {
  /** Row i of the permuted matrix is row rowPerm[i] of the original (same for columns). */
  rowPerm: Uint32Array;
  colPerm: Uint32Array;
  blocksBefore: number;
  blocksAfter: number;
  /** False when the greedy ordering found nothing better and the identity was kept. */
  improved: boolean;
}

/**
 * Greedy similarity ordering of the rows of a 0/1 pattern given as lists of "keys" per row (e.g.
 * column block indices): rows are packed into panels of `panel` rows, each panel started by the
 * heaviest remaining row and grown by the candidate adding the fewest keys not yet in the panel
 * (ties: more shared keys). Candidates are looked for among a window of rows pre-sorted by their
 * first key, so the cost stays O(rows·window·keys).
 */
function greedyPanels(keysOf: number[][], keySpace: number, panel: number, window = 96): Uint32Array {
  const rows = keysOf.length;
  const sorted = Array.from({ length: rows }, (_, i) => i).sort(
    (x, y) => (keysOf[x][0] ?? keySpace) - (keysOf[y][0] ?? keySpace) || keysOf[y].length - keysOf[x].length || x - y,
  );
  const placed = new Uint8Array(rows);
  const inPanel = new Uint8Array(keySpace);
  const panelKeys: number[] = [];
  const order: number[] = [];
  let cursor = 0; // first unplaced position in `sorted`
  while (order.length < rows) {
    // Start a panel with the heaviest unplaced row near the cursor.
    while (placed[sorted[cursor]]) cursor++;
    let start = -1;
    for (let s = cursor, seen = 0; s < rows && seen < window; s++) {
      if (placed[sorted[s]]) continue;
      seen++;
      if (start < 0 || keysOf[sorted[s]].length > keysOf[start].length) start = sorted[s];
    }
    for (const k of panelKeys) inPanel[k] = 0;
    panelKeys.length = 0;
    const add = (r: number) => {
      placed[r] = 1;
      order.push(r);
      for (const k of keysOf[r]) {
        if (!inPanel[k]) {
          inPanel[k] = 1;
          panelKeys.push(k);
        }
      }
    };
    add(start);
    for (let filled = 1; filled < panel && order.length < rows; filled++) {
      while (placed[sorted[cursor]]) cursor++;
      let best = -1;
      let bestNew = Infinity;
      let bestShared = -1;
      for (let s = cursor, seen = 0; s < rows && seen < window; s++) {
        const r = sorted[s];
        if (placed[r]) continue;
        seen++;
        let fresh = 0;
        for (const k of keysOf[r]) if (!inPanel[k]) fresh++;
        const shared = keysOf[r].length - fresh;
        if (fresh < bestNew || (fresh === bestNew && shared > bestShared)) {
          best = r;
          bestNew = fresh;
          bestShared = shared;
        }
      }
      add(best);
    }
  }
  return Uint32Array.from(order);
}

/**
 * A row and column permutation that gathers non-zeros into fewer b×b blocks (the idea of SMaT,
 * "Sparse Matrix Multiplication on Tensor cores", which reorders rows by similarity before BSR).
 * Columns are ordered first (panels of b columns grouped by the rows they touch), then rows
 * (panels of b rows grouped by the column blocks they touch). If the result has more blocks than
 * the original, the identity is returned.
 */
export function clusterPermutation(a: Float32Array, rows: number, cols: number, b: number): ClusterPermutation {
  const blocksBefore = countNonEmptyBlocks(a, rows, cols, b);
  // Columns: key = row index (exact), which groups columns with the same rows into one panel.
  const rowsOfCol: number[][] = Array.from({ length: cols }, () => []);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (a[r * cols + c] !== 0) rowsOfCol[c].push(r);
  const colPerm = greedyPanels(rowsOfCol, rows, b);
  const colPos = new Uint32Array(cols);
  for (let j = 0; j < cols; j++) colPos[colPerm[j]] = j;
  // Rows: key = column block in the new column order.
  const blocksOfRow: number[][] = Array.from({ length: rows }, () => []);
  for (let r = 0; r < rows; r++) {
    const set = new Set<number>();
    for (let c = 0; c < cols; c++) if (a[r * cols + c] !== 0) set.add(Math.floor(colPos[c] / b));
    blocksOfRow[r] = [...set].sort((x, y) => x - y);
  }
  const rowPerm = greedyPanels(blocksOfRow, Math.ceil(cols / b), b);
  const blocksAfter = countNonEmptyBlocks(permuteMatrix(a, rows, cols, rowPerm, colPerm), rows, cols, b);
  if (blocksAfter >= blocksBefore) {
    const id = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
    return { rowPerm: id(rows), colPerm: id(cols), blocksBefore, blocksAfter: blocksBefore, improved: false };
  }
  return { rowPerm, colPerm, blocksBefore, blocksAfter, improved: true };
}

/** out[perm[i]] rows = rowsIn[i]: undoes a row permutation of a rows × cols result. */
export function unpermuteRows<T extends Float32Array | Float64Array>(permuted: T, rows: number, cols: number, rowPerm: ArrayLike<number>): T {
  const out = new (permuted.constructor as { new (n: number): T })(rows * cols);
  for (let i = 0; i < rows; i++) out.set(permuted.subarray(i * cols, (i + 1) * cols), rowPerm[i] * cols);
  return out;
}

// ---- float64 reference SpMM --------------------------------------------------------------------

/**
 * C = A·B with A sparse (CSR, rows × K) and B dense (K × N), in float64, with Σ|a·b| per output
 * (for the float32 error bound γ_nnz(row)·Σ|a·b|). Float32 products are exact in float64.
 */
export function spmmReference(csr: Csr, b: Float32Array, n: number): { c: Float64Array; absSum: Float64Array } {
  const c = new Float64Array(csr.rows * n);
  const absSum = new Float64Array(csr.rows * n);
  for (let r = 0; r < csr.rows; r++) {
    for (let p = csr.rowPtr[r]; p < csr.rowPtr[r + 1]; p++) {
      const v = csr.values[p];
      const av = Math.abs(v);
      const rowB = csr.colIdx[p] * n;
      for (let j = 0; j < n; j++) {
        c[r * n + j] += v * b[rowB + j];
        absSum[r * n + j] += av * Math.abs(b[rowB + j]);
      }
    }
  }
  return { c, absSum };
}

// ---- one seeded problem, as every sparse kernel and the lab panel build it ----------------------

export type PatternName = 'random' | 'magnitude' | 'skewed' | 'block' | 'block-shuffled' | 'nm24' | 'nm14' | 'nm48';

/** The pattern described by a parameter set (density in percent, pattern name, block size). */
export function patternSpecOf(params: Record<string, unknown>): PatternSpec {
  const name = String(params.pattern ?? 'random') as PatternName;
  const density = Number(params.density ?? 10) / 100;
  const block = Number(params.block ?? 8);
  switch (name) {
    case 'nm24':
      return { kind: 'nm', density: 0.5, n: 2, m: 4 };
    case 'nm14':
      return { kind: 'nm', density: 0.25, n: 1, m: 4 };
    case 'nm48':
      return { kind: 'nm', density: 0.5, n: 4, m: 8 };
    case 'block':
    case 'block-shuffled':
      return { kind: name, density, block };
    default:
      return { kind: name, density };
  }
}

/** A (M×K, the pattern applied to non-zero uniform values) and B (K×N), both from the seed. */
export function makeSparseProblem(M: number, N: number, K: number, spec: PatternSpec, seed: number): { a: Float32Array; b: Float32Array } {
  const a = applyPattern(nonZeroUniformArray(M * K, deriveSeed(seed, 0)), M, K, spec, deriveSeed(seed, 1));
  const b = nonZeroUniformArray(K * N, deriveSeed(seed, 2));
  return { a, b };
}

/**
 * The density below which a sparse kernel beats dense, from (density, seconds) points and the
 * dense time: linear interpolation between the two measured densities that bracket the dense
 * time. +Infinity when sparse was faster at every density measured, −Infinity when never, null
 * when fewer than two points or the times cross more than once without a clean bracket.
 */
export function crossoverDensity(points: { density: number; seconds: number }[], denseSeconds: number): number | null {
  if (points.length < 2) return null;
  const sorted = [...points].sort((a, b) => a.density - b.density);
  if (sorted.every((p) => p.seconds <= denseSeconds)) return Infinity;
  if (sorted.every((p) => p.seconds > denseSeconds)) return -Infinity;
  // The highest density still faster than dense, followed by a slower one.
  for (let i = sorted.length - 1; i > 0; i--) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a.seconds <= denseSeconds && b.seconds > denseSeconds) {
      return a.density + ((denseSeconds - a.seconds) / (b.seconds - a.seconds)) * (b.density - a.density);
    }
  }
  return null;
}
