// CodeMirror 6 for WGSL: line numbers, bracket matching, search (Ctrl/Cmd-F), undo, messages
// inline at their line and column (the compiler's, the contract's, the checker's), and an inline
// diff against the generated source. Keyboard: Tab indents; Esc then Tab leaves the editor.
import { useEffect, useRef } from 'react';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { unifiedMergeView } from '@codemirror/merge';
import { wgsl } from './wgslLanguage';

export interface InlineMessage {
  line?: number;
  column?: number;
  length?: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

interface Props {
  value: string;
  onChange(value: string): void;
  messages: InlineMessage[];
  /** The generated source: when set, the changes against it are shown inline. */
  diffAgainst: string | null;
  /** Moves the cursor to this line (the nonce makes a repeated jump move again). */
  jump: { line: number; nonce: number } | null;
  label: string;
}

function diagnosticsOf(state: EditorState, messages: InlineMessage[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const doc = state.doc;
  for (const m of messages) {
    if (!m.line || m.line < 1 || m.line > doc.lines) continue;
    const line = doc.line(m.line);
    const from = Math.min(line.to, line.from + Math.max(0, (m.column ?? 1) - 1));
    const to = m.length ? Math.min(line.to, from + m.length) : m.column ? Math.max(from, line.to) : line.to;
    out.push({ from: m.column ? from : line.from, to: Math.max(to, m.column ? from : line.from), severity: m.severity, message: m.message });
  }
  return out;
}

const theme = EditorView.theme({
  '&': { fontSize: '0.85rem', border: '1px solid var(--line)', borderRadius: '6px', background: '#fff' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', maxHeight: '60vh', minHeight: '16rem' },
  '&.cm-focused': { outline: '3px solid #e69f00', outlineOffset: '1px' },
  '.cm-gutters': { background: '#f1f3f5', color: '#5b6470', borderRight: '1px solid var(--line)' },
});

export default function CodeEditor({ value, onChange, messages, diffAgainst, jump, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  change.current = onChange;
  const diff = useRef(new Compartment());

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once per mount (parents key it per tab and per exercise, so the label is fixed); later values arrive through the effect below.
  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          search({ top: true }),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          wgsl,
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
          theme,
          diff.current.of([]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // Text set from outside (Reset, a blank kernel, a workgroup size field).
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new text needs the messages placed again on its lines.
  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, diagnosticsOf(v.state, messages)));
  }, [messages, value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch({
      effects: diff.current.reconfigure(diffAgainst !== null ? unifiedMergeView({ original: diffAgainst, mergeControls: false, gutter: true }) : []),
    });
  }, [diffAgainst]);

  useEffect(() => {
    const v = view.current;
    if (!v || !jump || jump.line < 1 || jump.line > v.state.doc.lines) return;
    const line = v.state.doc.line(jump.line);
    v.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: 'center' }) });
    v.focus();
  }, [jump]);

  return <div ref={host} className="code-editor" data-testid="code-editor" />;
}
