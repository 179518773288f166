// A student's progress on the exercises, and the teacher's class board, kept in this browser
// (IndexedDB, a database of their own beside History's): drafts, hints shown, whether the solution
// was viewed, attempts, and the last result of each exercise. It survives reloads and works
// offline; it can be exported to a file and imported again (checked whole, as History's files).
import * as v from 'valibot';
import { findExercise } from '../exercises';
import type { BoardEntry } from './board';
import { verifySubmission, type Submission } from './submission';
import { databaseOpener, done } from './idb';

export interface ExerciseProgress {
  exercise: string;
  /** The source as the student left it. */
  draft: string;
  /** Hints revealed (one at a time). */
  hintsShown: number;
  /** The student opened the solution (recorded with every later result). */
  solutionViewed: boolean;
  attempts: number;
  /** Passed at least once. */
  passed: boolean;
  /** The last Submit's result, sealed. */
  last?: Submission;
  updatedAt: string;
}

export const PROGRESS_FILE_KIND = 'kernel-lab-progress';
export const SUBMISSIONS_FILE_KIND = 'kernel-lab-submissions';

export function emptyProgress(exercise: string): ExerciseProgress {
  return {
    exercise,
    draft: findExercise(exercise)?.starter ?? '',
    hintsShown: 0,
    solutionViewed: false,
    attempts: 0,
    passed: false,
    updatedAt: new Date(0).toISOString(),
  };
}

// ---- checking (records read back, and imported files) -------------------------------------------

const progressSchema = v.object({
  exercise: v.pipe(v.string(), v.maxLength(60)),
  draft: v.pipe(v.string(), v.maxLength(64_000)),
  hintsShown: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
  solutionViewed: v.boolean(),
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e9)),
  passed: v.boolean(),
  last: v.optional(v.unknown()),
  updatedAt: v.pipe(
    v.string(),
    v.maxLength(40),
    v.check((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
  ),
});

/** One progress record, checked: the record, or a sentence. The last result must pass the board's own check. */
export function checkProgress(raw: unknown, where: string): { progress: ExerciseProgress } | { problem: string } {
  const parsed = v.safeParse(progressSchema, raw);
  if (!parsed.success) return { problem: `${where}: ${v.getDotPath(parsed.issues[0]) ?? 'the record'} ${parsed.issues[0].message}` };
  const p = parsed.output;
  const exercise = findExercise(p.exercise);
  if (!exercise) return { problem: `${where}: there is no exercise "${p.exercise}"` };
  if (p.hintsShown > exercise.hints.length) return { problem: `${where}: ${p.hintsShown} hints shown, and the exercise has ${exercise.hints.length}` };
  let last: Submission | undefined;
  if (p.last !== undefined) {
    const checked = verifySubmission(p.last);
    if ('refusal' in checked) return { problem: `${where}: its last result is refused: ${checked.refusal.reason}` };
    if (checked.submission.exercise !== p.exercise) return { problem: `${where}: its last result is for another exercise` };
    last = checked.submission;
  }
  return {
    progress: {
      exercise: p.exercise,
      draft: p.draft,
      hintsShown: p.hintsShown,
      solutionViewed: p.solutionViewed,
      attempts: p.attempts,
      passed: p.passed,
      ...(last ? { last } : {}),
      updatedAt: p.updatedAt,
    },
  };
}

/** A progress file: every record valid, or the file is refused whole with the first reason. */
export function readProgressFile(text: string): { records: ExerciseProgress[]; student: string } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'the file is not JSON' };
  }
  const d = data as { kind?: unknown; progress?: unknown; student?: unknown };
  if (!d || typeof d !== 'object' || d.kind !== PROGRESS_FILE_KIND || !Array.isArray(d.progress)) return { problem: 'this is not a Kernel Lab progress file' };
  if (d.progress.length > 500) return { problem: 'the file holds more records than there are exercises' };
  const records: ExerciseProgress[] = [];
  for (const [i, raw] of d.progress.entries()) {
    const checked = checkProgress(raw, `record ${i + 1}`);
    if ('problem' in checked) return checked;
    records.push(checked.progress);
  }
  const student = typeof d.student === 'string' ? d.student.slice(0, 60) : '';
  return { records, student };
}

/**
 * Two records of one exercise into one: nothing learned is lost (hints, attempts, the solution
 * viewed and passed are the larger or either), and the newer draft and last result win.
 */
export function mergeProgress(a: ExerciseProgress, b: ExerciseProgress): ExerciseProgress {
  const newer = Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a;
  const last = !a.last ? b.last : !b.last ? a.last : Date.parse(b.last.date) > Date.parse(a.last.date) ? b.last : a.last;
  return {
    exercise: a.exercise,
    draft: newer.draft,
    hintsShown: Math.max(a.hintsShown, b.hintsShown),
    solutionViewed: a.solutionViewed || b.solutionViewed,
    attempts: Math.max(a.attempts, b.attempts),
    passed: a.passed || b.passed,
    ...(last ? { last } : {}),
    updatedAt: newer.updatedAt,
  };
}

export function progressFile(records: ExerciseProgress[], student: string): string {
  return JSON.stringify({ kind: PROGRESS_FILE_KIND, v: 1, exportedAt: new Date().toISOString(), student, progress: records }, null, 1);
}

export function submissionsFile(submissions: Submission[]): string {
  return JSON.stringify({ kind: SUBMISSIONS_FILE_KIND, v: 1, exportedAt: new Date().toISOString(), submissions }, null, 1);
}

// ---- IndexedDB --------------------------------------------------------------------------------

const DB_NAME = 'kernel-lab-exercises';
const DB_VERSION = 1;
const PROGRESS = 'progress';
const BOARD = 'board';
const META = 'meta';

const openDb = databaseOpener(DB_NAME, DB_VERSION, 'progress cannot be saved', (db) => {
  if (!db.objectStoreNames.contains(PROGRESS)) db.createObjectStore(PROGRESS, { keyPath: 'exercise' });
  if (!db.objectStoreNames.contains(BOARD)) db.createObjectStore(BOARD, { keyPath: 'key' });
  if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
});

async function getAll(store: string): Promise<unknown[]> {
  const db = await openDb();
  const tx = db.transaction(store, 'readonly');
  const request = tx.objectStore(store).getAll();
  await done(tx);
  return request.result as unknown[];
}

async function put(store: string, records: unknown[]): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(store, 'readwrite');
  for (const r of records) tx.objectStore(store).put(r);
  await done(tx);
}

/** Every readable progress record, and what could not be read (kept in storage, never shown). */
export async function loadProgress(): Promise<{ records: ExerciseProgress[]; unreadable: string[]; student: string }> {
  const raw = await getAll(PROGRESS);
  const records: ExerciseProgress[] = [];
  const unreadable: string[] = [];
  raw.forEach((r, i) => {
    const checked = checkProgress(r, `saved progress ${i + 1}`);
    if ('problem' in checked) unreadable.push(checked.problem);
    else records.push(checked.progress);
  });
  const meta = (await getAll(META)) as { key?: string; value?: unknown }[];
  const name = meta.find((m) => m.key === 'student')?.value;
  return { records, unreadable, student: typeof name === 'string' ? name.slice(0, 60) : '' };
}

export const saveProgress = (records: ExerciseProgress[]) => put(PROGRESS, records);
export const saveStudentName = (name: string) => put(META, [{ key: 'student', value: name.slice(0, 60) }]);

/** The board's entries, each checked again as a pasted link would be. */
export async function loadBoard(): Promise<{ entries: BoardEntry[]; unreadable: number }> {
  const raw = (await getAll(BOARD)) as Partial<BoardEntry>[];
  const entries: BoardEntry[] = [];
  let unreadable = 0;
  for (const r of raw) {
    const checked = verifySubmission(r?.submission);
    if ('refusal' in checked || typeof r.addedAt !== 'string' || r.key !== checked.submission.seal) {
      unreadable++;
      continue;
    }
    const rejudged =
      r.rejudged && typeof r.rejudged === 'object' && typeof r.rejudged.passed === 'boolean'
        ? {
            passed: r.rejudged.passed,
            kind: String(r.rejudged.kind).slice(0, 20),
            device: String(r.rejudged.device).slice(0, 120),
            date: String(r.rejudged.date).slice(0, 40),
          }
        : undefined;
    entries.push({ key: r.key, submission: checked.submission, addedAt: r.addedAt.slice(0, 40), ...(rejudged ? { rejudged } : {}) });
  }
  entries.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  return { entries, unreadable };
}

export const saveBoardEntries = (entries: BoardEntry[]) => put(BOARD, entries);

export async function clearBoardStore(): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(BOARD, 'readwrite');
  tx.objectStore(BOARD).clear();
  await done(tx);
}

export async function deleteBoardEntry(key: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(BOARD, 'readwrite');
  tx.objectStore(BOARD).delete(key);
  await done(tx);
}
