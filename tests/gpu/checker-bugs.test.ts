// Seeded bugs: each takes a built-in variant's generated WGSL (at small parameters, with edge
// workgroups), changes one thing, and the checker must report the bug with the right kind, the
// right variable and the right line(s). Dawn compiles each buggy shader too: all but the two
// divergent-barrier bugs compile cleanly (the compiler cannot see them); those two the compiler's
// uniformity analysis already rejects, and the interpreter reports them as well, at run time.
import { describe, expect, it } from 'vitest';
import { checkKernel, targetFromPlan, type CheckProblem, type CheckReport } from '../../src/checker';
import { nodeCompileOnlyDevice, nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, findVariant } from '../../src/kernels';
import type { Finding } from '../../src/checker';
import { smallParams } from './checker-small';

interface Seeded {
  report: CheckReport;
  wgsl: string;
  /** 1-based line of the n-th line containing this text in the buggy shader. */
  line: (text: string, n?: number) => number;
}

async function seeded(family: string, id: string, extra: Record<string, number>, mutate: (wgsl: string) => string, dispatch = 0): Promise<Seeded> {
  const { device, caps } = await nodeDevice();
  const variant = findVariant(family, id)!;
  const params = { ...smallParams(family, id, defaultExperiment(family as never, id).params), ...extra };
  const plan = variant.plan(params, variant.makeInputs(params, 5), caps);
  const original = plan.dispatches[dispatch].wgsl;
  const wgsl = mutate(original);
  expect(wgsl, 'the mutation changed the shader').not.toBe(original);
  const dispatches = plan.dispatches.map((d, i) => (i === dispatch ? { ...d, wgsl } : d));
  const report = await checkKernel(device, { ...targetFromPlan(plan), dispatches }, { maxWorkgroups: 1e9 });
  const lines = wgsl.split('\n');
  const line = (text: string, n = 0) => {
    const hits = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
    expect(hits.length, `"${text}" occurs in the shader`).toBeGreaterThan(n);
    return hits[n];
  };
  return { report, wgsl, line };
}

/** Replaces exactly one occurrence (the n-th) of `from`. */
function replaceOnce(source: string, from: string, to: string, n = 0): string {
  let at = -1;
  for (let k = 0; k <= n; k++) {
    at = source.indexOf(from, at + 1);
    expect(at, `"${from}" occurs ${n + 1} times`).toBeGreaterThanOrEqual(0);
  }
  return source.slice(0, at) + to + source.slice(at + from.length);
}

const findings = (r: CheckReport, kind: Finding['kind']) => r.problems.filter((p): p is CheckProblem & { finding: Finding } => p.kind === kind && !!p.finding);
const compileErrors = (r: CheckReport) => r.problems.filter((p) => p.kind === 'compile' && p.severity === 'error');
const TILED = { M: 20, N: 24, K: 36, tile: 8 };

describe('seeded bugs are caught, with the right line', () => {
  it('tiled matmul without the barrier after staging: read-after-write on the tiles', async () => {
    const s = await seeded('matmul', 'tiled', TILED, (w) => replaceOnce(w, 'workgroupBarrier();', '// barrier removed', 0));
    expect(compileErrors(s.report)).toEqual([]);
    const hazards = findings(s.report, 'hazard');
    const onA = hazards.find((p) => p.finding.kind === 'hazard' && p.finding.variable === 'tileA')!;
    expect(onA.finding).toMatchObject({
      hazard: 'read-after-write',
      first: { access: 'write', line: s.line('tileA[lid.y * T + lid.x] = aValue;') },
      second: { access: 'read', line: s.line('acc += tileA') },
    });
    expect(hazards.some((p) => p.finding.kind === 'hazard' && p.finding.variable === 'tileB')).toBe(true);
    expect(onA.message).toMatch(
      /^Read-after-write race on `tileA\[\d+\]` .*invocation \(\d+,\d+,0\) reads it at line \d+ after invocation \(\d+,\d+,0\) wrote it at line \d+/,
    );
    const f = onA.finding as Extract<Finding, { kind: 'hazard' }>;
    expect(f.first.invocation).not.toEqual(f.second.invocation);
  });

  it('tiled matmul without the barrier after the inner product: write-after-read', async () => {
    const s = await seeded('matmul', 'tiled', TILED, (w) => replaceOnce(w, 'workgroupBarrier();', '// barrier removed', 1));
    expect(compileErrors(s.report)).toEqual([]);
    const onA = findings(s.report, 'hazard').find((p) => p.finding.kind === 'hazard' && p.finding.variable === 'tileA')!;
    expect(onA.finding).toMatchObject({
      hazard: 'write-after-read',
      first: { access: 'read', line: s.line('acc += tileA') },
      second: { access: 'write', line: s.line('tileA[lid.y * T + lid.x] = aValue;') },
    });
  });

  it('Hillis–Steele scan without double buffering: a race on the one buffer', async () => {
    const s = await seeded('scan', 'hillis-steele', {}, (w) =>
      replaceOnce(
        replaceOnce(
          replaceOnce(replaceOnce(w, 'var value = levels[src * WG + i];', 'var value = levels[i];'), 'levels[src * WG + i - offset]', 'levels[i - offset]'),
          'levels[(1u - src) * WG + i] = value;',
          'levels[i] = value;',
        ),
        'src = 1u - src;',
        '',
      ),
    );
    expect(compileErrors(s.report)).toEqual([]);
    const hazard = findings(s.report, 'hazard').find((p) => p.finding.kind === 'hazard' && p.finding.variable === 'levels')!;
    expect(hazard, 'a hazard on levels').toBeDefined();
    expect(new Set(hazard.lines)).toEqual(new Set([s.line('value = combine(levels[i - offset], value);'), s.line('levels[i] = value;')]));
  });

  it('a tree reduction with its barrier inside the divergent branch: non-uniform barrier', async () => {
    const s = await seeded('matmul', 'reduce', {}, (w) =>
      replaceOnce(w, 'sums[t] += sums[t + half];\n    }\n    workgroupBarrier();', 'sums[t] += sums[t + half];\n      workgroupBarrier();\n    }'),
    );
    const [divergent] = findings(s.report, 'barrier-divergence');
    expect(divergent.line).toBe(s.line('workgroupBarrier();', 1));
    expect(divergent.finding).toMatchObject({ arrived: 32, total: 64 });
    expect(divergent.message).toMatch(/^Non-uniform barrier at line \d+: workgroupBarrier\(\) was reached by 32 of the 64 invocations/);
    // Dawn's uniformity analysis rejects this one too.
    expect(
      compileErrors(s.report)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/uniform/);
  });

  it('a loop bound off by one (k <= K): out-of-bounds reads, with index and length', async () => {
    const s = await seeded('matmul', 'naive', {}, (w) => replaceOnce(w, 'k < K;', 'k <= K;'));
    expect(compileErrors(s.report)).toEqual([]);
    const oob = findings(s.report, 'out-of-bounds').find((p) => p.finding.kind === 'out-of-bounds' && p.finding.array === 'b')!;
    expect(oob.line).toBe(s.line('acc += a[row * K + k] * b[k * N + col];'));
    // b is K×N = 36×24 = 864 elements; k = K reads row 36.
    expect(oob.finding).toMatchObject({ space: 'storage', length: 864, access: 'read' });
    expect((oob.finding as Extract<Finding, { kind: 'out-of-bounds' }>).index).toBeGreaterThanOrEqual(864);
    expect(oob.message).toMatch(/^Out of bounds at line \d+: index \d+ into storage array `b` of length 864/);
  });

  it('tiled matmul without the guard on its store: out-of-bounds writes at the edge', async () => {
    const s = await seeded('matmul', 'tiled', TILED, (w) =>
      replaceOnce(w, 'if (row < M && col < N) {\n    c[row * N + col] = acc;\n  }', 'c[row * N + col] = acc;'),
    );
    expect(compileErrors(s.report)).toEqual([]);
    const [oob] = findings(s.report, 'out-of-bounds');
    expect(oob.line).toBe(s.line('c[row * N + col] = acc;'));
    expect(oob.finding).toMatchObject({ array: 'c', length: 480, access: 'write' });
  });

  it('Blelloch scan without the barrier in its down-sweep: a race on the tree', async () => {
    const s = await seeded('scan', 'blelloch', {}, (w) => replaceOnce(w, 'offset /= 2u;\n      workgroupBarrier();', 'offset /= 2u;'));
    expect(compileErrors(s.report)).toEqual([]);
    const hazard = findings(s.report, 'hazard').find((p) => p.finding.kind === 'hazard' && p.finding.variable === 'tree')!;
    const sweep = [s.line('let leftSubtree = tree[left];'), s.line('tree[left] = tree[right];'), s.line('tree[right] = combine(tree[right], leftSubtree);')];
    for (const l of hazard.lines!) expect(sweep).toContain(l);
  });

  it('every invocation staging into one slot (a forgotten + lid.x): write-after-write', async () => {
    const s = await seeded('matmul', 'tiled', TILED, (w) => replaceOnce(w, 'tileA[lid.y * T + lid.x] = aValue;', 'tileA[lid.y * T] = aValue;'));
    expect(compileErrors(s.report)).toEqual([]);
    const waw = findings(s.report, 'hazard').find((p) => p.finding.kind === 'hazard' && p.finding.hazard === 'write-after-write')!;
    expect(waw.finding).toMatchObject({
      variable: 'tileA',
      first: { line: s.line('tileA[lid.y * T] = aValue;') },
      second: { line: s.line('tileA[lid.y * T] = aValue;') },
    });
  });

  it('a reduction tree that starts one level too high: out-of-bounds in workgroup memory', async () => {
    const s = await seeded('matmul', 'reduce', {}, (w) => replaceOnce(w, 'var half = WG / 2u;', 'var half = WG;'));
    expect(compileErrors(s.report)).toEqual([]);
    const oob = findings(s.report, 'out-of-bounds').find((p) => p.finding.kind === 'out-of-bounds' && p.finding.array === 'sums')!;
    expect(oob.line).toBe(s.line('sums[t] += sums[t + half];'));
    expect(oob.finding).toMatchObject({ space: 'workgroup', length: 64 });
  });

  it('an early return before the barriers: non-uniform barrier', async () => {
    const s = await seeded('scan', 'hillis-steele', {}, (w) => replaceOnce(w, 'let i = lid.x;', 'let i = lid.x;\n  if (i >= 200u) {\n    return;\n  }'));
    const [divergent] = findings(s.report, 'barrier-divergence');
    expect(divergent.line).toBe(s.line('workgroupBarrier();'));
    expect(divergent.finding).toMatchObject({ arrived: 200, total: 256, missingExample: [200, 0, 0] });
    expect(compileErrors(s.report).length).toBeGreaterThan(0);
  });

  it('a store that forgets the column (c[row * N]): two invocations write one output element', async () => {
    const s = await seeded('matmul', 'naive', {}, (w) => replaceOnce(w, 'c[row * N + col] = acc;', 'c[row * N] = acc;'));
    expect(compileErrors(s.report)).toEqual([]);
    const race = findings(s.report, 'hazard').find((p) => p.finding.kind === 'hazard' && p.finding.space === 'storage')!;
    expect(race.finding).toMatchObject({
      hazard: 'write-after-write',
      variable: 'c',
      first: { line: s.line('c[row * N] = acc;') },
      second: { line: s.line('c[row * N] = acc;') },
    });
    expect(race.message).toMatch(/^Write-after-write race on `c\[\d+\]` \(storage buffer `c`\): invocation \(\d+,\d+,0\) of workgroup \(\d+,\d+,0\) writes it/);
  });

  it('a subgroup-matrix store run by part of a subgroup: non-uniform at subgroup scope', async () => {
    // SwiftShader has no subgroup matrices: Dawn's null backend compiles, the interpreter runs.
    const { device, caps: nullCaps } = await nodeCompileOnlyDevice(['subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix']);
    const caps = { ...nullCaps, subgroupMatrixConfigs: [{ componentType: 'f16', resultComponentType: 'f16', M: 8, N: 8, K: 8 }] };
    const variant = findVariant('matmul', 'subgroup-matrix')!;
    const params = { ...smallParams('matmul', 'subgroup-matrix', defaultExperiment('matmul', 'subgroup-matrix').params), WGM: 2, WGN: 1 };
    const plan = variant.plan(params, variant.makeInputs(params, 5), caps);
    // A condition on local_invocation_index splits every subgroup. Dawn's subgroup-scope
    // uniformity analysis rejects this too (as it does the divergent barriers above); the
    // interpreter reports it at run time, also where no compiler is in the loop.
    const wgsl = replaceOnce(
      replaceOnce(
        plan.dispatches[0].wgsl,
        '@builtin(subgroup_size) subgroupSize : u32) {',
        '@builtin(subgroup_size) subgroupSize : u32, @builtin(local_invocation_index) index : u32) {',
      ),
      'storeC((row0 + 0u) * NP + col0 + 0u, acc[0]);',
      'if (index % 8u < 4u) {\n      storeC((row0 + 0u) * NP + col0 + 0u, acc[0]);\n    }',
    );
    const report = await checkKernel(
      device,
      { ...targetFromPlan(plan), dispatches: [{ ...plan.dispatches[0], wgsl }, ...plan.dispatches.slice(1)] },
      { maxWorkgroups: 1e9 },
    );
    expect(
      compileErrors(report)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/subgroupMatrixStore.*subgroup uniform control flow/);
    const [partial] = findings(report, 'barrier-divergence');
    const storeLine = wgsl.split('\n').findIndex((l) => l.includes('subgroupMatrixStore<')) + 1;
    expect(partial.finding).toMatchObject({ scope: 'subgroup', barrier: 'subgroupMatrixStore', line: storeLine, arrived: 16, total: 32 });
    expect(partial.message).toMatch(
      /^Non-uniform subgroup-matrix operation at line \d+: subgroupMatrixStore\(\) ran with 16 of the 32 invocations of subgroup \d+/,
    );
  });

  it('the unmodified kernels of these bugs are clean (so the findings come from the bugs)', async () => {
    for (const [family, id, extra] of [
      ['matmul', 'tiled', TILED],
      ['matmul', 'naive', {}],
      ['matmul', 'reduce', {}],
      ['scan', 'hillis-steele', {}],
      ['scan', 'blelloch', {}],
    ] as const) {
      const s = await seeded(family, id, extra, (w) => `${w}\n// unchanged`);
      expect(
        s.report.problems.filter((p) => p.severity !== 'info'),
        `${family}/${id}`,
      ).toEqual([]);
    }
  });
});
