// Statistics of a sparse matrix (non-zeros per row, non-empty blocks, the N:M check, a spy-plot
// grid) and of a density sweep (where a sparse kernel overtakes dense).

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

/** A spy-plot grid of up to `maxSide`² cells, each the count of non-zeros of A it covers. */
export function spyGrid(a: Float32Array, rows: number, cols: number, maxSide = 256) {
  const cellRows = Math.max(1, Math.ceil(rows / maxSide));
  const cellCols = Math.max(1, Math.ceil(cols / maxSide));
  const gridRows = Math.ceil(rows / cellRows);
  const gridCols = Math.ceil(cols / cellCols);
  const counts = new Uint32Array(gridRows * gridCols);
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / cellRows) * gridCols;
    for (let c = 0; c < cols; c++) if (a[r * cols + c] !== 0) counts[base + Math.floor(c / cellCols)]++;
  }
  return { gridRows, gridCols, cellRows, cellCols, counts: Array.from(counts) };
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
