// Under a lesson step: the exercises that ask what it teaches (each exercise file names its lessons).
import { EXERCISES } from '../../exercises';
import { go } from '../../state/exercises';

export function LessonExercises({ lesson, step }: { lesson: string; step: number }) {
  const asks = EXERCISES.filter((e) => e.lessons.some((l) => l.lesson === lesson && (l.step === undefined || l.step === step)));
  if (!asks.length) return null;
  return (
    <p className="lesson-exercises" data-testid="lesson-exercises">
      <strong>Try it yourself:</strong>{' '}
      {asks.map((e, i) => (
        <span key={e.id}>
          {i > 0 && ' · '}
          <a
            href={`#exercise=${e.id}`}
            onClick={(ev) => {
              ev.preventDefault();
              go({ page: 'exercise', id: e.id });
            }}
          >
            {e.title}
          </a>
        </span>
      ))}
    </p>
  );
}
