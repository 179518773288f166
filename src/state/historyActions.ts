// History operations that keep the store and IndexedDB in step.
import type { ExperimentResult } from '../kernels/types';
import { clearRuns, deleteRun, importRuns, putRuns, readRuns, saveResult } from './history';
import { runsFromJson } from './runFile';
import { useLab } from './store';

function failed(e: unknown) {
  useLab.setState({ historyError: e instanceof Error ? e.message : String(e) });
}

export async function loadHistory() {
  try {
    const { runs, unreadable } = await readRuns();
    useLab.setState({
      history: runs,
      historyError: unreadable.length
        ? `${unreadable.length} saved run(s) could not be read and are not shown (${unreadable[0].problem}). "Clear all" removes them.`
        : null,
    });
  } catch (e) {
    failed(e);
  }
}

export async function recordResult(result: ExperimentResult, sweepId?: string) {
  try {
    const run = await saveResult(result, sweepId);
    useLab.setState((s) => ({ history: [run, ...s.history], historyError: null }));
  } catch (e) {
    failed(e);
  }
}

export async function removeRun(id: string) {
  try {
    await deleteRun(id);
    useLab.setState((s) => ({ history: s.history.filter((r) => r.id !== id) }));
  } catch (e) {
    failed(e);
  }
}

export async function clearHistory() {
  try {
    await clearRuns();
    useLab.setState({ history: [] });
  } catch (e) {
    failed(e);
  }
}

export async function togglePin(id: string) {
  const run = useLab.getState().history.find((r) => r.id === id);
  if (!run) return;
  const updated = { ...run, pinned: !run.pinned };
  try {
    await putRuns([updated]);
    useLab.setState((s) => ({ history: s.history.map((r) => (r.id === id ? updated : r)) }));
  } catch (e) {
    failed(e);
  }
}

/** Imports a runs file; a bad file changes nothing and says why. */
export async function importFile(text: string): Promise<string> {
  const parsed = runsFromJson(text);
  if ('error' in parsed) return parsed.error;
  try {
    const { added, skipped } = await importRuns(parsed.runs);
    await loadHistory();
    return `Imported ${added} run(s)${skipped ? `; ${skipped} already in the history were skipped` : ''}.`;
  } catch (e) {
    return `Import failed, nothing was changed: ${e instanceof Error ? e.message : e}`;
  }
}
