// Pure geometry of a matmul kernel's work partition, for the tile visualiser: which workgroup and
// which invocation computes each output, and how often each input element is loaded. The partition
// itself is the variant's tiling facet (src/kernels/facets.ts); the unit tests check these helpers
// against the WGSL generators' layouts.
import type { Tiling } from '../../../kernels/facets';

export type { Tiling } from '../../../kernels/facets';

export interface Owner {
  /** Workgroup tile (row, column) and its id as WGSL sees it (x = column tile, y = row tile). */
  tileRow: number;
  tileCol: number;
  tx: number;
  ty: number;
  /** Position of this output inside the invocation's micro-tile. */
  i: number;
  j: number;
}

/** Which workgroup and invocation computes C[row][col]. */
export function ownerOf(t: Tiling, row: number, col: number): Owner {
  const tileRow = Math.floor(row / t.BM);
  const tileCol = Math.floor(col / t.BN);
  const r = row - tileRow * t.BM;
  const c = col - tileCol * t.BN;
  const ty = r % t.WY;
  const i = Math.floor(r / t.WY);
  if (t.layout === 'contiguous') {
    const quad = Math.floor(c / 4);
    const tx = quad % t.WX;
    const g = Math.floor(quad / t.WX);
    return { tileRow, tileCol, tx, ty, i, j: 4 * g + (c % 4) };
  }
  return { tileRow, tileCol, tx: c % t.WX, ty, i, j: Math.floor(c / t.WX) };
}

/** Every output C[row][col] one invocation computes (inside an M×N matrix). */
export function outputsOf(t: Tiling, o: Pick<Owner, 'tileRow' | 'tileCol' | 'tx' | 'ty'>, M: number, N: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < t.TM; i++) {
    const row = o.tileRow * t.BM + o.ty + i * t.WY;
    if (row >= M) continue;
    for (let j = 0; j < t.TN; j++) {
      const c = t.layout === 'contiguous' ? 4 * (o.tx + Math.floor(j / 4) * t.WX) + (j % 4) : o.tx + j * t.WX;
      const col = o.tileCol * t.BN + c;
      if (col < N) out.push([row, col]);
    }
  }
  return out;
}

export interface Reuse {
  /** How many workgroups load each element of A (once per tile column) and of B. */
  aWorkgroupLoads: number;
  bWorkgroupLoads: number;
  /** Multiply-adds each loaded register value feeds inside an invocation. */
  aRegisterUses: number;
  bRegisterUses: number;
  /** Loads an invocation issues per output (naive: 2K). */
  loadsPerOutput: number;
  naiveLoadsPerOutput: number;
  /** K-steps (panels staged) per workgroup, and barriers per workgroup. */
  kSteps: number;
  barriersPerWorkgroup: number;
  workgroups: number;
  invocationsPerWorkgroup: number;
}

export function reuseOf(t: Tiling, M: number, N: number, K: number): Reuse {
  const kSteps = Math.ceil(K / t.BK);
  return {
    aWorkgroupLoads: Math.ceil(N / t.BN),
    bWorkgroupLoads: Math.ceil(M / t.BM),
    aRegisterUses: t.TN,
    bRegisterUses: t.TM,
    loadsPerOutput: (K * (t.TM + t.TN)) / (t.TM * t.TN),
    naiveLoadsPerOutput: 2 * K,
    kSteps,
    barriersPerWorkgroup: t.staging === 'workgroup' ? 2 * kSteps : 0,
    workgroups: Math.ceil(M / t.BM) * Math.ceil(N / t.BN),
    invocationsPerWorkgroup: t.WX * t.WY,
  };
}
