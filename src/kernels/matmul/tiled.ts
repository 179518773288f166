// Shared-memory tiled matmul: a T×T workgroup stages a T×T panel of A and of B in workgroup
// memory, so each element loaded from global memory is reused T times. The classic
// "tile size matters" lesson: global loads fall by a factor T, until occupancy and barriers bite.
import { defineVariant } from '../define';
import { int, paramSchema } from '../params';
import { checkDispatch, checkWorkgroup } from '../schema';
import { MATMUL_BINDINGS, MATMUL_BINDING_WGSL, MATMUL_SHAPE, matmulBufferProblems, matmulPlanBuffers, matmulShared, type MatmulShape } from './common';

export function tiledWgsl(M: number, N: number, K: number, T: number): string {
  return /* wgsl */ `
const M = ${M}u;
const N = ${N}u;
const K = ${K}u;
const T = ${T}u;

${MATMUL_BINDING_WGSL}

var<workgroup> tileA : array<f32, ${T * T}>;
var<workgroup> tileB : array<f32, ${T * T}>;

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < K; k0 += T) {
    // Each invocation stages one element of the A panel and one of the B panel (zero outside).
    let aCol = k0 + lid.x;
    var aValue = 0.0;
    if (row < M && aCol < K) {
      aValue = a[row * K + aCol];
    }
    tileA[lid.y * T + lid.x] = aValue;
    let bRow = k0 + lid.y;
    var bValue = 0.0;
    if (bRow < K && col < N) {
      bValue = b[bRow * N + col];
    }
    tileB[lid.y * T + lid.x] = bValue;
    workgroupBarrier();
    for (var k = 0u; k < T; k++) {
      acc += tileA[lid.y * T + k] * tileB[k * T + lid.x];
    }
    workgroupBarrier();
  }
  if (row < M && col < N) {
    c[row * N + col] = acc;
  }
}
`;
}

/** The default tile side, in one place. */
export const TILE_DEFAULT = 16;

const schema = paramSchema({
  ...MATMUL_SHAPE,
  tile: int('Tile size T (T×T invocations)', TILE_DEFAULT, 1, 32, { choices: [1, 2, 4, 8, 16, 32] }),
});

interface TiledConfig extends MatmulShape {
  tile: number;
  workgroups: [number, number];
}

export const tiled = defineVariant({
  ...matmulShared,
  id: 'tiled',
  label: 'Tiled (workgroup shared memory)',
  summary: 'A T×T workgroup loads T×T panels of A and B into shared memory and reuses each loaded element T times.',
  schema,
  config: (v): TiledConfig => ({ ...v, workgroups: [Math.ceil(v.N / v.tile), Math.ceil(v.M / v.tile)] }),
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [cfg.tile, cfg.tile, 1], 2 * cfg.tile * cfg.tile * 4, `tile ${cfg.tile}×${cfg.tile}`),
    ...checkDispatch(caps, cfg.workgroups),
    ...matmulBufferProblems(cfg, caps),
  ],
  plan: (cfg, inputs) => ({
    buffers: matmulPlanBuffers(cfg, inputs),
    dispatches: [{ label: `matmul tiled T${cfg.tile}`, wgsl: tiledWgsl(cfg.M, cfg.N, cfg.K, cfg.tile), bindings: MATMUL_BINDINGS, workgroups: cfg.workgroups }],
    output: { buffer: 'c', type: 'f32', count: cfg.M * cfg.N },
  }),
  tiling: (cfg) => ({ BM: cfg.tile, BN: cfg.tile, BK: cfg.tile, TM: 1, TN: 1, WX: cfg.tile, WY: cfg.tile, layout: 'strided', staging: 'workgroup' }),
  traffic: (cfg) => {
    const T = cfg.tile;
    const [tilesX, tilesY] = cfg.workgroups;
    const steps = Math.ceil(cfg.K / T);
    const workgroups = tilesX * tilesY;
    return {
      flops: 2 * (tilesY * T) * (tilesX * T) * steps * T,
      // Every workgroup stages T×T of A and of B per K-step.
      globalBytes: 4 * workgroups * steps * 2 * T * T + 4 * cfg.M * cfg.N,
      registerLoadBytes: 4 * 2 * (tilesY * T) * (tilesX * T) * steps * T,
      barriers: workgroups * steps * 2,
      invocationBarriers: workgroups * steps * 2 * T * T,
    };
  },
});
