// A lesson: a few steps, each a short explanation, a prepared experiment (as a share link's
// hash), what to look for, and what to try next. One readable file per lesson.
export interface LessonStep {
  title: string;
  /** Paragraphs of explanation; formulas written inline. */
  body: string[];
  /** The experiment, as the hash of a share link (#v=1&f=…). */
  experiment: string;
  lookFor: string;
  tryNext: string;
}

export interface Lesson {
  id: string;
  title: string;
  /** Which kernel family it needs (the lesson is hidden if the family is not built in). */
  family: string;
  summary: string;
  steps: LessonStep[];
}
