// The "Edit WGSL" button, on every result and beside the variant picker (first chunk, tiny).
import type { ExperimentResult } from '../../kernels/types';
import { openEditor } from '../../state/editor';

/** Opens the editor on a result's experiment (an edited result: on its edited source), or on the form's. */
export function EditWgslButton({ result, className = 'small' }: { result?: ExperimentResult; className?: string }) {
  const onClick = () => {
    if (!result) return void openEditor();
    const sources = result.edit ? Object.fromEntries(result.edit.dispatches.filter((i) => result.wgsl[i]).map((i) => [i, result.wgsl[i].source])) : undefined;
    void openEditor(result.experiment, sources ? { sources } : undefined);
  };
  return (
    <button
      type="button"
      className={className}
      onClick={onClick}
      data-testid="edit-wgsl"
      disabled={result?.provenance.backend === 'cpu' && !result.wgsl.length}
    >
      Edit WGSL
    </button>
  );
}
