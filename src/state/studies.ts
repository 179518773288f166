// The study slice's side effects: what each study remembers per adapter lives in IndexedDB
// (tuned configurations, measured roofs) under `study:<study id>:<record key>`, and is loaded into
// the store for the current adapter when the worker is ready. Components read a study through
// selectStudy; the worker client (labClient.ts) writes its results.
import { adapterName } from '../gpu/describe';
import type { StudyId, StudyMemo, StudyRecord } from '../kernels/study';
import { deleteRecord, listRecords, putRecord } from './history';
import { STUDY_RECORD_VALIDATORS } from './studyRecords';
import { useLab, type LabState, type StudySlot } from './store';

const PREFIX = 'study:';

function emptySlot<I extends StudyId>(): StudySlot<I> {
  return { request: null, result: null, final: false, running: false, records: {} };
}

/** A study's slot in the store (the same object until it changes, so a selector stays stable). */
export function selectStudy<I extends StudyId>(id: I): (s: LabState) => StudySlot<I> | undefined {
  return (s) => s.studies[id] as StudySlot<I> | undefined;
}

export function updateStudy<I extends StudyId>(id: I, patch: Partial<StudySlot<I>> | ((slot: StudySlot<I>) => Partial<StudySlot<I>>)) {
  useLab.setState((s) => {
    const slot = (s.studies[id] as StudySlot<I> | undefined) ?? emptySlot<I>();
    const next = { ...slot, ...(typeof patch === 'function' ? patch(slot) : patch) };
    return { studies: { ...s.studies, [id]: next } };
  });
}

function failed(e: unknown) {
  useLab.setState({ historyError: e instanceof Error ? e.message : String(e) });
}

function currentAdapter(): string | null {
  const gpu = useLab.getState().gpu;
  return gpu?.available ? adapterName(gpu.adapter) : null;
}

/** Loads every study's records measured on the current adapter. */
export async function loadStudyRecords() {
  const adapter = currentAdapter();
  if (!adapter) return;
  try {
    const byStudy = new Map<string, Record<string, unknown>>();
    for (const { key, value } of await listRecords<{ adapter?: unknown }>(PREFIX)) {
      const colon = key.indexOf(':', PREFIX.length);
      if (colon < 0 || value?.adapter !== adapter) continue;
      const study = key.slice(PREFIX.length, colon);
      // Checked in depth like every input from outside this session; an unreadable record is
      // simply not offered (a new measurement replaces it).
      const checked = STUDY_RECORD_VALIDATORS[study]?.(value) ?? null;
      if (checked === null) continue;
      byStudy.set(study, { ...byStudy.get(study), [key.slice(colon + 1)]: checked });
    }
    useLab.setState((s) => {
      const studies = { ...s.studies } as Record<string, StudySlot<StudyId>>;
      for (const [study, records] of byStudy) studies[study] = { ...(studies[study] ?? emptySlot()), records: records as StudySlot<StudyId>['records'] };
      return { studies: studies as LabState['studies'] };
    });
  } catch (e) {
    failed(e);
  }
}

/** Keeps what a study's final result asks to remember: in the store at once, then in IndexedDB. */
export async function rememberStudy<I extends StudyId>(id: I, memos: StudyMemo<StudyRecord<I>>[]) {
  if (memos.length === 0) return;
  updateStudy(id, (slot) => ({ records: { ...slot.records, ...Object.fromEntries(memos.map((m) => [m.key, m.value])) } }));
  try {
    for (const m of memos) await putRecord(`${PREFIX}${id}:${m.key}`, m.value);
  } catch (e) {
    failed(e);
  }
}

export async function forgetStudyRecord<I extends StudyId>(id: I, key: string) {
  updateStudy(id, (slot) => {
    const records = { ...slot.records };
    delete records[key];
    return { records };
  });
  await deleteRecord(`${PREFIX}${id}:${key}`).catch(failed);
}
