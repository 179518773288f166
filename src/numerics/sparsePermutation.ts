// Row and column permutations of a sparse matrix: applying and undoing them, and a greedy
// permutation that clusters non-zeros into fewer blocks (what BSR stores and computes).
import { countNonEmptyBlocks } from './sparseStats';

/** Applies row and column permutations: out[i][j] = a[rowPerm[i]][colPerm[j]]. */
export function permuteMatrix(a: Float32Array, rows: number, cols: number, rowPerm: ArrayLike<number>, colPerm: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const src = rowPerm[i] * cols;
    for (let j = 0; j < cols; j++) out[i * cols + j] = a[src + colPerm[j]];
  }
  return out;
}

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
