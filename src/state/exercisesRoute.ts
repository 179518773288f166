// Where the student is among the exercises' pages (#exercises, #exercise=map, #board, #sub=…) and
// the store the exercises' views read. Kept light on purpose: the lab's first paint loads this
// module; the exercises themselves (their WGSL, the judge's client, progress and the board) load
// with the first exercises page (state/exercises.ts, views/exercises), never before.
import { create } from 'zustand';
import type { Verdict } from '../exercises/types';
import type { BoardEntry, BoardReport } from './board';
import type { ExerciseProgress } from './progress';
import type { Submission } from './submission';

export type ExercisesRoute = { page: 'list' } | { page: 'exercise'; id: string } | { page: 'board'; incoming?: string };

/** A Submit in flight, or the teacher's Re-judge of a board entry. */
export interface Judging {
  jobId: number;
  exercise: string;
  /** A board entry being re-judged (its key), or null for the student's own Submit. */
  rejudge: string | null;
  source: string;
  includeSource: boolean;
}

export interface ExercisesState {
  route: ExercisesRoute | null;
  /** The lab's link when the exercises were opened, to go back to. */
  labHash: string;
  /** A sentence about the link that was opened (an unknown exercise…). */
  routeNotice: string | null;
  loaded: boolean;
  progress: Record<string, ExerciseProgress>;
  /** Why progress cannot be read or saved, if it cannot. */
  storageError: string | null;
  student: string;
  includeSource: boolean;
  judging: Judging | null;
  /** This session's last verdict per exercise (with every finding; the saved result holds a summary). */
  verdicts: Record<string, Verdict>;
  /** The last Submit's link per exercise, or why there is none. */
  links: Record<string, { url?: string; error?: string }>;
  judgeError: string | null;
  board: BoardEntry[];
  boardReports: BoardReport[];
  /** A submission from a #sub= link, checked, waiting to be added to the board. */
  incoming: { submission?: Submission; refusal?: string } | null;
}

export const useExercises = create<ExercisesState>()(() => ({
  route: null,
  labHash: '',
  routeNotice: null,
  loaded: false,
  progress: {},
  storageError: null,
  student: '',
  includeSource: true,
  judging: null,
  verdicts: {},
  links: {},
  judgeError: null,
  board: [],
  boardReports: [],
  incoming: null,
}));

/**
 * The exercises' page a hash names, or null (the hash belongs to the lab). An exercise is named
 * as written: whether it exists is checked when the exercises have loaded (state/exercises.ts).
 */
export function routeOfLink(hash: string): ExercisesRoute | null {
  const text = hash.replace(/^#/, '');
  if (text === 'exercises') return { page: 'list' };
  if (text === 'board') return { page: 'board' };
  const sub = text.match(/^sub=([A-Za-z0-9_-]*)$/);
  if (sub) return { page: 'board', incoming: sub[1] };
  const ex = text.match(/^exercise=(.*)$/);
  if (!ex) return null;
  let id = ex[1];
  try {
    id = decodeURIComponent(id);
  } catch {
    return { page: 'list' }; // malformed: the list, with a notice once the exercises have loaded
  }
  return { page: 'exercise', id };
}

// What the exercises' module (state/exercises.ts) does with a link once it has loaded: check it
// (an unknown exercise goes to the list, saying so), read the progress, take in a #sub= submission.
// It registers itself when it loads (the views of an exercises page import it); until then the
// last link waits here.
let openRoute: ((hash: string) => void) | null = null;
let waitingHash: string | null = null;

export function onExercisesLink(handler: (hash: string) => void) {
  openRoute = handler;
  if (waitingHash !== null) handler(waitingHash);
  waitingHash = null;
}

/** Applies an exercises hash (true), or leaves it to the lab (false). Called by urlSync. */
export function applyExercisesHash(hash: string): boolean {
  const route = routeOfLink(hash);
  if (!route) {
    if (useExercises.getState().route) useExercises.setState({ route: null, routeNotice: null });
    waitingHash = null;
    return false;
  }
  useExercises.setState({ route, routeNotice: null, judgeError: null });
  if (openRoute) openRoute(hash);
  else waitingHash = hash;
  return true;
}

export function hashOf(route: ExercisesRoute): string {
  return route.page === 'list' ? '#exercises' : route.page === 'board' ? '#board' : `#exercise=${encodeURIComponent(route.id)}`;
}

/** Goes to an exercises page (a new history entry: Back returns). */
export function go(route: ExercisesRoute) {
  const s = useExercises.getState();
  if (!s.route) useExercises.setState({ labHash: window.location.hash });
  window.location.hash = hashOf(route);
}
