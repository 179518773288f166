// The conv family off the GPU: the memory model the panel shows is the plan's real allocation,
// the host-side layouts (im2col rows, indirection buffer, Im2win strips) reproduce the
// convolution, the float64 FFTs agree with direct sums, and the bench suite is valid.
import { describe, expect, it } from 'vitest';
import { declareBindings } from '../../src/gpu/bindings';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment, findFamily, validateExperiment, type DispatchSpec } from '../../src/kernels';
import { convFacetOf } from '../../src/kernels/conv/facet';
import { variantOf } from '../../src/kernels/experiment';
import { problemsFor } from '../../src/kernels/schema';
import type { ConvExtras } from '../../src/kernels/conv/extras';
import { classicFftEpsilon, conv1dTruth, denseDftEpsilon, fftConv32, fftConvBound, matmulFftEpsilon, spectralNorms } from '../../src/numerics/conv1d';
import {
  conv2dDims,
  conv2dReference,
  filterIndex,
  im2colMatrix,
  im2colRow,
  im2winBuffer,
  im2winIndex,
  im2winWidth,
  indirectionBuffer,
  inputIndex,
  outputIndex,
  PADDED_TAP,
  zeroRowOffset,
  type Conv2dShape,
} from '../../src/numerics/conv2d';
import { dft64, fft64, matmulFft32, dftMatrix, twiddleMatrix } from '../../src/numerics/fft';
import { uniformArray } from '../../src/numerics/prng';

const family = findFamily('conv')!;

describe('conv facet and memory model', () => {
  it('every conv variant has a facet (dims, picture, memory)', () => {
    for (const v of family.variants) {
      const facet = convFacetOf(v);
      expect(facet, v.id).not.toBeNull();
      expect(['2d', '1d']).toContain(facet!.dims);
    }
  });

  it('the memory model allocates exactly the bytes of the plan’s buffers', () => {
    const cases: [string, Record<string, number | string>][] = [
      ['direct', {}],
      ['direct-blocked', { cout: 13 }],
      ['im2col', { layout: 'nhwc', batch: 2 }],
      ['im2col', { layout: 'nchw', batch: 3 }],
      ['im2col', { layout: 'nchw', batch: 1 }],
      ['gemm-1x1', {}],
      ['indirect', { batch: 2, stride: 2 }],
      ['indirect', { layout: 'nchw', batch: 2 }],
      ['im2win', { layout: 'nchw', dilation: 2 }],
      ['winograd', { cout: 13 }],
      ['direct-1d', { length: 300 }],
      ['fft', { length: 300, radix: 2 }],
      ['fft-matmul', { length: 300 }],
    ];
    for (const [id, over] of cases) {
      const v = family.variants.find((x) => x.id === id)!;
      const params = { ...defaultExperiment('conv', id).params, ...over, ...(v.params.some((p) => p.key === 'height') ? { height: 9, width: 11 } : {}) };
      const plan = v.plan(params, v.makeInputs(params, 1), SPEC_DEFAULT_CAPS);
      const planBytes = plan.buffers.reduce((n, b) => n + (b.data ? b.data.byteLength : (b.bytes ?? 0)), 0);
      const memory = convFacetOf(v)!.memory(params);
      expect(memory.allocatedBytes, `${id} ${JSON.stringify(over)}`).toBe(planBytes);
      expect(v.work(params).bytes).toBe(memory.movedBytes);
    }
  });

  it('extra memory: im2col > Im2win > indirect > none, on a 3×3 convolution with 32 channels', () => {
    const params = { layout: 'nhwc', batch: 1, cin: 32, cout: 32, height: 32, width: 32, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const extra = (id: string) =>
      convFacetOf(family.variants.find((v) => v.id === id))!.memory({ ...defaultExperiment('conv', id).params, ...params }).extraBytes;
    expect(extra('direct')).toBe(0);
    // im2col: 9·C values per pixel; indirection: 9 pointers per pixel (+ one zero row): C times fewer.
    expect(extra('im2col')).toBe(4 * 32 * 32 * 9 * 32);
    expect(extra('indirect')).toBe(4 * 32 * 32 * 9 + 4 * 32);
    expect(extra('im2win')).toBe(4 * 32 * 34 * 3 * 32);
    expect(extra('im2col')).toBeGreaterThan(extra('im2win'));
    expect(extra('im2win')).toBeGreaterThan(extra('indirect'));
  });
});

describe('host-side layouts reproduce the convolution', () => {
  const shapes: Conv2dShape[] = [
    { layout: 'nhwc', batch: 2, cin: 3, cout: 4, height: 7, width: 6, kernel: 3, stride: 2, pad: 1, dilation: 1 },
    { layout: 'nchw', batch: 2, cin: 2, cout: 3, height: 8, width: 9, kernel: 3, stride: 1, pad: 2, dilation: 2 },
  ];
  for (const s of shapes) {
    const d = conv2dDims(s);
    const x = uniformArray(d.batch * d.cin * d.height * d.width, 1);
    const w = uniformArray(d.cout * d.cin * d.kernel * d.kernel, 2);
    const ref = conv2dReference(d, x, w);

    it(`${s.layout}: the im2col matrix times the filter is the convolution`, () => {
      const col = im2colMatrix(d, x);
      const M = d.batch * d.pixels;
      for (let m = 0; m < M; m++) {
        const b = Math.floor(m / d.pixels);
        const oy = Math.floor((m % d.pixels) / d.outW);
        const ox = m % d.outW;
        const row = im2colRow(d, oy, ox);
        for (let co = 0; co < d.cout; co++) {
          let sum = 0;
          row.forEach((e, k) => {
            sum += (s.layout === 'nhwc' ? col[m * d.depth + k] : col[k * M + m]) * w[filterIndex(d, co, e.c, e.r, e.s)];
          });
          expect(sum).toBeCloseTo(ref.values[outputIndex(d, b, co, oy, ox)], 10);
        }
      }
    });

    it(`${s.layout}: each Im2win window holds the inputs of its output, at ox·stride + s·dilation`, () => {
      const win = im2winBuffer(d, x);
      expect(win.length).toBe(d.batch * d.outH * im2winWidth(d) * d.kernel * d.cin);
      for (let b = 0; b < d.batch; b++) {
        for (let oy = 0; oy < d.outH; oy++) {
          for (let ox = 0; ox < d.outW; ox++) {
            for (const e of im2colRow(d, oy, ox)) {
              const q = ox * d.stride + e.s * d.dilation;
              expect(win[im2winIndex(d, b, oy, q, e.r, e.c)]).toBe(e.inside ? x[inputIndex(d, b, e.c, e.iy, e.ix)] : 0);
            }
          }
        }
      }
    });
  }

  it('NCHW’s indirection buffer points at channel 0 of each tap’s pixel, padded taps hold the marker', () => {
    const d = conv2dDims(shapes[1]);
    const ptr = indirectionBuffer(d);
    let padded = 0;
    for (let b = 0; b < d.batch; b++) {
      for (let oy = 0; oy < d.outH; oy++) {
        for (let ox = 0; ox < d.outW; ox++) {
          const m = (b * d.outH + oy) * d.outW + ox;
          for (const e of im2colRow(d, oy, ox).filter((e) => e.c === 0)) {
            const p = ptr[m * d.taps + e.r * d.kernel + e.s];
            expect(p).toBe(e.inside ? inputIndex(d, b, 0, e.iy, e.ix) : PADDED_TAP);
            if (!e.inside) padded++;
          }
        }
      }
    }
    expect(padded).toBeGreaterThan(0);
  });

  it('the indirection buffer points at each tap’s input pixel, padded taps at the zero row', () => {
    const d = conv2dDims(shapes[0]);
    const ptr = indirectionBuffer(d);
    expect(ptr.length).toBe(d.batch * d.pixels * d.taps);
    let padded = 0;
    for (let b = 0; b < d.batch; b++) {
      for (let oy = 0; oy < d.outH; oy++) {
        for (let ox = 0; ox < d.outW; ox++) {
          const m = (b * d.outH + oy) * d.outW + ox;
          for (const e of im2colRow(d, oy, ox).filter((e) => e.c === 0)) {
            const p = ptr[m * d.taps + e.r * d.kernel + e.s];
            if (e.inside) expect(p).toBe(inputIndex(d, b, 0, e.iy, e.ix));
            else {
              expect(p).toBe(zeroRowOffset(d));
              padded++;
            }
          }
        }
      }
    }
    expect(padded).toBeGreaterThan(0);
  });
});

describe('float64 FFTs and the 1-D bounds', () => {
  const direct = (re: Float64Array) => {
    const L = re.length;
    const out = { re: new Float64Array(L), im: new Float64Array(L) };
    for (let k = 0; k < L; k++)
      for (let n = 0; n < L; n++) {
        out.re[k] += re[n] * Math.cos((-2 * Math.PI * k * n) / L);
        out.im[k] += re[n] * Math.sin((-2 * Math.PI * k * n) / L);
      }
    return out;
  };
  for (const L of [1, 2, 8, 64, 12, 45, 97]) {
    it(`dft64 of length ${L} equals the direct DFT`, () => {
      const x = Float64Array.from(uniformArray(L, L));
      const got = dft64(x, new Float64Array(L));
      const want = direct(x);
      for (let k = 0; k < L; k++) {
        expect(got.re[k]).toBeCloseTo(want.re[k], 9);
        expect(got.im[k]).toBeCloseTo(want.im[k], 9);
      }
    });
  }

  it('the float32 matmul FFT (N1·N2, transposed output order) matches the float64 FFT within its ε', () => {
    const [N1, N2] = [8, 12];
    const L = N1 * N2;
    const x = uniformArray(L, 9);
    const got = matmulFft32(x, new Float32Array(L), N1, N2, false, { f1: dftMatrix(N1), f2: dftMatrix(N2), tw: twiddleMatrix(N1, N2) });
    const want = dft64(Float64Array.from(x), new Float64Array(L));
    let err = 0;
    let norm = 0;
    for (let k1 = 0; k1 < N1; k1++)
      for (let k2 = 0; k2 < N2; k2++) {
        const k = k1 + N1 * k2; // Z[k1][k2] holds X[k1 + N1·k2]
        err += (got.re[k1 * N2 + k2] - want.re[k]) ** 2 + (got.im[k1 * N2 + k2] - want.im[k]) ** 2;
        norm += want.re[k] ** 2 + want.im[k] ** 2;
      }
    expect(Math.sqrt(err / norm)).toBeLessThan(matmulFftEpsilon(N1, N2));
    expect(Math.sqrt(err / norm)).toBeGreaterThan(0);
  });

  it('fft64 round trip', () => {
    const re = Float64Array.from(uniformArray(256, 3));
    const im = new Float64Array(256);
    const copy = Float64Array.from(re);
    fft64(re, im);
    fft64(re, im, true);
    for (let i = 0; i < 256; i++) expect(re[i] / 256).toBeCloseTo(copy[i], 12);
  });

  it('the float64-FFT truth (long shapes) agrees with direct float64 sums within its own stated error', () => {
    const s = { channels: 1, length: 12000, filter: 12000 }; // 72 M multiply-adds: over the direct limit
    const x = uniformArray(s.length, 3);
    const h = uniformArray(s.filter, 4);
    const truth = conv1dTruth(s, x, h);
    expect(truth.method).toBe('fft64');
    for (const t of [0, 1, 17, 4000, 11999]) {
      let sum = 0;
      let abs = 0;
      for (let j = 0; j <= t; j++) {
        sum += h[j] * x[t - j];
        abs += Math.abs(h[j] * x[t - j]);
      }
      expect(Math.abs(truth.values[t] - sum)).toBeLessThanOrEqual(truth.ownError[t]);
      expect(truth.absSum[t]).toBeGreaterThanOrEqual(abs); // an upper end, so bounds built on it stay valid
    }
    expect(truth.ownError[0]).toBeLessThan(1e-9);
  });

  it('the transform error models grow as they should: log₂L for the FFT, ~n^1.5 for a dense DFT', () => {
    expect(classicFftEpsilon(1 << 16) / classicFftEpsilon(1 << 8)).toBeCloseTo(2, 1);
    expect(denseDftEpsilon(256) / denseDftEpsilon(64)).toBeGreaterThan(7);
    expect(matmulFftEpsilon(64, 64)).toBeGreaterThan(classicFftEpsilon(4096));
  });

  it('the normwise FFT bound is far below ‖y‖ (not vacuous) and above the float32 error actually seen', () => {
    const x = uniformArray(1000, 1);
    const h = uniformArray(1000, 2);
    const norms = spectralNorms(x, h, 2048);
    const bound = fftConvBound({ ...norms, epsilon: classicFftEpsilon(2048), L: 2048 });
    expect(bound).toBeLessThan(1e-2 * norms.yNorm);
    expect(bound).toBeGreaterThan(1e-7 * norms.yNorm);
    // The error actually seen: the float32 radix-2 and radix-4 FFT convolutions (the GPU's
    // algorithm, emulated) against the float64 truth, as a 2-norm over the channel.
    const s = { channels: 1, length: 1000, filter: 1000 };
    const truth = conv1dTruth(s, x, h);
    for (const radix of [2, 4] as const) {
      const y = fftConv32(s, x, h, 2048, radix);
      let e2 = 0;
      for (let t = 0; t < s.length; t++) e2 += (y[t] - truth.values[t]) ** 2;
      expect(Math.sqrt(e2)).toBeGreaterThan(0);
      expect(Math.sqrt(e2)).toBeLessThan(bound);
    }
  });

  it('the normwise bound the 1-D panel shows is the one the check used (not √N times it)', () => {
    const params = { ...defaultExperiment('conv', 'fft').params, channels: 2, length: 1000, filter: 0 };
    const v = variantOf({ ...defaultExperiment('conv', 'fft'), params });
    const inputs = v.makeInputs(params, 3);
    const ref = v.reference(params, inputs);
    const output = v.emulate!(params, inputs);
    const extras = v.extras!(params, inputs, output, ref) as ConvExtras;
    const x = inputs.x as Float32Array;
    const h = inputs.h as Float32Array;
    let worst = 0;
    for (let c = 0; c < 2; c++) {
      const xs = x.subarray(c * 1000, (c + 1) * 1000);
      const hs = h.subarray(c * 1000, (c + 1) * 1000);
      const b = fftConvBound({ ...spectralNorms(xs, hs, 2048), epsilon: classicFftEpsilon(2048), L: 2048 });
      const scale = Math.hypot(...xs) * Math.hypot(...hs);
      worst = Math.max(worst, b / scale);
      // Every element of the channel carries that normwise bound (plus the truth's tiny own error).
      expect(ref.bound![c * 1000 + 7]).toBeCloseTo(b, 12);
    }
    // Its own error (float64 sums) adds a few parts in 10^8; √N·b (what summing the per-element
    // bounds would give) would be 31.6 times larger.
    expect(extras.sequence!.normwiseBound / worst).toBeGreaterThanOrEqual(1);
    expect(extras.sequence!.normwiseBound / worst).toBeLessThan(1 + 1e-6);
    expect(extras.sequence!.normwiseError).toBeLessThan(extras.sequence!.normwiseBound);
  });
});

describe('conv bench suite', () => {
  const cases = family.benchSuite!();
  it('every case is a valid experiment that fits the spec-default limits', () => {
    for (const c of cases) {
      const { experiment, problems } = validateExperiment(c.experiment);
      expect(problems, c.label).toEqual([]);
      expect(problemsFor(variantOf(experiment), experiment.params, SPEC_DEFAULT_CAPS), c.label).toEqual([]);
    }
  });
  it('covers every variant, 2-D and 1-D', () => {
    const variants = new Set(cases.map((c) => c.experiment.variant));
    for (const v of family.variants) expect(variants).toContain(v.id);
  });
});

describe('the direct/FFT crossover', () => {
  it('is placed between the last length where direct wins and the first where the FFT does', async () => {
    const { crossoverLength } = await import('../../src/numerics/conv1d');
    // direct ∝ N², FFT ∝ N: equal at N = 1000.
    const points = [256, 1024, 4096].map((length) => ({ length, direct: length * length, fft: 1000 * length }));
    const c = crossoverLength(points)!;
    expect(c.kind).toBe('between');
    if (c.kind === 'between') {
      expect(c.below).toBe(256);
      expect(c.above).toBe(1024);
      expect(c.length).toBeCloseTo(1000, 6);
    }
    expect(
      crossoverLength([
        { length: 1, direct: 1, fft: 2 },
        { length: 2, direct: 1, fft: 2 },
      ]),
    ).toEqual({ kind: 'direct-always' });
    expect(
      crossoverLength([
        { length: 1, direct: 2, fft: 1 },
        { length: 2, direct: 3, fft: 1 },
      ]),
    ).toEqual({ kind: 'fft-always' });
    expect(crossoverLength([{ length: 1, direct: 2, fft: 1 }])).toBeNull();
  });
});

/** Why a dispatch's shader and its binding list could disagree, or null when they cannot. */
function bindingProblem(d: DispatchSpec): string | null {
  const bindings = d.bindings;
  const declared = d.wgsl.match(/@binding\(\d+\)/g) ?? [];
  if (declared.length !== bindings.length) return `${d.label}: ${declared.length} declarations for ${bindings.length} bindings`;
  return d.wgsl.includes(declareBindings(bindings)) ? null : `${d.label}: declarations not generated from the bindings`;
}

// (tests/unit/bindings-declared.test.ts checks every variant at its defaults; this covers each conv
// variant's layouts and settings, which change the shaders.)
describe('conv bindings are declared once, in every layout', () => {
  const settings: Record<string, Record<string, number | string>[]> = {
    im2col: [{ layout: 'nhwc' }, { layout: 'nchw', batch: 1 }, { layout: 'nchw', batch: 3 }],
    im2win: [{ layout: 'nhwc' }, { layout: 'nchw' }],
    direct: [{ layout: 'nhwc' }, { layout: 'nchw' }],
    'gemm-1x1': [{ layout: 'nhwc' }, { layout: 'nchw' }],
    fft: [{ radix: 2 }, { radix: 4 }],
    indirect: [{ layout: 'nhwc' }, { layout: 'nchw' }],
    winograd: [{ layout: 'nhwc' }, { layout: 'nchw' }],
  };
  for (const v of family.variants) {
    it(`${v.id}: every dispatch's WGSL declares exactly its plan's bindings`, () => {
      for (const extra of settings[v.id] ?? [{}]) {
        const params = {
          ...defaultExperiment('conv', v.id).params,
          ...extra,
          ...(v.params.some((p) => p.key === 'height') ? { height: 9, width: 7 } : { length: 100 }),
        };
        const plan = v.plan(params, v.makeInputs(params, 1), SPEC_DEFAULT_CAPS);
        expect(plan.dispatches.length).toBeGreaterThan(0);
        for (const d of plan.dispatches) expect(bindingProblem(d)).toBeNull();
      }
    });
  }
  it('the check catches a declaration that differs from the list (a check that cannot fail is no check)', () => {
    const v = family.variants.find((x) => x.id === 'im2col')!;
    const params = defaultExperiment('conv', 'im2col').params;
    const [copy, gemm] = v.plan(params, v.makeInputs(params, 1), SPEC_DEFAULT_CAPS).dispatches;
    expect(bindingProblem({ ...copy, wgsl: copy.wgsl.replace('var<storage, read_write> col', 'var<storage, read> col') })).toMatch(/not generated/);
    expect(bindingProblem({ ...gemm, bindings: [gemm.bindings[1], gemm.bindings[0], gemm.bindings[2]] })).toMatch(/not generated/);
  });
});

describe('the Winograd bound', () => {
  it('sums transformed magnitudes that are never below Σ|w·x| — about 7× it for F(2×2, 3×3) on one channel', async () => {
    const { winogradBound } = await import('../../src/numerics/winograd');
    const d = conv2dDims({ layout: 'nhwc', batch: 1, cin: 1, cout: 3, height: 9, width: 11, kernel: 3, stride: 1, pad: 1, dilation: 1 });
    const x = uniformArray(9 * 11, 1);
    const w = uniformArray(9 * 3, 2);
    const ref = conv2dReference(d, x, w);
    const g = (8 * 2 ** -24) / (1 - 8 * 2 ** -24); // γ_(C+7), C = 1
    const bound = winogradBound(d, x, w);
    let ratio = 0;
    for (let i = 0; i < bound.length; i++) {
      // Each direct product w·x is a group of Winograd terms whose coefficients sum to 1: Σ|terms| ≥ |w·x|.
      expect(bound[i] / g).toBeGreaterThanOrEqual(ref.absSum[i] * (1 - 1e-12));
      ratio += bound[i] / g / ref.absSum[i];
    }
    expect(ratio / bound.length).toBeGreaterThan(5);
    expect(ratio / bound.length).toBeLessThan(10);
  });
});

describe('conv baselines', () => {
  it('every method names the direct form of its own shape as its baseline, with valid parameters', () => {
    for (const v of family.variants) {
      const params = defaultExperiment('conv', v.id).params;
      if (v.role === 'baseline') {
        expect(v.baseline, v.id).toBeUndefined();
        continue;
      }
      const ref = v.baseline!(params)!;
      const base = family.variants.find((x) => x.id === ref.variant)!;
      expect(base.role, v.id).toBe('baseline');
      expect(convFacetOf(base)!.dims).toBe(convFacetOf(v)!.dims);
      const { problems, experiment } = validateExperiment({ family: 'conv', variant: ref.variant, params: ref.params, seed: 1, reps: 1 });
      expect(problems, v.id).toEqual([]);
      expect(base.shapeLabel(experiment.params)).toBe(v.shapeLabel(params));
    }
  });
});
