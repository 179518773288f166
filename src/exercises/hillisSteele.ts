// Hillis–Steele inclusive prefix sum of each row (length ≤ 256), one workgroup per row: log₂ 256
// steps, each adding the value `offset` places to the left, with a barrier between the reads and
// the writes of a step.
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { gamma } from '../numerics/metrics';
import { deriveSeed, uniformArray } from '../numerics/prng';
import { NO_EMULATION, TINY, matrixWhere, xToYPlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 256;

const BINDINGS = [
  readOnly('x', 'array<f32>', 'rows×length, row-major'),
  readWrite('y', 'array<f32>', 'rows×length: y[r][t] = x[r][0] + … + x[r][t]'),
  uniform('sizes', 'Sizes', 'rows, length (≤ 256)'),
];

const HEADER = `struct Sizes {
  rows : u32,
  length : u32,
}
${declareBindings(BINDINGS)}

var<workgroup> buf : array<f32, ${WG}>;`;

const starter = `${HEADER}

// One workgroup per row; invocation t owns element t of the row.
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
  let base = wid.x * sizes.length;
  var value = 0.0;
  if (t < sizes.length) {
    value = x[base + t];
  }
  buf[t] = value;
  workgroupBarrier();
  // TODO: log₂ ${WG} steps; in the step with offset d, element t adds element t − d.
  if (t < sizes.length) {
    y[base + t] = buf[t];
  }
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
  let base = wid.x * sizes.length;
  var value = 0.0;
  if (t < sizes.length) {
    value = x[base + t];
  }
  buf[t] = value;
  workgroupBarrier();
  for (var offset = 1u; offset < ${WG}u; offset = offset * 2u) {
    // Read this step's inputs…
    var sum = buf[t];
    if (t >= offset) {
      sum = sum + buf[t - offset];
    }
    // …and wait until everyone has read them before anyone overwrites them.
    workgroupBarrier();
    buf[t] = sum;
    workgroupBarrier();
  }
  if (t < sizes.length) {
    y[base + t] = buf[t];
  }
}
`;

const schema = paramSchema({ rows: int('rows', 3, 1, 65535), length: int('length (≤ 256)', 200, 1, WG) });

const harness = defineVariant({
  family: 'scan',
  id: 'exercise-hillis-steele',
  label: 'Exercise: Hillis–Steele prefix sum',
  summary: 'Inclusive prefix sum of each row, one workgroup per row.',
  schema,
  limits: ({ rows }, caps) => checkDispatch(caps, [rows]),
  inputs: ({ rows, length }, seed) => ({ x: uniformArray(rows * length, deriveSeed(seed, 0)), sizes: sizesUniform(rows, length) }),
  reference: ({ rows, length }, inputs) => {
    const x = inputs.x as Float32Array;
    const values = new Float64Array(rows * length);
    const bound = new Float64Array(rows * length);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let abs = 0;
      for (let t = 0; t < length; t++) {
        sum += x[r * length + t];
        abs += Math.abs(x[r * length + t]);
        values[r * length + t] = sum;
        // y_t is a sum of t + 1 numbers in some order (zeros added are exact): within γ_t·Σ|x|
        // (Higham §4.2), whatever tree the scan builds.
        bound[r * length + t] = gamma(Math.max(t, 1)) * abs + (t + 1) * TINY;
      }
    }
    return { values, bound, boundNote: 'y_t within γ_t·Σ_{s≤t}|x_s|: a sum of t + 1 numbers in any order', rows, cols: length };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ rows, length }, inputs) =>
    xToYPlan({ label: 'hillis-steele', wgsl: solution, bindings: BINDINGS, workgroups: [rows], inputs, count: rows * length }),
  work: ({ rows, length }) => ({ flops: rows * length * Math.log2(WG), bytes: 8 * rows * length }),
  shape: ({ rows, length }) => `${rows} rows × ${length}`,
  dataflow: () => 'hillis-steele',
});

export const hillisSteeleExercise: Exercise = {
  id: 'hillis-steele',
  title: 'Prefix sum, Hillis–Steele',
  level: 2,
  family: 'scan',
  teaches: 'A scan in log₂ n steps, and the two barriers of an in-place step: everyone reads, then everyone writes.',
  statement: [
    `Each row of x has length ≤ ${WG}. Write the inclusive prefix sum of every row: y[r][t] = x[r][0] + x[r][1] + … + x[r][t].`,
    `One workgroup of ${WG} handles one row; invocation t owns element t. Hillis–Steele: in the step with offset d = 1, 2, 4, … 128, element t adds element t − d (when t ≥ d). After log₂ ${WG} = 8 steps, element t holds the sum of elements 0…t.`,
  ],
  contract: {
    bindings: BINDINGS,
    output: 'y',
    workgroupSize: [WG, 1, 1],
    grid: 'rows × 1 × 1 workgroups (one per row)',
    notes: [`sizes.length ≤ ${WG}; row r starts at r·length in x and y.`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'Loop offset = 1, 2, 4, … while offset < 256; it has to run the same number of times in every invocation, because barriers are inside it.',
    'Within a step, read buf[t] and buf[t − offset] into a register, barrier, then write buf[t], barrier. Without the first barrier an invocation may overwrite a value a neighbour has not read yet.',
  ],
  solution,
  wrong: [
    {
      mistake: 'no barrier between the reads and the writes of a step',
      source: solution.replace('    // …and wait until everyone has read them before anyone overwrites them.\n    workgroupBarrier();\n', ''),
      verdict: 'hazard',
    },
  ],
  shapes: [
    { params: { rows: 1, length: 1 } },
    { params: { rows: 1, length: 256 } },
    { params: { rows: 3, length: 7 } },
    { params: { rows: 2, length: 200 } },
    { params: { rows: 5, length: 255 } },
  ],
  checkShape: { params: { rows: 2, length: 100 } },
  harness,
  where: (p, i) => matrixWhere('y', Number(p.length), i),
  shapeText: (p) => `${p.rows} rows × ${p.length}`,
  lessons: [{ lesson: 'parallel-scans', step: 2, why: 'Hillis–Steele’s dataflow: L·log₂ L combines in log₂ L steps' }],
};
