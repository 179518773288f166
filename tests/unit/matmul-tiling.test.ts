import { describe, expect, it } from 'vitest';
import { regBlockWgsl, type RegBlockConfig } from '../../src/kernels/matmul/regblock';
import { outputsOf, ownerOf, reuseOf } from '../../src/views/labs/matmul/tiling';
import { findVariant } from '../../src/kernels/registry';
import type { Params } from '../../src/kernels/types';

// Each variant's tiling facet (what the tile view draws).
const tilingFor = (variant: string, params: Params) => findVariant('matmul', variant)?.tiling?.(params) ?? null;

const CONFIGS: RegBlockConfig[] = [
  { BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false },
  { BM: 32, BN: 64, BK: 16, TM: 4, TN: 8, staging: 'workgroup', vec4: true },
  { BM: 16, BN: 32, BK: 4, TM: 2, TN: 4, staging: 'global', vec4: true },
];

describe('tile visualiser geometry', () => {
  for (const cfg of CONFIGS) {
    const name = `${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}${cfg.vec4 ? ' vec4' : ''}`;
    it(`${name}: every output has exactly one owner, and the owner computes it`, () => {
      const [M, N] = [2 * cfg.BM + 3, 2 * cfg.BN + 5];
      const t = tilingFor('regblock', { M, N, K: 9, ...cfg })!;
      for (let r = 0; r < M; r++) {
        for (let c = 0; c < N; c++) {
          const o = ownerOf(t, r, c);
          expect(o.tx).toBeLessThan(t.WX);
          expect(o.ty).toBeLessThan(t.WY);
          expect(o.i).toBeLessThan(t.TM);
          expect(o.j).toBeLessThan(t.TN);
          expect(outputsOf(t, o, M, N)).toContainEqual([r, c]);
        }
      }
      // Over all invocations of all workgroups, every output is computed exactly once.
      const seen = new Map<string, number>();
      for (let tileRow = 0; tileRow < Math.ceil(M / t.BM); tileRow++)
        for (let tileCol = 0; tileCol < Math.ceil(N / t.BN); tileCol++)
          for (let ty = 0; ty < t.WY; ty++)
            for (let tx = 0; tx < t.WX; tx++)
              for (const [r, c] of outputsOf(t, { tileRow, tileCol, tx, ty }, M, N)) seen.set(`${r},${c}`, (seen.get(`${r},${c}`) ?? 0) + 1);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(seen.size).toBe(M * N);
      // Interior tiles: TM·TN outputs per invocation, WX·WY invocations per workgroup.
      const interior = outputsOf(t, { tileRow: 0, tileCol: 0, tx: 1, ty: 1 }, M, N);
      expect(interior).toHaveLength(cfg.TM * cfg.TN);
      expect(t.WX * t.WY).toBe((cfg.BM / cfg.TM) * (cfg.BN / cfg.TN));
    });

    it(`${name}: matches the rows and columns written by the generated WGSL`, () => {
      const wgsl = regBlockWgsl({ M: 256, N: 256, K: 64 }, cfg, false);
      const t = tilingFor('regblock', { M: 256, N: 256, K: 64, ...cfg })!;
      // Invocation (tx, ty) = (1, 2) of workgroup (0, 0): rows from `let rowI = tileRow + lid.y + Xu`.
      const rowOffsets = [...wgsl.matchAll(/let row(\d+) = tileRow \+ lid\.y \+ (\d+)u;/g)].map((m) => Number(m[2]));
      const expectedRows = rowOffsets.map((off) => 2 + off);
      let expectedCols: number[];
      if (cfg.vec4) {
        const firsts = [...wgsl.matchAll(/let col(\d+) = tileCol \+ (\d+)u \+ 4u \* lid\.x;/g)].map((m) => Number(m[2]));
        expectedCols = firsts.flatMap((f) => [0, 1, 2, 3].map((e) => f + 4 * 1 + e));
      } else {
        expectedCols = [...wgsl.matchAll(/let col(\d+)_(\d+) = tileCol \+ (\d+)u \+ lid\.x;/g)].map((m) => Number(m[3]) + 1);
      }
      const outs = outputsOf(t, { tileRow: 0, tileCol: 0, tx: 1, ty: 2 }, 256, 256);
      expect(new Set(outs.map(([r]) => r))).toEqual(new Set(expectedRows));
      expect(new Set(outs.map(([, c]) => c))).toEqual(new Set(expectedCols));
    });
  }

  it('reuse counts follow the tiling', () => {
    const t = tilingFor('regblock', { M: 512, N: 512, K: 512, BM: 64, BN: 64, BK: 16, TM: 8, TN: 8, staging: 'workgroup', vec4: false })!;
    const r = reuseOf(t, 512, 512, 512);
    expect(r.aWorkgroupLoads).toBe(8);
    expect(r.bWorkgroupLoads).toBe(8);
    expect(r.aRegisterUses).toBe(8);
    expect(r.loadsPerOutput).toBe(128);
    expect(r.naiveLoadsPerOutput).toBe(1024);
    expect(r.barriersPerWorkgroup).toBe(64);
    expect(r.workgroups).toBe(64);
    const naive = reuseOf(tilingFor('naive', { M: 512, N: 512, K: 512, wg: 8 })!, 512, 512, 512);
    expect(naive.loadsPerOutput).toBe(naive.naiveLoadsPerOutput);
    expect(tilingFor('roofline-fma', {})).toBeNull();
  });
});
