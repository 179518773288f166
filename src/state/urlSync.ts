// Keeps the address bar and the store in step: the page opens the experiment (and the lesson,
// classroom settings and results snapshot) its link names, every edit updates the link
// (replaceState, so Back is not flooded), and pasting a new link into the same tab loads it.
import { findLesson } from '../lessons';
import type { Experiment } from '../kernels/types';
import { classroomFields, parseClassroom, type Classroom } from './classroom';
import { decodeSnapshot, encodeSnapshot, makeSnapshot } from './snapshot';
import { applyExercisesHash, useExercises } from './exercisesRoute';
import { openFromLink, useLab } from './store';
import { parseLink, serializeLink } from './url';

let lastWritten = '';
/** The encoded snapshot of the link this page was opened with, kept while it is shown. */
let snapshotText: string | null = null;

function currentHash(experiment: Experiment, classroom: Classroom): string {
  const extra = classroomFields(classroom);
  if (snapshotText && useLab.getState().snapshot) extra.snap = snapshotText;
  return serializeLink(experiment, extra);
}

function applyHash(hash: string) {
  // The Exercises menu, an exercise, the class board or a result link: not an experiment.
  if (applyExercisesHash(hash)) {
    lastWritten = hash;
    return;
  }
  const parsed = parseLink(hash);
  const { classroom, problems: classroomProblems } = parseClassroom(parsed.extra);
  let experiment = parsed.experiment;
  const problems = [...parsed.problems, ...classroomProblems];
  // A link that names only a lesson step opens that step's experiment.
  const lesson = classroom.lesson ? findLesson(classroom.lesson.id) : undefined;
  if (lesson && parsed.empty) experiment = parseLink(lesson.steps[classroom.lesson!.step - 1].experiment).experiment;
  // A link that names an experiment or a lesson runs by itself if it is predicted to be quick
  // (labClient.ts decides once the device is known); the plain start page waits for Run.
  const linkRun = parsed.empty && !lesson ? null : { state: 'waiting' as const };
  openFromLink({
    experiment,
    classroom,
    linkProblems: problems,
    result: null,
    sweepPoints: [],
    sweepExperiment: null,
    snapshot: null,
    linkRun,
    pendingRun: null,
  });
  snapshotText = parsed.extra.snap ?? null;
  if (snapshotText) {
    const text = snapshotText;
    void decodeSnapshot(text).then((decoded) => {
      if (snapshotText !== text) return;
      if ('snapshot' in decoded) useLab.setState({ snapshot: decoded.snapshot });
      else {
        snapshotText = null;
        useLab.setState((s) => ({ linkProblems: [...s.linkProblems, decoded.error] }));
      }
    });
  }
  const canonical = currentHash(experiment, classroom);
  if (problems.length || lesson) {
    // Show in the address bar what is actually used, so a re-shared link is clean.
    lastWritten = canonical;
    history.replaceState(null, '', canonical);
  } else {
    lastWritten = hash;
  }
}

export function startUrlSync() {
  applyHash(window.location.hash);
  useLab.subscribe((state, previous) => {
    if (state.experiment === previous.experiment && state.classroom === previous.classroom && state.snapshot === previous.snapshot) return;
    if (useExercises.getState().route) return; // the address bar shows the exercises' page
    const hash = currentHash(state.experiment, state.classroom);
    if (hash === lastWritten) return;
    lastWritten = hash;
    history.replaceState(null, '', hash);
  });
  window.addEventListener('hashchange', () => {
    if (window.location.hash === lastWritten) return;
    applyHash(window.location.hash);
  });
}

function urlWithHash(hash: string): string {
  const url = new URL(window.location.href);
  url.hash = hash;
  return url.toString();
}

/** The share link; with `withResults`, a snapshot of this device's results rides along. */
export async function shareLink(options: { withResults?: boolean; classroom?: Partial<Classroom> } = {}): Promise<{ url: string; note?: string }> {
  const state = useLab.getState();
  const classroom = { ...state.classroom, ...options.classroom };
  const extra = classroomFields(classroom);
  if (options.withResults) {
    const snapshot = currentResultsSnapshot();
    if (!snapshot)
      return { url: urlWithHash(serializeLink(state.experiment, extra)), note: 'There are no results for this experiment yet: run it first to include them.' };
    const encoded = await encodeSnapshot(snapshot);
    if ('error' in encoded) return { url: urlWithHash(serializeLink(state.experiment, extra)), note: encoded.error };
    extra.snap = encoded.text;
  }
  return { url: urlWithHash(serializeLink(state.experiment, extra)) };
}

function sameExperiment(a: Experiment, b: Experiment): boolean {
  return serializeLink({ ...a, reps: 1, sweep: undefined }) === serializeLink({ ...b, reps: 1, sweep: undefined });
}

/** This device's results for the current experiment: the sweep points, or the last single run. */
export function currentResultsSnapshot() {
  const s = useLab.getState();
  const e = s.experiment;
  if (e.sweep && s.sweepExperiment && serializeLink(s.sweepExperiment) === serializeLink(e)) {
    const done = s.sweepPoints.filter((p) => p?.result).map((p) => ({ x: p.value, result: p.result! }));
    return done.length ? makeSnapshot(done, e.sweep.param) : null;
  }
  if (!e.sweep && s.result && sameExperiment(s.result.experiment, e)) return makeSnapshot([{ x: null, result: s.result }], null);
  return null;
}

/** Moves to another step of the current lesson and loads its experiment. */
export function goToLessonStep(step: number) {
  const { classroom } = useLab.getState();
  const lesson = classroom.lesson ? findLesson(classroom.lesson.id) : undefined;
  if (!lesson || step < 1 || step > lesson.steps.length) return;
  const experiment = parseLink(lesson.steps[step - 1].experiment).experiment;
  useLab.setState({ classroom: { ...classroom, lesson: { id: lesson.id, step } }, experiment, linkProblems: [] });
}

export function startLesson(id: string) {
  const lesson = findLesson(id);
  if (!lesson) return;
  const { classroom } = useLab.getState();
  useLab.setState({
    classroom: { ...classroom, lesson: { id, step: 1 } },
    experiment: parseLink(lesson.steps[0].experiment).experiment,
    linkProblems: [],
    view: 'results',
  });
}

export function leaveLesson() {
  const { classroom } = useLab.getState();
  useLab.setState({ classroom: { ...classroom, lesson: null } });
}

export function dismissSnapshot() {
  snapshotText = null;
  useLab.setState({ snapshot: null });
}

/** Back from the exercises to the lab as it was left: its link, without reloading its experiment. */
export function leaveExercises() {
  const hash = useExercises.getState().labHash;
  useExercises.setState({ route: null, routeNotice: null });
  const lab = hash && !hash.match(/^#(exercises|board|exercise=|sub=)/) ? hash : currentHash(useLab.getState().experiment, useLab.getState().classroom);
  lastWritten = lab;
  history.pushState(null, '', lab);
}
