// One exercise: the statement and the harness's contract, the editor with the student's draft,
// Submit and its verdict, the result link for the teacher, hints one at a time, and the solution
// behind a confirmation (its use is recorded with every later result).
import { useMemo, useState } from 'react';
import { findExercise } from '../../exercises';
import { LEVEL_NAMES, type Verdict } from '../../exercises/types';
import { num } from '../../exercises/verdict';
import { findLesson } from '../../lessons';
import { emptyProgress, submissionsFile } from '../../state/progress';
import { cancelCurrent } from '../../state/labClient';
import { go, resetDraft, revealHint, setDraft, setStudent, submit, useExercises, viewSolution } from '../../state/exercises';
import { useLab } from '../../state/store';
import type { Submission } from '../../state/submission';
import { downloadText } from '../download';
import { SourceEditor, type InlineMessage } from './SourceEditor';

function Contract({ id }: { id: string }) {
  const ex = findExercise(id)!;
  const c = ex.contract;
  return (
    <details className="contract" open>
      <summary>The harness’s contract</summary>
      <table>
        <caption className="muted">Bindings of @group(0), in this order</caption>
        <thead>
          <tr>
            <th scope="col">@binding</th>
            <th scope="col">name</th>
            <th scope="col">access</th>
            <th scope="col">type</th>
            <th scope="col">holds</th>
          </tr>
        </thead>
        <tbody>
          {c.bindings.map((b, i) => (
            <tr key={b.name}>
              <td>{i}</td>
              <td>
                <code>{b.name}</code>
              </td>
              <td>{b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'read' : 'read_write'}</td>
              <td>
                <code>{b.type}</code>
              </td>
              <td>{b.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <strong>Dispatch:</strong> {c.grid}, <code>@workgroup_size({c.workgroupSize.join(', ')})</code>. The result is read from <code>{c.output}</code>.
      </p>
      <ul>
        {c.notes.map((n, i) => (
          <li key={i}>{n}</li>
        ))}
        <li>
          The judge runs {ex.shapes.length} hidden shapes (sizes of 1, odd sizes, sizes that are not multiples of the workgroup) against a float64 reference
          within a bound derived from the arithmetic, then the race and bounds checker over every workgroup of a small shape.
        </li>
        {ex.speedGoal && (
          <li>
            Speed goal: reach {ex.speedGoal.ratio}× the speed of {ex.speedGoal.label}, both timed alternately on your device in the same run.
          </li>
        )}
      </ul>
    </details>
  );
}

function messagesOf(verdict: Verdict | undefined): InlineMessage[] {
  return (verdict?.findings ?? []).filter((f) => f.line).map((f) => ({ line: f.line, column: f.column, severity: f.severity, message: f.message }));
}

function VerdictView({ verdict, onJump }: { verdict: Verdict; onJump(line: number): void }) {
  return (
    <section className={`verdict ${verdict.passed ? 'passed' : 'failed'}`} aria-label="Verdict" data-testid="verdict" data-kind={verdict.kind}>
      <h3>{verdict.passed ? 'Passed' : `Not yet: ${verdict.kind.replace('-', ' ')}`}</h3>
      <p data-testid="verdict-message">{verdict.message}</p>
      {verdict.line && (
        <button type="button" className="small" onClick={() => onJump(verdict.line!)}>
          Go to line {verdict.line}
        </button>
      )}
      {verdict.shapes.length > 0 && (
        <table className="shapes">
          <caption className="muted">Hidden shapes, in the order they ran</caption>
          <thead>
            <tr>
              <th scope="col">shape</th>
              <th scope="col">result</th>
              <th scope="col">max |error|</th>
              <th scope="col">worst error / bound</th>
              <th scope="col">median time</th>
            </tr>
          </thead>
          <tbody>
            {verdict.shapes.map((s, i) => (
              <tr key={i} className={s.passed ? '' : 'bad'}>
                <td>{s.text}</td>
                <td>{s.passed ? '✓ within the bound' : `✗ ${s.failureKind === 'run-error' ? 'did not run' : 'outside the bound'}`}</td>
                <td>{num(s.maxAbs)}</td>
                <td>{num(s.worstBoundRatio)}</td>
                <td>{Number.isFinite(s.seconds) ? `${num(s.seconds * 1e3)} ms` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {verdict.findings.filter((f) => f.severity !== 'info').length > 0 && (
        <ul className="findings">
          {verdict.findings
            .filter((f) => f.severity !== 'info')
            .map((f, i) => (
              <li key={i} className={f.severity === 'error' ? 'bad' : ''}>
                {f.line ? (
                  <button type="button" className="link" onClick={() => onJump(f.line!)}>
                    line {f.line}
                  </button>
                ) : null}{' '}
                {f.message}
              </li>
            ))}
        </ul>
      )}
      {verdict.checked && <p className="muted">Checked for races and out-of-bounds accesses: {verdict.checked}.</p>}
      {verdict.speed && (
        <p data-testid="speed">
          Speed: <strong>{num(verdict.speed.ratio)}×</strong> {verdict.speed.label} at {verdict.speed.shapeText} ({num(verdict.speed.studentSeconds * 1e3)} ms
          against {num(verdict.speed.builtInSeconds * 1e3)} ms, medians of alternate runs) — goal {verdict.speed.goal}×:{' '}
          {verdict.speed.met ? 'met' : 'not met yet'}.
        </p>
      )}
      {verdict.speedSkipped && <p className="muted">Speed goal: {verdict.speedSkipped}.</p>}
      <p className="muted">Judged in {num(verdict.judgeSeconds)} s on this device.</p>
    </section>
  );
}

/** The last result saved in this browser (after a reload: the summary the link carries). */
function SavedResult({ last }: { last: Submission }) {
  return (
    <section className={`verdict ${last.verdict.passed ? 'passed' : 'failed'}`} aria-label="Your last result" data-testid="saved-result">
      <h3>
        Your last result ({new Date(last.date).toLocaleString()}): {last.verdict.passed ? 'passed' : last.verdict.kind.replace('-', ' ')}
      </h3>
      <p>{last.verdict.message}</p>
    </section>
  );
}

function ResultLink({ id }: { id: string }) {
  const link = useExercises((s) => s.links[id]);
  const last = useExercises((s) => s.progress[id]?.last);
  const [copied, setCopied] = useState(false);
  if (!link || !last) return null;
  return (
    <section className="result-link" aria-label="Your result link">
      <h3>Send this to your teacher</h3>
      {link.url ? (
        <>
          <label htmlFor="result-link">Result link (the verdict, timings and device{last.source ? ', and your source' : ''}; sealed against changes)</label>
          <div className="row">
            <input id="result-link" data-testid="result-link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(link.url!).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </>
      ) : (
        <p className="warn">{link.error}</p>
      )}
      <button type="button" onClick={() => downloadText(`kernel-lab-${id}-result.json`, submissionsFile([last]), 'application/json')}>
        Download as a file
      </button>
    </section>
  );
}

export function ExercisePage({ id }: { id: string }) {
  const ex = findExercise(id)!;
  const saved = useExercises((s) => s.progress[id]);
  const progress = saved ?? emptyProgress(id);
  const verdict = useExercises((s) => s.verdicts[id]);
  const judging = useExercises((s) => s.judging);
  const judgeError = useExercises((s) => s.judgeError);
  const student = useExercises((s) => s.student);
  const includeSource = useExercises((s) => s.includeSource);
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const [jump, setJump] = useState<{ line: number; nonce: number } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const messages = useMemo(() => messagesOf(verdict), [verdict]);
  const mine = judging && judging.exercise === id && !judging.rejudge;
  const busy = job !== null;
  const onJump = (line: number) => setJump({ line, nonce: Date.now() });

  return (
    <article className="exercise" aria-labelledby="exercise-title">
      <p className="crumbs">
        <button type="button" className="link" onClick={() => go({ page: 'list' })}>
          Exercises
        </button>{' '}
        · {LEVEL_NAMES[ex.level]}
      </p>
      <h2 id="exercise-title">{ex.title}</h2>
      <p className="teaches">
        <strong>What it teaches:</strong> {ex.teaches}
      </p>
      {ex.statement.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
      {ex.lessons.length > 0 && (
        <p className="lesson-links">
          Lessons that teach this:{' '}
          {ex.lessons.map((l, i) => {
            const lesson = findLesson(l.lesson);
            return lesson ? (
              <span key={l.lesson}>
                {i > 0 && '; '}
                <a href={`#lesson=${l.lesson}${l.step ? `&step=${l.step}` : ''}`}>
                  {lesson.title}
                  {l.step ? `, step ${l.step}` : ''}
                </a>{' '}
                <span className="muted">({l.why})</span>
              </span>
            ) : null;
          })}
        </p>
      )}
      <Contract id={id} />

      <div className="editor-area">
        <div className="editor-bar">
          <strong>Your kernel</strong>
          <button type="button" className="small" onClick={() => resetDraft(id)} disabled={!!mine}>
            Start again from the starter
          </button>
        </div>
        <SourceEditor
          value={progress.draft}
          onChange={(text) => setDraft(id, text)}
          messages={messages}
          jump={jump}
          label={`WGSL for the exercise ${ex.title}`}
        />
      </div>

      <div className="submit-bar">
        <label>
          Your name (shown on the class board){' '}
          <input type="text" value={student} maxLength={60} onChange={(e) => setStudent(e.target.value)} placeholder="optional" />
        </label>
        <label className="check">
          <input type="checkbox" checked={includeSource} onChange={(e) => useExercises.setState({ includeSource: e.target.checked })} /> Include my source in
          the result link
        </label>
        {mine ? (
          <button type="button" className="danger" onClick={cancelCurrent}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" disabled={busy || !gpu?.available} onClick={() => submit(id)}>
            Submit
          </button>
        )}
        {!gpu?.available && gpu && <span className="bad">The judge needs WebGPU: {gpu.reason}</span>}
        {mine && job?.progress && (
          <span className="progress" role="status">
            <progress max={1} value={job.progress.fraction} /> {job.progress.message}
          </span>
        )}
        {mine && !job?.progress && <span role="status">Judging on your GPU…</span>}
      </div>
      {judgeError && (
        <p className="banner bad" role="alert">
          {judgeError}
        </p>
      )}
      {verdict ? <VerdictView verdict={verdict} onJump={onJump} /> : progress.last ? <SavedResult last={progress.last} /> : null}
      <ResultLink id={id} />

      <section className="hints" aria-label="Hints">
        <h3>Hints</h3>
        {ex.hints.slice(0, progress.hintsShown).map((h, i) => (
          <p key={i} data-testid="hint">
            <strong>Hint {i + 1}.</strong> {h}
          </p>
        ))}
        {progress.hintsShown < ex.hints.length ? (
          <button type="button" onClick={() => revealHint(id)}>
            Show hint {progress.hintsShown + 1} of {ex.hints.length}
          </button>
        ) : (
          <p className="muted">That was the last hint.</p>
        )}
      </section>

      <section className="solution" aria-label="Solution">
        <h3>Solution</h3>
        {progress.solutionViewed ? (
          <>
            <p className="muted">You viewed the solution: your results say so.</p>
            <pre data-testid="solution">
              <code>{ex.solution}</code>
            </pre>
            <button type="button" onClick={() => setDraft(id, ex.solution)}>
              Put the solution in the editor
            </button>
          </>
        ) : confirming ? (
          <div role="alertdialog" aria-labelledby="solution-confirm" className="solution-confirm">
            <p id="solution-confirm">
              Viewing the solution is recorded with every result you submit for this exercise from now on, and your teacher sees it on the class board. Show it?
            </p>
            <button
              type="button"
              className="danger"
              onClick={() => {
                viewSolution(id);
                setConfirming(false);
              }}
            >
              Yes, show the solution
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep trying
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Show the solution…
          </button>
        )}
      </section>
    </article>
  );
}
