// Indirect convolution (Dukhan, "The Indirect Convolution Algorithm", 2019): instead of copying
// each output pixel's inputs into a column matrix, keep an indirection buffer of R·S pointers per
// output pixel — the offset of the input pixel each kernel tap reads — and let the GEMM
// micro-kernel load A(m, (tap, c)) = x[ptr[m][tap] + c·stride]. The buffer costs R·S words per
// output pixel instead of C·R·S values, so the saving grows with the number of input channels.
// It depends only on the shape, so it is built once on the host (as XNNPACK builds it once per
// input size) and uploaded with the inputs.
//   NHWC (the paper's layout): channel stride 1; taps in the padding point at one shared row of
//         C zeros stored past the image, so the inner loop has no test at all;
//   NCHW: channel stride H·W, and no single row of zeros can stand for a padded pixel, so padded
//         taps hold a marker and their loads are masked to zero (one multiply per load).
import { readOnly, readWrite } from '../../gpu/bindings';
import { indirectionBuffer, inputCount, outputCount, PADDED_TAP, type Conv2dDims } from '../../numerics/conv2d';
import { paramSchema } from '../params';
import {
  baseBuffers,
  bytesOf,
  CONV2D_SHAPE,
  conv2dConfig,
  conv2dExtras,
  directBaseline,
  conv2dFlops,
  conv2dProblems,
  conv2dShared,
  shapeConstants,
} from './common2d';
import { convMemory, defineConvVariant } from './facet';
import { GEMM_TILE, gemmGrid, gemmTileProblems, pickTile, type GemmTile } from './gemm';
import { microKernelWgsl } from './microkernel';

interface IndirectConfig extends Conv2dDims {
  tile: GemmTile;
  MP: number;
}

function bindingsOf(d: Conv2dDims) {
  return [
    readOnly('ind', 'array<u32>', 'indirection buffer: R·S input offsets per output pixel'),
    readOnly('x', 'array<f32>', d.layout === 'nhwc' ? 'input NHWC, then one row of C zeros (the padding pixel)' : 'input NCHW'),
    readOnly('w', 'array<f32>', d.layout === 'nhwc' ? 'filter HWIO = (R·S·C) × Cout' : 'filter OIHW = Cout × (C·R·S)'),
    readWrite('y', 'array<f32>', d.layout === 'nhwc' ? 'output NHWC' : 'output NCHW'),
  ];
}

export function indirectWgsl(d: IndirectConfig): string {
  const constants = `${shapeConstants(d)}\nconst TAPS = ${d.taps}u; // R·S pointers per output pixel\nconst P = ${d.pixels}u;\nconst DEPTH = ${d.depth}u;`;
  if (d.layout === 'nhwc') {
    return microKernelWgsl({
      title: 'indirect convolution, NHWC',
      constants,
      bindings: bindingsOf(d),
      M: d.MP,
      N: d.cout,
      tile: d.tile,
      rowSetup: (i) => [`let ptrRow${i} = m${i} * TAPS;`],
      loops: [
        {
          head: 'for (var tap = 0u; tap < TAPS; tap++)',
          shared: ['let wTap = tap * CIN;'],
          perRow: (i) => [`let p${i} = ind[ptrRow${i} + tap]; // first channel of the pixel this tap reads, or the zero row`],
        },
        { head: 'for (var c = 0u; c < CIN; c++)', shared: ['let bRow = (wTap + c) * COUT;'] },
      ],
      aValue: (i) => `x[p${i} + c]`,
      bIndex: (col) => `bRow + ${col}`,
      store: (i, col, value) => `y[row${i} * COUT + ${col}] = ${value};`,
    });
  }
  return microKernelWgsl({
    title: 'indirect convolution, NCHW',
    constants: `${constants}\nconst PLANE = ${d.height * d.width}u; // H·W: the distance between a pixel's channels\nconst PADDED_TAP = ${PADDED_TAP}u;`,
    bindings: bindingsOf(d),
    M: d.MP,
    N: d.cout,
    tile: d.tile,
    rowSetup: (i) => [`let ptrRow${i} = m${i} * TAPS;`, `let b${i} = m${i} / P;`, `let pix${i} = m${i} % P;`],
    loops: [
      {
        head: 'for (var tap = 0u; tap < TAPS; tap++)',
        perRow: (i) => [
          `let p${i} = ind[ptrRow${i} + tap]; // channel 0 of the pixel this tap reads, or PADDED_TAP`,
          `let inside${i} = p${i} != PADDED_TAP;`,
          `let base${i} = select(0u, p${i}, inside${i});`,
          `let mask${i} = select(0.0, 1.0, inside${i}); // padded taps load zeros`,
        ],
      },
      { head: 'for (var c = 0u; c < CIN; c++)', shared: ['let k = c * TAPS + tap; // OIHW position of (c, r, s)'] },
    ],
    aValue: (i) => `x[base${i} + c * PLANE] * mask${i}`,
    bIndex: (col) => `${col} * DEPTH + k`,
    store: (i, col, value) => `y[(b${i} * COUT + ${col}) * P + pix${i}] = ${value};`,
  });
}

const memoryOf = (d: IndirectConfig) => {
  const [x, w, y] = baseBuffers(d);
  const ind = {
    name: 'ind',
    bytes: 4 * d.MP * d.taps,
    role: 'table' as const,
    what: `indirection buffer, ${d.taps} pointer${d.taps === 1 ? '' : 's'} per output pixel`,
  };
  if (d.layout === 'nchw')
    return convMemory([x, w, y, ind], [{ pass: 'GEMM through the indirection buffer', readBytes: ind.bytes + x.bytes + w.bytes, writeBytes: y.bytes }]);
  const zero = {
    name: 'zero row',
    bytes: bytesOf(d.cin),
    role: 'table' as const,
    what: 'the padding pixel every padded tap points at (stored after the input in x)',
  };
  return convMemory(
    [x, w, y, ind, zero],
    [{ pass: 'GEMM through the indirection buffer', readBytes: ind.bytes + x.bytes + zero.bytes + w.bytes, writeBytes: y.bytes }],
  );
};

export const indirect = defineConvVariant(
  {
    ...conv2dShared,
    id: 'indirect',
    label: 'Indirect convolution (indirection buffer)',
    summary: 'An indirection buffer of R·S pointers per output pixel feeds a register-blocked GEMM micro-kernel straight from the input: no column matrix.',
    schema: paramSchema({ ...CONV2D_SHAPE, ...GEMM_TILE }),
    config: (v): IndirectConfig => {
      const d = conv2dConfig(v);
      return { ...d, tile: pickTile(v), MP: d.batch * d.pixels };
    },
    limits: (d, caps) => [...conv2dProblems(d, caps, memoryOf(d)), ...gemmTileProblems(d.tile, caps, d.MP, d.cout)],
    plan: (d, inputs) => {
      // NHWC: the input followed by its row of zeros; NCHW: the input as it is.
      const withZeros = new Float32Array(inputCount(d) + (d.layout === 'nhwc' ? d.cin : 0));
      withZeros.set(inputs.x as Float32Array);
      return {
        buffers: [
          { name: 'ind', data: indirectionBuffer(d), usage: 'storage' },
          { name: 'x', data: withZeros, usage: 'storage' },
          { name: 'w', data: inputs.w, usage: 'storage' },
          { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
        ],
        dispatches: [
          {
            label: `conv indirect ${d.layout} ${d.tile.BM}x${d.tile.BN} t${d.tile.TM}x${d.tile.TN}`,
            wgsl: indirectWgsl(d),
            bindings: bindingsOf(d),
            workgroups: gemmGrid(d.tile, d.MP, d.cout),
          },
        ],
        output: { buffer: 'y', type: 'f32', count: outputCount(d) },
      };
    },
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: (d) => [`${d.taps} pointers per output pixel instead of ${d.depth} copied values: ${d.cin}× less workspace than im2col.`],
  },
  { dims: '2d', picture: 'indirection', memory: memoryOf },
);
