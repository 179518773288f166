// An edit in a share link: the edited sources (and grids) in the `edit` field, as JSON →
// deflate-raw → base64url, like result snapshots (snapshot.ts), beside the experiment's own
// fields. Refused above the link budget, with a pointer to file export. The receiver's page
// opens the editor on that experiment with that text; runs go through the same harness.
import { parseLink, serializeLink } from './url';
import { fromBase64Url, MAX_SNAPSHOT_CHARS, pipe, toBase64Url } from './snapshot';
import { currentEdit, openEditor, useEditor } from './editor';
import type { Experiment } from '../kernels/types';

export const EDIT_LINK_VERSION = 1;
/** The most characters the edit may take in a link (the snapshot's budget). */
export const MAX_EDIT_CHARS = MAX_SNAPSHOT_CHARS;
const MAX_SOURCE_CHARS = 200_000;

export interface SharedEdit {
  sources: Record<number, string>;
  workgroups: Record<number, [number, number, number]>;
}

export async function encodeEdit(edit: SharedEdit): Promise<{ text: string } | { error: string }> {
  const json = new TextEncoder().encode(JSON.stringify({ v: EDIT_LINK_VERSION, s: edit.sources, g: edit.workgroups }));
  const text = toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
  if (text.length > MAX_EDIT_CHARS) {
    return {
      error: `This edit needs ${text.length} characters, more than a link should carry (${MAX_EDIT_CHARS}). Run it and export the run as a file instead (History → Export JSON keeps the edited source).`,
    };
  }
  return { text };
}

const isGrid = (g: unknown): g is [number, number, number] =>
  Array.isArray(g) && g.length === 3 && g.every((n) => Number.isInteger(n) && n >= 1 && n <= 1 << 20);

/** Reads the `edit` field; never throws. */
export async function decodeEdit(text: string): Promise<{ edit: SharedEdit } | { error: string }> {
  if (text.length > MAX_EDIT_CHARS * 2) return { error: 'the edit in this link is too long to read' };
  let data: unknown;
  try {
    const inflated = await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw'));
    if (inflated.length > MAX_SOURCE_CHARS * 4) return { error: 'the edit in this link is too large' };
    data = JSON.parse(new TextDecoder().decode(inflated));
  } catch {
    return { error: 'the edit in this link is damaged and was ignored' };
  }
  const d = data as { v?: unknown; s?: unknown; g?: unknown };
  if (typeof d !== 'object' || d === null || d.v !== EDIT_LINK_VERSION || typeof d.s !== 'object' || d.s === null) {
    return { error: 'the edit in this link is not in a format this version understands; ignored' };
  }
  const sources: Record<number, string> = {};
  for (const [k, v] of Object.entries(d.s as Record<string, unknown>)) {
    if (!/^\d{1,2}$/.test(k) || typeof v !== 'string' || v.length > MAX_SOURCE_CHARS)
      return { error: 'the edit in this link has a source this version cannot read; ignored' };
    sources[Number(k)] = v;
  }
  const workgroups: Record<number, [number, number, number]> = {};
  if (typeof d.g === 'object' && d.g !== null) {
    for (const [k, v] of Object.entries(d.g as Record<string, unknown>)) if (/^\d{1,2}$/.test(k) && isGrid(v)) workgroups[Number(k)] = v;
  }
  return { edit: { sources, workgroups } };
}

/** The link to the editor's experiment with its edit, or why it cannot be made. */
export async function editLink(): Promise<{ url: string } | { error: string }> {
  const s = useEditor.getState();
  if (!s.experiment) return { error: 'Open the editor first.' };
  const edit = currentEdit(s);
  if (!Object.keys(edit.sources).length && !Object.keys(edit.workgroups ?? {}).length)
    return { error: 'Nothing is edited yet: the plain link already opens the generated kernel.' };
  const encoded = await encodeEdit({ sources: edit.sources, workgroups: edit.workgroups ?? {} });
  if ('error' in encoded) return encoded;
  const url = new URL(window.location.href);
  url.hash = serializeLink(s.experiment, { edit: encoded.text });
  return { url: url.toString() };
}

/** Opens the editor when the page's link carries an edit (at start and when a link is pasted). */
export function startEditorLink(onProblem: (text: string) => void) {
  const apply = (hash: string) => {
    const parsed = parseLink(hash);
    const text = parsed.extra.edit;
    if (!text) return;
    const experiment: Experiment = parsed.experiment;
    void decodeEdit(text).then((decoded) => {
      if ('error' in decoded) onProblem(decoded.error);
      else void openEditor(experiment, decoded.edit);
    });
  };
  apply(window.location.hash);
  window.addEventListener('hashchange', () => apply(window.location.hash));
}
