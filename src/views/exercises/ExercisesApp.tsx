// The exercises' pages (#exercises, #exercise=…, #board, #sub=…) inside the app shell: their own
// bar (Exercises, Class board, back to the lab) and the device panel; the lab's worker judges.
import { useEffect } from 'react';
import { ensureLoaded, go, useExercises } from '../../state/exercises';
import { leaveExercises } from '../../state/urlSync';
import { Boundary } from './Boundary';
import { ClassBoard } from './ClassBoard';
import { ExerciseList } from './ExerciseList';
import { ExercisePage } from './ExercisePage';
import { DevicePanel } from '../components/DevicePanel';
import './exercises.css';

export function ExercisesApp({ gpuState }: { gpuState: string }) {
  const route = useExercises((s) => s.route);
  const notice = useExercises((s) => s.routeNotice);
  const storageError = useExercises((s) => s.storageError);
  useEffect(() => {
    void ensureLoaded();
  }, []);
  useEffect(() => {
    document.title = route?.page === 'board' ? 'Class board · Kernel Lab' : 'Exercises · Kernel Lab';
    return () => {
      document.title = 'Kernel Lab';
    };
  }, [route?.page]);
  if (!route) return null;
  return (
    <div className="app exercises-app" data-gpu={gpuState} data-page={route.page}>
      <header>
        <h1>
          <img src="./favicon.svg" alt="" width={28} height={28} /> Kernel Lab
        </h1>
        <nav aria-label="Exercises" className="exercises-nav">
          <button type="button" aria-current={route.page !== 'board' ? 'page' : undefined} onClick={() => go({ page: 'list' })}>
            Exercises
          </button>
          <button type="button" aria-current={route.page === 'board' ? 'page' : undefined} onClick={() => go({ page: 'board' })}>
            Class board
          </button>
          <button type="button" onClick={leaveExercises}>
            ← Back to the lab
          </button>
        </nav>
        <Boundary name="device">
          <DevicePanel />
        </Boundary>
      </header>
      <main className="exercises-main">
        {notice && (
          <div className="banner warn" role="alert">
            {notice}
          </div>
        )}
        {storageError && (
          <div className="banner warn" role="alert">
            {storageError}
          </div>
        )}
        <Boundary name={route.page}>
          {route.page === 'list' ? <ExerciseList /> : route.page === 'board' ? <ClassBoard /> : <ExercisePage key={route.id} id={route.id} />}
        </Boundary>
      </main>
    </div>
  );
}
