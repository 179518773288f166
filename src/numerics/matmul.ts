// Float64 references for C = A·B (A: M×K, B: K×N, C: M×N, all row-major).

/**
 * The exact-as-float64 product and, per output, Σ_k |a_ik·b_kj| (used for the float32 error
 * bound γ_K·Σ|a·b|). Inputs are float32 values, so each product is exact in float64 and the
 * float64 sum's own error (≤ γ_K in 2^-53 units) is negligible next to float32's.
 */
export function matmulReference(a: Float32Array, b: Float32Array, m: number, n: number, k: number): { c: Float64Array; absSum: Float64Array } {
  const c = new Float64Array(m * n);
  const absSum = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const rowC = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const absA = Math.abs(aip);
      const rowB = p * n;
      for (let j = 0; j < n; j++) {
        const bpj = b[rowB + j];
        c[rowC + j] += aip * bpj;
        absSum[rowC + j] += absA * Math.abs(bpj);
      }
    }
  }
  return { c, absSum };
}

/** What a float32 machine doing sequential multiply-then-add would return (no FMA). */
export function matmulFloat32Emulated(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  const c = new Float32Array(m * n);
  const acc = new Float32Array(n);
  const fr = Math.fround;
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const rowB = p * n;
      for (let j = 0; j < n; j++) acc[j] = fr(acc[j] + fr(aip * b[rowB + j]));
    }
    c.set(acc, i * n);
  }
  return c;
}

/** Copies a row-major rows×cols matrix into the top-left corner of a zero matrix rowsP×colsP. */
export function padMatrix(values: ArrayLike<number>, rows: number, cols: number, rowsP: number, colsP: number): Float32Array {
  const out = new Float32Array(rowsP * colsP);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) out[r * colsP + q] = values[r * cols + q];
  }
  return out;
}
