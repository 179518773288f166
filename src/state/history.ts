// Run history in IndexedDB: every finished run is written as soon as it arrives (each sweep
// point too), so closing the tab mid-sweep loses nothing already measured.
import type { ExperimentResult } from '../kernels/types';
import type { SavedRun } from './runFile';
import { databaseOpener, done } from './idb';
import { validateStoredRuns } from './resultSchema';

const DB_NAME = 'kernel-lab';
const DB_VERSION = 2;
const RUNS = 'runs';
/** Small key-value records: tuned configurations and measured roofs, per adapter. */
const KV = 'kv';

const openDb = databaseOpener(DB_NAME, DB_VERSION, 'runs cannot be saved', (db) => {
  if (!db.objectStoreNames.contains(RUNS)) {
    const store = db.createObjectStore(RUNS, { keyPath: 'id' });
    store.createIndex('savedAt', 'savedAt');
  }
  if (!db.objectStoreNames.contains(KV)) db.createObjectStore(KV, { keyPath: 'key' });
});

export function newRunId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function saveResult(result: ExperimentResult, sweepId?: string): Promise<SavedRun> {
  const run: SavedRun = { id: newRunId(), savedAt: new Date().toISOString(), pinned: false, result, ...(sweepId ? { sweepId } : {}) };
  await putRuns([run]);
  return run;
}

export async function putRuns(runs: SavedRun[]): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(RUNS, 'readwrite');
  const store = tx.objectStore(RUNS);
  for (const run of runs) store.put(run);
  await done(tx);
}

/**
 * The saved runs, each checked as an imported one would be (resultSchema.ts), newest first, and
 * the records that could not be read (an older version's, or damaged): those stay in storage
 * until deleted, so nothing is lost, but no view ever sees them.
 */
export async function listRuns(): Promise<SavedRun[]> {
  return (await readRuns()).runs;
}

export async function readRuns(): Promise<{ runs: SavedRun[]; unreadable: { id: string | null; problem: string }[] }> {
  const db = await openDb();
  const tx = db.transaction(RUNS, 'readonly');
  const request = tx.objectStore(RUNS).getAll();
  await done(tx);
  const checked = validateStoredRuns(request.result as unknown[]);
  checked.runs.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  return checked;
}

export async function deleteRun(id: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(RUNS, 'readwrite');
  tx.objectStore(RUNS).delete(id);
  await done(tx);
}

export async function clearRuns(): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(RUNS, 'readwrite');
  tx.objectStore(RUNS).clear();
  await done(tx);
}

/** Adds imported runs in one transaction (all or nothing); runs whose id exists are skipped. */
export async function importRuns(runs: SavedRun[]): Promise<{ added: number; skipped: number }> {
  const existing = new Set((await listRuns()).map((r) => r.id));
  const fresh = runs.filter((r) => !existing.has(r.id));
  await putRuns(fresh);
  return { added: fresh.length, skipped: runs.length - fresh.length };
}

export async function putRecord<T>(key: string, value: T): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(KV, 'readwrite');
  tx.objectStore(KV).put({ key, value });
  await done(tx);
}

/** Every record whose key starts with `prefix`. */
export async function listRecords<T>(prefix: string): Promise<{ key: string; value: T }[]> {
  const db = await openDb();
  const tx = db.transaction(KV, 'readonly');
  const request = tx.objectStore(KV).getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
  await done(tx);
  return request.result as { key: string; value: T }[];
}

export async function deleteRecord(key: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(KV, 'readwrite');
  tx.objectStore(KV).delete(key);
  await done(tx);
}
