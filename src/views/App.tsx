import { Component, Suspense, type ReactNode } from 'react';
import { findFamily } from '../kernels/registry';
import { useLab } from '../state/store';
import { DevicePanel } from './components/DevicePanel';
import { KernelPicker, ParamForm, RunControls, SweepControls } from './components/Controls';
import { ErrorHeatmap, ResultsTable, WgslView } from './components/Results';
import { SweepChart } from './components/SweepChart';
import { LAB_PANELS } from './labs';

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

export function App() {
  const experiment = useLab((s) => s.experiment);
  const result = useLab((s) => s.result);
  const sweepPoints = useLab((s) => s.sweepPoints);
  const sweepExperiment = useLab((s) => s.sweepExperiment);
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const family = findFamily(experiment.family);
  const Panel = LAB_PANELS[experiment.family];
  const familyResult = result && result.experiment.family === experiment.family ? result : null;
  return (
    <div className="app">
      <header>
        <h1>
          <img src="./favicon.svg" alt="" width={28} height={28} /> Kernel Lab
        </h1>
        <p className="tagline">Real GPU kernels in your browser, checked against float64.</p>
        <DevicePanel />
      </header>
      <main>
        <aside className="controls" aria-label="Experiment">
          <KernelPicker />
          <ParamForm />
          <SweepControls />
          <RunControls />
        </aside>
        <div className="output">
          <Banners />
          {family && <p className="family-summary">{family.summary}</p>}
          {sweepExperiment?.sweep && sweepExperiment.family === experiment.family && (
            <ViewBoundary name="sweep chart">
              <SweepChart experiment={sweepExperiment} points={sweepPoints} running={job?.kind === 'sweep'} />
            </ViewBoundary>
          )}
          {familyResult ? (
            <ViewBoundary name="results">
              <ResultsTable result={familyResult} />
              <ErrorHeatmap result={familyResult} />
              <WgslView result={familyResult} />
            </ViewBoundary>
          ) : (
            !job && <p className="empty">Press Run to measure this kernel on your device.</p>
          )}
          {Panel && (
            <ViewBoundary name={`${experiment.family} lab`}>
              <Suspense fallback={<p className="muted">Loading the lab view…</p>}>
                <Panel experiment={experiment} result={familyResult} sweepPoints={sweepPoints} caps={gpu?.available ? gpu.caps : null} />
              </Suspense>
            </ViewBoundary>
          )}
        </div>
      </main>
      <footer>
        <p>
          Kernel Lab runs every kernel in a web worker on WebGPU; every result is checked against a float64 CPU reference. Timings on
          software adapters are CPU speeds.
        </p>
      </footer>
    </div>
  );
}
