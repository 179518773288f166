// The live kernel editor's state (its own zustand store, beside the lab's): which experiment the
// editor runs, the generated and edited source of each dispatch, compile messages as you type,
// the last edited run beside the unedited one, the last Check. Drafts are kept in IndexedDB per
// variant (a reload loses nothing); an edit travels in a link (state/editorLink.ts).
import { create } from 'zustand';
import type { Experiment, ExperimentResult } from '../kernels/types';
import type { CheckReport, DispatchCompile, EditorFromWorker, EditorPlan, EditSpec, ProbeInfo, ToWorker } from '../workers/protocol';
import { deleteRecord, listRecords, putRecord, saveResult } from './history';
import { onWorkerMessage, postToWorker, startJob } from './labClient';
import { useLab } from './store';
import { togglePin } from './historyActions';

export interface EditorTab {
  label: string;
  entryPoint: string;
  generated: string;
  source: string;
  /** The variant's workgroup grid, and the one the edit runs with. */
  defaultGrid: [number, number, number];
  grid: [number, number, number];
  generatedWorkgroupSize: [number, number, number] | null;
}

export interface EditorRun {
  edited: ExperimentResult;
  builtIn: ExperimentResult;
  ratio: number;
  probe: ProbeInfo;
  /** History ids of the two runs, to pin them for Compare. */
  ids?: { edited: string; builtIn: string };
}

export interface EditorState {
  open: boolean;
  /** The experiment the editor runs (its own copy: the form may change meanwhile). */
  experiment: Experiment | null;
  plan: EditorPlan | null;
  planError: string | null;
  tabs: EditorTab[];
  active: number;
  /** Compile messages per dispatch index, for the current text (null while compiling). */
  compiled: Record<number, DispatchCompile | null>;
  compileError: string | null;
  run: EditorRun | null;
  refused: { message: string; problems: string[]; dispatch?: number; lines?: number[] } | null;
  check: CheckReport | null;
  /** A sentence about the last job that ended without a result (abandoned, device lost, error). */
  status: string | null;
  /** Where the text came from when the editor opened. */
  origin: 'generated' | 'draft' | 'link';
  draftNote: string | null;
  runBudgetSeconds: number;
  checkBudgetSeconds: number;
  checkWorkgroups: number;
  jobId: number | null;
  jobKind: 'edit-run' | 'check' | null;
}

const INITIAL: Omit<EditorState, 'runBudgetSeconds' | 'checkBudgetSeconds' | 'checkWorkgroups'> = {
  open: false,
  experiment: null,
  plan: null,
  planError: null,
  tabs: [],
  active: 0,
  compiled: {},
  compileError: null,
  run: null,
  refused: null,
  check: null,
  status: null,
  origin: 'generated',
  draftNote: null,
  jobId: null,
  jobKind: null,
};

/** The default time budget of an edited run: past it, the run is abandoned and the device recreated. */
export const DEFAULT_RUN_BUDGET_S = 60;
/** The default budget of a Check (interpretation on the CPU; the checker's own default). */
export const DEFAULT_CHECK_BUDGET_S = 10;

export const useEditor = create<EditorState>()(() => ({
  ...INITIAL,
  runBudgetSeconds: DEFAULT_RUN_BUDGET_S,
  checkBudgetSeconds: DEFAULT_CHECK_BUDGET_S,
  checkWorkgroups: 8,
}));

// ---- drafts (IndexedDB, per variant) ----------------------------------------------------------

export interface Draft {
  experiment: Experiment;
  sources: Record<number, string>;
  workgroups: Record<number, [number, number, number]>;
  savedAt: string;
}

const draftKey = (e: Pick<Experiment, 'family' | 'variant'>) => `editor-draft:${e.family}/${e.variant}`;

async function loadDraft(e: Experiment): Promise<Draft | null> {
  try {
    const records = await listRecords<Draft>(draftKey(e));
    const record = records.find((r) => r.key === draftKey(e));
    return record && typeof record.value === 'object' && record.value?.sources ? record.value : null;
  } catch {
    return null;
  }
}

let draftTimer: ReturnType<typeof setTimeout> | undefined;
function saveDraftSoon() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => void saveDraftNow(), 400);
}

/** Writes the draft (or removes it when nothing differs from the generated source). */
export async function saveDraftNow(): Promise<void> {
  clearTimeout(draftTimer);
  const s = useEditor.getState();
  if (!s.experiment || !s.tabs.length) return;
  const edit = currentEdit(s);
  try {
    if (!Object.keys(edit.sources).length && !Object.keys(edit.workgroups ?? {}).length) await deleteRecord(draftKey(s.experiment));
    else
      await putRecord<Draft>(draftKey(s.experiment), {
        experiment: s.experiment,
        sources: edit.sources,
        workgroups: edit.workgroups ?? {},
        savedAt: new Date().toISOString(),
      });
  } catch (e) {
    useEditor.setState({ draftNote: `The draft could not be saved in this browser: ${e instanceof Error ? e.message : e}` });
  }
}

// ---- the edit as data -------------------------------------------------------------------------

const sameGrid = (a: number[], b: number[]) => a.every((x, i) => x === b[i]);

/** The edited dispatches' sources and the grids that differ from the variant's. */
export function currentEdit(s: Pick<EditorState, 'tabs'>): EditSpec {
  const sources: Record<number, string> = {};
  const workgroups: Record<number, [number, number, number]> = {};
  s.tabs.forEach((t, i) => {
    if (t.source !== t.generated) sources[i] = t.source;
    if (!sameGrid(t.grid, t.defaultGrid)) workgroups[i] = t.grid;
  });
  return { sources, workgroups };
}

// ---- talking to the worker --------------------------------------------------------------------

let nextRequest = 1_000_000;
let planRequest = 0;
let compileRequest = 0;
let listening = false;
let pendingOpen: { sources?: Record<number, string>; workgroups?: Record<number, [number, number, number]>; origin: EditorState['origin'] } | null = null;

function listen() {
  if (listening) return;
  listening = true;
  onWorkerMessage((m) => handleReply(m as EditorFromWorker));
  // A job of the editor that ends without its own reply (abandoned past its budget, device lost,
  // an error): say why in the editor too. The text stays.
  useLab.subscribe((state, previous) => {
    const s = useEditor.getState();
    if (previous.job && previous.job.id === s.jobId && !state.job) {
      useEditor.setState({ jobId: null, jobKind: null, status: state.error?.message ?? state.notice ?? null });
    }
    // A fresh device after a loss: compile again so the messages are current.
    if (!previous.gpu && state.gpu?.available && s.open) compileSoon(0);
  });
}

function handleReply(m: EditorFromWorker) {
  const s = useEditor.getState();
  switch (m.type) {
    case 'editor-plan': {
      if (m.id !== planRequest) return;
      if (!m.plan) {
        useEditor.setState({ plan: null, planError: m.error ?? 'the worker could not make the plan' });
        return;
      }
      const open = pendingOpen;
      pendingOpen = null;
      const tabs: EditorTab[] = m.plan.dispatches.map((d, i) => ({
        label: d.label,
        entryPoint: d.entryPoint,
        generated: d.wgsl,
        source: open?.sources?.[i] ?? d.wgsl,
        defaultGrid: d.workgroups,
        grid: open?.workgroups?.[i] ?? d.workgroups,
        generatedWorkgroupSize: d.workgroupSize,
      }));
      useEditor.setState({ plan: m.plan, planError: null, tabs, active: 0, compiled: {}, origin: open?.origin ?? 'generated' });
      compileSoon(0);
      return;
    }
    case 'editor-compiled':
      if (m.id !== compileRequest) return;
      useEditor.setState({ compiled: Object.fromEntries(m.dispatches.map((d) => [d.index, d])), compileError: m.error ?? null });
      return;
    case 'editor-result':
      if (m.id !== s.jobId) return;
      useEditor.setState({ run: { edited: m.edited, builtIn: m.builtIn, ratio: m.ratio, probe: m.probe }, refused: null, status: null });
      void recordPair(m.builtIn, m.edited);
      return;
    case 'editor-refused':
      if (m.id !== s.jobId) return;
      useEditor.setState({
        refused: { message: m.message, problems: m.problems, dispatch: m.dispatch, lines: m.lines },
        run: null,
        status: null,
        ...(m.dispatch !== undefined ? { active: m.dispatch } : {}),
      });
      return;
    case 'editor-check-result':
      if (m.id !== s.jobId) return;
      useEditor.setState({ check: m.report, status: null });
      return;
  }
}

/** Both runs of an editor run go into History (the edit with its source's hash). */
async function recordPair(builtIn: ExperimentResult, edited: ExperimentResult) {
  try {
    const a = await saveResult(builtIn);
    const b = await saveResult(edited);
    useLab.setState((st) => ({ history: [b, a, ...st.history], historyError: null }));
    const run = useEditor.getState().run;
    if (run && run.edited === edited) useEditor.setState({ run: { ...run, ids: { edited: b.id, builtIn: a.id } } });
  } catch (e) {
    useLab.setState({ historyError: e instanceof Error ? e.message : String(e) });
  }
}

let compileTimer: ReturnType<typeof setTimeout> | undefined;
/** Compile as you type: debounced, the latest text wins. */
export function compileSoon(delayMs = 350) {
  clearTimeout(compileTimer);
  compileTimer = setTimeout(() => {
    const s = useEditor.getState();
    if (!s.open || !s.experiment || !s.tabs.length) return;
    compileRequest = nextRequest++;
    // Every tab is compiled (an unedited tab too: its messages are the baseline's).
    const sources = Object.fromEntries(s.tabs.map((t, i) => [i, t.source]));
    const workgroups = Object.fromEntries(s.tabs.map((t, i) => [i, t.grid]));
    useEditor.setState({ compiled: Object.fromEntries(s.tabs.map((_, i) => [i, null])) });
    postToWorker({ type: 'editor-compile', id: compileRequest, experiment: s.experiment, edit: { sources, workgroups } } satisfies ToWorker);
  }, delayMs);
}

// ---- actions ----------------------------------------------------------------------------------

/**
 * Opens the editor on an experiment (default: the form's). The text comes from `sources` (a
 * shared link), else this variant's draft, else the generated source.
 */
export async function openEditor(experiment?: Experiment, from?: { sources: Record<number, string>; workgroups?: Record<number, [number, number, number]> }) {
  listen();
  let e = structuredClone(experiment ?? useLab.getState().experiment);
  delete e.sweep;
  let note: string | null = null;
  pendingOpen = from ? { ...from, origin: 'link' } : null;
  if (!from) {
    const draft = await loadDraft(e);
    if (draft) {
      const sameParams = JSON.stringify(draft.experiment.params) === JSON.stringify(e.params);
      if (!sameParams)
        note =
          'Your draft of this variant was written with other parameters: the editor runs with the draft’s parameters (shown above the code), so its constants still fit.';
      e = { ...e, params: draft.experiment.params, seed: draft.experiment.seed ?? e.seed };
      pendingOpen = { sources: draft.sources, workgroups: draft.workgroups, origin: 'draft' };
    }
  }
  useEditor.setState({ ...INITIAL, open: true, experiment: e, draftNote: note });
  planRequest = nextRequest++;
  postToWorker({ type: 'editor-plan', id: planRequest, experiment: e } satisfies ToWorker);
}

export function closeEditor() {
  void saveDraftNow();
  useEditor.setState({ open: false });
}

export function setActive(index: number) {
  useEditor.setState({ active: index });
}

export function setSource(index: number, source: string) {
  const tabs = useEditor.getState().tabs.map((t, i) => (i === index ? { ...t, source } : t));
  useEditor.setState({ tabs });
  compileSoon();
  saveDraftSoon();
}

export function setGrid(index: number, grid: [number, number, number]) {
  const tabs = useEditor.getState().tabs.map((t, i) => (i === index ? { ...t, grid } : t));
  useEditor.setState({ tabs });
  compileSoon();
  saveDraftSoon();
}

/** Rewrites the entry point's @workgroup_size to these numbers. */
export function withWorkgroupSize(source: string, size: [number, number, number]): string {
  return source.replace(
    /@workgroup_size\s*\(([^)]*)\)/,
    `@workgroup_size(${size[2] > 1 ? size.join(', ') : size[1] > 1 ? `${size[0]}, ${size[1]}` : size[0]})`,
  );
}

export function resetToGenerated(index: number) {
  const tabs = useEditor.getState().tabs.map((t, i) => (i === index ? { ...t, source: t.generated, grid: t.defaultGrid } : t));
  useEditor.setState({ tabs, refused: null });
  compileSoon(0);
  void saveDraftNow();
}

export function setBudgets(patch: Partial<Pick<EditorState, 'runBudgetSeconds' | 'checkBudgetSeconds' | 'checkWorkgroups'>>) {
  useEditor.setState(patch);
}

/** Runs the edit through the harness beside the unedited kernel (one job, with a time budget). */
export function runEdit(): boolean {
  const s = useEditor.getState();
  if (!s.experiment || !s.tabs.length) return false;
  const experiment = s.experiment;
  const edit = currentEdit(s);
  useEditor.setState({ status: null, refused: null });
  const id = startJob('edit-run', (jobId) => ({ type: 'editor-run', id: jobId, experiment, edit }), { budgetMs: s.runBudgetSeconds * 1000 });
  if (id === null) return false;
  useEditor.setState({ jobId: id, jobKind: 'edit-run' });
  return true;
}

/** Runs the race and bounds checker on the edit (one job, cancellable, with its budget). */
export function runCheck(): boolean {
  const s = useEditor.getState();
  if (!s.experiment || !s.tabs.length) return false;
  const experiment = s.experiment;
  const edit = currentEdit(s);
  useEditor.setState({ status: null, check: null });
  // The checker stops itself at its budget; the job's own budget covers the compile in front.
  const id = startJob(
    'check',
    (jobId) => ({ type: 'editor-check', id: jobId, experiment, edit, budgetMs: s.checkBudgetSeconds * 1000, maxWorkgroups: s.checkWorkgroups }),
    {
      budgetMs: s.checkBudgetSeconds * 1000 + 60_000,
    },
  );
  if (id === null) return false;
  useEditor.setState({ jobId: id, jobKind: 'check' });
  return true;
}

/** Pins the edited run and the unedited one and opens Compare. */
export async function compareWithBuiltIn() {
  const ids = useEditor.getState().run?.ids;
  if (!ids) return;
  for (const id of [ids.builtIn, ids.edited]) {
    if (!useLab.getState().history.find((r) => r.id === id)?.pinned) await togglePin(id);
  }
  useLab.setState({ view: 'compare' });
}
