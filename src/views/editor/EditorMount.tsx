// The mount that loads the editor (CodeMirror included) lazily, in the first chunk.
import { Component, lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useEditor } from '../../state/editor';

const EditorPanel = lazy(() => import('./EditorPanel'));

class Boundary extends Component<{ children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  render() {
    return this.state.error ? (
      <p className="bad" role="alert">
        The editor failed: {this.state.error}
      </p>
    ) : (
      this.props.children
    );
  }
}

export function EditorMount() {
  const open = useEditor((s) => s.open);
  const experiment = useEditor((s) => s.experiment);
  const here = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: opening the editor on another experiment scrolls to it again.
  useEffect(() => {
    if (open) here.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [open, experiment]);
  return (
    <div ref={here}>
      {open && (
        <Boundary>
          <Suspense fallback={<p className="muted">Loading the editor…</p>}>
            <EditorPanel />
          </Suspense>
        </Boundary>
      )}
    </div>
  );
}
