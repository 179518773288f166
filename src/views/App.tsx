// The workbench: one screen with the kernel picker and its parameters, Run, the headline result,
// the live chart and the generated WGSL; the family's lab panel, History and Compare in tabs
// below. Presenter mode puts the chart first; embeds show one experiment; on a phone a bar at the
// bottom keeps Run and the headline number in reach.
import { lazy, Suspense, useEffect } from 'react';
import { FAMILIES, findFamily, findVariant } from '../kernels/registry';
import { findLesson } from '../lessons';
import { cancelCurrent, dismissPendingRun, runCurrent } from '../state/labClient';
import { loadHistory } from '../state/historyActions';
import { currentProblems, useLab } from '../state/store';
import { goToLessonStep } from '../state/urlSync';
import { fmtDuration } from '../state/predict';
import { setChartScale } from './charts/plotly';
import { Boundary } from './components/Boundary';
import { ComparePanel } from './components/Compare';
import { KernelPicker, ParamForm, PredictionLine, RunControls, SweepControls } from './components/Controls';
import { DevicePanel } from './components/DevicePanel';
import { HistoryPanel } from './components/History';
import { LessonPanel, LessonPicker } from './components/Lesson';
import { ResultCard } from './components/Results';
import { SnapshotCompare } from './components/SnapshotCompare';
import { shortHeadline } from './headline';
import { LAB_PANELS } from './labs';
import { go, useExercises } from '../state/exercisesRoute';

// The exercises (their WGSL, the judge's client, progress, the board) load with their first page.
const ExercisesApp = lazy(() => import('./exercises/ExercisesApp').then((m) => ({ default: m.ExercisesApp })));
import { EditorMount } from './editor/EditorMount';

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
        <div className="banner info" role="status" data-testid="notice">
          {notice}{' '}
          <button type="button" className="small" onClick={() => useLab.setState({ notice: null })} aria-label="Dismiss the notice">
            ×
          </button>
        </div>
      )}
    </>
  );
}

/** A run that asks before it starts: why, and what it is predicted to take. */
function ConfirmRun() {
  const pending = useLab((s) => s.pendingRun);
  if (!pending) return null;
  return (
    <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-why" data-testid="confirm-run">
      <h2 id="confirm-title">Run this anyway?</h2>
      <ul id="confirm-why">
        {pending.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => runCurrent(pending.backend, { confirmed: true })}>
          Run anyway (about {fmtDuration(pending.prediction.seconds)})
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: focus moves into the dialog as it opens, onto its safe choice (WAI-ARIA alertdialog pattern). */}
        <button type="button" onClick={dismissPendingRun} autoFocus>
          Don’t run
        </button>
      </div>
    </div>
  );
}

/** The family's lab panel, History and Compare, in tabs under the result. */
function LowerTabs() {
  const view = useLab((s) => s.view);
  const experiment = useLab((s) => s.experiment);
  const result = useLab((s) => s.result);
  const sweepPoints = useLab((s) => s.sweepPoints);
  const gpu = useLab((s) => s.gpu);
  const historyCount = useLab((s) => s.history.length);
  const pinned = useLab((s) => s.history.filter((r) => r.pinned).length);
  const family = findFamily(experiment.family);
  const Panel = LAB_PANELS[experiment.family];
  const familyResult = result && result.experiment.family === experiment.family ? result : null;
  const tabs: [typeof view, string][] = [
    ['results', `${family?.label ?? 'Kernel'} lab`],
    ['history', `History (${historyCount})`],
    ['compare', `Compare (${pinned})`],
  ];
  return (
    <div className="lower">
      <div className="tabs" role="tablist" aria-label="Views">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={view === id}
            aria-controls={`panel-${id}`}
            onClick={() => useLab.setState({ view: id })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
        {view === 'results' ? (
          Panel && (
            <Boundary name={`${experiment.family} lab`}>
              <Suspense fallback={<p className="muted">Loading the lab view…</p>}>
                <div className="lab-panel-wrap">
                  <Panel experiment={experiment} result={familyResult} sweepPoints={sweepPoints} caps={gpu?.available ? gpu.caps : null} />
                </div>
              </Suspense>
            </Boundary>
          )
        ) : view === 'history' ? (
          <HistoryPanel />
        ) : (
          <Boundary name="compare">
            <ComparePanel />
          </Boundary>
        )}
      </div>
    </div>
  );
}

function canRunOnGpu(state: ReturnType<typeof useLab.getState>): boolean {
  return Boolean(state.gpu?.available) && (Boolean(state.experiment.sweep) || currentProblems(state).length === 0);
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
        if (!state.job && canRunOnGpu(state)) runCurrent('webgpu');
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

/** Run or Cancel, for the presenter's header, the embed's bar and the phone's bar. */
function RunButton({ label = 'Run on GPU' }: { label?: string }) {
  const job = useLab((s) => s.job);
  const state = useLab();
  return job ? (
    <button type="button" className="danger" onClick={cancelCurrent} disabled={job.cancelling}>
      {job.cancelling ? 'Cancelling…' : 'Cancel'}
    </button>
  ) : (
    <button type="button" className="primary" disabled={!canRunOnGpu(state)} onClick={() => runCurrent('webgpu')}>
      {state.experiment.sweep ? label.replace(/^Run on/, 'Run sweep on') : label}
    </button>
  );
}

/** On a phone: Run and the headline number stay at the bottom of the screen. */
function PhoneBar() {
  const result = useLab((s) => s.result);
  const experiment = useLab((s) => s.experiment);
  const job = useLab((s) => s.job);
  const shown = result && result.experiment.family === experiment.family && result.experiment.variant === experiment.variant ? result : null;
  return (
    <div className="phone-bar" data-testid="phone-bar">
      <RunButton label="Run" />
      <button
        type="button"
        className="phone-headline"
        onClick={() => document.querySelector('[data-testid="results"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
        data-testid="phone-headline"
      >
        {job ? `${job.progress?.phase ?? 'starting'}… ${Math.round((job.progress?.fraction ?? 0) * 100)}%` : shown ? shortHeadline(shown) : 'No result yet'}
      </button>
    </div>
  );
}

function EmbedApp() {
  const experiment = useLab((s) => s.experiment);
  const gpuState = useGpuState();
  const gpu = useLab((s) => s.gpu);
  const variant = findVariant(experiment.family, experiment.variant);
  return (
    <div className="app embed" data-mode="embed" data-gpu={gpuState}>
      <div className="embed-bar">
        <strong>
          {findFamily(experiment.family)?.label}: {variant?.label ?? experiment.variant}
        </strong>
        <RunButton label="Run" />
        {gpu && !gpu.available && <span className="bad">No WebGPU here: {gpu.reason.split('.')[0]}.</span>}
        <a href={window.location.href.replace(/&?ui=embed/, '')} target="_blank" rel="noreferrer">
          Open in Kernel Lab
        </a>
      </div>
      <Banners />
      <Boundary name="result">
        <ResultCard compact />
      </Boundary>
      <ConfirmRun />
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
  const classroom = useLab((s) => s.classroom);
  const exercisesOpen = useExercises((s) => s.route !== null);
  const running = useLab((s) => s.job !== null);
  const presenter = classroom.mode === 'present';
  useShortcuts();
  useEffect(() => {
    void loadHistory();
  }, []);
  useEffect(() => setChartScale(presenter), [presenter]);
  if (classroom.mode === 'embed') return <EmbedApp />;
  if (exercisesOpen)
    return (
      <Boundary name="exercises">
        <Suspense fallback={<p className="loading">Loading the exercises…</p>}>
          <ExercisesApp gpuState={gpuState} />
        </Suspense>
      </Boundary>
    );
  const family = findFamily(experiment.family) ?? FAMILIES[0];
  const lesson = classroom.lesson ? findLesson(classroom.lesson.id) : undefined;
  const controls = (
    <aside className="controls" aria-label="Experiment">
      <Boundary name="kernel picker">
        <KernelPicker />
      </Boundary>
      <Boundary name="parameters">
        <ParamForm />
      </Boundary>
      <Boundary name="sweep">
        <SweepControls />
      </Boundary>
      <div className="run-bar">
        <Boundary name="run controls">
          <RunControls />
        </Boundary>
      </div>
    </aside>
  );
  return (
    <div className={`app${presenter ? ' presenter' : ''}`} data-mode={classroom.mode} data-gpu={gpuState}>
      <header className="topbar">
        <h1>
          <img src="./favicon.svg" alt="" width={24} height={24} /> Kernel Lab
        </h1>
        <p className="tagline">Real GPU kernels, checked against float64.</p>
        <LessonPicker />
        <button type="button" className="exercises-menu" onClick={() => go({ page: 'list' })}>
          Exercises
        </button>
        <button
          type="button"
          className="presenter-toggle"
          aria-pressed={presenter}
          onClick={() => useLab.setState({ classroom: { ...classroom, mode: presenter ? 'normal' : 'present' } })}
          title="Presenter mode (P)"
        >
          {presenter ? 'Leave presenter mode' : 'Presenter mode'}
        </button>
        {presenter && (
          <div className="presenter-run">
            <RunButton label="Run on GPU (R)" />
            {!running && <PredictionLine backend="webgpu" brief />}
          </div>
        )}
        <Boundary name="device">
          <DevicePanel />
        </Boundary>
      </header>
      <main className="workbench">
        {presenter ? null : controls}
        <div className="output">
          <Banners />
          <Boundary name="lesson">
            <LessonPanel />
          </Boundary>
          <Boundary name="snapshot">
            <SnapshotCompare />
          </Boundary>
          <Boundary name="result">
            <ResultCard compact={presenter} />
          </Boundary>
          {!presenter && <EditorMount />}
          {presenter ? (
            <details className="controls-collapsed">
              <summary>Controls</summary>
              {controls}
            </details>
          ) : (
            <LowerTabs />
          )}
          {presenter ? (
            <p className="shortcuts">Keys: R run · N / → next step · B / ← previous step · P leave presenter mode · Esc cancel</p>
          ) : (
            <footer>
              <p>
                {!lesson && <>{family.summary} </>}Kernel Lab runs every kernel in a web worker on WebGPU; every result is checked against a float64 CPU
                reference. On a software adapter the speeds are CPU speeds. Keyboard: R run, P presenter mode, N/B next/previous lesson step, Esc cancel.
              </p>
            </footer>
          )}
        </div>
      </main>
      {!presenter && <PhoneBar />}
      <ConfirmRun />
    </div>
  );
}
