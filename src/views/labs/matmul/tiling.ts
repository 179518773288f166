// Pure geometry of the matmul kernels' work partition, for the tile visualiser: which workgroup
// and which invocation computes each output, and how often each input element is loaded.
// Mirrors the WGSL generators in src/kernels/matmul (regblock.ts, tiled.ts, naive.ts, gemv.ts,
// splitk.ts); the unit tests check it against their layouts.
import type { Params } from '../../../kernels/types';

export interface Tiling {
  /** Output tile of one workgroup. */
  BM: number;
  BN: number;
  /** K-step: how much of K is staged at once (1 when nothing is staged). */
  BK: number;
  /** Outputs per invocation. */
  TM: number;
  TN: number;
  /** Invocations per workgroup along columns (x) and rows (y). */
  WX: number;
  WY: number;
  /** 'strided': columns tx + j·WX; 'contiguous': four adjacent columns per vec4 group. */
  layout: 'strided' | 'contiguous';
  /** Where the K-step's panels live: workgroup memory, or read straight from global memory. */
  staging: 'workgroup' | 'global';
}

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

const num = (p: Params, k: string, d: number) => (typeof p[k] === 'number' ? (p[k] as number) : d);

/** The partition a variant uses, or null for variants without a 2D output tiling. */
export function tilingFor(variant: string, params: Params): Tiling | null {
  switch (variant) {
    case 'naive': {
      const wg = num(params, 'wg', 8);
      return { BM: wg, BN: wg, BK: 1, TM: 1, TN: 1, WX: wg, WY: wg, layout: 'strided', staging: 'global' };
    }
    case 'tiled': {
      const T = num(params, 'tile', 16);
      return { BM: T, BN: T, BK: T, TM: 1, TN: 1, WX: T, WY: T, layout: 'strided', staging: 'workgroup' };
    }
    case 'regblock':
    case 'regblock-exact': {
      const BM = num(params, 'BM', 64);
      const BN = num(params, 'BN', 64);
      const TM = num(params, 'TM', 8);
      const TN = num(params, 'TN', 8);
      const staging = params.staging === 'workgroup' ? 'workgroup' : 'global';
      return {
        BM,
        BN,
        BK: staging === 'workgroup' ? num(params, 'BK', 8) : 1,
        TM,
        TN,
        WX: Math.max(1, Math.floor(BN / TN)),
        WY: Math.max(1, Math.floor(BM / TM)),
        layout: params.vec4 === true ? 'contiguous' : 'strided',
        staging,
      };
    }
    case 'gemv': {
      const M = num(params, 'M', 1);
      const wg = num(params, 'wg', 64);
      const cpi = num(params, 'cpi', 8);
      return { BM: M, BN: wg * cpi, BK: 1, TM: M, TN: cpi, WX: wg, WY: 1, layout: 'strided', staging: 'global' };
    }
    case 'splitk':
    case 'f16-acc16':
    case 'f16-acc32':
      return { BM: 32, BN: 32, BK: 1, TM: 4, TN: 4, WX: 8, WY: 8, layout: 'strided', staging: 'global' };
    default:
      return null;
  }
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
