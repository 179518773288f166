// The exercise files, read as data: everything the judge and the page rely on is there and
// consistent (the GPU tests in tests/gpu/exercises.test.ts run them).
import { describe, expect, it } from 'vitest';
import { EXERCISES, findExercise } from '../../src/exercises';
import { assembleVerdict } from '../../src/exercises/verdict';
import { validateExperiment } from '../../src/kernels/experiment';
import { coerceParams, defaultParams } from '../../src/kernels/schema';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { findLesson } from '../../src/lessons';
import { checkBindings } from '../../src/checker';

const TOPICS = [
  'map',
  'zip',
  'guard',
  'broadcast',
  'transpose',
  'block-sum',
  'dot',
  'hillis-steele',
  'blelloch',
  'naive-matmul',
  'tiled-matmul',
  'micro-tile',
  'int4-gemv',
  'csr-spmv',
  'linear-scan',
];

describe('exercises', () => {
  it('at least 14, with the topics the course needs, ids unique', () => {
    expect(EXERCISES.length).toBeGreaterThanOrEqual(14);
    expect(EXERCISES.map((e) => e.id)).toEqual(TOPICS);
    expect(new Set(EXERCISES.map((e) => e.id)).size).toBe(EXERCISES.length);
    expect(findExercise('no-such-exercise')).toBeUndefined();
  });

  for (const ex of EXERCISES) {
    describe(ex.id, () => {
      const full = (params: Record<string, number | string | boolean>) => ({ ...defaultParams(ex.harness.params), ...params });

      it('says what it teaches, with a statement, hints, a solution and wrong answers', () => {
        expect(ex.teaches.length).toBeGreaterThan(30);
        expect(ex.statement.length).toBeGreaterThan(0);
        expect(ex.hints.length).toBeGreaterThan(0);
        expect(ex.wrong.length).toBeGreaterThan(0);
        expect(ex.starter).not.toBe(ex.solution);
        for (const w of ex.wrong) expect(w.source).not.toBe(ex.solution);
      });

      it('the starter and the solution declare exactly the contract’s bindings', () => {
        for (const source of [ex.starter, ex.solution]) {
          const errors = checkBindings(source, ex.contract.bindings, { outputBuffer: ex.contract.output, entryPoint: 'main' }).filter(
            (p) => p.severity === 'error',
          );
          expect(errors).toEqual([]);
          expect(source).toContain(`@workgroup_size(${ex.contract.workgroupSize.filter((s, i) => i === 0 || s !== 1).join(', ')})`);
        }
        expect(ex.contract.bindings.some((b) => b.name === ex.contract.output)).toBe(true);
      });

      it('every hidden shape is valid for the harness, and they include size 1 and a partial workgroup', () => {
        for (const shape of [...ex.shapes, ex.checkShape]) {
          expect(coerceParams(ex.harness.params, full(shape.params)).problems).toEqual([]);
          expect(ex.harness.checkLimits(full(shape.params), SPEC_DEFAULT_CAPS)).toEqual([]);
        }
        expect(ex.shapes.some((s) => Object.values(s.params).some((v) => v === 1))).toBe(true);
        // Some shape launches more invocations than it has outputs: the guard is exercised.
        const [wx, wy, wz] = ex.contract.workgroupSize;
        const partial = ex.shapes.some((s) => {
          const p = full(s.params);
          const plan = ex.harness.plan(p, ex.harness.makeInputs(p, 1), SPEC_DEFAULT_CAPS);
          const [gx, gy = 1, gz = 1] = plan.dispatches[0].workgroups;
          return gx * gy * gz * wx * wy * wz > plan.output.count;
        });
        expect(partial).toBe(true);
      });

      it('its lesson links and speed goal point at things that exist', () => {
        for (const link of ex.lessons) {
          const lesson = findLesson(link.lesson);
          expect(lesson, link.lesson).toBeDefined();
          if (link.step) expect(link.step).toBeLessThanOrEqual(lesson!.steps.length);
        }
        if (ex.speedGoal) {
          const { problems } = validateExperiment(ex.speedGoal.builtIn);
          expect(problems).toEqual([]);
          expect(coerceParams(ex.harness.params, full(ex.speedGoal.params)).problems).toEqual([]);
          expect(ex.speedGoal.ratio).toBeGreaterThan(0);
        }
      });
    });
  }
});

describe('the verdict rules (exercises/verdict.ts)', () => {
  const ex = EXERCISES[0];
  const shape = (passed: boolean, text = 'n = 5') => ({
    text,
    passed,
    seconds: 1e-4,
    maxAbs: 0,
    worstBoundRatio: passed ? 0.1 : 9,
    ...(passed ? {} : { failureKind: 'wrong' as const, failure: `${text}: 3 of 5 outputs are outside the bound` }),
  });

  it('a compile error comes first, then the contract', () => {
    const v = assembleVerdict(ex, {
      static: [
        { kind: 'contract', severity: 'error', line: 3, message: 'binding 0 is wrong' },
        { kind: 'compile', severity: 'error', line: 9, message: 'line 9:2: unknown identifier' },
      ],
      shapes: [],
      check: null,
      judgeSeconds: 0.1,
    });
    expect(v.kind).toBe('compile');
    expect(v.line).toBe(9);
    expect(v.passed).toBe(false);
  });

  it('a proved out-of-bounds index outranks a race, which outranks a wrong shape; the failing shape is still named', () => {
    const check = [
      { kind: 'hazard' as const, severity: 'error' as const, line: 12, message: 'Write-after-read race at line 12' },
      { kind: 'out-of-bounds' as const, severity: 'error' as const, line: 7, message: 'Out of bounds at line 7' },
    ];
    const v = assembleVerdict(ex, { static: [], shapes: [shape(true, 'n = 1'), shape(false, 'n = 63')], check, checked: 'every workgroup', judgeSeconds: 1 });
    expect(v.kind).toBe('out-of-bounds');
    expect(v.line).toBe(7);
    expect(v.failedShape).toBe(1);
    expect(v.message).toContain('n = 63');
    const race = assembleVerdict(ex, { static: [], shapes: [shape(true)], check: [check[0]], judgeSeconds: 1 });
    expect(race.kind).toBe('hazard');
    expect(race.message).toContain('happened to be within the bound');
  });

  it('warnings of the checker (a construct it cannot run) do not fail a kernel', () => {
    const v = assembleVerdict(ex, {
      static: [],
      shapes: [shape(true)],
      check: [{ kind: 'unsupported', severity: 'warning', line: 4, message: 'stopped at line 4' }],
      checked: 'x',
      judgeSeconds: 1,
    });
    expect(v.passed).toBe(true);
    expect(v.kind).toBe('passed');
  });

  it('passes only when every shape passed', () => {
    expect(assembleVerdict(ex, { static: [], shapes: [shape(true), shape(false)], check: [], judgeSeconds: 1 }).kind).toBe('wrong');
    expect(assembleVerdict(ex, { static: [], shapes: [shape(true), shape(true)], check: [], judgeSeconds: 1 }).passed).toBe(true);
  });
});
