// The live kernel editor (loaded lazily, with CodeMirror): a tab per dispatch, compile as you
// type with the messages inline and in a list, the workgroup size and count beside the code,
// Run (the edit through the same harness, beside the unedited kernel), Check (races and bounds),
// diff and reset, a blank kernel, and a share link.
import { lazy, Suspense, useMemo, useState } from 'react';
import { findVariant } from '../../kernels/registry';
import type { CheckProblem, SourceMessage } from '../../workers/protocol';
import { cancelCurrent } from '../../state/labClient';
import { useLab } from '../../state/store';
import {
  closeEditor,
  compareWithBuiltIn,
  currentEdit,
  resetToGenerated,
  runCheck,
  runEdit,
  setActive,
  setBudgets,
  setGrid,
  setSource,
  useEditor,
  withWorkgroupSize,
  type EditorRun,
} from '../../state/editor';
import { editLink } from '../../state/editorLink';
import { fmtNumber, fmtSeconds, fmtSqnr } from '../format';
import { ErrorHeatmap } from '../components/Results';
import { blankKernel } from './blank';
import type { InlineMessage } from './CodeEditor';

const CodeEditor = lazy(() => import('./CodeEditor'));

const AXES = ['x', 'y', 'z'] as const;

function NumberTriple({
  legend,
  value,
  onChange,
  defaults,
  testId,
}: {
  legend: string;
  value: [number, number, number];
  onChange(v: [number, number, number]): void;
  defaults: [number, number, number] | null;
  testId: string;
}) {
  return (
    <fieldset className="triple" data-testid={testId}>
      <legend>{legend}</legend>
      {AXES.map((axis, i) => (
        <label key={axis}>
          {axis}
          <input
            type="number"
            min={1}
            value={value[i]}
            aria-label={`${legend} ${axis}`}
            onChange={(e) => {
              const n = Math.floor(Number(e.target.value));
              if (!Number.isFinite(n)) return;
              const next = [...value] as [number, number, number];
              next[i] = n;
              onChange(next);
            }}
          />
        </label>
      ))}
      {defaults && <span className="hint">variant: {defaults.join(' × ')}</span>}
    </fieldset>
  );
}

function MessageList({ messages, onJump }: { messages: (InlineMessage & { source: string })[]; onJump(line: number): void }) {
  if (!messages.length) return null;
  return (
    <ol className="editor-messages" aria-label="Messages" data-testid="editor-messages">
      {messages.map((m, i) => (
        <li key={i} className={m.severity}>
          <span className={`sev ${m.severity}`}>{m.severity}</span> <span className="muted">{m.source}</span>{' '}
          {m.line ? (
            <button type="button" className="link" onClick={() => onJump(m.line!)}>
              line {m.line}
              {m.column ? `:${m.column}` : ''}
            </button>
          ) : null}{' '}
          {m.message}
        </li>
      ))}
    </ol>
  );
}

function RunResult({ run }: { run: EditorRun }) {
  const e = run.edited;
  const b = run.builtIn;
  const pass = (r: typeof e) => r.metrics.boundViolations === 0;
  const rows: [string, (r: typeof e) => string][] = [
    ['Median time', (r) => fmtSeconds(r.medianSeconds)],
    ['GFLOP/s', (r) => fmtNumber(r.gflops, 4)],
    ['Max abs error', (r) => fmtNumber(r.metrics.maxAbs)],
    ['Rel. Frobenius', (r) => fmtNumber(r.metrics.relFrobenius)],
    ['ULP max / mean', (r) => `${fmtNumber(r.metrics.ulpMax)} / ${fmtNumber(r.metrics.ulpMean)}`],
    ['SQNR', (r) => fmtSqnr(r.metrics.sqnrDb)],
    [
      'Within the bound',
      (r) => (r.metrics.boundViolations === undefined ? '—' : pass(r) ? 'yes, every element' : `NO: ${r.metrics.boundViolations} of ${r.metrics.count}`),
    ],
  ];
  return (
    <section className="editor-result" aria-label="Result of the edit" data-testid="editor-result">
      <p className={`verdict ${pass(e) ? 'ok' : 'bad'}`} data-testid="editor-verdict">
        {pass(e)
          ? 'The edit passes: every element is within the float64 bound.'
          : `The edit FAILS: ${e.metrics.boundViolations} of ${e.metrics.count} elements are outside the float64 bound.`}
      </p>
      <p data-testid="editor-ratio">
        Time: the edit takes <strong>{fmtNumber(run.ratio, 3)}×</strong> the unedited kernel’s ({fmtSeconds(e.medianSeconds)} against{' '}
        {fmtSeconds(b.medianSeconds)}, medians, measured one after the other in this run
        {e.provenance.adapter?.isFallbackAdapter ? '; a software adapter: CPU speeds' : ''}).
      </p>
      <div className="scroll">
        <table className="compare-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Edit #{e.edit?.hash}</th>
              <th scope="col">Unedited</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, get]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{get(e)}</td>
                <td>{get(b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {e.boundNote && <p className="hint">Bound: {e.boundNote}</p>}
      <p className="hint">
        Loop guard: the edit ran once first with every loop capped at {run.probe.cap} iterations per invocation
        {run.probe.builtInIterations !== null
          ? ` (the unedited kernel needs ${run.probe.builtInIterations}, the edit ${run.probe.editIterations})`
          : ' (no loops)'}
        .
      </p>
      <ErrorHeatmap result={e} />
      <div className="buttons">
        <button type="button" disabled={!run.ids} onClick={() => void compareWithBuiltIn()}>
          Compare with the built-in (pins both)
        </button>
      </div>
      <p className="hint">Both runs are in History; the edit under its source’s hash #{e.edit?.hash}.</p>
    </section>
  );
}

function CheckResult({ onJump }: { onJump(dispatch: number, line: number): void }) {
  const report = useEditor((s) => s.check);
  const tabs = useEditor((s) => s.tabs);
  if (!report) return null;
  const shown = report.problems.filter((p) => p.severity !== 'info');
  return (
    <section className="editor-check" aria-label="Check report" data-testid="check-report">
      <p className={`verdict ${report.verdict === 'clean' ? 'ok' : report.verdict === 'problems' ? 'bad' : 'warn'}`} data-testid="check-verdict">
        {report.verdict === 'clean'
          ? 'Check: no races, out-of-bounds accesses or divergent barriers in what was run.'
          : report.verdict === 'problems'
            ? `Check: ${shown.length} problem${shown.length === 1 ? '' : 's'} found.`
            : 'Check: nothing found, but the check stopped early (see below).'}{' '}
        <span className="muted">({report.seconds.toFixed(2)} s)</span>
      </p>
      {shown.length > 0 && (
        <ol className="editor-messages">
          {shown.map((p, i) => (
            <li key={i} className={p.severity} data-testid="check-problem">
              <span className={`sev ${p.severity}`}>{p.kind}</span>
              {tabs.length > 1 ? <span className="muted"> dispatch {p.dispatch + 1}</span> : null}{' '}
              {(p.lines ?? (p.line ? [p.line] : [])).map((l) => (
                <button key={l} type="button" className="link" onClick={() => onJump(p.dispatch, l)}>
                  line {l}
                </button>
              ))}{' '}
              {p.message}
            </li>
          ))}
        </ol>
      )}
      <ul className="hint">
        {report.dispatches.map((d, i) => (
          <li key={i}>
            {d.label}: {d.checked.length} of {d.grid[0] * d.grid[1] * d.grid[2]} workgroups interpreted{d.complete ? ' (all)' : ''}, subgroup size{' '}
            {report.subgroupSize}
            {d.stopped ? ` — stopped: ${d.stopped}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Share() {
  const [state, setState] = useState<{ url?: string; error?: string } | null>(null);
  return (
    <div className="editor-share">
      <button type="button" onClick={() => void editLink().then(setState)}>
        Share this edit
      </button>
      {state?.url && (
        <label>
          Link to this edit (opens in the editor)
          <input readOnly value={state.url} data-testid="edit-link" onFocus={(e) => e.target.select()} />
        </label>
      )}
      {state?.error && (
        <p className="bad" role="alert" data-testid="edit-link-error">
          {state.error}
        </p>
      )}
    </div>
  );
}

function inlineOf(compileMessages: SourceMessage[], check: CheckProblem[]): (InlineMessage & { source: string })[] {
  const out: (InlineMessage & { source: string })[] = compileMessages.map((m) => ({ ...m }));
  for (const p of check) {
    if (p.severity === 'info' || p.kind === 'binding' || p.kind === 'compile') continue;
    for (const line of p.lines ?? (p.line ? [p.line] : [])) out.push({ line, severity: p.severity, message: p.message, source: `check: ${p.kind}` });
  }
  return out;
}

export default function EditorPanel() {
  const s = useEditor();
  const job = useLab((st) => st.job);
  const gpu = useLab((st) => st.gpu);
  const [diff, setDiff] = useState(false);
  const [jump, setJump] = useState<{ line: number; nonce: number } | null>(null);
  const variant = s.experiment ? findVariant(s.experiment.family, s.experiment.variant) : undefined;
  const tab = s.tabs[s.active];
  const compiled = s.compiled[s.active];
  const checkHere = useMemo(() => (s.check?.problems ?? []).filter((p) => p.dispatch === s.active), [s.check, s.active]);
  const messages = useMemo(() => inlineOf(compiled?.messages ?? [], checkHere), [compiled, checkHere]);
  const edit = currentEdit(s);
  const edited = Object.keys(edit.sources).length > 0 || Object.keys(edit.workgroups ?? {}).length > 0;
  const mine = job && job.id === s.jobId;
  const anyErrors = Object.values(s.compiled).some((c) => c?.messages.some((m) => m.severity === 'error'));
  const jumpTo = (dispatch: number, line: number) => {
    setActive(dispatch);
    setJump({ line, nonce: Date.now() });
  };
  if (!s.open) return null;
  return (
    <section className="editor" aria-label="Kernel editor" data-testid="editor">
      <div className="editor-head">
        <h2>
          Edit WGSL: {variant?.label ?? s.experiment?.variant}{' '}
          <span className="muted">
            {s.experiment &&
              Object.entries(s.experiment.params)
                .map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 1 : 0) : v}`)
                .join(' ')}
          </span>
        </h2>
        <button type="button" className="small" onClick={closeEditor}>
          Close editor
        </button>
      </div>
      {s.origin !== 'generated' && s.tabs.length > 0 && (
        <p className="hint" data-testid="editor-origin">
          {s.origin === 'draft' ? 'Your saved draft of this variant (kept in this browser).' : 'The edit from the link you opened.'} “Reset to generated” brings
          back the generated source.
        </p>
      )}
      {s.draftNote && <p className="hint warn">{s.draftNote}</p>}
      {s.planError && (
        <p className="bad" role="alert">
          The editor could not load this kernel: {s.planError}
        </p>
      )}
      {!s.plan && !s.planError && <p className="muted">Loading the generated WGSL…</p>}
      {tab && (
        <>
          {s.tabs.length > 1 && (
            <div className="tabs" role="tablist" aria-label="Dispatches">
              {s.tabs.map((t, i) => (
                <button key={i} type="button" role="tab" aria-selected={i === s.active} onClick={() => setActive(i)}>
                  {i + 1}. {t.label}
                  {t.source !== t.generated ? ' •' : ''}
                  {s.compiled[i]?.messages.some((m) => m.severity === 'error') ? ' ⚠' : ''}
                </button>
              ))}
            </div>
          )}
          <div className="editor-grid">
            <div className="editor-code">
              <div className="buttons">
                <button
                  type="button"
                  className="small"
                  onClick={() => resetToGenerated(s.active)}
                  disabled={tab.source === tab.generated && tab.grid.every((n, i) => n === tab.defaultGrid[i])}
                >
                  Reset to generated
                </button>
                <button type="button" className="small" aria-pressed={diff} onClick={() => setDiff(!diff)}>
                  {diff ? 'Hide diff' : 'Diff against generated'}
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => s.plan && setSource(s.active, blankKernel(s.plan.dispatches[s.active], s.plan.outputBuffer))}
                >
                  Blank kernel
                </button>
              </div>
              <Suspense fallback={<p className="muted">Loading the code editor…</p>}>
                <CodeEditor
                  key={`${s.experiment?.variant}-${s.active}`}
                  value={tab.source}
                  onChange={(v) => setSource(s.active, v)}
                  messages={messages}
                  diffAgainst={diff ? tab.generated : null}
                  jump={jump}
                  label={`WGSL of ${tab.label}`}
                />
              </Suspense>
              <p className="hint" aria-live="polite" data-testid="compile-status">
                {compiled === null
                  ? 'Compiling…'
                  : compiled
                    ? `${compiled.ready ? 'Compiles, and its bindings match the harness' : 'Does not compile or does not fit the harness'} (${compiled.milliseconds.toFixed(0)} ms). `
                    : ''}
                {s.compileError ? `Compile failed: ${s.compileError}. ` : ''}
                Tab indents; Esc then Tab leaves the editor; Ctrl/Cmd-F searches.
              </p>
              <MessageList messages={messages} onJump={(line) => setJump({ line, nonce: Date.now() })} />
            </div>
            <aside className="editor-side" aria-label="Run the edit">
              <NumberTriple
                legend="Workgroup size (@workgroup_size)"
                testId="workgroup-size"
                value={compiled?.workgroupSize ?? tab.generatedWorkgroupSize ?? [1, 1, 1]}
                defaults={tab.generatedWorkgroupSize}
                onChange={(v) => setSource(s.active, withWorkgroupSize(tab.source, v))}
              />
              <NumberTriple
                legend="Workgroup count (dispatch)"
                testId="workgroup-count"
                value={tab.grid}
                defaults={tab.defaultGrid}
                onChange={(v) => setGrid(s.active, v)}
              />
              <div className="buttons">
                {mine ? (
                  <button type="button" className="danger" onClick={cancelCurrent} disabled={job.cancelling}>
                    {job.cancelling ? 'Cancelling…' : s.jobKind === 'check' ? 'Cancel the check' : 'Cancel the run'}
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      className="primary"
                      disabled={!gpu?.available || Boolean(job) || anyErrors}
                      onClick={runEdit}
                      title={anyErrors ? 'Fix the errors first' : undefined}
                    >
                      Run edit on GPU
                    </button>
                    <button type="button" disabled={!gpu || Boolean(job)} onClick={runCheck}>
                      Check races and bounds
                    </button>
                  </>
                )}
              </div>
              {mine && job.progress && (
                <p className="hint" aria-live="polite" data-testid="editor-progress">
                  {job.progress.message}
                </p>
              )}
              <details className="budgets">
                <summary>Budgets</summary>
                <label>
                  Run time budget (s): past it the run is abandoned and the GPU device recreated
                  <input
                    type="number"
                    min={5}
                    max={600}
                    value={s.runBudgetSeconds}
                    onChange={(e) => setBudgets({ runBudgetSeconds: Math.max(5, Math.min(600, Number(e.target.value) || 60)) })}
                  />
                </label>
                <label>
                  Check budget (s of interpretation)
                  <input
                    type="number"
                    min={1}
                    max={120}
                    value={s.checkBudgetSeconds}
                    onChange={(e) => setBudgets({ checkBudgetSeconds: Math.max(1, Math.min(120, Number(e.target.value) || 10)) })}
                  />
                </label>
                <label>
                  Workgroups the check interprets (all when the grid has at most this many)
                  <input
                    type="number"
                    min={1}
                    max={64}
                    value={s.checkWorkgroups}
                    onChange={(e) => setBudgets({ checkWorkgroups: Math.max(1, Math.min(64, Number(e.target.value) || 8)) })}
                  />
                </label>
              </details>
              {edited && <Share />}
              {s.status && (
                <p className="bad" role="alert" data-testid="editor-status">
                  {s.status} Your text is kept.
                </p>
              )}
              {s.refused && (
                <div className="bad" role="alert" data-testid="editor-refused">
                  <p>
                    {s.refused.message}{' '}
                    {(s.refused.lines ?? []).map((line) => (
                      <button key={line} type="button" className="link" onClick={() => jumpTo(s.refused!.dispatch ?? 0, line)}>
                        Go to line {line}
                      </button>
                    ))}
                  </p>
                  {s.refused.problems.length > 0 && (
                    <ul>
                      {s.refused.problems.map((p, i) => (
                        <li key={i}>{p}</li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
              {s.run && <RunResult run={s.run} />}
              <CheckResult onJump={jumpTo} />
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
