// The exercises' side of the page: where the student is (the Exercises menu, an exercise, the
// class board — all in the link: #exercises, #exercise=map, #board, #sub=…), their progress
// (state/progress.ts), Submit (a 'judge' job in the lab worker, workers/judge.ts) and the result
// link it makes, and the teacher's class board (state/board.ts). Nothing leaves the browser.
import { EXERCISES, findExercise } from '../exercises';
import type { Verdict } from '../exercises/types';
import type { FromWorker, JudgeRequest } from '../workers/protocol';
import { addToBoard, fileInputs, pastedInputs, type BoardInput, type BoardReport } from './board';
import { onWorkerMessage, startJob } from './labClient';
import {
  clearBoardStore,
  deleteBoardEntry,
  emptyProgress,
  loadBoard,
  loadProgress,
  mergeProgress,
  readProgressFile,
  saveBoardEntries,
  saveProgress,
  saveStudentName,
  type ExerciseProgress,
} from './progress';
import { onExercisesLink, routeOfLink, useExercises, type ExercisesRoute, type Judging } from './exercisesRoute';
import { useLab } from './store';
import { deviceOf, encodeSubmission, makeSubmission, readSubmission, type Submission } from './submission';

export type { ExercisesRoute, ExercisesState, Judging } from './exercisesRoute';
export { go, hashOf, useExercises } from './exercisesRoute';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---- the link ---------------------------------------------------------------------------------

/** The exercises' page a hash names, with a sentence when the link names no exercise; null: the lab's. */
export function routeOf(hash: string): { route: ExercisesRoute; notice: string | null } | null {
  const route = routeOfLink(hash);
  if (!route) return null;
  const named = hash.replace(/^#/, '').match(/^exercise=(.*)$/);
  if (named && (route.page !== 'exercise' || !findExercise(route.id))) {
    const id = route.page === 'exercise' ? route.id : named[1];
    return { route: { page: 'list' }, notice: `There is no exercise "${id.slice(0, 40)}" (it may have been renamed); here are all of them.` };
  }
  return { route, notice: null };
}

/** For each exercises link applyExercisesHash takes (state/exercisesRoute.ts). */
function openRoute(hash: string) {
  const found = routeOf(hash);
  if (!found) return;
  useExercises.setState({ route: found.route, routeNotice: found.notice });
  void ensureLoaded();
  if (found.route.page === 'board' && found.route.incoming !== undefined) void receive(found.route.incoming);
}

// ---- progress ---------------------------------------------------------------------------------

let loading: Promise<void> | null = null;

export function ensureLoaded(): Promise<void> {
  loading ??= (async () => {
    try {
      const [{ records, unreadable, student }, board] = await Promise.all([loadProgress(), loadBoard()]);
      const progress: Record<string, ExerciseProgress> = {};
      for (const r of records) progress[r.exercise] = r;
      const notes = [
        ...(unreadable.length ? [`${unreadable.length} saved progress record(s) could not be read and are not shown (${unreadable[0]})`] : []),
        ...(board.unreadable ? [`${board.unreadable} saved board entr${board.unreadable === 1 ? 'y' : 'ies'} could not be read and are not shown`] : []),
      ];
      useExercises.setState((s) => ({
        progress: { ...progress, ...s.progress },
        student: s.student || student,
        board: [...board.entries, ...s.board.filter((e) => !board.entries.some((b) => b.key === e.key))],
        loaded: true,
        storageError: notes.length ? notes.join('; ') : null,
      }));
    } catch (e) {
      useExercises.setState({ loaded: true, storageError: `Progress cannot be kept in this browser: ${errorText(e)}` });
    }
  })();
  return loading;
}

export function progressOf(id: string): ExerciseProgress {
  return useExercises.getState().progress[id] ?? emptyProgress(id);
}

const saveTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** `patch` may be a function of the record as it is then (after loading), e.g. a count to increase. */
function updateProgress(id: string, patch: Partial<ExerciseProgress> | ((p: ExerciseProgress) => Partial<ExerciseProgress>), now = false) {
  // Not before the saved progress is read: a draft typed (or a hint shown) while IndexedDB is
  // still answering would start from an empty record and overwrite the saved one (hints,
  // attempts, the last result), since this session's records win when the two are merged.
  if (!useExercises.getState().loaded) {
    void ensureLoaded().then(() => updateProgress(id, patch, now));
    return;
  }
  const current = progressOf(id);
  const next: ExerciseProgress = { ...current, ...(typeof patch === 'function' ? patch(current) : patch), exercise: id, updatedAt: new Date().toISOString() };
  useExercises.setState((s) => ({ progress: { ...s.progress, [id]: next } }));
  clearTimeout(saveTimers.get(id));
  const write = () =>
    saveProgress([useExercises.getState().progress[id]]).catch((e) => useExercises.setState({ storageError: `Progress could not be saved: ${errorText(e)}` }));
  if (now) void write();
  else saveTimers.set(id, setTimeout(write, 400));
}

export function setDraft(id: string, draft: string) {
  updateProgress(id, { draft: draft.slice(0, 64_000) });
}

export function resetDraft(id: string) {
  updateProgress(id, { draft: findExercise(id)!.starter }, true);
}

export function revealHint(id: string) {
  const ex = findExercise(id)!;
  updateProgress(id, (p) => ({ hintsShown: Math.min(ex.hints.length, p.hintsShown + 1) }), true);
}

/** Records that the solution was viewed (the page asks for confirmation first). */
export function viewSolution(id: string) {
  updateProgress(id, { solutionViewed: true }, true);
}

export function setStudent(name: string) {
  useExercises.setState({ student: name.slice(0, 60) });
  void saveStudentName(name).catch(() => {});
}

export function exportProgress(): { name: string; records: ExerciseProgress[]; student: string } {
  const s = useExercises.getState();
  return { name: 'kernel-lab-progress.json', records: EXERCISES.map((e) => s.progress[e.id]).filter((p): p is ExerciseProgress => !!p), student: s.student };
}

/** The student's last result of every exercise, for a file the teacher imports into the board. */
export function lastSubmissions(): Submission[] {
  const s = useExercises.getState();
  return EXERCISES.map((e) => s.progress[e.id]?.last).filter((x): x is Submission => !!x);
}

/** Imports a progress file (checked whole; merged record by record). Returns a sentence. */
export async function importProgress(text: string): Promise<string> {
  const read = readProgressFile(text);
  if ('problem' in read) return `Nothing was imported: ${read.problem}.`;
  const s = useExercises.getState();
  const merged = read.records.map((r) => (s.progress[r.exercise] ? mergeProgress(s.progress[r.exercise], r) : r));
  useExercises.setState((st) => ({
    progress: { ...st.progress, ...Object.fromEntries(merged.map((m) => [m.exercise, m])) },
    student: st.student || read.student,
  }));
  try {
    await saveProgress(merged);
  } catch (e) {
    return `Imported ${merged.length} exercise(s) for this session, but they could not be saved: ${errorText(e)}.`;
  }
  return `Imported progress on ${merged.length} exercise${merged.length === 1 ? '' : 's'}.`;
}

// ---- Submit -------------------------------------------------------------------------------------

/** The judge's time budget: past it the job is abandoned and the device recreated (labClient). */
const JUDGE_BUDGET_MS = 240_000;

function startJudging(exercise: string, source: string, rejudge: string | null, includeSource: boolean): boolean {
  listenForVerdicts();
  const request: JudgeRequest = { exercise, source, speed: true };
  useExercises.setState({ judgeError: null });
  const jobId = startJob('judge', (id) => ({ type: 'judge', id, request }), { budgetMs: JUDGE_BUDGET_MS });
  if (jobId === null) {
    useExercises.setState({ judgeError: 'Another run is in progress in the lab; wait for it to finish (or cancel it) and submit again.' });
    return false;
  }
  useExercises.setState({ judging: { jobId, exercise, rejudge, source, includeSource } });
  return true;
}

/** Judges the student's draft on this device (hidden shapes, the checker, the speed goal). */
export function submit(id: string): boolean {
  const p = progressOf(id);
  updateProgress(id, (now) => ({ attempts: now.attempts + 1 }), true);
  return startJudging(id, p.draft, null, useExercises.getState().includeSource);
}

/** The teacher judges a board entry's source again, on this browser's device. */
export function rejudge(key: string): boolean {
  const entry = useExercises.getState().board.find((e) => e.key === key);
  if (!entry?.submission.source) return false;
  return startJudging(entry.submission.exercise, entry.submission.source, key, false);
}

function onJudgeMessage(message: FromWorker) {
  const j = useExercises.getState().judging;
  if (!j || !('id' in message) || message.id !== j.jobId) return;
  if (message.type === 'judge-result') void judged(j, message.verdict, message.adapter);
  else if (message.type === 'error') useExercises.setState({ judging: null, judgeError: [message.message, ...(message.problems ?? [])].join(': ') });
  else if (message.type === 'cancelled') useExercises.setState({ judging: null, judgeError: 'Judging was cancelled.' });
  else if (message.type === 'done') useExercises.setState((s) => (s.judging?.jobId === message.id ? { judging: null } : {}));
}

let listening = false;
export function listenForVerdicts() {
  if (listening) return;
  listening = true;
  onWorkerMessage(onJudgeMessage);
  // A job that ends without a verdict (abandoned past its budget, a lost device, a worker that
  // had to be replaced) says why in the lab's error; show it here too.
  useLab.subscribe((state, previous) => {
    const j = useExercises.getState().judging;
    if (j && previous.job?.id === j.jobId && state.job?.id !== j.jobId) {
      setTimeout(() => {
        const still = useExercises.getState().judging;
        if (still?.jobId === j.jobId)
          useExercises.setState({ judging: null, judgeError: useLab.getState().error?.message ?? 'The judge stopped without a verdict.' });
      }, 50);
    }
  });
}

async function judged(j: Judging, verdict: Verdict, adapter: import('../gpu/types').AdapterDescription | null) {
  if (j.rejudge) {
    const board = useExercises.getState().board.map((e) =>
      e.key === j.rejudge
        ? {
            ...e,
            rejudged: { passed: verdict.passed, kind: verdict.kind, device: deviceOf(adapter, navigator.userAgent).name, date: new Date().toISOString() },
          }
        : e,
    );
    useExercises.setState({ board, judging: null });
    const changed = board.find((e) => e.key === j.rejudge);
    if (changed) void saveBoardEntries([changed]).catch(() => {});
    return;
  }
  const id = j.exercise;
  const p = progressOf(id);
  const submission = makeSubmission({
    exercise: id,
    student: useExercises.getState().student,
    source: j.source,
    verdict,
    device: deviceOf(adapter, navigator.userAgent),
    hintsUsed: p.hintsShown,
    solutionViewed: p.solutionViewed,
    includeSource: j.includeSource,
  });
  updateProgress(id, (now) => ({ last: submission, passed: now.passed || verdict.passed }), true);
  const encoded = await encodeSubmission(submission);
  const url = new URL(window.location.href);
  url.hash = 'error' in encoded ? '' : `sub=${encoded.code}`;
  useExercises.setState((s) => ({
    verdicts: { ...s.verdicts, [id]: verdict },
    links: { ...s.links, [id]: 'error' in encoded ? { error: encoded.error } : { url: url.toString() } },
    judging: null,
  }));
}

// ---- the class board ----------------------------------------------------------------------------

async function addInputs(inputs: BoardInput[]): Promise<BoardReport[]> {
  await ensureLoaded();
  const { entries, reports } = await addToBoard(useExercises.getState().board, inputs);
  const added = reports.filter((r): r is Extract<BoardReport, { added: true }> => r.added).map((r) => r.entry);
  useExercises.setState({ board: entries, boardReports: reports });
  if (added.length) await saveBoardEntries(added).catch((e) => useExercises.setState({ storageError: `The board could not be saved: ${errorText(e)}` }));
  return reports;
}

export const addPasted = (text: string) => addInputs(pastedInputs(text));

export async function addFile(name: string, text: string): Promise<BoardReport[]> {
  const inputs = fileInputs(name, text);
  if ('problem' in inputs) {
    const reports: BoardReport[] = [{ from: name, added: false, refusal: { kind: 'malformed', reason: inputs.problem } }];
    useExercises.setState({ boardReports: reports });
    return reports;
  }
  return addInputs(inputs);
}

/** A #sub= link opened in this browser: checked, shown, and added when the teacher says so. */
async function receive(code: string) {
  const read = await readSubmission(`sub=${code}`);
  useExercises.setState({ incoming: 'submission' in read ? { submission: read.submission } : { refusal: read.refusal.reason } });
}

export async function acceptIncoming() {
  const s = useExercises.getState().incoming?.submission;
  if (!s) return;
  await addInputs([{ from: 'the opened link', value: s }]);
  useExercises.setState({ incoming: null });
  window.history.replaceState(null, '', '#board');
}

export async function removeFromBoard(key: string) {
  useExercises.setState((s) => ({ board: s.board.filter((e) => e.key !== key) }));
  await deleteBoardEntry(key).catch(() => {});
}

export async function clearBoard() {
  useExercises.setState({ board: [], boardReports: [] });
  await clearBoardStore().catch(() => {});
}

// Last, once everything above is initialised: a link that waited for this module is opened now.
onExercisesLink(openRoute);
