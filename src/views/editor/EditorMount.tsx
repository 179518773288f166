// The editor's two small pieces in the first chunk: the "Edit WGSL" button (on every result and
// beside the variant picker) and the mount that loads the editor (CodeMirror included) lazily.
import { Component, lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import type { ExperimentResult } from '../../kernels/types';
import { openEditor, useEditor } from '../../state/editor';

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

/** Opens the editor on a result's experiment (an edited result: on its edited source), or on the form's. */
export function EditWgslButton({ result, className = 'small' }: { result?: ExperimentResult; className?: string }) {
  const onClick = () => {
    if (!result) return void openEditor();
    const sources = result.edit ? Object.fromEntries(result.edit.dispatches.filter((i) => result.wgsl[i]).map((i) => [i, result.wgsl[i].source])) : undefined;
    void openEditor(result.experiment, sources ? { sources } : undefined);
  };
  return (
    <button type="button" className={className} onClick={onClick} data-testid="edit-wgsl" disabled={result?.provenance.backend === 'cpu' && !result.wgsl.length}>
      Edit WGSL
    </button>
  );
}

export function EditorMount() {
  const open = useEditor((s) => s.open);
  const experiment = useEditor((s) => s.experiment);
  const here = useRef<HTMLDivElement>(null);
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
