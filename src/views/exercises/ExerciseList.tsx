// The Exercises menu: every exercise by level, with what it teaches and the student's progress;
// progress export and import, and a file of all results for the teacher.
import { useRef, useState } from 'react';
import { EXERCISES } from '../../exercises';
import { LEVEL_NAMES, type ExerciseLevel } from '../../exercises/types';
import { exportProgress, go, importProgress, lastSubmissions, setStudent, useExercises } from '../../state/exercises';
import { progressFile, submissionsFile } from '../../state/progress';
import { downloadText } from '../download';

function Status({ id }: { id: string }) {
  const p = useExercises((s) => s.progress[id]);
  if (!p || (p.attempts === 0 && !p.passed)) return <span className="status-tag muted">not started</span>;
  if (p.passed) return <span className="status-tag ok">✓ passed{p.solutionViewed ? ' (solution viewed)' : ''}</span>;
  return <span className="status-tag">attempted {p.attempts}×</span>;
}

export function ExerciseList() {
  const student = useExercises((s) => s.student);
  const loaded = useExercises((s) => s.loaded);
  const passed = useExercises((s) => EXERCISES.filter((e) => s.progress[e.id]?.passed).length);
  const [message, setMessage] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const levels = [...new Set(EXERCISES.map((e) => e.level))] as ExerciseLevel[];
  return (
    <section aria-labelledby="exercises-title">
      <h2 id="exercises-title">Exercises</h2>
      <p>
        Write the kernel; Kernel Lab judges it on your own GPU: hidden test shapes against a float64 reference, then a race and bounds checker, and for the last
        ones a speed goal against a built-in kernel timed in the same run. Nothing leaves your browser unless you send the result link.
      </p>
      <p className="muted" role="status">
        {loaded ? `${passed} of ${EXERCISES.length} passed in this browser.` : 'Reading your progress…'}
      </p>
      {levels.map((level) => (
        <div key={level} className="level">
          <h3>{LEVEL_NAMES[level]}</h3>
          <ol className="exercise-list">
            {EXERCISES.filter((e) => e.level === level).map((e) => (
              <li key={e.id}>
                <a
                  href={`#exercise=${e.id}`}
                  onClick={(ev) => {
                    ev.preventDefault();
                    go({ page: 'exercise', id: e.id });
                  }}
                >
                  {e.title}
                </a>{' '}
                <Status id={e.id} />
                <div className="muted">{e.teaches}</div>
              </li>
            ))}
          </ol>
        </div>
      ))}
      <section className="progress-files" aria-label="Your progress">
        <h3>Your progress</h3>
        <label>
          Your name (shown on the class board){' '}
          <input type="text" value={student} maxLength={60} onChange={(e) => setStudent(e.target.value)} placeholder="optional" />
        </label>
        <div className="buttons">
          <button
            type="button"
            onClick={() => downloadText('kernel-lab-results.json', submissionsFile(lastSubmissions()), 'application/json')}
            disabled={lastSubmissions().length === 0}
          >
            Download all my results (for the teacher)
          </button>
          <button
            type="button"
            onClick={() => {
              const { name, records, student: who } = exportProgress();
              downloadText(name, progressFile(records, who), 'application/json');
            }}
          >
            Export my progress
          </button>
          <button type="button" onClick={() => file.current?.click()}>
            Import progress…
          </button>
          <input
            ref={file}
            type="file"
            accept=".json,application/json"
            hidden
            aria-label="Progress file to import"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) setMessage(await importProgress(await f.text()));
            }}
          />
        </div>
        {message && <p role="status">{message}</p>}
      </section>
    </section>
  );
}
