// The one place the exercise page meets the live editor (views/editor/CodeEditor.tsx, loaded on
// demand with CodeMirror): a shader's text in, edits out, the judge's messages at their lines.
// Until the editor's chunk has loaded, a plain text area holds the same text.
import { lazy, Suspense } from 'react';
import type { InlineMessage } from '../editor/CodeEditor';

const CodeEditor = lazy(() => import('../editor/CodeEditor'));

export type { InlineMessage };

interface Props {
  value: string;
  onChange(value: string): void;
  messages: InlineMessage[];
  /** Moves the cursor to a line (the nonce repeats a jump). */
  jump: { line: number; nonce: number } | null;
  label: string;
}

export function SourceEditor({ value, onChange, messages, jump, label }: Props) {
  return (
    <Suspense
      fallback={
        <textarea className="source-fallback" aria-label={label} value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} rows={24} />
      }
    >
      <CodeEditor value={value} onChange={onChange} messages={messages} diffAgainst={null} jump={jump} label={label} />
    </Suspense>
  );
}
