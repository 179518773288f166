// IndexedDB, the two pieces every store of the app needs: a database opened once (and opened
// again after a failure), and a transaction's completion as a promise.

/**
 * A function that opens the database `name` at `version` on first use, creating what `upgrade`
 * creates; `what` names what is lost without it, for the message ("runs cannot be saved").
 */
export function databaseOpener(name: string, version: number, what: string, upgrade: (db: IDBDatabase) => void): () => Promise<IDBDatabase> {
  let opening: Promise<IDBDatabase> | null = null;
  return () => {
    opening ??= new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(new Error(`This browser has no IndexedDB: ${what} (private mode?)`));
        return;
      }
      const request = indexedDB.open(name, version);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB failed to open'));
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of Kernel Lab'));
    });
    opening.catch(() => {
      opening = null;
    });
    return opening;
  };
}

/** Resolves when the transaction commits; rejects with its error when it fails or aborts. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}
