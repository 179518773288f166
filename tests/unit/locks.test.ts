// Classroom locks hold on every path that changes the experiment, and a result leaves the
// results area when the kernel or the lesson step changes (issue 12, items 5 and 9).
import { beforeEach, describe, expect, it } from 'vitest';
import { parseLink } from '../../src/state/url';
import { DEFAULT_CLASSROOM } from '../../src/state/classroom';
import { openFromLink, useLab } from '../../src/state/store';
import { goToLessonStep, startLesson } from '../../src/state/urlSync';
import type { ExperimentResult } from '../../src/kernels/types';

function openLink(hash: string, lock: string[]) {
  openFromLink({
    experiment: parseLink(hash).experiment,
    classroom: { ...DEFAULT_CLASSROOM, lock, hide: [] },
    result: null,
    sweepPoints: [],
    sweepExperiment: null,
    notice: null,
  });
}

const fakeResult = (experiment = useLab.getState().experiment) => ({ experiment, variantLabel: 'x' }) as unknown as ExperimentResult;

describe('a locked field cannot change by any path', () => {
  beforeEach(() => openLink('#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=7&reps=2', ['tile', 'seed']));

  it('the form: setParam, setSeed', () => {
    useLab.getState().setParam('tile', '4');
    useLab.getState().setParam('M', '64');
    useLab.getState().setSeed(99);
    const e = useLab.getState().experiment;
    expect(e.params).toMatchObject({ tile: 8, M: 64 });
    expect(e.seed).toBe(7);
    expect(useLab.getState().notice).toContain('locked by the teacher');
  });

  it('the lesson picker and its steps (also what N / B on the keyboard call)', () => {
    startLesson('tiling'); // step 1 is the naive kernel: no tile parameter, seed 1 in its link
    expect(useLab.getState().experiment.seed).toBe(7);
    goToLessonStep(2); // the tiled kernel with tile=16 in its link
    const e = useLab.getState().experiment;
    expect(e.variant).toBe('tiled');
    expect(e.params.tile).toBe(8);
    expect(e.seed).toBe(7);
  });

  it('the sweep menu cannot sweep a locked parameter', () => {
    useLab.getState().setSweep({ param: 'tile', values: [2, 4, 8] });
    expect(useLab.getState().experiment.sweep).toBeUndefined();
    useLab.getState().setSweep({ param: 'M', values: [16, 32] });
    expect(useLab.getState().experiment.sweep).toEqual({ param: 'M', values: [16, 32] });
  });

  it("History's open, a lab panel's setExperiment, and setState from anywhere", () => {
    const other = parseLink('#v=1&f=matmul&k=tiled&M=16&N=16&K=16&tile=2&seed=3&reps=2').experiment;
    useLab.setState({ experiment: other, result: fakeResult(other) });
    expect(useLab.getState().experiment.params).toMatchObject({ tile: 8, M: 16 });
    useLab.getState().setExperiment(parseLink('#v=1&f=matmul&k=tiled&tile=32&seed=5').experiment);
    expect(useLab.getState().experiment.params.tile).toBe(8);
    expect(useLab.getState().experiment.seed).toBe(7);
  });

  it('a locked family or variant refuses the whole change', () => {
    openLink('#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=7&reps=2', ['variant']);
    const before = useLab.getState().experiment;
    useLab.getState().setVariant('naive');
    expect(useLab.getState().experiment).toBe(before);
    useLab.getState().setFamily('scan');
    expect(useLab.getState().experiment).toBe(before);
    expect(useLab.getState().notice).toContain('The variant is locked by the teacher');
  });

  it('a new link brings its own locks and values', () => {
    openLink('#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=4&seed=1&reps=2', []);
    expect(useLab.getState().experiment.params.tile).toBe(4);
    useLab.getState().setParam('tile', '2');
    expect(useLab.getState().experiment.params.tile).toBe(2);
  });
});

describe('charts belong to experiments', () => {
  beforeEach(() => openLink('#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:2,4', []));

  it('a variant, family or lesson-step change clears the result and the sweep chart', () => {
    const sweepExperiment = useLab.getState().experiment;
    useLab.setState({ result: fakeResult(), sweepExperiment, sweepPoints: [{ value: 2 }] });
    useLab.getState().setParam('M', '48'); // same kernel: kept (and shown as another experiment's)
    expect(useLab.getState().sweepExperiment).toBe(sweepExperiment);
    useLab.getState().setVariant('naive');
    expect(useLab.getState()).toMatchObject({ result: null, sweepPoints: [], sweepExperiment: null });

    useLab.setState({ result: fakeResult() });
    useLab.getState().setFamily('scan');
    expect(useLab.getState().result).toBeNull();

    startLesson('tiling');
    useLab.setState({ result: fakeResult() });
    goToLessonStep(1); // the same step's experiment again, but a step change all the same
    expect(useLab.getState().result).not.toBeNull();
    goToLessonStep(2);
    expect(useLab.getState().result).toBeNull();
  });

  it("History's open brings its own result", () => {
    const e = parseLink('#v=1&f=scan&k=blelloch').experiment;
    useLab.setState({ experiment: e, result: fakeResult(e) });
    expect(useLab.getState().result?.experiment).toBe(e);
  });
});
