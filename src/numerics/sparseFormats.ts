// The storage formats the sparse kernels read — CSR, BSR and N:M compressed — with exact
// conversions both ways (see sparsePatterns.ts for why they round-trip bit-exactly) and the bytes
// each stores.
import { countNonZeros } from './sparseStats';

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
