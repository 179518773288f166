// The lesson panel: the step's explanation, what to look for, what to try next, and navigation.
import { lazy, Suspense } from 'react';
import { findLesson, LESSONS } from '../../lessons';
import { useLab } from '../../state/store';
import { goToLessonStep, leaveLesson, startLesson } from '../../state/urlSync';

// The exercises a step links to come with the exercises' chunk, after the lesson has drawn.
const LessonExercises = lazy(() => import('../exercises/LessonExercises').then((m) => ({ default: m.LessonExercises })));

export function LessonPicker() {
  const classroom = useLab((s) => s.classroom);
  return (
    <div className="lesson-picker">
      <label htmlFor="lesson-select">Lessons</label>
      <select id="lesson-select" value={classroom.lesson?.id ?? ''} onChange={(e) => (e.target.value ? startLesson(e.target.value) : leaveLesson())}>
        <option value="">Free experiment (no lesson)</option>
        {LESSONS.map((l) => (
          <option key={l.id} value={l.id}>
            {l.title}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The lesson as a strip above the result: where you are and the step's title with its buttons,
 * and the explanation in a box of bounded height (collapsed in presenter mode, where the chart
 * comes first), so the lesson never pushes the result out of view.
 */
export function LessonPanel() {
  const classroom = useLab((s) => s.classroom);
  const lesson = classroom.lesson ? findLesson(classroom.lesson.id) : undefined;
  if (!lesson || !classroom.lesson) return null;
  const index = classroom.lesson.step - 1;
  const step = lesson.steps[index];
  const presenter = classroom.mode === 'present';
  return (
    <section className="lesson" aria-label={`Lesson: ${lesson.title}`} data-testid="lesson">
      <div className="lesson-head">
        <div>
          <p className="lesson-meta">
            Lesson · {lesson.title} · step {index + 1} of {lesson.steps.length}
          </p>
          <h2>{step.title}</h2>
        </div>
        <div className="buttons">
          <button type="button" disabled={index === 0} onClick={() => goToLessonStep(index)}>
            ← Previous step
          </button>
          <button type="button" disabled={index === lesson.steps.length - 1} onClick={() => goToLessonStep(index + 2)}>
            Next step →
          </button>
          {!presenter && (
            <button type="button" onClick={leaveLesson}>
              Leave the lesson
            </button>
          )}
        </div>
      </div>
      <details className="lesson-body" open={!presenter} key={`${presenter}-${index}`}>
        <summary>{presenter ? 'Show the lesson text' : 'Explanation'}</summary>
        {step.body.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
        <p>
          <strong>Look for:</strong> {step.lookFor}
        </p>
        <p>
          <strong>Try this next:</strong> {step.tryNext}
        </p>
        <Suspense fallback={null}>
          <LessonExercises lesson={lesson.id} step={index + 1} />
        </Suspense>
      </details>
    </section>
  );
}
