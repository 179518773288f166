// Saved runs: search, open, pin for comparison, delete, clear, export (JSON, CSV), import.
import { useMemo, useRef, useState } from 'react';
import { adapterName } from '../../gpu/describe';
import { clearHistory, importFile, removeRun, togglePin } from '../../state/historyActions';
import { runsToCsv, runsToJson, type SavedRun } from '../../state/runFile';
import { useLab } from '../../state/store';
import { fmtNumber, fmtResultSeconds, fmtSqnr } from '../format';
import { downloadText } from '../download';
import { Boundary } from './Boundary';

function matches(run: SavedRun, query: string): boolean {
  if (!query) return true;
  try {
    const r = run.result;
    const text = [
      r.experiment.family,
      r.experiment.variant,
      r.variantLabel,
      r.edit ? `edited ${r.edit.hash}` : '',
      r.shape,
      adapterName(r.provenance.adapter),
      r.provenance.backend,
    ]
      .join(' ')
      .toLowerCase();
    return query
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .every((word) => text.includes(word));
  } catch {
    return true; // a run that cannot be searched is listed, where it can be deleted
  }
}

/**
 * History in three parts, each behind its own boundary: the tools (search, export, import, clear
 * all), the list, and each row. Whatever fails to show, "Clear all" stays reachable, and a row
 * that cannot be shown keeps its Delete button.
 */
export function HistoryPanel() {
  const history = useLab((s) => s.history);
  const historyError = useLab((s) => s.historyError);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => history.filter((r) => matches(r, query)), [history, query]);
  return (
    <section className="history" aria-label="Run history">
      <h2>History</h2>
      {historyError && (
        <p className="bad" role="alert">
          {historyError}
        </p>
      )}
      <Boundary name="history tools">
        <HistoryTools query={query} setQuery={setQuery} shown={shown} />
      </Boundary>
      <Boundary
        name="history list"
        fallback={(error, retry) => (
          <div className="banner bad" role="alert" data-testid="history-list-failed">
            The history list could not be shown ({error}). The runs are still saved: “Clear all” above removes them.{' '}
            <button type="button" className="small" onClick={retry}>
              Try again
            </button>
          </div>
        )}
      >
        <HistoryTable shown={shown} query={query} />
      </Boundary>
    </section>
  );
}

function HistoryTools({ query, setQuery, shown }: { query: string; setQuery: (q: string) => void; shown: SavedRun[] }) {
  const history = useLab((s) => s.history);
  const [message, setMessage] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const exportAs = (name: string, type: string, write: (runs: SavedRun[]) => string) => {
    try {
      downloadText(name, write(shown), type);
    } catch (e) {
      setMessage(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <>
      <div className="history-tools">
        <div className="field">
          <label htmlFor="history-search">Search runs (kernel, variant, shape, adapter)</label>
          <input id="history-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <button type="button" disabled={!shown.length} onClick={() => exportAs('kernel-lab-runs.json', 'application/json', runsToJson)}>
          Export JSON
        </button>
        <button type="button" disabled={!shown.length} onClick={() => exportAs('kernel-lab-runs.csv', 'text/csv', runsToCsv)}>
          Export CSV
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import JSON
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          aria-label="Import a runs file"
          data-testid="import-file"
          hidden
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            if (file.size > 50 * 1024 * 1024) {
              setMessage(`Nothing was imported: ${file.name} is larger than 50 MB.`);
              return;
            }
            setMessage(await importFile(await file.text()));
          }}
        />
        <button
          type="button"
          className="danger"
          disabled={!history.length}
          onClick={() => {
            if (window.confirm(`Delete all ${history.length} saved runs? This cannot be undone.`)) void clearHistory();
          }}
        >
          Clear all
        </button>
      </div>
      {message && (
        <p role="status" data-testid="import-message" className={message.startsWith('Imported') ? 'ok' : 'bad'}>
          {message}
        </p>
      )}
      <p className="muted">
        {history.length} saved run(s){query ? `, ${shown.length} match` : ''}. Every finished run is saved in this browser (IndexedDB).
      </p>
    </>
  );
}

function HistoryTable({ shown }: { shown: SavedRun[]; query: string }) {
  return (
    <>
      {shown.length > 0 && (
        <div className="scroll">
          <table data-testid="history-table">
            <thead>
              <tr>
                <th scope="col">Saved</th>
                <th scope="col">Kernel</th>
                <th scope="col">Shape</th>
                <th scope="col">Device</th>
                <th scope="col">Median</th>
                <th scope="col">GFLOP/s</th>
                <th scope="col">SQNR</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((run) => (
                <Boundary
                  key={run.id}
                  name="history row"
                  fallback={(error) => (
                    <tr>
                      <td colSpan={7} className="bad">
                        This saved run cannot be shown ({error}).
                      </td>
                      <td className="actions">
                        <button type="button" onClick={() => void removeRun(run.id)} aria-label="Delete the run that cannot be shown">
                          Delete
                        </button>
                      </td>
                    </tr>
                  )}
                >
                  <HistoryRow run={run} />
                </Boundary>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function HistoryRow({ run }: { run: SavedRun }) {
  const r = run.result;
  const open = () => {
    useLab.setState({ experiment: r.experiment, result: r });
    document.querySelector('[data-testid="results"]')?.scrollIntoView({ block: 'nearest' });
  };
  return (
    <tr key={run.id}>
      <td>{new Date(run.savedAt).toLocaleString()}</td>
      <td>
        {r.experiment.family}/{r.experiment.variant}
        {r.edit && <span className="badge cpu"> edited #{r.edit.hash}</span>}
      </td>
      <td>{r.shape}</td>
      <td>{r.provenance.backend === 'cpu' ? 'CPU (emulated)' : adapterName(r.provenance.adapter)}</td>
      <td>{fmtResultSeconds(r, r.medianSeconds)}</td>
      <td>{fmtNumber(r.gflops, 4)}</td>
      <td>{fmtSqnr(r.metrics.sqnrDb)}</td>
      <td className="actions">
        <button type="button" onClick={open}>
          Open
        </button>
        <button type="button" aria-pressed={run.pinned} onClick={() => void togglePin(run.id)}>
          {run.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" onClick={() => void removeRun(run.id)} aria-label={`Delete run of ${r.experiment.variant} ${r.shape}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
