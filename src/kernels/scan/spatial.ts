// Spatial-Mamba-style 2D demo (see src/numerics/spatialScan.ts): a unidirectional raster scan of
// the pixels, h_p = a_p·h_{p−1} + b_p, then structure-aware state fusion by a dilated depthwise 3×3
// convolution of the state map. Four dispatches: each row's total (Π a, state from 0) in parallel;
// one invocation walks the rows for their entering states; rows rescanned in parallel from their
// entering states; the fusion, one invocation per pixel.
// Bound: the scan bound with right-operand depth R = 4 (row total, row walk, rescan, margin),
// carried through the fusion, + γ_K·Σ|w·h| for its K taps.
import { fusionTaps, parsePgm, receptiveField, resampleBilinear, spatialInputs, spatialInputsFromImage, spatialReference } from '../../numerics/spatialScan';

/** The Mandrill test image (USC-SIPI), 128×128 greyscale; see public/samples/README.md. */
export const SAMPLE_IMAGE = 'samples/mandrill-128.pgm';
import { checkBuffers, checkDispatch, intParam } from '../schema';
import type { HostArray, KernelVariant, Params } from '../types';

const RIGHT_DEPTH = 4;

function config(params: Params) {
  const width = intParam(params, 'width');
  const height = intParam(params, 'height');
  const dilations = String(params.dilations ?? '1,3,5')
    .split(',')
    .map(Number);
  return { width, height, dilations };
}

function header(width: number, height: number) {
  return `const W = ${width}u;\nconst H = ${height}u;\n`;
}

export function rowTotalsWgsl(width: number, height: number) {
  return /* wgsl */ `${header(width, height)}
@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> rowTotals : array<vec2f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let row = gid.x;
  if (row >= H) {
    return;
  }
  var decay = 1.0; // Π a over the row
  var state = 0.0; // the state the row produces from 0
  for (var x = 0u; x < W; x++) {
    let p = row * W + x;
    state = a[p] * state + b[p];
    decay = decay * a[p];
  }
  rowTotals[row] = vec2f(decay, state);
}
`;
}

export function walkRowsWgsl(width: number, height: number) {
  return /* wgsl */ `${header(width, height)}
@group(0) @binding(0) var<storage, read> rowTotals : array<vec2f>;
@group(0) @binding(1) var<storage, read_write> rowStates : array<f32>;

@compute @workgroup_size(1)
fn main() {
  var state = 0.0;
  for (var row = 0u; row < H; row++) {
    rowStates[row] = state; // the state entering the row (the end of the row above)
    state = rowTotals[row].x * state + rowTotals[row].y;
  }
}
`;
}

export function rescanRowsWgsl(width: number, height: number) {
  return /* wgsl */ `${header(width, height)}
@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read> rowStates : array<f32>;
@group(0) @binding(3) var<storage, read_write> states : array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let row = gid.x;
  if (row >= H) {
    return;
  }
  var state = rowStates[row];
  for (var x = 0u; x < W; x++) {
    let p = row * W + x;
    state = a[p] * state + b[p];
    states[p] = state;
  }
}
`;
}

export function fusionWgsl(width: number, height: number, dilations: number[]) {
  const taps = fusionTaps(dilations);
  const list = (f: (t: (typeof taps)[number]) => string) => taps.map(f).join(', ');
  return /* wgsl */ `${header(width, height)}
const TAPS = ${taps.length}u;
// Dilated 3×3 taps (offsets and weights), dilations ${dilations.join(', ')}.
const TAP_DX = array<i32, ${taps.length}>(${list((t) => `${t.dx}`)});
const TAP_DY = array<i32, ${taps.length}>(${list((t) => `${t.dy}`)});
const TAP_W = array<f32, ${taps.length}>(${list((t) => `${t.w}`)});

@group(0) @binding(0) var<storage, read> states : array<f32>;
@group(0) @binding(1) var<storage, read_write> fused : array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  if (gid.x >= W || gid.y >= H) {
    return;
  }
  var sum = 0.0;
  for (var k = 0u; k < TAPS; k++) {
    let x = i32(gid.x) + TAP_DX[k];
    let y = i32(gid.y) + TAP_DY[k];
    if (x >= 0 && y >= 0 && x < i32(W) && y < i32(H)) {
      sum += TAP_W[k] * states[u32(y) * W + u32(x)];
    }
  }
  fused[gid.y * W + gid.x] = sum;
}
`;
}

/** Max-pools a H×W field to at most side×side cells (plain numbers for the view). */
function pool(field: ArrayLike<number>, width: number, height: number, side = 96) {
  const step = Math.max(1, Math.ceil(Math.max(width, height) / side));
  const w = Math.ceil(width / step);
  const h = Math.ceil(height / step);
  const out: number[][] = [];
  for (let r = 0; r < h; r++) {
    const row: number[] = [];
    for (let c = 0; c < w; c++) {
      let m = -Infinity;
      for (let y = r * step; y < Math.min(height, (r + 1) * step); y++)
        for (let x = c * step; x < Math.min(width, (c + 1) * step); x++) m = Math.max(m, field[y * width + x]);
      row.push(m);
    }
    out.push(row);
  }
  return { step, cells: out };
}

export const spatial: KernelVariant = {
  family: 'scan',
  id: 'spatial-mamba',
  label: 'Spatial-Mamba 2D demo: raster scan + dilated state fusion',
  summary:
    'A single unidirectional scan over an image\'s pixels, then a dilated depthwise 3×3 convolution of the state map ' +
    '(structure-aware state fusion): the fusion lets each output reach pixels below and to the right that a raster scan never sees.',
  params: [
    { key: 'width', label: 'Image width (pixels)', kind: 'int', default: 96, min: 4, max: 1024, choices: [32, 96, 256, 512] },
    { key: 'height', label: 'Image height (pixels)', kind: 'int', default: 96, min: 4, max: 1024, choices: [32, 96, 256, 512] },
    {
      key: 'dilations',
      label: 'Fusion dilations',
      kind: 'enum',
      default: '1,3,5',
      options: [
        { value: '1', label: '1 (plain 3×3)' },
        { value: '1,3', label: '1 and 3' },
        { value: '1,3,5', label: '1, 3 and 5 (as Spatial-Mamba)' },
      ],
    },
    {
      key: 'image',
      label: 'Image',
      kind: 'enum',
      default: 'mandrill',
      options: [
        { value: 'mandrill', label: 'Mandrill photograph (public/samples)' },
        { value: 'procedural', label: 'Procedural shapes (disc, bar, gradient)' },
      ],
    },
  ],
  checkLimits(params, caps) {
    const { width, height } = config(params);
    return [
      ...checkDispatch(caps, [Math.ceil(width / 8), Math.ceil(height / 8)]),
      ...checkBuffers(caps, [['image', 4 * width * height]]),
    ];
  },
  assets(params) {
    return params.image === 'mandrill' ? [SAMPLE_IMAGE] : [];
  },
  makeInputs(params, _seed, assets) {
    const { width, height } = config(params);
    let x = spatialInputs(width, height);
    if (params.image === 'mandrill') {
      const bytes = assets?.[SAMPLE_IMAGE];
      if (!bytes) throw new Error(`the sample image ${SAMPLE_IMAGE} was not loaded`);
      const pgm = parsePgm(bytes);
      x = spatialInputsFromImage(resampleBilinear(pgm.pixels, pgm.width, pgm.height, width, height));
    }
    return { image: x.image, a: x.a, b: x.b };
  },
  reference(params, inputs) {
    const { width, height, dilations } = config(params);
    const ref = spatialReference(width, height, inputs as never, dilations, RIGHT_DEPTH);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote: `scan bound (R = ${RIGHT_DEPTH}) through the fusion's ${fusionTaps(dilations).length} taps, + γ_K·Σ|w·h|`,
      rows: height,
      cols: width,
    };
  },
  plan(params, inputs) {
    const { width, height, dilations } = config(params);
    const n = width * height;
    return {
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'rowTotals', bytes: 8 * height, usage: 'storage' },
        { name: 'rowStates', bytes: 4 * height, usage: 'storage' },
        { name: 'states', bytes: 4 * n, usage: 'storage' },
        { name: 'fused', bytes: 4 * n, usage: 'storage' },
      ],
      dispatches: [
        { label: 'spatial: row totals', wgsl: rowTotalsWgsl(width, height), bindings: ['a', 'b', 'rowTotals'], workgroups: [Math.ceil(height / 64)] },
        { label: 'spatial: walk rows', wgsl: walkRowsWgsl(width, height), bindings: ['rowTotals', 'rowStates'], workgroups: [1] },
        { label: 'spatial: rescan rows', wgsl: rescanRowsWgsl(width, height), bindings: ['a', 'b', 'rowStates', 'states'], workgroups: [Math.ceil(height / 64)] },
        { label: 'spatial: dilated state fusion', wgsl: fusionWgsl(width, height, dilations), bindings: ['states', 'fused'], workgroups: [Math.ceil(width / 8), Math.ceil(height / 8)] },
      ],
      output: { buffer: 'fused', type: 'f32', count: n },
    };
  },
  work(params) {
    const { width, height, dilations } = config(params);
    const n = width * height;
    return { flops: n * (2 * 3 + 2 * 9 * dilations.length), bytes: 4 * n * 3 };
  },
  shapeLabel(params) {
    const { width, height, dilations } = config(params);
    return `${width}×${height}, dilations ${dilations.join('/')}`;
  },
  extras(params, inputs: Record<string, HostArray>, output) {
    const { width, height, dilations } = config(params);
    const px = Math.floor(width / 2);
    const py = Math.floor(height / 2);
    const scanOnly = receptiveField(width, height, inputs.a as Float32Array, px, py, null);
    const fused = receptiveField(width, height, inputs.a as Float32Array, px, py, dilations);
    const reach = (field: Float64Array) => {
      // Pixels whose influence is at least 1% of the largest.
      let max = 0;
      for (const v of field) max = Math.max(max, v);
      let count = 0;
      let below = 0;
      for (let q = 0; q < field.length; q++) {
        if (field[q] >= 0.01 * max) {
          count++;
          if (Math.floor(q / width) > py) below++;
        }
      }
      return { pixelsAbove1Percent: count, rowsBelowCentre: below };
    };
    return {
      kind: 'spatial',
      centre: [px, py],
      image: pool(inputs.image, width, height),
      output: pool(output, width, height),
      receptiveScanOnly: pool(scanOnly, width, height),
      receptiveFused: pool(fused, width, height),
      reachScanOnly: reach(scanOnly),
      reachFused: reach(fused),
    };
  },
};
