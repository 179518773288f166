// Spatial-Mamba-style 2D demo (see src/numerics/spatialScan.ts): a unidirectional raster scan of
// the pixels, h_p = a_p·h_{p−1} + b_p, then structure-aware state fusion by a dilated depthwise 3×3
// convolution of the state map. Four dispatches: each row's total (Π a, state from 0) in parallel;
// one invocation walks the rows for their entering states; rows rescanned in parallel from their
// entering states; the fusion, one invocation per pixel.
// Bound: the scan bound with right-operand depth R = 4 (row total, row walk, rescan, margin),
// carried through the fusion, + γ_K·Σ|w·h| for its K taps.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { fusionTaps, parsePgm, receptiveField, resampleBilinear, spatialInputs, spatialInputsFromImage, spatialReference } from '../../numerics/spatialScan';
import { defineVariant, type Inputs } from '../define';
import { int, oneOf, paramSchema, type Decoded } from '../params';
import { checkBuffers, checkDispatch } from '../schema';
import { float32Input } from './common';
import type { PooledField, Reach, SpatialExtras } from './extras';

/** The Mandrill test image (USC-SIPI), 128×128 greyscale; see public/samples/README.md. */
export const SAMPLE_IMAGE = 'samples/mandrill-128.pgm';

const RIGHT_DEPTH = 4;

const schema = paramSchema({
  width: int('Image width (pixels)', 96, 4, 1024, { choices: [32, 96, 256, 512] }),
  height: int('Image height (pixels)', 96, 4, 1024, { choices: [32, 96, 256, 512] }),
  dilations: oneOf('Fusion dilations', '1,3,5', [
    ['1', '1 (plain 3×3)'],
    ['1,3', '1 and 3'],
    ['1,3,5', '1, 3 and 5 (as Spatial-Mamba)'],
  ]),
  image: oneOf('Image', 'mandrill', [
    ['mandrill', 'Mandrill photograph (public/samples)'],
    ['procedural', 'Procedural shapes (disc, bar, gradient)'],
  ]),
});

interface SpatialConfig {
  width: number;
  height: number;
  /** Dilations of the fused 3×3 taps. */
  dilations: number[];
  image: 'mandrill' | 'procedural';
  /** Pixels (= states) in the image. */
  pixels: number;
}

function config(v: Decoded<typeof schema.fields>): SpatialConfig {
  return { width: v.width, height: v.height, dilations: v.dilations.split(',').map(Number), image: v.image, pixels: v.width * v.height };
}

function header(cfg: SpatialConfig) {
  return `const W = ${cfg.width}u;\nconst H = ${cfg.height}u;\n`;
}

const A_PIXELS = readOnly('a', 'array<f32>', 'decays a_p, raster order');
const B_PIXELS = readOnly('b', 'array<f32>', 'inputs b_p, raster order');
const ROW_TOTALS = 'per row: (Π a, state from 0)';
const ROW_STATES = 'per row: the state entering it';
const ROW_TOTALS_BINDINGS = [A_PIXELS, B_PIXELS, readWrite('rowTotals', 'array<vec2f>', ROW_TOTALS)];
const WALK_ROWS_BINDINGS = [readOnly('rowTotals', 'array<vec2f>', ROW_TOTALS), readWrite('rowStates', 'array<f32>', ROW_STATES)];
const RESCAN_ROWS_BINDINGS = [A_PIXELS, B_PIXELS, readOnly('rowStates', 'array<f32>', ROW_STATES), readWrite('states', 'array<f32>', 'h_p, raster order')];
const FUSION_BINDINGS = [
  readOnly('states', 'array<f32>', 'h_p, raster order'),
  readWrite('fused', 'array<f32>', 'the fused states (the output), raster order'),
];

export function rowTotalsWgsl(cfg: SpatialConfig) {
  return /* wgsl */ `${header(cfg)}
${declareBindings(ROW_TOTALS_BINDINGS)}

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

export function walkRowsWgsl(cfg: SpatialConfig) {
  return /* wgsl */ `${header(cfg)}
${declareBindings(WALK_ROWS_BINDINGS)}

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

export function rescanRowsWgsl(cfg: SpatialConfig) {
  return /* wgsl */ `${header(cfg)}
${declareBindings(RESCAN_ROWS_BINDINGS)}

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

export function fusionWgsl(cfg: SpatialConfig) {
  const { dilations } = cfg;
  const taps = fusionTaps(dilations);
  const list = (f: (t: (typeof taps)[number]) => string) => taps.map(f).join(', ');
  return /* wgsl */ `${header(cfg)}
const TAPS = ${taps.length}u;
// Dilated 3×3 taps (offsets and weights), dilations ${dilations.join(', ')}.
const TAP_DX = array<i32, ${taps.length}>(${list((t) => `${t.dx}`)});
const TAP_DY = array<i32, ${taps.length}>(${list((t) => `${t.dy}`)});
const TAP_W = array<f32, ${taps.length}>(${list((t) => `${t.w}`)});

${declareBindings(FUSION_BINDINGS)}

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
function pool(field: ArrayLike<number>, width: number, height: number, side = 96): PooledField {
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

/** Pixels whose influence is at least 1% of the largest, and how many lie below the centre row. */
function reach(field: Float64Array, width: number, centreRow: number): Reach {
  let max = 0;
  for (const v of field) max = Math.max(max, v);
  let count = 0;
  let below = 0;
  for (let q = 0; q < field.length; q++) {
    if (field[q] >= 0.01 * max) {
      count++;
      if (Math.floor(q / width) > centreRow) below++;
    }
  }
  return { pixelsAbove1Percent: count, rowsBelowCentre: below };
}

/** The image's intensities, decays and inputs. */
function spatialInputsOf(inputs: Inputs) {
  return { image: float32Input(inputs, 'image'), a: float32Input(inputs, 'a'), b: float32Input(inputs, 'b') };
}

export const spatial = defineVariant({
  family: 'scan',
  id: 'spatial-mamba',
  label: 'Spatial-Mamba 2D demo: raster scan + dilated state fusion',
  summary:
    "A single unidirectional scan over an image's pixels, then a dilated depthwise 3×3 convolution of the state map " +
    '(structure-aware state fusion): the fusion lets each output reach pixels below and to the right that a raster scan never sees.',
  schema,
  config,
  limits: (cfg, caps) => [...checkDispatch(caps, [Math.ceil(cfg.width / 8), Math.ceil(cfg.height / 8)]), ...checkBuffers(caps, [['image', 4 * cfg.pixels]])],
  assets: (cfg) => (cfg.image === 'mandrill' ? [SAMPLE_IMAGE] : []),
  inputs: (cfg, _seed, assets) => {
    const { width, height } = cfg;
    let x = spatialInputs(width, height);
    if (cfg.image === 'mandrill') {
      const bytes = assets?.[SAMPLE_IMAGE];
      if (!bytes) throw new Error(`the sample image ${SAMPLE_IMAGE} was not loaded`);
      const pgm = parsePgm(bytes);
      x = spatialInputsFromImage(resampleBilinear(pgm.pixels, pgm.width, pgm.height, width, height));
    }
    return { image: x.image, a: x.a, b: x.b };
  },
  reference: (cfg, inputs) => {
    const ref = spatialReference(cfg.width, cfg.height, spatialInputsOf(inputs), cfg.dilations, RIGHT_DEPTH);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote: `scan bound (R = ${RIGHT_DEPTH}) through the fusion's ${fusionTaps(cfg.dilations).length} taps, + γ_K·Σ|w·h|`,
      rows: cfg.height,
      cols: cfg.width,
    };
  },
  noEmulationReason: 'no CPU float32 emulation of the raster scan and the fusion is written for this demo',
  plan: (cfg, inputs) => {
    const { width, height, pixels } = cfg;
    const rowGroups = Math.ceil(height / 64);
    return {
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'rowTotals', bytes: 8 * height, usage: 'storage' },
        { name: 'rowStates', bytes: 4 * height, usage: 'storage' },
        { name: 'states', bytes: 4 * pixels, usage: 'storage' },
        { name: 'fused', bytes: 4 * pixels, usage: 'storage' },
      ],
      dispatches: [
        { label: 'spatial: row totals', wgsl: rowTotalsWgsl(cfg), bindings: ROW_TOTALS_BINDINGS, workgroups: [rowGroups] },
        { label: 'spatial: walk rows', wgsl: walkRowsWgsl(cfg), bindings: WALK_ROWS_BINDINGS, workgroups: [1] },
        { label: 'spatial: rescan rows', wgsl: rescanRowsWgsl(cfg), bindings: RESCAN_ROWS_BINDINGS, workgroups: [rowGroups] },
        { label: 'spatial: dilated state fusion', wgsl: fusionWgsl(cfg), bindings: FUSION_BINDINGS, workgroups: [Math.ceil(width / 8), Math.ceil(height / 8)] },
      ],
      output: { buffer: 'fused', type: 'f32', count: pixels },
    };
  },
  work: (cfg) => ({ flops: cfg.pixels * (2 * 3 + 2 * 9 * cfg.dilations.length), bytes: 4 * cfg.pixels * 3 }),
  shape: (cfg) => `${cfg.width}×${cfg.height}, dilations ${cfg.dilations.join('/')}`,
  extras: (cfg, inputs, output): SpatialExtras => {
    const { width, height, dilations } = cfg;
    const { image, a } = spatialInputsOf(inputs);
    const px = Math.floor(width / 2);
    const py = Math.floor(height / 2);
    const scanOnly = receptiveField(width, height, a, px, py, null);
    const fused = receptiveField(width, height, a, px, py, dilations);
    return {
      family: 'scan',
      kind: 'spatial',
      centre: [px, py],
      image: pool(image, width, height),
      output: pool(output, width, height),
      receptiveScanOnly: pool(scanOnly, width, height),
      receptiveFused: pool(fused, width, height),
      reachScanOnly: reach(scanOnly, width, py),
      reachFused: reach(fused, width, py),
    };
  },
  // Rows are the chunks: row totals, a walk over rows, rows rescanned.
  dataflow: () => 'chunked',
  notes: () => [
    'The raster scan runs in rows (chunks): row totals, a walk over rows, rows rescanned; then the dilated fusion mixes neighbouring states in 2D.',
  ],
});
