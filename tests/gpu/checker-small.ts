// Small parameters for the checker's corpus: every workgroup of every dispatch can be interpreted
// in about a second, and the sizes are deliberately not multiples of the tiles, so edge
// workgroups (where bounds bugs live) are part of every run.
export const SMALL_PARAMS: Record<string, Record<string, number>> = {
  matmul: { M: 20, N: 24, K: 36, splits: 4, workgroups: 2, iters: 16, MiB: 1, steps: 8 },
  'matmul/gemv': { M: 2, N: 40, K: 300 },
  'matmul/splitk': { M: 20, N: 24, K: 520 },
  'matmul/reduce': { M: 3, N: 3, K: 700 },
  'matmul/reduce-subgroup': { M: 3, N: 3, K: 700 },
  quant: { M: 3, N: 40, K: 64, rows: 6, cols: 64 },
  sparse: { M: 40, N: 12, K: 48, workgroups: 4 },
  'sparse/sparse-to-dense': { M: 40, N: 8, K: 48 },
  'sparse/moe-grouped': { tokens: 45, hidden: 20, ffn: 12, experts: 5, tile: 8, tn: 4 },
  'sparse/spgemm-hash': { M: 30, N: 40, K: 36, density: 10, densityB: 20, table: 16, wg: 8 },
  scan: { channels: 2, length: 700, state: 4, chunk: 16, width: 12, height: 10 },
  'scan/s6-sequential': { channels: 3, state: 4, length: 70 },
  'scan/s6-chunked': { channels: 3, state: 4, length: 70, chunk: 16 },
  'scan/s6-chunkwise': { channels: 3, state: 4, length: 70, chunk: 16 },
  conv: { cin: 3, cout: 5, height: 9, width: 7, channels: 2, length: 100 },
  // Odd sizes: a block count and a rank that divide nothing.
  structured: {
    M: 20,
    N: 24,
    K: 36,
    batch: 5,
    n: 37,
    blocks: 5,
    rank: 3,
    nIn: 29,
    nOut: 23,
    a1: 3,
    a2: 4,
    b1: 5,
    b2: 3,
    tokens: 2,
    d: 7,
    m: 5,
    sketch: 13,
    nnz: 2,
    rows: 6,
    cols: 10,
    steps: 2,
  },
  'structured/matrix-sqrt': { n: 13 },
  'structured/sketch-gaussian': { n: 101 },
  'structured/sketch-countsketch': { n: 101 },
  'structured/sample-coordinated': { n: 101 },
  'structured/mlmc': { n: 101 },
};

/** The small parameters of a variant: its defaults with the family's and its own small sizes. */
export function smallParams(family: string, id: string, defaults: Record<string, number | string | boolean>): Record<string, number | string | boolean> {
  const out = { ...defaults };
  for (const table of [SMALL_PARAMS[family], SMALL_PARAMS[`${family}/${id}`]]) {
    for (const [k, v] of Object.entries(table ?? {})) if (k in out) out[k] = v;
  }
  return out;
}
