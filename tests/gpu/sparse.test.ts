import { bufferOf } from '../../src/gpu/bindings';
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment, findVariant, problemsFor, runExperiment, type Experiment } from '../../src/kernels';
import { computeMetrics } from '../../src/numerics/metrics';
import { rowCounts } from '../../src/numerics/sparseStats';
import { balancedSchedule } from '../../src/kernels/sparse/csrBalanced';
import { denseToCsr } from '../../src/numerics/sparseFormats';
import { extrasOf } from '../../src/kernels/extras';
import { spmmExtras } from '../../src/kernels/sparse/extras';

type Shape = [M: number, N: number, K: number];
// Odd shapes: 1×1×1, sizes that are multiples of nothing, a K that leaves a short N:M group.
const SHAPES: Shape[] = [
  [1, 1, 1],
  [17, 5, 33],
  [37, 70, 67],
];
// Random, fully empty, fully dense, skewed (many empty rows), shuffled blocks.
const PATTERNS: Record<string, string | number>[] = [
  { pattern: 'random', density: 10 },
  { pattern: 'random', density: 0 },
  { pattern: 'random', density: 100 },
  { pattern: 'skewed', density: 2 }, // Zipf rows at 2%: a third or more of the rows are empty
  { pattern: 'block-shuffled', density: 20, block: 4 },
];

async function check(variant: string, params: Record<string, string | number | boolean>, shape: Shape) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('sparse', variant);
  const [M, N, K] = shape;
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...params }, reps: 1, seed: 11 };
  if (variant === 'spmv-subgroup') delete experiment.params.N;
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Every output within γ_nnz(row)·Σ|a·b| of the float64 truth (see sparse/common.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  expect(result.medianSeconds).toBeGreaterThan(0);
  return result;
}

describe('sparse kernels on WebGPU (Dawn) against float64', () => {
  for (const shape of SHAPES) {
    for (const p of PATTERNS) {
      const name = `${shape.join('×')} ${p.pattern} ${p.density}%`;
      it(`csr-row ${name}`, async () => {
        await check('csr-row', { ...p, wg: 32, rows: 1 }, shape);
        await check('csr-row', { ...p, wg: 4, rows: 3 }, shape);
      });
      it(`csr-vec4 and dense rows4 ${name}`, async () => {
        const N4 = [shape[0], Math.max(4, shape[1] - (shape[1] % 4)), shape[2]] as Shape;
        await check('csr-vec4', { ...p, wg: 2, rows: 3 }, N4);
        await check('dense', { ...p, kernel: 'rows4', wg: 3, rows: 2 }, N4);
      });
      it(`csr-balanced ${name} (pieces of 4: rows split)`, async () => {
        await check('csr-balanced', { ...p, wg: 32, piece: 4 }, shape);
      });
      it(`bsr 4×4 and 8×8 reordered ${name}`, async () => {
        await check('bsr', { ...p, bsr: 4, tn: 32, reorder: false }, shape);
        await check('bsr', { ...p, bsr: 8, tn: 64, reorder: true }, shape);
      });
      it(`dense blocked/tiled/naive ${name}`, async () => {
        // The matmul family's tiled and naive kernels are tested there; here once per pattern.
        const kernels = shape[0] === 17 ? ['blocked', 'tiled', 'naive'] : ['blocked'];
        for (const kernel of kernels) await check('dense', { ...p, kernel, bsr: 8, tn: 32 }, shape);
        await check('dense', { ...p, kernel: 'rows', wg: 4, rows: 3 }, shape);
      });
      it(`spmv-subgroup ${name}`, async () => {
        await check('spmv-subgroup', { ...p, wg: 64, workgroups: 3 }, shape);
      });
    }
    for (const pattern of ['nm24', 'nm14', 'nm48']) {
      it(`nm ${pattern} ${shape.join('×')}`, async () => {
        await check('nm', { pattern, wg: 32, rows: 1 }, shape);
        await check('nm', { pattern, wg: 1, rows: 7 }, shape);
      });
    }
  }

  const SKINNY: Shape[] = [
    [1, 1, 1],
    [17, 5, 33],
    [70, 32, 45],
  ];
  for (const shape of SKINNY) {
    for (const p of PATTERNS) {
      it(`sparse-to-dense and dense skinny ${shape.join('×')} ${p.pattern} ${p.density}%`, async () => {
        await check('sparse-to-dense', { ...p, tm: 32, tk: 7 }, shape);
        await check('sparse-to-dense', { ...p, tm: 64, tk: 32 }, shape);
        await check('dense', { ...p, kernel: 'skinny', tm: 16, tk: 16 }, shape);
      });
    }
  }

  it('bsr with 32×32 blocks and a fully dense A; balanced with long split rows', async () => {
    await check('bsr', { pattern: 'random', density: 100, bsr: 32, tn: 32, reorder: false }, [45, 9, 70]);
    await check('csr-balanced', { pattern: 'skewed', density: 30, wg: 64, piece: 16 }, [64, 33, 200]);
  });

  it('reordering reduces the blocks of a shuffled block-sparse A and keeps C in place', async () => {
    const result = await check('bsr', { pattern: 'block-shuffled', density: 15, block: 8, bsr: 8, tn: 32, reorder: true }, [64, 8, 96]);
    const label = result.wgsl[0].label;
    const [, before, after] = /\((\d+) → (\d+) blocks\)/.exec(label)!.map(Number);
    expect(after).toBeLessThan(before / 2);
    const extras = spmmExtras(extrasOf(result, 'sparse'))!;
    expect(extras.permutation!.find((p) => p.block === 8)!.after).toBe(after);
  });

  it('extras describe the pattern: nnz, row lengths, bytes per format', async () => {
    const result = await check('csr-row', { pattern: 'skewed', density: 2 }, [40, 3, 50]);
    const extras = spmmExtras(extrasOf(result, 'sparse'))!;
    expect(extras.rowNnz.length).toBe(40);
    expect(extras.rowNnz.reduce((a, b) => a + b, 0)).toBe(extras.nnz);
    expect(extras.spy.counts.reduce((a, b) => a + b, 0)).toBe(extras.nnz);
    expect(extras.bytes.find((b) => b.format === 'CSR')!.bytes).toBe(4 * 41 + 8 * extras.nnz);
    expect(extras.rowNnz.some((n) => n === 0)).toBe(true);
  });

  it('the bound is not vacuous: a result missing one product fails it (broken kernels: mutations.test.ts)', async () => {
    const result = await check('csr-row', { pattern: 'random', density: 30 }, [16, 16, 64]);
    const variant = findVariant('sparse', 'csr-row')!;
    const inputs = variant.makeInputs(result.experiment.params, result.experiment.seed);
    const ref = variant.reference(result.experiment.params, inputs);
    const wrong = Float32Array.from(ref.values);
    // Drop one product from one output: a kernel that skipped a non-zero must fail.
    const a = inputs.a as Float32Array;
    const b = inputs.b as Float32Array;
    const k = a.findIndex((v, i) => v !== 0 && i < 64);
    wrong[0] -= a[k] * b[k * 16];
    expect(computeMetrics(wrong, ref.values, ref.bound).boundViolations).toBe(1);
  });
});

describe('sparse schema and device branching', () => {
  it('the subgroup SpMV needs the subgroups feature', () => {
    const v = findVariant('sparse', 'spmv-subgroup')!;
    const params = defaultExperiment('sparse', 'spmv-subgroup').params;
    expect(problemsFor(v, params, SPEC_DEFAULT_CAPS)[0]).toMatch(/subgroups/);
    expect(problemsFor(v, params, { ...SPEC_DEFAULT_CAPS, features: ['subgroups'] })).toEqual([]);
  });

  it('bad parameters are explained in words', () => {
    const nmV = findVariant('sparse', 'nm')!;
    expect(problemsFor(nmV, { ...defaultExperiment('sparse', 'nm').params, pattern: 'random' }, SPEC_DEFAULT_CAPS)[0]).toMatch(/needs an N:M pattern/);
    const bsrV = findVariant('sparse', 'bsr')!;
    const big = { ...defaultExperiment('sparse', 'bsr').params, bsr: 32, tn: 256, M: 8192, K: 8192, N: 4096 };
    const problems = problemsFor(bsrV, big, { ...SPEC_DEFAULT_CAPS, limits: { ...SPEC_DEFAULT_CAPS.limits, maxComputeWorkgroupStorageSize: 2048 } });
    expect(problems.join(' ')).toMatch(/workgroup memory/);
    expect(problems.join(' ')).toMatch(/buffer/);
    const vec4 = findVariant('sparse', 'csr-vec4')!;
    expect(problemsFor(vec4, { ...defaultExperiment('sparse', 'csr-vec4').params, N: 6 }, SPEC_DEFAULT_CAPS)[0]).toMatch(/not a multiple of 4/);
    const skinny = findVariant('sparse', 'sparse-to-dense')!;
    expect(problemsFor(skinny, { ...defaultExperiment('sparse', 'sparse-to-dense').params, tm: 256, tk: 128 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(
      /workgroup memory/,
    );
  });

  it('the balanced schedule covers every non-zero once and bounds work per workgroup', () => {
    const a = new Float32Array(30 * 40);
    for (let i = 0; i < 40; i++) a[3 * 40 + i] = 1; // one full row
    a[7 * 40 + 2] = 2;
    const csr = denseToCsr(a, 30, 40);
    const s = balancedSchedule(csr, 8);
    const covered = new Uint8Array(csr.values.length);
    const rowsWritten = new Set<number>();
    for (let q = 0; q < s.pieces.length / 4; q++) {
      for (let p = s.pieces[4 * q + 1]; p < s.pieces[4 * q + 2]; p++) covered[p]++;
      rowsWritten.add(s.pieces[4 * q]);
    }
    expect(Array.from(covered).every((c) => c === 1)).toBe(true);
    expect(rowsWritten.size).toBe(30);
    expect(s.splits.length / 4).toBe(1);
    expect(s.partialSlots).toBe(5);
    for (let w = 0; w < s.workgroups; w++) {
      let cost = 0;
      for (let q = s.wgStart[w]; q < s.wgStart[w + 1]; q++) cost += s.pieces[4 * q + 2] - s.pieces[4 * q + 1] + 1;
      expect(cost).toBeLessThanOrEqual(9);
    }
    expect(rowCounts(a, 30, 40)[3]).toBe(40);
  });
});

describe('the test patterns hold what the test names say', () => {
  it('skewed 2% has empty rows at the odd shapes', () => {
    const v = findVariant('sparse', 'csr-row')!;
    for (const [M, N, K] of SHAPES.slice(1)) {
      const params = { ...defaultExperiment('sparse', 'csr-row').params, M, N, K, pattern: 'skewed', density: 2 };
      const counts = rowCounts(v.makeInputs(params, 11).a as Float32Array, M, K);
      expect(Array.from(counts).filter((c) => c === 0).length).toBeGreaterThanOrEqual(M / 3);
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('the subgroup SpMV resets its row counter every run', () => {
  it('a second run (output cleared in between) computes every row again', async () => {
    const { device, caps } = await nodeDevice();
    const v = findVariant('sparse', 'spmv-subgroup')!;
    const params = { ...defaultExperiment('sparse', 'spmv-subgroup').params, M: 45, K: 70, density: 30, workgroups: 2 };
    const inputs = v.makeInputs(params, 3);
    const plan = v.plan(params, inputs, caps);
    const buffers = new Map<string, GPUBuffer>();
    for (const spec of plan.buffers) {
      const size = Math.max(16, Math.ceil((spec.data?.byteLength ?? spec.bytes ?? 0) / 16) * 16);
      const buffer = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      if (spec.data) device.queue.writeBuffer(buffer, 0, spec.data.buffer, spec.data.byteOffset, spec.data.byteLength);
      buffers.set(spec.name, buffer);
    }
    const steps = [];
    for (const d of plan.dispatches) {
      const pipeline = await device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code: d.wgsl }), entryPoint: 'main' },
      });
      const bindGroup = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: d.bindings.map((b, binding) => ({ binding, resource: { buffer: buffers.get(bufferOf(b))! } })),
      });
      steps.push({ pipeline, bindGroup, workgroups: d.workgroups });
    }
    const y = buffers.get(plan.output.buffer)!;
    const read = device.createBuffer({ size: y.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    for (let run = 0; run < 2; run++) {
      if (run === 1) encoder.clearBuffer(y);
      const pass = encoder.beginComputePass();
      for (const s of steps) {
        pass.setPipeline(s.pipeline);
        pass.setBindGroup(0, s.bindGroup);
        pass.dispatchWorkgroups(s.workgroups[0], s.workgroups[1] ?? 1, s.workgroups[2] ?? 1);
      }
      pass.end();
    }
    encoder.copyBufferToBuffer(y, 0, read, 0, y.size);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0, 4 * 45));
    read.unmap();
    const ref = v.reference(params, inputs);
    expect(computeMetrics(out, ref.values, ref.bound).boundViolations).toBe(0);
    expect(out.some((x) => x !== 0)).toBe(true);
    for (const b of buffers.values()) b.destroy();
    read.destroy();
  });
});
