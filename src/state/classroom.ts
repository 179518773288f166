// Classroom fields of a link: mode (present / embed), hidden and locked controls, and the lesson
// step. They travel in the same hash as the experiment: #v=1&…&ui=present&hide=seed,reps&lesson=tiling&step=2
import { findLesson } from '../lessons';
import { escapeUntrusted } from '../kernels/schema';

export type ViewMode = 'normal' | 'present' | 'embed';

export interface Classroom {
  mode: ViewMode;
  /** Controls the teacher hid ('seed', 'reps', 'sweep', 'variant', 'family', or a parameter key). */
  hide: string[];
  /** Controls shown but not editable. */
  lock: string[];
  lesson: { id: string; step: number } | null;
}

export const DEFAULT_CLASSROOM: Classroom = { mode: 'normal', hide: [], lock: [], lesson: null };

/** Control names besides parameter keys that can be hidden or locked. */
export const CONTROL_NAMES = ['family', 'variant', 'seed', 'reps', 'sweep', 'cpu'];

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export function parseClassroom(extra: Record<string, string>): { classroom: Classroom; problems: string[] } {
  const problems: string[] = [];
  const classroom: Classroom = { ...DEFAULT_CLASSROOM, hide: [], lock: [] };
  if (extra.ui !== undefined) {
    if (extra.ui === 'present' || extra.ui === 'embed' || extra.ui === 'normal') classroom.mode = extra.ui;
    else problems.push(`ui "${clip(extra.ui)}" is not present, embed or normal; using the normal view`);
  }
  for (const field of ['hide', 'lock'] as const) {
    if (extra[field] === undefined) continue;
    for (const name of extra[field].split(',').filter(Boolean)) {
      if (KEY.test(name)) classroom[field].push(name);
      else problems.push(`${field}: "${clip(name)}" is not a control name; ignored`);
    }
  }
  if (extra.lesson !== undefined) {
    const lesson = findLesson(extra.lesson);
    if (!lesson) {
      problems.push(
        `the lesson "${clip(extra.lesson)}" does not exist (it may have been renamed or removed); showing the experiment in the link without a lesson`,
      );
    } else {
      let step = 1;
      if (extra.step !== undefined) {
        const n = Number(extra.step);
        if (Number.isInteger(n) && n >= 1 && n <= lesson.steps.length) step = n;
        else problems.push(`step "${clip(extra.step)}" of lesson "${lesson.title}" does not exist (it has ${lesson.steps.length}); showing step 1`);
      }
      classroom.lesson = { id: lesson.id, step };
    }
  } else if (extra.step !== undefined) {
    problems.push('a step was given without a lesson; ignored');
  }
  return { classroom, problems };
}

export function classroomFields(c: Classroom): Record<string, string> {
  const fields: Record<string, string> = {};
  if (c.mode !== 'normal') fields.ui = c.mode;
  if (c.hide.length) fields.hide = c.hide.join(',');
  if (c.lock.length) fields.lock = c.lock.join(',');
  if (c.lesson) {
    fields.lesson = c.lesson.id;
    fields.step = String(c.lesson.step);
  }
  return fields;
}

function clip(text: string): string {
  return escapeUntrusted(text, 32);
}
