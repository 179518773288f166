// A 1×1 convolution with stride 1 and no padding is a matrix product with no copy at all:
//   NHWC: the input already is a (B·H·W) × C matrix and the HWIO filter a C × Cout one;
//   NCHW, one image: Y (Cout × H·W) = W (Cout × C) · X (C × H·W).
// The matmul lab's register-blocked GEMM runs on the buffers as they are. Anything else (a larger
// kernel, a stride, padding, or NCHW with a batch, whose images are separate products) is refused
// with the reason: it is not a plain GEMM of the input.
import { outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { paramSchema } from '../params';
import { baseBuffers, CONV2D_SHAPE, conv2dConfig, conv2dExtras, directBaseline, conv2dFlops, conv2dProblems, conv2dShared } from './common2d';
import { convMemory, defineConvVariant } from './facet';
import { GEMM_TILE, gemmGrid, gemmTileProblems, matmulLabBindings, matmulLabGemm, pickTile, type GemmTile } from './gemm';

interface OneByOneConfig extends Conv2dDims {
  tile: GemmTile;
}

/** Why this shape is not a plain GEMM of the input (empty when it is). */
export function notPlainGemm(d: Conv2dDims): string[] {
  const why: string[] = [];
  if (d.kernel !== 1)
    why.push(
      `a ${d.kernel}×${d.kernel} kernel reads ${d.taps} pixels per output: that needs im2col, an indirection buffer or Im2win; 1×1 as a GEMM needs kernel size 1`,
    );
  if (d.stride !== 1) why.push(`stride ${d.stride} skips input pixels, so the input is not the GEMM operand as it lies; 1×1 as a GEMM needs stride 1`);
  if (d.pad !== 0) why.push(`padding ${d.pad} adds zero pixels that are not in the input buffer; 1×1 as a GEMM needs padding 0`);
  if (d.layout === 'nchw' && d.batch > 1) why.push(`in NCHW each image is its own product W·X_b (the images' pixels are not one matrix); use NHWC or batch 1`);
  return why;
}

function gemmOf(d: OneByOneConfig) {
  const HW = d.height * d.width;
  return d.layout === 'nhwc'
    ? {
        shape: { M: d.batch * HW, N: d.cout, K: d.cin },
        // A = the NHWC input as (B·H·W) × C, B = the filter C × Cout, C = the NHWC output
        bindings: matmulLabBindings('x', 'w', 'y'),
      }
    : {
        shape: { M: d.cout, N: HW, K: d.cin },
        // A = the filter Cout × C, B = the NCHW image as C × (H·W), C = the NCHW output
        bindings: matmulLabBindings('w', 'x', 'y'),
      };
}

const memoryOf = (d: Conv2dDims) => {
  const [x, w, y] = baseBuffers(d);
  return convMemory([x, w, y], [{ pass: 'GEMM on the input as it lies', readBytes: x.bytes + w.bytes, writeBytes: y.bytes }]);
};

export const gemm1x1 = defineConvVariant(
  {
    ...conv2dShared,
    id: 'gemm-1x1',
    label: '1×1 as a plain GEMM',
    summary: 'A 1×1, stride-1, unpadded convolution is a matrix product of the input as it lies with the filter: the matmul lab’s GEMM, no copy.',
    schema: paramSchema({ ...CONV2D_SHAPE, kernel: { ...CONV2D_SHAPE.kernel, default: 1 }, pad: { ...CONV2D_SHAPE.pad, default: 0 }, ...GEMM_TILE }),
    config: (v): OneByOneConfig => ({ ...conv2dConfig(v), tile: pickTile(v) }),
    limits: (d, caps) => {
      const why = notPlainGemm(d);
      if (why.length) return why;
      const { shape } = gemmOf(d);
      return [...conv2dProblems(d, caps, memoryOf(d)), ...gemmTileProblems(d.tile, caps, shape.M, shape.N)];
    },
    plan: (d, inputs) => {
      const { shape, bindings } = gemmOf(d);
      return {
        buffers: [
          { name: 'x', data: inputs.x, usage: 'storage' },
          { name: 'w', data: inputs.w, usage: 'storage' },
          { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
        ],
        dispatches: [
          {
            label: `conv 1x1 GEMM ${shape.M}×${shape.N}×${shape.K}`,
            wgsl: matmulLabGemm(shape, d.tile),
            bindings,
            workgroups: gemmGrid(d.tile, shape.M, shape.N),
          },
        ],
        output: { buffer: 'y', type: 'f32', count: outputCount(d) },
      };
    },
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: () => ['No copy and no pointers: the input buffer is the GEMM operand.'],
  },
  { dims: '2d', picture: 'gemm-view', memory: memoryOf },
);
