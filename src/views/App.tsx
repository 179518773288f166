import { Component, Suspense, useEffect, type ReactNode } from 'react';
import { findFamily } from '../kernels/registry';
import { findLesson } from '../lessons';
import { cancelCurrent, runCurrent } from '../state/labClient';
import { loadHistory } from '../state/historyActions';
import { currentProblems, useLab } from '../state/store';
import { goToLessonStep } from '../state/urlSync';
import { ComparePanel } from './components/Compare';
import { KernelPicker, ParamForm, RunControls, SweepControls } from './components/Controls';
import { DevicePanel } from './components/DevicePanel';
import { HistoryPanel } from './components/History';
import { LessonPanel, LessonPicker } from './components/Lesson';
import { ErrorHeatmap, ResultsTable, WgslView } from './components/Results';
import { SnapshotCompare } from './components/SnapshotCompare';
import { SweepChart } from './components/SweepChart';
import { LAB_PANELS } from './labs';
import { ExercisesApp, ExercisesMenuButton } from './exercises/ExercisesApp';
import { useExercises } from '../state/exercises';
import { EditorMount } from './editor/EditorMount';

/** Keeps one broken view from taking the whole page down. */
class ViewBoundary extends Component<{ name: string; children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  render() {
    if (this.state.error) {
      return (
        <p className="bad" role="alert">
          The {this.props.name} view failed: {this.state.error}
        </p>
      );
    }
    return this.props.children;
  }
}

function Banners() {
  const linkProblems = useLab((s) => s.linkProblems);
  const error = useLab((s) => s.error);
  const notice = useLab((s) => s.notice);
  return (
    <>
      {linkProblems.length > 0 && (
        <div className="banner warn" role="alert" data-testid="link-problems">
          <strong>Parts of this link could not be used.</strong> What was rejected, and what is used instead:
          <ul>
            {linkProblems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
          <button type="button" onClick={() => useLab.setState({ linkProblems: [] })}>
            Dismiss
          </button>
        </div>
      )}
      {error && (
        <div className="banner bad" role="alert" data-testid="run-error">
          <strong>{error.message}</strong>
          {error.problems && (
            <ul>
              {error.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {notice && (
        <div className="banner info" role="status">
          {notice}
        </div>
      )}
    </>
  );
}

/** The measured output for the current family: sweep chart, results, heatmap, family panel. */
function ResultsView({ compact }: { compact?: boolean }) {
  const experiment = useLab((s) => s.experiment);
  const result = useLab((s) => s.result);
  const sweepPoints = useLab((s) => s.sweepPoints);
  const sweepExperiment = useLab((s) => s.sweepExperiment);
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const Panel = LAB_PANELS[experiment.family];
  const familyResult = result && result.experiment.family === experiment.family ? result : null;
  const showSweep = sweepExperiment?.sweep && sweepExperiment.family === experiment.family;
  return (
    <>
      {showSweep && (
        <ViewBoundary name="sweep chart">
          <SweepChart experiment={sweepExperiment} points={sweepPoints} running={job?.kind === 'sweep'} />
        </ViewBoundary>
      )}
      {familyResult ? (
        <ViewBoundary name="results">
          {!(compact && showSweep) && <ResultsTable result={familyResult} />}
          {!compact && <ErrorHeatmap result={familyResult} />}
          {!compact && <WgslView result={familyResult} />}
        </ViewBoundary>
      ) : (
        !job && <p className="empty">Press Run to measure this kernel on your device.</p>
      )}
      {Panel && !compact && (
        <ViewBoundary name={`${experiment.family} lab`}>
          <Suspense fallback={<p className="muted">Loading the lab view…</p>}>
            <div className="lab-panel-wrap">
              <Panel experiment={experiment} result={familyResult} sweepPoints={sweepPoints} caps={gpu?.available ? gpu.caps : null} />
            </div>
          </Suspense>
        </ViewBoundary>
      )}
    </>
  );
}

function Tabs() {
  const view = useLab((s) => s.view);
  const historyCount = useLab((s) => s.history.length);
  const pinned = useLab((s) => s.history.filter((r) => r.pinned).length);
  const tabs: [typeof view, string][] = [
    ['results', 'Results'],
    ['history', `History (${historyCount})`],
    ['compare', `Compare (${pinned})`],
  ];
  return (
    <div className="tabs" role="tablist" aria-label="Views">
      {tabs.map(([id, label]) => (
        <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={view === id} aria-controls={`panel-${id}`} onClick={() => useLab.setState({ view: id })}>
          {label}
        </button>
      ))}
    </div>
  );
}

/** Keyboard shortcuts a presentation clicker can drive: R run, N/→/PageDown next step,
 * B/←/PageUp previous step, P presenter mode, Escape cancel. */
function useShortcuts() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.closest('input, select, textarea, [contenteditable="true"]') || event.ctrlKey || event.metaKey || event.altKey)) return;
      if (useExercises.getState().route) return; // the exercises' pages have no lab shortcuts
      const state = useLab.getState();
      const lesson = state.classroom.lesson;
      const key = event.key;
      if (key === 'r' || key === 'R') {
        if (!state.job && state.gpu?.available && (state.experiment.sweep || currentProblems(state).length === 0)) runCurrent('webgpu');
      } else if (key === 'Escape') {
        cancelCurrent();
      } else if (key === 'p' || key === 'P') {
        const mode = state.classroom.mode === 'present' ? 'normal' : 'present';
        useLab.setState({ classroom: { ...state.classroom, mode } });
      } else if (lesson && (key === 'n' || key === 'ArrowRight' || key === 'PageDown')) {
        goToLessonStep(lesson.step + 1);
      } else if (lesson && (key === 'b' || key === 'ArrowLeft' || key === 'PageUp')) {
        goToLessonStep(lesson.step - 1);
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** In presenter mode the controls are collapsed: Run (and Cancel) stay in the header. */
function PresenterRun() {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const experiment = useLab((s) => s.experiment);
  const problems = currentProblems({ experiment, gpu });
  return job ? (
    <button type="button" className="danger" onClick={cancelCurrent}>
      Cancel (Esc)
    </button>
  ) : (
    <button type="button" className="primary" disabled={!gpu?.available || (!experiment.sweep && problems.length > 0)} onClick={() => runCurrent('webgpu')}>
      {experiment.sweep ? 'Run sweep on GPU' : 'Run on GPU'} (R)
    </button>
  );
}

function EmbedApp() {
  const experiment = useLab((s) => s.experiment);
  const gpuState = useGpuState();
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const family = findFamily(experiment.family);
  const problems = currentProblems({ experiment, gpu });
  return (
    <div className="app embed" data-mode="embed" data-gpu={gpuState}>
      <div className="embed-bar">
        <strong>
          {family?.label}: {experiment.variant}
        </strong>
        {!job ? (
          <button type="button" className="primary" disabled={!gpu?.available || (!experiment.sweep && problems.length > 0)} onClick={() => runCurrent('webgpu')}>
            Run
          </button>
        ) : (
          <button type="button" className="danger" onClick={cancelCurrent}>
            Cancel
          </button>
        )}
        {gpu && !gpu.available && <span className="bad">No WebGPU here: {gpu.reason.split('.')[0]}.</span>}
        <a href={window.location.href.replace(/&?ui=embed/, '')} target="_blank" rel="noreferrer">
          Open in Kernel Lab
        </a>
      </div>
      <Banners />
      <ResultsView compact />
    </div>
  );
}

/** 'probing' until the worker reports, then 'webgpu' or 'none' (tests and styles read it). */
function useGpuState(): string {
  const gpu = useLab((s) => s.gpu);
  return !gpu ? 'probing' : gpu.available ? 'webgpu' : 'none';
}

export function App() {
  const experiment = useLab((s) => s.experiment);
  const gpuState = useGpuState();
  const view = useLab((s) => s.view);
  const classroom = useLab((s) => s.classroom);
  const exercisesOpen = useExercises((s) => s.route !== null);
  useShortcuts();
  useEffect(() => {
    void loadHistory();
  }, []);
  if (classroom.mode === 'embed') return <EmbedApp />;
  if (exercisesOpen) return <ExercisesApp gpuState={gpuState} />;
  const family = findFamily(experiment.family);
  const presenter = classroom.mode === 'present';
  const lesson = classroom.lesson ? findLesson(classroom.lesson.id) : undefined;
  const controls = (
    <aside className="controls" aria-label="Experiment">
      <KernelPicker />
      <ParamForm />
      <SweepControls />
      <RunControls />
    </aside>
  );
  return (
    <div className={`app${presenter ? ' presenter' : ''}`} data-mode={classroom.mode} data-gpu={gpuState}>
      <header>
        <h1>
          <img src="./favicon.svg" alt="" width={28} height={28} /> Kernel Lab
        </h1>
        <p className="tagline">Real GPU kernels in your browser, checked against float64.</p>
        <LessonPicker />
        <ExercisesMenuButton />
        <button
          type="button"
          aria-pressed={presenter}
          onClick={() => useLab.setState({ classroom: { ...classroom, mode: presenter ? 'normal' : 'present' } })}
          title="Presenter mode (P)"
        >
          {presenter ? 'Leave presenter mode' : 'Presenter mode'}
        </button>
        {presenter && <PresenterRun />}
        {!presenter && <DevicePanel />}
      </header>
      <main>
        {presenter ? (
          <details className="controls-collapsed">
            <summary>Controls</summary>
            {controls}
          </details>
        ) : (
          controls
        )}
        <div className="output">
          <Banners />
          <LessonPanel />
          {!lesson && family && !presenter && <p className="family-summary">{family.summary}</p>}
          <SnapshotCompare />
          {!presenter && <EditorMount />}
          {!presenter && <Tabs />}
          <div role={presenter ? undefined : 'tabpanel'} id={`panel-${view}`} aria-labelledby={presenter ? undefined : `tab-${view}`}>
            {presenter || view === 'results' ? <ResultsView compact={presenter} /> : view === 'history' ? <HistoryPanel /> : <ComparePanel />}
          </div>
        </div>
      </main>
      {presenter ? (
        <p className="shortcuts">Keys: R run · N / → next step · B / ← previous step · P leave presenter mode · Esc cancel</p>
      ) : (
        <footer>
          <p>
            Kernel Lab runs every kernel in a web worker on WebGPU; every result is checked against a float64 CPU reference. Timings on
            software adapters are CPU speeds. Keyboard: R run, P presenter mode, N/B next/previous lesson step.
          </p>
        </footer>
      )}
    </div>
  );
}
