// What the structured family's variants share: the dense products they run through the matmul
// lab's register-blocked kernel (regBlockWgsl), a 1D grid that folds into two dimensions, the
// batch field, and the pieces of a "layer" (Y = X·Wᵀ for a batch of vectors x): its inputs, its
// reference with the staged float32 bound, its CPU emulation and its work model.
import { stagedFloat32, stagedReference, costOf, dimsOf, type Structure } from '../../numerics/structured';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { REGBLOCK_DEFAULT, regBlockBindings, regBlockWgsl, type RegBlockConfig } from '../matmul/regblock';
import type { Inputs } from '../define';
import { int } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import type { BaselineRef } from '../facets';
import type { BufferSpec, DeviceCaps, DispatchSpec, ReferenceResult, WorkModel } from '../types';

export const FAMILY = 'structured' as const;

/** Invocations per workgroup of the family's own 1D kernels. */
export const WG = 64;

export const BATCH = int('Batch (vectors x, one per row of X)', 64, 1, 4096, {
  choices: [1, 8, 64, 256, 1024],
  help: 'Each of the batch vectors is multiplied by W; rows of X and Y.',
});

// ---- dense products through the register-blocked base kernel -----------------------------------

/**
 * The register-blocked configuration for an M×N output: the matmul lab's default (64×64 tiles,
 * 8×8 micro-tiles, global staging) for large outputs, smaller tiles for thin ones so a rank-7
 * factor does not compute a 64-wide tile of padding.
 */
export function fitRegBlock(M: number, N: number): RegBlockConfig {
  const side = (x: number) => (x >= 64 ? 64 : x >= 32 ? 32 : 16);
  const BM = side(M);
  const BN = side(N);
  return { ...REGBLOCK_DEFAULT, BM, BN, TM: BM === 64 ? REGBLOCK_DEFAULT.TM : 4, TN: BN === 64 ? REGBLOCK_DEFAULT.TN : 4 };
}

/**
 * One dispatch of C = A·B (A: M×K, B: K×N, C: M×N, row-major) with the matmul lab's
 * register-blocked kernel, reading and writing the named plan buffers: the kernel's own bindings
 * (a, b, c, as its WGSL declares them), each pointed at a buffer of this plan.
 */
export function denseProduct(
  label: string,
  shape: { M: number; N: number; K: number },
  buffers: { a: string; b: string; c: string },
  cfg = fitRegBlock(shape.M, shape.N),
): DispatchSpec {
  return {
    label: `${label} (register-blocked ${cfg.BM}×${cfg.BN})`,
    wgsl: regBlockWgsl(shape, cfg, false),
    bindings: regBlockBindings(cfg.vec4).map((b) => ({ ...b, buffer: buffers[b.name as 'a' | 'b' | 'c'] })),
    workgroups: [Math.ceil(shape.N / cfg.BN), Math.ceil(shape.M / cfg.BM)],
  };
}

// ---- a 1D range of items over a 2D grid --------------------------------------------------------

/** Workgroups for `items` items at `perGroup` per workgroup, folded so no axis exceeds the device limit. */
export function grid(items: number, perGroup: number, caps: DeviceCaps): { workgroups: [number, number]; gridX: number } {
  const groups = Math.max(1, Math.ceil(items / perGroup));
  const limit = caps.limits.maxComputeWorkgroupsPerDimension;
  const gridX = Math.min(groups, limit);
  return { workgroups: [gridX, Math.ceil(groups / gridX)], gridX };
}

export function gridProblems(items: number, perGroup: number, caps: DeviceCaps, what: string): string[] {
  const groups = Math.max(1, Math.ceil(items / perGroup));
  const limit = caps.limits.maxComputeWorkgroupsPerDimension;
  return checkDispatch(caps, [Math.min(groups, limit), Math.ceil(groups / limit)], what);
}

// ---- layers: Y = X·Wᵀ --------------------------------------------------------------------------

export function layerX(batch: number, nIn: number, seed: number): Float32Array {
  return uniformArray(batch * nIn, deriveSeed(seed, 0));
}

/** The float64 truth of Y = X·Wᵀ for the structure's float32 factors, with the staged bound. */
export function layerReference(s: Structure, x: ArrayLike<number>, batch: number): ReferenceResult {
  const { values, bound } = stagedReference(s, x, batch);
  return {
    values,
    bound,
    boundNote:
      'each stage is a float32 dot product of known length k: |error| ≤ |W|·e + γ_k·|W|·(|in| + e), carried through the stages (e = the error coming in)',
    rows: batch,
    cols: dimsOf(s).nOut,
  };
}

export function layerEmulate(s: Structure, x: ArrayLike<number>, batch: number): Float32Array {
  return stagedFloat32(s, x, batch);
}

/** Flops of the structured product (2 per multiply-add) and its compulsory bytes. */
export function layerWork(s: Structure, batch: number): WorkModel {
  const { params, macsPerVector } = costOf(s);
  const { nIn, nOut } = dimsOf(s);
  return { flops: 2 * batch * macsPerVector, bytes: 4 * (params + batch * (nIn + nOut)) };
}

/** The dense baseline of the same layer: Y = X·Wᵀ as a batch×n_in by n_in×n_out product. */
export function layerBaseline(batch: number, nIn: number, nOut: number): BaselineRef {
  return { variant: 'dense', params: { M: batch, K: nIn, N: nOut } };
}

export function layerBufferProblems(caps: DeviceCaps, buffers: [string, number][]): string[] {
  return checkBuffers(caps, buffers);
}

/** A storage buffer holding data (at least 4 bytes: WebGPU refuses empty bindings). */
export function dataBuffer(name: string, data: Float32Array | Uint32Array): BufferSpec {
  return data.length > 0 ? { name, data, usage: 'storage' } : { name, bytes: 4, usage: 'storage' };
}

export function scratchBuffer(name: string, floats: number): BufferSpec {
  return { name, bytes: 4 * Math.max(1, floats), usage: 'storage' };
}

export type { Inputs };
