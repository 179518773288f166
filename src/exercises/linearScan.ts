// The linear recurrence of state-space models, h_t = a_t·h_{t−1} + b_t, scanned in parallel: the
// pairs (a, b) combine associatively, (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂), so a workgroup
// can scan a channel of length ≤ 256 in log₂ 256 Hillis–Steele steps. Inputs, reference and bound
// are the scan lab's (src/numerics/scan.ts).
import { declareBindings, readOnly, readWrite, uniform } from '../gpu/bindings';
import { defineVariant } from '../kernels/define';
import { int, paramSchema } from '../kernels/params';
import { checkDispatch } from '../kernels/schema';
import { linearScanInputs, linearScanReference } from '../numerics/scan';
import { NO_EMULATION, onePlan, sizesUniform } from './harness';
import type { Exercise } from './types';

const WG = 256;
/**
 * The bound's R (numerics/scan.ts): how often a term can be the right operand of ∘. 17 covers
 * any scan tree of depth ≤ 17 over 256 elements — Hillis–Steele has depth 8, Blelloch 16, the
 * sequential loop 1.
 */
const RIGHT_DEPTH = 17;

const BINDINGS = [
  readOnly('a', 'array<f32>', 'channels×length decays a_t, channel-major'),
  readOnly('b', 'array<f32>', 'channels×length inputs b_t, channel-major'),
  readWrite('h', 'array<f32>', 'channels×length states: h_t = a_t·h_{t−1} + b_t, h_{−1} = 0'),
  uniform('sizes', 'Sizes', 'channels, length (≤ 256)'),
];

const HEADER = `struct Sizes {
  channels : u32,
  length : u32,
}
${declareBindings(BINDINGS)}

// Element t holds the pair (A, B) that maps h_{start−1} to h_t for some start ≤ t.
var<workgroup> pairA : array<f32, ${WG}>;
var<workgroup> pairB : array<f32, ${WG}>;`;

const LOAD = `  let base = wid.x * sizes.length;
  // Past the end: the identity pair (1, 0), which changes nothing it is combined with.
  var A = 1.0;
  var B = 0.0;
  if (t < sizes.length) {
    A = a[base + t];
    B = b[base + t];
  }
  pairA[t] = A;
  pairB[t] = B;
  workgroupBarrier();`;

const starter = `${HEADER}

// One workgroup per channel; invocation t owns step t.
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
${LOAD}
  // TODO: log₂ ${WG} steps; in the step with offset d, combine the pair d places to the left
  // (the earlier one) with your own: (A₁, B₁) ∘ (A₂, B₂) = (A₁·A₂, A₂·B₁ + B₂).
  if (t < sizes.length) {
    h[base + t] = pairB[t];
  }
}
`;

const solution = `${HEADER}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
${LOAD}
  for (var offset = 1u; offset < ${WG}u; offset = offset * 2u) {
    if (t >= offset) {
      // The earlier segment first: (A₁, B₁) ∘ (A₂, B₂) = (A₁·A₂, A₂·B₁ + B₂).
      let A1 = pairA[t - offset];
      let B1 = pairB[t - offset];
      B = A * B1 + B;
      A = A1 * A;
    }
    workgroupBarrier();
    pairA[t] = A;
    pairB[t] = B;
    workgroupBarrier();
  }
  // The pair of step t now maps h_{−1} = 0 to h_t: h_t is its B.
  if (t < sizes.length) {
    h[base + t] = B;
  }
}
`;

const schema = paramSchema({ channels: int('channels', 3, 1, 65535), length: int(`length (≤ ${WG})`, 200, 1, WG) });

const harness = defineVariant({
  family: 'scan',
  id: 'exercise-linear-scan',
  label: 'Exercise: linear-recurrence scan',
  summary: 'h_t = a_t·h_{t−1} + b_t per channel, one workgroup per channel.',
  schema,
  limits: ({ channels }, caps) => checkDispatch(caps, [channels]),
  inputs: ({ channels, length }, seed) => {
    const { a, b } = linearScanInputs(channels, length, seed, 'decay');
    return { a, b, sizes: sizesUniform(channels, length) };
  },
  reference: ({ channels, length }, inputs) => {
    // |ĥ_t − h_t| ≤ u'·(2·W_t + R·G_t) in any association order with at most R right-operand
    // steps per term (derivation in numerics/scan.ts).
    const ref = linearScanReference(inputs.a as Float32Array, inputs.b as Float32Array, channels, length, false, RIGHT_DEPTH);
    return { values: ref.values, bound: ref.bound, boundNote: `u'·(2·W_t + R·G_t) with R = ${RIGHT_DEPTH} (numerics/scan.ts)`, rows: channels, cols: length };
  },
  noEmulationReason: NO_EMULATION,
  plan: ({ channels, length }, inputs) =>
    onePlan({
      label: 'linear scan',
      wgsl: solution,
      bindings: BINDINGS,
      workgroups: [channels],
      buffers: [
        { name: 'a', data: inputs.a, usage: 'storage' },
        { name: 'b', data: inputs.b, usage: 'storage' },
        { name: 'h', bytes: 4 * channels * length, usage: 'storage' },
        { name: 'sizes', data: inputs.sizes, usage: 'uniform' },
      ],
      output: { buffer: 'h', type: 'f32', count: channels * length },
    }),
  work: ({ channels, length }) => ({ flops: 3 * channels * length * Math.log2(WG), bytes: 12 * channels * length }),
  shape: ({ channels, length }) => `${channels} channels × ${length}`,
  dataflow: () => 'hillis-steele',
});

export const linearScanExercise: Exercise = {
  id: 'linear-scan',
  title: 'A linear-recurrence scan (the SSM state update)',
  level: 3,
  family: 'scan',
  teaches:
    'Associativity makes a recurrence parallel: scan pairs (a, b) with the operator (a₁·a₂, a₂·b₁ + b₂), whose order matters although its grouping does not.',
  statement: [
    `State-space models such as Mamba update a state with h_t = a_t·h_{t−1} + b_t (h_{−1} = 0). For every channel (length ≤ ${WG}), write all the states h_t.`,
    'The step t is the pair (a_t, b_t), the map h ↦ a_t·h + b_t. Applying (A₁, B₁) and then (A₂, B₂) is the pair (A₁·A₂, A₂·B₁ + B₂): associative, not commutative. Scan the pairs as the Hillis–Steele exercise scans numbers; after the scan, pair t maps h_{−1} = 0 to h_t, so h_t is its B.',
  ],
  contract: {
    bindings: BINDINGS,
    output: 'h',
    workgroupSize: [WG, 1, 1],
    grid: 'channels × 1 × 1 workgroups (one per channel)',
    notes: [`sizes.length ≤ ${WG}; channel c starts at c·length in a, b and h. |a_t| ≤ 1.`],
  },
  starter,
  starterVerdict: 'wrong',
  hints: [
    'The loop and the two barriers are the Hillis–Steele exercise’s; only the combine changes.',
    'The pair d places to the left covers earlier steps, so it is applied first: your new B is A·B₁ + B (your A times its B, plus your B) and your new A is A₁·A.',
  ],
  solution,
  wrong: [
    {
      mistake: 'combines in the wrong order (the later step first)',
      source: solution.replace('      B = A * B1 + B;', '      B = A1 * B + B1;'),
      verdict: 'wrong',
    },
  ],
  shapes: [
    { params: { channels: 1, length: 1 } },
    { params: { channels: 1, length: 256 } },
    { params: { channels: 3, length: 7 } },
    { params: { channels: 2, length: 200 } },
    { params: { channels: 5, length: 255 } },
  ],
  checkShape: { params: { channels: 2, length: 100 } },
  harness,
  where: (p, i) =>
    `h[${Math.floor(i / Number(p.length))}][${i % Number(p.length)}] (channel ${Math.floor(i / Number(p.length))}, step ${i % Number(p.length)})`,
  shapeText: (p) => `${p.channels} channels × ${p.length}`,
  lessons: [
    { lesson: 'parallel-scans', step: 2, why: 'the associative pair operator and the scan trees' },
    { lesson: 's6-chunked', why: 'the same recurrence inside Mamba’s selective scan' },
  ],
};
