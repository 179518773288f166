// The class board: result links pasted or files imported, each checked (refused ones listed with
// the reason), correctness and speed per exercise and device, ranks within one device class.
// Everything stays in this browser.
import { useRef, useState } from 'react';
import { EXERCISES, findExercise } from '../../exercises';
import { num } from '../../exercises/verdict';
import { rankBoard, who, type BoardEntry } from '../../state/board';
import { acceptIncoming, addFile, addPasted, clearBoard, rejudge, removeFromBoard, useExercises } from '../../state/exercises';
import { submissionsFile } from '../../state/progress';
import { useLab } from '../../state/store';
import type { Submission } from '../../state/submission';
import { downloadText } from '../download';

function speedText(s: Submission): string {
  if (!s.verdict.passed) return '—';
  if (s.timings.speed) return `${num(s.timings.speed.ratio)}× the built-in${s.timings.speed.met ? ' (goal met)' : ''}`;
  const total = s.timings.shapes.reduce((a, x) => a + x.seconds, 0);
  return `${num(total * 1e3)} ms over the hidden shapes`;
}

function Incoming() {
  const incoming = useExercises((s) => s.incoming);
  if (!incoming) return null;
  if (incoming.refusal) {
    return (
      <div className="banner bad" role="alert" data-testid="incoming-refused">
        This result link cannot be used: {incoming.refusal}.
      </div>
    );
  }
  const s = incoming.submission!;
  const ex = findExercise(s.exercise);
  return (
    <div className="banner info" data-testid="incoming">
      <p>
        A result: <strong>{who(s)}</strong>, {ex?.title ?? s.exercise} — {s.verdict.passed ? 'passed' : `not passed (${s.verdict.kind})`}, on {s.device.name} (
        {s.device.browser}), {new Date(s.date).toLocaleString()}.
      </p>
      <button type="button" className="primary" onClick={() => void acceptIncoming()}>
        Add to my class board
      </button>{' '}
      <button type="button" onClick={() => useExercises.setState({ incoming: null })}>
        Dismiss
      </button>
    </div>
  );
}

function Row({ entry, rank, of }: { entry: BoardEntry; rank: number | null; of: number }) {
  const s = entry.submission;
  const judging = useExercises((st) => st.judging);
  const gpu = useLab((st) => st.gpu);
  const job = useLab((st) => st.job);
  const mine = judging?.rejudge === entry.key;
  return (
    <tr data-testid="board-row" className={s.verdict.passed ? '' : 'failed'}>
      <td>{rank === null ? <span className="muted">—</span> : `${rank} of ${of}`}</td>
      <td>{who(s)}</td>
      <td>
        {s.verdict.passed ? <span className="ok">✓ passed</span> : <span className="bad">✗ {s.verdict.kind.replace('-', ' ')}</span>}
        {!s.verdict.passed && s.verdict.failedShape && <div className="muted">first failing: {s.verdict.failedShape}</div>}
        {entry.rejudged && (
          <div className={entry.rejudged.passed === s.verdict.passed ? 'ok' : 'bad'} data-testid="rejudged">
            Re-judged here: {entry.rejudged.passed ? 'passed' : entry.rejudged.kind}
            {entry.rejudged.passed === s.verdict.passed ? ' (agrees)' : ' (disagrees with the link)'}
          </div>
        )}
      </td>
      <td>{speedText(s)}</td>
      <td>
        {s.hintsUsed} hint{s.hintsUsed === 1 ? '' : 's'}
        {s.solutionViewed && <div className="warn-text">solution viewed</div>}
      </td>
      <td>
        {s.device.name}
        <div className="muted">{s.device.browser}</div>
      </td>
      <td>{new Date(s.date).toLocaleString()}</td>
      <td>
        {s.source ? (
          <details>
            <summary>source</summary>
            <pre className="board-source">
              <code>{s.source}</code>
            </pre>
          </details>
        ) : (
          <span className="muted">not sent</span>
        )}
        {s.source && (
          <button
            type="button"
            className="small"
            disabled={!gpu?.available || job !== null}
            onClick={() => rejudge(entry.key)}
            title="Judge this source again on this browser's GPU"
          >
            {mine ? 'Judging…' : 'Re-judge here'}
          </button>
        )}
        <button type="button" className="small" onClick={() => void removeFromBoard(entry.key)}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function ClassBoard() {
  const board = useExercises((s) => s.board);
  const reports = useExercises((s) => s.boardReports);
  const judgeError = useExercises((s) => s.judgeError);
  const [text, setText] = useState('');
  const [confirmClear, setConfirmClear] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const ranks = rankBoard(board);
  const exercises = EXERCISES.filter((e) => board.some((b) => b.submission.exercise === e.id));
  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">Class board</h2>
      <p>
        Paste your students’ result links (one per line) or import their files. Each is checked: a link that was changed after Submit, damaged, unknown or
        already here is refused with the reason. Students are ranked only against others on the same device class, because times from different GPUs cannot be
        compared. Nothing leaves this browser.
      </p>
      <p className="muted">
        A result link is sealed against changes (a checksum), not signed: without a server there is no secret, so a determined student could make a link for a
        verdict no GPU gave. Links that carry their source can be re-judged here, on your own device.
      </p>
      <Incoming />
      <div className="board-input">
        <label htmlFor="board-paste">Result links</label>
        <textarea id="board-paste" rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder="https://…#sub=…" />
        <div className="buttons">
          <button
            type="button"
            className="primary"
            disabled={!text.trim()}
            onClick={async () => {
              await addPasted(text);
              setText('');
            }}
          >
            Add to the board
          </button>
          <button type="button" onClick={() => file.current?.click()}>
            Import files…
          </button>
          <input
            ref={file}
            type="file"
            multiple
            accept=".json,.txt,application/json,text/plain"
            hidden
            aria-label="Result files to import"
            onChange={async (e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              for (const f of files) await addFile(f.name, await f.text());
            }}
          />
          <button
            type="button"
            disabled={board.length === 0}
            onClick={() => downloadText('kernel-lab-class-board.json', submissionsFile(board.map((b) => b.submission)), 'application/json')}
          >
            Export the board
          </button>
          {confirmClear ? (
            <>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  void clearBoard();
                  setConfirmClear(false);
                }}
              >
                Yes, remove all {board.length}
              </button>
              <button type="button" onClick={() => setConfirmClear(false)}>
                Keep them
              </button>
            </>
          ) : (
            <button type="button" className="danger" disabled={board.length === 0} onClick={() => setConfirmClear(true)}>
              Clear the board…
            </button>
          )}
        </div>
      </div>
      {reports.length > 0 && (
        <div className="board-reports" role="status" data-testid="board-reports">
          <p>
            {reports.filter((r) => r.added).length} added, {reports.filter((r) => !r.added).length} refused.
          </p>
          <ul>
            {reports
              .filter((r) => !r.added)
              .map((r, i) => (
                <li key={i} className="bad" data-testid="board-refusal">
                  {r.from}: refused ({r.added ? '' : r.refusal.kind}) — {r.added ? '' : r.refusal.reason}
                </li>
              ))}
          </ul>
        </div>
      )}
      {judgeError && <p className="banner bad">{judgeError}</p>}
      {board.length === 0 ? (
        <p className="empty">No results yet.</p>
      ) : (
        exercises.map((ex) => {
          const entries = board.filter((b) => b.submission.exercise === ex.id);
          const classes = [...new Set(entries.map((b) => b.submission.device.class))].sort();
          return (
            <section key={ex.id} className="board-exercise" aria-label={ex.title}>
              <h3>
                {ex.title}{' '}
                <span className="muted">
                  ({entries.filter((b) => b.submission.verdict.passed).length} of {entries.length} passed)
                </span>
              </h3>
              {classes.map((cls) => {
                const rows = entries
                  .filter((b) => b.submission.device.class === cls)
                  .sort((a, b) => (ranks.get(a.key)?.rank ?? Infinity) - (ranks.get(b.key)?.rank ?? Infinity) || a.addedAt.localeCompare(b.addedAt));
                return (
                  <table key={cls} className="board-table">
                    <caption>Device class: {cls}</caption>
                    <thead>
                      <tr>
                        <th scope="col">rank</th>
                        <th scope="col">student</th>
                        <th scope="col">verdict</th>
                        <th scope="col">speed</th>
                        <th scope="col">help used</th>
                        <th scope="col">device</th>
                        <th scope="col">submitted</th>
                        <th scope="col"></th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((e) => (
                        <Row key={e.key} entry={e} rank={ranks.get(e.key)?.rank ?? null} of={ranks.get(e.key)?.of ?? 0} />
                      ))}
                    </tbody>
                  </table>
                );
              })}
            </section>
          );
        })
      )}
    </section>
  );
}
