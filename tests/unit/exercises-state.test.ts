// The exercises' links and the progress records: what opens which page, and what a progress file
// must hold to be imported (all or nothing), and how two records of one exercise merge.
import { describe, expect, it } from 'vitest';
import { findExercise } from '../../src/exercises';
import { routeOf } from '../../src/state/exercises';
import { checkProgress, emptyProgress, mergeProgress, progressFile, readProgressFile, type ExerciseProgress } from '../../src/state/progress';
import { makeSubmission } from '../../src/state/submission';

describe('exercises links', () => {
  it('open the menu, an exercise, the board or a result; anything else is the lab’s', () => {
    expect(routeOf('#exercises')).toEqual({ route: { page: 'list' }, notice: null });
    expect(routeOf('#exercise=tiled-matmul')).toEqual({ route: { page: 'exercise', id: 'tiled-matmul' }, notice: null });
    expect(routeOf('#board')).toEqual({ route: { page: 'board' }, notice: null });
    expect(routeOf('#sub=abc_-1')).toEqual({ route: { page: 'board', incoming: 'abc_-1' }, notice: null });
    expect(routeOf('#exercise=nope')?.route).toEqual({ page: 'list' });
    expect(routeOf('#exercise=nope')?.notice).toContain('There is no exercise "nope"');
    expect(routeOf('#exercise=%E0%A4%A')?.route).toEqual({ page: 'list' });
    for (const lab of ['', '#', '#v=1&f=matmul&k=tiled', '#lesson=tiling&step=2', '#exercisesx']) expect(routeOf(lab)).toBeNull();
  });
});

const record = (over: Partial<ExerciseProgress> = {}): ExerciseProgress => ({
  ...emptyProgress('map'),
  draft: 'x',
  attempts: 2,
  updatedAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

describe('progress records', () => {
  it('a valid record passes; a bad one is refused with a sentence', () => {
    expect('progress' in checkProgress(record(), 'r')).toBe(true);
    expect(checkProgress({ ...record(), exercise: 'nope' }, 'r')).toEqual({ problem: 'r: there is no exercise "nope"' });
    expect(checkProgress({ ...record(), hintsShown: 9 }, 'r')).toEqual({ problem: 'r: 9 hints shown, and the exercise has 2' });
    expect('problem' in checkProgress({ ...record(), attempts: -1 }, 'r')).toBe(true);
    expect('problem' in checkProgress({ ...record(), draft: 5 }, 'r')).toBe(true);
  });

  it('a last result is kept only if the board would accept it', () => {
    const ex = findExercise('map')!;
    const last = makeSubmission({
      exercise: 'map',
      student: 'Ada',
      source: ex.solution,
      verdict: { exercise: 'map', passed: false, kind: 'wrong', message: 'm', shapes: [], findings: [], judgeSeconds: 1 },
      device: { name: 'd', class: 'c', software: false, browser: 'b' },
      hintsUsed: 0,
      solutionViewed: false,
      includeSource: false,
    });
    expect('progress' in checkProgress(record({ last }), 'r')).toBe(true);
    const forged = { ...last, solutionViewed: true };
    expect(checkProgress(record({ last: forged }), 'r')).toEqual({
      problem: 'r: its last result is refused: a field was changed after Submit: the seal does not match the rest of the result',
    });
  });

  it('a progress file is imported whole or not at all', () => {
    const good = progressFile([record(), record({ exercise: 'zip', draft: 'y' })], 'Ada');
    const read = readProgressFile(good);
    expect('records' in read && read.records.length).toBe(2);
    expect('records' in read && read.student).toBe('Ada');
    const bad = JSON.parse(good);
    bad.progress[1].hintsShown = 'many';
    expect('problem' in readProgressFile(JSON.stringify(bad))).toBe(true);
    expect(readProgressFile('{')).toEqual({ problem: 'the file is not JSON' });
    expect(readProgressFile('{"kind":"kernel-lab-submissions"}')).toEqual({ problem: 'this is not a Kernel Lab progress file' });
  });

  it('merging loses nothing learned, and the newer draft wins', () => {
    const a = record({ hintsShown: 2, solutionViewed: false, attempts: 5, passed: false, draft: 'old', updatedAt: '2026-05-01T10:00:00.000Z' });
    const b = record({ hintsShown: 1, solutionViewed: true, attempts: 3, passed: true, draft: 'new', updatedAt: '2026-05-02T10:00:00.000Z' });
    expect(mergeProgress(a, b)).toEqual({ ...b, hintsShown: 2, attempts: 5, solutionViewed: true, passed: true, draft: 'new' });
    expect(mergeProgress(b, a).draft).toBe('new');
  });
});
