// Every exercise judged on WebGPU (Dawn) exactly as Submit judges it: its solution passes its own
// judge; its starter and every plausible wrong answer it lists fail, with the verdict they must
// get, naming a failing shape or a line. Judging times are printed (the report quotes them).
import { afterAll, describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { EXERCISES } from '../../src/exercises';
import { judgeSubmission } from '../../src/workers/judge';

const times: string[] = [];

async function judge(exercise: string, source: string, speed = false) {
  const { device, caps, adapter } = await nodeDevice();
  return judgeSubmission(device, { exercise, source, speed }, { caps, adapter });
}

describe('exercises, judged on WebGPU (Dawn)', () => {
  afterAll(() => console.log(`judging times (solution, this machine):\n${times.join('\n')}`));

  for (const ex of EXERCISES) {
    describe(ex.id, () => {
      it('the solution passes its own judge', async () => {
        const v = await judge(ex.id, ex.solution);
        times.push(`  ${ex.id.padEnd(16)} ${v.judgeSeconds.toFixed(2)} s`);
        expect(v.message, v.message).toMatch(/^Passed/);
        expect(v.passed).toBe(true);
        expect(v.kind).toBe('passed');
        expect(v.shapes.length).toBe(ex.shapes.length);
        expect(v.shapes.every((s) => s.passed && s.worstBoundRatio <= 1)).toBe(true);
        expect(v.checked).toMatch(/^every workgroup/);
        expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
      });

      it(`the starter fails (${ex.starterVerdict})`, async () => {
        const v = await judge(ex.id, ex.starter);
        expect(v.passed).toBe(false);
        expect(v.kind, v.message).toBe(ex.starterVerdict);
      });

      for (const wrong of ex.wrong) {
        it(`a wrong answer fails: ${wrong.mistake} (${wrong.verdict})`, async () => {
          expect(wrong.source).not.toBe(ex.solution);
          const v = await judge(ex.id, wrong.source);
          expect(v.passed).toBe(false);
          expect(v.kind, v.message).toBe(wrong.verdict);
          if (wrong.verdict === 'wrong' || wrong.verdict === 'not-finite' || wrong.verdict === 'repeat') {
            // The verdict names the first failing shape and its worst element.
            const failed = v.shapes[v.failedShape!];
            expect(failed.passed).toBe(false);
            expect(v.message).toContain(failed.text);
            if (wrong.verdict !== 'repeat') expect(failed.worst?.outside).toBeGreaterThan(0);
          } else if (wrong.verdict === 'endless-loop') {
            expect(v.line).toBeGreaterThan(0);
            expect(v.message).toMatch(/ran more than \d+ times in one invocation/);
            expect(v.shapes.length).toBeLessThan(ex.shapes.length);
          } else {
            // The hazard, index or barrier with its line.
            expect(v.line, v.message).toBeGreaterThan(0);
            expect(v.message).toContain(`line ${v.line}`);
          }
        });
      }
    });
  }
});

describe('speed goals: the student kernel and the built-in timed alternately in one run', () => {
  for (const ex of EXERCISES.filter((e) => e.speedGoal)) {
    it(`${ex.id}: the solution against ${ex.speedGoal!.label}`, async () => {
      const v = await judge(ex.id, ex.solution, true);
      expect(v.passed, v.message).toBe(true);
      const s = v.speed!;
      // A ratio of two medians measured here, never an absolute time: finite and positive. Its
      // size is not asserted (a shared software adapter is noisy), only that the verdict says it.
      expect(s.ratio).toBeGreaterThan(0);
      expect(Number.isFinite(s.ratio)).toBe(true);
      expect(s.met).toBe(s.ratio >= ex.speedGoal!.ratio);
      expect(s.studentSeconds).toBeGreaterThan(0);
      expect(s.builtInSeconds).toBeGreaterThan(0);
      expect(v.message).toContain('Speed:');
      times.push(`  ${ex.id.padEnd(16)} with speed goal ${v.judgeSeconds.toFixed(2)} s (ratio ${s.ratio.toFixed(2)})`);
    });
  }

  it('a failing kernel is not timed', async () => {
    const ex = EXERCISES.find((e) => e.id === 'tiled-matmul')!;
    const v = await judge(ex.id, ex.starter, true);
    expect(v.passed).toBe(false);
    expect(v.speed).toBeUndefined();
  });
});
