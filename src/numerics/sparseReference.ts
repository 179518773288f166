// The float64 reference product of a sparse A (CSR) and a dense B, with what the float32 error
// bound needs.
import type { Csr } from './sparseFormats';

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
