// Mutation tests: for each family, deliberately broken kernels run on the GPU and must fail the
// float64 check — a test suite that passes a broken kernel proves nothing. Each mutation edits
// the generated WGSL (or the plan) of a real variant; every edit first asserts that the text it
// changes is there, so a refactor of the kernel cannot silently turn a mutant into the original.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultParams, findVariant, runVariant, type FamilyId, type GpuPlan, type KernelVariant, type Params } from '../../src/kernels';

type Edit = [from: string, to: string];

function mutate(variant: KernelVariant, edits: Edit[], planEdit?: (plan: GpuPlan) => GpuPlan): KernelVariant {
  return {
    ...variant,
    plan(params, inputs, caps) {
      const plan = variant.plan(params, inputs, caps);
      for (const [from] of edits)
        expect(
          plan.dispatches.some((d) => d.wgsl.includes(from)),
          `the kernel still contains ${JSON.stringify(from)}`,
        ).toBe(true);
      const edited = { ...plan, dispatches: plan.dispatches.map((d) => ({ ...d, wgsl: edits.reduce((w, [from, to]) => w.split(from).join(to), d.wgsl) })) };
      return planEdit ? planEdit(edited) : edited;
    },
  };
}

async function runBoth(family: FamilyId, id: string, over: Params, edits: Edit[], planEdit?: (plan: GpuPlan) => GpuPlan) {
  const { device, caps } = await nodeDevice();
  const variant = findVariant(family, id)!;
  const experiment = { family, variant: id, params: { ...defaultParams(variant.params), ...over }, seed: 5, reps: 2 };
  const options = { caps, targetSampleSeconds: 0.001 };
  const good = await runVariant(device, variant, experiment, options);
  const broken = await runVariant(device, mutate(variant, edits, planEdit), experiment, options);
  return { good, broken };
}

/** The original passes its bound and the mutant breaks it. */
async function caught(family: FamilyId, id: string, over: Params, edits: Edit[], planEdit?: (plan: GpuPlan) => GpuPlan) {
  const { good, broken } = await runBoth(family, id, over, edits, planEdit);
  expect(good.metrics.boundViolations, 'the unbroken kernel passes').toBe(0);
  expect(broken.metrics.boundViolations, 'the broken kernel is caught').toBeGreaterThan(0);
  return broken;
}

describe('matmul: broken kernels are caught', () => {
  const shape = { M: 24, N: 24, K: 24 };
  it('a K loop one short', () => caught('matmul', 'naive', shape, [['for (var k = 0u; k < K; k++)', 'for (var k = 0u; k < K - 1u; k++)']]));
  it('a transposed index into B', () => caught('matmul', 'naive', shape, [['b[k * N + col]', 'b[col * K + k]']]));
  it('the A panel staged transposed in workgroup memory', () =>
    caught('matmul', 'tiled', { ...shape, tile: 8 }, [['tileA[lid.y * T + lid.x] = aValue;', 'tileA[lid.x * T + lid.y] = aValue;']]));
  it('an accumulator that is not reset between runs (right once, wrong when repeated)', async () => {
    const broken = await caught('matmul', 'tiled', { ...shape, tile: 8 }, [['c[row * N + col] = acc;', 'c[row * N + col] += acc;']]);
    expect(broken.repeatCheck?.failure).toMatch(/right on the first run/);
  });
});

describe('quantization: broken kernels are caught', () => {
  const shape = { M: 3, N: 16, K: 64, groupSize: 32 };
  it("the next group's scale in the dequantize", () =>
    caught('quant', 'gemm-w4', shape, [['scales[(n * WORDS + w) / WORDS_PER_GROUP]', 'scales[(n * WORDS + w) / WORDS_PER_GROUP + 1u]']]));
  it('a wrong zero point (7 instead of 8)', () => caught('quant', 'gemm-w4', shape, [[' - 8.0) * s;', ' - 7.0) * s;']]));
  it('nibbles unpacked in the wrong order', () => caught('quant', 'gemm-w4', shape, [['vec4u(0u, 4u, 8u, 12u)', 'vec4u(4u, 0u, 12u, 8u)']]));
});

describe('sparsity: broken kernels are caught', () => {
  const shape = { M: 16, N: 16, K: 64, density: 30, pattern: 'random' };
  it('the first non-zero of every row skipped', () =>
    caught('sparse', 'csr-row', shape, [['for (var p = start; p < end; p++)', 'for (var p = start + 1u; p < end; p++)']]));
  it('B read at the wrong column', () => caught('sparse', 'csr-row', shape, [['b[colIdx[p] * N + col]', 'b[colIdx[p] * N + (col + 1u) % N]']]));
  it("every product using the row's first value", () => caught('sparse', 'csr-row', shape, [['acc += values[p] *', 'acc += values[start] *']]));
});

describe('scans: broken kernels are caught', () => {
  const shape = { channels: 2, length: 100, mode: 'inclusive', decay: 'decay' };
  it("the first step's decay used at every step", () =>
    caught('scan', 'sequential', shape, [['let next = a[base + t] * state + b[base + t];', 'let next = a[base] * state + b[base + t];']]));
  it('the Hillis–Steele tree one level short', () =>
    caught('scan', 'hillis-steele', { ...shape, wg: 32 }, [['offset < WG; offset *= 2u', 'offset < WG / 2u; offset *= 2u']]));
  it('the carry between tiles replaced instead of combined', () =>
    caught('scan', 'hillis-steele', { ...shape, wg: 32 }, [['carry = combine(carry, tileTotal);', 'carry = tileTotal;']]));
  it('an off-by-one in the Hillis–Steele guard (i > offset)', () =>
    caught('scan', 'hillis-steele', { ...shape, wg: 32 }, [['if (i >= offset) {', 'if (i > offset) {']]));
});
